//! The two engines a capture can be replayed through: the RTL (cycle by cycle in Verilator) and
//! the reference model. Both are programmed through `RegisterAccess` by the host driver.

use anyhow::{bail, Result};
use indicatif::ProgressBar;
use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_core::regs::RegisterAccess;
use l4lb_rtlsim::Harness;

/// Which engine runs the data plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// The RTL, simulated cycle by cycle with Verilator.
    Rtl,
    /// The reference model (pure Rust).
    Model,
}

/// A frame to send, with the bad-frame flag of its last beat.
#[derive(Debug, Clone)]
pub struct InFrame {
    pub data: Vec<u8>,
    pub bad_frame: bool,
}

/// A frame that came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutRecord {
    pub data: Vec<u8>,
    /// `m_axis_tdest` (RTL) or the model's verdict: the frame was balanced.
    pub balanced: bool,
}

/// Timing of a run (RTL only; the model has no cycles).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunStats {
    pub cycles: Option<u64>,
    pub beats_in: u64,
    pub beats_out: u64,
    pub latency_cycles_min: Option<u64>,
    pub latency_cycles_max: Option<u64>,
}

/// An engine ready to be programmed and to carry traffic.
pub enum Engine {
    Rtl(Box<Harness>),
    Model { dev: Box<ModelDevice>, width: u32 },
}

/// Cycles without any output beat after which a run is declared hung.
const HANG_CYCLES: u64 = 1_000_000;

impl Engine {
    /// Builds an engine with an AXI-Stream data width of `width` bits.
    pub fn new(kind: EngineKind, width: u32) -> Result<Engine> {
        if !l4lb_rtlsim::WIDTHS.contains(&width) {
            bail!("width {width} is not supported: use one of {:?}", l4lb_rtlsim::WIDTHS);
        }
        Ok(match kind {
            EngineKind::Rtl => Engine::Rtl(Box::new(Harness::new(width)?)),
            EngineKind::Model => Engine::Model { dev: Box::new(ModelDevice::new(Caps::with_width(width))), width },
        })
    }

    /// The engine's register window (the simulated AXI-Lite port, or the model's registers).
    pub fn regs(&mut self) -> &mut dyn RegisterAccess {
        match self {
            Engine::Rtl(h) => h.as_mut(),
            Engine::Model { dev, .. } => dev.as_mut(),
        }
    }

    /// Starts a VCD waveform of the RTL.
    pub fn trace_to(&mut self, path: &std::path::Path) -> Result<()> {
        match self {
            Engine::Rtl(h) => Ok(h.trace_to(path)?),
            Engine::Model { .. } => bail!("--trace needs --engine rtl: the model has no waveform"),
        }
    }

    /// Sends `frames` back to back and collects what comes out, in order.
    pub fn run(&mut self, frames: &[InFrame], progress: Option<&ProgressBar>) -> Result<(Vec<OutRecord>, RunStats)> {
        match self {
            Engine::Rtl(h) => run_rtl(h, frames, progress),
            Engine::Model { dev, width } => {
                let bytes = (*width / 8) as u64;
                let mut out = Vec::with_capacity(frames.len());
                let mut beats = 0;
                for (i, f) in frames.iter().enumerate() {
                    let mut data = f.data.clone();
                    let v = dev.process(&mut data, f.bad_frame);
                    beats += (data.len() as u64).div_ceil(bytes);
                    out.push(OutRecord { data, balanced: v.reason == l4lb_core::regmap::Reason::Balanced });
                    if let Some(p) = progress {
                        if i % 4096 == 0 {
                            p.set_position(i as u64);
                        }
                    }
                }
                Ok((out, RunStats { cycles: None, beats_in: beats, beats_out: beats, ..Default::default() }))
            }
        }
    }
}

fn run_rtl(h: &mut Harness, frames: &[InFrame], progress: Option<&ProgressBar>) -> Result<(Vec<OutRecord>, RunStats)> {
    for f in frames {
        h.queue_frame(&f.data, f.bad_frame)?;
    }
    let target = h.frames_entered() + frames.len() as u64;
    if let Some(p) = progress {
        // Step in slices so the bar moves; the traffic itself stays back to back.
        let start = h.frames_entered();
        let mut last_out = h.cycle();
        let mut last_entered = start;
        while h.frames_entered() < target {
            for _ in 0..4096 {
                h.step();
            }
            let entered = h.frames_entered();
            if entered != last_entered {
                last_entered = entered;
                last_out = h.cycle();
            } else if h.cycle() - last_out > HANG_CYCLES {
                bail!("the RTL stopped taking input after {} of {} frames", entered - start, frames.len());
            }
            p.set_position(entered - start);
        }
    }
    h.run(HANG_CYCLES)?;
    let out = h.take_output();
    if out.len() != frames.len() {
        bail!("{} frames went in but {} came out", frames.len(), out.len());
    }
    let s = h.stats();
    let records = out.into_iter().map(|o| OutRecord { data: o.data, balanced: o.balanced }).collect();
    Ok((
        records,
        RunStats {
            cycles: Some(s.cycles),
            beats_in: s.beats_in,
            beats_out: s.beats_out,
            latency_cycles_min: s.latency_min,
            latency_cycles_max: s.latency_max,
        },
    ))
}
