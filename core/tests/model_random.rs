//! Random frames through the model, checked against the contract re-derived in the test: the
//! backend chosen by a bitwise CRC-32C and the ring formula, only the allowed bytes changed,
//! checksums recomputed from scratch valid when they were valid, and exactly as wrong when not.

mod common;

use common::*;
use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_core::regmap::Reason;
use l4lb_core::regs::RegisterAccess;

struct Vip {
    addr: [u8; 4],
    port: u16,
    proto: u8,
    id: u16,
    base: u32,
    size: u32,
}

struct Setup {
    d: ModelDevice,
    seed: u32,
    vips: Vec<Vip>,
    ring: Vec<u32>,
    /// Per backend: valid, address, MAC.
    backends: Vec<(bool, [u8; 4], Option<[u8; 6]>)>,
}

const RING: u32 = 1 << 20;
const BACKENDS: u32 = 4096;

fn setup(rng: &mut Rng) -> Setup {
    let mut d = enabled(Caps::default());
    let seed = rng.next_u32();
    d.write32(HASH_SEED, seed).unwrap();
    let mut ring = vec![0u32; RING as usize];
    let mut backends = vec![(false, [0u8; 4], None); BACKENDS as usize];
    for (b, e) in backends.iter_mut().enumerate().take(64) {
        let valid = !rng.chance(10);
        let addr = [172, 16, (b >> 8) as u8, b as u8];
        let mac = if rng.chance(50) { Some([2, 0, 0, 0, 0x10, b as u8]) } else { None };
        *e = (valid, addr, mac);
        if valid {
            write_backend(&mut d, b as u32, addr, mac);
        } else if rng.chance(50) {
            // Written but with the valid bit clear.
            write_backend(&mut d, b as u32, addr, mac);
            d.write32(0x10_0000 + 32 * b as u32, 0b100).unwrap();
        }
    }
    let mut vips: Vec<Vip> = Vec::new();
    let mut used = [0u8; 256]; // ways used per (bank, bucket)
    while vips.len() < 40 {
        let addr = [10, rng.below(4) as u8, rng.below(4) as u8, 1 + rng.below(8) as u8];
        let port = 1 + rng.below(2000) as u16;
        let proto = if rng.chance(50) { 6 } else { 17 };
        if vips.iter().any(|v| v.addr == addr && v.port == port && v.proto == proto) {
            continue;
        }
        let mut key = addr.to_vec();
        key.extend_from_slice(&port.to_be_bytes());
        key.push(proto);
        let k = !crc32c_bitwise(!0, &key);
        let b0 = k % 128;
        let b1 = (k >> 16) % 128;
        let slot = if used[b0 as usize] < 4 {
            used[b0 as usize] += 1;
            b0 * 4 + used[b0 as usize] as u32 - 1
        } else if used[128 + b1 as usize] < 4 {
            used[128 + b1 as usize] += 1;
            512 + b1 * 4 + used[128 + b1 as usize] as u32 - 1
        } else {
            continue;
        };
        let id = vips.len() as u16 * 5 + 1;
        let base = rng.next_u32(); // any 32-bit base: the index wraps mod RING
        let size = if rng.chance(5) { 0 } else { 1 + rng.below(50) };
        write_slot(&mut d, slot, addr, port, proto, id);
        write_info(&mut d, id as u32, base, size);
        for i in 0..size {
            let r = base.wrapping_add(i) % RING;
            // Backend indices past BACKEND_COUNT wrap to the first 64.
            let b = rng.below(64) + if rng.chance(20) { BACKENDS } else { 0 };
            ring[r as usize] = b;
            write_ring(&mut d, r, b);
        }
        vips.push(Vip { addr, port, proto, id, base, size });
    }
    Setup { d, seed, vips, ring, backends }
}

