//! Verilator harness for the l4lb RTL: drives the `l4lb` top module cycle by cycle.
//!
//! `build.rs` verilates `rtl/*.v` once per data width (64, 128, 256, 512 bits) and links each
//! model through a small C++ shim (`csrc/l4lb_shim.cpp`, one call per clock cycle). A [`Harness`]
//! owns one model:
//!
//! - a source that drives queued frames back to back on `s_axis_*` (optionally with random idle
//!   cycles, also inside frames),
//! - a sink on `m_axis_*` (optionally with random `tready = 0` cycles) that collects frames with
//!   their entry and exit cycles and checks the stream protocol,
//! - an AXI-Lite master behind [`l4lb_core::regs::RegisterAccess`]: every register access is a real
//!   bus transaction that steps the clock while the traffic keeps flowing.
//!
//! Tracing is a switch: [`Harness::trace_to`] writes a VCD, and the environment variable
//! `L4LB_TRACE=<dir>` makes every harness trace from reset into `<dir>/l4lb_w<W>_<pid>_<n>.vcd`.
//!
//! Build-time environment (see `build.rs`): `L4LB_RTL_DIR` (default `../rtl`), `L4LB_WIDTHS`
//! (e.g. `512`; default all four), `L4LB_VCD=0` (no VCD support).
//!
//! The per-cycle path allocates nothing: frames are laid out as beats when queued, and the sink
//! reuses one buffer (one allocation per frame that leaves, for its [`OutFrame::data`], unless
//! the caller hands buffers back with [`Harness::recycle`]). Without random stalls,
//! [`Harness::run`] and [`Harness::step_n`] run the cycles in bursts inside the shim (the input
//! beats handed over up front, the output beats collected there), the same cycles as
//! [`Harness::step`] one at a time (`tests/harness.rs` compares them).

mod ffi;

use std::collections::VecDeque;
use std::ffi::{c_void, CString};
use std::path::Path;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use l4lb_core::regs::{check_offset, RegError, RegisterAccess};

/// The data widths the RTL supports (and `build.rs` builds unless `L4LB_WIDTHS` says otherwise).
pub const WIDTHS: [u32; 4] = [64, 128, 256, 512];

/// Size of the register window (`AXIL_ADDR_WIDTH = 24`: Corundum's app BAR).
pub const REG_WINDOW: u64 = l4lb_core::regmap::BAR_SIZE;

/// Cycles an AXI-Lite transaction may take before it counts as hung.
pub const AXIL_TIMEOUT_CYCLES: u64 = 10_000;

/// Cycles of reset that [`Harness::new`] applies.
pub const RESET_CYCLES: u32 = 8;

/// A frame that left on `m_axis`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFrame {
    pub data: Vec<u8>,
    /// `m_axis_tdest`: the frame was balanced.
    pub balanced: bool,
    /// `tuser[0]` of the last beat (the bad-frame flag).
    pub bad_flag: bool,
    /// Cycle in which the frame's first beat was accepted on `s_axis`.
    pub in_cycle: u64,
    /// Cycle in which the frame's first beat left on `m_axis`.
    pub out_cycle: u64,
}

impl OutFrame {
    /// `out_cycle - in_cycle`.
    pub fn latency(&self) -> u64 {
        self.out_cycle - self.in_cycle
    }
}

/// Counters since the harness was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HarnessStats {
    /// Cycles from the first input beat accepted to the last output beat, both included.
    pub cycles: u64,
    pub beats_in: u64,
    pub beats_out: u64,
    /// Smallest and largest `out_cycle - in_cycle` of the frames that left.
    pub latency_min: Option<u64>,
    pub latency_max: Option<u64>,
    /// Frames whose last beat was accepted on `s_axis`.
    pub frames_in: u64,
    /// Frames whose last beat left on `m_axis`.
    pub frames_out: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("unsupported data width {0} (supported: 64, 128, 256, 512)")]
    UnsupportedWidth(u32),
    #[error("the model for width {0} was not built (build-time L4LB_WIDTHS={built:?})", built = built_widths_str())]
    NotBuilt(u32),
    #[error("empty frame: a frame has at least one byte")]
    EmptyFrame,
    #[error("hang: no output beat for {cycles} cycles while frames were pending")]
    Hang { cycles: u64 },
    #[error("trace: {0}")]
    Trace(String),
    #[error("AXI-Stream protocol violation on m_axis at cycle {cycle}: {what}")]
    Protocol { cycle: u64, what: String },
    #[error("the RTL called $finish/$stop/$fatal (cycle {cycle}); see the simulator's output")]
    Finished { cycle: u64 },
}

