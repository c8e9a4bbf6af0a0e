//! The two engines a capture can be replayed through: the RTL (cycle by cycle in Verilator) and
//! the reference model. Both are programmed through `RegisterAccess` by the host driver.

use anyhow::{bail, Result};
use indicatif::ProgressBar;
use l4lb_core::config::Config;
use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_core::regs::RegisterAccess;
use l4lb_driver::device::Device;
use l4lb_rtlsim::Harness;

/// One `--reconfigure`: when it started and ended (frames entered so far) and what it wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReconfigReport {
    /// The frame it was asked to start at.
    pub frame: u64,
    /// Frames that had entered when the apply started and when it returned.
    pub entered_at_start: u64,
    pub entered_at_end: u64,
    /// Clock cycles the apply took (RTL; 0 for the model).
    pub cycles: u64,
    /// The table bank active afterwards.
    pub bank: u32,
    pub register_writes: u64,
    pub register_writes_until_switch: u64,
    pub register_reads: u64,
}

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

    /// Clock cycles simulated so far (RTL; `None` for the model).
    pub fn cycle(&self) -> Option<u64> {
        match self {
            Engine::Rtl(h) => Some(h.cycle()),
            Engine::Model { .. } => None,
        }
    }

    /// Starts a VCD waveform of the RTL.
    pub fn trace_to(&mut self, path: &std::path::Path) -> Result<()> {
        match self {
            Engine::Rtl(h) => Ok(h.trace_to(path)?),
            Engine::Model { .. } => bail!("--trace needs --engine rtl: the model has no waveform"),
        }
    }

    /// Sends `frames` back to back and collects what comes out, in order, applying each
    /// `(frame, config)` of `reconfigure` (sorted by frame) through the host driver when frame
    /// `frame` enters: on the RTL over the AXI-Lite port while the frames keep flowing, on the
    /// model between frame `frame - 1` and frame `frame`. Returns the apply reports too.
    pub fn run_reconfiguring(
        &mut self,
        frames: &[InFrame],
        reconfigure: &[(u64, Config)],
    ) -> Result<(Vec<OutRecord>, RunStats, Vec<ReconfigReport>)> {
        let mut reports = Vec::new();
        match self {
            Engine::Rtl(h) => {
                for f in frames {
                    h.queue_frame(&f.data, f.bad_frame)?;
                }
                let start = h.frames_entered();
                for (at, cfg) in reconfigure {
                    let mut idle = 0u64;
                    let mut last = h.frames_entered();
                    while h.frames_entered() - start < *at && h.frames_entered() - start < frames.len() as u64 {
                        h.step();
                        if h.frames_entered() == last {
                            idle += 1;
                            if idle > HANG_CYCLES {
                                bail!("the RTL stopped taking input before frame {at}");
                            }
                        } else {
                            last = h.frames_entered();
                            idle = 0;
                        }
                    }
                    let entered_at_start = h.frames_entered() - start;
                    let cycle = h.cycle();
                    let report = Device::open(h.as_mut())?.apply(cfg)?;
                    reports.push(ReconfigReport {
                        frame: *at,
                        entered_at_start,
                        entered_at_end: h.frames_entered() - start,
                        cycles: h.cycle() - cycle,
                        bank: report.bank,
                        register_writes: report.register_writes,
                        register_writes_until_switch: report.register_writes_until_switch,
                        register_reads: report.register_reads,
                    });
                }
                let (out, stats) = finish_rtl(h, frames.len())?;
                Ok((out, stats, reports))
            }
            Engine::Model { dev, width } => {
                let bytes = (*width / 8) as u64;
                let mut out = Vec::with_capacity(frames.len());
                let mut beats = 0;
                let mut next = reconfigure.iter().peekable();
                for (i, f) in frames.iter().enumerate() {
                    while let Some((at, cfg)) = next.next_if(|(at, _)| *at <= i as u64) {
                        let report = Device::open(dev.as_mut() as &mut dyn RegisterAccess)?.apply(cfg)?;
                        reports.push(ReconfigReport {
                            frame: *at,
                            entered_at_start: i as u64,
                            entered_at_end: i as u64,
                            cycles: 0,
                            bank: report.bank,
                            register_writes: report.register_writes,
                            register_writes_until_switch: report.register_writes_until_switch,
                            register_reads: report.register_reads,
                        });
                    }
                    let mut data = f.data.clone();
                    let v = dev.process(&mut data, f.bad_frame);
                    beats += (data.len() as u64).div_ceil(bytes);
                    out.push(OutRecord { data, balanced: v.reason == l4lb_core::regmap::Reason::Balanced });
                }
                for (at, cfg) in next {
                    let report = Device::open(dev.as_mut() as &mut dyn RegisterAccess)?.apply(cfg)?;
                    let n = frames.len() as u64;
                    reports.push(ReconfigReport {
                        frame: *at,
                        entered_at_start: n,
                        entered_at_end: n,
                        cycles: 0,
                        bank: report.bank,
                        register_writes: report.register_writes,
                        register_writes_until_switch: report.register_writes_until_switch,
                        register_reads: report.register_reads,
                    });
                }
                Ok((out, RunStats { cycles: None, beats_in: beats, beats_out: beats, ..Default::default() }, reports))
            }
        }
    }

    /// Sends `frames` back to back and collects what comes out, in order.
    pub fn run(&mut self, frames: &[InFrame], progress: Option<&ProgressBar>) -> Result<(Vec<OutRecord>, RunStats)> {
        self.run_owned(frames.to_vec(), progress)
    }

    /// As [`Engine::run`], taking the frames: their buffers carry the outputs, so that the run
    /// allocates nothing per frame.
    pub fn run_owned(
        &mut self,
        frames: Vec<InFrame>,
        progress: Option<&ProgressBar>,
    ) -> Result<(Vec<OutRecord>, RunStats)> {
        match self {
            Engine::Rtl(h) => run_rtl(h, frames, progress),
            Engine::Model { dev, width } => {
                let bytes = (*width / 8) as u64;
                let mut out = Vec::with_capacity(frames.len());
                let mut beats = 0;
                for (i, f) in frames.into_iter().enumerate() {
                    let mut data = f.data;
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

fn run_rtl(
    h: &mut Harness,
    mut frames: Vec<InFrame>,
    progress: Option<&ProgressBar>,
) -> Result<(Vec<OutRecord>, RunStats)> {
    h.reserve_outputs(frames.len());
    // The frames are queued a window ahead of the input rather than all at once: the harness's
    // copy of them stays small and in cache. A cycle takes at most one frame, so `WINDOW / 2`
    // steps after a top-up to `WINDOW` never run the queue dry: the traffic stays back to back.
    const WINDOW: usize = 1024;
    let start = h.frames_entered();
    let mut next = 0;
    let mut last_entered = start;
    let mut last_out = h.cycle();
    while next < frames.len() {
        while next < frames.len() && h.frames_waiting() < WINDOW {
            let f = &mut frames[next];
            h.queue_frame(&f.data, f.bad_frame)?;
            h.recycle(std::mem::take(&mut f.data));
            next += 1;
        }
        h.step_n(WINDOW as u64 / 2);
        let entered = h.frames_entered();
        if entered != last_entered {
            last_entered = entered;
            last_out = h.cycle();
        } else if h.cycle() - last_out > HANG_CYCLES {
            bail!("the RTL stopped taking input after {} of {} frames", entered - start, frames.len());
        }
        if let Some(p) = progress {
            p.set_position(entered - start);
        }
    }
    finish_rtl(h, frames.len())
}

/// Runs the queued frames out and collects them.
fn finish_rtl(h: &mut Harness, count: usize) -> Result<(Vec<OutRecord>, RunStats)> {
    h.run(HANG_CYCLES)?;
    let out = h.take_output();
    if out.len() != count {
        bail!("{} frames went in but {} came out", count, out.len());
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
