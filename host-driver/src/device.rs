//! Device logic: identify an l4lb behind a register window, program it from a config, read its
//! tables and counters back. Everything goes through `RegisterAccess` with offsets from
//! `l4lb_core::regmap`; the words of each entry come from `l4lb_core::layout`.

use crate::error::DriverError;
use crate::placement::{self, SlotRef};
use l4lb_core::config::Config;
use l4lb_core::layout::{self, BackendEntry, Caps, VipInfo, VipKey, VipSlot};
use l4lb_core::regmap::{self, Reason, Region};
use l4lb_core::regs::{RegError, RegisterAccess};
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// An l4lb device, identified and with its capabilities read.
pub struct Device<R: RegisterAccess> {
    regs: R,
    caps: Caps,
}

/// The capabilities, as `show --json` prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CapsInfo {
    pub data_width: u32,
    pub vip_count: u32,
    pub vip_buckets: u32,
    pub vip_slots: u32,
    pub backend_count: u32,
    pub ring_entries: u32,
    pub latency: u32,
    pub max_len: u32,
}

impl From<&Caps> for CapsInfo {
    fn from(c: &Caps) -> CapsInfo {
        CapsInfo {
            data_width: c.data_width,
            vip_count: c.vip_count,
            vip_buckets: c.vip_buckets,
            vip_slots: c.vip_slots(),
            backend_count: c.backend_count,
            ring_entries: c.ring_entries,
            latency: c.latency,
            max_len: c.max_len,
        }
    }
}

/// What `apply` did.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    /// VIPs programmed, in vip_id order.
    pub vips: Vec<AppliedVip>,
    /// Backend entries used.
    pub backends: u32,
    /// Ring entries used.
    pub ring_entries: u32,
    pub hash_seed: u32,
    /// VIPs moved by the cuckoo placement to make room.
    pub placement_moves: u64,
    /// Register writes made (entries already holding the right words are not rewritten).
    pub register_writes: u64,
    /// Register reads made (to compare entries before writing them, and to find stale ones).
    pub register_reads: u64,
}

/// One programmed VIP.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedVip {
    pub vip_id: u16,
    pub vip: String,
    pub slot: SlotRef,
    pub ring_base: u32,
    pub ring_size: u32,
    pub backends: u32,
}

/// The device's tables, decoded.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceState {
    pub version: String,
    pub caps: CapsInfo,
    pub enabled: bool,
    pub hash_seed: u32,
    /// Every valid VIP match slot, by vip_id.
    pub vips: Vec<VipState>,
    /// Valid backend entries no VIP's ring slice points at (backends of weight 0).
    pub unused_backends: Vec<BackendState>,
    /// Inconsistencies found in the tables (a driver-written device has none).
    pub warnings: Vec<String>,
}

/// A VIP found in the VIP match table.
#[derive(Debug, Clone, Serialize)]
pub struct VipState {
    pub vip_id: u16,
    /// `10.0.0.1:7777/udp`
    pub vip: String,
    pub address: IpAddr,
    pub port: u16,
    pub protocol: String,
    pub slot: SlotRef,
    pub ring_base: u32,
    pub ring_size: u32,
    /// The backends the VIP's ring slice points at, in order of first appearance.
    pub backends: Vec<BackendState>,
}

/// A backend as a VIP's ring slice uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendState {
    /// Backend table index.
    pub index: u32,
    /// False when the entry is not valid: frames hashed to it pass with `NO_BACKEND`.
    pub valid: bool,
    pub address: Option<IpAddr>,
    pub mac: Option<String>,
    /// Ring entries of the VIP's slice holding this backend (its weight in v1).
    pub ring_entries: u32,
}

/// The device's counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub frames_in: u64,
    pub bytes_in: u64,
    pub balanced: u64,
    pub passed: u64,
    /// Frames passed, per reason name (`DISABLED`, `NO_VIP`, ...).
    pub reasons: BTreeMap<String, u64>,
    /// Per VIP in the VIP match table, by vip_id.
    pub vips: Vec<VipStats>,
}

/// Counters of one VIP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VipStats {
    pub vip_id: u16,
    pub vip: String,
    pub frames: u64,
    pub bytes: u64,
}

