//! The harness against the RTL it was built from (`l4lb_rtlsim::rtl_dir()`), at every width
//! that was built (`L4LB_WIDTHS`): register access, pass-through, back-to-back timing, stalls.

use std::error::Error;

use l4lb_core::regmap::{ID_VALUE, REG_CAP_LATENCY, REG_CAP_WIDTH, REG_CTRL, REG_HASH_SEED, REG_ID};
use l4lb_core::regs::{RegError, RegisterAccess};
use l4lb_rtlsim::{built_widths, Harness, OutFrame, SimError, WIDTHS};

type TestResult = Result<(), Box<dyn Error>>;

/// Generous: the latency is about 1,170 cycles at 64 bits with MAX_LEN = 9216.
const MAX_STALL: u64 = 100_000;

fn widths() -> Result<Vec<u32>, Box<dyn Error>> {
    let w = built_widths();
    if w.is_empty() {
        return Err("no model built (L4LB_WIDTHS=none)".into());
    }
    Ok(w)
}

/// Deterministic pseudo-random numbers (xorshift64*), so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// A UDP/IPv4 frame (what the balancer looks at), `len` bytes with padding.
fn udp_frame(len: usize) -> Vec<u8> {
    let mut f = vec![0u8; len.max(42)];
    f[0..6].copy_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    f[6..12].copy_from_slice(&[0x02, 0, 0, 0, 0, 2]);
    f[12..14].copy_from_slice(&[0x08, 0x00]);
    let tl = (f.len() - 14) as u16;
    f[14] = 0x45;
    f[16..18].copy_from_slice(&tl.to_be_bytes());
    f[22] = 64;
    f[23] = 17;
    f[26..30].copy_from_slice(&[192, 168, 1, 10]);
    f[30..34].copy_from_slice(&[10, 0, 0, 1]);
    f[34..36].copy_from_slice(&1234u16.to_be_bytes());
    f[36..38].copy_from_slice(&80u16.to_be_bytes());
    f[38..40].copy_from_slice(&(tl - 20).to_be_bytes());
    for (i, b) in f[42..].iter_mut().enumerate() {
        *b = i as u8;
    }
    f
}

fn check_same(sent: &[(Vec<u8>, bool)], got: &[OutFrame], width: u32) -> TestResult {
    if sent.len() != got.len() {
        return Err(format!("{width} bits: {} frames sent, {} came out", sent.len(), got.len()).into());
    }
    for (i, ((data, bad), out)) in sent.iter().zip(got).enumerate() {
        if out.data.len() != data.len() {
            return Err(format!("{width} bits: frame {i}: {} bytes in, {} out", data.len(), out.data.len()).into());
        }
        if &out.data != data {
            let at = data.iter().zip(&out.data).position(|(a, b)| a != b).unwrap();
            return Err(format!("{width} bits: frame {i} ({} bytes) differs from byte {at}", data.len()).into());
        }
        if out.bad_flag != *bad {
            return Err(format!("{width} bits: frame {i}: bad flag {} in, {} out", bad, out.bad_flag).into());
        }
        if out.balanced {
            return Err(format!("{width} bits: frame {i} was balanced with no VIP configured").into());
        }
    }
    Ok(())
}

#[test]
fn id_and_width_registers_read_at_every_width() -> TestResult {
    for w in widths()? {
        let mut h = Harness::new(w)?;
        assert_eq!(h.width_bits(), w);
        assert_eq!(h.bytes_per_beat(), w as usize / 8);
        let id = h.read32(REG_ID)?;
        assert_eq!(id, ID_VALUE, "{w} bits: ID register");
        assert_eq!(h.read32(REG_CAP_WIDTH)?, w, "{w} bits: CAP_WIDTH");
        // A transaction takes a few cycles, not the timeout.
        assert!(h.cycle() < 50, "{w} bits: two reads took {} cycles", h.cycle());
    }
    Ok(())
}

#[test]
fn frames_pass_byte_identical_when_disabled() -> TestResult {
    for w in widths()? {
        let mut h = Harness::new(w)?;
        h.write32(REG_CTRL, 0)?;
        assert_eq!(h.read32(REG_CTRL)? & 1, 0);
        let bpb = h.bytes_per_beat();
        let mut rng = Rng(0x5EED ^ w as u64);
        let mut sent = Vec::new();
        let lens = [1, 2, bpb - 1, bpb, bpb + 1, 14, 42, 59, 60, 64, 65, 127, 128, 129, 1514, 1518, 9014, 9216];
        for (i, &len) in lens.iter().enumerate() {
            let data = if i % 2 == 0 { rng.bytes(len) } else { udp_frame(len) };
            let bad = i % 3 == 1;
            h.queue_frame(&data, bad)?;
            sent.push((data, bad));
        }
        h.run(MAX_STALL)?;
        check_same(&sent, &h.take_output(), w)?;
        let st = h.stats();
        assert_eq!(st.frames_in, sent.len() as u64);
        assert_eq!(st.frames_out, sent.len() as u64);
        assert_eq!(st.beats_in, st.beats_out);
    }
    Ok(())
}

