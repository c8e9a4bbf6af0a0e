//! Device logic against the reference model's register window (`ModelDevice`, which behaves like
//! the hardware: read-only ID/VERSION/CAP_*, tables, counters) and an in-memory recorder.

use l4lb_core::config::Config;
use l4lb_core::layout::{Caps, Protocol, VipKey};
use l4lb_core::model::ModelDevice;
use l4lb_core::regmap;
use l4lb_core::regs::{RegError, RegisterAccess};
use l4lb_driver::device::{DeviceState, Plan};
use l4lb_driver::{Device, DriverError};
use std::net::{IpAddr, Ipv4Addr};

const FEATURES: &str = r#"
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
  mac = "02:00:00:00:01:02"
  weight = 3
  [[vip.backend]]
  address = "10.1.0.3"
[[vip]]
address = "10.0.0.1"
port = 80
protocol = "tcp"
  [[vip.backend]]
  address = "10.2.0.1"
  mac = "02:00:00:00:02:01"
  [[vip.backend]]
  address = "10.2.0.3"
  mac = "aa:bb:cc:dd:ee:ff"
  weight = 2
[[vip]]
address = "10.0.0.2"
port = 53
protocol = "udp"
  [[vip.backend]]
  address = "10.3.0.1"
[[vip]]
address = "10.0.0.3"
port = 443
protocol = "tcp"
"#;

fn config(toml: &str) -> Config {
    Config::from_toml_str(toml).expect("test config parses")
}

fn model() -> ModelDevice {
    ModelDevice::new(Caps::default())
}

/// Checks that `state` holds exactly `cfg` (every backend with weight > 0; weight = ring entries).
fn assert_holds(state: &DeviceState, cfg: &Config) {
    assert!(state.warnings.is_empty(), "warnings: {:?}", state.warnings);
    assert!(state.enabled);
    assert_eq!(state.hash_seed, cfg.hash_seed);
    assert_eq!(state.vips.len(), cfg.vips.len());
    let mut ring_base = 0;
    for (id, (v, c)) in state.vips.iter().zip(&cfg.vips).enumerate() {
        assert_eq!(v.vip_id as usize, id);
        assert_eq!((v.address, v.port, v.protocol.as_str()), (c.address, c.port, c.protocol.to_string().as_str()));
        assert_eq!(v.vip, c.key().to_string());
        assert_eq!(v.ring_base, ring_base, "VIP {id}: slices are contiguous in config order");
        let want: Vec<_> = c.backends.iter().filter(|b| b.weight > 0).collect();
        assert_eq!(v.backends.len(), want.len(), "VIP {id}");
        for (b, w) in v.backends.iter().zip(want) {
            assert!(b.valid);
            assert_eq!(b.address, Some(w.address));
            assert_eq!(b.mac, w.mac.map(|m| l4lb_core::layout::format_mac(&m)));
            assert_eq!(b.ring_entries, w.weight);
        }
        assert_eq!(v.ring_size, c.backends.iter().map(|b| b.weight).sum::<u32>());
        ring_base += v.ring_size;
    }
}

#[test]
fn apply_then_read_state_round_trips_the_config() {
    let cfg = config(FEATURES);
    let mut dev = Device::open(model()).unwrap();
    let report = dev.apply(&cfg).unwrap();
    assert_eq!(report.vips.len(), 4);
    assert_eq!(report.backends, 6);
    assert_eq!(report.ring_entries, 1 + 3 + 1 + 1 + 2 + 1);
    assert!(report.register_writes > 0);
    let state = dev.read_state().unwrap();
    assert_holds(&state, &cfg);
    // Backend indexes are global, in config order.
    let idx: Vec<Vec<u32>> = state.vips.iter().map(|v| v.backends.iter().map(|b| b.index).collect()).collect();
    assert_eq!(idx, vec![vec![0, 1, 2], vec![3, 4], vec![5], vec![]]);
    assert!(state.unused_backends.is_empty());
    // The report and the state agree on where each VIP sits.
    for (a, v) in report.vips.iter().zip(&state.vips) {
        assert_eq!((a.vip_id, &a.vip, a.slot), (v.vip_id, &v.vip, v.slot));
    }
}

#[test]
fn applying_the_same_config_again_writes_only_seed_and_ctrl() {
    let cfg = config(FEATURES);
    let mut dev = Device::open(model()).unwrap();
    dev.apply(&cfg).unwrap();
    assert_eq!(dev.apply(&cfg).unwrap().register_writes, 2);
}

