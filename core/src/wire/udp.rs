//! UDP datagrams (RFC 768).
//!
//! The view's buffer starts at the UDP header; it may run past the UDP length.
//!
//! RFC 768: "If the computed checksum is zero, it is transmitted as all ones (the equivalent in
//! one's complement arithmetic). An all zero transmitted checksum value means that the
//! transmitter generated no checksum (for debugging or for higher level protocols that don't
//! care)."

use std::net::Ipv4Addr;

use super::{Error, Result};
use crate::checksum;

mod field {
    use core::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const LENGTH: Range<usize> = 4..6;
    pub const CHECKSUM: Range<usize> = 6..8;
}

/// Length of the header.
pub const HEADER_LEN: usize = field::CHECKSUM.end;

/// A view of a UDP datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` without checking it. The header accessors need 8 bytes.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps `buffer` after [`check_len`](Self::check_len).
    pub fn new_checked(buffer: T) -> Result<Packet<T>> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks that the buffer holds the header and the UDP length, which must be at least 8.
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            Err(Error::Truncated)
        } else if (self.len() as usize) < HEADER_LEN {
            Err(Error::Malformed)
        } else if len < self.len() as usize {
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

    /// Source port.
    pub fn src_port(&self) -> u16 {
        self.be16(field::SRC_PORT)
    }

    /// Destination port.
    pub fn dst_port(&self) -> u16 {
        self.be16(field::DST_PORT)
    }

    /// UDP length: header and data, in bytes.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u16 {
        self.be16(field::LENGTH)
    }

    /// Checksum field (0: none).
    pub fn checksum(&self) -> u16 {
        self.be16(field::CHECKSUM)
    }

    /// Whether the checksum verifies over the pseudo-header and the UDP length's bytes; a
    /// checksum of 0 ("none") always does. Needs a checked packet.
    pub fn verify_checksum(&self, src: Ipv4Addr, dst: Ipv4Addr) -> bool {
        if self.checksum() == 0 {
            return true;
        }
        let len = self.len();
        checksum::combine(&[
            checksum::pseudo_header_v4(src, dst, super::ipv4::protocol::UDP, len),
            checksum::data(&self.buffer.as_ref()[..len as usize]),
        ]) == 0xFFFF
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The data after the header, up to the UDP length. Needs a checked packet.
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[HEADER_LEN..self.len() as usize]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_be16(&mut self, r: core::ops::Range<usize>, v: u16) {
        self.buffer.as_mut()[r].copy_from_slice(&v.to_be_bytes());
    }

    /// Sets the source port.
    pub fn set_src_port(&mut self, v: u16) {
        self.set_be16(field::SRC_PORT, v)
    }

    /// Sets the destination port.
    pub fn set_dst_port(&mut self, v: u16) {
        self.set_be16(field::DST_PORT, v)
    }

    /// Sets the UDP length.
    pub fn set_len(&mut self, v: u16) {
        self.set_be16(field::LENGTH, v)
    }

    /// Sets the checksum field.
    pub fn set_checksum(&mut self, v: u16) {
        self.set_be16(field::CHECKSUM, v)
    }

    /// Computes and sets the checksum; a computed 0 is sent as 0xFFFF. Needs a checked packet.
    pub fn fill_checksum(&mut self, src: Ipv4Addr, dst: Ipv4Addr) {
        self.set_checksum(0);
        let len = self.len();
        let sum = checksum::combine(&[
            checksum::pseudo_header_v4(src, dst, super::ipv4::protocol::UDP, len),
            checksum::data(&self.buffer.as_ref()[..len as usize]),
        ]);
        let c = !sum;
        self.set_checksum(if c == 0 { 0xFFFF } else { c });
    }

    /// The data after the header, up to the UDP length, mutable. Needs a checked packet.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = self.len() as usize;
        &mut self.buffer.as_mut()[HEADER_LEN..end]
    }
}

/// A UDP datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub payload: &'a [u8],
}

