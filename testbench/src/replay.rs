//! `l4lb-sim replay`: a capture through an engine, programmed from a config by the host driver.

use crate::engine::{Engine, EngineKind, InFrame, ReconfigReport, RunStats};
use crate::pcapio::{read_capture, write_pcap, Packet};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use l4lb_core::config::Config;
use l4lb_driver::device::{Device, Stats};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

/// What to replay and how.
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    pub input: PathBuf,
    pub config: PathBuf,
    pub output: PathBuf,
    pub engine: EngineKind,
    pub width: u32,
    pub trace: Option<PathBuf>,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// `--reconfigure FRAME:CONFIG`: apply CONFIG when frame FRAME (0-based) enters.
    pub reconfigure: Vec<(u64, PathBuf)>,
}

/// Parses `FRAME:CONFIG` (`--reconfigure`).
pub fn parse_reconfigure(s: &str) -> Result<(u64, PathBuf), String> {
    let (frame, path) = s.split_once(':').ok_or_else(|| format!("{s:?} is not FRAME:CONFIG (e.g. 5000:new.toml)"))?;
    let frame = frame.parse().map_err(|_| format!("{frame:?} in {s:?} is not a frame number"))?;
    if path.is_empty() {
        return Err(format!("{s:?} names no config file"));
    }
    Ok((frame, PathBuf::from(path)))
}

/// The summary `--json` prints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplayReport {
    pub engine: EngineKind,
    pub width: u32,
    pub input: PathBuf,
    pub output: PathBuf,
    pub frames_in: u64,
    pub frames_out: u64,
    /// Frames of zero bytes in the capture: an AXI-Stream frame has at least one byte, so these
    /// are copied to the output unchanged without entering the engine.
    pub frames_empty: u64,
    pub balanced: u64,
    pub passed: u64,
    #[serde(flatten)]
    pub timing: RunStats,
    pub wall_seconds: f64,
    /// Frames per second of wall-clock time through the engine.
    pub frames_per_second: f64,
    /// Clock cycles per second of wall-clock time through the engine (RTL only).
    pub cycles_per_second: Option<f64>,
    /// CPU time of the traffic (Linux: this thread's time on a CPU), and frames per CPU second:
    /// fairer than wall time on a loaded machine.
    pub cpu_seconds: Option<f64>,
    pub frames_per_cpu_second: Option<f64>,
    /// Programming the configuration before the traffic (not in `wall_seconds`).
    pub setup: SetupReport,
    /// Counters read back from the device through its registers after the run.
    pub device: Stats,
    /// What each `--reconfigure` did.
    pub reconfigurations: Vec<ReconfigReport>,
}

/// What programming the configuration cost: through the simulated AXI-Lite port for the RTL,
/// so it takes simulated cycles (and most of a short replay's time).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SetupReport {
    pub seconds: f64,
    /// Clock cycles (RTL only).
    pub cycles: Option<u64>,
    pub register_writes: u64,
    pub register_reads: u64,
}