/// CPU time of the calling thread, in seconds: the fairer measure of a simulator's speed on a
/// shared machine. `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`, which counts the running time slice
/// up to the call; `/proc/thread-self/schedstat`, used before, is brought up to date only at the
/// scheduler's tick and when the thread is switched out (4 ms ticks on the development VM: about 1 %
/// of a 400,000-frame replay).
pub fn thread_cpu_seconds() -> Option<f64> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec that the call fills in.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9)
}

/// The widths this build of the crate contains (`L4LB_WIDTHS` at build time).
pub fn built_widths() -> Vec<u32> {
    built_widths_str().split(',').filter_map(|w| w.parse().ok()).collect()
}

fn built_widths_str() -> &'static str {
    env!("L4LB_BUILT_WIDTHS")
}

/// The RTL folder the models were built from.
pub fn rtl_dir() -> &'static str {
    env!("L4LB_BUILT_RTL_DIR")
}

/// A queued input frame: its bytes sit in the arena, padded with zeros to whole beats.
#[derive(Debug, Clone, Copy)]
struct InFrame {
    /// Absolute arena offset of byte 0 (see `Harness::arena_shift`).
    off: usize,
    beats: u32,
    last_keep: u64,
    bad: bool,
}

/// An output beat as the sink sees it: from the per-cycle outputs, or beat `burst` of a burst.
#[derive(Clone, Copy)]
struct OutBeat {
    cycle: u64,
    keep: u64,
    last: bool,
    user: bool,
    dest: bool,
    burst: Option<usize>,
}

/// Cycles in one call of the fast path at most.
const BURST_CYCLES: u64 = 4096;

/// One Verilated `l4lb` model with a stream source, a stream sink and an AXI-Lite master.
pub struct Harness {
    vt: &'static ffi::Vtable,
    model: NonNull<c_void>,
    width: u32,
    bpb: usize,
    full_keep: u64,
    inp: ffi::In,
    out: ffi::Out,
    cycle: u64,

    // Source.
    arena: Vec<u8>,
    /// Absolute offset of `arena[0]`: consumed frames are dropped from the front now and then.
    arena_shift: usize,
    queue: VecDeque<InFrame>,
    /// Next beat of `queue.front()`.
    beat: u32,
    in_idle_permille: u32,
    out_stall_permille: u32,
    rng: u64,

    // Sink.
    /// Frames in the pipeline, oldest first: the cycle each one's first beat went in, and its
    /// input bytes rounded up to beats (the room its output is given when no buffer is recycled).
    in_cycles: VecDeque<(u64, usize)>,
    cur: Vec<u8>,
    cur_active: bool,
    cur_in_cycle: u64,
    cur_out_cycle: u64,
    cur_dest: bool,
    /// Last cycle `m_axis_tvalid` was high and `m_axis_tready` low: valid must stay high.
    held: bool,
    outputs: Vec<OutFrame>,
    /// The fast path's buffers ([`Harness::step_n`]): input beats' tkeep and control, the cycle
    /// each was accepted in, and the output beats of a burst.
    burst_keep: Vec<u64>,
    burst_ctl: Vec<u8>,
    burst_in_at: Vec<u32>,
    burst_out_data: Vec<u8>,
    burst_out_keep: Vec<u64>,
    burst_out_ctl: Vec<u8>,
    burst_out_at: Vec<u32>,
    /// Buffers given back by the caller ([`Harness::recycle`]) for frames that leave, oldest
    /// first: frames leave in the order they were queued, so a frame's own input buffer, of its
    /// length, takes its output.
    spare: VecDeque<Vec<u8>>,
    fault: Option<SimError>,
    finished_seen: bool,

