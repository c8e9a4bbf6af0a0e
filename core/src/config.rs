//! The configuration file: VIPs and their backends, in TOML.
//!
//! ```toml
//! hash_seed = 0                  # optional, u32
//! hairpin_ports = [1, 0]         # optional: TX port of the frames balanced on RX port i
//!                                # (default: each port's own; a multi-port card only)
//! [[vip]]
//! address = "10.0.0.1"           # IPv4 or IPv6 ("2001:db8::1")
//! port = 7777                    # 0..=65535 (0: every port, hashed on the 3-tuple)
//! protocol = "udp"               # "tcp" or "udp"
//! ring_size = 65537              # optional: Maglev table entries, a prime in 251..=1048576
//!   [[vip.backend]]
//!   address = "10.1.0.1"         # of the VIP's family
//!   mac = "02:00:00:00:01:01"    # optional
//!   weight = 1                   # optional, default 1, 0..=256 (0: drained)
//! ```
//!
//! toml (through serde) parses the text, keeping its line and column in syntax errors; this
//! module then validates the table into a [`Config`] so that each error names the VIP and the
//! field. Limits that depend on the device (VIP count, ring size) are the driver's to check.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
#[cfg(test)]
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use thiserror::Error;
use toml::{Table, Value};

use crate::layout::{parse_mac, Protocol, VipKey};
use crate::maglev;
use crate::regmap;

/// Largest backend weight: a backend gets `weight` ring entries.
pub const MAX_WEIGHT: u32 = 256;

/// A validated configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// Flow hash seed (`HASH_SEED`).
    pub hash_seed: u32,
    /// `hairpin_ports[i]`: the TX port that frames balanced on RX port `i` leave on (`HAIRPIN`);
    /// ports past the end of the list use their own. Empty: every port its own.
    pub hairpin_ports: Vec<u8>,
    /// VIPs in file order; no two share a key.
    pub vips: Vec<Vip>,
}

/// A virtual IP service: frames to `address:port/protocol` are balanced over `backends`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vip {
    /// IPv4 or IPv6.
    pub address: IpAddr,
    /// 0: every port of the address and protocol (flows hashed on the 3-tuple).
    pub port: u16,
    pub protocol: Protocol,
    /// Entries of the VIP's Maglev table (a prime, default [`maglev::DEFAULT_RING_SIZE`]).
    pub ring_size: u32,
    /// The config left `ring_size` out: the driver may pick a smaller prime so that every such
    /// VIP fits the device's ring (docs/architecture.md, *Maglev*).
    pub ring_size_default: bool,
    /// Backends in file order (the order the ring is filled in).
    pub backends: Vec<Backend>,
}

impl Vip {
    /// The VIP's match key.
    pub fn key(&self) -> VipKey {
        VipKey { addr: self.address, port: self.port, protocol: self.protocol }
    }
}

/// A backend of a VIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backend {
    /// Of its VIP's family.
    pub address: IpAddr,
    /// Destination MAC to write into balanced frames, if any.
    pub mac: Option<[u8; 6]>,
    /// Ring entries this backend gets (0: drained), 0..=[`MAX_WEIGHT`].
    pub weight: u32,
}

/// Which VIP an error is about: its index in the file and, once known, its key (or address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VipRef {
    pub index: usize,
    pub key: Option<VipKey>,
    pub address: Option<IpAddr>,
}

impl fmt::Display for VipRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vip[{}]", self.index)?;
        match (self.key, self.address) {
            (Some(k), _) => write!(f, " ({k})"),
            (None, Some(a)) => write!(f, " ({a})"),
            (None, None) => Ok(()),
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An error in the file at `path`.
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: Box<ConfigError>,
    },
    /// Not valid TOML (toml's message, with line and column).
    #[error("{0}")]
    Syntax(#[from] toml::de::Error),
    /// Valid TOML that is not a valid configuration.
    #[error("{}", invalid_message(vip, field, message))]
    Invalid {
        /// The VIP, when the error is inside a `[[vip]]`.
        vip: Option<VipRef>,
        /// The field, e.g. `port` or `backend[0].mac` (empty when the error is about the whole
        /// VIP or file).
        field: String,
        message: String,
    },
}

