//! The RTL against the reference model, bit for bit, on randomized traffic at every data width;
//! both against the independent contract oracle.

mod common;

use common::{check_balanced, dst_addr, feature_config, oracle, seed};
use l4lb_core::config::Config;
use l4lb_core::regmap;
use l4lb_driver::device::Device;
use l4lb_testbench::engine::{Engine, EngineKind, InFrame, OutRecord};
use l4lb_testbench::traffic::{build_l4, generate, L4Spec, Mix, Rng};
use std::net::Ipv6Addr;

fn traffic(cfg: &Config, rng: &mut Rng, count: usize) -> Vec<InFrame> {
    let mix = Mix { odd_permille: 300, jumbo_permille: 5, max_payload: 600, ..Mix::default() };
    generate(cfg, count, &mix, rng).into_iter().map(|data| InFrame { data, bad_frame: rng.chance(20) }).collect()
}

fn programmed(kind: EngineKind, width: u32, cfg: &Config) -> Engine {
    let mut e = Engine::new(kind, width).expect("engine builds");
    Device::open(e.regs()).expect("device identifies itself").apply(cfg).expect("config applies");
    e
}

/// Runs `frames` through RTL and model; asserts equal outputs, equal verdicts, the oracle's
/// verdicts and rewrites, and equal counters read back through the registers.
fn compare(width: u32, cfg: &Config, frames: &[InFrame], stalls: Option<(u32, u32, u64)>) {
    let mut rtl = programmed(EngineKind::Rtl, width, cfg);
    let mut model = programmed(EngineKind::Model, width, cfg);
    if let (Some((i, o, s)), Engine::Rtl(h)) = (stalls, &mut rtl) {
        h.set_stalls(i, o, s);
    }
    let (rtl_out, timing) = rtl.run(frames, None).expect("RTL run");
    let (model_out, _) = model.run(frames, None).expect("model run");
    assert_eq!(rtl_out.len(), frames.len());
    let mut balanced = 0;
    // balanced frames per backend address, from the rewritten frames themselves
    let mut to_backend: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for (i, ((f, r), m)) in frames.iter().zip(&rtl_out).zip(&model_out).enumerate() {
        let show = |o: &OutRecord| {
            format!("balanced={} len={} head={:02x?}", o.balanced, o.data.len(), &o.data[..o.data.len().min(64)])
        };
        assert!(
            r == m,
            "width {width}, frame {i} (len {}, bad {}): RTL and model differ\n  in:    {:02x?}\n  RTL:   {}\n  model: {}",
            f.data.len(),
            f.bad_frame,
            &f.data[..f.data.len().min(64)],
            show(r),
            show(m)
        );
        match oracle(&f.data, f.bad_frame, cfg, true) {
            Some(vip) => {
                assert!(
                    r.balanced,
                    "width {width}, frame {i}: the contract says balanced to VIP {vip}, the RTL passed it"
                );
                check_balanced(&f.data, &r.data, cfg, vip).unwrap_or_else(|e| panic!("width {width}, frame {i}: {e}"));
                balanced += 1;
                let dst = dst_addr(&r.data).expect("a balanced frame keeps its headers");
                *to_backend.entry(dst.to_string()).or_default() += 1;
            }
            None => {
                assert!(!r.balanced, "width {width}, frame {i}: the contract says pass, the RTL balanced it");
                assert!(r.data == f.data, "width {width}, frame {i}: a passed frame changed");
            }
        }
    }
    assert!(balanced * 5 > frames.len(), "too little VIP traffic to be a test: {balanced} of {}", frames.len());
    let rs = Device::open(rtl.regs()).unwrap().stats().unwrap();
    let ms = Device::open(model.regs()).unwrap().stats().unwrap();
    assert_eq!(serde_json::to_value(&rs).unwrap(), serde_json::to_value(&ms).unwrap(), "counters differ");
    assert_eq!(rs.frames_in, frames.len() as u64);
    assert_eq!(rs.balanced, balanced as u64);
    // per backend entry: every balanced frame counted once, under the entry of the address it
    // was rewritten to
    let mut counted: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for b in &rs.backends {
        *counted.entry(b.backend.clone()).or_default() += b.frames;
    }
    counted.retain(|_, n| *n > 0);
    assert_eq!(counted, to_backend, "width {width}: per-backend counters against the rewritten frames");
    if stalls.is_none() {
        assert_eq!(timing.latency_cycles_min, timing.latency_cycles_max, "latency is not fixed");
    }
}

#[test]
fn random_traffic_every_width() {
    let seed = seed("random_traffic_every_width");
    for width in l4lb_rtlsim::built_widths() {
        let mut rng = Rng::new(seed ^ width as u64);
        let cfg = feature_config(rng.next_u32());
        let frames = traffic(&cfg, &mut rng, 12_000);
        compare(width, &cfg, &frames, None);
    }
}

