//! Shared test helpers: an independent oracle of the data-plane contract (docs/architecture.md),
//! written from the contract's text without the model's code, and checks of rewritten frames.
#![allow(dead_code)]

use l4lb_core::config::Config;
use l4lb_testbench::traffic::ones_sum;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

/// `MAX_LEN` of the default RTL build.
pub const MAX_LEN: usize = 9216;

fn be16(f: &[u8], at: usize) -> usize {
    ((f[at] as usize) << 8) | f[at + 1] as usize
}

/// What the contract's header rules (v2, rules 3-10) find in a frame that passes them.
#[derive(Debug, Clone)]
pub struct Found {
    pub v6: bool,
    pub l2: usize,
    /// Offset of the destination address (4 or 16 bytes); the source is just before it.
    pub dst_at: usize,
    pub addr_len: usize,
    pub proto: u8,
    /// Offset of the TCP/UDP header; `None` for a later fragment (non-zero offset).
    pub l4: Option<usize>,
    pub fragment: bool,
    /// Where the IP packet ends (L2 + IPv4 total length, or L2 + 40 + IPv6 payload length).
    pub end: usize,
}

/// Rules 3-10 of the contract (v2), from its text: `None` when the frame passes by them.
pub fn headers(frame: &[u8]) -> Option<Found> {
    let len = frame.len();
    // Rule 3: Ethernet, up to two tags of TPID 0x8100 or 0x88A8 in any order, then IPv4/IPv6.
    if len < 14 {
        return None;
    }
    let mut l2 = 14;
    let mut tags = 0;
    while tags < 2 && matches!(be16(frame, l2 - 2), 0x8100 | 0x88a8) {
        if len < l2 + 4 {
            return None;
        }
        l2 += 4;
        tags += 1;
    }
    let v6 = match be16(frame, l2 - 2) {
        0x0800 => false,
        0x86dd => true,
        _ => return None,
    };
    let l4_len = |p: u8| match p {
        6 => Some(20),
        17 => Some(8),
        _ => None,
    };
    if !v6 {
        if len < l2 + 20 || frame[l2] >> 4 != 4 {
            return None;
        }
        let ihl = (frame[l2] & 15) as usize;
        if ihl < 5 {
            return None;
        }
        let proto = frame[l2 + 9];
        let need = l4_len(proto)?;
        let ff = be16(frame, l2 + 6);
        let offset = ff & 0x1fff;
        let mf = ff & 0x2000 != 0;
        let tl = be16(frame, l2 + 2);
        if tl < 4 * ihl + if offset == 0 { need } else { 0 } {
            return None;
        }
        if l2 + tl > MAX_LEN || l2 + tl > len {
            return None;
        }
        return Some(Found {
            v6,
            l2,
            dst_at: l2 + 16,
            addr_len: 4,
            proto,
            l4: (offset == 0).then_some(l2 + 4 * ihl),
            fragment: mf || offset != 0,
            end: l2 + tl,
        });
    }
    if len < l2 + 40 || frame[l2] >> 4 != 6 {
        return None;
    }
    let end = l2 + 40 + be16(frame, l2 + 4);
    let mut next = frame[l2 + 6];
    let mut at = l2 + 40;
    let mut fragment = false;
    let mut later = false;
    // Extension headers: each starts before byte 128 and lies within packet and frame.
    loop {
        if [0u8, 43, 60].contains(&next) {
            if at >= 128 || at + 2 > end.min(len) {
                return None;
            }
            let (n, l) = (frame[at], frame[at + 1] as usize);
            next = n;
            at += 8 + 8 * l;
        } else if next == 44 {
            if at >= 128 || at + 8 > end.min(len) {
                return None;
            }
            let fo = be16(frame, at + 2);
            later = fo >> 3 != 0;
            fragment = later || fo & 1 == 1;
            next = frame[at];
            at += 8;
            break;
        } else {
            break;
        }
    }
    let need = l4_len(next)?;
    if !later && (at >= 128 || at + need > end) {
        return None;
    }
    if end > MAX_LEN || end > len {
        return None;
    }
    Some(Found { v6, l2, dst_at: l2 + 24, addr_len: 16, proto: next, l4: (!later).then_some(at), fragment, end })
}

