//! The reference model of the data plane: a device programmed through its registers exactly like
//! the hardware, so the same driver code programs RTL and model, and the RTL's output is checked
//! frame by frame against [`ModelDevice::process`].
//!
//! It implements docs/architecture.md, *Data-plane contract v2* and *Register map*: the rule
//! table in order, the VIP lookup over both buckets of both banks, the ring and backend reads,
//! the rewrite with RFC 1624 checksum updates, and the counters.
//!
//! Register image: only the words (and bits) the contract defines are stored; every other word
//! of a table entry reads 0, writes beyond a table's entry count (from the caps) are ignored,
//! and unmapped offsets read 0. `process` does no allocation and indexes the tables directly.

use crate::checksum;
use crate::layout::{mac_from_words, vip_slot, Caps};
use crate::regmap::{self, Reason, Region};
use crate::regs::{check_offset, RegError, RegisterAccess};
use crate::wire::{ethernet, ipv4, tcp, udp, EthernetFrame, Ipv4Packet};

/// What the data plane decided for a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// `Reason::Balanced`, or the first rule that failed.
    pub reason: Reason,
    /// The vip_id of the matching VIP slot (balanced and `NO_BACKEND` frames).
    pub vip_id: Option<u16>,
    /// The backend index the ring gave (balanced frames, and `NO_BACKEND` frames whose ring
    /// slice is non-empty but whose backend entry is not valid).
    pub backend: Option<u32>,
    /// The flow hash (every frame that got as far as the VIP lookup: balanced, `NO_VIP`,
    /// `NO_BACKEND`).
    pub hash: Option<u32>,
}

impl Verdict {
    fn pass(reason: Reason) -> Verdict {
        Verdict { reason, vip_id: None, backend: None, hash: None }
    }

    /// Whether the frame was balanced (`m_axis_tdest` = 1).
    pub fn is_balanced(&self) -> bool {
        self.reason == Reason::Balanced
    }
}

/// Global counters in register order: FRAMES_IN, BYTES_IN, BALANCED, PASSED, then one per reason.
const CNT_FRAMES_IN: usize = 0;
const CNT_BYTES_IN: usize = 1;
const CNT_BALANCED: usize = 2;
const CNT_PASSED: usize = 3;
const CNT_REASON: usize = 4;
const GLOBAL_COUNTERS: usize = CNT_REASON + Reason::COUNT;

/// Stored bits of VIP match slot word 0: valid, IPv6, protocol, port.
const VIP_KEY_BITS: u32 = 0xFFFF_FF00 | regmap::VIP_MATCH_VALID | regmap::VIP_MATCH_IPV6;
/// Stored bits of backend word 0: valid, IPv6, MAC valid.
const BACKEND_FLAG_BITS: u32 = regmap::BACKEND_VALID | regmap::BACKEND_IPV6 | regmap::BACKEND_MAC_VALID;

/// Stored words of a VIP match slot (words 0, 1..=4, 5).
#[derive(Debug, Clone, Copy, Default)]
struct MatchSlot {
    key: u32,
    addr: [u32; 4],
    id: u32,
}

/// Stored words of a backend entry (words 0, 1, 2, 4..=7).
#[derive(Debug, Clone, Copy, Default)]
struct BackendWords {
    flags: u32,
    mac_hi: u32,
    mac_lo: u32,
    addr: [u32; 4],
}

/// Where a register offset lands.
enum Loc {
    Control(u32),
    /// Global counter `index`, high word or not.
    Counter(usize, bool),
    Slot(usize, u32),
    Info(usize, u32),
    VipCounter(usize, u32),
    BackendCounter(usize, u32),
    /// Bank, index, word.
    Backend(usize, usize, u32),
    /// Bank, index.
    Ring(usize, usize),
    Unmapped,
}

/// The rewrite of a balanced frame.
struct Patch {
    /// Offset of the IPv4 header checksum (`None` for IPv6).
    ip_csum: Option<usize>,
    /// Offset and length (4 or 16) of the destination address.
    dst_off: usize,
    addr_len: usize,
    /// Offset of the TCP/UDP checksum and whether it is UDP's (`None`: a later fragment).
    l4_csum: Option<(usize, bool)>,
    /// The backend's address (the first `addr_len` bytes).
    addr: [u8; 16],
    mac: Option<[u8; 6]>,
    vip_index: usize,
    backend_index: usize,
}

