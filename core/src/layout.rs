//! Table layout: keys, device capabilities, and the words of each table entry
//! (docs/architecture.md, *Tables*, *Finding the VIP* and *Choosing the backend*).
//!
//! Each entry type encodes to and decodes from the exact words the driver writes into the BAR;
//! word indices and bit positions come from [`crate::regmap`].

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use thiserror::Error;

use crate::regmap::{self, defaults};
use crate::regs::{RegError, RegisterAccess};

/// The L4 protocols l4lb balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    /// IP protocol number: 6 for TCP, 17 for UDP.
    pub const fn number(self) -> u8 {
        match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
        }
    }

    /// The protocol with IP protocol number `n`, if l4lb balances it.
    pub const fn from_number(n: u8) -> Option<Protocol> {
        match n {
            6 => Some(Protocol::Tcp),
            17 => Some(Protocol::Udp),
            _ => None,
        }
    }

    /// `"tcp"` or `"udp"`.
    pub const fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A string that is not `tcp` or `udp`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a protocol (expected \"tcp\" or \"udp\")")]
pub struct ParseProtocolError(pub String);

impl FromStr for Protocol {
    type Err = ParseProtocolError;
    /// Accepts `tcp` and `udp` in any letter case.
    fn from_str(s: &str) -> Result<Protocol, ParseProtocolError> {
        if s.eq_ignore_ascii_case("tcp") {
            Ok(Protocol::Tcp)
        } else if s.eq_ignore_ascii_case("udp") {
            Ok(Protocol::Udp)
        } else {
            Err(ParseProtocolError(s.to_string()))
        }
    }
}

/// What identifies a VIP: destination address (IPv4 or IPv6), destination port (0: every port)
/// and protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VipKey {
    pub addr: IpAddr,
    pub port: u16,
    pub protocol: Protocol,
}

/// The bytes of an address in wire order: 4 (IPv4) or 16 (IPv6).
pub fn addr_bytes(addr: &IpAddr) -> Vec<u8> {
    match addr {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// An address as the 4 words of a table entry (VIP slot words 1..=4, backend words 4..=7):
/// big-endian, first word first; an IPv4 address fills the first word, the other three are 0.
pub fn addr_words(addr: &IpAddr) -> [u32; 4] {
    match addr {
        IpAddr::V4(a) => [u32::from(*a), 0, 0, 0],
        IpAddr::V6(a) => {
            let o = a.octets();
            let w = |i: usize| u32::from_be_bytes([o[4 * i], o[4 * i + 1], o[4 * i + 2], o[4 * i + 3]]);
            [w(0), w(1), w(2), w(3)]
        }
    }
}

/// The address held in 4 table words (see [`addr_words`]).
pub fn addr_from_words(words: [u32; 4], ipv6: bool) -> IpAddr {
    if ipv6 {
        let mut o = [0u8; 16];
        for (i, w) in words.iter().enumerate() {
            o[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
        }
        IpAddr::V6(Ipv6Addr::from(o))
    } else {
        IpAddr::V4(Ipv4Addr::from(words[0]))
    }
}

impl VipKey {
    /// The bytes the VIP key hash covers: address (4 or 16 bytes), port (big-endian), protocol
    /// number: 7 bytes for IPv4, 19 for IPv6.
    pub fn bytes(&self) -> Vec<u8> {
        let mut b = addr_bytes(&self.addr);
        b.extend_from_slice(&self.port.to_be_bytes());
        b.push(self.protocol.number());
        b
    }

    /// Whether the VIP matches every port (`port = 0`).
    pub fn every_port(&self) -> bool {
        self.port == 0
    }
}

impl fmt::Display for VipKey {
    /// `10.0.0.1:7777/udp`, `[2001:db8::1]:443/tcp`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            IpAddr::V4(a) => write!(f, "{}:{}/{}", a, self.port, self.protocol),
            IpAddr::V6(a) => write!(f, "[{}]:{}/{}", a, self.port, self.protocol),
        }
    }
}

/// A string that is not `address:port/protocol`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a VIP (expected address:port/protocol like 10.0.0.1:7777/udp)")]
pub struct ParseVipKeyError(pub String);

impl FromStr for VipKey {
    type Err = ParseVipKeyError;
    /// Parses the [`Display`](fmt::Display) form, `10.0.0.1:7777/udp`.
    fn from_str(s: &str) -> Result<VipKey, ParseVipKeyError> {
        let err = || ParseVipKeyError(s.to_string());
        let (addr_port, proto) = s.rsplit_once('/').ok_or_else(err)?;
        let (addr, port) = addr_port.rsplit_once(':').ok_or_else(err)?;
        let addr = addr.strip_prefix('[').and_then(|a| a.strip_suffix(']')).unwrap_or(addr);
        Ok(VipKey {
            addr: addr.parse().map_err(|_| err())?,
            port: port.parse().map_err(|_| err())?,
            protocol: proto.parse().map_err(|_| err())?,
        })
    }
}

/// The flow key the flow hash covers (the frame's addresses, ports and protocol): 13 bytes for
/// IPv4, 37 for IPv6. Both ports are 0 for a flow of a port-0 VIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowKey {
    /// Source and destination: both of one family.
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    /// IP protocol number.
    pub protocol: u8,
}

