//! The Internet checksum: one's-complement sums (RFC 1071), the IPv4 pseudo-header, and the
//! incremental update of RFC 1624 that the data plane applies when it rewrites an address.
//!
//! Functions named `*sum*`, [`data`], [`combine`] and [`pseudo_header_v4`] return the
//! one's-complement *sum* (not complemented); a checksum field holds `!sum`.
//!
//! RFC 1071, section 1:
//! > (1) Adjacent octets to be checksummed are paired to form 16-bit integers, and the 1's
//! > complement sum of these 16-bit integers is formed. (2) To generate a checksum, the checksum
//! > field itself is cleared, the 16-bit 1's complement sum is computed over the octets concerned,
//! > and the 1's complement of this sum is placed in the checksum field. (3) To check a checksum,
//! > the 1's complement sum is computed over the same set of octets, including the checksum field.
//! > If the result is all 1 bits (-0 in 1's complement arithmetic), the check succeeds.
//!
//! One's-complement addition with end-around carry is order-free, and (docs/architecture.md) the
//! sum of terms `x...` is 0 only when every term is 0; otherwise it is `s = (Σx) mod 0xFFFF`, and
//! 0xFFFF when `s` is 0. Every function here follows that rule, bit for bit as the RTL does.

use std::net::Ipv4Addr;

/// Folds a wide sum of 16-bit terms to 16 bits with end-around carry: 0 only for 0, otherwise
/// the value mod 0xFFFF with 0xFFFF in place of 0.
#[inline]
pub fn fold(mut sum: u64) -> u16 {
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum as u16
}

/// One's-complement sum of two 16-bit values.
#[inline]
pub fn add(a: u16, b: u16) -> u16 {
    fold(a as u64 + b as u64)
}

/// One's-complement sum of the 16-bit big-endian words of `data`.
///
/// RFC 793: "If a segment contains an odd number of header and text octets to be checksummed,
/// the last octet is padded on the right with zeros to form a 16 bit word for checksum purposes."
pub fn data(data: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        // Four 16-bit words at once: the big-endian u64 is w0·2^48 + w1·2^32 + w2·2^16 + w3,
        // and 2^16 ≡ 1 (mod 0xFFFF), so summing its 32-bit halves keeps the residue.
        let v = u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        sum += (v >> 32) + (v & 0xFFFF_FFFF);
    }
    let mut rest = chunks.remainder().chunks_exact(2);
    for w in &mut rest {
        sum += u16::from_be_bytes([w[0], w[1]]) as u64;
    }
    if let [last] = rest.remainder() {
        sum += (*last as u64) << 8;
    }
    fold(sum)
}

/// One's-complement sum of several sums.
pub fn combine(sums: &[u16]) -> u16 {
    fold(sums.iter().map(|&s| s as u64).sum())
}

/// One's-complement sum of the IPv4 pseudo-header of TCP and UDP (RFC 793, RFC 768): source
/// address, destination address, zero, protocol, and the TCP/UDP length.
pub fn pseudo_header_v4(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, length: u16) -> u16 {
    let s = u32::from(src);
    let d = u32::from(dst);
    fold(
        (s >> 16) as u64
            + (s & 0xFFFF) as u64
            + (d >> 16) as u64
            + (d & 0xFFFF) as u64
            + protocol as u64
            + length as u64,
    )
}

/// RFC 1624, eqn. 3: the checksum field `hc` after one 16-bit word of the covered data changes
/// from `old` to `new`:
///
/// > HC' = ~(~HC + ~m + m')
pub fn update16(hc: u16, old: u16, new: u16) -> u16 {
    !fold(!hc as u64 + !old as u64 + new as u64)
}

/// RFC 1624, eqn. 3 for a 32-bit field (two 16-bit words, e.g. an IPv4 address) changing from
/// `old` to `new`: `HC' = ~(~HC + ~m_hi + ~m_lo + m'_hi + m'_lo)`, one sum of five terms.
pub fn update32(hc: u16, old: u32, new: u32) -> u16 {
    let not_old = !old;
    !fold(!hc as u64 + (not_old >> 16) as u64 + (not_old & 0xFFFF) as u64 + (new >> 16) as u64 + (new & 0xFFFF) as u64)
}

