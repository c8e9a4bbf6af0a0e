//! Ethernet II frames with at most one 802.1Q tag.
//!
//! ```text
//!  0      6      12         14       16         18
//!  | dst  | src  | ethertype | payload...
//!  | dst  | src  | 0x8100    | TCI    | ethertype | payload...
//! ```

use core::fmt;

use super::{Error, Result};

/// EtherType values the load balancer tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EtherType {
    Ipv4,
    Arp,
    /// An 802.1Q VLAN tag follows.
    Vlan,
    Ipv6,
    Unknown(u16),
}

impl From<u16> for EtherType {
    fn from(v: u16) -> EtherType {
        match v {
            0x0800 => EtherType::Ipv4,
            0x0806 => EtherType::Arp,
            0x8100 => EtherType::Vlan,
            0x86DD => EtherType::Ipv6,
            other => EtherType::Unknown(other),
        }
    }
}

impl From<EtherType> for u16 {
    fn from(t: EtherType) -> u16 {
        match t {
            EtherType::Ipv4 => 0x0800,
            EtherType::Arp => 0x0806,
            EtherType::Vlan => 0x8100,
            EtherType::Ipv6 => 0x86DD,
            EtherType::Unknown(v) => v,
        }
    }
}

impl fmt::Display for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:04x}", u16::from(*self))
    }
}

mod field {
    use core::ops::{Range, RangeFrom};
    pub const DESTINATION: Range<usize> = 0..6;
    pub const SOURCE: Range<usize> = 6..12;
    pub const ETHERTYPE: Range<usize> = 12..14;
    pub const PAYLOAD: RangeFrom<usize> = 14..;
    // With an 802.1Q tag (ETHERTYPE = 0x8100):
    pub const VLAN_TCI: Range<usize> = 14..16;
    pub const VLAN_ETHERTYPE: Range<usize> = 16..18;
    pub const VLAN_PAYLOAD: RangeFrom<usize> = 18..;
}

/// Length of an untagged Ethernet header.
pub const HEADER_LEN: usize = field::PAYLOAD.start;
/// Length of an Ethernet header with one 802.1Q tag.
pub const VLAN_HEADER_LEN: usize = field::VLAN_PAYLOAD.start;