/// A register window that counts accesses (for `ApplyReport`).
pub struct Counting<R> {
    pub inner: R,
    pub reads: u64,
    pub writes: u64,
}

impl<R: RegisterAccess> Counting<R> {
    pub fn new(inner: R) -> Counting<R> {
        Counting { inner, reads: 0, writes: 0 }
    }
}

impl<R: RegisterAccess> RegisterAccess for Counting<R> {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        self.reads += 1;
        self.inner.read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        self.writes += 1;
        self.inner.write32(offset, value)
    }
    fn size(&self) -> u64 {
        self.inner.size()
    }
}

/// What the tables must hold for a config: computed (and validated) before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Backend entries, by global index (VIP 0's backends, then VIP 1's, ...).
    pub backends: Vec<BackendEntry>,
    /// Ring entries 0.. (backend indexes).
    pub ring: Vec<u32>,
    /// VIP info by vip_id.
    pub infos: Vec<VipInfo>,
    /// VIP match slot (index) and contents, by vip_id.
    pub slots: Vec<(u32, VipSlot)>,
    /// Backends per VIP.
    pub vip_backends: Vec<u32>,
    pub hash_seed: u32,
    pub placement_moves: u64,
}

impl Plan {
    /// Validates `cfg` against `caps` (table sizes first) and lays the tables out
    /// (docs/architecture.md, *Choosing the backend* and *Finding the VIP*).
    pub fn new(cfg: &Config, caps: &Caps) -> Result<Plan, DriverError> {
        let vips = cfg.vips.len() as u64;
        if vips > caps.vip_count as u64 {
            return Err(DriverError::Limit {
                what: "VIPs",
                register: "CAP_VIPS",
                needed: vips,
                limit: caps.vip_count as u64,
            });
        }
        let backends: u64 = cfg.vips.iter().map(|v| v.backends.len() as u64).sum();
        if backends > caps.backend_count as u64 {
            return Err(DriverError::Limit {
                what: "backend entries (all VIPs' backends together)",
                register: "CAP_BACKENDS",
                needed: backends,
                limit: caps.backend_count as u64,
            });
        }
        let ring: u64 = cfg.vips.iter().flat_map(|v| &v.backends).map(|b| b.weight as u64).sum();
        if ring > caps.ring_entries as u64 {
            return Err(DriverError::Limit {
                what: "ring entries (the sum of all backends' weights)",
                register: "CAP_RING",
                needed: ring,
                limit: caps.ring_entries as u64,
            });
        }

        let keys: Vec<VipKey> = cfg.vips.iter().map(|v| v.key()).collect();
        let placed = placement::place(&keys, caps.vip_buckets)?;

        let mut plan = Plan {
            backends: Vec::with_capacity(backends as usize),
            ring: Vec::with_capacity(ring as usize),
            infos: Vec::with_capacity(cfg.vips.len()),
            slots: Vec::with_capacity(cfg.vips.len()),
            vip_backends: Vec::with_capacity(cfg.vips.len()),
            hash_seed: cfg.hash_seed,
            placement_moves: placed.moves,
        };
        for (vip_id, (vip, key)) in cfg.vips.iter().zip(&keys).enumerate() {
            let ring_base = plan.ring.len() as u32;
            for b in &vip.backends {
                let index = plan.backends.len() as u32;
                plan.backends.push(BackendEntry { addr: b.address, mac: b.mac });
                plan.ring.resize(plan.ring.len() + b.weight as usize, index);
            }
            plan.infos.push(VipInfo { ring_base, ring_size: plan.ring.len() as u32 - ring_base });
            plan.slots.push((placed.slots[vip_id], VipSlot { key: *key, vip_id: vip_id as u16 }));
            plan.vip_backends.push(vip.backends.len() as u32);
        }
        Ok(plan)
    }
}

impl<R: RegisterAccess> Device<R> {
    /// Identifies the device behind `regs` and reads its capabilities. Reads only: a window that
    /// is not an l4lb of a supported version is refused before anything is written to it.
    pub fn open(mut regs: R) -> Result<Device<R>, DriverError> {
        let id = regs.read32(regmap::REG_ID)?;
        if id == u32::MAX {
            return Err(DriverError::NoResponse);
        }
        if id != regmap::ID_VALUE {
            return Err(DriverError::WrongId { found: id, expected: regmap::ID_VALUE });
        }
        let version = regs.read32(regmap::REG_VERSION)?;
        let (major, minor) = ((version >> 16) as u16, version as u16);
        if major != regmap::VERSION_MAJOR {
            return Err(DriverError::WrongVersion {
                found_major: major,
                found_minor: minor,
                expected_major: regmap::VERSION_MAJOR,
            });
        }
        let caps = Caps::read(&mut regs)?;
        check_caps(&caps, regs.size())?;
        Ok(Device { regs, caps })
    }

