//! Prints what the built models report: the RTL folder, and per width the ID, version,
//! CAP_WIDTH, CAP_LATENCY, CAP_MAX_LEN and the latency measured on one frame.
//!
//! `cargo run -p l4lb-rtlsim --example info`

use l4lb_core::regmap::{REG_CAP_LATENCY, REG_CAP_MAX_LEN, REG_CAP_WIDTH, REG_ID, REG_VERSION};
use l4lb_core::regs::RegisterAccess;
use l4lb_rtlsim::{built_widths, rtl_dir, Harness};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("RTL: {}", rtl_dir());
    for w in built_widths() {
        let mut h = Harness::new(w)?;
        let (id, ver, cap_w) = (h.read32(REG_ID)?, h.read32(REG_VERSION)?, h.read32(REG_CAP_WIDTH)?);
        let (lat, max_len) = (h.read32(REG_CAP_LATENCY)?, h.read32(REG_CAP_MAX_LEN)?);
        h.queue_frame(&[0x55; 60], false)?;
        h.run(1_000_000)?;
        let measured = h.take_output()[0].latency();
        println!(
            "{w:>3} bits: ID {id:#010x} VERSION {ver:#010x} CAP_WIDTH {cap_w} CAP_LATENCY {lat} CAP_MAX_LEN {max_len} measured latency {measured}"
        );
    }
    Ok(())
}
