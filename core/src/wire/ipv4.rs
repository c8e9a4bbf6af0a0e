//! IPv4 packets (RFC 791).
//!
//! ```text
//!  0       4       8              16   19                  31
//!  |version|  IHL  |  DSCP/ECN    |       total length      |
//!  |        identification        |flags| fragment offset   |
//!  |     TTL       |   protocol   |     header checksum     |
//!  |                     source address                     |
//!  |                  destination address                   |
//! ```

use std::net::Ipv4Addr;

use super::{Error, Result};
use crate::checksum;

/// IP protocol numbers.
pub mod protocol {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
}

mod field {
    use core::ops::Range;
    pub const VER_IHL: usize = 0;
    pub const DSCP_ECN: usize = 1;
    pub const LENGTH: Range<usize> = 2..4;
    pub const IDENT: Range<usize> = 4..6;
    pub const FLG_OFF: Range<usize> = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Range<usize> = 10..12;
    pub const SRC_ADDR: Range<usize> = 12..16;
    pub const DST_ADDR: Range<usize> = 16..20;
}

/// Length of a header without options.
pub const HEADER_LEN: usize = field::DST_ADDR.end;

const FLAG_DF: u16 = 0x4000;
const FLAG_MF: u16 = 0x2000;
const OFFSET_MASK: u16 = 0x1FFF;

