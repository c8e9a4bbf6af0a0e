//! `l4lb-sim vectors`: vector files for the Icarus Verilog testbench (`testbench/icarus/`), and
//! the same traffic through the Verilator model, written in the format the testbench writes, so
//! that `make icarus-check` compares the two simulators byte for byte.
//!
//! Files written into the folder:
//! - `regs.hex`: the AXI-Lite writes that program a fresh device from the config, one
//!   `<addr> <data>` (hex) per line, recorded from the host driver programming the reference
//!   model (reads are not replayed: on a fresh device they return what the model returned).
//! - `in.hex`: `<frames> <beats>`, then one input beat per line: `<tlast> <tuser> <tkeep>
//!   <tdata>` (hex; tdata as one DATA_WIDTH-bit number, lane 0 in its low byte).
//! - `verilator.txt`: one line per output frame, `<latency> <tdest> <bytes> <tuser>`, from the
//!   Verilator model driven with exactly these writes and beats.

use crate::pcapio::read_capture;
use anyhow::{bail, Context, Result};
use l4lb_core::config::Config;
use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_core::regs::{RegError, RegisterAccess};
use l4lb_driver::device::Device;
use l4lb_rtlsim::{thread_cpu_seconds, Harness};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// What to write.
#[derive(Debug, Clone)]
pub struct VectorOptions {
    pub input: PathBuf,
    pub config: PathBuf,
    pub dir: PathBuf,
    pub width: u32,
    /// Use at most this many frames of the capture (Icarus is slow).
    pub frames: usize,
}

/// What was written, and how fast Verilator ran the traffic.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VectorReport {
    pub width: u32,
    pub frames: u64,
    pub beats: u64,
    pub register_writes: u64,
    /// Cycles Verilator stepped for the traffic (first beat in to last beat out).
    pub cycles: u64,
    /// For the speed figure: frames and cycles Verilator ran (the traffic repeated, with the
    /// clock running on between repeats) in `verilator_cpu_seconds` of CPU time of its thread.
    pub timed_frames: u64,
    pub timed_cycles: u64,
    pub verilator_cpu_seconds: f64,
    pub verilator_wall_seconds: f64,
}

/// Records the writes made through it.
struct Recorder<'a> {
    inner: &'a mut ModelDevice,
    writes: Vec<(u32, u32)>,
}

impl RegisterAccess for Recorder<'_> {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        self.inner.read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        self.writes.push((offset, value));
        self.inner.write32(offset, value)
    }
    fn size(&self) -> u64 {
        self.inner.size()
    }
}

/// Writes the vectors and the Verilator run's output into `opts.dir`.
pub fn write_vectors(opts: &VectorOptions) -> Result<VectorReport> {
    if !l4lb_rtlsim::WIDTHS.contains(&opts.width) {
        bail!("width {} is not supported: use one of {:?}", opts.width, l4lb_rtlsim::WIDTHS);
    }
    if opts.frames == 0 {
        bail!("--frames must be at least 1");
    }
    let config = Config::load(&opts.config)?;
    let frames: Vec<Vec<u8>> =
        read_capture(&opts.input)?.into_iter().map(|p| p.data).filter(|d| !d.is_empty()).take(opts.frames).collect();
    if frames.is_empty() {
        bail!("{}: no frames to replay", opts.input.display());
    }
    std::fs::create_dir_all(&opts.dir).with_context(|| format!("cannot create {}", opts.dir.display()))?;
    let write = |name: &str, text: &str| -> Result<()> {
        let p = opts.dir.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
    };

    // The writes the driver makes to program a fresh device.
    let mut model = ModelDevice::new(Caps::with_width(opts.width));
    let mut rec = Recorder { inner: &mut model, writes: Vec::new() };
    Device::open(&mut rec)?.apply(&config).with_context(|| format!("cannot apply {}", opts.config.display()))?;
    let writes = rec.writes;
    let mut text = String::new();
    for (a, d) in &writes {
        writeln!(text, "{a:08x} {d:08x}").unwrap();
    }
    write("regs.hex", &text)?;

    // The input beats.
    let bpb = opts.width as usize / 8;
    let beats: usize = frames.iter().map(|f| f.len().div_ceil(bpb)).sum();
    let mut text = String::with_capacity(beats * (bpb * 2 + 24));
    writeln!(text, "{} {}", frames.len(), beats).unwrap();
    for f in &frames {
        let n = f.len().div_ceil(bpb);
        for (i, chunk) in f.chunks(bpb).enumerate() {
            let keep: u64 = if chunk.len() == 64 { u64::MAX } else { (1u64 << chunk.len()) - 1 };
            write!(text, "{} 0 {keep:x} ", u8::from(i + 1 == n)).unwrap();
            for lane in (0..bpb).rev() {
                write!(text, "{:02x}", chunk.get(lane).copied().unwrap_or(0)).unwrap();
            }
            text.push('\n');
        }
    }
    write("in.hex", &text)?;

    // The same through Verilator.
    let mut h = Harness::new(opts.width)?;
    for (a, d) in &writes {
        h.write32(*a, *d)?;
    }
    for f in &frames {
        h.queue_frame(f, false)?;
    }
    h.run(1_000_000)?;
    let out = h.take_output();
    if out.len() != frames.len() {
        bail!("{} frames went into Verilator but {} came out", frames.len(), out.len());
    }
    let cycles = h.stats().cycles;
    // A few hundred frames take a millisecond: for the speed figure, the same frames go through
    // again until a quarter of a CPU second has passed.
    let (mut timed_frames, mut timed_cycles) = (0u64, 0u64);
    let cpu0 = thread_cpu_seconds();
    let t = Instant::now();
    loop {
        let c0 = h.cycle();
        for f in &frames {
            h.queue_frame(f, false)?;
        }
        h.run(1_000_000)?;
        if h.take_output().len() != frames.len() {
            bail!("a repeat of the traffic through Verilator lost frames");
        }
        timed_frames += frames.len() as u64;
        timed_cycles += h.cycle() - c0;
        let spent = match (cpu0, thread_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => t.elapsed().as_secs_f64(),
        };
        if spent >= 0.25 {
            break;
        }
    }
    let wall = t.elapsed().as_secs_f64();
    let cpu = match (cpu0, thread_cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => wall,
    };
    let mut text = String::new();
    for o in &out {
        write!(text, "{} {} ", o.latency(), u8::from(o.balanced)).unwrap();
        for b in &o.data {
            write!(text, "{b:02x}").unwrap();
        }
        writeln!(text, " {}", u8::from(o.bad_flag)).unwrap();
    }
    write("verilator.txt", &text)?;
    Ok(VectorReport {
        width: opts.width,
        frames: frames.len() as u64,
        beats: beats as u64,
        register_writes: writes.len() as u64,
        cycles,
        timed_frames,
        timed_cycles,
        verilator_cpu_seconds: cpu,
        verilator_wall_seconds: wall,
    })
}
