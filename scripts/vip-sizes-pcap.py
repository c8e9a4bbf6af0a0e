#!/usr/bin/env python3
"""Writes a pcap of UDP frames to the sample config's first VIP (10.0.0.1:7777), one frame kind
only, with the sizes 60-80 and 124-132 either in turn or in a random order.

It separates what the order of frame sizes costs the simulator from what the mix of frame kinds
costs (`l4lb-sim gen` mixes IPv4 and IPv6, VLAN tags, options, other traffic and odd frames):
docs/performance.md, *Simulator speed*.

    scripts/vip-sizes-pcap.py OUT.pcap FRAMES turn|random [SEED]
"""
import random
import struct
import sys

HARD = list(range(60, 81)) + list(range(124, 133))


def ones_complement(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(size: int, flow: int) -> bytes:
    src = bytes([192, 168, (flow >> 8) & 255, flow & 255])
    dst = bytes([10, 0, 0, 1])
    payload = b"\x5a" * (size - 42)
    sport, dport, ulen = 1024 + flow % 50000, 7777, 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    udp = struct.pack("!HHHH", sport, dport, ulen, ones_complement(pseudo + udp) or 0xFFFF) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", ones_complement(ip)) + ip[12:]
    return bytes([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]) + b"\x08\x00" + ip + udp


def main() -> None:
    if len(sys.argv) not in (4, 5) or sys.argv[3] not in ("turn", "random"):
        sys.exit(__doc__)
    out, count, order = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) == 5 else 1)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(count):
            size = HARD[i % len(HARD)] if order == "turn" else rng.choice(HARD)
            data = frame(size, i % 10000)
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(data), len(data)) + data)


if __name__ == "__main__":
    main()