/// A view of an Ethernet frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Wraps `buffer` without checking its length.
    pub const fn new_unchecked(buffer: T) -> Frame<T> {
        Frame { buffer }
    }

    /// Wraps `buffer` after [`check_len`](Self::check_len).
    pub fn new_checked(buffer: T) -> Result<Frame<T>> {
        let f = Frame::new_unchecked(buffer);
        f.check_len()?;
        Ok(f)
    }

    /// Checks that the buffer holds the whole header: 14 bytes, 18 when the frame is tagged.
    pub fn check_len(&self) -> Result<()> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN || (self.is_tagged() && len < VLAN_HEADER_LEN) {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// Destination MAC.
    pub fn dst_addr(&self) -> [u8; 6] {
        let mut a = [0u8; 6];
        a.copy_from_slice(&self.buffer.as_ref()[field::DESTINATION]);
        a
    }

    /// Source MAC.
    pub fn src_addr(&self) -> [u8; 6] {
        let mut a = [0u8; 6];
        a.copy_from_slice(&self.buffer.as_ref()[field::SOURCE]);
        a
    }

    /// The EtherType at offset 12 (0x8100 for a tagged frame).
    pub fn ethertype(&self) -> EtherType {
        EtherType::from(self.raw_ethertype())
    }

    fn raw_ethertype(&self) -> u16 {
        let d = &self.buffer.as_ref()[field::ETHERTYPE];
        u16::from_be_bytes([d[0], d[1]])
    }

    /// Whether the frame carries an 802.1Q tag.
    pub fn is_tagged(&self) -> bool {
        self.raw_ethertype() == 0x8100
    }

    /// The 802.1Q tag control information (PCP, DEI, VID), if the frame is tagged.
    pub fn vlan_tci(&self) -> Option<u16> {
        if self.is_tagged() {
            let d = &self.buffer.as_ref()[field::VLAN_TCI];
            Some(u16::from_be_bytes([d[0], d[1]]))
        } else {
            None
        }
    }

    /// The EtherType of the payload: after the tag if there is one.
    pub fn payload_ethertype(&self) -> EtherType {
        if self.is_tagged() {
            let d = &self.buffer.as_ref()[field::VLAN_ETHERTYPE];
            EtherType::from(u16::from_be_bytes([d[0], d[1]]))
        } else {
            self.ethertype()
        }
    }

    /// Header length: 14, or 18 with a tag.
    pub fn header_len(&self) -> usize {
        if self.is_tagged() {
            VLAN_HEADER_LEN
        } else {
            HEADER_LEN
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Frame<&'a T> {
    /// The bytes after the header (including any trailing padding).
    pub fn payload(&self) -> &'a [u8] {
        let start = self.header_len();
        &self.buffer.as_ref()[start..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Frame<T> {
    /// Sets the destination MAC.
    pub fn set_dst_addr(&mut self, addr: [u8; 6]) {
        self.buffer.as_mut()[field::DESTINATION].copy_from_slice(&addr);
    }

    /// Sets the source MAC.
    pub fn set_src_addr(&mut self, addr: [u8; 6]) {
        self.buffer.as_mut()[field::SOURCE].copy_from_slice(&addr);
    }

    /// Sets the EtherType at offset 12.
    pub fn set_ethertype(&mut self, t: EtherType) {
        self.buffer.as_mut()[field::ETHERTYPE].copy_from_slice(&u16::from(t).to_be_bytes());
    }

    /// Sets the tag control information (the frame must be tagged and 18 bytes long).
    pub fn set_vlan_tci(&mut self, tci: u16) {
        self.buffer.as_mut()[field::VLAN_TCI].copy_from_slice(&tci.to_be_bytes());
    }

    /// Sets the EtherType after the tag (the frame must be tagged and 18 bytes long).
    pub fn set_payload_ethertype(&mut self, t: EtherType) {
        self.buffer.as_mut()[field::VLAN_ETHERTYPE].copy_from_slice(&u16::from(t).to_be_bytes());
    }

    /// The bytes after the header, mutable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        &mut self.buffer.as_mut()[start..]
    }
}

/// An Ethernet header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub src_addr: [u8; 6],
    pub dst_addr: [u8; 6],
    /// 802.1Q tag control information, when tagged.
    pub vlan_tci: Option<u16>,
    /// EtherType of the payload.
    pub ethertype: EtherType,
}

impl Repr {
    /// Parses a checked frame.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(frame: &Frame<&T>) -> Result<Repr> {
        frame.check_len()?;
        Ok(Repr {
            src_addr: frame.src_addr(),
            dst_addr: frame.dst_addr(),
            vlan_tci: frame.vlan_tci(),
            ethertype: frame.payload_ethertype(),
        })
    }

    /// Bytes the header takes.
    pub const fn header_len(&self) -> usize {
        if self.vlan_tci.is_some() {
            VLAN_HEADER_LEN
        } else {
            HEADER_LEN
        }
    }

    /// Writes the header into `frame` (which must be at least [`header_len`](Self::header_len)
    /// long).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, frame: &mut Frame<T>) {
        frame.set_dst_addr(self.dst_addr);
        frame.set_src_addr(self.src_addr);
        match self.vlan_tci {
            Some(tci) => {
                frame.set_ethertype(EtherType::Vlan);
                frame.set_vlan_tci(tci);
                frame.set_payload_ethertype(self.ethertype);
            }
            None => frame.set_ethertype(self.ethertype),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static UNTAGGED: [u8; 18] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // dst
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // src
        0x08, 0x00, // IPv4
        0xaa, 0xbb, 0xcc, 0xdd,
    ];

    static TAGGED: [u8; 20] = [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // dst
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, // src
        0x81, 0x00, 0x20, 0x64, // 802.1Q, PCP 1, VID 100
        0x08, 0x06, // ARP
        0xaa, 0xbb,
    ];

    #[test]
    fn untagged() {
        let f = Frame::new_checked(&UNTAGGED[..]).unwrap();
        assert_eq!(f.dst_addr(), [2, 0, 0, 0, 0, 1]);
        assert_eq!(f.src_addr(), [2, 0, 0, 0, 0, 2]);
        assert_eq!(f.ethertype(), EtherType::Ipv4);
        assert_eq!(f.payload_ethertype(), EtherType::Ipv4);
        assert_eq!(f.vlan_tci(), None);
        assert_eq!(f.header_len(), 14);
        assert_eq!(f.payload(), &[0xaa, 0xbb, 0xcc, 0xdd]);
    }

    #[test]
    fn tagged() {
        let f = Frame::new_checked(&TAGGED[..]).unwrap();
        assert_eq!(f.ethertype(), EtherType::Vlan);
        assert_eq!(f.vlan_tci(), Some(0x2064));
        assert_eq!(f.payload_ethertype(), EtherType::Arp);
        assert_eq!(f.header_len(), 18);
        assert_eq!(f.payload(), &[0xaa, 0xbb]);
    }

    #[test]
    fn lengths() {
        assert_eq!(Frame::new_checked(&UNTAGGED[..13]).unwrap_err(), Error::Truncated);
        assert!(Frame::new_checked(&UNTAGGED[..14]).is_ok());
        assert_eq!(Frame::new_checked(&TAGGED[..17]).unwrap_err(), Error::Truncated);
        assert!(Frame::new_checked(&TAGGED[..18]).is_ok());
        assert!(Frame::new_checked(&[][..]).is_err());
    }

    #[test]
    fn repr_round_trip() {
        for bytes in [&UNTAGGED[..], &TAGGED[..]] {
            let f = Frame::new_checked(bytes).unwrap();
            let repr = Repr::parse(&f).unwrap();
            let mut out = bytes.to_vec();
            out[..repr.header_len()].fill(0);
            repr.emit(&mut Frame::new_unchecked(&mut out[..]));
            assert_eq!(out, bytes);
        }
    }

    #[test]
    fn setters() {
        let mut bytes = UNTAGGED;
        let mut f = Frame::new_unchecked(&mut bytes[..]);
        f.set_dst_addr([1, 2, 3, 4, 5, 6]);
        f.set_ethertype(EtherType::Ipv6);
        f.payload_mut()[0] = 0x11;
        assert_eq!(&bytes[..6], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(&bytes[12..15], &[0x86, 0xdd, 0x11]);
        assert_eq!(EtherType::from(0x1234), EtherType::Unknown(0x1234));
        assert_eq!(EtherType::Vlan.to_string(), "0x8100");
    }
}