/// The destination address of a frame the contract's rules 3-10 accept.
pub fn dst_addr(frame: &[u8]) -> Option<IpAddr> {
    headers(frame).map(|h| addr_of(frame, h.dst_at, h.addr_len))
}

fn addr_of(f: &[u8], at: usize, n: usize) -> IpAddr {
    if n == 4 {
        IpAddr::V4(Ipv4Addr::new(f[at], f[at + 1], f[at + 2], f[at + 3]))
    } else {
        let mut o = [0u8; 16];
        o.copy_from_slice(&f[at..at + 16]);
        IpAddr::V6(Ipv6Addr::from(o))
    }
}

/// Which VIP (index in `cfg.vips`) the contract says `frame` is balanced to, if any (given that
/// the VIP has at least one backend with weight > 0): a VIP with the frame's destination port
/// wins, else one with port 0 of the same address and protocol; fragments only reach port-0 VIPs.
pub fn oracle(frame: &[u8], bad_frame: bool, cfg: &Config, enabled: bool) -> Option<usize> {
    if !enabled || (bad_frame && frame.len() <= MAX_LEN) {
        return None;
    }
    let h = headers(frame)?;
    let dst = addr_of(frame, h.dst_at, h.addr_len);
    let dport = match h.l4 {
        Some(l4) => be16(frame, l4 + 2) as u16,
        None => 0,
    };
    let find =
        |port: u16| cfg.vips.iter().position(|v| v.address == dst && v.port == port && v.protocol.number() == h.proto);
    let exact = if h.fragment || dport == 0 { None } else { find(dport) };
    let i = exact.or_else(|| find(0))?;
    if cfg.vips[i].backends.iter().all(|b| b.weight == 0) {
        return None;
    }
    Some(i)
}

/// Checks a frame the oracle says was balanced to `cfg.vips[vip]`: only the destination MAC (when
/// the backend has one), destination address, the IPv4 header checksum and the L4 checksum
/// (not in a later fragment) changed; the new address is one of the VIP's backends with a
/// weight above 0; for unfragmented packets each checksum verifies from scratch after the rewrite exactly
/// when it did before (UDP checksum 0 stays 0).
pub fn check_balanced(input: &[u8], output: &[u8], cfg: &Config, vip: usize) -> Result<(), String> {
    if input.len() != output.len() {
        return Err(format!("length changed {} -> {}", input.len(), output.len()));
    }
    let h = headers(input).ok_or("the oracle's headers do not parse")?;
    let l2 = h.l2;
    let proto = h.proto;
    let csum_at = h.l4.map(|l4| l4 + if proto == 6 { 16 } else { 6 });
    let new_ip = addr_of(output, h.dst_at, h.addr_len);
    let backend = cfg.vips[vip]
        .backends
        .iter()
        .find(|b| b.address == new_ip && b.weight > 0)
        .ok_or_else(|| format!("destination {new_ip} is not a backend of VIP {vip}"))?;
    for i in 0..input.len() {
        let allowed = (i < 6 && backend.mac.is_some())
            || (h.dst_at..h.dst_at + h.addr_len).contains(&i)
            || (!h.v6 && (l2 + 10..l2 + 12).contains(&i))
            || csum_at.is_some_and(|c| (c..c + 2).contains(&i));
        if !allowed && input[i] != output[i] {
            return Err(format!("byte {i} changed: {:#04x} -> {:#04x}", input[i], output[i]));
        }
    }
    if let Some(mac) = backend.mac {
        if output[..6] != mac {
            return Err(format!("destination MAC {:02x?} is not the backend's {:02x?}", &output[..6], mac));
        }
    }
    if !h.v6 {
        let hl = 4 * (input[l2] & 15) as usize;
        let ip_ok = |f: &[u8]| ones_sum(0, &f[l2..l2 + hl]) == 0xffff;
        if ip_ok(input) != ip_ok(output) {
            return Err(format!("IP checksum validity changed ({} -> {})", ip_ok(input), ip_ok(output)));
        }
    }
    let (Some(l4), Some(csum_at)) = (h.l4, csum_at) else { return Ok(()) };
    if proto == 17 && be16(input, csum_at) == 0 {
        if be16(output, csum_at) != 0 {
            return Err("UDP checksum 0 did not stay 0".into());
        }
        return Ok(());
    }
    if h.fragment {
        // The checksum covers fragments not in this frame: it changed by the address change only,
        // which the unfragmented packets check.
        return Ok(());
    }
    let l4_ok = |f: &[u8]| {
        let n = h.addr_len;
        let mut pseudo = f[h.dst_at - n..h.dst_at + n].to_vec();
        let l4_len = h.end - l4;
        if h.v6 {
            pseudo.extend_from_slice(&(l4_len as u32).to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, proto]);
        } else {
            pseudo.extend_from_slice(&[0, proto]);
            pseudo.extend_from_slice(&(l4_len as u16).to_be_bytes());
        }
        ones_sum(ones_sum(0, &pseudo), &f[l4..h.end]) == 0xffff
    };
    if l4_ok(input) != l4_ok(output) {
        return Err(format!("L4 checksum validity changed ({} -> {})", l4_ok(input), l4_ok(output)));
    }
    Ok(())
}

