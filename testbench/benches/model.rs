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
use l4lb_testbench::traffic::{build_l4, L4Spec};
use std::net::Ipv4Addr;

const FLOWS: usize = 1024;

pub fn sample_config() -> Config {
    Config::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/sample.toml")))
        .expect("sample config")
}

fn min_frame(flow: usize) -> Vec<u8> {
    let f = build_l4(&L4Spec {
        dst_mac: [0x02, 0, 0, 0, 0xaa, 0x01],
        src_mac: [0x02, 0, 0, 0, 0xbb, 0x01],
        vlan: None,
        src: Ipv4Addr::new(192, 168, (flow >> 8) as u8, flow as u8).into(),
        dst: Ipv4Addr::new(10, 0, 0, 1).into(),
        protocol: 17,
        src_port: 1024 + flow as u16,
        dst_port: 7777,
        ttl: 64,
        outer_tag: None,
        vlan_tpid: 0x8100,
        ip_options: 0,
        ext_headers: Vec::new(),
        fragment: None,
        payload: vec![0x5a; 18],
        udp_no_checksum: false,
        l4_checksum_error: 0,
        ip_checksum_error: 0,
        padding: 0,
    });
    assert_eq!(f.len(), 60);
    f
}

fn model(c: &mut Criterion) {
    let mut dev = ModelDevice::new(Caps::with_width(512));
    Device::open(&mut dev).unwrap().apply(&sample_config()).unwrap();
    let frames: Vec<Vec<u8>> = (0..FLOWS).map(min_frame).collect();
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
