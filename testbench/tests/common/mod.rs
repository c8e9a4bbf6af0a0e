//! Shared test helpers: an independent oracle of the data-plane contract (docs/architecture.md),
//! written from the contract's text without the model's code, and checks of rewritten frames.
#![allow(dead_code)]

use l4lb_core::config::Config;
use l4lb_testbench::traffic::ones_sum;
use std::net::Ipv4Addr;
use std::path::PathBuf;

/// `MAX_LEN` of the default RTL build.
pub const MAX_LEN: usize = 9216;

fn be16(f: &[u8], at: usize) -> usize {
    ((f[at] as usize) << 8) | f[at + 1] as usize
}

/// Which VIP (index in `cfg.vips`) the contract says `frame` is balanced to, if any (given that
/// the VIP has at least one backend with weight > 0).
pub fn oracle(frame: &[u8], bad_frame: bool, cfg: &Config, enabled: bool) -> Option<usize> {
    let len = frame.len();
    if !enabled || (bad_frame && len <= MAX_LEN) || len < 14 {
        return None;
    }
    let l2 = match be16(frame, 12) {
        0x0800 => 14,
        0x8100 if len >= 18 && be16(frame, 16) == 0x0800 => 18,
        _ => return None,
    };
    if len < l2 + 20 || frame[l2] != 0x45 {
        return None;
    }
    let flags_frag = be16(frame, l2 + 6);
    if flags_frag & 0x3fff != 0 {
        return None;
    }
    let proto = frame[l2 + 9];
    let l4min = match proto {
        6 => 20,
        17 => 8,
        _ => return None,
    };
    let tl = be16(frame, l2 + 2);
    if tl < 20 + l4min || l2 + tl > MAX_LEN || l2 + tl > len {
        return None;
    }
    let dst = Ipv4Addr::new(frame[l2 + 16], frame[l2 + 17], frame[l2 + 18], frame[l2 + 19]);
    let dport = be16(frame, l2 + 22) as u16;
    let i = cfg.vips.iter().position(|v| v.address == dst && v.port == dport && v.protocol.number() == proto)?;
    if cfg.vips[i].backends.iter().all(|b| b.weight == 0) {
        return None;
    }
    Some(i)
}

/// Checks a frame the oracle says was balanced to `cfg.vips[vip]`: only the destination MAC (when
/// the backend has one), destination IP and the two checksums changed; the new address is one of
/// the VIP's backends with weight > 0; each checksum verifies from scratch after the rewrite
/// exactly when it did before (UDP checksum 0 stays 0).
pub fn check_balanced(input: &[u8], output: &[u8], cfg: &Config, vip: usize) -> Result<(), String> {
    if input.len() != output.len() {
        return Err(format!("length changed {} -> {}", input.len(), output.len()));
    }
    let l2 = if be16(input, 12) == 0x8100 { 18 } else { 14 };
    let proto = input[l2 + 9];
    let csum_at = l2 + 20 + if proto == 6 { 16 } else { 6 };
    let new_ip = Ipv4Addr::new(output[l2 + 16], output[l2 + 17], output[l2 + 18], output[l2 + 19]);
    let backend = cfg.vips[vip]
        .backends
        .iter()
        .find(|b| b.address == new_ip && b.weight > 0)
        .ok_or_else(|| format!("destination {new_ip} is not a backend of VIP {vip}"))?;
    for i in 0..input.len() {
        let allowed = (i < 6 && backend.mac.is_some())
            || (l2 + 16..l2 + 20).contains(&i)
            || (l2 + 10..l2 + 12).contains(&i)
            || (csum_at..csum_at + 2).contains(&i);
        if !allowed && input[i] != output[i] {
            return Err(format!("byte {i} changed: {:#04x} -> {:#04x}", input[i], output[i]));
        }
    }
    if let Some(mac) = backend.mac {
        if output[..6] != mac {
            return Err(format!("destination MAC {:02x?} is not the backend's {:02x?}", &output[..6], mac));
        }
    }
    let ip_ok = |f: &[u8]| ones_sum(0, &f[l2..l2 + 20]) == 0xffff;
    if ip_ok(input) != ip_ok(output) {
        return Err(format!("IP checksum validity changed ({} -> {})", ip_ok(input), ip_ok(output)));
    }
    let tl = be16(input, l2 + 2);
    let l4_ok = |f: &[u8]| {
        let mut pseudo = [0u8; 12];
        pseudo[..8].copy_from_slice(&f[l2 + 12..l2 + 20]);
        pseudo[9] = proto;
        pseudo[10..12].copy_from_slice(&((tl - 20) as u16).to_be_bytes());
        ones_sum(ones_sum(0, &pseudo), &f[l2 + 20..l2 + tl]) == 0xffff
    };
    if proto == 17 && be16(input, csum_at) == 0 {
        if be16(output, csum_at) != 0 {
            return Err("UDP checksum 0 did not stay 0".into());
        }
    } else if l4_ok(input) != l4_ok(output) {
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

/// A config exercising every feature of v1: UDP and TCP VIPs, backends with and without MACs,
/// weights (including a drained backend), a VIP with no usable backend, and a hash seed.
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
"#
    );
    Config::from_toml_str(&toml).expect("test config parses")
}