/// What rules 3-10 found in a frame that passed them.
struct Headers {
    ipv6: bool,
    /// Offset of the destination address; the source address is just before it.
    dst_off: usize,
    addr_len: usize,
    /// TCP or UDP.
    proto: u8,
    /// Offset of the L4 header (meaningless for a later fragment).
    l4: Option<usize>,
    /// MF set or a non-zero fragment offset.
    fragment: bool,
    /// A non-zero fragment offset: no L4 header.
    later_fragment: bool,
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86DD;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88A8;
const IPV6_HEADER_LEN: usize = 40;
const EXT_HOP_BY_HOP: u8 = 0;
const EXT_ROUTING: u8 = 43;
const EXT_FRAGMENT: u8 = 44;
const EXT_DEST_OPTS: u8 = 60;
/// The parse window: extension headers and the TCP/UDP header must start before this byte.
pub const PARSE_WINDOW: usize = 128;

/// A model l4lb device: a register image and the data plane over it.
#[derive(Debug, Clone)]
pub struct ModelDevice {
    caps: Caps,
    ctrl: u32,
    hash_seed: u32,
    /// Active table bank (`BANK` bit 0).
    bank: u32,
    /// `READ_PORT` and `HAIRPIN`: stored as the core stores them (a core on its own is port 0 of
    /// 1; the multi-port routing they steer is the application block's).
    read_port: u32,
    hairpin: u32,
    counters: [u64; GLOBAL_COUNTERS],
    /// The high word latched by the last read of any counter's low word (one latch for all
    /// counters, as in the RTL); a high-word read returns it.
    counter_latch: u32,
    vip_match: Vec<MatchSlot>,
    /// Per vip_id: ring_base, ring_size of bank 0, then of bank 1 (the entry's words 0-3).
    vip_info: Vec<[u32; 4]>,
    /// Per vip_id: frames, bytes.
    vip_counters: Vec<[u64; 2]>,
    /// Frames and bytes balanced to each backend entry index (either bank).
    backend_counters: Vec<[u64; 2]>,
    /// Per bank.
    backends: [Vec<BackendWords>; 2],
    /// Per bank.
    ring: [Vec<u16>; 2],
    bucket_mask: u32,
    ring_mask: u32,
    /// `backend_count - 1` when it is a power of two (then `mod` is a mask).
    backend_mask: Option<u32>,
}

impl ModelDevice {
    /// A device built with `caps`, in its reset state: disabled, seed 0, tables and counters 0.
    ///
    /// Panics when the caps are not a buildable device: `vip_buckets` and `ring_entries` must be
    /// non-zero powers of two, `vip_count` and `backend_count` non-zero, and every table must fit
    /// its region of the register map.
    pub fn new(caps: Caps) -> ModelDevice {
        assert!(caps.vip_buckets.is_power_of_two(), "vip_buckets must be a power of two: {caps:?}");
        assert!(caps.ring_entries.is_power_of_two(), "ring_entries must be a power of two: {caps:?}");
        assert!(caps.vip_count > 0 && caps.vip_count <= 1 << 16, "vip_count must be 1..=65536: {caps:?}");
        assert!(caps.backend_count > 0, "backend_count must be non-zero: {caps:?}");
        assert!(caps.vip_slots() <= regmap::VIP_MATCH.max_entries(), "VIP match table too large: {caps:?}");
        assert!(caps.vip_count <= regmap::VIP_INFO.max_entries(), "VIP info table too large: {caps:?}");
        assert!(caps.vip_count <= regmap::VIP_COUNTERS.max_entries(), "VIP counters too large: {caps:?}");
        assert!(caps.backend_count <= regmap::BACKENDS.max_entries(), "backend table too large: {caps:?}");
        assert!(caps.ring_entries <= regmap::RING.max_entries(), "ring too large: {caps:?}");
        ModelDevice {
            caps,
            ctrl: 0,
            hash_seed: 0,
            bank: 0,
            read_port: 0,
            hairpin: regmap::HAIRPIN_RESET,
            counters: [0; GLOBAL_COUNTERS],
            counter_latch: 0,
            vip_match: vec![MatchSlot::default(); caps.vip_slots() as usize],
            vip_info: vec![[0; 4]; caps.vip_count as usize],
            vip_counters: vec![[0; 2]; caps.vip_count as usize],
            backend_counters: vec![[0; 2]; caps.backend_count as usize],
            backends: [
                vec![BackendWords::default(); caps.backend_count as usize],
                vec![BackendWords::default(); caps.backend_count as usize],
            ],
            ring: [vec![0; caps.ring_entries as usize], vec![0; caps.ring_entries as usize]],
            bucket_mask: caps.vip_buckets - 1,
            ring_mask: caps.ring_entries - 1,
            backend_mask: caps.backend_count.is_power_of_two().then(|| caps.backend_count - 1),
        }
    }

    /// The parameters the device was built with.
    pub fn caps(&self) -> Caps {
        self.caps
    }

    /// Decides what happens to `frame` (with bad-frame flag `bad_frame`), without rewriting it
    /// or counting it.
    pub fn classify(&self, frame: &[u8], bad_frame: bool) -> Verdict {
        self.decide(frame, bad_frame).0
    }

    /// Runs `frame` through the data plane: rewrites it in place when it is balanced, counts it,
    /// and returns the verdict. The length never changes.
    pub fn process(&mut self, frame: &mut [u8], bad_frame: bool) -> Verdict {
        let (verdict, patch) = self.decide(frame, bad_frame);
        let len = frame.len() as u64;
        let c = &mut self.counters;
        c[CNT_FRAMES_IN] = c[CNT_FRAMES_IN].wrapping_add(1);
        c[CNT_BYTES_IN] = c[CNT_BYTES_IN].wrapping_add(len);
        if let Some(p) = patch {
            c[CNT_BALANCED] = c[CNT_BALANCED].wrapping_add(1);
            for v in [&mut self.vip_counters[p.vip_index], &mut self.backend_counters[p.backend_index]] {
                v[0] = v[0].wrapping_add(1);
                v[1] = v[1].wrapping_add(len);
            }
            apply(frame, &p);
        } else {
            c[CNT_PASSED] = c[CNT_PASSED].wrapping_add(1);
            let r = CNT_REASON + verdict.reason as usize;
            c[r] = c[r].wrapping_add(1);
        }
        verdict
    }

    /// A 64-bit counter's current value, read without the register side effects: `offset` is
    /// the low word of a global counter (`regmap::REG_CNT_*`) or of a VIP counter. `None` for
    /// any other offset.
    pub fn counter(&self, offset: u32) -> Option<u64> {
        if offset % 8 != 0 {
            return None;
        }
        match self.locate(offset) {
            Loc::Counter(i, false) => Some(self.counters[i]),
            Loc::VipCounter(i, w) => Some(self.vip_counters[i][w as usize / 2]),
            Loc::BackendCounter(i, w) => Some(self.backend_counters[i][w as usize / 2]),
            _ => None,
        }
    }