impl FlowKey {
    /// The key in wire order: source IP (4 or 16), destination IP (4 or 16), source port (2),
    /// destination port (2), protocol (1).
    pub fn bytes(&self) -> Vec<u8> {
        let mut b = addr_bytes(&self.src);
        b.extend_from_slice(&addr_bytes(&self.dst));
        b.extend_from_slice(&self.src_port.to_be_bytes());
        b.extend_from_slice(&self.dst_port.to_be_bytes());
        b.push(self.protocol);
        b
    }
}

/// What a device is built with: its RTL parameters, as the `CAP_*` registers report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// AXI-Stream data width in bits (`CAP_WIDTH`).
    pub data_width: u32,
    /// VIP ids (`CAP_VIPS`).
    pub vip_count: u32,
    /// Buckets per bank (`CAP_VIP_BUCKETS`), a power of two.
    pub vip_buckets: u32,
    /// Backend entries (`CAP_BACKENDS`).
    pub backend_count: u32,
    /// Ring entries (`CAP_RING`), a power of two.
    pub ring_entries: u32,
    /// Pipeline latency in cycles (`CAP_LATENCY`).
    pub latency: u32,
    /// Longest frame that can be balanced, in bytes (`CAP_MAX_LEN`).
    pub max_len: u32,
}

impl Caps {
    /// Reads the `CAP_*` registers.
    pub fn read(r: &mut dyn RegisterAccess) -> Result<Caps, RegError> {
        Ok(Caps {
            data_width: r.read32(regmap::REG_CAP_WIDTH)?,
            vip_count: r.read32(regmap::REG_CAP_VIPS)?,
            vip_buckets: r.read32(regmap::REG_CAP_VIP_BUCKETS)?,
            backend_count: r.read32(regmap::REG_CAP_BACKENDS)?,
            ring_entries: r.read32(regmap::REG_CAP_RING)?,
            latency: r.read32(regmap::REG_CAP_LATENCY)?,
            max_len: r.read32(regmap::REG_CAP_MAX_LEN)?,
        })
    }

    /// VIP match slots: 2 banks × `vip_buckets` × 4 ways.
    pub fn vip_slots(&self) -> u32 {
        regmap::VIP_BANKS * self.vip_buckets * regmap::VIP_WAYS
    }

