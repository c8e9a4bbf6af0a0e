//! `l4lb`: program and inspect l4lb devices.
//!
//! ```text
//! l4lb apply CONFIG --device DEV [--device DEV ...] [--json]   program the tables and enable
//! l4lb show --device DEV [--device DEV ...] [--json]            the tables, decoded, and their digest
//! l4lb stats --device DEV [...] [--json] [--watch SECS [--count N]]   counters, or rates
//! l4lb devices [--json]                                         Corundum boards and what they carry
//! l4lb explain CONFIG --flow SRC:SPORT-DST:DPORT/PROTO [--json]      which backend a flow reaches (model)
//! ```
//! DEV is a PCI address, `vfio:ADDR`, `/dev/mqnicN`, `file:PATH` or a sysfs resource path
//! (docs/host-driver.md). With several devices every one is opened and identified before anything
//! is written to any. Errors go to stderr as `error: ...` with exit code 1; usage errors exit
//! with 2; `show` exits with 3 when the devices' tables differ.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use l4lb_core::config::Config;
use l4lb_core::regs::RegisterAccess;
use l4lb_driver::device::{ApplyReport, DeviceState, Plan, Stats};
use l4lb_driver::digest::{table_digest, TableDigest};
use l4lb_driver::pci::{self, sysfs::Board};
use l4lb_driver::rates::{si, Rates};
use l4lb_driver::{open_device, Device};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "l4lb", version, about = "Program and inspect an l4lb FPGA load balancer")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Common {
    /// The device, repeatable: a PCI address (0000:01:00.0), vfio:ADDR, /dev/mqnicN,
    /// file:PATH (offline BAR image, created if missing) or /sys/bus/pci/devices/ADDR/resource2
    #[arg(long, short = 'd', value_name = "DEV", required = true)]
    device: Vec<String>,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Program the devices' tables from a config file and enable balancing
    Apply {
        /// The config (TOML)
        config: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Show the devices' tables, decoded, with a digest to compare devices by
    Show {
        #[command(flatten)]
        common: Common,
    },
    /// Show the devices' counters, or with --watch their rates
    Stats {
        #[command(flatten)]
        common: Common,
        /// Print rates every SECS seconds (0.1 to 3600) until Ctrl-C or --count intervals
        #[arg(long, value_name = "SECS")]
        watch: Option<f64>,
        /// With --watch: stop after N intervals
        #[arg(long, value_name = "N", requires = "watch")]
        count: Option<u64>,
    },
    /// List the Corundum boards (PCI 1234:1001, 5543:1001) and whether they carry l4lb
    Devices {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
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

/// What a command prints, and its exit code.
struct Outcome {
    text: String,
    code: u8,
}

impl From<String> for Outcome {
    fn from(text: String) -> Outcome {
        Outcome { text, code: 0 }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => e.exit(), // usage errors: exit code 2; --help and --version: 0
    };
    match run(cli) {
        Ok(out) => {
            // A closed pipe (`l4lb show | head`) is not an error worth a panic.
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(out.text.as_bytes()).and_then(|_| o.flush());
            ExitCode::from(out.code)
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

type Dev = Device<Box<dyn RegisterAccess>>;

/// Runs a command and returns what to print.
fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Apply { config, common } => {
            // The config first: a bad config touches no device.
            let cfg = Config::load(&config)?;
            let mut devs = open_all(&common.device)?;
            // Every device must take the config before any is written.
            let mut refused = Vec::new();
            for (spec, dev) in &devs {
                if let Err(e) = Plan::new(&cfg, dev.caps()) {
                    refused.push(format!("device {spec}: {e}"));
                }
            }
            if !refused.is_empty() {
                bail!("cannot apply {}: {}{}", config.display(), refused.join("; "), nothing_written(devs.len()));
            }
            let mut reports = Vec::new();
            for (i, (spec, dev)) in devs.iter_mut().enumerate() {
                let report = dev.apply(&cfg).with_context(|| {
                    let done = devs_done(&common.device[..i]);
                    format!("cannot apply {} to {spec}{done}", config.display())
                })?;
                reports.push((spec.clone(), report));
            }
            if common.json {
                return json_per_device(reports.iter().map(|(d, r)| Tagged { device: d, inner: r }).collect(), None);
            }
            Ok(reports.iter().map(|(spec, r)| apply_text(r, &config, spec)).collect::<Vec<_>>().join("\n").into())
        }
        Command::Show { common } => {
            let mut shown = Vec::new();
            for (spec, mut dev) in open_all(&common.device)? {
                let state = dev.read_state().with_context(|| format!("cannot read {spec}"))?;
                let digest = table_digest(&mut dev, &state).with_context(|| format!("cannot read {spec}"))?;
                shown.push((spec, state, digest));
            }
            let same = shown.windows(2).all(|w| w[0].2.digest == w[1].2.digest);
            let code = if same { 0 } else { 3 };
            if common.json {
                let items =
                    shown.iter().map(|(d, s, g)| Tagged { device: d, inner: Shown { digest: g, state: s } }).collect();
                let mut out = json_per_device(items, Some(same))?;
                out.code = code;
                return Ok(out);
            }
            let mut text = shown.iter().map(|(spec, st, g)| show_text(st, g, spec)).collect::<Vec<_>>().join("\n");
            if shown.len() > 1 {
                text += "\n";
                if same {
                    let _ = writeln!(
                        text,
                        "all {} devices hold the same tables ({}): they choose the same backends",
                        shown.len(),
                        shown[0].2.digest
                    );
                } else {
                    text += "the devices' tables DIFFER: flows may go to different backends depending on the card\n";
                    let rows: Vec<Vec<String>> =
                        shown.iter().map(|(spec, _, g)| vec![spec.clone(), g.digest.clone()]).collect();
                    text += &table(&rows, "  ");
                }
            }
            Ok(Outcome { text, code })
        }
        Command::Explain { config, flow, json: as_json } => {
            let cfg = Config::load(&config)?;
            let e = l4lb_driver::explain::explain(&cfg, &flow)?;
            if as_json {
                Ok((serde_json::to_string_pretty(&e)? + "\n").into())
            } else {
                Ok(e.text().into())
            }
        }
        Command::Stats { common, watch: None, .. } => {
            let mut all = Vec::new();
            for (spec, mut dev) in open_all(&common.device)? {
                let stats = dev.stats().with_context(|| format!("cannot read {spec}"))?;
                all.push((spec, stats));
            }
            if common.json {
                return json_per_device(all.iter().map(|(d, s)| Tagged { device: d, inner: s }).collect(), None);
            }
            let several = all.len() > 1;
            Ok(all
                .iter()
                .map(|(spec, st)| if several { format!("{spec}:\n{}", stats_text(st)) } else { stats_text(st) })
                .collect::<Vec<_>>()
                .join("\n")
                .into())
        }
        Command::Stats { common, watch: Some(secs), count } => {
            if !(0.1..=3600.0).contains(&secs) {
                bail!("--watch {secs}: the interval must be between 0.1 and 3600 seconds");
            }
            let devs = open_all(&common.device)?;
            watch(devs, Duration::from_secs_f64(secs), count, common.json)?;
            Ok(String::new().into())
        }
        Command::Devices { json } => {
            let sys = pci::Sysfs::system();
            let boards = pci::sysfs::list_boards(&sys)?;
            if json {
                return Ok((serde_json::to_string_pretty(&boards)? + "\n").into());
            }
            Ok(devices_text(&boards, &sys).into())
        }
    }
}

fn nothing_written(n: usize) -> &'static str {
    if n > 1 {
        "; nothing was written to any device"
    } else {
        "; nothing was written"
    }
}

fn devs_done(done: &[String]) -> String {
    if done.is_empty() {
        String::new()
    } else {
        format!(" (already applied to {})", done.join(", "))
    }
}

/// Opens and identifies every device (reads only); refuses them all when one is refused.
fn open_all(specs: &[String]) -> Result<Vec<(String, Dev)>> {
    for (i, s) in specs.iter().enumerate() {
        if specs[..i].contains(s) {
            bail!("device {s} is named twice");
        }
    }
    let mut devs = Vec::new();
    let mut refused = Vec::new();
    for spec in specs {
        match open_device(spec).map_err(anyhow::Error::from).and_then(|r| Ok(Device::open(r)?)) {
            Ok(dev) => devs.push((spec.clone(), dev)),
            Err(e) => refused.push(format!("device {spec} refused: {}", message(&e))),
        }
    }
    if !refused.is_empty() {
        bail!("{}{}", refused.join("; "), if specs.len() > 1 { "; nothing was written to any device" } else { "" });
    }
    Ok(devs)
}

/// A per-device result with the device's name in front.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    device: &'a str,
    #[serde(flatten)]
    inner: T,
}

#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    digest: &'a TableDigest,
    #[serde(flatten)]
    state: &'a DeviceState,
}

/// One device: its object. Several: `{"devices": [...]}` (with `same_tables` for `show`).
fn json_per_device<T: Serialize>(items: Vec<T>, same: Option<bool>) -> Result<Outcome> {
    #[derive(Serialize)]
    struct Many<T> {
        devices: Vec<T>,
        #[serde(skip_serializing_if = "Option::is_none")]
        same_tables: Option<bool>,
    }
    let text = if items.len() == 1 {
        serde_json::to_string_pretty(&items[0])?
    } else {
        serde_json::to_string_pretty(&Many { devices: items, same_tables: same })?
    };
    Ok((text + "\n").into())
}

/// Set by SIGINT during `--watch`.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Sleeps `d`, waking early on Ctrl-C; false when interrupted.
fn sleep_unless_interrupted(d: Duration) -> bool {
    let end = Instant::now() + d;
    while !INTERRUPTED.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now >= end {
            return true;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(50)));
    }
    false
}

