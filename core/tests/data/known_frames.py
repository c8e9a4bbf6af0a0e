#!/usr/bin/env python3
"""Independent derivation of the expected values in tests/model_known.rs.

Nothing here uses l4lb code: CRC-32C bit by bit from its definition, the Internet checksum from
RFC 1071, the contract's formulas (docs/architecture.md) written out again. Run it to reprint the
values the Rust test holds as literals.
"""

def crc32c_update(crc, data):
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc

def crc32c(data, init=0xFFFFFFFF):
    return crc32c_update(init, data) ^ 0xFFFFFFFF

assert crc32c(b"123456789") == 0xE3069283

def csum(data):
    if len(data) % 2:
        data = data + b"\0"
    s = sum((data[i] << 8) | data[i + 1] for i in range(0, len(data), 2))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return s

def ip4(s):
    return bytes(int(x) for x in s.split("."))

def be16(v):
    return v.to_bytes(2, "big")

def ipv4_header(src, dst, proto, total, ident=0x1234, flags=0x4000, ttl=64):
    h = bytearray(b"\x45\x00" + be16(total) + be16(ident) + be16(flags) + bytes([ttl, proto]) + b"\0\0" + ip4(src) + ip4(dst))
    h[10:12] = be16(0xFFFF ^ csum(bytes(h)))
    return bytes(h)

def l4_checksum(src, dst, proto, seg):
    ph = ip4(src) + ip4(dst) + bytes([0, proto]) + be16(len(seg))
    c = 0xFFFF ^ csum(ph + seg)
    if proto == 17 and c == 0:
        c = 0xFFFF
    return c

def udp(src, dst, sport, dport, payload):
    seg = bytearray(be16(sport) + be16(dport) + be16(8 + len(payload)) + b"\0\0" + payload)
    seg[6:8] = be16(l4_checksum(src, dst, 17, bytes(seg)))
    return bytes(seg)

def tcp(src, dst, sport, dport, seq, ack, flags, payload):
    seg = bytearray(be16(sport) + be16(dport) + seq.to_bytes(4, "big") + ack.to_bytes(4, "big")
                    + bytes([0x50, flags]) + be16(0xFFFF) + b"\0\0" + b"\0\0" + payload)
    seg[16:18] = be16(l4_checksum(src, dst, 6, bytes(seg)))
    return bytes(seg)

def frame(dmac, smac, ip_and_l4, vlan=None, pad_to=60):
    eth = bytes(dmac) + bytes(smac)
    eth += (b"\x81\x00" + be16(vlan) + b"\x08\x00") if vlan is not None else b"\x08\x00"
    f = eth + ip_and_l4
    return f + b"\0" * max(0, pad_to - len(f))

def flow_hash(seed, src, dst, sport, dport, proto):
    key = ip4(src) + ip4(dst) + be16(sport) + be16(dport) + bytes([proto])
    return crc32c_update(seed ^ 0xFFFFFFFF, key) ^ 0xFFFFFFFF

def vip_hash(addr, port, proto):
    return crc32c(ip4(addr) + be16(port) + bytes([proto]))

def rust(name, data):
    rows = [", ".join("0x%02x" % b for b in data[i:i + 12]) for i in range(0, len(data), 12)]
    print("// %s (%d bytes)\n[\n    %s,\n]" % (name, len(data), ",\n    ".join(rows)))

DMAC = [0x02, 0, 0, 0, 0, 0xAA]
SMAC = [0x02, 0, 0, 0, 0, 0xBB]
BUCKETS = 128

for addr, port, proto in [("10.0.0.1", 7777, 17), ("10.0.0.2", 80, 6)]:
    k = vip_hash(addr, port, proto)
    print("vip %s:%d/%d k=%#010x bank0 bucket %d bank1 bucket %d" % (addr, port, proto, k, k % BUCKETS, (k >> 16) % BUCKETS))