#[test]
fn recycled_buffers_carry_the_outputs_whatever_they_held() -> TestResult {
    for w in widths()? {
        let mut h = Harness::new(w)?;
        h.write32(REG_CTRL, 0)?;
        let mut rng = Rng(0xB0F ^ w as u64);
        let mut sent = Vec::new();
        for i in 0..40 {
            let len = 1 + rng.below(300) as usize;
            let data = if i % 2 == 0 { rng.bytes(len) } else { udp_frame(len) };
            h.queue_frame(&data, false)?;
            // Fewer buffers than frames, of other lengths, full of stale bytes: each output must
            // be exactly its frame, whether it lands in a spare buffer or a new one.
            if i % 4 != 3 {
                h.recycle(vec![0xA5; rng.below(200) as usize]);
            }
            sent.push((data, false));
        }
        h.run(MAX_STALL)?;
        check_same(&sent, &h.take_output(), w)?;
    }
    Ok(())
}

#[test]
fn bursts_run_the_same_cycles_as_single_steps() -> TestResult {
    use l4lb_core::regmap::REG_BANK;
    for w in widths()? {
        // Two harnesses, the same frames (random lengths, some flagged bad, a bank switch in
        // between): one stepped a cycle at a time, one in bursts (step_n, then run).
        let mut one = Harness::new(w)?;
        let mut many = Harness::new(w)?;
        let mut rng = Rng(0xB0257 ^ w as u64);
        let frames: Vec<(Vec<u8>, bool)> = (0..600)
            .map(|i| {
                let len = 1 + rng.below(400) as usize;
                (if i % 3 == 0 { rng.bytes(len) } else { udp_frame(len) }, i % 7 == 3)
            })
            .collect();
        for h in [&mut one, &mut many] {
            h.write32(REG_BANK, 1)?;
            for (f, bad) in &frames[..300] {
                h.queue_frame(f, *bad)?;
            }
        }
        for _ in 0..1234 {
            one.step();
        }
        many.step_n(1234);
        assert_eq!(one.cycle(), many.cycle(), "{w} bits: cycles after step_n");
        assert_eq!(one.stats(), many.stats(), "{w} bits: stats after step_n");
        for h in [&mut one, &mut many] {
            for (f, bad) in &frames[300..] {
                h.queue_frame(f, *bad)?;
            }
        }
        while one.stats().frames_out < frames.len() as u64 {
            one.step();
        }
        many.run(MAX_STALL)?;
        assert_eq!(one.cycle(), many.cycle(), "{w} bits: cycles after run");
        assert_eq!(one.stats(), many.stats(), "{w} bits: stats after run");
        let (a, b) = (one.take_output(), many.take_output());
        assert_eq!(a.len(), frames.len(), "{w} bits: frames out");
        assert!(a == b, "{w} bits: the outputs differ between single steps and bursts");
        check_same(&frames, &a, w)?;
    }
    Ok(())
}

#[test]
fn back_to_back_frames_leave_without_gaps_at_a_constant_latency() -> TestResult {
    for w in widths()? {
        let mut h = Harness::new(w)?;
        h.write32(REG_CTRL, 1)?;
        let latency = h.read32(REG_CAP_LATENCY)? as u64;
        let bpb = h.bytes_per_beat();
        let mut rng = Rng(0xB2B ^ w as u64);
        let mut sent = Vec::new();
        for len in 1..=200usize {
            let data = if len >= 42 && len % 3 == 0 { udp_frame(len) } else { rng.bytes(len) };
            h.queue_frame(&data, false)?;
            sent.push((data, false));
        }
        h.run(MAX_STALL)?;
        let out = h.take_output();
        check_same(&sent, &out, w)?;
        let mut total_beats = 0;
        for (i, f) in out.iter().enumerate() {
            let beats = sent[i].0.len().div_ceil(bpb) as u64;
            total_beats += beats;
            if f.latency() != latency {
                return Err(
                    format!("{w} bits: frame {i} took {} cycles, CAP_LATENCY says {latency}", f.latency()).into()
                );
            }
            if let Some(next) = out.get(i + 1) {
                if next.in_cycle != f.in_cycle + beats {
                    return Err(format!("{w} bits: input idled before frame {}", i + 1).into());
                }
                if next.out_cycle != f.out_cycle + beats {
                    return Err(format!(
                        "{w} bits: output idled {} cycles before frame {}",
                        next.out_cycle - f.out_cycle - beats,
                        i + 1
                    )
                    .into());
                }
            }
        }
        let st = h.stats();
        assert_eq!(st.beats_in, total_beats);
        assert_eq!(st.beats_out, total_beats);
        assert_eq!(st.cycles, total_beats + latency, "{w} bits: first beat in to last beat out");
        assert_eq!((st.latency_min, st.latency_max), (Some(latency), Some(latency)));
    }
    Ok(())
}

