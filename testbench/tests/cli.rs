//! `l4lb-sim` as a user runs it: the sample, --json, and errors that say what is wrong.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_l4lb-sim"))
}

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("l4lb-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn replay_json(engine: &str, width: &str, out: &Path) -> serde_json::Value {
    let o = sim()
        .args(["replay", samples().join("sample.pcap").to_str().unwrap(), "--config"])
        .arg(samples().join("sample.toml"))
        .args(["--output", out.to_str().unwrap(), "--engine", engine, "--width", width, "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "replay failed: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("--json prints one JSON object")
}

#[test]
fn sample_replays_through_rtl_and_model_alike() {
    let (ro, mo) = (tmp("rtl.pcap"), tmp("model.pcap"));
    let r = replay_json("rtl", "512", &ro);
    let m = replay_json("model", "512", &mo);
    for key in [
        "frames_in",
        "frames_out",
        "balanced",
        "passed",
        "cycles",
        "beats_in",
        "beats_out",
        "latency_cycles_min",
        "latency_cycles_max",
        "wall_seconds",
    ] {
        assert!(r.get(key).is_some(), "--json lacks {key}: {r}");
    }
    assert_eq!(r["frames_in"], r["frames_out"]);
    assert!(r["balanced"].as_u64().unwrap() > 0);
    assert_eq!(r["balanced"], m["balanced"]);
    assert_eq!(r["latency_cycles_min"], r["latency_cycles_max"]);
    // Back to back with the output always ready: one beat per cycle, plus the pipeline's latency.
    let (cycles, beats, lat) =
        (r["cycles"].as_u64().unwrap(), r["beats_in"].as_u64().unwrap(), r["latency_cycles_min"].as_u64().unwrap());
    assert_eq!(cycles, beats + lat, "idle cycles in a back-to-back replay");
    assert_eq!(std::fs::read(&ro).unwrap(), std::fs::read(&mo).unwrap(), "RTL and model outputs differ");
    assert_eq!(r["device"], m["device"], "device counters differ");
}

fn fails_with(args: &[&str], needle: &str) {
    let o = sim().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{args:?} should fail with exit 1: {err}");
    assert!(err.contains(needle), "{args:?}: error does not mention {needle:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn errors_say_what_is_wrong() {
    let pcap = samples().join("sample.pcap");
    let cfg = samples().join("sample.toml");
    let out = tmp("o.pcap");
    let (pcap, cfg, out) = (pcap.to_str().unwrap(), cfg.to_str().unwrap(), out.to_str().unwrap());
    fails_with(&["replay", "/nonexistent.pcap", "--config", cfg, "--output", out], "/nonexistent.pcap");
    fails_with(&["replay", cfg, "--config", cfg, "--output", out, "--engine", "model"], "not a pcap");
    let bad = tmp("bad.toml");
    std::fs::write(&bad, "[[vip]]\naddress = \"10.0.0.1\"\nport = 80\nprotocol = \"sctp\"\n").unwrap();
    fails_with(&["replay", pcap, "--config", bad.to_str().unwrap(), "--output", out, "--engine", "model"], "protocol");
    std::fs::write(
        &bad,
        "[[vip]]\naddress = \"10.0.0.1\"\nport = 80\nprotocol = \"tcp\"\n[[vip.backend]]\naddress = \"10.1.0.300\"\n",
    )
    .unwrap();
    fails_with(&["replay", pcap, "--config", bad.to_str().unwrap(), "--output", out, "--engine", "model"], "address");
    fails_with(&["replay", pcap, "--config", cfg, "--output", out, "--engine", "model", "--width", "100"], "width 100");
    fails_with(&["replay", pcap, "--config", cfg, "--output", out, "--engine", "model", "--trace", out], "--trace");
    fails_with(
        &["replay", pcap, "--config", cfg, "--output", "/nonexistent-dir/o.pcap", "--engine", "model"],
        "/nonexistent-dir/o.pcap",
    );
}

#[test]
fn trace_writes_a_waveform() {
    let vcd = tmp("t.vcd");
    let o = sim()
        .args(["replay", samples().join("sample.pcap").to_str().unwrap(), "--config"])
        .arg(samples().join("sample.toml"))
        .args(["--output", tmp("t.pcap").to_str().unwrap(), "--width", "64", "--trace", vcd.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&vcd).unwrap();
    assert!(text.contains("$enddefinitions") && text.contains("s_axis_tdata"), "not a VCD of the design");
}

#[test]
fn reconfigure_applies_mid_replay_and_reports_it() {
    let sample = std::fs::read_to_string(samples().join("sample.toml")).unwrap();
    // The same config with its first VIP's first backend drained.
    let drained = sample.replacen("  [[vip.backend]]\n", "  [[vip.backend]]\n  weight = 0\n", 1);
    assert_ne!(drained, sample, "the sample has a backend to drain");
    let cfg = tmp("drained.toml");
    std::fs::write(&cfg, &drained).unwrap();
    let out = tmp("reconf.pcap");
    let o = sim()
        .args(["replay", samples().join("sample.pcap").to_str().unwrap(), "--config"])
        .arg(samples().join("sample.toml"))
        .args(["--output", out.to_str().unwrap(), "--json", "--reconfigure"])
        .arg(format!("5:{}", cfg.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &v["reconfigurations"][0];
    assert_eq!(r["frame"], 5);
    assert!(r["register_writes"].as_u64().unwrap() > 0 && r["cycles"].as_u64().unwrap() > 0, "{r}");
    // A malformed argument is a usage error (exit 2) that names the problem.
    let o = sim()
        .args(["replay", "x.pcap", "--config", "c.toml", "--output", "o.pcap", "--reconfigure", "five:c.toml"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("not a frame number") && !err.contains("panicked"), "{err}");
    // A config that does not load names the file.
    let missing = tmp("missing.toml");
    fails_with(
        &[
            "replay",
            samples().join("sample.pcap").to_str().unwrap(),
            "--config",
            samples().join("sample.toml").to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--reconfigure",
            &format!("3:{}", missing.display()),
        ],
        "missing.toml",
    );
}