/// Replays `opts.input` and writes `opts.output`.
pub fn replay(opts: &ReplayOptions) -> Result<ReplayReport> {
    let config = Config::load(&opts.config)?;
    let mut reconfigure = Vec::with_capacity(opts.reconfigure.len());
    for (frame, path) in &opts.reconfigure {
        reconfigure.push((*frame, Config::load(path)?));
    }
    reconfigure.sort_by_key(|(frame, _)| *frame);
    let packets = read_capture(&opts.input)?;
    let mut engine = Engine::new(opts.engine, opts.width)?;
    if let Some(t) = &opts.trace {
        engine.trace_to(t)?;
    }
    let setup_start = Instant::now();
    let setup_cycle = engine.cycle();
    let applied = {
        let mut dev = Device::open(engine.regs()).context("the simulated device was refused by the driver")?;
        dev.apply(&config).with_context(|| format!("cannot apply {}", opts.config.display()))?
    };
    let setup = SetupReport {
        seconds: setup_start.elapsed().as_secs_f64(),
        cycles: engine.cycle().zip(setup_cycle).map(|(b, a)| b - a),
        register_writes: applied.register_writes,
        register_reads: applied.register_reads,
    };
    let frames: Vec<InFrame> = packets
        .iter()
        .filter(|p| !p.data.is_empty())
        .map(|p| InFrame { data: p.data.clone(), bad_frame: false })
        .collect();
    let frames_in = frames.len();
    let progress = (opts.progress && std::io::stderr().is_terminal() && frames_in >= 10_000).then(|| {
        let p = ProgressBar::new(frames.len() as u64);
        p.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} frames {per_sec} eta {eta}").unwrap());
        p
    });
    let start = Instant::now();
    let cpu_start = l4lb_rtlsim::thread_cpu_seconds();
    let (out, timing, reconfigurations) = if reconfigure.is_empty() {
        let (o, t) = engine.run_owned(frames, progress.as_ref())?;
        (o, t, Vec::new())
    } else {
        engine.run_reconfiguring(&frames, &reconfigure).context("--reconfigure")?
    };
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_start.zip(l4lb_rtlsim::thread_cpu_seconds()).map(|(a, b)| b - a);
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let device = Device::open(engine.regs())?.stats()?;

    let balanced = out.iter().filter(|o| o.balanced).count() as u64;
    let frames_out = out.len() as u64;
    let mut written = Vec::with_capacity(packets.len());
    let mut it = out.into_iter();
    for p in &packets {
        if p.data.is_empty() {
            written.push(p.clone());
        } else {
            let o = it.next().context("fewer frames came out than went in")?;
            written.push(Packet { timestamp: p.timestamp, data: o.data });
        }
    }
    write_pcap(&opts.output, &written)?;
    let cycles_per_second = timing.cycles.filter(|_| wall > 0.0).map(|c| c as f64 / wall);
    Ok(ReplayReport {
        engine: opts.engine,
        width: opts.width,
        input: opts.input.clone(),
        output: opts.output.clone(),
        frames_in: frames_in as u64,
        frames_out,
        frames_empty: (packets.len() - frames_in) as u64,
        balanced,
        passed: frames_out - balanced,
        timing,
        wall_seconds: wall,
        frames_per_second: if wall > 0.0 { frames_in as f64 / wall } else { 0.0 },
        cycles_per_second,
        cpu_seconds: cpu,
        frames_per_cpu_second: cpu.filter(|&c| c > 0.0).map(|c| frames_in as f64 / c),
        setup,
        device,
        reconfigurations,
    })
}

/// A human-readable summary of a replay.
pub fn summary(r: &ReplayReport) -> String {
    let mut s = String::new();
    s += &format!(
        "replayed {} frames through the {} ({} bits) in {:.3} s ({:.0} frames/s{})\n",
        r.frames_in,
        match r.engine {
            EngineKind::Rtl => "RTL",
            EngineKind::Model => "model",
        },
        r.width,
        r.wall_seconds,
        r.frames_per_second,
        r.frames_per_cpu_second.map(|f| format!(", {f:.0} per CPU second")).unwrap_or_default()
    );
    s += &format!("  balanced {}, passed unchanged {}\n", r.balanced, r.passed);
    s += &format!(
        "  setup: {} register writes, {} reads in {:.3} s{}\n",
        r.setup.register_writes,
        r.setup.register_reads,
        r.setup.seconds,
        r.setup.cycles.map(|c| format!(" ({c} cycles)")).unwrap_or_default()
    );
    if let (Some(c), Some(lo), Some(hi)) = (r.timing.cycles, r.timing.latency_cycles_min, r.timing.latency_cycles_max) {
        s += &format!(
            "  {} cycles for {} beats in / {} out; latency {} cycles{}\n",
            c,
            r.timing.beats_in,
            r.timing.beats_out,
            lo,
            if lo == hi { " (fixed)".to_string() } else { format!(" to {hi}") }
        );
    }
    let mut reasons: Vec<_> = r.device.reasons.iter().filter(|(_, n)| **n > 0).collect();
    reasons.sort();
    if !reasons.is_empty() {
        s += "  passed because: ";
        s += &reasons.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ");
        s += "\n";
    }
    for v in &r.device.vips {
        s += &format!("  VIP {}: {} frames, {} bytes balanced\n", v.vip, v.frames, v.bytes);
    }
    let backends: Vec<String> =
        r.device.backends.iter().filter(|b| b.frames > 0).map(|b| format!("{} {}", b.backend, b.frames)).collect();
    if !backends.is_empty() {
        s += &format!("  frames per backend: {}\n", backends.join(", "));
    }
    for c in &r.reconfigurations {
        s += &format!(
            "  reconfigured at frame {} (frames {}..{} entered meanwhile, {} cycles): {} register writes ({} until the switch to bank {}), {} reads\n",
            c.frame, c.entered_at_start, c.entered_at_end, c.cycles, c.register_writes, c.register_writes_until_switch, c.bank, c.register_reads
        );
    }
    s += &format!("  output: {}\n", r.output.display());
    s
}
