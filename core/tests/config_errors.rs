//! The configuration file: what parses, and that each error names the file, the VIP and the field.

use std::net::Ipv4Addr;

use l4lb_core::config::{Backend, Config, ConfigError};
use l4lb_core::layout::Protocol;

fn err(s: &str) -> String {
    Config::from_toml_str(s).unwrap_err().to_string()
}

const VIP0: &str = r#"
[[vip]]
address = "10.0.0.1"
port = 7777
protocol = "udp"
"#;

#[test]
fn the_documented_example_parses() {
    let c = Config::from_toml_str(
        r#"
hash_seed = 0                  # optional, u32
[[vip]]
address = "10.0.0.1"           # IPv4 or IPv6
port = 7777                    # 1..65535
protocol = "udp"               # "tcp" or "udp"
  [[vip.backend]]
  address = "10.1.0.1"
  mac = "02:00:00:00:01:01"    # optional
  weight = 1                   # optional, default 1, 0..=256
"#,
    )
    .unwrap();
    assert_eq!(c.hash_seed, 0);
    assert_eq!(c.vips.len(), 1);
    let v = &c.vips[0];
    assert_eq!((v.address, v.port, v.protocol), (Ipv4Addr::new(10, 0, 0, 1).into(), 7777, Protocol::Udp));
    assert_eq!(
        v.backends,
        [Backend { address: Ipv4Addr::new(10, 1, 0, 1).into(), mac: Some([2, 0, 0, 0, 1, 1]), weight: 1 }]
    );
}

#[test]
fn optional_fields_and_limits() {
    let c = Config::from_toml_str(
        r#"
hash_seed = 4294967295
[[vip]]
address = "0.0.0.0"
port = 65535
protocol = "tcp"
  [[vip.backend]]
  address = "10.1.0.1"
  [[vip.backend]]
  address = "10.1.0.2"
  weight = 0
  [[vip.backend]]
  address = "10.1.0.3"
  weight = 256
[[vip]]
address = "0.0.0.0"
port = 65535
protocol = "udp"
[[vip]]
address = "0.0.0.0"
port = 1
protocol = "tcp"
"#,
    )
    .unwrap();
    assert_eq!(c.hash_seed, u32::MAX);
    let w: Vec<u32> = c.vips[0].backends.iter().map(|b| b.weight).collect();
    assert_eq!(w, [1, 0, 256]);
    assert!(c.vips[0].backends.iter().all(|b| b.mac.is_none()));
    assert_eq!(c.vips.len(), 3, "same address and port with another protocol is another VIP");
    assert!(c.vips[1].backends.is_empty());
    assert_eq!(Config::from_toml_str("").unwrap(), Config::default());
    assert_eq!(Config::from_toml_str("# nothing but a comment\n").unwrap().vips, []);
}

#[test]
fn mac_error_example_from_the_brief() {
    let e = err(&format!(
        "{VIP0}{}",
        r#"
[[vip]]
address = "10.0.0.2"
port = 80
protocol = "tcp"
  [[vip.backend]]
  address = "10.1.0.1"
  mac = "zz:00"
"#
    ));
    assert_eq!(
        e,
        r#"vip[1] (10.0.0.2:80/tcp): backend[0].mac: "zz:00" is not a MAC address (expected six hex bytes like 02:00:00:00:01:01)"#
    );
}