/// The public capture corpus: `$L4LB_CORPUS`, or `shared/corpus/tcpdump` beside the repository.
pub fn corpus_dir() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("L4LB_CORPUS") {
        return Some(PathBuf::from(p));
    }
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/tcpdump");
    p.is_dir().then_some(p)
}

/// The seed of a randomized test: `$L4LB_SEED` or a fresh one; printed so a failure can be re-run.
pub fn seed(test: &str) -> u64 {
    let seed = std::env::var("L4LB_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
    });
    eprintln!("{test}: seed {seed} (re-run with L4LB_SEED={seed})");
    seed
}

/// A config exercising every feature of v2: UDP and TCP VIPs, IPv4 and IPv6, port-0 VIPs (one
/// beside a specific-port VIP of the same address and protocol), backends with and without
/// MACs, weights (including a drained backend), a VIP with no usable backend, and a hash seed.
pub fn feature_config(seed: u32) -> Config {
    let toml = format!(
        r#"
hash_seed = {seed}
[[vip]]
address = "10.0.0.1"
port = 7777
protocol = "udp"
  [[vip.backend]]
  address = "10.1.0.1"
  mac = "02:00:00:00:01:01"
  [[vip.backend]]
  address = "10.1.0.2"
  mac = "02:00:00:00:01:02"
  weight = 3
  [[vip.backend]]
  address = "10.1.0.3"
[[vip]]
address = "10.0.0.1"
port = 80
protocol = "tcp"
  [[vip.backend]]
  address = "10.2.0.1"
  mac = "02:00:00:00:02:01"
  [[vip.backend]]
  address = "10.2.0.2"
  weight = 0
  [[vip.backend]]
  address = "10.2.0.3"
  mac = "02:00:00:00:02:03"
  weight = 2
[[vip]]
address = "10.0.0.2"
port = 53
protocol = "udp"
  [[vip.backend]]
  address = "10.3.0.1"
[[vip]]
address = "10.0.0.3"
port = 443
protocol = "tcp"
[[vip]]
address = "10.0.0.1"
port = 0
protocol = "tcp"
  [[vip.backend]]
  address = "10.4.0.1"
  [[vip.backend]]
  address = "10.4.0.2"
  mac = "02:00:00:00:04:02"
[[vip]]
address = "10.0.0.4"
port = 0
protocol = "udp"
  [[vip.backend]]
  address = "10.5.0.1"
  weight = 2
  [[vip.backend]]
  address = "10.5.0.2"
[[vip]]
address = "2001:db8::1"
port = 443
protocol = "tcp"
  [[vip.backend]]
  address = "fd00::6:1"
  mac = "02:00:00:00:06:01"
  [[vip.backend]]
  address = "fd00::6:2"
  weight = 3
[[vip]]
address = "2001:db8::1"
port = 0
protocol = "tcp"
  [[vip.backend]]
  address = "fd00::7:1"
[[vip]]
address = "2001:db8::2"
port = 0
protocol = "udp"
  [[vip.backend]]
  address = "fd00::8:1"
  [[vip.backend]]
  address = "fd00::8:2"
  mac = "02:00:00:00:08:02"
[[vip]]
address = "2001:db8::3"
port = 53
protocol = "udp"
  [[vip.backend]]
  address = "fd00::9:1"
"#
    );
    Config::from_toml_str(&toml).expect("test config parses")
}