    // Counters.
    frames_queued: u64,
    /// Input beats of every frame queued so far.
    beats_queued: u64,
    frames_entered: u64,
    frames_in: u64,
    frames_out: u64,
    beats_in: u64,
    beats_out: u64,
    first_in: Option<u64>,
    last_out: Option<u64>,
    latency_min: Option<u64>,
    latency_max: Option<u64>,
}

// SAFETY: the model is owned by the harness and only touched through `&mut self`; a Verilated
// model with its own VerilatedContext may be evaluated from any one thread at a time.
unsafe impl Send for Harness {}

static TRACE_SEQ: AtomicU64 = AtomicU64::new(0);

impl Harness {
    /// Builds the model for `width_bits` and applies reset for [`RESET_CYCLES`] cycles.
    pub fn new(width_bits: u32) -> Result<Harness, SimError> {
        if !WIDTHS.contains(&width_bits) {
            return Err(SimError::UnsupportedWidth(width_bits));
        }
        let vt = ffi::vtable(width_bits).ok_or(SimError::NotBuilt(width_bits))?;
        // SAFETY: `create` returns a fresh model owned by us until `destroy` (in Drop).
        let model = NonNull::new(unsafe { (vt.create)() }).expect("model creation failed");
        let bpb = width_bits as usize / 8;
        let mut h = Harness {
            vt,
            model,
            width: width_bits,
            bpb,
            full_keep: if bpb == 64 { u64::MAX } else { (1u64 << bpb) - 1 },
            inp: ffi::In::default(),
            out: ffi::Out::default(),
            cycle: 0,
            arena: Vec::new(),
            arena_shift: 0,
            queue: VecDeque::new(),
            beat: 0,
            in_idle_permille: 0,
            out_stall_permille: 0,
            rng: 0x9E37_79B9_7F4A_7C15,
            in_cycles: VecDeque::new(),
            cur: Vec::new(),
            cur_active: false,
            cur_in_cycle: 0,
            cur_out_cycle: 0,
            cur_dest: false,
            held: false,
            outputs: Vec::new(),
            spare: VecDeque::new(),
            burst_keep: Vec::new(),
            burst_ctl: Vec::new(),
            burst_in_at: Vec::new(),
            burst_out_data: Vec::new(),
            burst_out_keep: Vec::new(),
            burst_out_ctl: Vec::new(),
            burst_out_at: Vec::new(),
            fault: None,
            finished_seen: false,
            frames_queued: 0,
            beats_queued: 0,
            frames_entered: 0,
            frames_in: 0,
            frames_out: 0,
            beats_in: 0,
            beats_out: 0,
            first_in: None,
            last_out: None,
            latency_min: None,
            latency_max: None,
        };
        if let Some(dir) = std::env::var_os("L4LB_TRACE").filter(|d| !d.is_empty()) {
            let dir = Path::new(&dir);
            std::fs::create_dir_all(dir).map_err(|e| SimError::Trace(format!("{}: {e}", dir.display())))?;
            let n = TRACE_SEQ.fetch_add(1, Ordering::Relaxed);
            h.trace_to(&dir.join(format!("l4lb_w{width_bits}_{}_{n}.vcd", std::process::id())))?;
        }
        h.inp.rst = 1;
        for _ in 0..RESET_CYCLES {
            h.raw_step();
        }
        h.inp.rst = 0;
        if h.out.finished != 0 {
            return Err(SimError::Finished { cycle: 0 });
        }
        Ok(h)
    }

    pub fn width_bits(&self) -> u32 {
        self.width
    }

    pub fn bytes_per_beat(&self) -> usize {
        self.bpb
    }

    /// Clock cycles stepped since reset.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// Frames whose first beat has been accepted.
    pub fn frames_entered(&self) -> u64 {
        self.frames_entered
    }