    /// The capabilities read at `open`.
    pub fn caps(&self) -> &Caps {
        &self.caps
    }

    /// The register window.
    pub fn regs(&mut self) -> &mut R {
        &mut self.regs
    }

    /// Gives the register window back.
    pub fn into_inner(self) -> R {
        self.regs
    }

    /// Programs the device with `cfg` and enables it.
    ///
    /// The config is validated against the capabilities and placed before the first write, so a
    /// refused config leaves the device as it was. Traffic keeps flowing (nothing is disabled);
    /// the order of writes keeps any half-written entry out of use:
    /// 1. backends (an entry that changes is made invalid first; its valid word is written last),
    /// 2. the ring,
    /// 3. VIP info (a live slice that changes gets `ring_size` 0 first, `ring_size` last),
    /// 4. VIP match slots: every valid slot that is stale or about to change is invalidated first
    ///    (so no key is ever stored twice), then each new slot with its key word (valid bit) last,
    /// 5. `HASH_SEED`, then `CTRL` = enable,
    /// 6. clean-up: VIP info and backend entries beyond the new config are cleared.
    ///
    /// Entries that already hold the right words are not rewritten, so applying the same config
    /// again writes only `HASH_SEED` and `CTRL`.
    pub fn apply(&mut self, cfg: &Config) -> Result<ApplyReport, DriverError> {
        let caps = self.caps;
        let plan = Plan::new(cfg, &caps)?;
        let mut r = Counting::new(&mut self.regs as &mut dyn RegisterAccess);

        // 1. Backends.
        for (i, b) in plan.backends.iter().enumerate() {
            write_entry(&mut r, &regmap::BACKENDS, i as u32, &b.encode(), regmap::BACKEND_W_FLAGS, backend_live)?;
        }
        // 2. Ring.
        for (i, &b) in plan.ring.iter().enumerate() {
            let at = regmap::RING.word(i as u32, 0);
            if r.read32(at)? != b {
                r.write32(at, b)?;
            }
        }
        // 3. VIP info.
        for (id, info) in plan.infos.iter().enumerate() {
            write_entry(&mut r, &regmap::VIP_INFO, id as u32, &info.encode(), regmap::VIP_INFO_W_RING_SIZE, info_live)?;
        }
        // 4. VIP match slots.
        let mut target: Vec<Option<[u32; 8]>> = vec![None; caps.vip_slots() as usize];
        for (slot, s) in &plan.slots {
            target[*slot as usize] = Some(s.encode());
        }
        for (slot, want) in target.iter().enumerate() {
            let slot = slot as u32;
            let key_at = regmap::VIP_MATCH.word(slot, regmap::VIP_MATCH_W_KEY);
            if !slot_live(r.read32(key_at)?) {
                continue;
            }
            let stale = match want {
                None => true,
                Some(w) => read_words::<8>(&mut r, &regmap::VIP_MATCH, slot)? != *w,
            };
            if stale {
                r.write32(key_at, 0)?;
            }
        }
        for (slot, s) in &plan.slots {
            write_entry(&mut r, &regmap::VIP_MATCH, *slot, &s.encode(), regmap::VIP_MATCH_W_KEY, slot_live)?;
        }
        // 5. Seed, then enable.
        r.write32(regmap::REG_HASH_SEED, plan.hash_seed)?;
        r.write32(regmap::REG_CTRL, regmap::CTRL_ENABLE)?;
        // 6. Clean-up: nothing points at these any more.
        for id in plan.infos.len() as u32..caps.vip_count {
            write_entry(
                &mut r,
                &regmap::VIP_INFO,
                id,
                &VipInfo::default().encode(),
                regmap::VIP_INFO_W_RING_SIZE,
                info_live,
            )?;
        }
        for i in plan.backends.len() as u32..caps.backend_count {
            let at = regmap::BACKENDS.word(i, regmap::BACKEND_W_FLAGS);
            if backend_live(r.read32(at)?) {
                r.write32(at, 0)?;
            }
        }

        Ok(ApplyReport {
            vips: plan
                .slots
                .iter()
                .zip(&plan.infos)
                .zip(&plan.vip_backends)
                .map(|(((slot, s), info), &backends)| AppliedVip {
                    vip_id: s.vip_id,
                    vip: s.key.to_string(),
                    slot: SlotRef::from_index(*slot, caps.vip_buckets),
                    ring_base: info.ring_base,
                    ring_size: info.ring_size,
                    backends,
                })
                .collect(),
            backends: plan.backends.len() as u32,
            ring_entries: plan.ring.len() as u32,
            hash_seed: plan.hash_seed,
            placement_moves: plan.placement_moves,
            register_writes: r.writes,
            register_reads: r.reads,
        })
    }

