//! The reference model on minimum-size frames (60 bytes, the smallest Ethernet frame without FCS),
//! one core. Goal: 20 Mpps or more. `make bench-model`.
//!
//! 1,024 frames of distinct flows to a UDP VIP; each is copied into a work buffer (the model
//! rewrites in place) and processed: classify, hash, look up, rewrite, checksums, counters.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use l4lb_core::config::Config;
use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_driver::device::Device;
use l4lb_testbench::traffic::udp_vip_frame;

const FLOWS: usize = 1024;

pub fn sample_config() -> Config {
    Config::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/sample.toml")))
        .expect("sample config")
}

fn model(c: &mut Criterion) {
    let mut dev = ModelDevice::new(Caps::with_width(512));
    Device::open(&mut dev).unwrap().apply(&sample_config()).unwrap();
    let frames: Vec<Vec<u8>> = (0..FLOWS).map(|i| udp_vip_frame(60, i)).collect();
    let mut buf = [0u8; 60];
    // Every frame is balanced: the bench measures the full rewrite path.
    for f in &frames {
        buf.copy_from_slice(f);
        assert!(dev.process(&mut buf, false).is_balanced());
    }
    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Elements(FLOWS as u64));
    g.bench_function("60_byte_frames", |b| {
        b.iter(|| {
            for f in &frames {
                buf.copy_from_slice(f);
                black_box(dev.process(black_box(&mut buf), false));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, model);
criterion_main!(benches);
