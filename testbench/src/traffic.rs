//! Synthetic traffic: frames built from first principles (their own checksum code, not the
//! model's), for the sample pcap, `l4lb-sim gen` and the randomized tests.

use l4lb_core::config::Config;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A small deterministic PRNG (SplitMix64): reproducible traffic from a printed seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
    /// True with probability `permille / 1000`.
    pub fn chance(&mut self, permille: u64) -> bool {
        self.next_u64() % 1000 < permille
    }
    pub fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            *b = self.next_u64() as u8;
        }
    }
}

/// RFC 1071 one's-complement sum of `data` (16-bit big-endian words, odd byte padded), folded.
/// Written here independently of `l4lb_core::checksum` so tests can check one against the other.
pub fn ones_sum(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        acc += u32::from(*last) << 8;
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc
}

/// How a generated L4 frame is built.
#[derive(Debug, Clone)]
pub struct L4Spec {
    pub dst_mac: [u8; 6],
    pub src_mac: [u8; 6],
    /// An outer tag (TPID 0x8100 or 0x88A8, TCI) before `vlan`.
    pub outer_tag: Option<(u16, u16)>,
    /// A tag (TPID `vlan_tpid`) with this TCI.
    pub vlan: Option<u16>,
    pub vlan_tpid: u16,
    /// Both of one family.
    pub src: IpAddr,
    pub dst: IpAddr,
    pub protocol: u8,
    pub src_port: u16,
    pub dst_port: u16,
    pub ttl: u8,
    pub payload: Vec<u8>,
    /// IPv4: option bytes (a multiple of 4, at most 40).
    pub ip_options: usize,
    /// IPv6: extension headers before the L4 header (or the Fragment header): (type, length in
    /// 8-byte units beyond the first).
    pub ext_headers: Vec<(u8, u8)>,
    /// A fragment: (offset in 8-byte units, more fragments). Offset 0 carries the L4 header;
    /// a later fragment carries only payload.
    pub fragment: Option<(u16, bool)>,
    /// UDP only: send checksum 0 ("none").
    pub udp_no_checksum: bool,
    /// Add this to the correct L4 checksum (0: valid).
    pub l4_checksum_error: u16,
    /// Add this to the correct IP header checksum (0: valid).
    pub ip_checksum_error: u16,
    /// Bytes of padding after the IP datagram.
    pub padding: usize,
}

impl L4Spec {
    /// A plain frame from `src:src_port` to `dst:dst_port` (`protocol` 6 or 17): the test MACs
    /// (02:00:00:00:aa:01 from 02:00:00:00:bb:01), no tags, TTL 64, no options or extension
    /// headers, not a fragment, valid checksums, no padding. Set other fields with `..`.
    pub fn new(src: IpAddr, dst: IpAddr, protocol: u8, src_port: u16, dst_port: u16, payload: Vec<u8>) -> L4Spec {
        L4Spec {
            dst_mac: [0x02, 0, 0, 0, 0xaa, 0x01],
            src_mac: [0x02, 0, 0, 0, 0xbb, 0x01],
            outer_tag: None,
            vlan: None,
            vlan_tpid: 0x8100,
            src,
            dst,
            protocol,
            src_port,
            dst_port,
            ttl: 64,
            payload,
            ip_options: 0,
            ext_headers: Vec::new(),
            fragment: None,
            udp_no_checksum: false,
            l4_checksum_error: 0,
            ip_checksum_error: 0,
            padding: 0,
        }
    }
}