/// A view of an IPv4 packet (the buffer starts at the IP header; it may run past the total
/// length, e.g. over Ethernet padding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` without checking it. The fixed-header accessors need 20 bytes.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps `buffer` after [`check_len`](Self::check_len).
    pub fn new_checked(buffer: T) -> Result<Packet<T>> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks that the buffer holds the fixed header, that the header length is at least 20 and
    /// at most the total length, and that the buffer holds the total length.
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            Err(Error::Truncated)
        } else if self.header_len() < HEADER_LEN || self.header_len() > self.total_len() as usize {
            Err(Error::Malformed)
        } else if len < self.total_len() as usize {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn be16(&self, r: core::ops::Range<usize>) -> u16 {
        let d = &self.buffer.as_ref()[r];
        u16::from_be_bytes([d[0], d[1]])
    }

    /// Version field (4 for IPv4).
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[field::VER_IHL] >> 4
    }

    /// IHL: header length in 32-bit words.
    pub fn ihl(&self) -> u8 {
        self.buffer.as_ref()[field::VER_IHL] & 0x0F
    }

    /// Header length in bytes (IHL × 4).
    pub fn header_len(&self) -> usize {
        self.ihl() as usize * 4
    }

    /// DSCP and ECN byte.
    pub fn dscp_ecn(&self) -> u8 {
        self.buffer.as_ref()[field::DSCP_ECN]
    }

    /// Total length: header and payload, in bytes.
    pub fn total_len(&self) -> u16 {
        self.be16(field::LENGTH)
    }

    /// Identification.
    pub fn ident(&self) -> u16 {
        self.be16(field::IDENT)
    }

    /// Don't-fragment flag.
    pub fn dont_frag(&self) -> bool {
        self.be16(field::FLG_OFF) & FLAG_DF != 0
    }

    /// More-fragments flag.
    pub fn more_frags(&self) -> bool {
        self.be16(field::FLG_OFF) & FLAG_MF != 0
    }

    /// Fragment offset in bytes (the field counts 8-byte units).
    pub fn frag_offset(&self) -> u16 {
        (self.be16(field::FLG_OFF) & OFFSET_MASK) << 3
    }

    /// Whether this is a fragment (MF set or a non-zero offset).
    pub fn is_fragment(&self) -> bool {
        self.be16(field::FLG_OFF) & (FLAG_MF | OFFSET_MASK) != 0
    }

    /// Time to live.
    pub fn ttl(&self) -> u8 {
        self.buffer.as_ref()[field::TTL]
    }

    /// Protocol number of the payload.
    pub fn protocol(&self) -> u8 {
        self.buffer.as_ref()[field::PROTOCOL]
    }

    /// Header checksum field.
    pub fn checksum(&self) -> u16 {
        self.be16(field::CHECKSUM)
    }

    /// Source address.
    pub fn src_addr(&self) -> Ipv4Addr {
        let d = &self.buffer.as_ref()[field::SRC_ADDR];
        Ipv4Addr::new(d[0], d[1], d[2], d[3])
    }

    /// Destination address.
    pub fn dst_addr(&self) -> Ipv4Addr {
        let d = &self.buffer.as_ref()[field::DST_ADDR];
        Ipv4Addr::new(d[0], d[1], d[2], d[3])
    }

    /// Whether the header checksum verifies (the header's sum is 0xFFFF). Needs a checked packet.
    pub fn verify_checksum(&self) -> bool {
        checksum::data(&self.buffer.as_ref()[..self.header_len()]) == 0xFFFF
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The payload: from the end of the header to the total length. Needs a checked packet.
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[self.header_len()..self.total_len() as usize]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_be16(&mut self, r: core::ops::Range<usize>, v: u16) {
        self.buffer.as_mut()[r].copy_from_slice(&v.to_be_bytes());
    }

    /// Sets the version.
    pub fn set_version(&mut self, v: u8) {
        let b = &mut self.buffer.as_mut()[field::VER_IHL];
        *b = (*b & 0x0F) | (v << 4);
    }

    /// Sets the header length in bytes (a multiple of 4).
    pub fn set_header_len(&mut self, len: usize) {
        let b = &mut self.buffer.as_mut()[field::VER_IHL];
        *b = (*b & 0xF0) | ((len / 4) as u8 & 0x0F);
    }

    /// Sets DSCP and ECN.
    pub fn set_dscp_ecn(&mut self, v: u8) {
        self.buffer.as_mut()[field::DSCP_ECN] = v;
    }

    /// Sets the total length.
    pub fn set_total_len(&mut self, v: u16) {
        self.set_be16(field::LENGTH, v)
    }

    /// Sets the identification.
    pub fn set_ident(&mut self, v: u16) {
        self.set_be16(field::IDENT, v)
    }

    /// Sets the don't-fragment flag.
    pub fn set_dont_frag(&mut self, on: bool) {
        let v = self.be16(field::FLG_OFF);
        self.set_be16(field::FLG_OFF, if on { v | FLAG_DF } else { v & !FLAG_DF })
    }

    /// Sets the more-fragments flag.
    pub fn set_more_frags(&mut self, on: bool) {
        let v = self.be16(field::FLG_OFF);
        self.set_be16(field::FLG_OFF, if on { v | FLAG_MF } else { v & !FLAG_MF })
    }

    /// Sets the fragment offset in bytes (a multiple of 8).
    pub fn set_frag_offset(&mut self, bytes: u16) {
        let v = self.be16(field::FLG_OFF);
        self.set_be16(field::FLG_OFF, (v & !OFFSET_MASK) | ((bytes >> 3) & OFFSET_MASK))
    }

    /// Sets the time to live.
    pub fn set_ttl(&mut self, v: u8) {
        self.buffer.as_mut()[field::TTL] = v;
    }

    /// Sets the protocol number.
    pub fn set_protocol(&mut self, v: u8) {
        self.buffer.as_mut()[field::PROTOCOL] = v;
    }

    /// Sets the header checksum field.
    pub fn set_checksum(&mut self, v: u16) {
        self.set_be16(field::CHECKSUM, v)
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, a: Ipv4Addr) {
        self.buffer.as_mut()[field::SRC_ADDR].copy_from_slice(&a.octets());
    }

    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, a: Ipv4Addr) {
        self.buffer.as_mut()[field::DST_ADDR].copy_from_slice(&a.octets());
    }

    /// Computes and sets the header checksum.
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let sum = checksum::data(&self.buffer.as_ref()[..self.header_len()]);
        self.set_checksum(!sum);
    }

    /// The payload, mutable. Needs a checked packet.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let (start, end) = (self.header_len(), self.total_len() as usize);
        &mut self.buffer.as_mut()[start..end]
    }
}

/// An IPv4 header without options, unfragmented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub src_addr: Ipv4Addr,
    pub dst_addr: Ipv4Addr,
    pub protocol: u8,
    pub payload_len: usize,
    pub ttl: u8,
}