    /// The rule table of the contract (v2), in order.
    #[inline(always)]
    fn decide(&self, frame: &[u8], bad_frame: bool) -> (Verdict, Option<Patch>) {
        let pass = |reason| (Verdict::pass(reason), None);
        let len = frame.len();
        let max_len = self.caps.max_len as usize;
        let be16 = |o: usize| u16::from_be_bytes([frame[o], frame[o + 1]]);

        // 1. enabled
        if self.ctrl & regmap::CTRL_ENABLE == 0 {
            return pass(Reason::Disabled);
        }
        // 2. bad-frame flag, only looked at when the whole frame fits MAX_LEN
        if bad_frame && len <= max_len {
            return pass(Reason::BadFrame);
        }
        // 3. Ethernet, up to two VLAN tags (0x8100 / 0x88A8, any order), then IPv4 or IPv6
        if len < ethernet::HEADER_LEN {
            return pass(Reason::NotIp);
        }
        let mut et_off = 12;
        for _ in 0..2 {
            let et = be16(et_off);
            if et == ETHERTYPE_VLAN || et == ETHERTYPE_QINQ {
                if len < et_off + 6 {
                    return pass(Reason::NotIp);
                }
                et_off += 4;
            }
        }
        let l2 = et_off + 2;
        let h = match be16(et_off) {
            ETHERTYPE_IPV4 => match self.ipv4_headers(frame, l2) {
                Ok(h) => h,
                Err(r) => return pass(r),
            },
            ETHERTYPE_IPV6 => match self.ipv6_headers(frame, l2) {
                Ok(h) => h,
                Err(r) => return pass(r),
            },
            _ => return pass(Reason::NotIp),
        };

        // 11. VIP match: the frame's (destination, destination port, protocol) unless it is a
        // fragment or the port is 0, then (destination, 0, protocol); each probe reads both
        // buckets, bank 0 ways 0..3 then bank 1 ways 0..3.
        let (dst, alen) = (&frame[h.dst_off..h.dst_off + h.addr_len], h.addr_len);
        let (sport, dport) = match h.l4 {
            Some(l4) if !h.later_fragment => (be16(l4), be16(l4 + 2)),
            _ => (0, 0),
        };
        let probe_port = if !h.fragment && dport != 0 { self.find_vip(dst, h.ipv6, dport, h.proto) } else { None };
        let (vip_id, zero_ports) = match probe_port {
            Some(id) => (Some(id), false),
            None => (self.find_vip(dst, h.ipv6, 0, h.proto), true),
        };
        // The flow key: source, destination, ports (0 for a port-0 VIP), protocol.
        let mut key = [0u8; 37];
        let src = &frame[h.dst_off - alen..h.dst_off];
        key[..alen].copy_from_slice(src);
        key[alen..2 * alen].copy_from_slice(dst);
        if !zero_ports || vip_id.is_none() {
            key[2 * alen..2 * alen + 2].copy_from_slice(&sport.to_be_bytes());
            key[2 * alen + 2..2 * alen + 4].copy_from_slice(&dport.to_be_bytes());
        }
        key[2 * alen + 4] = h.proto;
        let hash = !crate::hash::crc32c_update(!self.hash_seed, &key[..2 * alen + 5]);
        let Some(vip_id) = vip_id else {
            if h.fragment {
                return pass(Reason::Fragment);
            }
            return (Verdict { reason: Reason::NoVip, vip_id: None, backend: None, hash: Some(hash) }, None);
        };

        // 12. a ring slice and a valid backend of the frame's family. A vip_id past VIP_COUNT
        // has no VIP info entry, which the contract leaves open: like the RTL, the model treats
        // it as an empty slice.
        // Every table read below comes from the active bank (the frame latches BANK once).
        let vip_index = vip_id as usize;
        let bank = self.bank as usize;
        let (ring_base, ring_size) = match self.vip_info.get(vip_index) {
            Some(w) => (w[2 * bank], w[2 * bank + 1]),
            None => (0, 0),
        };
        let no_backend =
            |backend| (Verdict { reason: Reason::NoBackend, vip_id: Some(vip_id), backend, hash: Some(hash) }, None);
        if ring_size == 0 {
            return no_backend(None);
        }
        // (base + ((h × size) >> 32)) mod RING_ENTRIES, RING_ENTRIES a power of two.
        let r = ring_base.wrapping_add(((hash as u64 * ring_size as u64) >> 32) as u32) & self.ring_mask;
        let entry = self.ring[bank][r as usize] as u32;
        let b = match self.backend_mask {
            Some(m) => entry & m,
            None => entry % self.caps.backend_count,
        };
        let be = &self.backends[bank][b as usize];
        let be_v6 = be.flags & regmap::BACKEND_IPV6 != 0;
        if be.flags & regmap::BACKEND_VALID == 0 || be_v6 != h.ipv6 {
            return no_backend(Some(b));
        }
        let mac =
            if be.flags & regmap::BACKEND_MAC_VALID != 0 { Some(mac_from_words(be.mac_hi, be.mac_lo)) } else { None };
        let mut addr = [0u8; 16];
        for (i, w) in be.addr.iter().enumerate() {
            addr[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
        }
        (
            Verdict { reason: Reason::Balanced, vip_id: Some(vip_id), backend: Some(b), hash: Some(hash) },
            Some(Patch {
                ip_csum: (!h.ipv6).then_some(l2 + 10),
                dst_off: h.dst_off,
                addr_len: alen,
                l4_csum: match h.l4 {
                    Some(l4) if !h.later_fragment => {
                        Some((l4 + if h.proto == ipv4::protocol::TCP { 16 } else { 6 }, h.proto == ipv4::protocol::UDP))
                    }
                    _ => None,
                },
                addr,
                mac,
                vip_index,
                backend_index: b as usize,
            }),
        )
    }

    /// Rules 4-10 for an IPv4 header at `l2`.
    #[inline(always)]
    fn ipv4_headers(&self, frame: &[u8], l2: usize) -> Result<Headers, Reason> {
        let len = frame.len();
        // 4. a whole fixed header, version 4, IHL at least 5
        if len < l2 + ipv4::HEADER_LEN {
            return Err(Reason::Malformed);
        }
        let ip = Ipv4Packet::new_unchecked(&frame[l2..]);
        if ip.version() != 4 || ip.ihl() < 5 {
            return Err(Reason::Malformed);
        }
        // 5. TCP or UDP
        let proto = ip.protocol();
        let l4_min = l4_header_len(proto).ok_or(Reason::NotTcpUdp)?;
        // 6. total length covers the header (with options) and, unless the frame is a later
        // fragment, the L4 header
        let hlen = 4 * ip.ihl() as usize;
        let later = ip.frag_offset() != 0;
        let total = ip.total_len() as usize;
        if total < hlen + if later { 0 } else { l4_min } {
            return Err(Reason::Malformed);
        }
        // 8. fits MAX_LEN; 9. the frame holds it
        if l2 + total > self.caps.max_len as usize {
            return Err(Reason::TooLong);
        }
        if l2 + total > len {
            return Err(Reason::Malformed);
        }
        Ok(Headers {
            ipv6: false,
            dst_off: l2 + 16,
            addr_len: 4,
            proto,
            l4: Some(l2 + hlen),
            fragment: ip.is_fragment(),
            later_fragment: later,
        })
    }

    /// Rules 4-10 for an IPv6 header at `l2`, walking the extension headers.
    fn ipv6_headers(&self, frame: &[u8], l2: usize) -> Result<Headers, Reason> {
        let len = frame.len();
        // 4. a whole fixed header, version 6
        if len < l2 + IPV6_HEADER_LEN || frame[l2] >> 4 != 6 {
            return Err(Reason::Malformed);
        }
        let end = l2 + IPV6_HEADER_LEN + u16::from_be_bytes([frame[l2 + 4], frame[l2 + 5]]) as usize;
        // The walk reads only bytes within both the packet and the frame.
        let limit = end.min(len);
        let mut nh = frame[l2 + 6];
        let mut off = l2 + IPV6_HEADER_LEN;
        let (mut fragment, mut later) = (false, false);
        // 5. extension headers: Hop-by-Hop, Routing, Destination Options, then at most one
        // Fragment header, each starting before byte PARSE_WINDOW and within the packet
        loop {
            match nh {
                EXT_HOP_BY_HOP | EXT_ROUTING | EXT_DEST_OPTS => {
                    if off >= PARSE_WINDOW {
                        return Err(Reason::TooDeep);
                    }
                    if off + 2 > limit {
                        return Err(Reason::Malformed);
                    }
                    nh = frame[off];
                    off += 8 * (frame[off + 1] as usize + 1);
                }
                EXT_FRAGMENT => {
                    if off >= PARSE_WINDOW {
                        return Err(Reason::TooDeep);
                    }
                    if off + 8 > limit {
                        return Err(Reason::Malformed);
                    }
                    let f = u16::from_be_bytes([frame[off + 2], frame[off + 3]]);
                    later = f >> 3 != 0;
                    fragment = later || f & 1 != 0;
                    nh = frame[off];
                    off += 8;
                    break;
                }
                _ => break,
            }
        }
        // 6. TCP or UDP
        let l4_min = l4_header_len(nh).ok_or(Reason::NotTcpUdp)?;
        // 7. the L4 header (unless a later fragment) starts within the parse window and ends
        // within the packet
        if !later {
            if off >= PARSE_WINDOW {
                return Err(Reason::TooDeep);
            }
            if off + l4_min > end {
                return Err(Reason::Malformed);
            }
        }
        // 8. fits MAX_LEN; 9. the frame holds it
        if end > self.caps.max_len as usize {
            return Err(Reason::TooLong);
        }
        if end > len {
            return Err(Reason::Malformed);
        }
        Ok(Headers {
            ipv6: true,
            dst_off: l2 + 24,
            addr_len: 16,
            proto: nh,
            l4: Some(off),
            fragment,
            later_fragment: later,
        })
    }

    /// The vip_id of the first valid slot holding (`dst`, `port`, `proto`) of the family, in
    /// bank 0 ways 0..3 then bank 1 ways 0..3 of the key's buckets.
    #[inline(always)]
    fn find_vip(&self, dst: &[u8], ipv6: bool, port: u16, proto: u8) -> Option<u16> {
        let mut kb = [0u8; 19];
        let n = dst.len();
        kb[..n].copy_from_slice(dst);
        kb[n..n + 2].copy_from_slice(&port.to_be_bytes());
        kb[n + 2] = proto;
        let k = crate::hash::crc32c(&kb[..n + 3]);
        let want_key = regmap::VIP_MATCH_VALID
            | if ipv6 { regmap::VIP_MATCH_IPV6 } else { 0 }
            | (proto as u32) << regmap::VIP_MATCH_PROTO_SHIFT
            | (port as u32) << regmap::VIP_MATCH_PORT_SHIFT;
        let mut want_addr = [0u32; 4];
        for (i, w) in want_addr.iter_mut().enumerate().take(n / 4) {
            *w = u32::from_be_bytes([dst[4 * i], dst[4 * i + 1], dst[4 * i + 2], dst[4 * i + 3]]);
        }
        // k mod VIP_BUCKETS and (k >> 16) mod VIP_BUCKETS, VIP_BUCKETS a power of two.
        let buckets = [k & self.bucket_mask, (k >> 16) & self.bucket_mask];
        for (bank, bucket) in buckets.into_iter().enumerate() {
            let first = vip_slot(bank as u32, bucket, 0, self.caps.vip_buckets) as usize;
            for slot in &self.vip_match[first..first + regmap::VIP_WAYS as usize] {
                if slot.key == want_key && slot.addr == want_addr {
                    return Some(slot.id as u16);
                }
            }
        }
        None
    }

    fn locate(&self, offset: u32) -> Loc {
        fn within(r: &Region, entries: u32, offset: u32) -> Option<(usize, u32)> {
            let rel = offset.checked_sub(r.base)?;
            let index = rel / r.stride;
            if index < entries {
                Some((index as usize, (rel % r.stride) / 4))
            } else {
                None
            }
        }
        let c = &self.caps;
        if offset < regmap::REG_CNT_FRAMES_IN {
            return Loc::Control(offset);
        }
        if offset < regmap::REG_CNT_FRAMES_IN + 8 * GLOBAL_COUNTERS as u32 {
            let rel = offset - regmap::REG_CNT_FRAMES_IN;
            return Loc::Counter((rel / 8) as usize, rel % 8 == 4);
        }
        if let Some((i, w)) = within(&regmap::VIP_MATCH, c.vip_slots(), offset) {
            return Loc::Slot(i, w);
        }
        if let Some((i, w)) = within(&regmap::VIP_INFO, c.vip_count, offset) {
            return Loc::Info(i, w);
        }
        if let Some((i, w)) = within(&regmap::VIP_COUNTERS, c.vip_count, offset) {
            return Loc::VipCounter(i, w);
        }
        if let Some((i, w)) = within(&regmap::BACKEND_COUNTERS, c.backend_count, offset) {
            return Loc::BackendCounter(i, w);
        }
        for bank in 0..regmap::TABLE_BANKS {
            if let Some((i, w)) = within(&regmap::backends(bank), c.backend_count, offset) {
                return Loc::Backend(bank as usize, i, w);
            }
            if let Some((i, _)) = within(&regmap::ring(bank), c.ring_entries, offset) {
                return Loc::Ring(bank as usize, i);
            }
        }
        Loc::Unmapped
    }
}

/// Rewrites a balanced frame: destination address, IPv4 header checksum and L4 checksum
/// (RFC 1624 eqn. 3 over every 16-bit word of the address), and the destination MAC when the
/// backend has one.
#[inline(always)]
fn apply(frame: &mut [u8], p: &Patch) {
    let old = &frame[p.dst_off..p.dst_off + p.addr_len];
    let new = &p.addr[..p.addr_len];
    // ~m + m' over the address words
    let mut delta: u64 = 0;
    for i in (0..p.addr_len).step_by(2) {
        delta += !u16::from_be_bytes([old[i], old[i + 1]]) as u64;
        delta += u16::from_be_bytes([new[i], new[i + 1]]) as u64;
    }
    let update = |hc: u16| !checksum::fold(!hc as u64 + delta);
    frame[p.dst_off..p.dst_off + p.addr_len].copy_from_slice(new);
    if let Some(o) = p.ip_csum {
        let c = update(u16::from_be_bytes([frame[o], frame[o + 1]]));
        frame[o..o + 2].copy_from_slice(&c.to_be_bytes());
    }
    if let Some((o, udp)) = p.l4_csum {
        let hc = u16::from_be_bytes([frame[o], frame[o + 1]]);
        // A UDP checksum of 0 means "none" and stays 0; a computed 0 is sent as 0xFFFF (RFC 768).
        if !(udp && hc == 0) {
            let c = update(hc);
            let c = if udp && c == 0 { 0xFFFF } else { c };
            frame[o..o + 2].copy_from_slice(&c.to_be_bytes());
        }
    }
    if let Some(mac) = p.mac {
        EthernetFrame::new_unchecked(frame).set_dst_addr(mac);
    }
}

/// TCP or UDP header length for IP protocol `proto`, `None` for other protocols.
fn l4_header_len(proto: u8) -> Option<usize> {
    match proto {
        ipv4::protocol::TCP => Some(tcp::HEADER_LEN),
        ipv4::protocol::UDP => Some(udp::HEADER_LEN),
        _ => None,
    }
}

impl ModelDevice {
    /// Word `w` of a per-VIP or per-backend counter pair (0/1: frames, 2/3: bytes) whose 64-bit
    /// value is `value`: the low word latches the high word, which a high-word read returns.
    fn counter_word(&mut self, value: u64, w: u32) -> u32 {
        if w % 2 == 1 {
            self.counter_latch
        } else {
            self.counter_latch = (value >> 32) as u32;
            value as u32
        }
    }
}

impl RegisterAccess for ModelDevice {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        check_offset(offset as u64, regmap::BAR_SIZE)?;
        let c = self.caps;
        Ok(match self.locate(offset) {
            Loc::Control(off) => match off {
                regmap::REG_ID => regmap::ID_VALUE,
                regmap::REG_VERSION => regmap::VERSION_VALUE,
                regmap::REG_CAP_WIDTH => c.data_width,
                regmap::REG_CAP_VIPS => c.vip_count,
                regmap::REG_CAP_VIP_BUCKETS => c.vip_buckets,
                regmap::REG_CAP_BACKENDS => c.backend_count,
                regmap::REG_CAP_RING => c.ring_entries,
                regmap::REG_CAP_LATENCY => c.latency,
                regmap::REG_CAP_MAX_LEN => c.max_len,
                regmap::REG_CTRL => self.ctrl,
                regmap::REG_HASH_SEED => self.hash_seed,
                regmap::REG_BANK => self.bank,
                // No frame is ever in flight in the model.
                regmap::REG_BANK_BUSY => 0,
                regmap::REG_PORTS => 1 << regmap::PORTS_COUNT_SHIFT,
                regmap::REG_READ_PORT => self.read_port,
                regmap::REG_HAIRPIN => self.hairpin,
                _ => 0,
            },
            Loc::Counter(i, high) => {
                if high {
                    self.counter_latch
                } else {
                    self.counter_latch = (self.counters[i] >> 32) as u32;
                    self.counters[i] as u32
                }
            }
            Loc::Slot(i, w) => {
                let s = &self.vip_match[i];
                match w {
                    regmap::VIP_MATCH_W_KEY => s.key,
                    regmap::VIP_MATCH_W_ID => s.id,
                    w if (regmap::VIP_MATCH_W_ADDR..regmap::VIP_MATCH_W_ADDR + 4).contains(&w) => {
                        s.addr[(w - regmap::VIP_MATCH_W_ADDR) as usize]
                    }
                    _ => 0,
                }
            }
            Loc::Info(i, w) => self.vip_info[i].get(w as usize).copied().unwrap_or(0),
            Loc::VipCounter(i, w) => {
                let value = self.vip_counters[i][(w / 2) as usize];
                self.counter_word(value, w)
            }
            Loc::BackendCounter(i, w) => {
                let value = self.backend_counters[i][(w / 2) as usize];
                self.counter_word(value, w)
            }
            Loc::Backend(bank, i, w) => {
                let b = &self.backends[bank][i];
                match w {
                    regmap::BACKEND_W_FLAGS => b.flags,
                    regmap::BACKEND_W_MAC_HI => b.mac_hi,
                    regmap::BACKEND_W_MAC_LO => b.mac_lo,
                    w if (regmap::BACKEND_W_ADDR..regmap::BACKEND_W_ADDR + 4).contains(&w) => {
                        b.addr[(w - regmap::BACKEND_W_ADDR) as usize]
                    }
                    _ => 0,
                }
            }
            Loc::Ring(bank, i) => self.ring[bank][i] as u32,
            Loc::Unmapped => 0,
        })
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        check_offset(offset as u64, regmap::BAR_SIZE)?;
        match self.locate(offset) {
            Loc::Control(regmap::REG_CTRL) => self.ctrl = value & regmap::CTRL_ENABLE,
            Loc::Control(regmap::REG_HASH_SEED) => self.hash_seed = value,
            Loc::Control(regmap::REG_BANK) => self.bank = value & 1,
            Loc::Control(regmap::REG_READ_PORT) => self.read_port = value & 0xFF,
            Loc::Control(regmap::REG_HAIRPIN) => self.hairpin = value,
            Loc::Slot(i, w) => {
                let s = &mut self.vip_match[i];
                match w {
                    regmap::VIP_MATCH_W_KEY => s.key = value & VIP_KEY_BITS,
                    regmap::VIP_MATCH_W_ID => s.id = value & 0xFFFF,
                    w if (regmap::VIP_MATCH_W_ADDR..regmap::VIP_MATCH_W_ADDR + 4).contains(&w) => {
                        s.addr[(w - regmap::VIP_MATCH_W_ADDR) as usize] = value
                    }
                    _ => {}
                }
            }
            Loc::Info(i, w) => {
                if let Some(word) = self.vip_info[i].get_mut(w as usize) {
                    *word = value;
                }
            }
            Loc::Backend(bank, i, w) => {
                let b = &mut self.backends[bank][i];
                match w {
                    regmap::BACKEND_W_FLAGS => b.flags = value & BACKEND_FLAG_BITS,
                    regmap::BACKEND_W_MAC_HI => b.mac_hi = value,
                    regmap::BACKEND_W_MAC_LO => b.mac_lo = value & 0xFFFF,
                    w if (regmap::BACKEND_W_ADDR..regmap::BACKEND_W_ADDR + 4).contains(&w) => {
                        b.addr[(w - regmap::BACKEND_W_ADDR) as usize] = value
                    }
                    _ => {}
                }
            }
            Loc::Ring(bank, i) => self.ring[bank][i] = value as u16,
            // Read-only registers, counters and unmapped offsets ignore writes.
            Loc::Control(_) | Loc::Counter(..) | Loc::VipCounter(..) | Loc::BackendCounter(..) | Loc::Unmapped => {}
        }
        Ok(())
    }