#[test]
fn random_traffic_with_idle_input_and_backpressure() {
    let seed = seed("random_traffic_with_idle_input_and_backpressure");
    // 64 and 512 bits, those of them this build contains (L4LB_WIDTHS)
    for width in [64, 512].into_iter().filter(|w| l4lb_rtlsim::built_widths().contains(w)) {
        let mut rng = Rng::new(seed ^ width as u64);
        let cfg = feature_config(rng.next_u32());
        let frames = traffic(&cfg, &mut rng, 4000);
        compare(width, &cfg, &frames, Some((300, 300, seed)));
    }
}

#[test]
fn disabled_passes_everything() {
    let seed = seed("disabled_passes_everything");
    let mut rng = Rng::new(seed);
    let cfg = feature_config(7);
    let frames = traffic(&cfg, &mut rng, 300);
    // 128 bits, or the narrowest width this build contains (L4LB_WIDTHS)
    let built = l4lb_rtlsim::built_widths();
    let width = if built.contains(&128) { 128 } else { built[0] };
    let mut rtl = programmed(EngineKind::Rtl, width, &cfg);
    rtl.regs().write32(regmap::REG_CTRL, 0).unwrap();
    let (out, _) = rtl.run(&frames, None).unwrap();
    for (f, o) in frames.iter().zip(&out) {
        assert!(!o.balanced && o.data == f.data);
    }
    let stats = Device::open(rtl.regs()).unwrap().stats().unwrap();
    assert_eq!(stats.reasons.get("DISABLED").copied(), Some(frames.len() as u64));
}

/// `make soak N=...`: N frames per width (default 1,500, the short run `make test` makes) of
/// every feature through RTL and model with random idle input cycles and output backpressure at
/// every width, plus frames of 64 consecutive lengths so that every legal `tkeep` of a last beat
/// occurs at every width.
#[test]
fn soak() {
    let n: usize = std::env::var("L4LB_SOAK_FRAMES").ok().and_then(|s| s.parse().ok()).unwrap_or(1500);
    let seed = seed("soak");
    for width in l4lb_rtlsim::built_widths() {
        let mut rng = Rng::new(seed ^ (width as u64) << 8);
        let cfg = feature_config(rng.next_u32());
        let mut frames = traffic(&cfg, &mut rng, n);
        // Pad ordinary frames to every length residue mod 64 (padding after the packet is allowed).
        let mut padded = traffic(&cfg, &mut rng, 64);
        for (r, f) in padded.iter_mut().enumerate() {
            let want = (f.data.len() / 64 + 1) * 64 + r;
            f.data.resize(want, 0);
        }
        frames.extend(padded);
        let idle = rng.range(0, 500) as u32;
        let back = rng.range(0, 500) as u32;
        eprintln!("soak: width {width}, {} frames, idle {idle}/1000, backpressure {back}/1000", frames.len());
        compare(width, &cfg, &frames, Some((idle, back, seed ^ width as u64)));
    }
}

/// An IPv6 frame to a VIP of `feature_config` (TCP 2001:db8::1 port 443, or UDP 2001:db8::2,
/// any port) behind `tags` VLAN tags, with extension headers `ext` and a Fragment header last.
fn v6_frame(rng: &mut Rng, tags: usize, udp: bool, ext: Vec<(u8, u8)>, fragment: Option<(u16, bool)>) -> Vec<u8> {
    let mut payload = vec![0u8; rng.range(0, 40) as usize];
    rng.fill(&mut payload);
    let src = Ipv6Addr::new(0x2001, 0xdb8, 0xff, 0, 0, 0, 0, rng.range(1, 0xffff) as u16);
    let dst = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, if udp { 2 } else { 1 });
    let src_port = rng.range(1024, 65535) as u16;
    let dst_port = if udp { rng.range(1, 65535) as u16 } else { 443 };
    build_l4(&L4Spec {
        src_mac: [0x02, 0, 0, 0, 0xbb, 0x02],
        outer_tag: if tags == 2 { Some((0x88a8, 5)) } else { None },
        vlan: if tags >= 1 { Some(7) } else { None },
        ext_headers: ext,
        fragment,
        ..L4Spec::new(src.into(), dst.into(), if udp { 17 } else { 6 }, src_port, dst_port, payload)
    })
}