def balanced(name, src, dst, sport, dport, proto, l4, seed, base, size, backend_of, vlan=None):
    ip = ipv4_header(src, dst, proto, 20 + len(l4)) + l4
    fin = frame(DMAC, SMAC, ip, vlan)
    h = flow_hash(seed, src, dst, sport, dport, proto)
    r = (base + ((h * size) >> 32)) % 65536
    b, new_addr, new_mac = backend_of(r)
    l4n = bytearray(l4)
    if proto == 17:
        if l4n[6:8] != b"\0\0":
            l4n[6:8] = be16(l4_checksum(src, new_addr, 17, bytes(l4n[:6]) + b"\0\0" + bytes(l4n[8:])))
    else:
        l4n[16:18] = be16(l4_checksum(src, new_addr, 6, bytes(l4n[:16]) + b"\0\0" + bytes(l4n[18:])))
    ipn = ipv4_header(src, new_addr, proto, 20 + len(l4)) + bytes(l4n)
    fout = frame(new_mac if new_mac else DMAC, SMAC, ipn, vlan)
    print("%s: hash %#010x ring index %d backend %d" % (name, h, r, b))
    rust(name + " in", fin)
    rust(name + " out", fout)

# Ring slice of vip 3 (10.0.0.1:7777/udp): base 100, size 4, ring[100 + i] = backend 5 + i,
# backend b has address 10.1.0.b and MAC 02:00:00:00:01:0b.
def ring_a(r):
    b = 5 + (r - 100)
    return b, "10.1.0.%d" % b, [2, 0, 0, 0, 1, b]

balanced("udp", "192.168.1.2", "10.0.0.1", 40000, 7777, 17,
         udp("192.168.1.2", "10.0.0.1", 40000, 7777, b"hello"), 0, 100, 4, ring_a)
balanced("udp seed", "192.168.1.2", "10.0.0.1", 40000, 7777, 17,
         udp("192.168.1.2", "10.0.0.1", 40000, 7777, b"hello"), 0x5EED1234, 100, 4, ring_a)
# vip 7 (10.0.0.2:80/tcp): base 200, size 3, ring[200..203] = backends 9 (no MAC) 10 11 (no MAC).
def ring_b(r):
    b = 9 + (r - 200)
    return b, "172.16.0.%d" % b, None

balanced("tcp", "198.51.100.7", "10.0.0.2", 51000, 80, 6,
         tcp("198.51.100.7", "10.0.0.2", 51000, 80, 0x01020304, 0, 0x02, b""), 0, 200, 3, ring_b)
balanced("vlan udp", "192.168.1.3", "10.0.0.1", 5353, 7777, 17,
         udp("192.168.1.3", "10.0.0.1", 5353, 7777, b"vlan!"), 0, 100, 4, ring_a, vlan=0x2064)

# Payloads chosen so that the checksum after the rewrite computes to 0x0000: UDP must send it as
# 0xFFFF, TCP sends 0x0000.
def zeroing_payload(src, new_dst, proto, header_without_payload, prefix):
    seg = header_without_payload + prefix + b"\0\0"
    ph = ip4(src) + ip4(new_dst) + bytes([0, proto]) + be16(len(seg))
    s0 = csum(ph + seg)
    x = 0xFFFF - s0 if s0 != 0xFFFF else 0xFFFF
    return prefix + be16(x)

# UDP to vip 3 from 192.168.1.9:1000, payload "zz" + 2 chosen bytes; hash picks the backend.
src, sport = "192.168.1.9", 1000
h = flow_hash(0, src, "10.0.0.1", sport, 7777, 17)
b, new_addr, _ = ring_a(100 + ((h * 4) >> 32))
hdr = be16(sport) + be16(7777) + be16(12) + b"\0\0"
payload = zeroing_payload(src, new_addr, 17, hdr, b"zz")
balanced("udp to zero", src, "10.0.0.1", sport, 7777, 17, udp(src, "10.0.0.1", sport, 7777, payload), 0, 100, 4, ring_a)

src, sport = "198.51.100.8", 2000
h = flow_hash(0, src, "10.0.0.2", sport, 80, 6)
b, new_addr, _ = ring_b(200 + ((h * 3) >> 32))
hdr = be16(sport) + be16(80) + (5).to_bytes(4, "big") + (6).to_bytes(4, "big") + bytes([0x50, 0x18]) + be16(0xFFFF) + b"\0\0\0\0"
payload = zeroing_payload(src, new_addr, 6, hdr, b"")
balanced("tcp to zero", src, "10.0.0.2", sport, 80, 6, tcp(src, "10.0.0.2", sport, 80, 5, 6, 0x18, payload), 0, 200, 3, ring_b)