    fn size(&self) -> u64 {
        regmap::BAR_SIZE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{ring_index, BackendEntry, Protocol, VipInfo, VipKey, VipSlot};
    use std::net::Ipv4Addr;

    fn small_caps() -> Caps {
        Caps {
            data_width: 64,
            vip_count: 4,
            vip_buckets: 2,
            backend_count: 8,
            ring_entries: 16,
            latency: 23,
            max_len: 1536,
        }
    }

    #[test]
    fn caps_registers() {
        let mut d = ModelDevice::new(small_caps());
        assert_eq!(d.read32(regmap::REG_ID).unwrap(), 0x4C34_4C42);
        assert_eq!(d.read32(regmap::REG_VERSION).unwrap(), 0x0002_0003);
        assert_eq!(Caps::read(&mut d).unwrap(), small_caps());
        // Read-only: writes are ignored.
        d.write32(regmap::REG_CAP_WIDTH, 7).unwrap();
        d.write32(regmap::REG_ID, 7).unwrap();
        assert_eq!(Caps::read(&mut d).unwrap(), small_caps());
        assert_eq!(d.read32(regmap::REG_ID).unwrap(), 0x4C34_4C42);
        assert_eq!(d.size(), 1 << 24);
    }

    #[test]
    fn control_registers() {
        let mut d = ModelDevice::new(small_caps());
        assert_eq!(d.read32(regmap::REG_CTRL).unwrap(), 0);
        assert_eq!(d.read32(regmap::REG_HASH_SEED).unwrap(), 0);
        d.write32(regmap::REG_CTRL, 0xFFFF_FFFF).unwrap();
        assert_eq!(d.read32(regmap::REG_CTRL).unwrap(), 1);
        d.write32(regmap::REG_HASH_SEED, 0xDEAD_BEEF).unwrap();
        assert_eq!(d.read32(regmap::REG_HASH_SEED).unwrap(), 0xDEAD_BEEF);
        // a core on its own: port 0 of 1; READ_PORT keeps 8 bits; HAIRPIN starts with every port
        // sent back to itself (nibble p = p) and keeps all 32 bits
        assert_eq!(d.read32(regmap::REG_PORTS).unwrap(), 0x0000_0100);
        d.write32(regmap::REG_PORTS, 0x0505).unwrap();
        assert_eq!(d.read32(regmap::REG_PORTS).unwrap(), 0x0000_0100);
        assert_eq!(d.read32(regmap::REG_READ_PORT).unwrap(), 0);
        d.write32(regmap::REG_READ_PORT, 0x1234).unwrap();
        assert_eq!(d.read32(regmap::REG_READ_PORT).unwrap(), 0x34);
        assert_eq!(d.read32(regmap::REG_HAIRPIN).unwrap(), 0x7654_3210);
        d.write32(regmap::REG_HAIRPIN, 0x0000_0001).unwrap();
        assert_eq!(d.read32(regmap::REG_HAIRPIN).unwrap(), 0x0000_0001);
    }

    #[test]
    fn offsets_are_checked() {
        let mut d = ModelDevice::new(small_caps());
        assert!(matches!(d.read32(2), Err(RegError::Unaligned { .. })));
        assert!(matches!(d.write32(1 << 24, 0), Err(RegError::OutOfBounds { .. })));
        assert_eq!(d.read32(0x0FFC).unwrap(), 0);
        assert_eq!(d.read32((1 << 24) - 4).unwrap(), 0);
    }

    #[test]
    fn table_words_store_only_defined_bits() {
        let mut d = ModelDevice::new(small_caps());
        let slot = regmap::VIP_MATCH;
        for w in 0..8 {
            d.write32(slot.word(3, w), 0xFFFF_FFFF).unwrap();
        }
        let got: Vec<u32> = (0..8).map(|w| d.read32(slot.word(3, w)).unwrap()).collect();
        assert_eq!(got, [0xFFFF_FF03, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF, 0, 0]);
        for w in 0..4 {
            d.write32(regmap::VIP_INFO.word(1, w), 0xFFFF_FFFF).unwrap();
        }
        let got: Vec<u32> = (0..4).map(|w| d.read32(regmap::VIP_INFO.word(1, w)).unwrap()).collect();
        assert_eq!(got, [0xFFFF_FFFF; 4]); // words 2-3: bank 1
        for w in 0..8 {
            d.write32(regmap::BACKENDS.word(7, w), 0xFFFF_FFFF).unwrap();
        }
        let got: Vec<u32> = (0..8).map(|w| d.read32(regmap::BACKENDS.word(7, w)).unwrap()).collect();
        assert_eq!(got, [0b111, 0xFFFF_FFFF, 0xFFFF, 0, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF]);
        d.write32(regmap::RING.word(15, 0), 0xABCD_1234).unwrap();
        assert_eq!(d.read32(regmap::RING.word(15, 0)).unwrap(), 0x1234);
        // Beyond each table's entry count: ignored, reads 0.
        let beyond = [
            regmap::VIP_MATCH.word(16, 0),
            regmap::VIP_INFO.word(4, 0),
            regmap::BACKENDS.word(8, 0),
            regmap::RING.word(16, 0),
        ];
        for off in beyond {
            d.write32(off, 0xFFFF_FFFF).unwrap();
            assert_eq!(d.read32(off).unwrap(), 0, "{off:#x}");
        }
        // Counters are read-only.
        d.write32(regmap::REG_CNT_FRAMES_IN, 5).unwrap();
        d.write32(regmap::VIP_COUNTERS.word(0, 0), 5).unwrap();
        assert_eq!(d.read64(regmap::REG_CNT_FRAMES_IN).unwrap(), 0);
        assert_eq!(d.read64(regmap::VIP_COUNTERS.word(0, 0)).unwrap(), 0);
    }

    #[test]
    fn entries_written_through_registers_decode() {
        let mut d = ModelDevice::new(small_caps());
        let slot = VipSlot {
            key: VipKey { addr: Ipv4Addr::new(10, 0, 0, 1).into(), port: 7777, protocol: Protocol::Udp },
            vip_id: 2,
        };
        for (w, v) in slot.encode().iter().enumerate() {
            d.write32(regmap::VIP_MATCH.word(5, w as u32), *v).unwrap();
        }
        let mut words = [0u32; 8];
        for (w, v) in words.iter_mut().enumerate() {
            *v = d.read32(regmap::VIP_MATCH.word(5, w as u32)).unwrap();
        }
        assert_eq!(VipSlot::decode(&words), Ok(Some(slot)));
        let be = BackendEntry { addr: Ipv4Addr::new(10, 1, 0, 1).into(), mac: Some([2, 0, 0, 0, 1, 1]) };
        for (w, v) in be.encode().iter().enumerate() {
            d.write32(regmap::BACKENDS.word(1, w as u32), *v).unwrap();
        }
        for (w, v) in words.iter_mut().enumerate() {
            *v = d.read32(regmap::BACKENDS.word(1, w as u32)).unwrap();
        }
        assert_eq!(BackendEntry::decode(&words), Ok(Some(be)));
    }

    #[test]
    fn masked_ring_index_is_the_contract_formula() {
        // The model's mask form against layout::ring_index's 64-bit modulo form.
        let mut x: u32 = 0x1234_5678;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let info = VipInfo { ring_base: x.rotate_left(7), ring_size: x.rotate_left(19) % 70_000 };
            let masked = info.ring_base.wrapping_add(((x as u64 * info.ring_size as u64) >> 32) as u32) & 0xFFFF;
            assert_eq!(masked, ring_index(x, &info, 65536));
        }
    }