/// A random TCP or UDP frame to `dst:port`, possibly tagged, padded, with random checksums
/// broken. Returns the frame and the IPv4 header offset.
fn frame(rng: &mut Rng, dst: [u8; 4], port: u16, proto: u8) -> (Vec<u8>, usize) {
    let mut f = vec![0u8; 12];
    rng.fill(&mut f);
    let l2 = if rng.chance(30) {
        f.extend_from_slice(&[0x81, 0x00, rng.below(16) as u8, rng.next_u32() as u8, 0x08, 0x00]);
        18
    } else {
        f.extend_from_slice(&[0x08, 0x00]);
        14
    };
    let payload_len = rng.below(300) as usize;
    let l4_header = if proto == 6 { 20 + 4 * rng.below(11) as usize } else { 8 };
    let total = 20 + l4_header + payload_len;
    let mut ip = [0u8; 20];
    rng.fill(&mut ip);
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    ip[6] &= 0x40 | 0x80; // DF and the reserved bit may be set; MF and offset clear
    ip[7] = 0;
    ip[9] = proto;
    ip[10] = 0;
    ip[11] = 0;
    ip[16..20].copy_from_slice(&dst);
    let c = !ones_sum(&[&ip]);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    f.extend_from_slice(&ip);
    let mut seg = vec![0u8; l4_header + payload_len];
    rng.fill(&mut seg);
    seg[2..4].copy_from_slice(&port.to_be_bytes());
    let csum_at = if proto == 6 {
        seg[12] = ((l4_header / 4) as u8) << 4 | (seg[12] & 0x0F);
        16
    } else {
        let n = seg.len() as u16;
        seg[4..6].copy_from_slice(&n.to_be_bytes());
        6
    };
    seg[csum_at] = 0;
    seg[csum_at + 1] = 0;
    let len = (seg.len() as u16).to_be_bytes();
    let mut c = !ones_sum(&[&ip[12..20], &[0, proto], &len, &seg]);
    if proto == 17 && c == 0 {
        c = 0xFFFF;
    }
    if proto == 17 && rng.chance(10) {
        c = 0; // no checksum
    }
    seg[csum_at..csum_at + 2].copy_from_slice(&c.to_be_bytes());
    f.extend_from_slice(&seg);
    // Break a checksum now and then.
    if rng.chance(15) {
        f[l2 + 10] ^= 1 << rng.below(8);
    }
    if rng.chance(15) {
        let at = l2 + 20 + csum_at + rng.below(2) as usize;
        f[at] = f[at].wrapping_add(1 + rng.below(255) as u8);
    }
    // Ethernet padding or trailer bytes.
    let pad = if f.len() < 60 { 60 - f.len() } else { rng.below(8) as usize };
    for _ in 0..pad {
        f.push(rng.next_u32() as u8);
    }
    (f, l2)
}

#[test]
fn random_frames_follow_the_contract() {
    let mut rng = Rng::new(0x5EED_0001);
    let mut balanced = 0;
    let mut no_backend = 0;
    for round in 0..3 {
        let mut s = setup(&mut rng);
        for _ in 0..4000 {
            let (dst, port, proto, vip) = if rng.chance(90) {
                let v = &s.vips[rng.below(s.vips.len() as u32) as usize];
                (v.addr, v.port, v.proto, Some(v))
            } else {
                (
                    [192, 0, 2, rng.below(256) as u8],
                    1 + rng.below(65535) as u16,
                    if rng.chance(50) { 6 } else { 17 },
                    None,
                )
            };
            let (before, l2) = frame(&mut rng, dst, port, proto);
            let mut f = before.clone();
            let v = s.d.process(&mut f, false);
            assert_eq!(f.len(), before.len());
            let h = flow_hash_of(s.seed, &before, l2);
            assert_eq!(v.hash, Some(h), "round {round}");
            let Some(vip) = vip else {
                assert_eq!(v.reason, Reason::NoVip);
                assert_eq!(f, before);
                continue;
            };
            assert_eq!(v.vip_id, Some(vip.id));
            if vip.size == 0 {
                assert_eq!(v.reason, Reason::NoBackend);
                assert_eq!(f, before);
                no_backend += 1;
                continue;
            }
            let r = ((vip.base as u64 + ((h as u64 * vip.size as u64) >> 32)) % RING as u64) as usize;
            let b = s.ring[r] % BACKENDS;
            assert_eq!(v.backend, Some(b));
            let (valid, addr, mac) = s.backends[b as usize];
            if !valid {
                assert_eq!(v.reason, Reason::NoBackend);
                assert_eq!(f, before);
                no_backend += 1;
                continue;
            }
            assert_eq!(v.reason, Reason::Balanced);
            balanced += 1;
            check_rewrite(&before, &f, l2, addr, mac);
        }
        assert_eq!(counter(&mut s.d, CNT_FRAMES_IN), 4000);
    }
    assert!(balanced > 8000 && no_backend > 100, "balanced {balanced}, no backend {no_backend}");
}

