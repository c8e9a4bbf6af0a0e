//! Every Ethernet frame of the public tcpdump corpus through the RTL (every width) and the model,
//! with a config whose VIPs are the corpus's own busiest IPv4 and IPv6 TCP/UDP destinations
//! (IPv6 also as port-0 VIPs).

mod common;

use common::{check_balanced, corpus_dir, oracle};
use l4lb_core::config::Config;
use l4lb_driver::device::Device;
use l4lb_testbench::engine::{Engine, EngineKind, InFrame};
use l4lb_testbench::pcapio::read_capture;
use std::collections::HashMap;

fn corpus_frames() -> Option<Vec<InFrame>> {
    let Some(dir) = corpus_dir() else {
        assert!(std::env::var_os("CI").is_none(), "CI must have the corpus: set L4LB_CORPUS or lay out ../shared");
        eprintln!("SKIPPED: no corpus (set L4LB_CORPUS=/path/to/shared/corpus/tcpdump)");
        return None;
    };
    let mut names: Vec<_> = std::fs::read_dir(&dir).expect("corpus dir").map(|e| e.unwrap().path()).collect();
    names.sort();
    let (mut files, mut refused) = (0, 0);
    let mut frames = Vec::new();
    for p in names {
        match read_capture(&p) {
            Ok(pkts) => {
                files += 1;
                frames.extend(
                    pkts.into_iter().filter(|p| !p.data.is_empty()).map(|p| InFrame { data: p.data, bad_frame: false }),
                );
            }
            Err(_) => refused += 1, // non-Ethernet link types and files that are not captures
        }
    }
    eprintln!(
        "corpus: {} frames from {files} captures ({refused} files refused: not Ethernet or not a capture)",
        frames.len()
    );
    assert!(files > 400 && frames.len() > 7000, "the corpus looks incomplete");
    Some(frames)
}

/// VIPs: the busiest (destination, port, protocol) of plain IPv4 TCP/UDP frames in the corpus,
/// found by a parser written here (not the model's).
fn corpus_config(frames: &[InFrame]) -> Config {
    let mut count: HashMap<([u8; 4], u16, u8), usize> = HashMap::new();
    for f in frames {
        let d = &f.data;
        if d.len() < 42 {
            continue;
        }
        let l2 = match (d[12], d[13]) {
            (0x08, 0x00) => 14,
            (0x81, 0x00) if d[16] == 0x08 && d[17] == 0x00 => 18,
            _ => continue,
        };
        if d.len() < l2 + 24 || d[l2] != 0x45 || !matches!(d[l2 + 9], 6 | 17) {
            continue;
        }
        let key =
            ([d[l2 + 16], d[l2 + 17], d[l2 + 18], d[l2 + 19]], u16::from_be_bytes([d[l2 + 22], d[l2 + 23]]), d[l2 + 9]);
        if key.1 != 0 {
            *count.entry(key).or_default() += 1;
        }
    }
    let mut keys: Vec<_> = count.into_iter().collect();
    keys.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut toml = String::from("hash_seed = 12345\n");
    let _ = &mut toml;
    for (i, ((ip, port, proto), _)) in keys.iter().take(40).enumerate() {
        toml += &format!(
            "[[vip]]\naddress = \"{}.{}.{}.{}\"\nport = {port}\nprotocol = \"{}\"\nring_size = 4093\n",
            ip[0],
            ip[1],
            ip[2],
            ip[3],
            if *proto == 6 { "tcp" } else { "udp" }
        );
        for b in 0..(i % 4) {
            toml += &format!("  [[vip.backend]]\n  address = \"172.16.{i}.{}\"\n", b + 1);
            if b % 2 == 0 {
                toml += &format!("  mac = \"02:00:00:00:{i:02x}:{:02x}\"\n", b + 1);
            }
        }
    }
    // IPv6: the busiest (destination, port, protocol) of IPv6 TCP/UDP frames without extension
    // headers as VIPs, and for the next busiest destinations a port-0 VIP (every port).
    let mut count6: HashMap<([u8; 16], u16, u8), usize> = HashMap::new();
    for f in frames {
        let d = &f.data;
        let l2 = match (d.get(12), d.get(13)) {
            (Some(0x86), Some(0xdd)) => 14,
            _ => continue,
        };
        if d.len() < l2 + 44 || d[l2] >> 4 != 6 || !matches!(d[l2 + 6], 6 | 17) {
            continue;
        }
        let mut a = [0u8; 16];
        a.copy_from_slice(&d[l2 + 24..l2 + 40]);
        let port = u16::from_be_bytes([d[l2 + 42], d[l2 + 43]]);
        if port != 0 {
            *count6.entry((a, port, d[l2 + 6])).or_default() += 1;
        }
    }
    let mut keys6: Vec<_> = count6.into_iter().collect();
    keys6.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut seen_any_port = std::collections::HashSet::new();
    for (i, ((a, port, proto), _)) in keys6.iter().take(30).enumerate() {
        let addr = std::net::Ipv6Addr::from(*a);
        let port = if i < 15 {
            *port
        } else if seen_any_port.insert((addr, *proto)) {
            0
        } else {
            continue;
        };
        toml += &format!(
            "[[vip]]\naddress = \"{addr}\"\nport = {port}\nprotocol = \"{}\"\nring_size = 4093\n",
            if *proto == 6 { "tcp" } else { "udp" }
        );
        for b in 0..(i % 3) + 1 {
            toml += &format!("  [[vip.backend]]\n  address = \"fd00::{i:x}:{}\"\n", b + 1);
            if b % 2 == 1 {
                toml += &format!("  mac = \"02:00:00:00:{i:02x}:{:02x}\"\n", b + 0x40);
            }
        }
    }
    Config::from_toml_str(&toml).expect("corpus config")
}

