//! Test helpers written from the contract (docs/architecture.md), independent of the code under
//! test: a from-scratch Internet checksum, a bitwise CRC-32C, raw register writes of table
//! entries, and a classic-pcap reader.
#![allow(dead_code)]

use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_core::regs::RegisterAccess;

// Register offsets written out from the contract's tables, not taken from `regmap`.
pub const CTRL: u32 = 0x0040;
pub const HASH_SEED: u32 = 0x0044;
pub const CNT_FRAMES_IN: u32 = 0x0100;
pub const CNT_BYTES_IN: u32 = 0x0108;
pub const CNT_BALANCED: u32 = 0x0110;
pub const CNT_PASSED: u32 = 0x0118;
pub fn cnt_reason(n: u32) -> u32 {
    0x0120 + 8 * n
}
pub fn vip_frames(vip: u32) -> u32 {
    0x03_0000 + 16 * vip
}
pub fn vip_bytes(vip: u32) -> u32 {
    0x03_0000 + 16 * vip + 8
}

/// The one's-complement sum of 16-bit big-endian words, word by word, odd byte padded.
pub fn ones_sum(parts: &[&[u8]]) -> u16 {
    let mut bytes = Vec::new();
    for p in parts {
        bytes.extend_from_slice(p);
    }
    if bytes.len() % 2 == 1 {
        bytes.push(0);
    }
    let mut s: u32 = 0;
    for w in bytes.chunks(2) {
        s += ((w[0] as u32) << 8) | w[1] as u32;
        s = (s & 0xFFFF) + (s >> 16);
    }
    s as u16
}

fn be16(b: &[u8], at: usize) -> u16 {
    ((b[at] as u16) << 8) | b[at + 1] as u16
}

/// Byte offset of the IPv4 header (14 or 18) of a frame known to carry one.
pub fn l2_len(frame: &[u8]) -> usize {
    if frame[12] == 0x81 && frame[13] == 0x00 {
        18
    } else {
        14
    }
}

/// Sum over the IPv4 header including its checksum field (0xFFFF: the checksum verifies).
pub fn ip_residue(frame: &[u8], l2: usize) -> u16 {
    let ihl = (frame[l2] & 0x0F) as usize * 4;
    ones_sum(&[&frame[l2..l2 + ihl]])
}

/// Sum over pseudo-header and TCP/UDP segment including the checksum field (0xFFFF: it
/// verifies); `None` for a UDP checksum of 0 ("none").
pub fn l4_residue(frame: &[u8], l2: usize) -> Option<u16> {
    let ihl = (frame[l2] & 0x0F) as usize * 4;
    let total = be16(frame, l2 + 2) as usize;
    let proto = frame[l2 + 9];
    let seg = &frame[l2 + ihl..l2 + total];
    if proto == 17 && be16(seg, 6) == 0 {
        return None;
    }
    let len = (seg.len() as u16).to_be_bytes();
    Some(ones_sum(&[&frame[l2 + 12..l2 + 20], &[0, proto], &len, seg]))
}

/// CRC-32C bit by bit from the definition: reflected, polynomial 0x82F63B78.
pub fn crc32c_bitwise(mut crc: u32, data: &[u8]) -> u32 {
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
        }
    }
    crc
}

/// The contract's flow hash of a frame with its IPv4 header at `l2`.
pub fn flow_hash_of(seed: u32, frame: &[u8], l2: usize) -> u32 {
    let mut key = Vec::with_capacity(13);
    key.extend_from_slice(&frame[l2 + 12..l2 + 20]); // source, destination
    key.extend_from_slice(&frame[l2 + 20..l2 + 24]); // source port, destination port
    key.push(frame[l2 + 9]);
    !crc32c_bitwise(!seed, &key)
}

/// A model device with `caps`, enabled.
pub fn enabled(caps: Caps) -> ModelDevice {
    let mut d = ModelDevice::new(caps);
    d.write32(CTRL, 1).unwrap();
    d
}

