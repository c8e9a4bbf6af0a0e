//! Fuzzes the model's parse-and-rewrite (contract v2) with a device holding IPv4 and IPv6 VIPs
//! and port-0 VIPs. Byte 0 of the input picks the bad-frame flag and a seed frame prefix; the
//! rest is the frame. Invariants (core/tests/support/invariants.rs): no panic, length unchanged,
//! only the allowed bytes change, checksums valid after when valid before.
#![no_main]

#[path = "../../core/tests/support/invariants.rs"]
mod invariants;
#[path = "../../core/tests/support/device.rs"]
#[allow(dead_code)]
mod device;

use libfuzzer_sys::fuzz_target;
use std::sync::Mutex;

static DEVICE: Mutex<Option<l4lb_core::model::ModelDevice>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    // Help the fuzzer past L2: optionally prefix an Ethernet header with an IPv4 or IPv6 type.
    let mut frame = match flags & 6 {
        2 => [&[2u8, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00][..], rest].concat(),
        4 => [&[2u8, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd][..], rest].concat(),
        _ => rest.to_vec(),
    };
    let mut guard = DEVICE.lock().unwrap();
    let d = guard.get_or_insert_with(device::device);
    let before = frame.clone();
    let v = d.process(&mut frame, flags & 1 == 1);
    if let Err(e) = invariants::check(&before, &frame, v.is_balanced()) {
        panic!("{e}: {before:02x?}");
    }
});