/// [`update32`] for an IPv4 address.
pub fn update_addr(hc: u16, old: Ipv4Addr, new: Ipv4Addr) -> u16 {
    update32(hc, u32::from(old), u32::from(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071, 3. Numerical Examples: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
        let bytes = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(data(&bytes), 0xddf2);
        // Byte order independence (RFC 1071 1.2.B): the swapped sum is the swapped bytes' sum.
        let swapped = [0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6];
        assert_eq!(data(&swapped), 0xf2dd);
        // Split at any even point and combined, the sum is the same.
        assert_eq!(combine(&[data(&bytes[..2]), data(&bytes[2..])]), 0xddf2);
        assert_eq!(combine(&[data(&bytes[..6]), data(&bytes[6..])]), 0xddf2);
    }

    #[test]
    fn ipv4_header_example() {
        // A widely quoted IPv4 header with its checksum b861 (Wikipedia, "IPv4 header checksum").
        let mut h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
            0x00, 0xc7,
        ];
        assert_eq!(data(&h), 0xFFFF); // verifies
        h[10] = 0;
        h[11] = 0;
        assert_eq!(!data(&h), 0xb861);
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(data(&[0x12]), 0x1200);
        assert_eq!(data(&[0x12, 0x34, 0x56]), 0x1234 + 0x5600);
    }

    #[test]
    fn zero_only_when_every_term_is_zero() {
        assert_eq!(data(&[]), 0);
        assert_eq!(data(&[0; 64]), 0);
        assert_eq!(data(&[0xFF, 0xFF]), 0xFFFF);
        assert_eq!(data(&[0x80, 0x00, 0x7F, 0xFF]), 0xFFFF); // sums to 0xFFFF, not 0
        assert_eq!(data(&[0xFF, 0xFF, 0xFF, 0xFF]), 0xFFFF); // 0x1FFFE folds to 0xFFFF
        assert_eq!(add(0, 0), 0);
        assert_eq!(add(0xFFFF, 0), 0xFFFF);
        assert_eq!(add(0xFFFF, 0xFFFF), 0xFFFF);
        assert_eq!(add(0x8000, 0x8000), 0x0001);
        assert_eq!(combine(&[]), 0);
    }

    #[test]
    fn long_data_matches_word_by_word() {
        let bytes: Vec<u8> = (0..70_001u32).map(|i| (i * 31 + 7) as u8 | 0x80).collect();
        for len in [0usize, 1, 7, 8, 9, 15, 16, 17, 1000, 70_001] {
            let mut sum: u64 = 0;
            for w in bytes[..len].chunks(2) {
                sum += ((w[0] as u64) << 8) | w.get(1).copied().unwrap_or(0) as u64;
            }
            let want = if sum == 0 {
                0
            } else if sum % 0xFFFF == 0 {
                0xFFFF
            } else {
                (sum % 0xFFFF) as u16
            };
            assert_eq!(data(&bytes[..len]), want, "len {len}");
        }
    }

    #[test]
    fn rfc1624_example() {
        // RFC 1624, 4. Numerical Example: m = 0x5555 changes to m' = 0x3285 in a header whose
        // other octets sum to 0xCD7A, so HC = 0xDD2F; eqn. 3 gives HC' = 0x0000.
        assert_eq!(!add(0xCD7A, 0x5555), 0xDD2F);
        assert_eq!(update16(0xDD2F, 0x5555, 0x3285), 0x0000);
        // Recomputing from scratch gives the same: ~(0xCD7A + 0x3285) = ~0xFFFF.
        assert_eq!(!add(0xCD7A, 0x3285), 0x0000);
    }

    #[test]
    fn address_update_matches_recompute() {
        // The header of `ipv4_header_example` with its destination 192.168.0.199 -> 10.1.0.1.
        let mut h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
            0x00, 0xc7,
        ];
        let new = update_addr(0xb861, Ipv4Addr::new(192, 168, 0, 199), Ipv4Addr::new(10, 1, 0, 1));
        h[16..20].copy_from_slice(&[10, 1, 0, 1]);
        h[10..12].copy_from_slice(&new.to_be_bytes());
        assert_eq!(data(&h), 0xFFFF);
        // Unchanged address: unchanged checksum (unless it was 0xFFFF, which eqn. 3 turns into 0).
        assert_eq!(update32(0x1234, 0x0A00_0001, 0x0A00_0001), 0x1234);
        assert_eq!(update32(0x0000, 0x0A00_0001, 0x0A00_0001), 0x0000);
        assert_eq!(update32(0xFFFF, 0x0A00_0001, 0x0A00_0001), 0x0000);
        // All five terms zero: the sum is 0 and the result 0xFFFF.
        assert_eq!(update32(0xFFFF, 0xFFFF_FFFF, 0), 0xFFFF);
    }

    #[test]
    fn pseudo_header() {
        // 192.168.0.1 -> 192.168.0.199, UDP, length 0x5f:
        // c0a8 + 0001 + c0a8 + 00c7 + 0011 + 005f = 0x18288 -> 0x8289.
        let s = pseudo_header_v4(Ipv4Addr::new(192, 168, 0, 1), Ipv4Addr::new(192, 168, 0, 199), 17, 0x5f);
        assert_eq!(s, 0x8289);
    }
}