fn ip_octets(a: &IpAddr) -> Vec<u8> {
    match a {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// Builds an Ethernet (+ up to two tags) IPv4 or IPv6 TCP/UDP frame with correct checksums
/// (unless told otherwise). The L4 checksum covers what this frame carries.
pub fn build_l4(s: &L4Spec) -> Vec<u8> {
    let mut f = Vec::with_capacity(128 + s.payload.len());
    f.extend_from_slice(&s.dst_mac);
    f.extend_from_slice(&s.src_mac);
    if let Some((tpid, tci)) = s.outer_tag {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&tci.to_be_bytes());
    }
    if let Some(tci) = s.vlan {
        f.extend_from_slice(&s.vlan_tpid.to_be_bytes());
        f.extend_from_slice(&tci.to_be_bytes());
    }
    let v6 = s.dst.is_ipv6();
    f.extend_from_slice(if v6 { &[0x86, 0xdd] } else { &[0x08, 0x00] });
    let later = matches!(s.fragment, Some((off, _)) if off != 0);
    let l4_hdr = if later {
        0
    } else {
        match s.protocol {
            6 => 20,
            17 => 8,
            _ => 0,
        }
    };
    let l4_len = l4_hdr + s.payload.len();
    let ip = f.len();
    if v6 {
        let ext_len: usize = s.ext_headers.iter().map(|(_, n)| 8 * (*n as usize + 1)).sum::<usize>()
            + if s.fragment.is_some() { 8 } else { 0 };
        let first_nh = s.ext_headers.first().map(|e| e.0).unwrap_or(if s.fragment.is_some() { 44 } else { s.protocol });
        f.extend_from_slice(&[0x60, 0x00, 0x00, 0x00]);
        f.extend_from_slice(&((ext_len + l4_len) as u16).to_be_bytes());
        f.extend_from_slice(&[first_nh, s.ttl]);
        f.extend_from_slice(&ip_octets(&s.src));
        f.extend_from_slice(&ip_octets(&s.dst));
        for (i, (_, n)) in s.ext_headers.iter().enumerate() {
            let nh =
                s.ext_headers.get(i + 1).map(|e| e.0).unwrap_or(if s.fragment.is_some() { 44 } else { s.protocol });
            let len = 8 * (*n as usize + 1);
            let mut h = vec![0u8; len];
            h[0] = nh;
            h[1] = *n;
            // PadN option filling the rest (a Routing header gets type 0 with 0 segments left).
            h[2] = 1;
            h[3] = (len - 4) as u8;
            f.extend_from_slice(&h);
        }
        if let Some((off, more)) = s.fragment {
            f.extend_from_slice(&[s.protocol, 0]);
            f.extend_from_slice(&(off << 3 | more as u16).to_be_bytes());
            f.extend_from_slice(&0x1234_5678u32.to_be_bytes());
        }
    } else {
        let total = 20 + s.ip_options + l4_len;
        f.extend_from_slice(&[0x45 + (s.ip_options / 4) as u8, 0x00]);
        f.extend_from_slice(&(total as u16).to_be_bytes());
        let frag = match s.fragment {
            Some((off, more)) => (off & 0x1fff) | if more { 0x2000 } else { 0 },
            None => 0x4000,
        };
        f.extend_from_slice(&[0x12, 0x34]);
        f.extend_from_slice(&frag.to_be_bytes());
        f.extend_from_slice(&[s.ttl, s.protocol, 0, 0]);
        f.extend_from_slice(&ip_octets(&s.src));
        f.extend_from_slice(&ip_octets(&s.dst));
        f.extend(std::iter::repeat_n(1u8, s.ip_options)); // NOPs
    }
    let l4 = f.len();
    if !later {
        match s.protocol {
            6 => {
                f.extend_from_slice(&s.src_port.to_be_bytes());
                f.extend_from_slice(&s.dst_port.to_be_bytes());
                f.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
            }
            17 => {
                f.extend_from_slice(&s.src_port.to_be_bytes());
                f.extend_from_slice(&s.dst_port.to_be_bytes());
                f.extend_from_slice(&(l4_len as u16).to_be_bytes());
                f.extend_from_slice(&[0, 0]);
            }
            _ => {}
        }
    }
    f.extend_from_slice(&s.payload);
    if !v6 {
        let hl = 20 + s.ip_options;
        let ipsum = !(ones_sum(0, &f[ip..ip + hl]) as u16);
        f[ip + 10..ip + 12].copy_from_slice(&ipsum.wrapping_add(s.ip_checksum_error).to_be_bytes());
    }
    if !later && (s.protocol == 6 || s.protocol == 17) {
        let mut pseudo = ip_octets(&s.src);
        pseudo.extend_from_slice(&ip_octets(&s.dst));
        if v6 {
            pseudo.extend_from_slice(&(l4_len as u32).to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, s.protocol]);
        } else {
            pseudo.extend_from_slice(&[0, s.protocol]);
            pseudo.extend_from_slice(&(l4_len as u16).to_be_bytes());
        }
        let mut sum = !(ones_sum(ones_sum(0, &pseudo), &f[l4..]) as u16);
        if s.protocol == 17 && sum == 0 {
            sum = 0xffff;
        }
        let sum = if s.protocol == 17 && s.udp_no_checksum { 0 } else { sum.wrapping_add(s.l4_checksum_error) };
        let at = l4 + if s.protocol == 6 { 16 } else { 6 };
        f[at..at + 2].copy_from_slice(&sum.to_be_bytes());
    }
    f.extend(std::iter::repeat_n(0u8, s.padding));
    f
}