/// Checks a balanced frame against its input: the new address and MAC, nothing else changed
/// but the checksum fields, and the checksums' residues unchanged.
fn check_rewrite(before: &[u8], after: &[u8], l2: usize, addr: [u8; 4], mac: Option<[u8; 6]>) {
    let proto = before[l2 + 9];
    let l4_csum = l2 + 20 + if proto == 6 { 16 } else { 6 };
    assert_eq!(&after[l2 + 16..l2 + 20], &addr);
    assert_eq!(&after[..6], &mac.unwrap_or([before[0], before[1], before[2], before[3], before[4], before[5]]));
    for i in 6..before.len() {
        let allowed =
            (l2 + 16..l2 + 20).contains(&i) || (l2 + 10..l2 + 12).contains(&i) || (l4_csum..l4_csum + 2).contains(&i);
        if !allowed {
            assert_eq!(after[i], before[i], "byte {i} changed");
        }
    }
    assert_eq!(ip_residue(after, l2), ip_residue(before, l2), "IP checksum residue");
    assert_eq!(l4_residue(after, l2), l4_residue(before, l2), "L4 checksum residue");
    if proto == 17 {
        let was = u16::from_be_bytes([before[l4_csum], before[l4_csum + 1]]);
        let now = u16::from_be_bytes([after[l4_csum], after[l4_csum + 1]]);
        assert_eq!(was == 0, now == 0, "UDP checksum 0 stays 0 and only 0 is 0");
    }
}

#[test]
fn random_bytes_never_panic_and_only_balanced_frames_change() {
    let mut rng = Rng::new(0xF0F0_1234);
    let mut s = setup(&mut rng);
    let mut counts = [0u32; 12];
    for i in 0..100_000u32 {
        let len = rng.below(if i % 2 == 0 { 80 } else { 200 }) as usize;
        let mut f = vec![0u8; len];
        rng.fill(&mut f);
        // Steer many toward the interesting part of the rule table.
        if len >= 14 && rng.chance(70) {
            f[12] = 0x08;
            f[13] = 0x00;
            if len >= 15 && rng.chance(70) {
                f[14] = 0x45;
            }
            if len >= 22 && rng.chance(70) {
                f[20] &= 0x40;
                f[21] = 0;
            }
            if len >= 24 && rng.chance(70) {
                f[23] = if rng.chance(50) { 6 } else { 17 };
            }
            if len >= 18 && rng.chance(70) {
                let tl = (len - 14) as u16 - rng.below(3) as u16;
                f[16..18].copy_from_slice(&tl.to_be_bytes());
            }
            if len >= 38 && rng.chance(50) {
                let v = &s.vips[rng.below(s.vips.len() as u32) as usize];
                f[23] = v.proto;
                f[30..34].copy_from_slice(&v.addr);
                f[36..38].copy_from_slice(&v.port.to_be_bytes());
            }
        }
        let before = f.clone();
        let bad = rng.chance(3);
        let v = s.d.process(&mut f, bad);
        counts[v.reason as usize] += 1;
        assert_eq!(f.len(), before.len());
        if v.is_balanced() {
            let l2 = 14;
            let b = v.backend.unwrap() as usize;
            let (_, addr, mac) = s.backends[b];
            check_rewrite(&before, &f, l2, addr, mac);
        } else {
            assert_eq!(f, before);
        }
    }
    // Every reason but DISABLED, the retired IP_OPTIONS and TOO_DEEP (IPv6 only) showed up.
    for r in (2..11).filter(|&r| r != 5) {
        assert!(counts[r] > 0, "reason {r} never seen: {counts:?}");
    }
    assert!(counts[0] > 0, "nothing balanced: {counts:?}");
}