/// VIP match slot `slot`: word 0 valid | protocol << 8 | port << 16, word 1 address, word 5 id.
pub fn write_slot(d: &mut dyn RegisterAccess, slot: u32, addr: [u8; 4], port: u16, proto: u8, vip_id: u16) {
    let base = 0x01_0000 + 32 * slot;
    d.write32(base + 4, u32::from_be_bytes(addr)).unwrap();
    d.write32(base + 20, vip_id as u32).unwrap();
    d.write32(base, 1 | (proto as u32) << 8 | (port as u32) << 16).unwrap();
}

/// VIP info `vip`: word 0 ring_base, word 1 ring_size.
pub fn write_info(d: &mut dyn RegisterAccess, vip: u32, base: u32, size: u32) {
    d.write32(0x02_0000 + 16 * vip, base).unwrap();
    d.write32(0x02_0000 + 16 * vip + 4, size).unwrap();
}

/// Backend `b`: word 0 flags (valid, MAC valid), words 1-2 MAC, word 4 address.
pub fn write_backend(d: &mut dyn RegisterAccess, b: u32, addr: [u8; 4], mac: Option<[u8; 6]>) {
    let base = 0x10_0000 + 32 * b;
    let mut flags = 1;
    if let Some(m) = mac {
        flags |= 4;
        d.write32(base + 4, u32::from_be_bytes([m[0], m[1], m[2], m[3]])).unwrap();
        d.write32(base + 8, ((m[4] as u32) << 8) | m[5] as u32).unwrap();
    }
    d.write32(base + 16, u32::from_be_bytes(addr)).unwrap();
    d.write32(base, flags).unwrap();
}

/// Places a VIP key in the first free way of its bank-0 bucket, else of its bank-1 bucket
/// (default caps: 128 buckets), using the contract's VIP key hash; `used` counts ways taken per
/// bank and bucket (256 entries). Returns false when both buckets are full.
pub fn place_vip(
    d: &mut dyn RegisterAccess,
    used: &mut [u8; 256],
    addr: [u8; 4],
    port: u16,
    proto: u8,
    vip_id: u16,
) -> bool {
    let mut key = addr.to_vec();
    key.extend_from_slice(&port.to_be_bytes());
    key.push(proto);
    let k = !crc32c_bitwise(!0, &key);
    for (bank, bucket) in [(0u32, k % 128), (1, (k >> 16) % 128)] {
        let n = &mut used[(bank * 128 + bucket) as usize];
        if *n < 4 {
            write_slot(d, bank * 512 + bucket * 4 + *n as u32, addr, port, proto, vip_id);
            *n += 1;
            return true;
        }
    }
    false
}

/// Ring entry `r` := backend `b`.
pub fn write_ring(d: &mut dyn RegisterAccess, r: u32, b: u32) {
    d.write32(0x40_0000 + 4 * r, b).unwrap();
}

/// Reads a 64-bit counter, low word first.
pub fn counter(d: &mut dyn RegisterAccess, offset: u32) -> u64 {
    let lo = d.read32(offset).unwrap() as u64;
    let hi = d.read32(offset + 4).unwrap() as u64;
    hi << 32 | lo
}

/// Frames of a classic pcap file with Ethernet link type; `None` for other formats or link
/// types (pcapng, Linux cooked, raw IP, ...).
pub fn pcap_ethernet_frames(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    if bytes.len() < 24 {
        return None;
    }
    let magic = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let le = match magic {
        0xA1B2_C3D4 | 0xA1B2_3C4D => true,
        0xD4C3_B2A1 | 0x4D3C_B2A1 => false,
        _ => return None,
    };
    let rd = |at: usize| {
        let b = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    };
    if rd(20) & 0x0FFF_FFFF != 1 {
        return None; // not DLT_EN10MB
    }
    let mut frames = Vec::new();
    let mut at = 24;
    while at + 16 <= bytes.len() {
        let caplen = rd(at + 8) as usize;
        at += 16;
        if at + caplen > bytes.len() {
            break;
        }
        frames.push(bytes[at..at + caplen].to_vec());
        at += caplen;
    }
    Some(frames)
}