    /// Queues a frame behind the ones already queued; queued frames are driven back to back.
    /// `bad_frame` sets `tuser[0]` on its last beat.
    pub fn queue_frame(&mut self, data: &[u8], bad_frame: bool) -> Result<(), SimError> {
        if data.is_empty() {
            return Err(SimError::EmptyFrame);
        }
        self.compact_arena();
        let beats = data.len().div_ceil(self.bpb);
        let tail = data.len() - (beats - 1) * self.bpb;
        let off = self.arena_shift + self.arena.len();
        self.arena.extend_from_slice(data);
        self.arena.resize(self.arena.len() + beats * self.bpb - data.len(), 0);
        self.queue.push_back(InFrame {
            off,
            beats: u32::try_from(beats).expect("frame too long"),
            last_keep: if tail == 64 { u64::MAX } else { (1u64 << tail) - 1 },
            bad: bad_frame,
        });
        // Keeps `step` free of allocation: every queued frame has a slot waiting.
        self.in_cycles.reserve(self.queue.len());
        self.frames_queued += 1;
        self.beats_queued += beats as u64;
        Ok(())
    }

    /// Makes room for `frames` more queued frames of `bytes` bytes in all, and for their
    /// outputs, so that queuing them and stepping them through allocate nothing more than one
    /// buffer per frame that leaves (a long replay otherwise spends a tenth of its time growing
    /// these buffers).
    pub fn reserve(&mut self, frames: usize, bytes: usize) {
        self.compact_arena();
        self.arena.reserve(bytes + frames * self.bpb);
        self.queue.reserve(frames);
        self.in_cycles.reserve(self.queue.len() + frames);
        self.reserve_outputs(frames);
    }

    /// Makes room for the outputs of `frames` more frames, so that collecting them does not
    /// grow the list while stepping (for a caller that queues frames a few at a time).
    pub fn reserve_outputs(&mut self, frames: usize) {
        self.outputs.reserve(self.queue.len() + frames);
    }

    /// Gives the harness a buffer to hold a frame that leaves, instead of a new allocation: a
    /// caller that no longer needs a frame's bytes once queued hands their buffer back, so a
    /// long replay allocates (and faults in) no memory while stepping.
    pub fn recycle(&mut self, buf: Vec<u8>) {
        self.spare.push_back(buf);
    }

    /// Frames queued whose last beat has not entered yet.
    pub fn frames_waiting(&self) -> usize {
        self.queue.len()
    }

    /// Drops the bytes of frames that have entered, when that is worth a copy.
    fn compact_arena(&mut self) {
        let consumed = match self.queue.front() {
            Some(f) => f.off - self.arena_shift,
            None => self.arena.len(),
        };
        if consumed == self.arena.len() {
            self.arena_shift += consumed;
            self.arena.clear();
        } else if consumed >= (1 << 20) && consumed * 2 >= self.arena.len() {
            self.arena.drain(..consumed);
            self.arena_shift += consumed;
        }
    }

    /// Random idle cycles on the input (`s_axis_tvalid = 0`, also inside frames) and random
    /// `m_axis_tready = 0` cycles, each per cycle with the given probability in permille.
    pub fn set_stalls(&mut self, input_idle_permille: u32, output_stall_permille: u32, seed: u64) {
        self.in_idle_permille = input_idle_permille.min(1000);
        self.out_stall_permille = output_stall_permille.min(1000);
        // splitmix64 of the seed, never zero (xorshift state).
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        self.rng = (z ^ (z >> 31)) | 1;
    }

    #[inline]
    fn chance(&mut self, permille: u32) -> bool {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32;
        ((r * 1000) >> 32) < permille as u64
    }

    #[inline]
    fn raw_step(&mut self) {
        // SAFETY: `model` is live; `inp.s_tdata` is null or points at a full beat in `arena`,
        // which is not touched during the call.
        unsafe { (self.vt.step)(self.model.as_ptr(), &self.inp, &mut self.out) };
    }

