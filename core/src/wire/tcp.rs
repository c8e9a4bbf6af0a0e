//! TCP segments (RFC 793): the header fields the load balancer and its tests use.
//!
//! The view's buffer is the IP payload, exactly the segment: its length is the TCP length of
//! the pseudo-header.

use std::net::Ipv4Addr;

use super::{Error, Result};
use crate::checksum;

mod field {
    use core::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const SEQ_NUM: Range<usize> = 4..8;
    pub const ACK_NUM: Range<usize> = 8..12;
    pub const FLAGS: Range<usize> = 12..14;
    pub const WIN_SIZE: Range<usize> = 14..16;
    pub const CHECKSUM: Range<usize> = 16..18;
    pub const URGENT: Range<usize> = 18..20;
}

/// Length of a header without options.
pub const HEADER_LEN: usize = field::URGENT.end;

/// Flag bits of [`Packet::flags`].
pub mod flags {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
}

/// A view of a TCP segment.
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

    /// Checks that the buffer holds the fixed header and the header length the data offset
    /// gives, which must be at least 20.
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            Err(Error::Truncated)
        } else if self.header_len() < HEADER_LEN {
            Err(Error::Malformed)
        } else if len < self.header_len() {
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

    fn be32(&self, r: core::ops::Range<usize>) -> u32 {
        let d = &self.buffer.as_ref()[r];
        u32::from_be_bytes([d[0], d[1], d[2], d[3]])
    }

    /// Source port.
    pub fn src_port(&self) -> u16 {
        self.be16(field::SRC_PORT)
    }

    /// Destination port.
    pub fn dst_port(&self) -> u16 {
        self.be16(field::DST_PORT)
    }

    /// Sequence number.
    pub fn seq_number(&self) -> u32 {
        self.be32(field::SEQ_NUM)
    }

    /// Acknowledgment number.
    pub fn ack_number(&self) -> u32 {
        self.be32(field::ACK_NUM)
    }

    /// Header length in bytes (data offset × 4).
    pub fn header_len(&self) -> usize {
        (self.buffer.as_ref()[field::FLAGS.start] >> 4) as usize * 4
    }

    /// The control bits ([`flags`]).
    pub fn flags(&self) -> u16 {
        self.be16(field::FLAGS) & 0x01FF
    }

    /// Window size.
    pub fn window_len(&self) -> u16 {
        self.be16(field::WIN_SIZE)
    }

    /// Checksum field.
    pub fn checksum(&self) -> u16 {
        self.be16(field::CHECKSUM)
    }

    /// Urgent pointer.
    pub fn urgent_at(&self) -> u16 {
        self.be16(field::URGENT)
    }

    /// Whether the checksum verifies over the pseudo-header and the whole buffer.
    pub fn verify_checksum(&self, src: Ipv4Addr, dst: Ipv4Addr) -> bool {
        let data = self.buffer.as_ref();
        checksum::combine(&[
            checksum::pseudo_header_v4(src, dst, super::ipv4::protocol::TCP, data.len() as u16),
            checksum::data(data),
        ]) == 0xFFFF
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The data after the header. Needs a checked packet.
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[self.header_len()..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_be16(&mut self, r: core::ops::Range<usize>, v: u16) {
        self.buffer.as_mut()[r].copy_from_slice(&v.to_be_bytes());
    }

    fn set_be32(&mut self, r: core::ops::Range<usize>, v: u32) {
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

    /// Sets the sequence number.
    pub fn set_seq_number(&mut self, v: u32) {
        self.set_be32(field::SEQ_NUM, v)
    }

    /// Sets the acknowledgment number.
    pub fn set_ack_number(&mut self, v: u32) {
        self.set_be32(field::ACK_NUM, v)
    }

    /// Sets the header length in bytes (a multiple of 4) and keeps the flags.
    pub fn set_header_len(&mut self, len: usize) {
        let b = &mut self.buffer.as_mut()[field::FLAGS.start];
        *b = (*b & 0x0F) | (((len / 4) as u8) << 4);
    }

    /// Sets the control bits and keeps the header length.
    pub fn set_flags(&mut self, f: u16) {
        let v = self.be16(field::FLAGS);
        self.set_be16(field::FLAGS, (v & 0xF000) | (f & 0x01FF))
    }

    /// Sets the window size.
    pub fn set_window_len(&mut self, v: u16) {
        self.set_be16(field::WIN_SIZE, v)
    }

    /// Sets the checksum field.
    pub fn set_checksum(&mut self, v: u16) {
        self.set_be16(field::CHECKSUM, v)
    }

    /// Sets the urgent pointer.
    pub fn set_urgent_at(&mut self, v: u16) {
        self.set_be16(field::URGENT, v)
    }

    /// Computes and sets the checksum over the pseudo-header and the whole buffer.
    pub fn fill_checksum(&mut self, src: Ipv4Addr, dst: Ipv4Addr) {
        self.set_checksum(0);
        let data = self.buffer.as_ref();
        let sum = checksum::combine(&[
            checksum::pseudo_header_v4(src, dst, super::ipv4::protocol::TCP, data.len() as u16),
            checksum::data(data),
        ]);
        self.set_checksum(!sum);
    }

    /// The data after the header, mutable. Needs a checked packet.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        &mut self.buffer.as_mut()[start..]
    }
}

/// A TCP segment without options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq_number: u32,
    pub ack_number: u32,
    pub flags: u16,
    pub window_len: u16,
    pub payload: &'a [u8],
}

impl<'a> Repr<'a> {
    /// Parses a segment whose checksum verifies for `src` → `dst`. Options are skipped.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>, src: Ipv4Addr, dst: Ipv4Addr) -> Result<Repr<'a>> {
        packet.check_len()?;
        if !packet.verify_checksum(src, dst) {
            return Err(Error::Checksum);
        }
        Ok(Repr {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            seq_number: packet.seq_number(),
            ack_number: packet.ack_number(),
            flags: packet.flags(),
            window_len: packet.window_len(),
            payload: packet.payload(),
        })
    }

    /// Bytes header and payload take.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload.len()
    }

    /// Writes the segment into a buffer of exactly [`buffer_len`](Self::buffer_len) bytes, with
    /// its checksum for `src` → `dst`.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>, src: Ipv4Addr, dst: Ipv4Addr) {
        packet.set_src_port(self.src_port);
        packet.set_dst_port(self.dst_port);
        packet.set_seq_number(self.seq_number);
        packet.set_ack_number(self.ack_number);
        packet.set_be16(field::FLAGS, 0);
        packet.set_header_len(HEADER_LEN);
        packet.set_flags(self.flags);
        packet.set_window_len(self.window_len);
        packet.set_urgent_at(0);
        packet.payload_mut().copy_from_slice(self.payload);
        packet.fill_checksum(src, dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 2);
    const DST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

    // 192.168.1.2:40000 -> 10.0.0.1:80, SYN|ACK, seq 1, ack 2, window 0xFFFF, payload "hi".
    // Checksum (computed independently of this crate): pseudo-header sum 0xCBC7, segment sum
    // with checksum 0 is 0x550F, 0xCBC7 + 0x550F = 0x120D6 -> 0x20D7, complement 0xDF28.
    static SEGMENT: [u8; 22] = [
        0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x50, 0x12, 0xff, 0xff, 0xdf, 0x28,
        0x00, 0x00, b'h', b'i',
    ];

    #[test]
    fn fields() {
        let p = Packet::new_checked(&SEGMENT[..]).unwrap();
        assert_eq!(p.src_port(), 40000);
        assert_eq!(p.dst_port(), 80);
        assert_eq!(p.seq_number(), 1);
        assert_eq!(p.ack_number(), 2);
        assert_eq!(p.header_len(), 20);
        assert_eq!(p.flags(), flags::SYN | flags::ACK);
        assert_eq!(p.window_len(), 0xFFFF);
        assert_eq!(p.checksum(), 0xdf28);
        assert_eq!(p.payload(), b"hi");
        assert!(p.verify_checksum(SRC, DST));
        assert!(!p.verify_checksum(SRC, Ipv4Addr::new(10, 0, 0, 2)));
    }

    #[test]
    fn lengths() {
        assert_eq!(Packet::new_checked(&SEGMENT[..19]).unwrap_err(), Error::Truncated);
        let mut b = SEGMENT;
        b[12] = 0x40; // data offset 4
        assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Malformed);
        b[12] = 0x60; // data offset 6: 24 bytes, buffer has 22
        assert_eq!(Packet::new_checked(&b[..]).unwrap_err(), Error::Truncated);
    }

    #[test]
    fn repr_round_trip() {
        let repr = Repr::parse(&Packet::new_checked(&SEGMENT[..]).unwrap(), SRC, DST).unwrap();
        assert_eq!(repr.payload, b"hi");
        let mut out = [0u8; 22];
        repr.emit(&mut Packet::new_unchecked(&mut out[..]), SRC, DST);
        assert_eq!(out, SEGMENT);
        let mut bad = SEGMENT;
        bad[21] ^= 1;
        assert_eq!(Repr::parse(&Packet::new_unchecked(&bad[..]), SRC, DST).unwrap_err(), Error::Checksum);
    }
}