    #[test]
    #[should_panic(expected = "power of two")]
    fn rejects_unbuildable_caps() {
        ModelDevice::new(Caps { ring_entries: 1000, ..Caps::default() });
    }

    #[test]
    fn counter_latch() {
        let mut d = ModelDevice::new(small_caps());
        d.counters[CNT_BYTES_IN] = 0x0000_0001_FFFF_FFFF;
        assert_eq!(d.read32(regmap::REG_CNT_BYTES_IN).unwrap(), 0xFFFF_FFFF);
        d.counters[CNT_BYTES_IN] += 1; // carries into the high word after the low read
        assert_eq!(d.read32(regmap::REG_CNT_BYTES_IN + 4).unwrap(), 1, "high word latched by the low read");
        assert_eq!(d.read64(regmap::REG_CNT_BYTES_IN).unwrap(), 0x2_0000_0000);
        assert_eq!(d.counter(regmap::REG_CNT_BYTES_IN), Some(0x2_0000_0000));
        assert_eq!(d.counter(regmap::REG_CNT_BYTES_IN + 4), None);
        // One latch for every counter: the last low-word read decides what a high word reads.
        d.counters[CNT_FRAMES_IN] = 0x0000_0007_0000_0000;
        d.vip_counters[2][1] = 0x0000_0009_0000_0000;
        d.read32(regmap::REG_CNT_FRAMES_IN).unwrap();
        d.read32(regmap::VIP_COUNTERS.word(2, 2)).unwrap();
        assert_eq!(d.read32(regmap::REG_CNT_FRAMES_IN + 4).unwrap(), 9);
        assert_eq!(d.read32(regmap::REG_CNT_PASSED + 4).unwrap(), 9);
    }