    /// Exactly one clock cycle: drive the inputs, sample the outputs, rising edge.
    pub fn step(&mut self) {
        // Source.
        let mut drive = None;
        if let Some(f) = self.queue.front() {
            let f = *f;
            if self.in_idle_permille == 0 || !self.chance(self.in_idle_permille) {
                drive = Some(f);
            }
        }
        match drive {
            Some(f) => {
                let last = self.beat + 1 == f.beats;
                let idx = f.off - self.arena_shift + self.beat as usize * self.bpb;
                debug_assert!(idx + self.bpb <= self.arena.len());
                // SAFETY: in bounds: every frame is padded to whole beats.
                self.inp.s_tdata = unsafe { self.arena.as_ptr().add(idx) };
                self.inp.s_tkeep = if last { f.last_keep } else { self.full_keep };
                self.inp.s_tlast = last as u8;
                self.inp.s_tuser = (last && f.bad) as u8;
                self.inp.s_tvalid = 1;
            }
            None => {
                self.inp.s_tdata = std::ptr::null();
                self.inp.s_tvalid = 0;
            }
        }
        self.inp.m_tready = (self.out_stall_permille == 0 || !self.chance(self.out_stall_permille)) as u8;

        self.raw_step();

        // Input handshake.
        if let Some(f) = drive {
            if self.out.s_tready != 0 {
                self.accept_beat(f, self.cycle);
            }
        }

        // Output handshake.
        if self.out.m_tvalid != 0 {
            if self.inp.m_tready != 0 {
                let o = OutBeat {
                    cycle: self.cycle,
                    keep: self.out.m_tkeep,
                    last: self.out.m_tlast != 0,
                    user: self.out.m_tuser & 1 != 0,
                    dest: self.out.m_tdest != 0,
                    burst: None,
                };
                self.sink_beat(o);
                self.held = false;
            } else {
                self.held = true;
            }
        } else if self.held {
            self.held = false;
            self.protocol_fault(self.cycle, "m_axis_tvalid dropped before the beat was accepted");
        }
        if self.out.finished != 0 && !self.finished_seen {
            self.finished_seen = true;
            if self.fault.is_none() {
                self.fault = Some(SimError::Finished { cycle: self.cycle });
            }
        }
        self.cycle += 1;
    }

    /// The beat `self.beat` of the front frame `f` was accepted in `cycle`.
    #[inline]
    fn accept_beat(&mut self, f: InFrame, cycle: u64) {
        self.beats_in += 1;
        if self.beat == 0 {
            self.in_cycles.push_back((cycle, f.beats as usize * self.bpb));
            self.frames_entered += 1;
            if self.first_in.is_none() {
                self.first_in = Some(cycle);
            }
        }
        if self.beat + 1 == f.beats {
            self.queue.pop_front();
            self.beat = 0;
            self.frames_in += 1;
        } else {
            self.beat += 1;
        }
    }

    #[inline]
    fn sink_beat(&mut self, o: OutBeat) {
        let cycle = o.cycle;
        self.beats_out += 1;
        self.last_out = Some(cycle);
        let dest = o.dest;
        if !self.cur_active {
            self.cur_active = true;
            self.cur_out_cycle = cycle;
            self.cur_dest = dest;
            let room = match self.in_cycles.pop_front() {
                Some((c, room)) => {
                    self.cur_in_cycle = c;
                    room
                }
                None => {
                    self.protocol_fault(cycle, "a frame left that never entered");
                    self.cur_in_cycle = cycle;
                    self.bpb
                }
            };
            // The frame's bytes go straight into the buffer it leaves in: a recycled one (the
            // oldest, which held this frame's input, of its length) or a new one with room for
            // as many bytes as went in.
            self.cur = match self.spare.pop_front() {
                Some(mut b) => {
                    b.clear();
                    b
                }
                None => Vec::with_capacity(room),
            };
        } else if dest != self.cur_dest {
            self.protocol_fault(cycle, "m_axis_tdest changed inside a frame");
        }
        let keep = o.keep;
        let last = o.last;
        let n = if last {
            let n = keep.trailing_ones() as usize;
            if n == 0 || n > self.bpb || (n < 64 && keep >> n != 0) {
                self.protocol_fault(cycle, &format!("last beat has tkeep {keep:#x}: not contiguous from lane 0"));
            }
            n.min(self.bpb)
        } else {
            if keep != self.full_keep {
                self.protocol_fault(cycle, &format!("beat before the last has tkeep {keep:#x}, not full"));
            }
            self.bpb
        };
        let data = match o.burst {
            None => &self.out.m_tdata[..n],
            Some(i) => &self.burst_out_data[i * self.bpb..i * self.bpb + n],
        };
        self.cur.extend_from_slice(data);
        if last {
            let latency = self.cur_out_cycle.saturating_sub(self.cur_in_cycle);
            self.latency_min = Some(self.latency_min.map_or(latency, |m| m.min(latency)));
            self.latency_max = Some(self.latency_max.map_or(latency, |m| m.max(latency)));
            self.outputs.push(OutFrame {
                data: std::mem::take(&mut self.cur),
                balanced: self.cur_dest,
                bad_flag: o.user,
                in_cycle: self.cur_in_cycle,
                out_cycle: self.cur_out_cycle,
            });
            self.cur_active = false;
            self.frames_out += 1;
        }
    }