impl Repr {
    /// Parses a packet: version 4, valid header checksum, no fragment. Options are skipped.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr> {
        packet.check_len()?;
        if packet.version() != 4 || packet.is_fragment() {
            return Err(Error::Malformed);
        }
        if !packet.verify_checksum() {
            return Err(Error::Checksum);
        }
        Ok(Repr {
            src_addr: packet.src_addr(),
            dst_addr: packet.dst_addr(),
            protocol: packet.protocol(),
            payload_len: packet.total_len() as usize - packet.header_len(),
            ttl: packet.ttl(),
        })
    }

    /// Bytes the header takes.
    pub const fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// Bytes header and payload take.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload_len
    }

    /// Writes the header (identification 0, no flags) with its checksum.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_version(4);
        packet.set_header_len(HEADER_LEN);
        packet.set_dscp_ecn(0);
        packet.set_total_len(self.buffer_len() as u16);
        packet.set_ident(0);
        packet.set_be16(field::FLG_OFF, 0);
        packet.set_ttl(self.ttl);
        packet.set_protocol(self.protocol);
        packet.set_src_addr(self.src_addr);
        packet.set_dst_addr(self.dst_addr);
        packet.fill_checksum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 192.168.0.1 -> 192.168.0.199, UDP, total length 0x73, DF, TTL 64, checksum b861.
    static HEADER: [u8; 20] = [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
        0x00, 0xc7,
    ];

    fn packet_bytes() -> Vec<u8> {
        let mut v = HEADER.to_vec();
        v.resize(0x73, 0xAB);
        v
    }

    #[test]
    fn fields() {
        let bytes = packet_bytes();
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(p.version(), 4);
        assert_eq!(p.ihl(), 5);
        assert_eq!(p.header_len(), 20);
        assert_eq!(p.total_len(), 0x73);
        assert_eq!(p.ident(), 0);
        assert!(p.dont_frag());
        assert!(!p.more_frags());
        assert_eq!(p.frag_offset(), 0);
        assert!(!p.is_fragment());
        assert_eq!(p.ttl(), 64);
        assert_eq!(p.protocol(), protocol::UDP);
        assert_eq!(p.checksum(), 0xb861);
        assert_eq!(p.src_addr(), Ipv4Addr::new(192, 168, 0, 1));
        assert_eq!(p.dst_addr(), Ipv4Addr::new(192, 168, 0, 199));
        assert!(p.verify_checksum());
        assert_eq!(p.payload().len(), 0x73 - 20);
    }

    #[test]
    fn lengths() {
        let bytes = packet_bytes();
        assert_eq!(Packet::new_checked(&bytes[..19]).unwrap_err(), Error::Truncated);
        assert_eq!(Packet::new_checked(&bytes[..0x72]).unwrap_err(), Error::Truncated);
        let mut b = bytes.clone();
        b[0] = 0x44; // IHL 4
        assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed);
        let mut b = bytes.clone();
        b[2..4].copy_from_slice(&[0, 19]); // total length below the header
        assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed);
        // Trailing bytes past the total length (Ethernet padding) are fine.
        let mut b = bytes.clone();
        b.extend_from_slice(&[0; 10]);
        assert_eq!(Packet::new_checked(&b[..]).unwrap().payload().len(), 0x73 - 20);
    }

    #[test]
    fn fragments() {
        let mut b = packet_bytes();
        b[6..8].copy_from_slice(&[0x20, 0x00]); // MF
        let p = Packet::new_unchecked(&b[..]);
        assert!(p.more_frags() && p.is_fragment() && !p.dont_frag());
        b[6..8].copy_from_slice(&[0x00, 0x03]); // offset 3 × 8
        let p = Packet::new_unchecked(&b[..]);
        assert!(!p.more_frags() && p.is_fragment());
        assert_eq!(p.frag_offset(), 24);
    }

    #[test]
    fn repr_round_trip() {
        let bytes = packet_bytes();
        let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            Repr {
                src_addr: Ipv4Addr::new(192, 168, 0, 1),
                dst_addr: Ipv4Addr::new(192, 168, 0, 199),
                protocol: 17,
                payload_len: 0x73 - 20,
                ttl: 64
            }
        );
        let mut out = vec![0u8; repr.buffer_len()];
        let mut p = Packet::new_unchecked(&mut out[..]);
        repr.emit(&mut p);
        p.set_dont_frag(true);
        p.fill_checksum();
        assert_eq!(&out[..20], &HEADER[..]);
    }

    #[test]
    fn repr_rejects() {
        let mut b = packet_bytes();
        b[11] ^= 1;
        assert_eq!(Repr::parse(&Packet::new_unchecked(&b[..])).unwrap_err(), Error::Checksum);
        let mut b = packet_bytes();
        b[0] = 0x65;
        assert_eq!(Repr::parse(&Packet::new_unchecked(&b[..])).unwrap_err(), Error::Malformed);
    }

    #[test]
    fn setters() {
        let mut b = packet_bytes();
        let mut p = Packet::new_unchecked(&mut b[..]);
        p.set_dst_addr(Ipv4Addr::new(10, 1, 0, 1));
        p.set_frag_offset(16);
        p.set_more_frags(true);
        p.set_ttl(1);
        p.fill_checksum();
        assert!(p.verify_checksum());
        assert_eq!(&b[6..9], &[0x60, 0x02, 0x01]);
        assert_eq!(&b[16..20], &[10, 1, 0, 1]);
    }
}
