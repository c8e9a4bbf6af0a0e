//! The `l4lb` command line, run as a process on offline BAR images.

use l4lb_core::regmap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CONFIG: &str = r#"
hash_seed = 12345
[[vip]]
address = "10.0.0.1"
port = 7777
protocol = "udp"
  [[vip.backend]]
  address = "10.1.0.1"
  mac = "02:00:00:00:01:01"
  [[vip.backend]]
  address = "10.1.0.2"
  weight = 3
[[vip]]
address = "10.0.0.2"
port = 80
protocol = "tcp"
  [[vip.backend]]
  address = "10.2.0.1"
  weight = 2
"#;

fn l4lb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_l4lb")).args(args).output().expect("l4lb runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Runs `l4lb args`, expecting exit code 1 and one `error: ...` on stderr; returns that message.
fn fails(args: &[&str]) -> String {
    let o = l4lb(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{args:?}: stdout {} stderr {err}", stdout(&o));
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert!(o.stdout.is_empty(), "{args:?} printed to stdout: {}", stdout(&o));
    err
}

struct Setup {
    _dir: tempfile::TempDir,
    config: PathBuf,
    image: PathBuf,
    device: String,
}

fn setup(config: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l4lb.toml");
    std::fs::write(&path, config).unwrap();
    let image = dir.path().join("bar.img");
    let device = format!("file:{}", image.display());
    Setup { config: path, image, device, _dir: dir }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn apply_show_stats_on_an_image() {
    let t = setup(CONFIG);
    let o = l4lb(&["apply", s(&t.config), "--device", &t.device]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("2 VIPs, 3 backends, 6 ring entries"), "{out}");
    assert!(out.contains("register writes"), "{out}");
    assert!(out.contains("10.0.0.1:7777/udp") && out.contains("10.0.0.2:80/tcp"), "{out}");
    assert!(t.image.exists());

    let o = l4lb(&["show", "--device", &t.device]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for want in ["balancing enabled", "0x00003039", "10.0.0.1:7777/udp", "10.1.0.2", "02:00:00:00:01:01", "2 VIPs"] {
        assert!(out.contains(want), "show lacks {want:?}:\n{out}");
    }

    let o = l4lb(&["stats", "--device", &t.device]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for want in ["frames in", "NO_VIP", "NO_BACKEND", "10.0.0.2:80/tcp"] {
        assert!(out.contains(want), "stats lacks {want:?}:\n{out}");
    }
}

#[test]
fn json_output_parses() {
    let t = setup(CONFIG);
    let o = l4lb(&["apply", s(&t.config), "--device", &t.device, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("apply --json is JSON");
    assert_eq!(v["backends"], 3);
    assert_eq!(v["ring_entries"], 6);
    assert_eq!(v["vips"][1]["vip"], "10.0.0.2:80/tcp");
    assert!(v["register_writes"].as_u64().unwrap() > 0);

    let o = l4lb(&["show", "-d", &t.device, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("show --json is JSON");
    assert_eq!(v["enabled"], true);
    assert_eq!(v["hash_seed"], 12345);
    assert_eq!(v["caps"]["vip_buckets"], regmap::defaults::VIP_BUCKETS);
    assert_eq!(v["vips"][0]["vip"], "10.0.0.1:7777/udp");
    assert_eq!(v["vips"][0]["backends"][0]["mac"], "02:00:00:00:01:01");
    assert_eq!(v["vips"][0]["backends"][1]["address"], "10.1.0.2");
    assert_eq!(v["vips"][0]["backends"][1]["ring_entries"], 3);
    assert_eq!(v["vips"][1]["ring_base"], 4);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);

    let o = l4lb(&["stats", "--device", &t.device, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stats --json is JSON");
    assert_eq!(v["frames_in"], 0);
    assert_eq!(v["reasons"]["DISABLED"], 0);
    assert_eq!(v["vips"][1]["vip_id"], 1);
}

#[test]
fn bad_configs_name_the_vip_and_field_and_touch_nothing() {
    let base =
        "[[vip]]\naddress = \"10.0.0.1\"\nport = 80\nprotocol = \"tcp\"\n  [[vip.backend]]\n  address = \"10.1.0.1\"\n";
    for (config, wants) in [
        (format!("{base}  wieght = 2\n"), &["vip[0]", "10.0.0.1:80/tcp", "backend[0]", "wieght"][..]),
        (
            format!("{base}  mac = \"02:00:00:00:01\"\n"),
            &["vip[0]", "10.0.0.1:80/tcp", "backend[0].mac", "02:00:00:00:01"],
        ),
        (base.replace("\"tcp\"", "\"sctp\""), &["vip[0]", "10.0.0.1", "protocol", "sctp"]),
        ("[[vip]]\naddress = \"10.0.0.1\"\nport = 80\n".to_string(), &["vip[0]", "protocol", "missing"]),
        ("hash_seed = \"x\"\n".to_string(), &["hash_seed"]),
        ("[[vip]\n".to_string(), &["l4lb.toml"]),
    ] {
        let t = setup(&config);
        let err = fails(&["apply", s(&t.config), "--device", &t.device]);
        for w in wants {
            assert!(err.contains(w), "error for {config:?} does not name {w:?}: {err}");
        }
        assert_eq!(err.lines().next().unwrap().matches("vip[0]").count().min(1), err.matches("vip[0]").count().min(1));
        assert!(err.matches("vip[0]").count() <= 1, "the message repeats itself: {err}");
        assert!(!t.image.exists(), "a bad config created the device image");
    }
    let t = setup(CONFIG);
    let err = fails(&["apply", "/nonexistent/l4lb.toml", "--device", &t.device]);
    assert!(err.contains("/nonexistent/l4lb.toml"), "{err}");
}

#[test]
fn a_config_too_big_for_the_device_is_refused_with_the_limit() {
    let mut config = String::new();
    for i in 0..300u32 {
        config += &format!("[[vip]]\naddress = \"10.0.{}.{}\"\nport = 80\nprotocol = \"tcp\"\n", i / 256, i % 256);
    }
    let t = setup(&config);
    let err = fails(&["apply", s(&t.config), "--device", &t.device]);
    assert!(err.contains("300 VIPs") && err.contains("CAP_VIPS") && err.contains("256"), "{err}");
}

#[test]
fn a_file_that_is_not_a_device_is_refused_and_left_alone() {
    let t = setup(CONFIG);
    for garbage in [b"garbage\n".repeat(1000), vec![0x5Au8; regmap::BAR_SIZE as usize]] {
        std::fs::write(&t.image, &garbage).unwrap();
        for args in [
            vec!["apply", s(&t.config), "--device", &t.device],
            vec!["show", "--device", &t.device],
            vec!["stats", "--device", &t.device, "--json"],
        ] {
            let err = fails(&args);
            assert!(err.contains("BAR image") || err.contains("not an l4lb device"), "{err}");
            assert!(std::fs::read(&t.image).unwrap() == garbage, "{args:?} changed the file");
        }
    }
}

#[test]
fn device_specs_that_do_not_work_say_why() {
    let t = setup(CONFIG);
    let err = fails(&["show", "--device", "/sys/bus/pci/devices/ffff:ff:1f.7/resource2"]);
    assert!(err.contains("no such file") && err.contains("lspci"), "{err}");
    let err = fails(&["show", "--device", "ffff:ff:1f.7"]);
    assert!(err.contains("no PCI device ffff:ff:1f.7") && err.contains("lspci"), "{err}");
    let err = fails(&["stats", "--device", "vfio:ffff:ff:1f.7"]);
    assert!(err.contains("no PCI device ffff:ff:1f.7"), "{err}");
    let err = fails(&["show", "--device", "/dev/mqnic97"]);
    assert!(err.contains("/dev/mqnic97") && err.contains("modprobe mqnic"), "{err}");
    let err = fails(&["show", "--device", s(&t.config)]);
    assert!(err.contains("file:PATH") && err.contains(&format!("file:{}", s(&t.config))), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [&[][..], &["show"], &["apply", "--device", "file:/tmp/x"], &["frobnicate"], &["show", "--device"]] {
        let o = l4lb(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    assert!(l4lb(&["--help"]).status.success());
}