    #[cold]
    fn protocol_fault(&mut self, cycle: u64, what: &str) {
        if self.fault.is_none() {
            self.fault = Some(SimError::Protocol { cycle, what: what.to_string() });
        }
    }

    /// `cycles` clock cycles, exactly as that many [`Harness::step`] calls would run them. Without
    /// random stalls ([`Harness::set_stalls`]) the cycles run in bursts inside the model's C++
    /// (one call for up to 4,096 cycles, the input beats handed over up front), which spares a
    /// call and the harness's bookkeeping per cycle.
    pub fn step_n(&mut self, cycles: u64) {
        let mut left = cycles;
        while left > 0 {
            if !self.burst_ok() {
                self.step();
                left -= 1;
                continue;
            }
            left -= self.burst(left, u64::MAX);
        }
    }

    /// The fast path applies: no random stalls, no beat held by a stall, no finish seen.
    fn burst_ok(&self) -> bool {
        self.in_idle_permille == 0 && self.out_stall_permille == 0 && !self.held && !self.finished_seen
    }

    /// Up to `cycles` cycles (at most [`BURST_CYCLES`], at least one) in the model's C++,
    /// ending early after the cycle in which the `out_limit`-th output beat of the burst left or
    /// the model finished. Returns the cycles run. The bookkeeping is that of `step`, in the same order per frame.
    fn burst(&mut self, cycles: u64, out_limit: u64) -> u64 {
        let n = cycles.clamp(1, BURST_CYCLES) as usize;
        // The input beats the burst may take: at most one a cycle, from the current beat of the
        // front frame on. The queued frames lie back to back in the arena, padded to beats.
        self.burst_keep.clear();
        self.burst_ctl.clear();
        let mut data: *const u8 = std::ptr::null();
        'frames: for (k, f) in self.queue.iter().enumerate() {
            let first = if k == 0 { self.beat } else { 0 };
            if k == 0 {
                let idx = f.off - self.arena_shift + first as usize * self.bpb;
                // SAFETY: in bounds: every frame is padded to whole beats.
                data = unsafe { self.arena.as_ptr().add(idx) };
            }
            for b in first..f.beats {
                if self.burst_keep.len() == n {
                    break 'frames;
                }
                let last = b + 1 == f.beats;
                self.burst_keep.push(if last { f.last_keep } else { self.full_keep });
                self.burst_ctl.push(last as u8 | (((last && f.bad) as u8) << 1));
            }
        }
        let n_in = self.burst_keep.len();
        self.burst_in_at.resize(n_in, 0);
        self.burst_out_data.resize(n * self.bpb, 0);
        self.burst_out_keep.resize(n, 0);
        self.burst_out_ctl.resize(n, 0);
        self.burst_out_at.resize(n, 0);
        let mut b = ffi::Burst {
            in_data: data,
            in_keep: self.burst_keep.as_ptr(),
            in_ctl: self.burst_ctl.as_ptr(),
            out_data: self.burst_out_data.as_mut_ptr(),
            out_keep: self.burst_out_keep.as_mut_ptr(),
            out_ctl: self.burst_out_ctl.as_mut_ptr(),
            out_at: self.burst_out_at.as_mut_ptr(),
            in_at: self.burst_in_at.as_mut_ptr(),
            n_in: n_in as u32,
            cycles: n as u32,
            out_limit: out_limit.min(u32::MAX as u64) as u32,
            ran: 0,
            beats_in: 0,
            beats_out: 0,
            finished: 0,
        };
        // SAFETY: `model` is live; every pointer covers what the burst may touch (n_in input
        // beats in the arena, n output beats, n_in acceptance cycles), and nothing else runs.
        unsafe { (self.vt.burst)(self.model.as_ptr(), &mut b) };
        let c0 = self.cycle;
        for j in 0..b.beats_in as usize {
            let f = *self.queue.front().expect("an accepted beat belongs to a queued frame");
            self.accept_beat(f, c0 + self.burst_in_at[j] as u64);
        }
        for j in 0..b.beats_out as usize {
            let ctl = self.burst_out_ctl[j];
            let o = OutBeat {
                cycle: c0 + self.burst_out_at[j] as u64,
                keep: self.burst_out_keep[j],
                last: ctl & 1 != 0,
                user: ctl & 2 != 0,
                dest: ctl & 4 != 0,
                burst: Some(j),
            };
            self.sink_beat(o);
        }
        let ran = b.ran as u64;
        self.cycle += ran;
        if b.finished != 0 && !self.finished_seen {
            self.finished_seen = true;
            if self.fault.is_none() {
                self.fault = Some(SimError::Finished { cycle: self.cycle - 1 });
            }
        }
        ran
    }

    /// Steps until every queued frame has left. `Err(Hang)` when no output beat leaves for
    /// `max_stall_cycles` cycles while frames are pending (choose it above the pipeline latency:
    /// `CAP_LATENCY` is about 1,170 cycles at 64 bits); `Err(Protocol)` on a malformed output
    /// stream; `Err(Finished)` when the RTL called `$finish`.
    pub fn run(&mut self, max_stall_cycles: u64) -> Result<(), SimError> {
        let mut quiet = 0u64;
        while self.frames_out < self.frames_queued {
            let before = self.beats_out;
            let c_before = self.cycle;
            if self.burst_ok() {
                // Ends after the cycle of the last beat still to come (as many as went in), as
                // stepping would: the cycle count is the same either way.
                let to_come = self.beats_queued.saturating_sub(self.beats_out).max(1);
                self.burst(max_stall_cycles.saturating_sub(quiet).max(1), to_come);
            } else {
                self.step();
            }
            if let Some(e) = self.fault.take() {
                return Err(e);
            }
            if self.beats_out != before {
                quiet = 0;
                // The last output beat of the burst ended the quiet time.
                if let Some(last) = self.last_out {
                    quiet = self.cycle - 1 - last;
                }
            } else {
                quiet += self.cycle - c_before;
            }
            if quiet >= max_stall_cycles && self.frames_out < self.frames_queued {
                return Err(SimError::Hang { cycles: quiet });
            }
        }
        Ok(())
    }

    /// The frames that left since the last call, in order.
    pub fn take_output(&mut self) -> Vec<OutFrame> {
        std::mem::take(&mut self.outputs)
    }

    /// The first stream fault seen by [`Harness::step`] and not yet reported by [`Harness::run`].
    pub fn take_fault(&mut self) -> Option<SimError> {
        self.fault.take()
    }

    pub fn stats(&self) -> HarnessStats {
        let cycles = match (self.first_in, self.last_out) {
            (Some(a), Some(b)) if b >= a => b - a + 1,
            _ => 0,
        };
        HarnessStats {
            cycles,
            beats_in: self.beats_in,
            beats_out: self.beats_out,
            latency_min: self.latency_min,
            latency_max: self.latency_max,
            frames_in: self.frames_in,
            frames_out: self.frames_out,
        }
    }

    /// Starts a VCD trace of every signal at `path` (two time steps per clock cycle: inputs
    /// settled, then after the rising edge). It is closed when the harness is dropped; a second
    /// call closes the first trace.
    pub fn trace_to(&mut self, path: &Path) -> Result<(), SimError> {
        use std::os::unix::ffi::OsStrExt;
        let c = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| SimError::Trace(format!("{}: path contains NUL", path.display())))?;
        // SAFETY: live model, NUL-terminated path that outlives the call.
        let rc = unsafe { (self.vt.trace_open)(self.model.as_ptr(), c.as_ptr()) };
        match rc {
            0 => {}
            -2 => return Err(SimError::Trace("VCD support was not built (L4LB_VCD=0 at build time)".into())),
            _ => return Err(SimError::Trace(format!("cannot open {} for writing", path.display()))),
        }
        Ok(())
    }

    /// Writes what the trace has buffered to its file.
    pub fn trace_flush(&mut self) {
        // SAFETY: live model.
        unsafe { (self.vt.trace_flush)(self.model.as_ptr()) };
    }

    /// Steps until `done` (checked after each cycle) or the timeout; the AXI-Lite state machine.
    fn axil_wait(&mut self, what: &str, offset: u32, mut done: impl FnMut(&mut Self) -> bool) -> Result<(), RegError> {
        for _ in 0..AXIL_TIMEOUT_CYCLES {
            self.step();
            if done(self) {
                return Ok(());
            }
        }
        self.inp.axil_awvalid = 0;
        self.inp.axil_wvalid = 0;
        self.inp.axil_bready = 0;
        self.inp.axil_arvalid = 0;
        self.inp.axil_rready = 0;
        Err(RegError::Device(format!("AXI-Lite {what} at {offset:#x} timed out after {AXIL_TIMEOUT_CYCLES} cycles")))
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // SAFETY: the model was created in `new` and is destroyed once (this also closes a trace).
        unsafe { (self.vt.destroy)(self.model.as_ptr()) };
    }
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("width", &self.width)
            .field("cycle", &self.cycle)
            .field("queued", &self.queue.len())
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// The register window through the AXI-Lite port. Traffic queued on the stream keeps flowing
/// while a transaction runs.
impl RegisterAccess for Harness {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        check_offset(offset as u64, REG_WINDOW)?;
        self.inp.axil_araddr = offset;
        self.inp.axil_arvalid = 1;
        self.inp.axil_rready = 1;
        let mut data = None;
        self.axil_wait("read", offset, |h| {
            if h.inp.axil_arvalid != 0 && h.out.axil_arready != 0 {
                h.inp.axil_arvalid = 0;
            }
            if h.out.axil_rvalid != 0 {
                h.inp.axil_rready = 0;
                data = Some((h.out.axil_rdata, h.out.axil_rresp));
                return true;
            }
            false
        })?;
        let (value, resp) = data.expect("read completed");
        if self.inp.axil_arvalid != 0 {
            self.inp.axil_arvalid = 0;
            return Err(RegError::Device(format!(
                "AXI-Lite read at {offset:#x}: data before the address was accepted"
            )));
        }
        if resp != 0 {
            return Err(RegError::Device(format!("AXI-Lite read at {offset:#x}: RRESP {resp}")));
        }
        Ok(value)
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        check_offset(offset as u64, REG_WINDOW)?;
        self.inp.axil_awaddr = offset;
        self.inp.axil_awvalid = 1;
        self.inp.axil_wdata = value;
        self.inp.axil_wstrb = 0xF;
        self.inp.axil_wvalid = 1;
        self.inp.axil_bready = 1;
        let mut resp = 0;
        self.axil_wait("write", offset, |h| {
            if h.inp.axil_awvalid != 0 && h.out.axil_awready != 0 {
                h.inp.axil_awvalid = 0;
            }
            if h.inp.axil_wvalid != 0 && h.out.axil_wready != 0 {
                h.inp.axil_wvalid = 0;
            }
            if h.out.axil_bvalid != 0 {
                h.inp.axil_bready = 0;
                resp = h.out.axil_bresp;
                return true;
            }
            false
        })?;
        if self.inp.axil_awvalid != 0 || self.inp.axil_wvalid != 0 {
            self.inp.axil_awvalid = 0;
            self.inp.axil_wvalid = 0;
            return Err(RegError::Device(format!("AXI-Lite write at {offset:#x}: response before address and data")));
        }
        if resp != 0 {
            return Err(RegError::Device(format!("AXI-Lite write at {offset:#x}: BRESP {resp}")));
        }
        Ok(())
    }

    fn size(&self) -> u64 {
        REG_WINDOW
    }
}
