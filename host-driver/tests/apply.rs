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
ring_size = 251
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

/// Checks that `state` holds exactly `cfg`: every VIP, every backend with weight > 0, each with
/// about its weight's share of the VIP's Maglev table of `ring_size` entries.
fn assert_holds(state: &DeviceState, cfg: &Config) {
    assert!(state.warnings.is_empty(), "warnings: {:?}", state.warnings);
    assert!(state.enabled);
    assert_eq!(state.hash_seed, cfg.hash_seed);
    assert_eq!(state.vips.len(), cfg.vips.len());
    for c in &cfg.vips {
        let v = state.vips.iter().find(|v| v.vip == c.key().to_string()).expect("VIP is on the device");
        assert_eq!((v.address, v.port, v.protocol.as_str()), (c.address, c.port, c.protocol.to_string().as_str()));
        let want: Vec<_> = c.backends.iter().filter(|b| b.weight > 0).collect();
        assert_eq!(v.backends.len(), want.len(), "VIP {}", v.vip);
        let total: u32 = want.iter().map(|b| b.weight).sum();
        assert_eq!(v.ring_size, if total > 0 { c.ring_size } else { 0 });
        assert_eq!(v.backends.iter().map(|b| b.ring_entries).sum::<u32>(), v.ring_size);
        for w in &want {
            let b = v.backends.iter().find(|b| b.address == Some(w.address)).expect("backend is in the ring");
            assert!(b.valid);
            assert_eq!(b.mac, w.mac.map(|m| l4lb_core::layout::format_mac(&m)));
            let ideal = v.ring_size as f64 * w.weight as f64 / total as f64;
            assert!((b.ring_entries as f64 - ideal).abs() <= ideal * 0.02 + 2.0, "{}: {b:?}, ideal {ideal}", v.vip);
        }
    }
}

/// A fresh device numbers VIPs in config order and lays their slices out contiguously.
fn assert_fresh_layout(state: &DeviceState) {
    let mut ring_base = 0;
    for (id, v) in state.vips.iter().enumerate() {
        assert_eq!(v.vip_id as usize, id);
        if v.ring_size > 0 {
            assert_eq!(v.ring_base, ring_base, "VIP {id}: slices are contiguous in vip_id order");
            ring_base += v.ring_size;
        }
    }
}

#[test]
fn apply_then_read_state_round_trips_the_config() {
    let cfg = config(FEATURES);
    let mut dev = Device::open(model()).unwrap();
    let report = dev.apply(&cfg).unwrap();
    assert_eq!(report.vips.len(), 4);
    assert_eq!(report.backends, 6);
    assert_eq!(report.ring_entries, 65_537 + 65_537 + 251);
    assert!(report.register_writes > 0);
    let state = dev.read_state().unwrap();
    assert_holds(&state, &cfg);
    assert_fresh_layout(&state);
    // Backend indexes are global, in config order.
    let idx: Vec<Vec<u32>> = state
        .vips
        .iter()
        .map(|v| {
            let mut i: Vec<u32> = v.backends.iter().map(|b| b.index).collect();
            i.sort();
            i
        })
        .collect();
    assert_eq!(idx, vec![vec![0, 1, 2], vec![3, 4], vec![5], vec![]]);
    assert!(state.unused_backends.is_empty());
    // The report and the state agree on where each VIP sits.
    for (a, v) in report.vips.iter().zip(&state.vips) {
        assert_eq!((a.vip_id, &a.vip, a.slot), (v.vip_id, &v.vip, v.slot));
    }
}

#[test]
fn applying_the_same_config_again_writes_only_bank_seed_and_ctrl() {
    let cfg = config(FEATURES);
    let mut dev = Device::open(model()).unwrap();
    dev.apply(&cfg).unwrap();
    let again = dev.apply(&cfg).unwrap();
    assert_eq!(again.register_writes, 3);
    assert_eq!(dev.regs().read32(regmap::REG_BANK).unwrap(), again.bank);
}

