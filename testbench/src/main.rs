//! `l4lb-sim`: replays pcap/pcapng captures through the l4lb RTL (Verilator, cycle by cycle) or
//! the reference model, programmed from a config by the host driver, and writes the output pcap.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use l4lb_core::config::Config;
use l4lb_testbench::engine::EngineKind;
use l4lb_testbench::pcapio::{write_pcap, Packet};
use l4lb_testbench::replay::{replay, summary, ReplayOptions};
use l4lb_testbench::traffic::{generate, Mix, Rng};
use l4lb_testbench::vectors::{write_vectors, VectorOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "l4lb-sim", version, about = "Replay captures through the l4lb RTL or reference model")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Replay a pcap/pcapng capture and write what comes out as pcap.
    Replay {
        /// Input capture (pcap or pcapng, Ethernet).
        input: PathBuf,
        /// Configuration (TOML): VIPs and backends.
        #[arg(long)]
        config: PathBuf,
        /// Output pcap.
        #[arg(long)]
        output: PathBuf,
        /// Data plane to run.
        #[arg(long, value_enum, default_value = "rtl")]
        engine: EngineKind,
        /// AXI-Stream data width in bits (64, 128, 256 or 512).
        #[arg(long, default_value_t = 512)]
        width: u32,
        /// Print one JSON object instead of the summary.
        #[arg(long)]
        json: bool,
        /// Write a VCD waveform of the RTL.
        #[arg(long)]
        trace: Option<PathBuf>,
        /// FRAME:CONFIG: apply CONFIG through the driver when frame FRAME (0-based) enters, while
        /// the frames keep flowing (repeatable).
        #[arg(long, value_name = "FRAME:CONFIG", value_parser = l4lb_testbench::replay::parse_reconfigure)]
        reconfigure: Vec<(u64, PathBuf)>,
    },
    /// Generate synthetic traffic for a config: VIP flows, other traffic, odd and malformed frames.
    Gen {
        /// Configuration whose VIPs the traffic targets.
        #[arg(long)]
        config: PathBuf,
        /// Output pcap.
        #[arg(long)]
        output: PathBuf,
        /// Number of frames.
        #[arg(long, default_value_t = 1000)]
        frames: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Per mille of odd and malformed frames.
        #[arg(long, default_value_t = 150)]
        odd_permille: u64,
        /// Frame length in bytes (without FCS), or a range MIN-MAX drawn uniformly: 60-80 and
        /// 124-132 are the hardest sizes for a 512-bit pipeline. A frame whose headers alone are
        /// longer keeps its shortest length.
        #[arg(long, value_parser = parse_size_range)]
        frame_size: Option<(usize, usize)>,
    },
    /// Write vector files for the Icarus testbench (testbench/icarus/) and the Verilator run's
    /// output in the testbench's format (`make icarus-check` compares the two).
    Vectors {
        /// Input capture (pcap or pcapng, Ethernet).
        input: PathBuf,
        /// Configuration (TOML): VIPs and backends.
        #[arg(long)]
        config: PathBuf,
        /// Folder for regs.hex, in.hex and verilator.txt.
        #[arg(long)]
        dir: PathBuf,
        /// AXI-Stream data width in bits (64, 128, 256 or 512).
        #[arg(long, default_value_t = 512)]
        width: u32,
        /// Use at most this many frames of the capture.
        #[arg(long, default_value_t = 300)]
        frames: usize,
        /// Print one JSON object instead of a line of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.cmd {
        Cmd::Replay { input, config, output, engine, width, json, trace, reconfigure } => {
            let opts = ReplayOptions { input, config, output, engine, width, trace, progress: !json, reconfigure };
            let report = replay(&opts)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", summary(&report));
            }
        }
        Cmd::Gen { config, output, frames, seed, odd_permille, frame_size } => {
            let cfg = Config::load(&config)?;
            let mix = Mix { odd_permille, frame_size, ..Mix::default() };
            let data = generate(&cfg, frames, &mix, &mut Rng::new(seed));
            let packets: Vec<Packet> = data
                .into_iter()
                .enumerate()
                .map(|(i, data)| Packet { timestamp: Duration::from_micros(i as u64), data })
                .collect();
            write_pcap(&output, &packets).with_context(|| format!("cannot write {}", output.display()))?;
            println!("wrote {} frames to {}", packets.len(), output.display());
        }
        Cmd::Vectors { input, config, dir, width, frames, json } => {
            let r = write_vectors(&VectorOptions { input, config, dir: dir.clone(), width, frames })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "verilator: {} frames at {} bits, {} cycles; speed over {} frames: {:.3} s CPU ({:.3} s wall), {:.0} frames/s, {:.0} cycles/s per CPU second",
                    r.frames,
                    r.width,
                    r.cycles,
                    r.timed_frames,
                    r.verilator_cpu_seconds,
                    r.verilator_wall_seconds,
                    r.timed_frames as f64 / r.verilator_cpu_seconds,
                    r.timed_cycles as f64 / r.verilator_cpu_seconds
                );
                println!("vectors: {} register writes, {} beats in {}", r.register_writes, r.beats, dir.display());
            }
        }
    }
    Ok(())
}

/// `--frame-size`: `LEN` or `MIN-MAX`, 14 to 16,000 bytes.
fn parse_size_range(s: &str) -> std::result::Result<(usize, usize), String> {
    let num = |t: &str| -> std::result::Result<usize, String> {
        let n: usize = t.trim().parse().map_err(|_| format!("'{t}' is not a frame length in bytes"))?;
        if !(14..=16_000).contains(&n) {
            return Err(format!("frame length {n} is outside 14..16000 bytes"));
        }
        Ok(n)
    };
    let (lo, hi) = match s.split_once('-') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => {
            let n = num(s)?;
            (n, n)
        }
    };
    if lo > hi {
        return Err(format!("frame size range {lo}-{hi} is empty (MIN above MAX)"));
    }
    Ok((lo, hi))
}