/// `stats --watch`: every `interval`, the rates since the previous reading, until Ctrl-C, a
/// closed output, or `count` intervals.
fn watch(mut devs: Vec<(String, Dev)>, interval: Duration, count: Option<u64>, json: bool) -> Result<()> {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t);
    }
    let tty = !json && std::io::stdout().is_terminal();
    let read_all = |devs: &mut Vec<(String, Dev)>| -> Result<Vec<Stats>> {
        devs.iter_mut().map(|(spec, d)| d.stats().with_context(|| format!("cannot read {spec}"))).collect()
    };
    let mut prev = read_all(&mut devs)?;
    let mut t_prev = Instant::now();
    let mut out = std::io::stdout();
    if tty {
        let _ = writeln!(out, "measuring over {:.1} s ... (Ctrl-C to stop)", interval.as_secs_f64());
    }
    let mut n = 0u64;
    while count != Some(n) {
        if !sleep_unless_interrupted(interval) {
            break;
        }
        let now = read_all(&mut devs)?;
        let t_now = Instant::now();
        let secs = (t_now - t_prev).as_secs_f64();
        let rates: Vec<(String, Rates)> = devs
            .iter()
            .zip(prev.iter().zip(&now))
            .map(|((spec, _), (o, n))| (spec.clone(), Rates::between(o, n, secs)))
            .collect();
        let frame = if json {
            let items: Vec<_> = rates.iter().map(|(d, r)| Tagged { device: d, inner: r }).collect();
            let line = if items.len() == 1 {
                serde_json::to_string(&items[0])?
            } else {
                serde_json::to_string(&serde_json::json!({ "devices": items }))?
            };
            line + "\n"
        } else {
            let mut s = if tty { "\x1b[H\x1b[2J".to_string() } else { String::new() };
            let _ = writeln!(s, "l4lb rates over {secs:.2} s (every {:.1} s, Ctrl-C to stop)", interval.as_secs_f64());
            for (spec, r) in &rates {
                s += &rates_text(r, spec);
            }
            if !tty {
                s += "\n";
            }
            s
        };
        if out.write_all(frame.as_bytes()).and_then(|_| out.flush()).is_err() {
            break; // the reader went away
        }
        prev = now;
        t_prev = t_now;
        n += 1;
    }
    Ok(())
}