#[test]
fn a_new_config_replaces_the_old_one_entirely() {
    let mut dev = Device::open(model()).unwrap();
    dev.apply(&config(FEATURES)).unwrap();
    let small = config(
        r#"
hash_seed = 7
[[vip]]
address = "10.0.0.2"
port = 53
protocol = "udp"
  [[vip.backend]]
  address = "10.9.0.1"
  weight = 4
"#,
    );
    dev.apply(&small).unwrap();
    let state = dev.read_state().unwrap();
    assert_holds(&state, &small);
    // Nothing left of the old config: VIP info and backends beyond the new ones are cleared.
    let r = dev.regs();
    for id in 1..4 {
        assert_eq!(r.read32(regmap::VIP_INFO.word(id, regmap::VIP_INFO_W_RING_SIZE)).unwrap(), 0, "VIP info {id}");
    }
    for b in 1..6 {
        assert_eq!(r.read32(regmap::BACKENDS.word(b, regmap::BACKEND_W_FLAGS)).unwrap() & regmap::BACKEND_VALID, 0);
    }
    // And back.
    dev.apply(&config(FEATURES)).unwrap();
    assert_holds(&dev.read_state().unwrap(), &config(FEATURES));
}

#[test]
fn an_empty_config_clears_the_tables_and_enables() {
    let mut dev = Device::open(model()).unwrap();
    dev.apply(&config(FEATURES)).unwrap();
    let report = dev.apply(&config("")).unwrap();
    assert!(report.vips.is_empty());
    let state = dev.read_state().unwrap();
    assert!(state.vips.is_empty() && state.warnings.is_empty() && state.enabled);
}

/// CRC-32C written here from the contract's words (reflected, polynomial 0x82F63B78, initial and
/// final XOR 0xFFFFFFFF), independently of `l4lb_core::hash`.
fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
        }
    }
    !crc
}