    /// The default parameters with AXI-Stream data width `data_width` (latency 0: the latency is
    /// what a device reports, see `CAP_LATENCY`).
    pub fn with_width(data_width: u32) -> Caps {
        Caps {
            data_width,
            vip_count: defaults::VIP_COUNT,
            vip_buckets: defaults::VIP_BUCKETS,
            backend_count: defaults::BACKEND_COUNT,
            ring_entries: defaults::RING_ENTRIES,
            latency: 0,
            max_len: defaults::MAX_LEN,
        }
    }
}

impl Default for Caps {
    /// The RTL's default parameters ([`regmap::defaults`]), latency 0.
    fn default() -> Caps {
        Caps::with_width(defaults::DATA_WIDTH)
    }
}

/// The bucket of `key` in each bank: `[k mod buckets, (k >> 16) mod buckets]` with `k` the VIP
/// key hash.
pub fn vip_buckets(key: &VipKey, buckets: u32) -> [u32; 2] {
    bucket_pair(crate::hash::vip_key_hash(key), buckets)
}

/// Banks' buckets for VIP key hash `k`.
#[inline]
pub(crate) fn bucket_pair(k: u32, buckets: u32) -> [u32; 2] {
    [k % buckets, (k >> 16) % buckets]
}

/// Index of the VIP match slot at `bank`, `bucket`, `way` in a table of `buckets` buckets per bank.
#[inline]
pub fn vip_slot(bank: u32, bucket: u32, way: u32, buckets: u32) -> u32 {
    (bank * buckets + bucket) * regmap::VIP_WAYS + way
}

/// A table entry whose words do not make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LayoutError {
    #[error("VIP slot has protocol number {0}, expected 6 (tcp) or 17 (udp)")]
    Protocol(u8),
}

/// A valid VIP match slot: the key and the vip_id it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VipSlot {
    pub key: VipKey,
    pub vip_id: u16,
}

impl VipSlot {
    /// The slot's 8 words, valid bit set, reserved words 0.
    pub fn encode(&self) -> [u32; 8] {
        let mut w = [0u32; 8];
        let v6 = if self.key.addr.is_ipv6() { regmap::VIP_MATCH_IPV6 } else { 0 };
        w[regmap::VIP_MATCH_W_KEY as usize] = regmap::VIP_MATCH_VALID
            | v6
            | (self.key.protocol.number() as u32) << regmap::VIP_MATCH_PROTO_SHIFT
            | (self.key.port as u32) << regmap::VIP_MATCH_PORT_SHIFT;
        let a = regmap::VIP_MATCH_W_ADDR as usize;
        w[a..a + 4].copy_from_slice(&addr_words(&self.key.addr));
        w[regmap::VIP_MATCH_W_ID as usize] = self.vip_id as u32;
        w
    }

    /// The slot these words hold: `None` when the valid bit is clear; an error for a protocol
    /// other than TCP or UDP. Reserved bits are ignored.
    pub fn decode(words: &[u32; 8]) -> Result<Option<VipSlot>, LayoutError> {
        let w0 = words[regmap::VIP_MATCH_W_KEY as usize];
        if w0 & regmap::VIP_MATCH_VALID == 0 {
            return Ok(None);
        }
        let number = (w0 >> regmap::VIP_MATCH_PROTO_SHIFT) as u8;
        let a = regmap::VIP_MATCH_W_ADDR as usize;
        let protocol = Protocol::from_number(number).ok_or(LayoutError::Protocol(number))?;
        Ok(Some(VipSlot {
            key: VipKey {
                addr: addr_from_words(
                    [words[a], words[a + 1], words[a + 2], words[a + 3]],
                    w0 & regmap::VIP_MATCH_IPV6 != 0,
                ),
                port: (w0 >> regmap::VIP_MATCH_PORT_SHIFT) as u16,
                protocol,
            },
            vip_id: words[regmap::VIP_MATCH_W_ID as usize] as u16,
        }))
    }
}

/// A VIP's slice of the ring (`ring_size` 0: the VIP has no backends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VipInfo {
    pub ring_base: u32,
    pub ring_size: u32,
}

