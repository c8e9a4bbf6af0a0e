//! The replay sweep behind docs/performance.md and its plot: for frame sizes from 60 to 1,518
//! bytes and 9,018, back-to-back frames through the RTL at 512 bits, recording the cycles each
//! frame takes (measured, not assumed) and the simulator's speed per CPU second; then the
//! reference model's speed on 60-byte frames per CPU second.
//!
//! `cargo run --release -p l4lb-testbench --example perf_sweep -- OUT.json` (`make perf`);
//! `-- --model-only` measures the model alone.

use l4lb_core::config::Config;
use l4lb_core::regs::RegisterAccess;
use l4lb_driver::device::Device;
use l4lb_rtlsim::{thread_cpu_seconds, Harness};
use l4lb_testbench::traffic::udp_vip_frame;
use std::time::Instant;

const WIDTH: u32 = 512;
const BATCH: usize = 2000;
/// CPU seconds spent on each size (at least one batch): more on the small sizes, where the
/// per-frame cost of the harness shows.
fn per_size(size: usize) -> f64 {
    if size <= 132 {
        0.2
    } else {
        0.05
    }
}

fn first_line(path: &str, key: &str) -> String {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: perf_sweep OUT.json | perf_sweep --model-only")?;
    let cfg = Config::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/sample.toml")))?;
    if out == "--model-only" {
        println!("model, 60-byte frames: {:.2} M frames/s per CPU second", model_frames_per_cpu_second(&cfg)? / 1e6);
        return Ok(());
    }
    let sizes: Vec<usize> = (60..=132).chain((160..1518).step_by(32)).chain([1518, 9018]).collect();
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut points = Vec::new();
    for &size in &sizes {
        let frames: Vec<Vec<u8>> = (0..BATCH).map(|i| udp_vip_frame(size, i)).collect();
        let mut h = Harness::new(WIDTH)?;
        Device::open(&mut h)?.apply(&cfg)?;
        let latency = h.read32(l4lb_core::regmap::REG_CAP_LATENCY)? as u64;
        // One batch untimed: the harness's buffers grow to size here.
        for f in &frames {
            h.queue_frame(f, false)?;
        }
        h.run(1_000_000)?;
        h.take_output();
        let (mut n, mut cycles) = (0u64, 0u64);
        let cpu0 = thread_cpu_seconds().unwrap_or(0.0);
        let t = Instant::now();
        let mut cpu;
        loop {
            let c0 = h.cycle();
            for f in &frames {
                h.queue_frame(f, false)?;
            }
            h.run(1_000_000)?;
            let o = h.take_output();
            assert_eq!(o.len(), BATCH);
            assert!(o.iter().all(|f| f.balanced && f.latency() == latency));
            n += BATCH as u64;
            // The pipeline drains after each batch: its latency is not part of a frame's cost.
            cycles += h.cycle() - c0 - latency;
            cpu = thread_cpu_seconds().unwrap_or(0.0) - cpu0;
            if cpu >= per_size(size) {
                break;
            }
        }
        let wall = t.elapsed().as_secs_f64();
        let cpf = cycles as f64 / n as f64;
        eprintln!("{size:5} bytes: {cpf:6.3} cycles/frame, {:7.3} M frames/s per CPU second", n as f64 / cpu / 1e6);
        points.push(serde_json::json!({
            "size": size, "frames": n, "cycles_per_frame": cpf,
            "sim_frames_per_cpu_second": n as f64 / cpu, "sim_frames_per_wall_second": n as f64 / wall,
            "latency_cycles": latency,
        }));
    }
    let model_fps = model_frames_per_cpu_second(&cfg)?;
    eprintln!("model, 60-byte frames: {:.2} M frames/s per CPU second", model_fps / 1e6);
    let report = serde_json::json!({
        "command": "cargo run --release -p l4lb-testbench --example perf_sweep -- OUT.json",
        "width": WIDTH,
        "cpu": first_line("/proc/cpuinfo", "model name"),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "loadavg_before": load_before.trim(),
        "loadavg_after": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
        "model_60_byte_frames_per_cpu_second": model_fps,
        "points": points,
    });
    std::fs::write(&out, serde_json::to_string_pretty(&report)?)?;
    eprintln!("wrote {out}");
    Ok(())
}

/// The reference model on 60-byte frames (the same frame as benches/model.rs), per CPU second
/// (at least one CPU second of it).
fn model_frames_per_cpu_second(cfg: &Config) -> Result<f64, Box<dyn std::error::Error>> {
    let mut dev = l4lb_core::model::ModelDevice::new(l4lb_core::layout::Caps::with_width(WIDTH));
    Device::open(&mut dev)?.apply(cfg)?;
    let frames: Vec<Vec<u8>> = (0..1024).map(|i| udp_vip_frame(60, i)).collect();
    let mut buf = [0u8; 60];
    let (mut n, cpu0) = (0u64, thread_cpu_seconds().unwrap_or(0.0));
    let cpu = loop {
        // 64 passes (65,536 frames, a few milliseconds) between clock reads: reading the thread's
        // CPU time (a /proc file) after every 1,024 frames cost a tenth of the time measured
        for _ in 0..64 {
            for f in &frames {
                buf.copy_from_slice(f);
                std::hint::black_box(dev.process(std::hint::black_box(&mut buf), false));
            }
        }
        n += 64 * frames.len() as u64;
        let c = thread_cpu_seconds().unwrap_or(0.0) - cpu0;
        if c >= 1.0 {
            break c;
        }
    };
    Ok(n as f64 / cpu)
}