#[test]
fn port_errors() {
    let cfg = |port: &str| format!("[[vip]]\naddress = \"10.0.0.1\"\nport = {port}\nprotocol = \"tcp\"\n");
    // v2: port 0 means every port.
    assert!(Config::from_toml_str(&cfg("0")).is_ok());
    assert_eq!(err(&cfg("65536")), "vip[0] (10.0.0.1): port: 65536 is out of range (0..=65535)");
    assert_eq!(err(&cfg("-1")), "vip[0] (10.0.0.1): port: -1 is out of range (0..=65535)");
    assert_eq!(err(&cfg("\"80\"")), r#"vip[0] (10.0.0.1): port: expected an integer 0..=65535, found a string ("80")"#);
    assert_eq!(err(&cfg("80.0")), "vip[0] (10.0.0.1): port: expected an integer 0..=65535, found a float (80.0)");
}

#[test]
fn address_errors() {
    let cfg = |addr: &str| format!("[[vip]]\naddress = {addr}\nport = 80\nprotocol = \"tcp\"\n");
    // v2: IPv6 VIPs are fine.
    assert!(Config::from_toml_str(&cfg("\"2001:db8::1\"")).is_ok());
    assert_eq!(
        err(&cfg("\"10.0.0\"")),
        r#"vip[0]: address: "10.0.0" is not an IP address (expected IPv4 like 10.0.0.1 or IPv6 like 2001:db8::1)"#
    );
    assert!(err(&cfg("167772161")).starts_with("vip[0]: address: expected an IP address as a string"));
    // A backend of the other family names VIP, backend and field.
    let backend = format!("{VIP0}  [[vip.backend]]\n  address = \"fe80::1\"\n");
    assert_eq!(
        err(&backend),
        r#"vip[0] (10.0.0.1:7777/udp): backend[0].address: fe80::1 is IPv6 but the VIP is IPv4: a VIP's backends are of its family"#
    );
}

#[test]
fn protocol_errors() {
    let cfg = |p: &str| format!("[[vip]]\naddress = \"10.0.0.1\"\nport = 80\nprotocol = {p}\n");
    assert_eq!(
        err(&cfg("\"icmp\"")),
        r#"vip[0] (10.0.0.1): protocol: "icmp" is not a protocol (expected "tcp" or "udp")"#
    );
    assert_eq!(err(&cfg("6")), r#"vip[0] (10.0.0.1): protocol: expected "tcp" or "udp", found an integer (6)"#);
}

#[test]
fn missing_fields() {
    assert_eq!(
        err("[[vip]]\naddress = \"10.0.0.1\"\nprotocol = \"tcp\"\n"),
        "vip[0] (10.0.0.1): port: missing (every [[vip]] needs address, port and protocol)"
    );
    assert_eq!(
        err("[[vip]]\nport = 80\nprotocol = \"tcp\"\n"),
        "vip[0]: address: missing (every [[vip]] needs address, port and protocol)"
    );
    assert_eq!(
        err(&format!("{VIP0}[[vip]]\naddress = \"10.0.0.3\"\nport = 1\n")),
        "vip[1] (10.0.0.3): protocol: missing (every [[vip]] needs address, port and protocol)"
    );
    assert_eq!(
        err(&format!("{VIP0}  [[vip.backend]]\n  address = \"10.1.0.1\"\n  [[vip.backend]]\n  weight = 2\n")),
        "vip[0] (10.0.0.1:7777/udp): backend[1].address: missing (every [[vip.backend]] needs an address)"
    );
}

#[test]
fn unknown_keys_name_the_key_and_where() {
    assert_eq!(
        err("hash_sed = 1\n"),
        r#"unknown key "hash_sed" at the top level (expected hash_seed, hairpin_ports, [[vip]])"#
    );
    assert_eq!(
        err(&format!("{VIP0}ttl = 3\n")),
        r#"vip[0] (10.0.0.1:7777/udp): unknown key "ttl" in [[vip]] (expected address, port, protocol, ring_size, backend)"#
    );
    // A misspelt field is reported as unknown, not as the field that is then missing.
    assert_eq!(
        err("[[vip]]\naddress = \"10.0.0.1\"\nprot = 80\nprotocol = \"tcp\"\n"),
        r#"vip[0] (10.0.0.1): unknown key "prot" in [[vip]] (expected address, port, protocol, ring_size, backend)"#
    );
    assert_eq!(
        err(&format!("{VIP0}  [[vip.backend]]\n  address = \"10.1.0.1\"\n  wieght = 2\n")),
        r#"vip[0] (10.0.0.1:7777/udp): backend[0]: unknown key "wieght" in [[vip.backend]] (expected address, mac, weight)"#
    );
    // A sub-table of a VIP that is not [[vip.backend]].
    assert_eq!(
        err(&format!("{VIP0}[vip.extra]\nx = 1\n")),
        r#"vip[0] (10.0.0.1:7777/udp): unknown key "extra" in [[vip]] (expected address, port, protocol, ring_size, backend)"#
    );
}

#[test]
fn duplicate_vip() {
    let e = err(&format!("{VIP0}[[vip]]\naddress = \"10.0.0.2\"\nport = 7777\nprotocol = \"udp\"\n{VIP0}"));
    assert_eq!(e, "vip[2] (10.0.0.1:7777/udp): duplicate VIP: vip[0] has the same address, port and protocol");
}

#[test]
fn weight_and_mac_errors() {
    let b = |body: &str| err(&format!("{VIP0}  [[vip.backend]]\n  address = \"10.1.0.1\"\n{body}"));
    assert_eq!(b("  weight = 257\n"), "vip[0] (10.0.0.1:7777/udp): backend[0].weight: 257 is out of range (0..=256)");
    assert_eq!(b("  weight = -1\n"), "vip[0] (10.0.0.1:7777/udp): backend[0].weight: -1 is out of range (0..=256)");
    assert_eq!(
        b("  weight = \"1\"\n"),
        r#"vip[0] (10.0.0.1:7777/udp): backend[0].weight: expected an integer 0..=256, found a string ("1")"#
    );
    assert_eq!(
        b("  mac = 2\n"),
        r#"vip[0] (10.0.0.1:7777/udp): backend[0].mac: expected a MAC address as a string like "02:00:00:00:01:01", found an integer (2)"#
    );
    for bad in ["02:00:00:00:01", "02:00:00:00:01:01:01", "0200.0000.0101", "02:00:00:00:01:0x", ""] {
        let e = b(&format!("  mac = \"{bad}\"\n"));
        assert_eq!(
            e,
            format!("vip[0] (10.0.0.1:7777/udp): backend[0].mac: {bad:?} is not a MAC address (expected six hex bytes like 02:00:00:00:01:01)")
        );
    }
}

#[test]
fn structure_errors() {
    assert_eq!(err("hash_seed = -1\n"), "hash_seed: -1 is out of range (0..=4294967295)");
    assert_eq!(err("hash_seed = 4294967296\n"), "hash_seed: 4294967296 is out of range (0..=4294967295)");
    assert_eq!(err("hash_seed = \"0\"\n"), r#"hash_seed: expected an integer 0..=4294967295, found a string ("0")"#);
    assert_eq!(err("vip = 3\n"), "vip: expected an array of tables ([[vip]]), found an integer (3)");
    assert_eq!(err("[vip]\naddress = \"10.0.0.1\"\n"), "vip: expected an array of tables ([[vip]]), found a table");
    assert_eq!(
        err(&format!("{VIP0}backend = \"10.1.0.1\"\n")),
        r#"vip[0] (10.0.0.1:7777/udp): backend: expected an array of tables ([[vip.backend]]), found a string ("10.1.0.1")"#
    );
}

#[test]
fn toml_syntax_errors_keep_line_and_column() {
    let e = Config::from_toml_str("[[vip]]\naddress = \"10.0.0.1\"\nport = = 3\n").unwrap_err();
    assert!(matches!(e, ConfigError::Syntax(_)));
    let s = e.to_string();
    assert!(s.contains("line 3"), "{s}");
    assert!(s.contains("column"), "{s}");
    // A key given twice is TOML's error too.
    let s = err("hash_seed = 1\nhash_seed = 2\n");
    assert!(s.contains("line 2"), "{s}");
}

#[test]
fn load_names_the_file() {
    let dir = std::env::temp_dir().join(format!("l4lb-core-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lb.toml");
    std::fs::write(&path, format!("{VIP0}  [[vip.backend]]\n  address = \"10.1.0.1\"\n  weight = 300\n")).unwrap();
    let e = Config::load(&path).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("{}: vip[0] (10.0.0.1:7777/udp): backend[0].weight: 300 is out of range (0..=256)", path.display())
    );
    std::fs::write(&path, "port = = 1\n").unwrap();
    let e = Config::load(&path).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}: ", path.display())) && e.contains("line 1"), "{e}");
    std::fs::write(&path, VIP0).unwrap();
    assert_eq!(Config::load(&path).unwrap().vips.len(), 1);
    let missing = dir.join("missing.toml");
    let e = Config::load(&missing).unwrap_err().to_string();
    assert!(e.starts_with(&format!("cannot read {}: ", missing.display())), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