fn invalid_message(vip: &Option<VipRef>, field: &str, message: &str) -> String {
    let mut s = String::new();
    if let Some(v) = vip {
        s.push_str(&v.to_string());
        s.push_str(": ");
    }
    if !field.is_empty() {
        s.push_str(field);
        s.push_str(": ");
    }
    s.push_str(message);
    s
}

impl Config {
    /// Parses and validates a configuration.
    pub fn from_toml_str(s: &str) -> Result<Config, ConfigError> {
        let table: Table = toml::from_str(s)?;
        validate(&table)
    }

    /// The `HAIRPIN` register value: nibble `i` is `hairpin_ports[i]`, every other port its own.
    pub fn hairpin_register(&self) -> u32 {
        let mut v = regmap::HAIRPIN_RESET;
        for (i, &port) in self.hairpin_ports.iter().enumerate() {
            v = (v & !(0xF << (4 * i))) | ((port as u32 & 0xF) << (4 * i));
        }
        v
    }

    /// Reads, parses and validates the configuration file at `path`; errors name the file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Config::from_toml_str(&text).map_err(|e| ConfigError::File { path: path.to_path_buf(), source: Box::new(e) })
    }
}

const TOP_KEYS: &[&str] = &["hash_seed", "hairpin_ports", "vip"];
const VIP_KEYS: &[&str] = &["address", "port", "protocol", "ring_size", "backend"];
const BACKEND_KEYS: &[&str] = &["address", "mac", "weight"];

/// An error about `field` of the VIP `vip` (if any).
fn invalid(vip: Option<&VipRef>, field: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { vip: vip.cloned(), field: field.into(), message: message.into() }
}

/// `a string ("80")`, `an integer (80)`, ... for "found ..." messages.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("a string ({s:?})"),
        Value::Integer(i) => format!("an integer ({i})"),
        Value::Float(x) => format!("a float ({x:?})"),
        Value::Boolean(b) => format!("a boolean ({b})"),
        Value::Datetime(d) => format!("a date-time ({d})"),
        Value::Array(_) => "an array".to_string(),
        Value::Table(_) => "a table".to_string(),
    }
}

fn unknown_keys(
    table: &Table,
    known: &[&str],
    vip: Option<&VipRef>,
    field: &str,
    what: &str,
) -> Result<(), ConfigError> {
    if let Some(k) = table.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(invalid(vip, field, format!("unknown key {k:?} {what} (expected {})", known.join(", "))));
    }
    Ok(())
}

fn integer(v: &Value, vip: Option<&VipRef>, field: &str, lo: i64, hi: i64) -> Result<i64, ConfigError> {
    match v {
        Value::Integer(i) if (lo..=hi).contains(i) => Ok(*i),
        Value::Integer(i) => Err(invalid(vip, field, format!("{i} is out of range ({lo}..={hi})"))),
        other => Err(invalid(vip, field, format!("expected an integer {lo}..={hi}, found {}", describe(other)))),
    }
}

fn string<'a>(v: &'a Value, vip: Option<&VipRef>, field: &str, expected: &str) -> Result<&'a str, ConfigError> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(invalid(vip, field, format!("expected {expected}, found {}", describe(other)))),
    }
}

fn ip(v: &Value, vip: Option<&VipRef>, field: &str) -> Result<IpAddr, ConfigError> {
    let s = string(v, vip, field, "an IP address as a string like \"10.0.0.1\" or \"2001:db8::1\"")?;
    s.parse::<IpAddr>().map_err(|_| {
        invalid(
            vip,
            field,
            format!("{s:?} is not an IP address (expected IPv4 like 10.0.0.1 or IPv6 like 2001:db8::1)"),
        )
    })
}

