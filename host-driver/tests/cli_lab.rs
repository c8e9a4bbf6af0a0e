//! The `l4lb` command line as a lab user runs it, on a fake sysfs tree (`L4LB_SYSFS_ROOT`) and on
//! BAR images: `devices`, PCI addresses, several `--device`s, `show`'s digest, `stats --watch`.

mod common;

use common::{Bar, FakeSys};
use l4lb_core::regmap;
use l4lb_core::regs::RegisterAccess;
use l4lb_driver::bar::MmapBar;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = r#"
[[vip]]
address = "10.0.0.1"
port = 80
protocol = "tcp"
ring_size = 251
  [[vip.backend]]
  address = "10.1.0.1"
  [[vip.backend]]
  address = "10.1.0.2"
  weight = 2
[[vip]]
address = "10.0.0.2"
port = 53
protocol = "udp"
ring_size = 251
  [[vip.backend]]
  address = "10.2.0.1"
"#;

fn l4lb(sys: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_l4lb")).env("L4LB_SYSFS_ROOT", sys).args(args).output().expect("l4lb runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(sys: &Path, args: &[&str]) -> String {
    let o = l4lb(sys, args);
    assert!(o.status.success(), "{args:?}: {}", err(&o));
    out(&o)
}

/// Exit code 1, one `error:` line, nothing on stdout.
fn fails(sys: &Path, args: &[&str]) -> String {
    let o = l4lb(sys, args);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {} {}", out(&o), err(&o));
    assert!(err(&o).starts_with("error: ") && !err(&o).contains("panicked"), "{}", err(&o));
    assert!(o.stdout.is_empty());
    err(&o)
}

struct Lab {
    sys: FakeSys,
    config: std::path::PathBuf,
}

fn lab() -> Lab {
    let sys = FakeSys::new();
    let config = sys.root().join("l4lb.toml");
    std::fs::write(&config, CONFIG).unwrap();
    Lab { sys, config }
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn devices_lists_boards_in_text_and_json() {
    let t = lab();
    let root = t.sys.root();
    let o = ok(root, &["devices"]);
    assert!(o.contains("no Corundum boards"), "{o}");
    t.sys
        .board("0000:81:00.0", 0x1234, 0x1001, Bar::L4lb)
        .bind("0000:81:00.0", "mqnic")
        .mqnic("0000:81:00.0", "mqnic0");
    t.sys.board("0000:82:00.0", 0x5543, 0x1001, Bar::Words { id: 0x1234_0001, version: 0 });
    t.sys.board("0000:00:02.0", 0x8086, 0x1234, Bar::None);
    let o = ok(root, &["devices"]);
    let lines: Vec<&str> = o.lines().collect();
    assert_eq!(lines.len(), 3, "{o}");
    assert!(
        lines[1].contains("0000:81:00.0")
            && lines[1].contains(&format!("l4lb {}.{}", regmap::VERSION_MAJOR, regmap::VERSION_MINOR))
            && lines[1].contains("/dev/mqnic0"),
        "{o}"
    );
    assert!(lines[2].contains("0000:82:00.0") && lines[2].contains("not l4lb (ID register 0x12340001)"), "{o}");
    assert!(!o.contains("0000:00:02.0"), "{o}");
    assert!(lines[1].contains("16 MiB"), "BAR 2 size: {o}");
    let v: serde_json::Value = serde_json::from_str(&ok(root, &["devices", "--json"])).unwrap();
    assert_eq!(v[0]["address"], "0000:81:00.0");
    assert_eq!(v[0]["application"]["status"], "l4lb");
    assert_eq!(v[0]["application"]["version"], format!("{}.{}", regmap::VERSION_MAJOR, regmap::VERSION_MINOR));
    assert_eq!(v[0]["driver"], "mqnic");
    assert_eq!(v[1]["application"]["status"], "other");
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[test]
fn apply_by_pci_address_and_refuse_wrong_boards() {
    let t = lab();
    let root = t.sys.root();
    t.sys.board("0000:01:00.0", 0x1234, 0x1001, Bar::L4lb);
    t.sys.board("0000:02:00.0", 0x10ee, 0x9038, Bar::L4lb);
    t.sys.board("0000:03:00.0", 0x1234, 0x1001, Bar::Words { id: 0x1234_0001, version: 0 });
    let o = ok(root, &["apply", p(&t.config), "--device", "0000:01:00.0"]);
    assert!(o.contains("2 VIPs, 3 backends, 502 ring entries"), "{o}");
    // What the PCI address wrote is what the BAR file holds.
    let image = format!("file:{}", p(&t.sys.resource2("0000:01:00.0")));
    let a = ok(root, &["show", "--device", "01:00.0"]);
    let b = ok(root, &["show", "--device", &image]);
    let digest =
        |s: &str| s.lines().find(|l| l.starts_with("tables digest:")).unwrap().split(' ').nth(2).unwrap().to_string();
    assert_eq!(digest(&a), digest(&b));

    let before = std::fs::read(t.sys.resource2("0000:02:00.0")).unwrap();
    let e = fails(root, &["apply", p(&t.config), "--device", "0000:02:00.0"]);
    assert!(e.contains("not a Corundum board") && e.contains("10ee:9038"), "{e}");
    assert!(std::fs::read(t.sys.resource2("0000:02:00.0")).unwrap() == before);
    let before = std::fs::read(t.sys.resource2("0000:03:00.0")).unwrap();
    let e = fails(root, &["apply", p(&t.config), "--device", "0000:03:00.0"]);
    assert!(e.contains("not an l4lb device") && e.contains("0x12340001"), "{e}");
    assert!(std::fs::read(t.sys.resource2("0000:03:00.0")).unwrap() == before);
}

#[test]
fn several_devices_get_the_same_config_or_none_does() {
    let t = lab();
    let root = t.sys.root();
    let d = |n: &str| format!("file:{}", p(&root.join(n)));
    let (a, b, c) = (d("a.img"), d("b.img"), d("c.img"));
    // Create the images, then make c too small for the config (CAP_VIPS = 1).
    ok(root, &["show", "--device", &a, "--device", &b, "--device", &c]);
    let mut bar = MmapBar::open_image(&root.join("c.img")).unwrap();
    bar.write32(regmap::REG_CAP_VIPS, 1).unwrap();
    drop(bar);
    let snapshot = || ["a.img", "b.img", "c.img"].map(|n| std::fs::read(root.join(n)).unwrap());
    let before = snapshot();
    let e = fails(root, &["apply", p(&t.config), "--device", &a, "--device", &b, "--device", &c]);
    assert!(e.contains(&c) && e.contains("CAP_VIPS") && e.contains("nothing was written to any device"), "{e}");
    assert!(snapshot() == before, "a refused apply wrote to a device");
    // A device that is not one: also refused before any write, and named.
    std::fs::write(root.join("junk.img"), b"junk").unwrap();
    let e = fails(root, &["apply", p(&t.config), "--device", &a, "--device", &d("junk.img")]);
    assert!(e.contains("junk.img") && e.contains("nothing was written to any device"), "{e}");
    assert!(snapshot() == before);
    let e = fails(root, &["show", "--device", &a, "--device", &a]);
    assert!(e.contains("named twice"), "{e}");

    // Both good ones: applied, and `show` confirms they decide alike.
    let o = ok(root, &["apply", p(&t.config), "--device", &a, "--device", &b, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(v["devices"][0]["device"], a.as_str());
    assert_eq!(v["devices"][1]["backends"], 3);
    let o = ok(root, &["show", "--device", &a, "--device", &b]);
    assert!(o.contains("all 2 devices hold the same tables"), "{o}");
    let v: serde_json::Value = serde_json::from_str(&ok(root, &["show", "-d", &a, "-d", &b, "--json"])).unwrap();
    assert_eq!(v["same_tables"], true);
    assert_eq!(v["devices"][0]["digest"], v["devices"][1]["digest"]);
    assert!(v["devices"][0]["digest"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(v["devices"][1]["vips"][0]["vip"], "10.0.0.1:80/tcp");
    assert_eq!(v["devices"][1]["digest_vips"], 2);
    assert_eq!(v["devices"][1]["digest_ring_positions"], 502);
    // No key twice (serde_json keeps the last of duplicates, which would hide it).
    let text = ok(root, &["show", "-d", &a, "--json"]);
    assert_eq!(text.matches("\n  \"vips\"").count(), 1, "{text}");

    // One card gets another weight: show says so and exits 3.
    std::fs::write(&t.config, CONFIG.replace("weight = 2", "weight = 3")).unwrap();
    ok(root, &["apply", p(&t.config), "--device", &b]);
    let o = l4lb(root, &["show", "--device", &a, "--device", &b]);
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    assert!(out(&o).contains("DIFFER"), "{}", out(&o));
    let o = l4lb(root, &["show", "--device", &a, "--device", &b, "--json"]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["same_tables"], false);
}

#[test]
fn stats_watch_prints_one_json_line_per_interval_with_rates() {
    let t = lab();
    let root = t.sys.root();
    let img = root.join("w.img");
    let dev = format!("file:{}", p(&img));
    ok(root, &["apply", p(&t.config), "--device", &dev]);
    // A writer stands in for traffic: FRAMES_IN and VIP 0's frames go up by 1000 every 10 ms.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (img, stop) = (img.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut bar = MmapBar::open_image(&img).unwrap();
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                n += 1000;
                bar.write32(regmap::REG_CNT_FRAMES_IN, n).unwrap();
                bar.write32(regmap::VIP_COUNTERS.base + regmap::VIP_CNT_FRAMES, n).unwrap();
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let started = Instant::now();
    let o = l4lb(root, &["stats", "--device", &dev, "--watch", "0.3", "--count", "3", "--json"]);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.join().unwrap();
    assert!(o.status.success(), "{}", err(&o));
    assert!(started.elapsed() < Duration::from_secs(10));
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["device"], dev.as_str());
        let secs = v["seconds"].as_f64().unwrap();
        assert!((0.29..2.0).contains(&secs), "{secs}");
        // About 100,000 frames/s; the writer's pace on a loaded machine is not exact.
        let fps = v["frames_per_s"].as_f64().unwrap();
        assert!(fps > 1_000.0 && fps < 200_000.0, "{fps}");
        assert_eq!(v["vips"][0]["vip"], "10.0.0.1:80/tcp");
        assert!(v["vips"][0]["frames_per_s"].as_f64().unwrap() > 0.0);
        assert_eq!(v["vips"][1]["frames_per_s"], 0.0);
    }

    // Text, not on a terminal: a block per interval.
    let o = ok(root, &["stats", "--device", &dev, "--watch", "0.1", "--count", "2"]);
    assert_eq!(o.matches("l4lb rates over").count(), 2, "{o}");
    assert!(o.contains("10.0.0.2:53/udp") && o.contains("frames/s"), "{o}");
    assert!(!o.contains('\x1b'), "no terminal escapes into a pipe");

    for bad in ["0", "-1", "7200", "x"] {
        let o = l4lb(root, &["stats", "--device", &dev, "--watch", bad]);
        assert_ne!(o.status.code(), Some(0), "--watch {bad}");
        assert!(!err(&o).contains("panicked"));
    }
    let o = l4lb(root, &["stats", "--device", &dev, "--count", "2"]);
    assert_eq!(o.status.code(), Some(2), "--count needs --watch");
}

#[test]
fn stats_watch_stops_on_ctrl_c() {
    let t = lab();
    let root = t.sys.root();
    let dev = format!("file:{}", p(&root.join("i.img")));
    ok(root, &["show", "--device", &dev]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_l4lb"))
        .args(["stats", "--device", &dev, "--watch", "60", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it catches SIGINT (Linux: bit 1 of SigCgt in /proc/PID/status).
    let catches = || {
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            .is_some_and(|m| m & (1 << (libc::SIGINT - 1)) != 0)
    };
    let started = Instant::now();
    while !catches() {
        assert!(started.elapsed() < Duration::from_secs(10), "the handler was never installed");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: signalling the child we spawned.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "--watch did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn missing_permissions_say_run_as_root() {
    // Root reads everything; run the tool as `nobody` to meet sysfs's permissions: folders and ID
    // files readable by all, resource files root's alone (0600), as Linux sets them.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: cannot run the tool as another user; skipped");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let t = lab();
    let root = t.sys.root();
    t.sys.board("0000:01:00.0", 0x1234, 0x1001, Bar::L4lb);
    for entry in walk(root) {
        let mode = if entry.is_dir() {
            0o755
        } else if entry.ends_with("resource2") {
            0o600
        } else {
            0o644
        };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let as_nobody = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_l4lb"))
            .env("L4LB_SYSFS_ROOT", root)
            .args(args)
            .uid(65534)
            .gid(65534)
            .output()
            .unwrap()
    };
    let before = std::fs::read(t.sys.resource2("0000:01:00.0")).unwrap();
    let o = as_nobody(&["apply", p(&t.config), "--device", "0000:01:00.0"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("permission denied") && e.contains("run as root") && e.contains("vfio"), "{e}");
    assert!(e.contains("/sys/bus/pci/devices/0000:01:00.0/resource2"), "names the file as on the machine: {e}");
    assert!(std::fs::read(t.sys.resource2("0000:01:00.0")).unwrap() == before);
    let o = as_nobody(&["devices"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("permission denied reading BAR 2: run as root"), "{}", out(&o));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_symlink() {
            continue;
        }
        if path.is_dir() {
            all.extend(walk(&path));
        } else {
            all.push(path);
        }
    }
    all
}