    /// Turns balancing on or off (`CTRL.enable`); the tables stay as they are.
    pub fn set_enabled(&mut self, enabled: bool) -> Result<(), DriverError> {
        self.regs.write32(regmap::REG_CTRL, if enabled { regmap::CTRL_ENABLE } else { 0 })?;
        Ok(())
    }

    /// Reads and decodes the tables.
    pub fn read_state(&mut self) -> Result<DeviceState, DriverError> {
        let caps = self.caps;
        let r: &mut dyn RegisterAccess = &mut self.regs;
        let version = r.read32(regmap::REG_VERSION)?;
        let enabled = r.read32(regmap::REG_CTRL)? & regmap::CTRL_ENABLE != 0;
        let hash_seed = r.read32(regmap::REG_HASH_SEED)?;
        let mut warnings = Vec::new();
        let slots = read_slots(r, &caps, &mut warnings)?;

        let mut vips = Vec::with_capacity(slots.len());
        let mut backend_cache: BTreeMap<u32, Option<BackendEntry>> = BTreeMap::new();
        for (slot, s) in slots {
            let vip = s.key.to_string();
            if s.vip_id as u32 >= caps.vip_count {
                warnings.push(format!(
                    "VIP {vip} ({slot}) has vip_id {} but the device has {} (CAP_VIPS)",
                    s.vip_id, caps.vip_count
                ));
                continue;
            }
            let info = VipInfo::decode(&read_words::<4>(r, &regmap::VIP_INFO, s.vip_id as u32)?);
            let mut size = info.ring_size;
            if size > caps.ring_entries {
                warnings.push(format!(
                    "VIP {vip}: ring_size {size} is larger than the ring ({} entries, CAP_RING)",
                    caps.ring_entries
                ));
                size = caps.ring_entries;
            }
            // Count ring entries per backend, keeping the order of first appearance.
            let mut counts: Vec<(u32, u32)> = Vec::new();
            for i in 0..size {
                let at = ((info.ring_base as u64 + i as u64) % caps.ring_entries as u64) as u32;
                let b = r.read32(regmap::RING.word(at, 0))? % caps.backend_count;
                match counts.iter_mut().find(|(idx, _)| *idx == b) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((b, 1)),
                }
            }
            let mut backends = Vec::with_capacity(counts.len());
            for (index, ring_entries) in counts {
                let entry = match backend_cache.get(&index) {
                    Some(e) => *e,
                    None => {
                        let e = match BackendEntry::decode(&read_words::<8>(r, &regmap::BACKENDS, index)?) {
                            Ok(e) => e,
                            Err(e) => {
                                warnings.push(format!("backend {index}: {e}"));
                                None
                            }
                        };
                        backend_cache.insert(index, e);
                        e
                    }
                };
                if entry.is_none() {
                    warnings.push(format!(
                        "VIP {vip}: {ring_entries} ring entries point at backend {index}, which is not valid \
                         (frames hashed to it pass with NO_BACKEND)"
                    ));
                }
                backends.push(BackendState {
                    index,
                    valid: entry.is_some(),
                    address: entry.map(|e| e.addr),
                    mac: entry.and_then(|e| e.mac).map(|m| layout::format_mac(&m)),
                    ring_entries,
                });
            }
            vips.push(VipState {
                vip_id: s.vip_id,
                vip,
                address: s.key.addr,
                port: s.key.port,
                protocol: s.key.protocol.to_string(),
                slot: SlotRef::from_index(slot, caps.vip_buckets),
                ring_base: info.ring_base,
                ring_size: info.ring_size,
                backends,
            });
        }
        vips.sort_by_key(|v| (v.vip_id, v.slot.index(caps.vip_buckets)));
        let mut unused_backends = Vec::new();
        for index in 0..caps.backend_count {
            if backend_cache.contains_key(&index)
                || !backend_live(r.read32(regmap::BACKENDS.word(index, regmap::BACKEND_W_FLAGS))?)
            {
                continue;
            }
            match BackendEntry::decode(&read_words::<8>(r, &regmap::BACKENDS, index)?) {
                Ok(Some(e)) => unused_backends.push(BackendState {
                    index,
                    valid: true,
                    address: Some(e.addr),
                    mac: e.mac.map(|m| layout::format_mac(&m)),
                    ring_entries: 0,
                }),
                Ok(None) => {}
                Err(e) => warnings.push(format!("backend {index}: {e}")),
            }
        }
        Ok(DeviceState {
            version: format!("{}.{}", version >> 16, version & 0xFFFF),
            caps: CapsInfo::from(&caps),
            enabled,
            hash_seed,
            vips,
            unused_backends,
            warnings,
        })
    }

    /// Reads the counters: global, per reason, and per VIP in the VIP match table.
    pub fn stats(&mut self) -> Result<Stats, DriverError> {
        let caps = self.caps;
        let r: &mut dyn RegisterAccess = &mut self.regs;
        let frames_in = r.read64(regmap::REG_CNT_FRAMES_IN)?;
        let bytes_in = r.read64(regmap::REG_CNT_BYTES_IN)?;
        let balanced = r.read64(regmap::REG_CNT_BALANCED)?;
        let passed = r.read64(regmap::REG_CNT_PASSED)?;
        let mut reasons = BTreeMap::new();
        for reason in Reason::ALL.into_iter().filter(|r| *r != Reason::Balanced) {
            reasons.insert(reason.name().to_string(), r.read64(regmap::reg_cnt_reason(reason))?);
        }
        let mut ignored = Vec::new();
        let mut ids: BTreeMap<u16, String> = BTreeMap::new();
        for (_, s) in read_slots(r, &caps, &mut ignored)? {
            if (s.vip_id as u32) < caps.vip_count {
                ids.entry(s.vip_id).or_insert_with(|| s.key.to_string());
            }
        }
        let mut vips = Vec::with_capacity(ids.len());
        for (vip_id, vip) in ids {
            vips.push(VipStats {
                vip_id,
                vip,
                frames: r.read64(
                    regmap::VIP_COUNTERS.base + vip_id as u32 * regmap::VIP_COUNTERS.stride + regmap::VIP_CNT_FRAMES,
                )?,
                bytes: r.read64(
                    regmap::VIP_COUNTERS.base + vip_id as u32 * regmap::VIP_COUNTERS.stride + regmap::VIP_CNT_BYTES,
                )?,
            });
        }
        Ok(Stats { frames_in, bytes_in, balanced, passed, reasons, vips })
    }
}