fn array_of_tables<'a>(
    v: &'a Value,
    vip: Option<&VipRef>,
    field: &str,
    header: &str,
) -> Result<Vec<&'a Table>, ConfigError> {
    let not_tables = |found: &Value| {
        invalid(vip, field, format!("expected an array of tables ({header}), found {}", describe(found)))
    };
    match v {
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Table(t) => Ok(t),
                other => Err(not_tables(other)),
            })
            .collect(),
        other => Err(not_tables(other)),
    }
}

fn validate(top: &Table) -> Result<Config, ConfigError> {
    if let Some(k) = top.keys().find(|k| !TOP_KEYS.contains(&k.as_str())) {
        return Err(invalid(
            None,
            "",
            format!("unknown key {k:?} at the top level (expected hash_seed, hairpin_ports, [[vip]])"),
        ));
    }
    let hash_seed = match top.get("hash_seed") {
        Some(v) => integer(v, None, "hash_seed", 0, u32::MAX as i64)? as u32,
        None => 0,
    };
    let hairpin_ports = match top.get("hairpin_ports") {
        Some(Value::Array(items)) => {
            if items.len() > regmap::MAX_PORTS as usize {
                return Err(invalid(
                    None,
                    "hairpin_ports",
                    format!("{} entries, but a card has at most {} ports", items.len(), regmap::MAX_PORTS),
                ));
            }
            let mut ports = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                ports.push(integer(v, None, &format!("hairpin_ports[{i}]"), 0, regmap::MAX_PORTS as i64 - 1)? as u8);
            }
            ports
        }
        Some(other) => {
            return Err(invalid(
                None,
                "hairpin_ports",
                format!("expected an array of port numbers like [1, 0], found {}", describe(other)),
            ))
        }
        None => Vec::new(),
    };
    let vip_tables = match top.get("vip") {
        Some(v) => array_of_tables(v, None, "vip", "[[vip]]")?,
        None => Vec::new(),
    };
    let mut vips: Vec<Vip> = Vec::with_capacity(vip_tables.len());
    let mut seen: HashMap<VipKey, usize> = HashMap::new();
    for (index, t) in vip_tables.into_iter().enumerate() {
        let vip = validate_vip(index, t)?;
        if let Some(first) = seen.insert(vip.key(), index) {
            let r = VipRef { index, key: Some(vip.key()), address: Some(vip.address) };
            return Err(invalid(
                Some(&r),
                "",
                format!("duplicate VIP: vip[{first}] has the same address, port and protocol"),
            ));
        }
        vips.push(vip);
    }
    Ok(Config { hash_seed, hairpin_ports, vips })
}

fn validate_vip(index: usize, t: &Table) -> Result<Vip, ConfigError> {
    let mut r = VipRef { index, key: None, address: None };
    let required = |name: &str, r: &VipRef| {
        t.get(name).ok_or_else(|| invalid(Some(r), name, "missing (every [[vip]] needs address, port and protocol)"))
    };
    // Read the key fields first so that later messages can name the VIP by its key, but report
    // an unknown key (often a misspelt field) before a missing one.
    let address = required("address", &r).and_then(|v| ip(v, Some(&r), "address"));
    if let Ok(a) = address {
        r.address = Some(a);
    }
    let port = required("port", &r).and_then(|v| integer(v, Some(&r), "port", 0, 65535).map(|p| p as u16));
    let protocol = required("protocol", &r).and_then(|v| {
        let s = string(v, Some(&r), "protocol", "\"tcp\" or \"udp\"")?;
        match s {
            "tcp" => Ok(Protocol::Tcp),
            "udp" => Ok(Protocol::Udp),
            _ => Err(invalid(Some(&r), "protocol", format!("{s:?} is not a protocol (expected \"tcp\" or \"udp\")"))),
        }
    });
    if let (Ok(a), Ok(p), Ok(proto)) = (&address, &port, &protocol) {
        r.key = Some(VipKey { addr: *a, port: *p, protocol: *proto });
    }
    unknown_keys(t, VIP_KEYS, Some(&r), "", "in [[vip]]")?;
    let (address, port, protocol) = (address?, port?, protocol?);
    let ring_size = match t.get("ring_size") {
        Some(v) => {
            let m =
                integer(v, Some(&r), "ring_size", maglev::MIN_RING_SIZE as i64, maglev::MAX_RING_SIZE as i64)? as u32;
            if !maglev::is_prime(m) {
                return Err(invalid(
                    Some(&r),
                    "ring_size",
                    format!("{m} is not a prime number (Maglev needs a prime table size, e.g. 65537 or 131071)"),
                ));
            }
            m
        }
        None => maglev::DEFAULT_RING_SIZE,
    };

    let backend_tables = match t.get("backend") {
        Some(v) => array_of_tables(v, Some(&r), "backend", "[[vip.backend]]")?,
        None => Vec::new(),
    };
    let mut backends = Vec::with_capacity(backend_tables.len());
    for (i, b) in backend_tables.into_iter().enumerate() {
        backends.push(validate_backend(&r, i, b)?);
    }
    Ok(Vip { address, port, protocol, ring_size, ring_size_default: t.get("ring_size").is_none(), backends })
}

