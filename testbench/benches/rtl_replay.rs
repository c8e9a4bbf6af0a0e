//! Cycle-accurate replay through the RTL (Verilator) at 512 bits, one core. Goal: 1.5 Mpps or
//! more. `make bench-rtl`.
//!
//! Two mixes, back to back with the output always ready, 10,000 frames per iteration: minimum
//! size (60 bytes, one beat each) and the hardest sizes for the beat boundaries (60 to 80 and
//! 124 to 132 bytes: one to three beats). The time includes queueing the frames and collecting
//! the output frames, as `l4lb-sim replay` does.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use l4lb_core::config::Config;
use l4lb_driver::device::Device;
use l4lb_rtlsim::Harness;
use l4lb_testbench::traffic::udp_vip_frame;
use std::time::Duration;

const FRAMES: usize = 10_000;

fn replay(c: &mut Criterion) {
    if !l4lb_rtlsim::built_widths().contains(&512) {
        eprintln!("rtl_replay: the 512-bit model was not built (L4LB_WIDTHS); nothing to measure");
        return;
    }
    let cfg = Config::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/sample.toml"))).unwrap();
    let hard: Vec<usize> = (60..=80).chain(124..=132).collect();
    let mixes: [(&str, Vec<Vec<u8>>); 2] = [
        ("60_byte_frames", (0..FRAMES).map(|i| udp_vip_frame(60, i)).collect()),
        ("sizes_60-80_124-132", (0..FRAMES).map(|i| udp_vip_frame(hard[i % hard.len()], i)).collect()),
    ];
    let mut g = c.benchmark_group("rtl_replay_512");
    g.throughput(Throughput::Elements(FRAMES as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(8));
    for (name, frames) in &mixes {
        let mut h = Harness::new(512).unwrap();
        Device::open(&mut h).unwrap().apply(&cfg).unwrap();
        g.bench_function(*name, |b| {
            b.iter(|| {
                for f in frames {
                    h.queue_frame(f, false).unwrap();
                }
                h.run(1_000_000).unwrap();
                let out = h.take_output();
                assert_eq!(out.len(), FRAMES);
                out
            })
        });
    }
    g.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