/// What the pipeline does (docs/architecture.md, *Finding the VIP*): read both buckets, compare
/// the 8 slots, return the vip_id of the valid slot with the key.
fn lookup(
    r: &mut dyn RegisterAccess,
    buckets: u32,
    addr: IpAddr,
    port: u16,
    proto: u8,
) -> Result<Vec<u32>, RegError> {
    // Contract v2: address (4 or 16 bytes), port, protocol; words 1..=4 hold the address,
    // big-endian, IPv4 in word 1 with words 2-4 zero; word 0 bit 1 is the IPv6 flag.
    let a: Vec<u8> = match addr {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    let mut key = a.clone();
    key.extend_from_slice(&port.to_be_bytes());
    key.push(proto);
    let k = crc32c(&key);
    let mut want_words = [0u32; 4];
    for (i, c) in a.chunks(4).enumerate() {
        want_words[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
    }
    let v6 = if addr.is_ipv6() { 2 } else { 0 };
    let mut hits = Vec::new();
    for (bank, bucket) in [(0, k % buckets), (1, (k >> 16) % buckets)] {
        for way in 0..4 {
            let slot = bank * 4 * buckets + bucket * 4 + way;
            let base = 0x01_0000 + 32 * slot;
            let w0 = r.read32(base)?;
            let want0 = 1 | v6 | (proto as u32) << 8 | (port as u32) << 16;
            let words = [r.read32(base + 4)?, r.read32(base + 8)?, r.read32(base + 12)?, r.read32(base + 16)?];
            if w0 & 0xFFFF_FF03 == want0 && words == want_words {
                hits.push(r.read32(base + 20)? & 0xFFFF);
            }
        }
    }
    Ok(hits)
}

fn many_vips(n: u32) -> String {
    let mut s = String::new();
    for i in 0..n {
        let addr = Ipv4Addr::from(0x0A00_0000 + (i / 3) * 7 + 1);
        let (port, proto) = [(80, "tcp"), (443, "tcp"), (53, "udp")][(i % 3) as usize];
        s += &format!("[[vip]]\naddress = \"{addr}\"\nport = {port}\nprotocol = \"{proto}\"\n");
        s += &format!("  [[vip.backend]]\n  address = \"{}\"\n", Ipv4Addr::from(0x0B00_0000 + i));
    }
    s
}

#[test]
fn two_hundred_fifty_six_vips_fit_the_default_table_and_each_is_found_in_its_buckets() {
    let cfg = config(&many_vips(256));
    let mut dev = Device::open(model()).unwrap();
    assert_eq!(dev.caps().vip_buckets, 128);
    dev.apply(&cfg).unwrap();
    let r = dev.regs();
    for (id, v) in cfg.vips.iter().enumerate() {
        let hits = lookup(r, 128, v.address, v.port, v.protocol.number()).unwrap();
        assert_eq!(hits, vec![id as u32], "VIP {} must be found exactly once, with its vip_id", v.key());
    }
    // A key that is not configured is not found.
    assert!(lookup(r, 128, Ipv4Addr::new(192, 0, 2, 1).into(), 80, 6).unwrap().is_empty());
    assert_holds(&dev.read_state().unwrap(), &cfg);
}

#[test]
fn drained_backends_are_listed_as_unused() {
    let cfg = config(&FEATURES.replace("  weight = 2\n", "  weight = 0\n"));
    // Through a `&mut dyn RegisterAccess`, as the testbench's engines hand out.
    let mut m = model();
    let mut dev = Device::open(&mut m as &mut dyn RegisterAccess).unwrap();
    dev.apply(&cfg).unwrap();
    let state = dev.read_state().unwrap();
    assert_holds(&state, &cfg);
    let unused: Vec<(u32, Option<IpAddr>, u32)> =
        state.unused_backends.iter().map(|b| (b.index, b.address, b.ring_entries)).collect();
    assert_eq!(unused, vec![(4, Some(Ipv4Addr::new(10, 2, 0, 3).into()), 0)]);
}

#[test]
fn placement_relocates_in_a_small_table() {
    // 8 buckets per bank = 64 slots for 56 VIPs: cuckoo moves are needed.
    let caps = Caps { vip_buckets: 8, vip_count: 64, ..Caps::default() };
    let cfg = config(&many_vips(56));
    let mut dev = Device::open(ModelDevice::new(caps)).unwrap();
    let report = dev.apply(&cfg).unwrap();
    assert!(report.placement_moves > 0);
    for (id, v) in cfg.vips.iter().enumerate() {
        assert_eq!(lookup(dev.regs(), 8, v.address, v.port, v.protocol.number()).unwrap(), vec![id as u32]);
    }
    assert_holds(&dev.read_state().unwrap(), &cfg);
}

/// `dev` has not been written: CTRL is 0 and no VIP slot is valid.
fn untouched(dev: &mut Device<ModelDevice>) -> bool {
    let slots = dev.caps().vip_slots();
    let r = dev.regs();
    r.read32(regmap::REG_CTRL).unwrap() == 0
        && (0..slots).all(|s| r.read32(regmap::VIP_MATCH.word(s, 0)).unwrap() == 0)
        && r.read32(regmap::BACKENDS.word(0, 0)).unwrap() == 0
}

#[test]
fn limits_are_checked_before_anything_is_written() {
    let caps = Caps { vip_count: 2, backend_count: 3, ring_entries: 4, ..Caps::default() };
    let cases = [
        (many_vips(3), "3 VIPs", "CAP_VIPS", "has 2"),
        (
            "[[vip]]\naddress=\"10.0.0.1\"\nport=1\nprotocol=\"tcp\"\n".to_string()
                + &"[[vip.backend]]\naddress=\"10.1.0.1\"\n".repeat(4),
            "4 backend entries",
            "CAP_BACKENDS",
            "has 3",
        ),
        (
            "[[vip]]\naddress=\"10.0.0.1\"\nport=1\nprotocol=\"tcp\"\n[[vip.backend]]\naddress=\"10.1.0.1\"\nweight=5\n"
                .to_string(),
            "5 ring entries",
            "CAP_RING",
            "has 4",
        ),
    ];
    for (toml, needed, register, limit) in cases {
        let mut dev = Device::open(ModelDevice::new(caps)).unwrap();
        let err = dev.apply(&config(&toml)).unwrap_err();
        assert!(matches!(err, DriverError::Limit { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(needed) && msg.contains(register) && msg.contains(limit), "{msg}");
        assert!(untouched(&mut dev), "{register}: the device was written");
    }
}

#[test]
fn an_unplaceable_vip_is_named_and_nothing_is_written() {
    // One bucket per bank: 8 slots in all, so the ninth VIP cannot be placed.
    let caps = Caps { vip_buckets: 1, vip_count: 16, ..Caps::default() };
    let cfg = config(&many_vips(9));
    let mut dev = Device::open(ModelDevice::new(caps)).unwrap();
    let msg = dev.apply(&cfg).unwrap_err().to_string();
    assert!(msg.contains(&cfg.vips[8].key().to_string()) && msg.contains("vip_id 8"), "{msg}");
    assert!(untouched(&mut dev));
}

#[test]
fn a_duplicate_vip_is_refused() {
    // The config layer refuses duplicates too; the driver does not rely on it.
    let mut cfg = config("[[vip]]\naddress=\"10.0.0.1\"\nport=80\nprotocol=\"tcp\"\n");
    cfg.vips.push(cfg.vips[0].clone());
    let mut dev = Device::open(model()).unwrap();
    let msg = dev.apply(&cfg).unwrap_err().to_string();
    assert!(msg.contains("10.0.0.1:80/tcp") && msg.contains("twice"), "{msg}");
}

#[test]
fn plan_lays_out_backends_and_ring_in_config_order() {
    let plan = Plan::new(&config(FEATURES), &Caps::default()).unwrap();
    assert_eq!(plan.ring, vec![0, 1, 1, 1, 2, 3, 4, 4, 5]);
    let slices: Vec<(u32, u32)> = plan.infos.iter().map(|i| (i.ring_base, i.ring_size)).collect();
    assert_eq!(slices, vec![(0, 5), (5, 3), (8, 1), (9, 0)]);
    assert_eq!(plan.backends[1].mac, Some([2, 0, 0, 0, 1, 2]));
    assert_eq!(plan.hash_seed, 12345);
    let k = VipKey { addr: Ipv4Addr::new(10, 0, 0, 1).into(), port: 80, protocol: Protocol::Tcp };
    assert_eq!(plan.slots[1].1.key, k);
}

/// Records every write, in order, on top of the model.
struct Recorder {
    inner: ModelDevice,
    writes: Vec<(u32, u32)>,
}

impl RegisterAccess for Recorder {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        self.inner.read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        self.writes.push((offset, value));
        self.inner.write32(offset, value)
    }
    fn size(&self) -> u64 {
        self.inner.size()
    }
}

fn phase(offset: u32) -> u8 {
    use regmap::*;
    let within = |r: &Region| (r.base..r.base + r.span).contains(&offset);
    if within(&BACKENDS) {
        0
    } else if within(&RING) {
        1
    } else if within(&VIP_INFO) {
        2
    } else if within(&VIP_MATCH) {
        3
    } else if offset == REG_HASH_SEED {
        4
    } else if offset == REG_CTRL {
        5
    } else {
        panic!("unexpected write at {offset:#x}")
    }
}

#[test]
fn writes_go_backends_ring_info_slots_seed_ctrl_with_valid_words_last() {
    let mut dev = Device::open(Recorder { inner: model(), writes: Vec::new() }).unwrap();
    dev.apply(&config(FEATURES)).unwrap();
    let writes = std::mem::take(&mut dev.regs().writes);
    let phases: Vec<u8> = writes.iter().map(|(o, _)| phase(*o)).collect();
    assert!(phases.windows(2).all(|w| w[0] <= w[1]), "phases out of order: {phases:?}");
    assert_eq!(phases.last(), Some(&5));
    assert_eq!(writes.last(), Some(&(regmap::REG_CTRL, regmap::CTRL_ENABLE)));
    // Within an entry, the word that puts it in use comes last.
    let last_word_of = |region: &regmap::Region, key_word: u32| {
        let mut entries = std::collections::BTreeMap::new();
        for (i, (o, _)) in writes.iter().enumerate() {
            if (region.base..region.base + region.span).contains(o) {
                entries
                    .entry((o - region.base) / region.stride)
                    .or_insert_with(Vec::new)
                    .push(((o - region.base) % region.stride / 4, i));
            }
        }
        for (entry, ws) in entries {
            // (An entry that stays out of use, like an empty VIP info, need not write it.)
            if ws.iter().any(|(w, _)| *w == key_word) {
                assert_eq!(ws.last().unwrap().0, key_word, "{} entry {entry}: {ws:?}", region.name);
            }
        }
    };
    last_word_of(&regmap::BACKENDS, regmap::BACKEND_W_FLAGS);
    last_word_of(&regmap::VIP_INFO, regmap::VIP_INFO_W_RING_SIZE);
    last_word_of(&regmap::VIP_MATCH, regmap::VIP_MATCH_W_KEY);

    // Rewriting live entries with other contents takes them out of use first.
    dev.regs().writes.clear();
    let mut other = config(FEATURES);
    other.vips.swap(0, 1);
    dev.apply(&other).unwrap();
    let writes = std::mem::take(&mut dev.regs().writes);
    let b0: Vec<&(u32, u32)> =
        writes.iter().filter(|(o, _)| (regmap::BACKENDS.word(0, 0)..regmap::BACKENDS.word(1, 0)).contains(o)).collect();
    assert_eq!(*b0.first().unwrap(), &(regmap::BACKENDS.word(0, 0), 0), "backend 0 invalidated first: {b0:?}");
    assert_holds(&dev.read_state().unwrap(), &other);
}

#[test]
fn stats_name_every_reason_and_the_vips() {
    let mut dev = Device::open(model()).unwrap();
    dev.apply(&config(FEATURES)).unwrap();
    let s = dev.stats().unwrap();
    assert_eq!((s.frames_in, s.bytes_in, s.balanced, s.passed), (0, 0, 0, 0));
    let names: Vec<&str> = s.reasons.keys().map(String::as_str).collect();
    for r in regmap::Reason::ALL.iter().skip(1) {
        assert!(names.contains(&r.name()), "{names:?}");
    }
    assert_eq!(s.reasons.len(), regmap::Reason::COUNT - 1);
    let vips: Vec<(u16, &str)> = s.vips.iter().map(|v| (v.vip_id, v.vip.as_str())).collect();
    assert_eq!(
        vips,
        vec![(0, "10.0.0.1:7777/udp"), (1, "10.0.0.1:80/tcp"), (2, "10.0.0.2:53/udp"), (3, "10.0.0.3:443/tcp")]
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["reasons"]["NO_VIP"], 0);
}

#[test]
fn a_model_that_is_not_l4lb_is_refused() {
    // The model's ID is read-only, so wrap it to show another ID.
    struct Other(ModelDevice);
    impl RegisterAccess for Other {
        fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
            if offset == regmap::REG_ID {
                return Ok(0x1234_0001);
            }
            self.0.read32(offset)
        }
        fn write32(&mut self, _: u32, _: u32) -> Result<(), RegError> {
            panic!("Device::open wrote to a device it should refuse")
        }
        fn size(&self) -> u64 {
            self.0.size()
        }
    }
    let e = Device::open(Other(model())).err().unwrap().to_string();
    assert!(e.contains("0x12340001"), "{e}");
}

/// Ethernet + IPv4 + UDP to `dst:dport`, 64 bytes (checksums are not the driver's business here).
fn udp_frame(dst: Ipv4Addr, dport: u16, sport: u16) -> Vec<u8> {
    let mut f = vec![0u8; 64];
    f[0..6].copy_from_slice(&[0x02, 0, 0, 0, 0, 0xAA]);
    f[6..12].copy_from_slice(&[0x02, 0, 0, 0, 0, 0xBB]);
    f[12..14].copy_from_slice(&[0x08, 0x00]);
    let ip = &mut f[14..34];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&(64u16 - 14).to_be_bytes());
    ip[8] = 64;
    ip[9] = 17;
    ip[12..16].copy_from_slice(&[192, 0, 2, 7]);
    ip[16..20].copy_from_slice(&dst.octets());
    let udp = &mut f[34..42];
    udp[0..2].copy_from_slice(&sport.to_be_bytes());
    udp[2..4].copy_from_slice(&dport.to_be_bytes());
    udp[4..6].copy_from_slice(&(64u16 - 34).to_be_bytes());
    f
}

#[test]
fn traffic_through_the_model_shows_in_stats() {
    let cfg = config(FEATURES);
    let mut m = model();
    Device::open(&mut m).unwrap().apply(&cfg).unwrap();
    let vip0 = Ipv4Addr::new(10, 0, 0, 1);
    let mut backends_seen = std::collections::BTreeSet::new();
    for sport in 0..50u16 {
        let mut f = udp_frame(vip0, 7777, 1000 + sport);
        assert!(m.process(&mut f, false).is_balanced());
        backends_seen.insert(Ipv4Addr::new(f[30], f[31], f[32], f[33]));
    }
    // Only VIP 0's backends with weight > 0, and with 50 flows over weights 1:3:1 all of them.
    let want: std::collections::BTreeSet<Ipv4Addr> =
        ["10.1.0.1", "10.1.0.2", "10.1.0.3"].iter().map(|a| a.parse().unwrap()).collect();
    assert_eq!(backends_seen, want);
    let mut f = udp_frame(Ipv4Addr::new(10, 0, 0, 9), 7777, 1);
    assert!(!m.process(&mut f, false).is_balanced());
    let mut f = udp_frame(vip0, 7777, 1);
    assert!(!m.process(&mut f, true).is_balanced()); // bad frame

    let s = Device::open(&mut m).unwrap().stats().unwrap();
    assert_eq!((s.frames_in, s.bytes_in, s.balanced, s.passed), (52, 52 * 64, 50, 2));
    assert_eq!(s.reasons["NO_VIP"], 1);
    assert_eq!(s.reasons["BAD_FRAME"], 1);
    assert_eq!(s.reasons.values().sum::<u64>(), 2);
    assert_eq!((s.vips[0].vip.as_str(), s.vips[0].frames, s.vips[0].bytes), ("10.0.0.1:7777/udp", 50, 50 * 64));
    assert!(s.vips[1..].iter().all(|v| v.frames == 0 && v.bytes == 0));

    // Disabled: every frame passes with DISABLED.
    Device::open(&mut m).unwrap().set_enabled(false).unwrap();
    let mut f = udp_frame(vip0, 7777, 1);
    assert!(!m.process(&mut f, false).is_balanced());
    let mut dev = Device::open(&mut m).unwrap();
    assert_eq!(dev.stats().unwrap().reasons["DISABLED"], 1);
    assert!(!dev.read_state().unwrap().enabled);
}

#[test]
fn capabilities_the_driver_cannot_use_are_refused() {
    struct Caps32([u32; 9]);
    impl RegisterAccess for Caps32 {
        fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
            Ok(self.0.get(offset as usize / 4).copied().unwrap_or(0))
        }
        fn write32(&mut self, _: u32, _: u32) -> Result<(), RegError> {
            panic!("write during open")
        }
        fn size(&self) -> u64 {
            regmap::BAR_SIZE
        }
    }
    let good = [regmap::ID_VALUE, regmap::VERSION_VALUE, 512, 256, 128, 4096, 65536, 161, 9216];
    assert!(Device::open(Caps32(good)).is_ok());
    for (i, v, want) in [
        (4, 100, "CAP_VIP_BUCKETS"),
        (4, 0, "CAP_VIP_BUCKETS"),
        (5, 0, "CAP_BACKENDS"),
        (5, 70000, "CAP_BACKENDS"),
        (3, 1 << 20, "CAP_VIPS"),
        (6, 1 << 24, "RING"),
    ] {
        let mut regs = good;
        regs[i] = v;
        let e = Device::open(Caps32(regs)).err().unwrap().to_string();
        assert!(e.contains(want), "{want}: {e}");
    }
}