    /// A UDP frame 192.168.1.2:40000 -> 10.0.0.1:7777 with a programmed VIP whose slot sits in
    /// every way of both buckets (so the test does not depend on the bucket), vip_id `id`.
    fn device_with_vip(caps: Caps, id: u16) -> (ModelDevice, Vec<u8>) {
        let mut d = ModelDevice::new(caps);
        d.write32(regmap::REG_CTRL, 1).unwrap();
        let key = VipKey { addr: Ipv4Addr::new(10, 0, 0, 1).into(), port: 7777, protocol: Protocol::Udp };
        for s in 0..caps.vip_slots() {
            for (w, v) in (VipSlot { key, vip_id: id }).encode().iter().enumerate() {
                d.write32(regmap::VIP_MATCH.word(s, w as u32), *v).unwrap();
            }
        }
        let mut f = vec![0u8; 60];
        f[12] = 0x08;
        f[14] = 0x45;
        f[17] = 33; // total length
        f[23] = 17;
        f[26..30].copy_from_slice(&[192, 168, 1, 2]);
        f[30..34].copy_from_slice(&[10, 0, 0, 1]);
        f[34..36].copy_from_slice(&40000u16.to_be_bytes());
        f[36..38].copy_from_slice(&7777u16.to_be_bytes());
        (d, f)
    }

