//! Register writes per update: what the host driver writes (and reads) to move the device from
//! one config to the next, and how long the driver takes to work it out. `make bench-update`.
//!
//! The counts come from the driver's own `ApplyReport` against the reference model, which has
//! the hardware's register map; the same driver code programs a board or the RTL. They are
//! printed before the timings. The timing is the driver's work per update against the model
//! (no bus): a board adds one PCIe posted write per register write and one round trip per read.

use criterion::{criterion_group, criterion_main, Criterion};
use l4lb_core::config::Config;
use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_driver::device::Device;
use std::net::Ipv4Addr;

/// 16 VIPs with 8 backends each (weight 1, a MAC each).
fn base() -> Config {
    let mut t = String::new();
    for v in 0..16 {
        t += &format!("[[vip]]\naddress = \"10.0.0.{}\"\nport = 80\nprotocol = \"tcp\"\n", v + 1);
        for b in 0..8 {
            t += &format!(
                "  [[vip.backend]]\n  address = \"10.1.{v}.{}\"\n  mac = \"02:00:00:00:{v:02x}:{b:02x}\"\n",
                b + 1
            );
        }
    }
    Config::from_toml_str(&t).unwrap()
}

fn scenarios() -> Vec<(&'static str, Config, Config)> {
    let from = base();
    let mut moved = from.clone();
    moved.vips[3].backends[2].address = Ipv4Addr::new(10, 9, 9, 9).into();
    let mut drained = from.clone();
    drained.vips[3].backends[2].weight = 0;
    let mut added = from.clone();
    let mut extra = from.vips[0].clone();
    extra.address = Ipv4Addr::new(10, 0, 1, 1).into();
    added.vips.push(extra);
    let mut removed = from.clone();
    removed.vips.remove(7);
    vec![
        ("first apply (16 VIPs x 8 backends)", Config { vips: vec![], ..from.clone() }, from.clone()),
        ("same config again", from.clone(), from.clone()),
        ("one backend's address changes", from.clone(), moved),
        ("one backend drained (weight 0)", from.clone(), drained),
        ("one VIP added", from.clone(), added),
        ("one VIP removed", from.clone(), removed),
    ]
}

fn prepared(cfg: &Config) -> ModelDevice {
    let mut dev = ModelDevice::new(Caps::with_width(512));
    if !cfg.vips.is_empty() {
        Device::open(&mut dev).unwrap().apply(cfg).unwrap();
    }
    dev
}

fn update(c: &mut Criterion) {
    println!("register writes (reads) per update, 512-bit device with default tables:");
    for (name, from, to) in scenarios() {
        let mut dev = prepared(&from);
        let r = Device::open(&mut dev).unwrap().apply(&to).unwrap();
        println!("  {name:<36} {:>6} writes ({} reads)", r.register_writes, r.register_reads);
    }
    let mut g = c.benchmark_group("update");
    g.sample_size(10);
    for (name, from, to) in scenarios().into_iter().skip(2).take(1) {
        g.bench_function(name.replace(' ', "_").replace('\'', ""), |b| {
            b.iter_batched(
                || prepared(&from),
                |mut dev| Device::open(&mut dev).unwrap().apply(&to).unwrap().register_writes,
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, update);
criterion_main!(benches);
