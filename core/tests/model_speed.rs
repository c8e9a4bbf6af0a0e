//! Throughput of `ModelDevice::process` on minimum-size frames (goal: 20 M frames/s on one
//! core). Ignored by default; run with
//! `cargo test --release -p l4lb-core --test model_speed -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use common::*;

#[test]
#[ignore]
fn minimum_size_frames_per_second() {
    let mut d = known_device();
    // 64 distinct balanced flows (varying source port) of 60-byte frames, and a few that pass.
    let mut frames: Vec<[u8; 60]> = (0..64u16)
        .map(|i| {
            let mut f = UDP_IN;
            f[34..36].copy_from_slice(&(40000 + i).to_be_bytes());
            f
        })
        .collect();
    frames.push(TCP_IN);
    let n = 20_000_000usize;
    let start = Instant::now();
    let mut balanced = 0u64;
    for i in 0..n {
        // The model rewrites in place: run a copy, as a NIC would hand over a fresh buffer.
        let mut buf = frames[i % frames.len()];
        balanced += d.process(&mut buf, false).is_balanced() as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    let mpps = n as f64 / secs / 1e6;
    eprintln!(
        "{n} frames in {secs:.3} s: {mpps:.1} M frames/s ({:.1} ns/frame), {balanced} balanced",
        secs * 1e9 / n as f64
    );
    assert_eq!(balanced, n as u64);
}
