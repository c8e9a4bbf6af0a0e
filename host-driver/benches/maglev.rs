//! Maglev benchmarks (issue 4): building a 65,537-entry table for 1,000 backends (goal: under
//! 10 ms), and a typical update through the driver (drain one backend of ten, remove one, add
//! one), whose register writes are printed: the count is the figure of merit, the time is what
//! the model's register window costs.

use criterion::{criterion_group, criterion_main, Criterion};
use l4lb_core::config::Config;
use l4lb_core::layout::Caps;
use l4lb_core::maglev::{build, Member, DEFAULT_RING_SIZE};
use l4lb_core::model::ModelDevice;
use l4lb_driver::Device;
use std::hint::black_box;
use std::net::Ipv4Addr;

fn table_build(c: &mut Criterion) {
    let addrs: Vec<[u8; 4]> = (0..1000u32).map(|i| Ipv4Addr::from(0x0A01_0000 + i).octets()).collect();
    let members: Vec<Member<'_>> = addrs.iter().map(|a| Member { identity: a, weight: 1 }).collect();
    c.bench_function("maglev_build_65537_entries_1000_backends", |b| {
        b.iter(|| build(black_box(&members), DEFAULT_RING_SIZE))
    });
    let weighted: Vec<Member<'_>> =
        addrs.iter().enumerate().map(|(i, a)| Member { identity: a, weight: 1 + (i as u32 % 8) }).collect();
    c.bench_function("maglev_build_65537_entries_1000_backends_weights_1_to_8", |b| {
        b.iter(|| build(black_box(&weighted), DEFAULT_RING_SIZE))
    });
}

fn config(backends: &[(u32, u32)]) -> Config {
    let mut t = String::from("[[vip]]\naddress = \"10.0.0.1\"\nport = 80\nprotocol = \"tcp\"\n");
    for (i, w) in backends {
        t += &format!("  [[vip.backend]]\n  address = \"10.1.0.{i}\"\n  weight = {w}\n");
    }
    Config::from_toml_str(&t).unwrap()
}

fn updates(c: &mut Criterion) {
    let ten: Vec<(u32, u32)> = (1..=10).map(|i| (i, 1)).collect();
    let mut drained = ten.clone();
    drained[3].1 = 0;
    let removed: Vec<(u32, u32)> = ten.iter().copied().filter(|(i, _)| *i != 4).collect();
    let removed_last: Vec<(u32, u32)> = ten[..9].to_vec();
    let mut added = ten.clone();
    added.push((11, 1));
    for (name, next) in [
        ("drain_one_of_ten", drained),
        ("remove_fourth_of_ten", removed),
        ("remove_last_of_ten", removed_last),
        ("add_eleventh", added),
    ] {
        let (from, to) = (config(&ten), config(&next));
        let mut dev = Device::open(ModelDevice::new(Caps::default())).unwrap();
        dev.apply(&from).unwrap();
        dev.apply(&from).unwrap();
        let r = dev.apply(&to).unwrap();
        println!(
            "update {name} (ring_size 65537): {} register writes ({} up to the switch), {} reads",
            r.register_writes, r.register_writes_until_switch, r.register_reads
        );
        c.bench_function(&format!("apply_update_{name}_model"), |b| {
            b.iter(|| {
                dev.apply(&to).unwrap();
                dev.apply(&from).unwrap()
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = table_build, updates
}
criterion_main!(benches);