impl VipInfo {
    /// The entry's 4 words.
    pub fn encode(&self) -> [u32; 4] {
        let mut w = [0u32; 4];
        w[regmap::VIP_INFO_W_RING_BASE as usize] = self.ring_base;
        w[regmap::VIP_INFO_W_RING_SIZE as usize] = self.ring_size;
        w
    }

    /// The entry these words hold.
    pub fn decode(words: &[u32; 4]) -> VipInfo {
        VipInfo {
            ring_base: words[regmap::VIP_INFO_W_RING_BASE as usize],
            ring_size: words[regmap::VIP_INFO_W_RING_SIZE as usize],
        }
    }
}

/// A valid backend: where balanced frames go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackendEntry {
    /// IPv4 or IPv6, of its VIP's family.
    pub addr: IpAddr,
    /// Destination MAC to write, or `None` to leave the frame's destination MAC alone.
    pub mac: Option<[u8; 6]>,
}

impl BackendEntry {
    /// The entry's 8 words, valid bit set, reserved words 0.
    pub fn encode(&self) -> [u32; 8] {
        let mut w = [0u32; 8];
        let mut flags = regmap::BACKEND_VALID;
        if self.addr.is_ipv6() {
            flags |= regmap::BACKEND_IPV6;
        }
        if let Some(m) = self.mac {
            flags |= regmap::BACKEND_MAC_VALID;
            w[regmap::BACKEND_W_MAC_HI as usize] = u32::from_be_bytes([m[0], m[1], m[2], m[3]]);
            w[regmap::BACKEND_W_MAC_LO as usize] = u16::from_be_bytes([m[4], m[5]]) as u32;
        }
        w[regmap::BACKEND_W_FLAGS as usize] = flags;
        let a = regmap::BACKEND_W_ADDR as usize;
        w[a..a + 4].copy_from_slice(&addr_words(&self.addr));
        w
    }

    /// The entry these words hold: `None` when the valid bit is clear. The MAC words are ignored
    /// when the MAC-valid bit is clear.
    pub fn decode(words: &[u32; 8]) -> Result<Option<BackendEntry>, LayoutError> {
        let flags = words[regmap::BACKEND_W_FLAGS as usize];
        if flags & regmap::BACKEND_VALID == 0 {
            return Ok(None);
        }
        let mac = if flags & regmap::BACKEND_MAC_VALID != 0 {
            Some(mac_from_words(words[regmap::BACKEND_W_MAC_HI as usize], words[regmap::BACKEND_W_MAC_LO as usize]))
        } else {
            None
        };
        Ok(Some(BackendEntry {
            addr: {
                let a = regmap::BACKEND_W_ADDR as usize;
                addr_from_words([words[a], words[a + 1], words[a + 2], words[a + 3]], flags & regmap::BACKEND_IPV6 != 0)
            },
            mac,
        }))
    }
}

/// The MAC held in backend words 1 (bytes 0-3) and 2 (`[15:0]`: bytes 4-5).
#[inline]
pub(crate) fn mac_from_words(hi: u32, lo: u32) -> [u8; 6] {
    let h = hi.to_be_bytes();
    let l = (lo as u16).to_be_bytes();
    [h[0], h[1], h[2], h[3], l[0], l[1]]
}

/// Ring index of a flow with hash `hash` in a VIP's slice:
/// `(ring_base + ((hash * ring_size) >> 32)) mod ring_entries` with a 64-bit product.
///
/// Panics if `ring_entries` is 0.
#[inline]
pub fn ring_index(hash: u32, info: &VipInfo, ring_entries: u32) -> u32 {
    let offset = (hash as u64 * info.ring_size as u64) >> 32;
    ((info.ring_base as u64 + offset) % ring_entries as u64) as u32
}