impl<'a> Repr<'a> {
    /// Parses a datagram whose checksum verifies (or is 0) for `src` → `dst`.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>, src: Ipv4Addr, dst: Ipv4Addr) -> Result<Repr<'a>> {
        packet.check_len()?;
        if !packet.verify_checksum(src, dst) {
            return Err(Error::Checksum);
        }
        Ok(Repr { src_port: packet.src_port(), dst_port: packet.dst_port(), payload: packet.payload() })
    }

    /// Bytes header and payload take.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload.len()
    }

    /// Writes the datagram into a buffer of at least [`buffer_len`](Self::buffer_len) bytes,
    /// with its checksum for `src` → `dst`.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>, src: Ipv4Addr, dst: Ipv4Addr) {
        packet.set_src_port(self.src_port);
        packet.set_dst_port(self.dst_port);
        packet.set_len(self.buffer_len() as u16);
        packet.payload_mut().copy_from_slice(self.payload);
        packet.fill_checksum(src, dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 2);
    const DST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

    // 192.168.1.2:40000 -> 10.0.0.1:7777, "hello"; checksum 0x35B5 computed independently.
    static DATAGRAM: [u8; 13] = [0x9c, 0x40, 0x1e, 0x61, 0x00, 0x0d, 0x35, 0xb5, b'h', b'e', b'l', b'l', b'o'];

    #[test]
    fn fields() {
        let p = Packet::new_checked(&DATAGRAM[..]).unwrap();
        assert_eq!(p.src_port(), 40000);
        assert_eq!(p.dst_port(), 7777);
        assert_eq!(p.len(), 13);
        assert_eq!(p.checksum(), 0x35b5);
        assert_eq!(p.payload(), b"hello");
        assert!(p.verify_checksum(SRC, DST));
        assert!(!p.verify_checksum(SRC, Ipv4Addr::new(10, 0, 0, 2)));
    }

    #[test]
    fn zero_checksum_means_none() {
        let mut b = DATAGRAM;
        b[6] = 0;
        b[7] = 0;
        assert!(Packet::new_unchecked(&b[..]).verify_checksum(SRC, Ipv4Addr::new(1, 2, 3, 4)));
    }

    #[test]
    fn lengths() {
        assert_eq!(Packet::new_checked(&DATAGRAM[..7]).unwrap_err(), Error::Truncated);
        assert_eq!(Packet::new_checked(&DATAGRAM[..12]).unwrap_err(), Error::Truncated);
        let mut b = DATAGRAM;
        b[5] = 7;
        assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed);
        let mut padded = DATAGRAM.to_vec();
        padded.extend_from_slice(&[0xEE; 5]);
        let p = Packet::new_checked(&padded[..]).unwrap();
        assert_eq!(p.payload(), b"hello");
        assert!(p.verify_checksum(SRC, DST));
    }

    #[test]
    fn repr_round_trip() {
        let repr = Repr::parse(&Packet::new_checked(&DATAGRAM[..]).unwrap(), SRC, DST).unwrap();
        assert_eq!(repr, Repr { src_port: 40000, dst_port: 7777, payload: b"hello" });
        let mut out = [0u8; 13];
        repr.emit(&mut Packet::new_unchecked(&mut out[..]), SRC, DST);
        assert_eq!(out, DATAGRAM);
    }

    #[test]
    fn computed_zero_is_sent_as_ffff() {
        // Choose the payload's last word so the datagram's sum is 0xFFFF (computed checksum 0).
        let mut b = [0x00, 0x01, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00];
        let src = Ipv4Addr::new(0, 0, 0, 0);
        let dst = Ipv4Addr::new(0, 0, 0, 0);
        // pseudo: 0x0011 + 0x000a; header: 0x0001 + 0x0002 + 0x000a = 0x0028; need 0xFFFF - 0x0028.
        let fill = 0xFFFFu16 - 0x0028;
        b[8..10].copy_from_slice(&fill.to_be_bytes());
        let mut p = Packet::new_unchecked(&mut b[..]);
        p.fill_checksum(src, dst);
        assert_eq!(p.checksum(), 0xFFFF);
        assert!(p.verify_checksum(src, dst));
    }
}
