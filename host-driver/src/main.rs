//! `l4lb`: program and inspect an l4lb device.
//!
//! ```text
//! l4lb apply CONFIG --device DEV [--json]   program the tables from a config and enable
//! l4lb show --device DEV [--json]           the tables, decoded
//! l4lb stats --device DEV [--json]          the counters
//! l4lb explain CONFIG --flow SRC:SPORT-DST:DPORT/PROTO [--json]
//!                                           which backend a flow reaches (reference model)
//! ```
//! DEV is `file:PATH` (an offline BAR image, created if missing) or a sysfs PCI resource
//! (`/sys/bus/pci/devices/0000:01:00.0/resource2`). Errors go to stderr as `error: ...` with exit
//! code 1; usage errors exit with 2.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use l4lb_core::config::Config;
use l4lb_driver::device::{ApplyReport, DeviceState, Stats};
use l4lb_driver::{open_device, Device};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "l4lb", version, about = "Program and inspect an l4lb FPGA load balancer")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Common {
    /// The device: file:PATH (offline BAR image, created if missing) or
    /// /sys/bus/pci/devices/DOMAIN:BUS:DEV.FN/resource2
    #[arg(long, short = 'd', value_name = "DEV")]
    device: String,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Program the device's tables from a config file and enable balancing
    Apply {
        /// The config (TOML)
        config: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Show the device's tables, decoded
    Show {
        #[command(flatten)]
        common: Common,
    },
    /// Show the device's counters
    Stats {
        #[command(flatten)]
        common: Common,
    },
    /// Which backend a flow reaches under a config, from the reference model
    Explain {
        /// The config (TOML)
        config: PathBuf,
        /// The flow: SRC:SPORT-DST:DPORT/PROTO, e.g. 192.0.2.1:5000-10.0.0.1:80/tcp
        #[arg(long, value_name = "SRC:SPORT-DST:DPORT/PROTO")]
        flow: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => e.exit(), // usage errors: exit code 2; --help and --version: 0
    };
    match run(cli) {
        Ok(text) => {
            // A closed pipe (`l4lb show | head`) is not an error worth a panic.
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", message(&e).trim_end());
            ExitCode::from(1)
        }
    }
}

/// The error and its causes, `: `-separated, leaving out causes the message already includes
/// (`ConfigError` and `io::Error` wrappers print their source themselves).
fn message(e: &anyhow::Error) -> String {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg += ": ";
            msg += &c;
        }
    }
    msg
}

/// Runs a command and returns what to print.
fn run(cli: Cli) -> Result<String> {
    match cli.command {
        Command::Apply { config, common } => {
            // The config first: a bad config touches no device.
            let cfg = Config::load(&config)?;
            let mut dev = open(&common.device)?;
            let report = dev.apply(&cfg).with_context(|| format!("cannot apply {}", config.display()))?;
            if common.json {
                json(&report)
            } else {
                Ok(apply_text(&report, &config, &common.device))
            }
        }
        Command::Show { common } => {
            let state = open(&common.device)?.read_state()?;
            if common.json {
                json(&state)
            } else {
                Ok(show_text(&state, &common.device))
            }
        }
        Command::Explain { config, flow, json: as_json } => {
            let cfg = Config::load(&config)?;
            let e = l4lb_driver::explain::explain(&cfg, &flow)?;
            if as_json {
                json(&e)
            } else {
                Ok(e.text())
            }
        }
        Command::Stats { common } => {
            let stats = open(&common.device)?.stats()?;
            if common.json {
                json(&stats)
            } else {
                Ok(stats_text(&stats))
            }
        }
    }
}

fn open(spec: &str) -> Result<Device<Box<dyn l4lb_core::regs::RegisterAccess>>> {
    let regs = open_device(spec)?;
    Device::open(regs).with_context(|| format!("device {spec} refused"))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// Left-aligned columns, two spaces apart.
fn table(rows: &[Vec<String>], indent: &str) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut s = String::new();
    for row in rows {
        let mut line = indent.to_string();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 < row.len() {
                let _ = write!(line, "{cell:<w$}  ", w = widths[c]);
            } else {
                line.push_str(cell);
            }
        }
        s += line.trim_end();
        s.push('\n');
    }
    s
}