/// `02:00:00:00:01:01`: six lower-case hex bytes separated by colons.
pub fn format_mac(mac: &[u8; 6]) -> String {
    format!("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5])
}

/// Parses six hex bytes of two digits each, separated by `:` (or `-`), in either letter case.
pub fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let sep = if s.contains('-') { '-' } else { ':' };
    let mut mac = [0u8; 6];
    let mut parts = s.split(sep);
    for byte in mac.iter_mut() {
        let p = parts.next()?;
        if p.len() != 2 || !p.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        *byte = u8::from_str_radix(p, 16).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_numbers_and_names() {
        assert_eq!(Protocol::Tcp.number(), 6);
        assert_eq!(Protocol::Udp.number(), 17);
        assert_eq!(Protocol::from_number(6), Some(Protocol::Tcp));
        assert_eq!(Protocol::from_number(17), Some(Protocol::Udp));
        assert_eq!(Protocol::from_number(1), None);
        assert_eq!(Protocol::Tcp.to_string(), "tcp");
        assert_eq!("UDP".parse::<Protocol>(), Ok(Protocol::Udp));
        assert!("sctp".parse::<Protocol>().is_err());
    }

    #[test]
    fn vip_key_display_and_parse() {
        let k = VipKey { addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), port: 7777, protocol: Protocol::Udp };
        assert_eq!(k.to_string(), "10.0.0.1:7777/udp");
        assert_eq!("10.0.0.1:7777/udp".parse::<VipKey>(), Ok(k));
        assert!("10.0.0.1:7777".parse::<VipKey>().is_err());
        assert!("10.0.0.1:77777/udp".parse::<VipKey>().is_err());
        assert_eq!(k.bytes(), [10, 0, 0, 1, 0x1E, 0x61, 17]);
    }

    #[test]
    fn caps_defaults() {
        let c = Caps::default();
        assert_eq!(c.data_width, 512);
        assert_eq!(c.vip_count, 256);
        assert_eq!(c.vip_buckets, 128);
        assert_eq!(c.vip_slots(), 1024); // "1,024 slots for 256 VIPs"
        assert_eq!(c.backend_count, 4096);
        assert_eq!(c.ring_entries, 1 << 20);
        assert_eq!(c.max_len, 9216);
        assert_eq!(Caps::with_width(64).data_width, 64);
    }

    #[test]
    fn slot_numbering_matches_the_contract() {
        // Slot s: bank s / (4 × B), bucket (s / 4) mod B, way s mod 4.
        let b = 8;
        for s in 0..2 * b * 4 {
            assert_eq!(vip_slot(s / (4 * b), (s / 4) % b, s % 4, b), s);
        }
    }

    #[test]
    fn buckets_from_hash() {
        assert_eq!(bucket_pair(0x1234_5678, 128), [0x78, 0x34]);
        assert_eq!(bucket_pair(0xFFFF_FFFF, 1), [0, 0]);
    }

    #[test]
    fn vip_slot_words() {
        // Contract: word 0 [0] valid, [15:8] protocol, [31:16] port; word 1 address; word 5 id.
        let s = VipSlot {
            key: VipKey { addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), port: 7777, protocol: Protocol::Udp },
            vip_id: 3,
        };
        let w = s.encode();
        assert_eq!(w, [0x1E61_1101, 0x0A00_0001, 0, 0, 0, 3, 0, 0]);
        assert_eq!(VipSlot::decode(&w), Ok(Some(s)));
        assert_eq!(VipSlot::decode(&[0x1E61_1100, 0x0A00_0001, 0, 0, 0, 3, 0, 0]), Ok(None));
        assert_eq!(VipSlot::decode(&[0x1E61_0101, 0, 0, 0, 0, 0, 0, 0]), Err(LayoutError::Protocol(1)));
        // IPv6: bit 1, words 1..=4 the address, first word first.
        let s6 = VipSlot {
            key: VipKey { addr: "2001:db8::1".parse().unwrap(), port: 0, protocol: Protocol::Tcp },
            vip_id: 9,
        };
        let w = s6.encode();
        assert_eq!(w, [0x0000_0603, 0x2001_0db8, 0, 0, 1, 9, 0, 0]);
        assert_eq!(VipSlot::decode(&w), Ok(Some(s6)));
        assert_eq!(s6.key.to_string(), "[2001:db8::1]:0/tcp");
        assert_eq!("[2001:db8::1]:0/tcp".parse::<VipKey>(), Ok(s6.key));
        assert_eq!(s6.key.bytes().len(), 19);
    }

    #[test]
    fn backend_words() {
        // Contract: 02:00:00:00:01:01 gives word 1 = 0x02000000, word 2 = 0x0101.
        let e = BackendEntry { addr: IpAddr::V4(Ipv4Addr::new(10, 1, 0, 1)), mac: Some([2, 0, 0, 0, 1, 1]) };
        let w = e.encode();
        assert_eq!(w, [0b101, 0x0200_0000, 0x0101, 0, 0x0A01_0001, 0, 0, 0]);
        assert_eq!(BackendEntry::decode(&w), Ok(Some(e)));
        let no_mac = BackendEntry { addr: IpAddr::V4(Ipv4Addr::new(10, 1, 0, 2)), mac: None };
        assert_eq!(no_mac.encode(), [1, 0, 0, 0, 0x0A01_0002, 0, 0, 0]);
        assert_eq!(BackendEntry::decode(&no_mac.encode()), Ok(Some(no_mac)));
        assert_eq!(BackendEntry::decode(&[0; 8]), Ok(None));
        let v6 = BackendEntry { addr: "fd00::1:2".parse().unwrap(), mac: None };
        assert_eq!(v6.encode(), [0b11, 0, 0, 0, 0xFD00_0000, 0, 0, 0x0001_0002]);
        assert_eq!(BackendEntry::decode(&v6.encode()), Ok(Some(v6)));
    }

    #[test]
    fn vip_info_words() {
        let i = VipInfo { ring_base: 100, ring_size: 7 };
        assert_eq!(i.encode(), [100, 7, 0, 0]);
        assert_eq!(VipInfo::decode(&[100, 7, 9, 9]), i);
    }

    #[test]
    fn ring_index_formula() {
        let info = VipInfo { ring_base: 10, ring_size: 4 };
        assert_eq!(ring_index(0, &info, 65536), 10);
        assert_eq!(ring_index(0x4000_0000, &info, 65536), 11);
        assert_eq!(ring_index(0xFFFF_FFFF, &info, 65536), 13);
        // Wraps around the ring.
        let info = VipInfo { ring_base: 65535, ring_size: 2 };
        assert_eq!(ring_index(0x8000_0000, &info, 65536), 0);
        // (2^32 - 1)^2 >> 32 = 0xFFFFFFFE; 0xFFFFFFFF + 0xFFFFFFFE = 0x1_FFFF_FFFD; mod 16 = 13.
        assert_eq!(ring_index(0xFFFF_FFFF, &VipInfo { ring_base: u32::MAX, ring_size: u32::MAX }, 16), 13);
        assert_eq!(ring_index(123, &VipInfo { ring_base: 5, ring_size: 0 }, 64), 5);
    }

    #[test]
    fn mac_text() {
        assert_eq!(parse_mac("02:00:00:00:01:01"), Some([2, 0, 0, 0, 1, 1]));
        assert_eq!(parse_mac("AA-bb-CC-dd-EE-ff"), Some([0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]));
        assert_eq!(format_mac(&[0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0x0F]), "aa:bb:cc:dd:ee:0f");
        for bad in [
            "zz:00",
            "02:00:00:00:01",
            "02:00:00:00:01:01:01",
            "2:0:0:0:1:1",
            "02:00:00:00:01:0g",
            "",
            "02:00-00:00:01:01",
        ] {
            assert_eq!(parse_mac(bad), None, "{bad}");
        }
    }
}