/// A small deterministic RNG (xorshift64*), so the tests need no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
    /// Uniform-ish in `0..n`.
    pub fn below(&mut self, n: u32) -> u32 {
        ((self.next_u32() as u64 * n as u64) >> 32) as u32
    }
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
    pub fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            *b = self.next_u32() as u8;
        }
    }
}

/// The tables of tests/data/known_frames.py, written through registers:
/// - vip 3 = 10.0.0.1:7777/udp in bank 0, bucket 83 (its VIP key hash is 0x10192853), way 1;
///   ring slice base 100, size 4; ring[100 + i] = backend 5 + i; backend b = 10.1.0.b with MAC
///   02:00:00:00:01:0b.
/// - vip 7 = 10.0.0.2:80/tcp in bank 1, bucket 1 (hash 0x7c013d42: bank-1 bucket 0x7c01 mod 128),
///   way 3; base 200, size 3; ring[200 + i] = backend 9 + i; backend b = 172.16.0.b, no MAC.
///
/// Needs `vip_buckets` = 128.
pub fn known_tables(d: &mut dyn RegisterAccess) {
    write_slot(d, 83 * 4 + 1, [10, 0, 0, 1], 7777, 17, 3);
    write_slot(d, 512 + 4 + 3, [10, 0, 0, 2], 80, 6, 7);
    write_info(d, 3, 100, 4);
    write_info(d, 7, 200, 3);
    for i in 0..4 {
        let b = 5 + i;
        write_ring(d, 100 + i, b);
        write_backend(d, b, [10, 1, 0, b as u8], Some([2, 0, 0, 0, 1, b as u8]));
    }
    for i in 0..3 {
        let b = 9 + i;
        write_ring(d, 200 + i, b);
        write_backend(d, b, [172, 16, 0, b as u8], None);
    }
}

/// A device with default caps (max_len 9216), enabled, with [`known_tables`].
pub fn known_device() -> ModelDevice {
    known_device_with(Caps::default())
}

/// [`known_device`] with other caps (`vip_buckets` must stay 128).
pub fn known_device_with(caps: Caps) -> ModelDevice {
    let mut d = enabled(caps);
    known_tables(&mut d);
    d
}

/// UDP 192.168.1.2:40000 -> 10.0.0.1:7777 "hello", padded to 60 bytes (tests/data/known_frames.py).
pub const UDP_IN: [u8; 60] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x00, 0x00, 0x00, 0x00, 0xbb, //
    0x08, 0x00, 0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, //
    0x5c, 0xed, 0xc0, 0xa8, 0x01, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x9c, 0x40, //
    0x1e, 0x61, 0x00, 0x0d, 0x35, 0xb5, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// UDP_IN balanced: flow hash 0xe46ebaa6, ring index 103, backend 8 (10.1.0.8, 02:00:00:00:01:08).
pub const UDP_OUT: [u8; 60] = [
    0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0xbb, //
    0x08, 0x00, 0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, //
    0x5c, 0xe5, 0xc0, 0xa8, 0x01, 0x02, 0x0a, 0x01, 0x00, 0x08, 0x9c, 0x40, //
    0x1e, 0x61, 0x00, 0x0d, 0x35, 0xad, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// TCP SYN 198.51.100.7:51000 -> 10.0.0.2:80, seq 0x01020304, padded to 60 bytes.
pub const TCP_IN: [u8; 60] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x00, 0x00, 0x00, 0x00, 0xbb, //
    0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, //
    0xf4, 0x5f, 0xc6, 0x33, 0x64, 0x07, 0x0a, 0x00, 0x00, 0x02, 0xc7, 0x38, //
    0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, //
    0xff, 0xff, 0xb0, 0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// TCP_IN balanced: hash 0xc6cdd48d, ring index 202, backend 11 (172.16.0.11, no MAC).
pub const TCP_OUT: [u8; 60] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x00, 0x00, 0x00, 0x00, 0xbb, //
    0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, //
    0x52, 0x46, 0xc6, 0x33, 0x64, 0x07, 0xac, 0x10, 0x00, 0x0b, 0xc7, 0x38, //
    0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, //
    0xff, 0xff, 0x0d, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];