    /// Each bank holds its own VIP info, ring and backends; `BANK` picks the one frames use.
    #[test]
    fn bank_selects_info_ring_and_backends() {
        let (mut d, f) = device_with_vip(small_caps(), 1);
        // Bank 0: slice at 10, ring -> backend 2 at 10.1.0.2. Bank 1: slice at 5 -> backend 3
        // at 10.1.0.3. Each ring slice has one entry, so every flow takes it.
        for (bank, base, b, ip) in [(0u32, 10u32, 2u32, 0x0A01_0002u32), (1, 5, 3, 0x0A01_0003)] {
            d.write32(regmap::VIP_INFO.word(1, 2 * bank), base).unwrap();
            d.write32(regmap::VIP_INFO.word(1, 2 * bank + 1), 1).unwrap();
            d.write32(regmap::ring(bank).word(base, 0), b).unwrap();
            d.write32(regmap::backends(bank).word(b, regmap::BACKEND_W_ADDR), ip).unwrap();
            d.write32(regmap::backends(bank).word(b, regmap::BACKEND_W_FLAGS), regmap::BACKEND_VALID).unwrap();
        }
        let v = d.classify(&f, false);
        assert_eq!((v.reason, v.backend), (Reason::Balanced, Some(2)));
        let mut out = f.clone();
        d.process(&mut out, false);
        assert_eq!(out[30..34], [10, 1, 0, 2]);
        d.write32(regmap::REG_BANK, 3).unwrap();
        assert_eq!(d.read32(regmap::REG_BANK).unwrap(), 1);
        let mut out = f.clone();
        assert_eq!(d.process(&mut out, false).backend, Some(3));
        assert_eq!(out[30..34], [10, 1, 0, 3]);
        // Bank 0's entries are still there, untouched by the switch.
        assert_eq!(d.read32(regmap::VIP_INFO.word(1, 0)).unwrap(), 10);
        assert_eq!(d.read32(regmap::REG_BANK_BUSY).unwrap(), 0, "nothing is ever in flight in the model");
    }