/// A UDP frame of `size` bytes (at least 42) to 10.0.0.1:7777 from flow `flow` (source address
/// and port): the benchmarks' and the performance sweep's traffic.
pub fn udp_vip_frame(size: usize, flow: usize) -> Vec<u8> {
    build_l4(&L4Spec::new(
        Ipv4Addr::new(192, 168, (flow >> 8) as u8, flow as u8).into(),
        Ipv4Addr::new(10, 0, 0, 1).into(),
        17,
        1024 + (flow % 50_000) as u16,
        7777,
        vec![0x5a; size - 42],
    ))
}

/// The mix of traffic [`generate`] produces.
#[derive(Debug, Clone)]
pub struct Mix {
    /// Largest payload of ordinary frames.
    pub max_payload: usize,
    /// Per mille of frames that are odd or malformed (truncated, options, fragments, runts...).
    pub odd_permille: u64,
    /// Per mille of frames sent to a VIP (of the ordinary ones).
    pub vip_permille: u64,
    /// Per mille of frames that are jumbo (up to 9,018 bytes and beyond).
    pub jumbo_permille: u64,
    /// Distinct client flows per VIP.
    pub flows_per_vip: u32,
    /// Frame lengths (without FCS), drawn uniformly from this range; `None`: what the headers
    /// and payloads above make.
    pub frame_size: Option<(usize, usize)>,
}

impl Default for Mix {
    fn default() -> Mix {
        Mix {
            max_payload: 1472,
            odd_permille: 200,
            vip_permille: 600,
            jumbo_permille: 0,
            flows_per_vip: 64,
            frame_size: None,
        }
    }
}

fn client(v6: bool, flow: u32) -> (IpAddr, u16) {
    let h = flow.wrapping_mul(0x9E37_79B9);
    let port = 1024 + (h & 0xefff) as u16;
    if v6 {
        (IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0xc, 0, 0, 0, (h >> 16) as u16, h as u16 | 1)), port)
    } else {
        (IpAddr::V4(Ipv4Addr::new(192, 168, (h >> 24) as u8, (h >> 16) as u8 | 1)), port)
    }
}

/// A random address of the family of `like`.
fn random_addr(rng: &mut Rng, like: bool) -> IpAddr {
    if like {
        IpAddr::V6(Ipv6Addr::from(((rng.next_u64() as u128) << 64) | rng.next_u64() as u128))
    } else {
        IpAddr::V4(Ipv4Addr::from(rng.next_u32()))
    }
}

fn base_spec(rng: &mut Rng, mix: &Mix, dst: IpAddr, dst_port: u16, protocol: u8, flow: u32) -> L4Spec {
    let (src, src_port) = client(dst.is_ipv6(), flow);
    let v6 = dst.is_ipv6();
    // Headers of contract v2: QinQ, IPv4 options, IPv6 extension headers.
    let outer_tag = if rng.chance(100) {
        Some(([0x8100u16, 0x88a8][rng.range(0, 1) as usize], rng.range(1, 4094) as u16))
    } else {
        None
    };
    let ip_options = if !v6 && rng.chance(100) { 4 * rng.range(1, 10) as usize } else { 0 };
    let mut ext_headers = Vec::new();
    if v6 && rng.chance(250) {
        for _ in 0..rng.range(1, 4) {
            ext_headers.push(([0u8, 43, 60][rng.range(0, 2) as usize], rng.range(0, 3) as u8));
        }
    }
    let len = if rng.chance(300) { 0 } else { rng.range(0, mix.max_payload as u64) as usize };
    let mut payload = vec![0u8; len];
    rng.fill(&mut payload);
    // (fields in this order: the random draws happen in it; the `..` base comes last)
    L4Spec {
        src_mac: [0x02, 0, 0, 0, 0xbb, (flow & 0xff) as u8],
        outer_tag,
        vlan: if outer_tag.is_some() || rng.chance(200) { Some(rng.range(1, 4094) as u16) } else { None },
        vlan_tpid: if rng.chance(100) { 0x88a8 } else { 0x8100 },
        ip_options,
        ext_headers,
        udp_no_checksum: protocol == 17 && rng.chance(100),
        l4_checksum_error: if rng.chance(50) { rng.range(1, 0xffff) as u16 } else { 0 },
        ip_checksum_error: if rng.chance(30) { rng.range(1, 0xffff) as u16 } else { 0 },
        padding: if rng.chance(100) { rng.range(1, 40) as usize } else { 0 },
        ..L4Spec::new(src, dst, protocol, src_port, dst_port, payload)
    }
}