fn rates_text(r: &Rates, device: &str) -> String {
    let mut s = format!("\n{device}\n");
    let mut rows = vec![
        vec![
            "in".to_string(),
            format!("{}frames/s", si(r.frames_per_s) + " "),
            format!("{}b/s", si(r.bits_per_s) + " "),
        ],
        vec!["balanced".to_string(), format!("{}frames/s", si(r.balanced_per_s) + " ")],
        vec!["passed".to_string(), format!("{}frames/s", si(r.passed_per_s) + " ")],
    ];
    for (reason, rate) in &r.passed_by_reason_per_s {
        rows.push(vec![format!("  {reason}"), format!("{}frames/s", si(*rate) + " ")]);
    }
    s += &table(&rows, "  ");
    if !r.vips.is_empty() {
        let mut rows = vec![vec!["vip_id".into(), "VIP".into(), "frames/s".into(), "bits/s".into(), "frames".into()]];
        for v in &r.vips {
            let total = r.totals.vips.iter().find(|t| t.vip_id == v.vip_id).map_or(0, |t| t.frames);
            rows.push(vec![
                v.vip_id.to_string(),
                v.vip.clone(),
                si(v.frames_per_s),
                si(v.bits_per_s),
                total.to_string(),
            ]);
        }
        s += &table(&rows, "  ");
    }
    if !r.backends.is_empty() {
        let mut rows =
            vec![vec!["entry".into(), "backend".into(), "frames/s".into(), "bits/s".into(), "frames".into()]];
        for b in &r.backends {
            let total = r.totals.backends.iter().find(|t| t.index == b.index).map_or(0, |t| t.frames);
            rows.push(vec![
                b.index.to_string(),
                b.backend.clone(),
                si(b.frames_per_s),
                si(b.bits_per_s),
                total.to_string(),
            ]);
        }
        s += &table(&rows, "  ");
    }
    s
}