/// Refuses capabilities the driver cannot program: sizes the entry formats or the register map
/// cannot hold, or tables beyond the end of the window.
fn check_caps(caps: &Caps, window: u64) -> Result<(), DriverError> {
    let bad = |m: String| Err(DriverError::BadCaps(m));
    if caps.vip_buckets == 0 || !caps.vip_buckets.is_power_of_two() {
        return bad(format!("CAP_VIP_BUCKETS is {}, expected a non-zero power of two", caps.vip_buckets));
    }
    // vip_id is VIP slot word 5 [15:0]; a backend index is a ring entry's [15:0].
    for (name, value, max) in [
        ("CAP_VIPS", caps.vip_count, 1u64 << 16),
        ("CAP_BACKENDS", caps.backend_count, 1 << 16),
        ("CAP_RING", caps.ring_entries, u32::MAX as u64),
    ] {
        if value == 0 || value as u64 > max {
            return bad(format!("{name} is {value}, expected 1..={max}"));
        }
    }
    let tables: [(&Region, u32); 5] = [
        (&regmap::VIP_MATCH, caps.vip_slots()),
        (&regmap::VIP_INFO, caps.vip_count),
        (&regmap::VIP_COUNTERS, caps.vip_count),
        (&regmap::BACKENDS, caps.backend_count),
        (&regmap::RING, caps.ring_entries),
    ];
    let mut end = 0u64;
    for (region, entries) in tables {
        if entries > region.max_entries() {
            return bad(format!(
                "{} needs {entries} entries, more than its region of the register map holds ({})",
                region.name,
                region.max_entries()
            ));
        }
        end = end.max(region.base as u64 + entries as u64 * region.stride as u64);
    }
    if end > window {
        return bad(format!(
            "its tables end at byte {end:#x} but the register window is only {window:#x} bytes: map the whole \
             l4lb BAR (BAR 2, 16 MiB)"
        ));
    }
    Ok(())
}