/// Builds `count` frames for `config`: VIP flows, other traffic and (per `mix`) odd and malformed
/// frames of every kind the contract names.
pub fn generate(config: &Config, count: usize, mix: &Mix, rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let frame = match mix.frame_size {
            None if rng.chance(mix.odd_permille) => odd_frame(config, mix, rng),
            None => ordinary_frame(config, mix, rng),
            Some((lo, hi)) => {
                let target = rng.range(lo as u64, hi as u64) as usize;
                if rng.chance(mix.odd_permille) {
                    // cut or pad (Ethernet padding) to the length: it stays a frame the
                    // contract has a rule for, whatever it becomes
                    let mut f = odd_frame(config, mix, rng);
                    f.resize(target, 0);
                    f
                } else {
                    sized_frame(config, mix, rng, target)
                }
            }
        };
        out.push(frame);
    }
    out
}

fn ordinary_frame(config: &Config, mix: &Mix, rng: &mut Rng) -> Vec<u8> {
    build_l4(&ordinary_spec(config, mix, rng))
}

fn ordinary_spec(config: &Config, mix: &Mix, rng: &mut Rng) -> L4Spec {
    let jumbo = rng.chance(mix.jumbo_permille);
    let mut spec = if !config.vips.is_empty() && rng.chance(mix.vip_permille) {
        let vip = &config.vips[rng.range(0, config.vips.len() as u64 - 1) as usize];
        let flow = rng.range(0, mix.flows_per_vip as u64 - 1) as u32;
        base_spec(rng, mix, vip.address, vip.port, vip.protocol.number(), flow)
    } else {
        let proto = if rng.chance(500) { 6 } else { 17 };
        let v6 = rng.chance(300);
        let dst = random_addr(rng, v6);
        let flow = rng.next_u32();
        let port = rng.range(1, 65535) as u16;
        base_spec(rng, mix, dst, port, proto, flow)
    };
    // A VIP with port 0 takes every port: vary the destination port.
    if spec.dst_port == 0 {
        spec.dst_port = rng.range(0, 65535) as u16;
    }
    // Fragments: to port-0 VIPs they are balanced, elsewhere they pass.
    if rng.chance(60) {
        let off = if rng.chance(500) { 0 } else { rng.range(1, 0x1fff) as u16 };
        spec.fragment = Some((off, off == 0 || rng.chance(500)));
    }
    if jumbo {
        let len = rng.range(8000, 9100) as usize;
        spec.payload.resize(len, 0x5a);
    }
    spec
}

/// An ordinary frame of `target` bytes: the payload fills what the headers leave. When the
/// headers are longer, the optional ones (tags, IPv4 options, IPv6 extension headers, padding)
/// and the fragment header go; a frame still longer keeps its shortest length (74 bytes at most:
/// IPv6 and TCP).
fn sized_frame(config: &Config, mix: &Mix, rng: &mut Rng, target: usize) -> Vec<u8> {
    let plain = Mix { jumbo_permille: 0, max_payload: 0, ..mix.clone() };
    let mut spec = ordinary_spec(config, &plain, rng);
    spec.payload.clear();
    spec.padding = 0;
    if build_l4(&spec).len() > target {
        spec.fragment = None;
        spec.outer_tag = None;
        spec.vlan = None;
        spec.ip_options = 0;
        spec.ext_headers.clear();
    }
    let bare = build_l4(&spec).len();
    spec.payload = vec![0u8; target.saturating_sub(bare)];
    rng.fill(&mut spec.payload);
    build_l4(&spec)
}

