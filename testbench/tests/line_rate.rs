//! Line rate: every frame size from 60 to 1,518 bytes and 9,018 (jumbo), back to back, at every
//! data width. No idle cycle on either side, and every frame takes exactly `CAP_LATENCY` cycles,
//! which is the contract's formula `ceil(MAX_LEN / BYTES) + 16 + 1` (docs/architecture.md,
//! *Latency and throughput*).
//!
//! Test time: the cost is the number of beats. Every size once is about 1,459 frames and, at 64
//! bits, about 145,000 beats per pass; two passes (ascending sizes, then a shuffled order that
//! mixes balanced and passed frames so that every size meets other sizes) are under 300,000 cycles
//! per width, a fraction of a second of simulation. So every size is swept at every width, not
//! a stride.

mod common;

use common::{check_balanced, feature_config, oracle, seed, MAX_LEN};
use l4lb_core::config::Config;
use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_core::regmap;
use l4lb_core::regs::RegisterAccess;
use l4lb_driver::device::Device;
use l4lb_rtlsim::Harness;
use l4lb_testbench::traffic::{build_l4, L4Spec, Rng};
use std::net::Ipv4Addr;

/// The sizes the issue names: every standard size and a 9,000-byte-MTU jumbo frame.
fn sizes() -> Vec<usize> {
    (60..=1518).chain([9018]).collect()
}

/// A frame of exactly `size` bytes. `kind` picks UDP or TCP, VLAN or not, and a VIP (balanced)
/// or a port no VIP listens on (passed, `NO_VIP`).
fn frame(size: usize, kind: u64, rng: &mut Rng) -> Vec<u8> {
    let tcp = kind & 1 != 0;
    let vlan = kind & 2 != 0;
    let to_vip = kind & 4 == 0;
    let (dst, port, protocol) =
        if tcp { (Ipv4Addr::new(10, 0, 0, 1), 80, 6) } else { (Ipv4Addr::new(10, 0, 0, 1), 7777, 17) };
    let header = 14 + if vlan { 4 } else { 0 } + 20 + if tcp { 20 } else { 8 };
    let mut payload = vec![0u8; size - header];
    rng.fill(&mut payload);
    let src_port = 1024 + (rng.next_u32() % 60000) as u16;
    let src = Ipv4Addr::new(192, 168, (rng.next_u32() >> 24) as u8, 1);
    let f = build_l4(&L4Spec {
        src_mac: [0x02, 0, 0, 0, 0xbb, 0x02],
        vlan: vlan.then_some(100),
        ..L4Spec::new(src.into(), dst.into(), protocol, src_port, if to_vip { port } else { port + 1 }, payload)
    });
    assert_eq!(f.len(), size);
    f
}

/// Sends `frames` back to back and checks timing, output bytes against the model, and verdicts
/// against the contract oracle.
fn sweep(width: u32, cfg: &Config, frames: &[Vec<u8>]) {
    let bytes = width as u64 / 8;
    let mut h = Harness::new(width).expect("RTL model");
    Device::open(&mut h).expect("device").apply(cfg).expect("config applies");
    let cap_latency = h.read32(regmap::REG_CAP_LATENCY).expect("CAP_LATENCY") as u64;
    // The contract's formula, independent of the RTL's own parameters.
    let contract = (MAX_LEN as u64).div_ceil(bytes) + 16 + 1;
    assert_eq!(cap_latency, contract, "width {width}: CAP_LATENCY is not the documented latency");

    let mut model = ModelDevice::new(Caps::with_width(width));
    Device::open(&mut model).expect("model device").apply(cfg).expect("config applies to the model");

    let before = h.stats();
    for f in frames {
        h.queue_frame(f, false).expect("queue");
    }
    h.run(1_000_000).expect("every frame leaves");
    let out = h.take_output();
    let after = h.stats();
    assert_eq!(out.len(), frames.len());
    assert!(h.take_fault().is_none());

    let beats: Vec<u64> = frames.iter().map(|f| (f.len() as u64).div_ceil(bytes)).collect();
    let total_beats: u64 = beats.iter().sum();
    assert_eq!(after.beats_in - before.beats_in, total_beats);
    assert_eq!(after.beats_out - before.beats_out, total_beats);
    // Back to back in and out: frame k + 1 starts the cycle after frame k's last beat, on both
    // sides, and every frame leaves CAP_LATENCY cycles after it came in.
    for (k, o) in out.iter().enumerate() {
        assert_eq!(
            o.latency(),
            cap_latency,
            "width {width}, frame {k} ({} bytes): latency {} cycles, CAP_LATENCY {cap_latency}",
            frames[k].len(),
            o.latency()
        );
        if k > 0 {
            let prev = &out[k - 1];
            assert_eq!(
                o.in_cycle,
                prev.in_cycle + beats[k - 1],
                "width {width}: idle input cycle between a {}-byte and a {}-byte frame",
                frames[k - 1].len(),
                frames[k].len()
            );
            assert_eq!(
                o.out_cycle,
                prev.out_cycle + beats[k - 1],
                "width {width}: idle output cycle between a {}-byte and a {}-byte frame",
                frames[k - 1].len(),
                frames[k].len()
            );
        }
    }
    assert_eq!(out.last().unwrap().out_cycle + beats.last().unwrap() - out[0].in_cycle, total_beats + cap_latency);
    eprintln!(
        "width {width}: {} frames, {total_beats} beats back to back in {} cycles, latency {cap_latency} cycles each",
        frames.len(),
        total_beats + cap_latency
    );

    for (k, (f, o)) in frames.iter().zip(&out).enumerate() {
        let mut m = f.clone();
        let v = model.process(&mut m, false);
        assert!(o.data == m, "width {width}, frame {k} ({} bytes): RTL and model outputs differ", f.len());
        assert_eq!(o.balanced, v.is_balanced(), "width {width}, frame {k}: tdest differs from the model");
        match oracle(f, false, cfg, true) {
            Some(vip) => {
                assert!(o.balanced, "width {width}, frame {k} ({} bytes): should be balanced", f.len());
                check_balanced(f, &o.data, cfg, vip).unwrap_or_else(|e| panic!("width {width}, frame {k}: {e}"));
            }
            None => assert!(!o.balanced && o.data == *f, "width {width}, frame {k}: should pass unchanged"),
        }
    }
}

#[test]
fn every_frame_size_back_to_back_at_every_width() {
    let seed = seed("every_frame_size_back_to_back_at_every_width");
    let cfg = feature_config(seed as u32);
    for width in l4lb_rtlsim::built_widths() {
        let mut rng = Rng::new(seed ^ u64::from(width));
        // Pass 1: ascending sizes, all balanced, alternating UDP/TCP and VLAN.
        let mut frames: Vec<Vec<u8>> =
            sizes().into_iter().enumerate().map(|(i, s)| frame(s, (i as u64) & 3, &mut rng)).collect();
        // Pass 2: the same sizes shuffled (the jumbo lands anywhere), half of them to no VIP.
        let mut order = sizes();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.range(0, i as u64) as usize);
        }
        frames.extend(order.into_iter().map(|s| {
            let kind = rng.range(0, 7);
            frame(s, kind, &mut rng)
        }));
        sweep(width, &cfg, &frames);
    }
}