fn backend_live(w0: u32) -> bool {
    w0 & regmap::BACKEND_VALID != 0
}
fn slot_live(w0: u32) -> bool {
    w0 & regmap::VIP_MATCH_VALID != 0
}
fn info_live(size: u32) -> bool {
    size != 0
}

/// The `N` words of entry `index` of `region`.
fn read_words<const N: usize>(r: &mut dyn RegisterAccess, region: &Region, index: u32) -> Result<[u32; N], RegError> {
    let mut w = [0u32; N];
    for (i, word) in w.iter_mut().enumerate() {
        *word = r.read32(region.word(index, i as u32))?;
    }
    Ok(w)
}

/// Makes entry `index` of `region` hold `want`, so that the entry is never in use half-written:
/// the word `key` decides whether the entry is in use (`live`). When the entry already holds
/// `want` nothing is written; otherwise a live entry is taken out of use first (key word 0), the
/// other words are written, and the key word last.
fn write_entry(
    r: &mut dyn RegisterAccess,
    region: &Region,
    index: u32,
    want: &[u32],
    key: u32,
    live: fn(u32) -> bool,
) -> Result<(), RegError> {
    let mut have = Vec::with_capacity(want.len());
    for w in 0..want.len() as u32 {
        have.push(r.read32(region.word(index, w))?);
    }
    if have == want {
        return Ok(());
    }
    let key = key as usize;
    if live(have[key]) {
        r.write32(region.word(index, key as u32), 0)?;
    }
    for (w, &value) in want.iter().enumerate() {
        if w != key {
            r.write32(region.word(index, w as u32), value)?;
        }
    }
    if live(have[key]) || want[key] != have[key] {
        r.write32(region.word(index, key as u32), want[key])?;
    }
    Ok(())
}

/// Every valid, decodable VIP match slot (slot index and contents). Undecodable slots and slots
/// the pipeline can never match (wrong bucket, duplicate key) are reported in `warnings`.
fn read_slots(
    r: &mut dyn RegisterAccess,
    caps: &Caps,
    warnings: &mut Vec<String>,
) -> Result<Vec<(u32, VipSlot)>, RegError> {
    let mut out: Vec<(u32, VipSlot)> = Vec::new();
    for slot in 0..caps.vip_slots() {
        if !slot_live(r.read32(regmap::VIP_MATCH.word(slot, regmap::VIP_MATCH_W_KEY))?) {
            continue;
        }
        let at = SlotRef::from_index(slot, caps.vip_buckets);
        match VipSlot::decode(&read_words::<8>(r, &regmap::VIP_MATCH, slot)?) {
            Ok(Some(s)) => {
                if layout::vip_buckets(&s.key, caps.vip_buckets)[at.bank as usize] != at.bucket {
                    warnings
                        .push(format!("VIP {} sits in {at}, a bucket it does not hash to: it is never matched", s.key));
                }
                if let Some((other, _)) = out.iter().find(|(_, o)| o.key == s.key) {
                    warnings.push(format!(
                        "VIP {} is stored twice ({} and {at})",
                        s.key,
                        SlotRef::from_index(*other, caps.vip_buckets)
                    ));
                }
                out.push((slot, s));
            }
            Ok(None) => {} // cleared between the two reads
            Err(e) => warnings.push(format!("VIP match {at}: {e}")),
        }
    }
    Ok(out)
}