#[test]
fn an_update_writes_only_what_changes_and_switches_banks() {
    let cfg = config(FEATURES);
    let mut dev = Device::open(model()).unwrap();
    let first = dev.apply(&cfg).unwrap();
    assert_eq!(first.bank, 1, "the first apply fills bank 1 and switches to it");
    let mut drained = cfg.clone();
    drained.vips[0].backends[0].weight = 0; // 10.1.0.1 of 10.0.0.1:7777/udp, weight 1 of 5
    let up = dev.apply(&drained).unwrap();
    assert_eq!(up.bank, 0);
    assert_holds(&dev.read_state().unwrap(), &drained);
    // Only the drained backend's ring entries change (Maglev moves no others, or very few),
    // in both banks, plus BANK, HASH_SEED and CTRL.
    let share = 65_537 / 5;
    assert!(up.register_writes >= 2 * share as u64 * 9 / 10, "{}", up.register_writes);
    assert!(up.register_writes <= 2 * share as u64 * 11 / 10 + 3, "{}", up.register_writes);
    assert!(up.register_writes_until_switch * 2 <= up.register_writes + 8);
}

#[test]
fn removing_a_backend_keeps_the_others_entries_and_slices() {
    let cfg = config(FEATURES);
    let mut dev = Device::open(model()).unwrap();
    dev.apply(&cfg).unwrap();
    let before = dev.read_state().unwrap();
    let mut less = cfg.clone();
    less.vips[0].backends.remove(0); // 10.1.0.1 of 10.0.0.1:7777/udp: weight 1 of 5
    less.vips.remove(1); // and the whole VIP 10.0.0.1:80/tcp
    let up = dev.apply(&less).unwrap();
    let after = dev.read_state().unwrap();
    assert_holds(&after, &less);
    for v in &after.vips {
        let old = before.vips.iter().find(|o| o.vip == v.vip).unwrap();
        assert_eq!((v.vip_id, v.ring_base), (old.vip_id, old.ring_base), "{}", v.vip);
        for b in &v.backends {
            let was = old.backends.iter().find(|o| o.address == b.address).unwrap();
            assert_eq!(b.index, was.index, "{} keeps its backend entry", v.vip);
        }
    }
    // The removed backend's 1/5 of 65,537 entries change (plus the few Maglev moves), in both
    // banks; the removed VIP costs its info words, slot and backend entries only.
    let share = 65_537 / 5;
    assert!(up.register_writes <= 2 * share as u64 * 11 / 10 + 40, "{}", up.register_writes);
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
    // The VIP that stays keeps its vip_id (2), so frames in flight never see another VIP's slice.
    assert_eq!(state.vips[0].vip_id, 2);
    let r = dev.regs();
    for bank in 0..2 {
        for id in [0, 1, 3] {
            let at = regmap::VIP_INFO.word(id, 2 * bank + regmap::VIP_INFO_W_RING_SIZE);
            assert_eq!(r.read32(at).unwrap(), 0, "VIP info {id} bank {bank}");
        }
        for b in 1..6 {
            let at = regmap::backends(bank).word(b, regmap::BACKEND_W_FLAGS);
            assert_eq!(r.read32(at).unwrap() & regmap::BACKEND_VALID, 0);
        }
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
fn lookup(r: &mut dyn RegisterAccess, buckets: u32, addr: IpAddr, port: u16, proto: u8) -> Result<Vec<u32>, RegError> {
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
        s += &format!("[[vip]]\naddress = \"{addr}\"\nport = {port}\nprotocol = \"{proto}\"\nring_size = 251\n");
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
    let state = dev.read_state().unwrap();
    assert_holds(&state, &cfg);
    assert_fresh_layout(&state);
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
            "[[vip]]\naddress=\"10.0.0.1\"\nport=1\nprotocol=\"tcp\"\nring_size=251\n[[vip.backend]]\naddress=\"10.1.0.1\"\n"
                .to_string(),
            "251 ring entries",
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
fn plan_lays_out_backends_and_maglev_tables_in_config_order() {
    let plan = Plan::new(&config(FEATURES), &Caps::default()).unwrap();
    let slices: Vec<(u32, u32)> = plan.infos.iter().map(|i| (i.ring_base, i.ring_size)).collect();
    assert_eq!(slices, vec![(0, 65_537), (65_537, 65_537), (131_074, 251), (0, 0)]);
    assert_eq!(plan.ring.len(), 131_325);
    assert!(plan.ring.iter().all(Option::is_some), "no gaps on an empty device");
    // VIP 0: backends 0, 1 (weight 3), 2; VIP 1: 3, 4 (weight 2); VIP 2: 5.
    let count =
        |range: std::ops::Range<usize>, b: u32| plan.ring[range].iter().filter(|&&x| x == Some(b)).count() as f64;
    for (b, ideal) in [(0, 65_537.0 / 5.0), (1, 65_537.0 * 3.0 / 5.0), (2, 65_537.0 / 5.0)] {
        assert!((count(0..65_537, b) - ideal).abs() < ideal * 0.01, "backend {b}");
    }
    assert!((count(65_537..131_074, 4) - 65_537.0 * 2.0 / 3.0).abs() < 65_537.0 * 0.01);
    assert!(plan.ring[131_074..].iter().all(|&b| b == Some(5)));
    assert_eq!(plan.backends[1].unwrap().mac, Some([2, 0, 0, 0, 1, 2]));
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

/// Which table bank a write lands in (VIP info words 2b and 2b + 1, BACKENDS(_1), RING(_1)).
fn bank_of(offset: u32) -> Option<u32> {
    use regmap::*;
    let within = |r: &Region| (r.base..r.base + r.span).contains(&offset);
    if within(&VIP_INFO) {
        Some((offset - VIP_INFO.base) % VIP_INFO.stride / 8)
    } else if within(&BACKENDS) || within(&RING) {
        Some(0)
    } else if within(&BACKENDS_1) || within(&RING_1) {
        Some(1)
    } else {
        None
    }
}

/// docs/architecture.md, *Atomic updates*: before the switch the driver writes only the
/// inactive bank (and takes VIP slots out of use); then BANK; then VIP slots, seed, enable; then
/// only the old bank.
fn check_update_order(writes: &[(u32, u32)], old: u32) {
    let new = 1 - old;
    let switch = writes.iter().position(|w| *w == (regmap::REG_BANK, new)).expect("BANK is written");
    assert_eq!(writes.iter().filter(|(o, _)| *o == regmap::REG_BANK).count(), 1);
    let is_slot = |o: u32| (regmap::VIP_MATCH.base..regmap::VIP_MATCH.base + regmap::VIP_MATCH.span).contains(&o);
    for &(o, v) in &writes[..switch] {
        match bank_of(o) {
            Some(b) => assert_eq!(b, new, "write at {o:#x} before the switch is not in the inactive bank"),
            None => assert!(is_slot(o) && v == 0 && (o - regmap::VIP_MATCH.base).is_multiple_of(32), "{o:#x} = {v:#x}"),
        }
    }
    let mut after = writes[switch + 1..].iter();
    let mut tail_started = false;
    for &(o, _) in after.by_ref() {
        if tail_started {
            assert_eq!(bank_of(o), Some(old), "write at {o:#x} after the switch");
            continue;
        }
        if o == regmap::REG_CTRL {
            tail_started = true;
        } else {
            assert!(
                is_slot(o) || o == regmap::REG_HASH_SEED || o == regmap::REG_HAIRPIN,
                "write at {o:#x} between the switch and CTRL"
            );
        }
    }
    assert!(tail_started, "CTRL is written");
}

#[test]
fn updates_write_the_inactive_bank_switch_then_catch_up() {
    let mut dev = Device::open(Recorder { inner: model(), writes: Vec::new() }).unwrap();
    dev.apply(&config(FEATURES)).unwrap();
    let writes = std::mem::take(&mut dev.regs().writes);
    check_update_order(&writes, 0);
    // Within a VIP slot, the key word (valid bit) comes last.
    let slot_words: Vec<u32> = writes
        .iter()
        .filter(|(o, _)| (regmap::VIP_MATCH.base..regmap::VIP_MATCH.base + regmap::VIP_MATCH.span).contains(o))
        .map(|(o, _)| (o - regmap::VIP_MATCH.base) % 32 / 4)
        .collect();
    assert_eq!(slot_words.len() % 8, 0);
    assert!(slot_words.chunks(8).all(|c| c[7] == regmap::VIP_MATCH_W_KEY), "{slot_words:?}");

    // Another config: VIPs swapped, one removed; written the same way, from bank 1 to bank 0.
    let mut other = config(FEATURES);
    other.vips.swap(0, 1);
    other.vips.pop();
    dev.apply(&other).unwrap();
    let writes = std::mem::take(&mut dev.regs().writes);
    check_update_order(&writes, 1);
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
    // Per backend entry: the 50 frames under the entries of the addresses they were sent to.
    let mut by_addr = std::collections::BTreeMap::new();
    for b in &s.backends {
        *by_addr.entry(b.backend.clone()).or_insert(0u64) += b.frames;
        assert_eq!(b.bytes, b.frames * 64, "entry {}", b.index);
    }
    by_addr.retain(|_, n| *n > 0);
    assert_eq!(by_addr.keys().cloned().collect::<Vec<_>>(), ["10.1.0.1", "10.1.0.2", "10.1.0.3"]);
    assert_eq!(by_addr.values().sum::<u64>(), 50);
    // every valid entry of the active bank is listed: FEATURES has 6 backends with weight > 0
    assert_eq!(s.backends.len(), 6);

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
    /// ID, VERSION, CAP_* words from offset 0, and the PORTS register.
    struct Caps32([u32; 9], u32);
    impl RegisterAccess for Caps32 {
        fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
            if offset == regmap::REG_PORTS {
                return Ok(self.1);
            }
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
    assert!(Device::open(Caps32(good, 0x100)).is_ok());
    assert_eq!(Device::open(Caps32(good, 0x302)).unwrap().ports(), 3);
    for ports in [0, 9 << 8] {
        let e = Device::open(Caps32(good, ports)).err().unwrap().to_string();
        assert!(e.contains("PORTS"), "{e}");
    }
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
        let e = Device::open(Caps32(regs, 0x100)).err().unwrap().to_string();
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

/// A prime, by trial division (written here, not the driver's).
fn prime(n: u32) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| !n.is_multiple_of(d))
}

#[test]
fn vips_without_ring_size_share_the_ring_when_the_default_does_not_fit() {
    // 256 VIPs at the default 65,537 entries would need 16.8 M ring entries; the device has 2^20.
    let toml = many_vips(256).replace("ring_size = 251\n", "");
    let mut dev = Device::open(model()).unwrap();
    let ring = dev.caps().ring_entries;
    let report = dev.apply(&config(&toml)).unwrap();
    let m = report.vips[0].ring_size;
    assert!(report.vips.iter().all(|v| v.ring_size == m), "one size for every defaulted VIP");
    assert!(prime(m) && (251..=65_537).contains(&m), "{m}");
    assert!(256 * m as u64 <= ring as u64, "{m} x 256 must fit {ring}");
    // The largest such prime: the next prime up would not fit.
    let next = (m + 1..).find(|&n| prime(n)).unwrap();
    assert!(256 * next as u64 > ring as u64, "{next} would have fitted too");

    // An explicit ring_size is kept; the defaulted VIPs share what is left.
    let toml = format!(
        "[[vip]]\naddress = \"192.0.2.1\"\nport = 80\nprotocol = \"tcp\"\nring_size = 131071\n[[vip.backend]]\naddress = \"10.9.0.1\"\n{}",
        many_vips(20).replace("ring_size = 251\n", "")
    );
    let report = Device::open(model()).unwrap().apply(&config(&toml)).unwrap();
    assert_eq!(report.vips[0].ring_size, 131_071);
    let rest: u64 = report.vips[1..].iter().map(|v| v.ring_size as u64).sum();
    assert!(131_071 + rest <= ring as u64 && report.vips[1].ring_size < 65_537);

    // Few VIPs keep the documented default.
    let toml = many_vips(3).replace("ring_size = 251\n", "");
    let report = Device::open(model()).unwrap().apply(&config(&toml)).unwrap();
    assert!(report.vips.iter().all(|v| v.ring_size == 65_537));
}

/// A card with several ports as Corundum's application block presents it (docs/corundum.md,
/// *Several ports*): one core per port, each a reference model; a write goes to every port; a
/// read goes to the port the last `READ_PORT` write named (0 for a port that does not exist);
/// `PORTS` reads `{count, index}`. Frames reach one port's model.
struct Card {
    ports: Vec<ModelDevice>,
    read_port: u32,
}

impl Card {
    fn new(n: usize) -> Card {
        Card { ports: (0..n).map(|_| model()).collect(), read_port: 0 }
    }
}

impl RegisterAccess for Card {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        let n = self.ports.len() as u32;
        match self.ports.get_mut(self.read_port as usize) {
            None => Ok(0),
            Some(_) if offset == regmap::REG_PORTS => Ok((n << 8) | self.read_port),
            Some(m) => m.read32(offset),
        }
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        if offset == regmap::REG_READ_PORT {
            self.read_port = value & 0xFF;
        }
        self.ports.iter_mut().try_for_each(|m| m.write32(offset, value))
    }
    fn size(&self) -> u64 {
        regmap::BAR_SIZE
    }
}

/// Two ports: `hairpin_ports` reaches `HAIRPIN` on both, `show` reads it back per RX port, the
/// tables are the same on both, and `stats` adds the ports' counters (and lists each port's).
#[test]
fn a_two_port_card_gets_one_config_and_reports_both_ports() {
    let mut cfg = config(FEATURES);
    cfg.hairpin_ports = vec![1, 0];
    let mut dev = Device::open(Card::new(2)).unwrap();
    assert_eq!(dev.ports(), 2);
    dev.apply(&cfg).unwrap();
    let state = dev.read_state().unwrap();
    assert_holds(&state, &cfg);
    assert_eq!((state.ports, state.hairpin.clone()), (2, vec![1, 0]));
    let card = dev.regs();
    for m in &mut card.ports {
        assert_eq!(m.read32(regmap::REG_HAIRPIN).unwrap(), 0x7654_3201);
    }
    // every word of both banks' tables is the same on both ports
    for region in regmap::REGIONS.iter().filter(|r| !r.name.contains("COUNTERS")) {
        for at in (region.base..region.base + region.span.min(0x4_0000)).step_by(4) {
            let (a, b) = card.ports.split_at_mut(1);
            assert_eq!(a[0].read32(at).unwrap(), b[0].read32(at).unwrap(), "{} at {at:#x}", region.name);
        }
    }
    // 3 VIP frames and 1 other on port 0, 5 VIP frames on port 1
    let vip = Ipv4Addr::new(10, 0, 0, 1);
    for (port, n, dport) in [(0, 3, 7777), (0, 1, 9), (1, 5, 7777)] {
        for i in 0..n {
            let mut f = udp_frame(vip, dport, 1000 + i);
            card.ports[port].process(&mut f, false);
        }
    }
    card.read_port = 1; // left over from someone else: stats must not depend on it
    let st = dev.stats().unwrap();
    assert_eq!((st.frames_in, st.balanced, st.passed), (9, 8, 1));
    assert_eq!(st.reasons["NO_VIP"], 1);
    let ports: Vec<_> = st.ports.iter().map(|p| (p.port, p.frames_in, p.balanced)).collect();
    assert_eq!(ports, vec![(0, 4, 3), (1, 5, 5)]);
    let udp = st.vips.iter().find(|v| v.vip == "10.0.0.1:7777/udp").unwrap();
    assert_eq!(udp.frames, 8);
    assert_eq!(st.backends.iter().map(|b| b.frames).sum::<u64>(), 8);
    assert_eq!(dev.regs().read_port, 0, "stats leaves READ_PORT at port 0");

    // applying a config without hairpin_ports sends every port back out of itself again
    dev.apply(&config(FEATURES)).unwrap();
    assert_eq!(dev.read_state().unwrap().hairpin, vec![0, 1]);
}

/// A port that does not exist in `hairpin_ports` is refused before anything is written.
#[test]
fn hairpin_ports_naming_a_missing_port_is_refused_before_writing() {
    for (ports, hairpin, want) in [
        (2, vec![2], "hairpin_ports[0]: port 2 does not exist (the card has ports 0..=1)"),
        (2, vec![1, 0, 0], "hairpin_ports: 3 entries, but the card has 2 port(s)"),
        (1, vec![0, 0], "hairpin_ports: 2 entries, but the card has 1 port(s)"),
    ] {
        let mut cfg = config(FEATURES);
        cfg.hairpin_ports = hairpin;
        let mut dev = Device::open(Card::new(ports)).unwrap();
        let before: Vec<u32> = (0..0x100).step_by(4).map(|a| dev.regs().read32(a).unwrap()).collect();
        let e = dev.apply(&cfg).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
        let after: Vec<u32> = (0..0x100).step_by(4).map(|a| dev.regs().read32(a).unwrap()).collect();
        assert_eq!(before, after, "nothing written");
    }
    // one port sent to itself is fine on a one-port device (the model)
    let mut cfg = config(FEATURES);
    cfg.hairpin_ports = vec![0];
    Device::open(model()).unwrap().apply(&cfg).unwrap();
}

/// The old bank is brought up to date from what the update read of the inactive one (both banks
/// hold the same tables between updates), which halves the reads. When an interrupted update left
/// the banks different, the stale words stay in the bank no frame reads, and every later update
/// still leaves the active bank holding exactly its config.
#[test]
fn banks_left_different_never_reach_traffic() {
    let one = config(FEATURES);
    let mut two = config(FEATURES);
    two.vips[0].backends[1].weight = 0;
    two.vips[1].backends[0].address = "10.2.0.9".parse().unwrap();
    let mut m = model();
    Device::open(&mut m).unwrap().apply(&one).unwrap();
    // an update that stopped half way: the inactive bank's ring and backends are scrambled
    let inactive = 1 - m.read32(regmap::REG_BANK).unwrap();
    let (ring, backends) = (regmap::ring(inactive), regmap::backends(inactive));
    for i in (0..4096).step_by(7) {
        m.write32(ring.word(i, 0), (i * 13) % 4096).unwrap();
    }
    for i in 0..16 {
        m.write32(backends.word(i, regmap::BACKEND_W_ADDR), 0xDEAD_0000 + i).unwrap();
    }
    for (cfg, name) in [(&two, "two"), (&one, "one"), (&two, "two again"), (&two, "two, same again")] {
        let mut dev = Device::open(&mut m).unwrap();
        let report = dev.apply(cfg).unwrap();
        assert_holds(&dev.read_state().unwrap(), cfg);
        // one bank's words are read (about 136,000 here: two rings of 65,537 and 251 entries, a
        // flags word per unused backend entry), not both banks' (about 272,000)
        assert!(report.register_reads < 200_000, "{name}: {} reads", report.register_reads);
    }
    // and after a full round, both banks decode to the same tables again
    let mut shown = Vec::new();
    for _ in 0..2 {
        let st = Device::open(&mut m).unwrap().read_state().unwrap();
        shown.push(format!("{:?} {:?}", st.vips, st.unused_backends));
        let bank = m.read32(regmap::REG_BANK).unwrap();
        m.write32(regmap::REG_BANK, 1 - bank).unwrap();
    }
    assert!(shown[0] == shown[1], "the two banks decode differently after a full round of updates");
}