#[test]
fn random_stalls_lose_and_reorder_nothing() -> TestResult {
    for w in widths()? {
        for seed in [1u64, 2] {
            let mut h = Harness::new(w)?;
            let latency = h.read32(REG_CAP_LATENCY)? as u64;
            if seed == 2 {
                h.write32(REG_CTRL, 1)?;
            }
            h.set_stalls(250, 400, seed * 1000 + w as u64);
            let mut rng = Rng(seed.wrapping_mul(0x1234_5678_9ABC_DEF1) | 1);
            let mut sent = Vec::new();
            let mut got = Vec::new();
            for round in 0..4 {
                for _ in 0..60 {
                    let len = match rng.below(10) {
                        0 => 1 + rng.below(9216) as usize,
                        1..=3 => 60 + rng.below(40) as usize,
                        _ => 1 + rng.below(400) as usize,
                    };
                    let data = if len >= 42 && rng.below(2) == 0 { udp_frame(len) } else { rng.bytes(len) };
                    let bad = rng.below(8) == 0;
                    h.queue_frame(&data, bad)?;
                    sent.push((data, bad));
                }
                // Register writes and reads while the traffic flows.
                let seed_value = 0x5EED_0000 | round as u32;
                h.write32(REG_HASH_SEED, seed_value)?;
                assert_eq!(h.read32(REG_HASH_SEED)?, seed_value);
                for _ in 0..10 {
                    assert_eq!(h.read32(REG_ID)?, ID_VALUE);
                    for _ in 0..rng.below(50) {
                        h.step();
                    }
                }
                if round % 2 == 1 {
                    h.run(MAX_STALL)?;
                }
                got.extend(h.take_output());
            }
            h.run(MAX_STALL)?;
            got.extend(h.take_output());
            if let Some(e) = h.take_fault() {
                return Err(e.into());
            }
            check_same(&sent, &got, w)?;
            let st = h.stats();
            assert!(st.latency_min.unwrap() >= latency, "{w} bits: a frame beat CAP_LATENCY");
            assert_eq!(h.frames_entered(), sent.len() as u64);
        }
    }
    Ok(())
}

#[test]
fn register_offsets_are_checked() -> TestResult {
    let w = widths()?[0];
    let mut h = Harness::new(w)?;
    assert_eq!(h.size(), 1 << 24);
    assert!(matches!(h.read32(2), Err(RegError::Unaligned { offset: 2 })));
    assert!(matches!(h.write32(1 << 24, 0), Err(RegError::OutOfBounds { .. })));
    h.read32((1 << 24) - 4)?; // the last word of the window reads (0: unmapped)
    assert_eq!(h.read64(REG_ID)?, (ID_VALUE as u64) | ((h.read32(4)? as u64) << 32));
    Ok(())
}

#[test]
fn bad_arguments_are_refused() -> TestResult {
    assert!(matches!(Harness::new(32), Err(SimError::UnsupportedWidth(32))));
    for w in WIDTHS {
        if !built_widths().contains(&w) {
            assert!(matches!(Harness::new(w), Err(SimError::NotBuilt(_))));
        }
    }
    let mut h = Harness::new(widths()?[0])?;
    assert!(matches!(h.queue_frame(&[], false), Err(SimError::EmptyFrame)));
    Ok(())
}

#[test]
fn a_stuck_output_is_reported_as_a_hang() -> TestResult {
    let mut h = Harness::new(widths()?[0])?;
    h.set_stalls(0, 1000, 7);
    h.queue_frame(&[1, 2, 3], false)?;
    match h.run(500) {
        Err(SimError::Hang { cycles: 500 }) => {}
        other => return Err(format!("expected a hang, got {other:?}").into()),
    }
    // Releasing the output lets the frame through.
    h.set_stalls(0, 0, 0);
    h.run(MAX_STALL)?;
    assert_eq!(h.take_output()[0].data, vec![1, 2, 3]);
    Ok(())
}

#[test]
fn trace_writes_a_vcd() -> TestResult {
    let path = std::env::temp_dir().join(format!("l4lb-rtlsim-test-{}.vcd", std::process::id()));
    {
        let mut h = Harness::new(widths()?[0])?;
        match h.trace_to(&path) {
            Err(SimError::Trace(msg)) if msg.contains("not built") => return Ok(()), // L4LB_VCD=0
            r => r?,
        }
        h.queue_frame(&udp_frame(100), false)?;
        h.run(MAX_STALL)?;
        assert_eq!(h.read32(REG_ID)?, ID_VALUE);
    }
    let text = std::fs::read_to_string(&path)?;
    std::fs::remove_file(&path)?;
    assert!(text.contains("$enddefinitions"), "no VCD header");
    assert!(text.contains("s_axis_tvalid"), "no s_axis_tvalid in the trace");
    assert!(matches!(
        Harness::new(widths()?[0])?.trace_to(std::path::Path::new("/nonexistent/dir/x.vcd")),
        Err(SimError::Trace(_))
    ));
    Ok(())
}