    #[test]
    fn backend_index_mod_a_count_that_is_not_a_power_of_two() {
        let caps = Caps { backend_count: 6, ..small_caps() };
        let (mut d, f) = device_with_vip(caps, 1);
        for (w, v) in (VipInfo { ring_base: 0, ring_size: 16 }).encode().iter().enumerate() {
            d.write32(regmap::VIP_INFO.word(1, w as u32), *v).unwrap();
        }
        for r in 0..16 {
            d.write32(regmap::RING.word(r, 0), 8).unwrap(); // 8 mod 6 = 2
        }
        let be = BackendEntry { addr: Ipv4Addr::new(10, 1, 0, 2).into(), mac: None };
        for (w, v) in be.encode().iter().enumerate() {
            d.write32(regmap::BACKENDS.word(2, w as u32), *v).unwrap();
        }
        let v = d.classify(&f, false);
        assert_eq!((v.reason, v.backend), (Reason::Balanced, Some(2)));
    }

    /// The contract does not say what a vip_id at or past VIP_COUNT does; the model (like the
    /// RTL) gives NO_BACKEND, as for an empty ring slice. The verdict reports the slot's id.
    #[test]
    fn vip_id_past_vip_count_has_no_backend() {
        let (mut d, mut f) = device_with_vip(small_caps(), 4 + 3);
        for (w, v) in (VipInfo { ring_base: 5, ring_size: 1 }).encode().iter().enumerate() {
            d.write32(regmap::VIP_INFO.word(3, w as u32), *v).unwrap();
        }
        d.write32(regmap::RING.word(5, 0), 1).unwrap();
        let be = BackendEntry { addr: Ipv4Addr::new(10, 1, 0, 1).into(), mac: None };
        for (w, v) in be.encode().iter().enumerate() {
            d.write32(regmap::BACKENDS.word(1, w as u32), *v).unwrap();
        }
        let before = f.clone();
        let v = d.process(&mut f, false);
        assert_eq!((v.reason, v.vip_id, v.backend), (Reason::NoBackend, Some(7), None));
        assert_eq!(f, before);
        assert_eq!(d.counter(regmap::VIP_COUNTERS.word(3, 0)), Some(0));
        // Id 3 itself is balanced through the same tables.
        let (mut d3, mut f3) = device_with_vip(small_caps(), 3);
        for off in [regmap::VIP_INFO.word(3, 0), regmap::VIP_INFO.word(3, 1), regmap::RING.word(5, 0)] {
            let v = d.read32(off).unwrap();
            d3.write32(off, v).unwrap();
        }
        for w in 0..8 {
            let v = d.read32(regmap::BACKENDS.word(1, w)).unwrap();
            d3.write32(regmap::BACKENDS.word(1, w), v).unwrap();
        }
        assert_eq!(d3.process(&mut f3, false).reason, Reason::Balanced);
        assert_eq!(d3.counter(regmap::VIP_COUNTERS.word(3, 2)), Some(60));
        // the backend entry the ring chose (index 1) counts the frame too, and only it
        assert_eq!(d3.counter(regmap::BACKEND_COUNTERS.word(1, 0)), Some(1));
        assert_eq!(d3.counter(regmap::BACKEND_COUNTERS.word(1, 2)), Some(60));
        assert_eq!(d3.counter(regmap::BACKEND_COUNTERS.word(0, 0)), Some(0));
        // through the registers: the low word, then the latched high word
        assert_eq!(d3.read32(regmap::BACKEND_COUNTERS.word(1, 2)).unwrap(), 60);
        assert_eq!(d3.read32(regmap::BACKEND_COUNTERS.word(1, 3)).unwrap(), 0);
        // the NO_BACKEND frame of `d` counted nowhere
        assert_eq!(d.counter(regmap::BACKEND_COUNTERS.word(1, 0)), Some(0));
    }
}