#[test]
fn ipv6_and_port_zero_vips_are_written_and_read_back() {
    let cfg = config(
        r#"
[[vip]]
address = "2001:db8::1"
port = 443
protocol = "tcp"
  [[vip.backend]]
  address = "fd00::1"
  mac = "02:00:00:00:06:01"
  [[vip.backend]]
  address = "fd00::2"
[[vip]]
address = "2001:db8::1"
port = 0
protocol = "tcp"
  [[vip.backend]]
  address = "fd00::3"
[[vip]]
address = "10.0.0.1"
port = 0
protocol = "udp"
  [[vip.backend]]
  address = "10.1.0.1"
"#,
    );
    let mut dev = Device::open(model()).unwrap();
    dev.apply(&cfg).unwrap();
    for (id, v) in cfg.vips.iter().enumerate() {
        assert_eq!(lookup(dev.regs(), 128, v.address, v.port, v.protocol.number()).unwrap(), vec![id as u32]);
    }
    // Backend 0 (fd00::1): word 0 valid | IPv6 | MAC valid, words 4..=7 the address.
    let r = dev.regs();
    let words: Vec<u32> = (0..8).map(|w| r.read32(0x10_0000 + 4 * w).unwrap()).collect();
    assert_eq!(words, [0b111, 0x0200_0000, 0x0601, 0, 0xFD00_0000, 0, 0, 1]);
    assert_holds(&dev.read_state().unwrap(), &cfg);
}