#[test]
fn a_harness_can_move_to_another_thread() -> TestResult {
    let w = *widths()?.last().unwrap();
    let mut h = Harness::new(w)?;
    h.queue_frame(&udp_frame(300), false)?;
    let out = std::thread::spawn(move || -> Result<Vec<OutFrame>, SimError> {
        h.run(MAX_STALL)?;
        Ok(h.take_output())
    })
    .join()
    .map_err(|_| "thread panicked")??;
    assert_eq!(out[0].data, udp_frame(300));
    Ok(())
}

/// docs/architecture.md, *Atomic updates*: `BANK` reads back; `BANK_BUSY` shows the bank of the
/// frames in the lookup pipeline while traffic flows, moves to the new bank after a switch, and
/// reads 0 once the traffic has left.
#[test]
fn bank_busy_follows_the_frames_in_flight() -> TestResult {
    use l4lb_core::regmap::{REG_BANK, REG_BANK_BUSY};
    for w in widths()? {
        let mut h = Harness::new(w)?;
        assert_eq!(h.read32(REG_BANK)?, 0, "{w} bits: BANK resets to 0");
        assert_eq!(h.read32(REG_BANK_BUSY)?, 0, "{w} bits: idle");
        for _ in 0..3000 {
            h.queue_frame(&udp_frame(60), false)?;
        }
        for _ in 0..200 {
            h.step();
        }
        assert_eq!(h.read32(REG_BANK_BUSY)?, 0b01, "{w} bits: frames of bank 0 in flight");
        h.write32(REG_BANK, 0xFFFF_FFFF)?;
        assert_eq!(h.read32(REG_BANK)?, 1, "{w} bits: BANK keeps bit 0 only");
        // The lookup window is ten pipeline advances: after a few more transactions only
        // frames that latched bank 1 are left.
        for _ in 0..4 {
            h.read32(REG_ID)?;
        }
        assert!(h.frames_entered() < 3000, "{w} bits: traffic still flowing");
        assert_eq!(h.read32(REG_BANK_BUSY)?, 0b10, "{w} bits: only bank 1 in flight");
        h.run(MAX_STALL)?;
        assert_eq!(h.take_output().len(), 3000);
        assert_eq!(h.read32(REG_BANK_BUSY)?, 0, "{w} bits: idle again");
    }
    Ok(())
}

/// docs/architecture.md, *Ports*: a core on its own is port 0 of 1; `READ_PORT` keeps its low
/// byte and `HAIRPIN` all 32 bits, starting with every port sent back out of itself. The model
/// (core/src/model.rs) must read the same after the same writes.
#[test]
fn port_registers_read_as_the_model_does() -> TestResult {
    use l4lb_core::layout::Caps;
    use l4lb_core::model::ModelDevice;
    use l4lb_core::regmap::{REG_HAIRPIN, REG_PORTS, REG_READ_PORT};
    use l4lb_core::regs::RegisterAccess;
    for w in widths()? {
        let mut h = Harness::new(w)?;
        let mut m = ModelDevice::new(Caps::read(&mut h)?);
        // independent facts first: PORTS = {count 1, index 0}; HAIRPIN nibble p = p
        assert_eq!(h.read32(REG_PORTS)?, 0x0000_0100, "{w} bits: PORTS");
        assert_eq!(h.read32(REG_HAIRPIN)?, 0x7654_3210, "{w} bits: HAIRPIN after reset");
        for (reg, value) in [
            (REG_PORTS, 0x0000_0503),
            (REG_READ_PORT, 0xABCD_EF05),
            (REG_HAIRPIN, 0x0123_4567),
            (REG_HAIRPIN, 0xFFFF_FF01),
        ] {
            h.write32(reg, value)?;
            m.write32(reg, value)?;
            for r in [REG_PORTS, REG_READ_PORT, REG_HAIRPIN] {
                assert_eq!(h.read32(r)?, m.read32(r)?, "{w} bits: register 0x{r:x} after 0x{value:08x} to 0x{reg:x}");
            }
        }
        assert_eq!(h.read32(REG_READ_PORT)?, 0x05, "{w} bits: READ_PORT keeps its low byte");
        assert_eq!(h.read32(REG_HAIRPIN)?, 0xFFFF_FF01, "{w} bits: HAIRPIN keeps 32 bits");
    }
    Ok(())
}
