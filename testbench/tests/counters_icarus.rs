//! The counter block (rtl/l4lb_counters.v) on its own under Icarus Verilog: 64-bit counts whose
//! byte totals pass 2^48, so that every 16-bit segment and every carry between segments is
//! exercised (the whole-design tests never count past a few million), checked against reference
//! counts in the testbench (testbench/icarus/tb_counters.v), with reads while counts change.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn counters_are_exact_across_every_segment_carry() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let rtl = root.join("rtl");
    let out = std::env::temp_dir().join(format!("l4lb-tb-counters-{}.vvp", std::process::id()));
    let compiled = Command::new("iverilog")
        .args(["-g2005", "-o"])
        .arg(&out)
        .arg("-I")
        .arg(&rtl)
        .arg(root.join("testbench/icarus/tb_counters.v"))
        .args(["l4lb_counters.v", "l4lb_entry_counters.v", "l4lb_ram_sdp.v"].map(|f| rtl.join(f)))
        .output()
        .expect("iverilog not found: install Icarus Verilog (apt-get install iverilog; make test does)");
    assert!(compiled.status.success(), "iverilog failed:\n{}", String::from_utf8_lossy(&compiled.stderr));
    let seed = std::env::var("L4LB_SEED").ok().and_then(|s| s.parse::<u32>().ok()).unwrap_or(1);
    eprintln!("tb_counters seed {seed} (L4LB_SEED)");
    let run = Command::new("vvp").arg("-n").arg(&out).arg(format!("+seed={seed}")).output().expect("vvp runs");
    let _ = std::fs::remove_file(&out);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success() && text.contains("PASS") && !text.contains("FAIL"), "tb_counters:\n{text}");
}
