//! Simulator speed: frames/s and cycles/s through the RTL, output always ready.
//!
//! `cargo run --release -p l4lb-rtlsim --example throughput -- [width] [frame bytes] [frames]`
//! (defaults: 512 bits, 60-byte frames, 3,000,000 frames).

use std::time::Instant;

use l4lb_rtlsim::{thread_cpu_seconds, Harness};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let width: u32 = args.first().map_or(Ok(512), |a| a.parse())?;
    let len: usize = args.get(1).map_or(Ok(60), |a| a.parse())?;
    let frames: u64 = args.get(2).map_or(Ok(3_000_000), |a| a.parse())?;
    let batch = 10_000u64;

    let mut h = Harness::new(width)?;
    let mut frame = vec![0u8; len];
    for (i, b) in frame.iter_mut().enumerate() {
        *b = i as u8;
    }
    let start_cycle = h.cycle();
    let cpu0 = thread_cpu_seconds();
    let t = Instant::now();
    let mut left = frames;
    let mut out = 0u64;
    while left > 0 {
        let n = left.min(batch);
        for _ in 0..n {
            h.queue_frame(&frame, false)?;
        }
        h.run(1_000_000)?;
        out += h.take_output().len() as u64;
        left -= n;
    }
    let wall = t.elapsed().as_secs_f64();
    // On a shared machine the CPU time this thread got is the fairer measure.
    let secs = thread_cpu_seconds().map_or(wall, |c| c - cpu0.unwrap_or(0.0));
    let cycles = h.cycle() - start_cycle;
    let st = h.stats();
    println!(
        "{width} bits, {len}-byte frames: {out} frames, {cycles} cycles, {secs:.2} s CPU ({wall:.2} s wall): \
         {:.2} M frames/s, {:.2} M cycles/s per CPU second (latency {:?})",
        out as f64 / secs / 1e6,
        cycles as f64 / secs / 1e6,
        st.latency_max
    );
    Ok(())
}
