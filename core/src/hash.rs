//! CRC-32C: the flow hash and the VIP key hash (docs/architecture.md, *Choosing the backend* and
//! *Finding the VIP*).
//!
//! CRC-32C (Castagnoli) is the reflected CRC with polynomial 0x1EDC6F41 (0x82F63B78 reflected).
//! [`crc32c_update`] is the bare register update the RTL's `l4lb_crc32c.v` computes (no initial
//! value, no final XOR); [`crc32c`] is the standard check-summing form (register initialised to
//! 0xFFFFFFFF, result XORed with 0xFFFFFFFF). On x86-64 with SSE 4.2 the `crc32` instruction
//! computes exactly the reflected update, so it is used when present; the table-driven path gives
//! the same result everywhere else.

use crate::layout::{FlowKey, VipKey};

/// Reflected CRC-32C polynomial.
pub const POLY_REFLECTED: u32 = 0x82F6_3B78;
/// CRC-32C polynomial in normal (MSB-first) form.
pub const POLY: u32 = 0x1EDC_6F41;

/// Slice-by-8 tables: `TABLES[0]` is the byte-at-a-time table, `TABLES[k][i]` is `TABLES[0][i]`
/// advanced by `k` more zero bytes.
static TABLES: [[u32; 256]; 8] = make_tables();

const fn make_tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ POLY_REFLECTED } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut s = 1;
    while s < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[s - 1][i];
            t[s][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            i += 1;
        }
        s += 1;
    }
    t
}

/// Advances the raw CRC-32C register `crc` over `data`: reflected, polynomial 0x82F63B78, no
/// initial value and no final inversion. `crc32c(d) == !crc32c_update(!0, d)`.
#[inline]
pub fn crc32c_update(crc: u32, data: &[u8]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("sse4.2") {
            // SAFETY: the CPU has SSE 4.2, checked just above.
            return unsafe { update_sse42(crc, data) };
        }
    }
    update_table(crc, data)
}

/// Table-driven register update (slice-by-8), the portable path of [`crc32c_update`].
pub fn update_table(mut crc: u32, data: &[u8]) -> u32 {
    let t = &TABLES;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let lo = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) ^ crc;
        let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
        crc = t[7][(lo & 0xFF) as usize]
            ^ t[6][((lo >> 8) & 0xFF) as usize]
            ^ t[5][((lo >> 16) & 0xFF) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xFF) as usize]
            ^ t[2][((hi >> 8) & 0xFF) as usize]
            ^ t[1][((hi >> 16) & 0xFF) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ b as u32) & 0xFF) as usize];
    }
    crc
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse4.2")]
unsafe fn update_sse42(crc: u32, data: &[u8]) -> u32 {
    use std::arch::x86_64::{_mm_crc32_u32, _mm_crc32_u64, _mm_crc32_u8};
    let mut c64 = crc as u64;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        c64 = _mm_crc32_u64(c64, u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
    }
    let mut crc = c64 as u32;
    let mut rest = chunks.remainder();
    if rest.len() >= 4 {
        crc = _mm_crc32_u32(crc, u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]));
        rest = &rest[4..];
    }
    for &b in rest {
        crc = _mm_crc32_u8(crc, b);
    }
    crc
}

/// Standard CRC-32C of `data` (check value of `"123456789"`: 0xE3069283).
#[inline]
pub fn crc32c(data: &[u8]) -> u32 {
    !crc32c_update(!0, data)
}

/// The flow hash: CRC-32C of the flow key (13 bytes for IPv4, 37 for IPv6) with the register initialised to
/// `seed ^ 0xFFFFFFFF` and the result XORed with 0xFFFFFFFF. With seed 0 it is [`crc32c`].
#[inline]
pub fn flow_hash(seed: u32, key: &FlowKey) -> u32 {
    !crc32c_update(!seed, &key.bytes())
}

/// The VIP key hash: standard CRC-32C of address (4 or 16 bytes), port (2, big-endian) and protocol
/// number (1), independent of the seed.
#[inline]
pub fn vip_key_hash(key: &VipKey) -> u32 {
    crc32c(&key.bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Protocol;
    use std::net::Ipv4Addr;

    /// Bit-at-a-time CRC-32C straight from the definition, to check the fast paths against.
    fn bitwise(mut crc: u32, data: &[u8]) -> u32 {
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
            }
        }
        crc
    }

    #[test]
    fn check_value() {
        // The catalogue check value of CRC-32C ("CRC-32/ISCSI").
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(!update_table(!0, b"123456789"), 0xE306_9283);
    }

    #[test]
    fn rfc3720_vectors() {
        // RFC 3720 (iSCSI), B.4 CRC Examples.
        assert_eq!(crc32c(&[0u8; 32]), 0x8A91_36AA);
        assert_eq!(crc32c(&[0xFFu8; 32]), 0x62A8_AB43);
        let asc: Vec<u8> = (0u8..32).collect();
        assert_eq!(crc32c(&asc), 0x46DD_794E);
        let desc: Vec<u8> = (0u8..32).rev().collect();
        assert_eq!(crc32c(&desc), 0x113F_DB5C);
        for data in [&[0u8; 32][..], &[0xFF; 32][..], &asc[..], &desc[..]] {
            assert_eq!(!update_table(!0, data), crc32c(data));
        }
    }

    #[test]
    fn empty_input_is_identity() {
        assert_eq!(crc32c_update(0x1234_5678, &[]), 0x1234_5678);
        assert_eq!(crc32c(&[]), 0);
    }

    #[test]
    fn fast_paths_match_bitwise_at_every_length_and_split() {
        let data: Vec<u8> = (0..200u32).map(|i| (i.wrapping_mul(167).wrapping_add(13) >> 1) as u8).collect();
        for len in 0..data.len() {
            for init in [0u32, !0, 0xDEAD_BEEF] {
                let want = bitwise(init, &data[..len]);
                assert_eq!(update_table(init, &data[..len]), want, "table, len {len}");
                assert_eq!(crc32c_update(init, &data[..len]), want, "dispatch, len {len}");
            }
        }
        // Updating in pieces is the same as updating at once.
        let (a, b) = data.split_at(77);
        assert_eq!(crc32c_update(crc32c_update(!0, a), b), crc32c_update(!0, &data));
    }

    #[test]
    fn flow_hash_with_seed_zero_is_standard_crc() {
        let key = FlowKey {
            src: Ipv4Addr::new(192, 168, 1, 2).into(),
            dst: Ipv4Addr::new(10, 0, 0, 1).into(),
            src_port: 40000,
            dst_port: 7777,
            protocol: 17,
        };
        let bytes = [192, 168, 1, 2, 10, 0, 0, 1, 0x9C, 0x40, 0x1E, 0x61, 17];
        assert_eq!(key.bytes(), bytes);
        assert_eq!(flow_hash(0, &key), bitwise(!0, &bytes) ^ !0);
        // A seed is the register's initial value XOR 0xFFFFFFFF.
        assert_eq!(flow_hash(0x1234_5678, &key), bitwise(!0x1234_5678, &bytes) ^ !0);
        assert_ne!(flow_hash(1, &key), flow_hash(0, &key));
    }

    #[test]
    fn vip_key_hash_bytes() {
        let key = VipKey { addr: Ipv4Addr::new(10, 0, 0, 1).into(), port: 7777, protocol: Protocol::Udp };
        assert_eq!(vip_key_hash(&key), bitwise(!0, &[10, 0, 0, 1, 0x1E, 0x61, 17]) ^ !0);
    }
}