fn apply_text(r: &ApplyReport, config: &std::path::Path, device: &str) -> String {
    let mut s = format!("applied {} to {device}\n", config.display());
    let _ = writeln!(
        s,
        "  {} VIPs, {} backends, {} ring entries; hash seed {:#010x}; balancing enabled",
        r.vips.len(),
        r.backends,
        r.ring_entries,
        r.hash_seed
    );
    let _ = writeln!(
        s,
        "  {} register writes ({} until the switch to table bank {}), {} reads; {} VIPs moved by placement",
        r.register_writes, r.register_writes_until_switch, r.bank, r.register_reads, r.placement_moves
    );
    if !r.vips.is_empty() {
        let mut rows = vec![vec!["vip_id".into(), "VIP".into(), "backends".into(), "ring".into(), "slot".into()]];
        for v in &r.vips {
            rows.push(vec![
                v.vip_id.to_string(),
                v.vip.clone(),
                v.backends.to_string(),
                ring_text(v.ring_base, v.ring_size),
                v.slot.to_string(),
            ]);
        }
        s += &table(&rows, "  ");
    }
    s
}

fn ring_text(base: u32, size: u32) -> String {
    match size {
        0 => "empty".to_string(),
        _ => format!("{base}..{} ({size})", base as u64 + size as u64 - 1),
    }
}

fn show_text(st: &DeviceState, device: &str) -> String {
    let c = &st.caps;
    let mut s = format!(
        "l4lb {} at {device}: {}-bit stream, latency {} cycles, frames up to {} bytes\n",
        st.version, c.data_width, c.latency, c.max_len
    );
    let _ = writeln!(
        s,
        "capacity: {} VIPs in 2 x {} buckets x 4 ways, {} backends, {} ring entries (per table bank)",
        c.vip_count, c.vip_buckets, c.backend_count, c.ring_entries
    );
    let _ = writeln!(s, "active table bank: {}", st.bank);
    let _ = writeln!(
        s,
        "balancing {}, hash seed {:#010x}; {} VIPs",
        if st.enabled { "enabled" } else { "disabled" },
        st.hash_seed,
        st.vips.len()
    );
    for v in &st.vips {
        let _ =
            writeln!(s, "\nVIP {} {}  ring {}  slot {}", v.vip_id, v.vip, ring_text(v.ring_base, v.ring_size), v.slot);
        if v.backends.is_empty() {
            s += "  no backends: its frames pass (NO_BACKEND)\n";
            continue;
        }
        let mut rows = vec![vec!["backend".into(), "address".into(), "mac".into(), "ring entries".into()]];
        for b in &v.backends {
            rows.push(vec![
                b.index.to_string(),
                b.address.map_or_else(|| "(invalid)".to_string(), |a| a.to_string()),
                b.mac.clone().unwrap_or_else(|| "-".to_string()),
                b.ring_entries.to_string(),
            ]);
        }
        s += &table(&rows, "  ");
    }
    if !st.unused_backends.is_empty() {
        s += "\nbackends without ring entries (weight 0):\n";
        let mut rows = vec![vec!["backend".into(), "address".into(), "mac".into()]];
        for b in &st.unused_backends {
            rows.push(vec![
                b.index.to_string(),
                b.address.map_or_else(String::new, |a| a.to_string()),
                b.mac.clone().unwrap_or_else(|| "-".to_string()),
            ]);
        }
        s += &table(&rows, "  ");
    }
    if !st.warnings.is_empty() {
        s += "\nwarnings:\n";
        for w in &st.warnings {
            let _ = writeln!(s, "  {w}");
        }
    }
    s
}

fn stats_text(st: &Stats) -> String {
    let mut rows = vec![
        vec!["frames in".to_string(), st.frames_in.to_string()],
        vec!["bytes in".to_string(), st.bytes_in.to_string()],
        vec!["balanced".to_string(), st.balanced.to_string()],
        vec!["passed".to_string(), st.passed.to_string()],
    ];
    let mut s = table(&rows, "");
    s += "passed, by reason:\n";
    rows = l4lb_core::regmap::Reason::ALL
        .iter()
        .filter_map(|r| st.reasons.get(r.name()).map(|n| vec![r.name().to_string(), n.to_string()]))
        .collect();
    s += &table(&rows, "  ");
    if !st.vips.is_empty() {
        s += "balanced, by VIP:\n";
        let mut rows = vec![vec!["vip_id".into(), "VIP".into(), "frames".into(), "bytes".into()]];
        for v in &st.vips {
            rows.push(vec![v.vip_id.to_string(), v.vip.clone(), v.frames.to_string(), v.bytes.to_string()]);
        }
        s += &table(&rows, "  ");
    }
    s
}