fn validate_backend(r: &VipRef, i: usize, t: &Table) -> Result<Backend, ConfigError> {
    let here = format!("backend[{i}]");
    unknown_keys(t, BACKEND_KEYS, Some(r), &here, "in [[vip.backend]]")?;
    let field = |name: &str| format!("backend[{i}].{name}");
    let address = match t.get("address") {
        Some(v) => {
            let a = ip(v, Some(r), &field("address"))?;
            if let Some(vip_addr) = r.address {
                if a.is_ipv6() != vip_addr.is_ipv6() {
                    let fam = |x: &IpAddr| if x.is_ipv6() { "IPv6" } else { "IPv4" };
                    return Err(invalid(
                        Some(r),
                        field("address"),
                        format!(
                            "{a} is {} but the VIP is {}: a VIP's backends are of its family",
                            fam(&a),
                            fam(&vip_addr)
                        ),
                    ));
                }
            }
            a
        }
        None => return Err(invalid(Some(r), field("address"), "missing (every [[vip.backend]] needs an address)")),
    };
    let mac = match t.get("mac") {
        Some(v) => {
            let what = "a MAC address as a string like \"02:00:00:00:01:01\"";
            let s = string(v, Some(r), &field("mac"), what)?;
            Some(parse_mac(s).ok_or_else(|| {
                invalid(
                    Some(r),
                    field("mac"),
                    format!("{s:?} is not a MAC address (expected six hex bytes like 02:00:00:00:01:01)"),
                )
            })?)
        }
        None => None,
    };
    let weight = match t.get("weight") {
        Some(v) => integer(v, Some(r), &field("weight"), 0, MAX_WEIGHT as i64)? as u32,
        None => 1,
    };
    Ok(Backend { address, mac, weight })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        Config::from_toml_str(s).unwrap_err().to_string()
    }

    #[test]
    fn full_example() {
        let c = Config::from_toml_str(
            r#"
hash_seed = 0x1234
[[vip]]
address = "10.0.0.1"
port = 7777
protocol = "udp"
  [[vip.backend]]
  address = "10.1.0.1"
  mac = "02:00:00:00:01:01"
  [[vip.backend]]
  address = "10.1.0.2"
  weight = 0
[[vip]]
address = "10.0.0.2"
port = 80
protocol = "tcp"
"#,
        )
        .unwrap();
        assert_eq!(c.hash_seed, 0x1234);
        assert_eq!(c.vips.len(), 2);
        let v = &c.vips[0];
        assert_eq!(v.key().to_string(), "10.0.0.1:7777/udp");
        assert_eq!(
            v.backends,
            vec![
                Backend { address: Ipv4Addr::new(10, 1, 0, 1).into(), mac: Some([2, 0, 0, 0, 1, 1]), weight: 1 },
                Backend { address: Ipv4Addr::new(10, 1, 0, 2).into(), mac: None, weight: 0 },
            ]
        );
        assert_eq!(c.vips[1].key().to_string(), "10.0.0.2:80/tcp");
        assert!(c.vips[1].backends.is_empty());
    }

    #[test]
    fn ring_size_is_a_prime_in_range() {
        let vip = |m: &str| format!("[[vip]]\naddress = \"10.0.0.1\"\nport = 80\nprotocol = \"tcp\"\n{m}");
        assert_eq!(Config::from_toml_str(&vip("")).unwrap().vips[0].ring_size, 65_537);
        assert_eq!(Config::from_toml_str(&vip("ring_size = 251")).unwrap().vips[0].ring_size, 251);
        assert_eq!(Config::from_toml_str(&vip("ring_size = 131071")).unwrap().vips[0].ring_size, 131_071);
        let e = err(&vip("ring_size = 65536"));
        assert!(e.contains("10.0.0.1:80/tcp") && e.contains("ring_size") && e.contains("not a prime"), "{e}");
        let e = err(&vip("ring_size = 13"));
        assert!(e.contains("10.0.0.1:80/tcp") && e.contains("ring_size"), "{e}");
    }

    #[test]
    fn empty_config() {
        assert_eq!(Config::from_toml_str("").unwrap(), Config::default());
        assert_eq!(Config::from_toml_str("hash_seed = 4294967295").unwrap().hash_seed, u32::MAX);
    }

    #[test]
    fn hairpin_ports() {
        let c = Config::from_toml_str("hairpin_ports = [1, 0]").unwrap();
        assert_eq!(c.hairpin_ports, vec![1, 0]);
        // nibble 0 = 1, nibble 1 = 0, ports 2..7 their own
        assert_eq!(c.hairpin_register(), 0x7654_3201);
        assert_eq!(Config::default().hairpin_register(), 0x7654_3210);
        assert_eq!(Config::from_toml_str("hairpin_ports = [0, 0, 0]").unwrap().hairpin_register(), 0x7654_3000);
        assert_eq!(err("hairpin_ports = [1, 8]"), "hairpin_ports[1]: 8 is out of range (0..=7)");
        assert_eq!(
            err("hairpin_ports = 1"),
            "hairpin_ports: expected an array of port numbers like [1, 0], found an integer (1)"
        );
        assert_eq!(
            err("hairpin_ports = [0, 1, 2, 3, 4, 5, 6, 7, 0]"),
            "hairpin_ports: 9 entries, but a card has at most 8 ports"
        );
        assert_eq!(
            err(r#"hairpin_ports = ["1"]"#),
            r#"hairpin_ports[0]: expected an integer 0..=7, found a string ("1")"#
        );
    }

    #[test]
    fn ipv6_and_port_zero() {
        let c = Config::from_toml_str(
            r#"
[[vip]]
address = "2001:db8::1"
port = 0
protocol = "tcp"
  [[vip.backend]]
  address = "fd00::2"
"#,
        )
        .unwrap();
        assert_eq!(c.vips[0].key().to_string(), "[2001:db8::1]:0/tcp");
        assert!(c.vips[0].backends[0].address.is_ipv6());
        let e = err(r#"
[[vip]]
address = "2001:db8::1"
port = 443
protocol = "tcp"
  [[vip.backend]]
  address = "fd00::2"
  [[vip.backend]]
  address = "10.1.0.1"
"#);
        assert_eq!(
            e,
            "vip[0] ([2001:db8::1]:443/tcp): backend[1].address: 10.1.0.1 is IPv4 but the VIP is IPv6: a VIP's backends are of its family"
        );
    }

    #[test]
    fn bad_mac_names_vip_and_field() {
        let e = err(r#"
[[vip]]
address = "10.0.0.1"
port = 7777
protocol = "udp"
[[vip]]
address = "10.0.0.2"
port = 80
protocol = "tcp"
  [[vip.backend]]
  address = "10.1.0.1"
  mac = "zz:00"
"#);
        assert_eq!(
            e,
            r#"vip[1] (10.0.0.2:80/tcp): backend[0].mac: "zz:00" is not a MAC address (expected six hex bytes like 02:00:00:00:01:01)"#
        );
    }
}