/// An odd or malformed frame: each case is a rule of the contract that must make it pass.
fn odd_frame(config: &Config, mix: &Mix, rng: &mut Rng) -> Vec<u8> {
    let (dst, port, proto) = match config.vips.first() {
        Some(_) if rng.chance(700) => {
            let v = &config.vips[rng.range(0, config.vips.len() as u64 - 1) as usize];
            (v.address, v.port, v.protocol.number())
        }
        Some(_) | None => (IpAddr::V4(Ipv4Addr::new(10, 9, 9, 9)), 80, 6),
    };
    let flow = rng.range(0, 15) as u32;
    let mut spec = base_spec(rng, mix, dst, port.max(1), proto, flow);
    spec.padding = 0;
    if rng.chance(200) {
        let off = if rng.chance(500) { 0 } else { rng.range(1, 0x1fff) as u16 };
        spec.fragment = Some((off, off == 0 || rng.chance(500)));
    }
    if dst.is_ipv6() && rng.chance(300) {
        // Deep chains: up to 160 bytes of extension headers, around the 128-byte window.
        spec.ext_headers =
            (0..rng.range(1, 6)).map(|_| ([0u8, 43, 60][rng.range(0, 2) as usize], rng.range(0, 4) as u8)).collect();
    }
    let mut f = build_l4(&spec);
    let l2 = 14 + 4 * (spec.vlan.is_some() as usize + spec.outer_tag.is_some() as usize);
    let v6 = dst.is_ipv6();
    match rng.range(0, 16) {
        // Truncated anywhere (inside any header or the payload).
        0 => {
            let cut = rng.range(1, f.len() as u64 - 1) as usize;
            f.truncate(cut.max(1));
        }
        // Runt of 1..13 bytes.
        1 => f.truncate(rng.range(1, 13) as usize),
        // Random bytes.
        2 => {
            let mut b = vec![0u8; rng.range(1, 200) as usize];
            rng.fill(&mut b);
            f = b;
        }
        // IHL or the IPv6 version/traffic class byte changed (the header length then lies).
        3 => f[l2] = (f[l2] & 0xf0) | rng.range(0, 15) as u8,
        // IP version not matching the ethertype.
        4 => f[l2] = (rng.range(0, 15) as u8) << 4 | (f[l2] & 0x0f),
        // IPv6: payload length beyond the frame or short of the headers.
        5 if v6 => {
            let pl = if rng.chance(500) {
                (f.len() - l2 - 40 + rng.range(1, 100) as usize) as u16
            } else {
                rng.range(0, 60) as u16
            };
            f[l2 + 4..l2 + 6].copy_from_slice(&pl.to_be_bytes());
        }
        // IPv6: an extension header length that runs past the packet.
        13 if v6 && !spec.ext_headers.is_empty() => f[l2 + 41] = rng.range(0, 255) as u8,
        // IPv6: next header not TCP/UDP (ICMPv6, No Next Header, ESP) or a random one.
        14 if v6 => f[l2 + 6] = [58u8, 59, 50, rng.range(0, 255) as u8][rng.range(0, 3) as usize],
        // Fragment: MF set, or a non-zero offset.
        5 => {
            if rng.chance(500) {
                f[l2 + 6] |= 0x20;
            } else {
                let off = rng.range(1, 0x1fff) as u16;
                f[l2 + 6] = (f[l2 + 6] & 0xe0) | (off >> 8) as u8;
                f[l2 + 7] = off as u8;
            }
        }
        // Not TCP or UDP (ICMP, GRE, ...).
        6 => f[l2 + 9] = [1u8, 47, 50, 132][rng.range(0, 3) as usize],
        // Total length too large (beyond the frame) or too small for the L4 header.
        7 => {
            let tl = if rng.chance(500) {
                (f.len() - l2 + rng.range(1, 100) as usize) as u16
            } else {
                rng.range(0, 27) as u16
            };
            f[l2 + 2..l2 + 4].copy_from_slice(&tl.to_be_bytes());
        }
        // Other ethertypes: ARP, the other IP version, QinQ, LLDP.
        8 => {
            let et: [u8; 2] =
                [[0x08, 0x06], [0x86, 0xdd], [0x08, 0x00], [0x88, 0xa8], [0x88, 0xcc]][rng.range(0, 4) as usize];
            f[l2 - 2..l2].copy_from_slice(&et);
        }
        // One more tag (three in all are not parsed) or two of either TPID.
        9 => {
            let mut g = f[..12].to_vec();
            let t = [[0x81u8, 0x00], [0x88, 0xa8]];
            g.extend_from_slice(&t[rng.range(0, 1) as usize]);
            g.extend_from_slice(&[0x00, 0x05]);
            g.extend_from_slice(&t[rng.range(0, 1) as usize]);
            g.extend_from_slice(&[0x00, 0x06]);
            g.extend_from_slice(&f[l2 - 2..]);
            f = g;
        }
        // Jumbo frame (to a VIP or not), possibly longer than MAX_LEN.
        10 => {
            let mut s = spec.clone();
            s.payload = vec![0xa5; rng.range(8900, 9300) as usize];
            f = build_l4(&s);
        }
        // A well-formed VIP frame with lots of trailing padding.
        11 => {
            let mut s = spec.clone();
            s.padding = rng.range(1, 300) as usize;
            f = build_l4(&s);
        }
        // A well-formed VIP frame (mixed in among the odd ones).
        _ => {}
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--frame-size`: every frame, odd ones included, is within the range (the shortest
    /// ordinary frame, IPv6 + TCP, is 74 bytes), and both VIP and other traffic are there.
    #[test]
    fn frame_size_ranges_hold() {
        let cfg = l4lb_core::config::Config::from_toml_str(
            "[[vip]]\naddress = \"10.0.0.1\"\nport = 80\nprotocol = \"tcp\"\n[[vip.backend]]\naddress = \"10.1.0.1\"\n\
             [[vip]]\naddress = \"2001:db8::1\"\nport = 443\nprotocol = \"tcp\"\n[[vip.backend]]\naddress = \"2001:db8:1::1\"\n",
        )
        .unwrap();
        for (lo, hi) in [(60usize, 80usize), (124, 132), (64, 64)] {
            let mix = Mix { frame_size: Some((lo, hi)), odd_permille: 150, ..Mix::default() };
            let frames = generate(&cfg, 3000, &mix, &mut Rng::new(5));
            let lens: Vec<usize> = frames.iter().map(|f| f.len()).collect();
            assert!(
                lens.iter().all(|&n| (lo..=hi.max(74)).contains(&n)),
                "{lo}-{hi}: lengths {:?}",
                lens.iter().filter(|&&n| n < lo || n > hi).collect::<Vec<_>>()
            );
            if hi >= 74 {
                assert!(lens.iter().all(|&n| (lo..=hi).contains(&n)));
            }
            assert_eq!(lens.iter().min(), Some(&lo), "{lo}-{hi}: the shortest length is drawn");
            let to_vip = frames
                .iter()
                .filter(|f| f.len() > 34 && f[12..14] == [0x08, 0x00] && f[30..34] == [10, 0, 0, 1])
                .count();
            assert!(to_vip > 300, "{lo}-{hi}: only {to_vip} IPv4 VIP frames");
        }
    }

    /// The UDP example of a well-known capture: the builder's checksum agrees with a checksum
    /// verified by hand (sum over the whole datagram including the checksum is 0xffff).
    #[test]
    fn built_frames_have_valid_checksums() {
        let mut rng = Rng::new(1);
        for proto in [6u8, 17] {
            for vlan in [None, Some(7)] {
                let mut spec = base_spec(&mut rng, &Mix::default(), Ipv4Addr::new(10, 0, 0, 1).into(), 7777, proto, 3);
                spec.vlan = vlan;
                spec.vlan_tpid = 0x8100;
                spec.outer_tag = None;
                spec.ip_options = 0;
                spec.l4_checksum_error = 0;
                spec.ip_checksum_error = 0;
                spec.udp_no_checksum = false;
                let f = build_l4(&spec);
                let l2 = if vlan.is_some() { 18 } else { 14 };
                assert_eq!(ones_sum(0, &f[l2..l2 + 20]), 0xffff);
                let tl = u16::from_be_bytes([f[l2 + 2], f[l2 + 3]]) as usize;
                let mut pseudo = [0u8; 12];
                pseudo[..8].copy_from_slice(&f[l2 + 12..l2 + 20]);
                pseudo[9] = proto;
                pseudo[10..12].copy_from_slice(&((tl - 20) as u16).to_be_bytes());
                assert_eq!(ones_sum(ones_sum(0, &pseudo), &f[l2 + 20..l2 + tl]), 0xffff);
            }
        }
    }

    #[test]
    fn ones_sum_rfc1071_example() {
        // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2.
        assert_eq!(ones_sum(0, &[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), 0xddf2);
    }
}
