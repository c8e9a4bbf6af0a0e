//! The RTL against the reference model, bit for bit, on randomized traffic at every data width;
//! both against the independent contract oracle.

mod common;

use common::{check_balanced, dst_addr, feature_config, oracle, seed};
use l4lb_core::config::Config;
use l4lb_core::regmap;
use l4lb_driver::device::Device;
use l4lb_testbench::engine::{Engine, EngineKind, InFrame, OutRecord};
use l4lb_testbench::traffic::{generate, Mix, Rng};

fn traffic(cfg: &Config, rng: &mut Rng, count: usize) -> Vec<InFrame> {
    let mix = Mix { odd_permille: 300, jumbo_permille: 5, max_payload: 600, ..Mix::default() };
    generate(cfg, count, &mix, rng)
        .into_iter()
        .map(|data| InFrame { data, bad_frame: rng.chance(20) })
        .collect()
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
        let show = |o: &OutRecord| format!("balanced={} len={} head={:02x?}", o.balanced, o.data.len(), &o.data[..o.data.len().min(64)]);
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
                assert!(r.balanced, "width {width}, frame {i}: the contract says balanced to VIP {vip}, the RTL passed it");
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