/// `16 MiB`, `64 KiB`, `100 bytes`.
fn bytes_text(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

fn devices_text(boards: &[Board], sys: &pci::Sysfs) -> String {
    if boards.is_empty() {
        return format!("no Corundum boards (PCI 1234:1001 or 5543:1001) under {}\n", sys.shown(&sys.pci_devices()));
    }
    let mut rows = vec![vec![
        "address".to_string(),
        "id".into(),
        "driver".into(),
        "BAR 2".into(),
        "application".into(),
        "--device".into(),
    ]];
    for b in boards {
        rows.push(vec![
            b.address.clone(),
            b.id.clone(),
            b.driver.clone().unwrap_or_else(|| "-".into()),
            b.bar2_bytes.map_or("-".into(), bytes_text),
            b.application.describe(),
            b.device_forms.join(" "),
        ]);
    }
    table(&rows, "")
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

fn show_text(st: &DeviceState, digest: &TableDigest, device: &str) -> String {
    let c = &st.caps;
    let mut s = format!(
        "l4lb {} at {device}: {}-bit stream, latency {} cycles, frames up to {} bytes\n",
        st.version, c.data_width, c.latency, c.max_len
    );
    let _ = writeln!(
        s,
        "tables digest: {} ({} VIPs, {} ring positions)",
        digest.digest, digest.vips, digest.ring_positions
    );
    let _ = writeln!(
        s,
        "capacity: {} VIPs in 2 x {} buckets x 4 ways, {} backends, {} ring entries (per table bank)",
        c.vip_count, c.vip_buckets, c.backend_count, c.ring_entries
    );
    let _ = writeln!(s, "active table bank: {}", st.bank);
    if st.ports > 1 {
        let map: Vec<String> = st.hairpin.iter().enumerate().map(|(rx, tx)| format!("{rx} -> {tx}")).collect();
        let _ = writeln!(
            s,
            "ports: {} (tables shown from port 0); balanced frames leave RX -> TX: {}",
            st.ports,
            map.join(", ")
        );
    }
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
    if st.ports.len() > 1 {
        s += "by port:\n";
        let mut rows =
            vec![vec!["port".into(), "frames in".into(), "bytes in".into(), "balanced".into(), "passed".into()]];
        for p in &st.ports {
            rows.push(vec![
                p.port.to_string(),
                p.frames_in.to_string(),
                p.bytes_in.to_string(),
                p.balanced.to_string(),
                p.passed.to_string(),
            ]);
        }
        s += &table(&rows, "  ");
    }
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
    if !st.backends.is_empty() {
        s += "balanced, by backend entry (active bank):\n";
        let mut rows = vec![vec!["entry".into(), "backend".into(), "frames".into(), "bytes".into()]];
        for b in &st.backends {
            rows.push(vec![b.index.to_string(), b.backend.clone(), b.frames.to_string(), b.bytes.to_string()]);
        }
        s += &table(&rows, "  ");
    }
    s
}