/// IPv6 extension-header chains at the edges of the parse's walk (the random traffic seldom
/// reaches them), through RTL and model at 512 bits and against the oracle: chains of 0 to 11
/// headers of 8 bytes at every L2 length (the L4 header or the last extension header just
/// before, at or past the 128-byte window), a Fragment header after them, a Fragment header
/// followed by more extension headers, later fragments, and the same frames with a payload
/// length that ends inside the chain, cut inside the chain, or with a header length changed.
#[test]
fn ipv6_extension_header_edges() {
    let seed = seed("ipv6_extension_header_edges");
    let mut rng = Rng::new(seed);
    let cfg = feature_config(rng.next_u32());
    let built = l4lb_rtlsim::built_widths();
    let width = if built.contains(&512) { 512 } else { built[built.len() - 1] };
    let mut frames = Vec::new();
    for tags in 0..3 {
        let l2 = 14 + 4 * tags;
        for count in 0..12usize {
            for udp in [false, true] {
                let fragments =
                    [None, Some((0, true)), Some((rng.range(1, 0x1fff) as u16, rng.chance(500))), Some((0, false))];
                for fragment in fragments {
                    let ext: Vec<(u8, u8)> = (0..count).map(|i| ([0u8, 60, 43][i % 3], 0)).collect();
                    let f = v6_frame(&mut rng, tags, udp, ext.clone(), fragment);
                    let chain_end = l2 + 40 + 8 * count + if fragment.is_some() { 8 } else { 0 };
                    frames.push(f.clone());
                    // payload length ending inside or just after the chain
                    let mut g = f.clone();
                    let pl = rng.range(0, (chain_end - l2 - 40 + 24) as u64) as u16;
                    g[l2 + 4..l2 + 6].copy_from_slice(&pl.to_be_bytes());
                    frames.push(g);
                    // cut inside the chain or the L4 header
                    let mut g = f.clone();
                    g.truncate(rng.range((l2 + 40) as u64, (chain_end + 24).min(f.len()) as u64) as usize);
                    frames.push(g);
                    // one header's length changed (past the window, the packet or the capture)
                    if count > 0 {
                        let mut g = f.clone();
                        let at = l2 + 40 + 8 * rng.range(0, count as u64 - 1) as usize;
                        g[at + 1] = [1u8, 2, 9, 15, 16, 255][rng.range(0, 5) as usize];
                        frames.push(g);
                    }
                    // a Fragment header in the chain, followed by more extension headers
                    if count > 1 {
                        let mut ext = ext.clone();
                        let k = rng.range(0, count as u64 - 2) as usize;
                        ext[k] = (44, 0);
                        let mut g = v6_frame(&mut rng, tags, udp, ext, fragment);
                        let at = l2 + 40 + 8 * k;
                        g[at + 2..at + 4]
                            .copy_from_slice(&[[0u8, 0], [0, 1], [0, 8], [0xff, 0xf9]][rng.range(0, 3) as usize]);
                        frames.push(g);
                    }
                }
            }
        }
    }
    let crafted = frames.len();
    let mut frames: Vec<InFrame> = frames.into_iter().map(|data| InFrame { data, bad_frame: false }).collect();
    // ordinary traffic around them (compare wants a share of balanced frames)
    frames.extend(traffic(&cfg, &mut rng, 2 * crafted));
    compare(width, &cfg, &frames, None);
}

/// A VIP match slot whose vip_id is at or past VIP_COUNT has no VIP info entry; the contract
/// leaves it open, and RTL and model both treat it as an empty ring slice (NO_BACKEND). The
/// driver never writes such an id, so the test rewrites the id of every valid slot directly.
#[test]
fn vip_id_past_vip_count_is_an_empty_slice() {
    let seed = seed("vip_id_past_vip_count_is_an_empty_slice");
    let mut rng = Rng::new(seed);
    let cfg = feature_config(rng.next_u32());
    let frames = traffic(&cfg, &mut rng, 400);
    let built = l4lb_rtlsim::built_widths();
    let width = if built.contains(&512) { 512 } else { built[0] };
    let slots = l4lb_core::layout::Caps::with_width(width).vip_slots();
    let mut outs = Vec::new();
    let mut stats = Vec::new();
    for kind in [EngineKind::Rtl, EngineKind::Model] {
        let mut e = programmed(kind, width, &cfg);
        let regs = e.regs();
        let mut rewritten = 0;
        for s in 0..slots {
            let base = regmap::VIP_MATCH.base + s * regmap::VIP_MATCH.stride;
            if regs.read32(base + 4 * regmap::VIP_MATCH_W_KEY).unwrap() & regmap::VIP_MATCH_VALID != 0 {
                // 256 is the default VIP_COUNT. The low bits stay those of the slot's own VIP,
                // whose info entry holds a ring slice: a lookup that ignored the high bits would
                // balance the frame.
                let id = regs.read32(base + 4 * regmap::VIP_MATCH_W_ID).unwrap() & 0xFFFF;
                regs.write32(base + 4 * regmap::VIP_MATCH_W_ID, 256 * (1 + s % 255) + id).unwrap();
                rewritten += 1;
            }
        }
        assert!(rewritten > 0, "the feature config programs VIP match slots");
        let (out, _) = e.run(&frames, None).expect("run");
        stats.push(Device::open(e.regs()).unwrap().stats().unwrap().reasons);
        outs.push(out);
    }
    let vip_frames = frames.iter().filter(|f| oracle(&f.data, f.bad_frame, &cfg, true).is_some()).count();
    assert!(vip_frames > 0, "the traffic has frames to the VIPs");
    for (i, (r, m)) in outs[0].iter().zip(&outs[1]).enumerate() {
        assert!(r == m, "frame {i}: RTL and model differ");
        assert!(!r.balanced && r.data == frames[i].data, "frame {i}: balanced to a VIP without info");
    }
    assert_eq!(stats[0], stats[1], "reason counters, RTL against model");
    assert!(
        stats[0].get("NO_BACKEND").copied().unwrap_or(0) >= vip_frames as u64,
        "every frame to a VIP is NO_BACKEND: {:?}",
        stats[0]
    );
}