#[test]
fn corpus_through_rtl_and_model() {
    let Some(frames) = corpus_frames() else { return };
    let cfg = corpus_config(&frames);
    let mut model = Engine::new(EngineKind::Model, 512).unwrap();
    Device::open(model.regs()).unwrap().apply(&cfg).unwrap();
    let (model_out, _) = model.run(&frames, None).unwrap();
    let mut balanced = 0;
    let mut balanced_v6 = 0;
    for (i, (f, m)) in frames.iter().zip(&model_out).enumerate() {
        match oracle(&f.data, false, &cfg, true) {
            Some(vip) => {
                assert!(m.balanced, "corpus frame {i}: the contract says balanced to VIP {vip}, the model passed it");
                check_balanced(&f.data, &m.data, &cfg, vip).unwrap_or_else(|e| panic!("corpus frame {i}: {e}"));
                balanced += 1;
                balanced_v6 += common::headers(&f.data).is_some_and(|h| h.v6) as usize;
            }
            None => {
                assert!(!m.balanced && m.data == f.data, "corpus frame {i}: should pass unchanged");
            }
        }
    }
    eprintln!("corpus: {balanced} of {} frames balanced ({balanced_v6} IPv6)", frames.len());
    assert!(balanced_v6 >= 20, "the corpus config balances too little IPv6 traffic ({balanced_v6})");
    assert!(balanced >= 200, "the corpus config balances too little traffic ({balanced}) to be a test");

    for width in l4lb_rtlsim::built_widths() {
        let mut rtl = Engine::new(EngineKind::Rtl, width).unwrap();
        Device::open(rtl.regs()).unwrap().apply(&cfg).unwrap();
        let (rtl_out, timing) = rtl.run(&frames, None).unwrap();
        for (i, (r, m)) in rtl_out.iter().zip(&model_out).enumerate() {
            assert!(r == m, "width {width}: corpus frame {i} differs between RTL and model");
        }
        assert_eq!(timing.latency_cycles_min, timing.latency_cycles_max);
        let rs = Device::open(rtl.regs()).unwrap().stats().unwrap();
        let ms = Device::open(model.regs()).unwrap().stats().unwrap();
        assert_eq!(
            serde_json::to_value(&rs).unwrap(),
            serde_json::to_value(&ms).unwrap(),
            "width {width}: counters differ"
        );
    }
}
