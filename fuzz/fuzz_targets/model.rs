//! Fuzzes the model's parse-and-rewrite (contract v2) with a device holding IPv4 and IPv6 VIPs
//! and port-0 VIPs. Invariants (core/tests/support/invariants.rs): no panic, length unchanged,
//! only the allowed bytes change, checksums valid after when valid before.
//!
//! Byte 0 of the input: bit 0 the bad-frame flag; bit 3 picks the mode.
//! - raw: the rest is the frame (bits 1-2 may prefix an Ethernet header with type IPv4/IPv6);
//! - built: bytes 1-8 seed a well-formed v2 frame to a VIP (core/tests/support/frames.rs), and
//!   the rest are edits (position, value) pairs and, in the last byte, a length change, so that
//!   the fuzzer works on frames that reach the rewrite.
#![no_main]

#[path = "../../core/tests/support/invariants.rs"]
mod invariants;
#[path = "../../core/tests/support/device.rs"]
mod device;
#[path = "../../core/tests/support/frames.rs"]
mod frames;

use libfuzzer_sys::fuzz_target;
use std::sync::Mutex;

static DEVICE: Mutex<Option<l4lb_core::model::ModelDevice>> = Mutex::new(None);

fn built(rest: &[u8]) -> Option<Vec<u8>> {
    let seed = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?) | 1;
    let mut rng = frames::Rng(seed);
    let (a, port, proto) = device::VIPS[rng.below(device::VIPS.len() as u64) as usize];
    let port = if port == 0 { rng.below(65536) as u16 } else { port };
    let mut f = frames::frame(&mut rng, a.parse().ok()?, port, proto.number());
    let edits = &rest[8..];
    for e in edits.chunks_exact(2) {
        let at = e[0] as usize;
        if at < f.len() {
            f[at] = e[1];
        }
    }
    if edits.len() % 2 == 1 {
        let n = edits[edits.len() - 1] as usize;
        if n < 128 {
            f.truncate(n.max(1));
        } else {
            f.resize(f.len() + n - 128, 0);
        }
    }
    Some(f)
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let mut frame = if flags & 8 != 0 {
        match built(rest) {
            Some(f) => f,
            None => return,
        }
    } else {
        match flags & 6 {
            2 => [&[2u8, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00][..], rest].concat(),
            4 => [&[2u8, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd][..], rest].concat(),
            _ => rest.to_vec(),
        }
    };
    let mut guard = DEVICE.lock().unwrap();
    let d = guard.get_or_insert_with(device::device);
    let before = frame.clone();
    let v = d.process(&mut frame, flags & 1 == 1);
    if let Err(e) = invariants::check(&before, &frame, v.is_balanced()) {
        panic!("{e}: {before:02x?}");
    }
});
