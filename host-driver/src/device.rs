//! Device logic: identify an l4lb behind a register window, program it from a config, read its
//! tables and counters back. Everything goes through `RegisterAccess` with offsets from
//! `l4lb_core::regmap`; the words of each entry come from `l4lb_core::layout`.

use crate::error::DriverError;
use crate::placement::{self, SlotRef};
use l4lb_core::config::Config;
use l4lb_core::layout::{self, BackendEntry, Caps, VipInfo, VipKey, VipSlot};
use l4lb_core::maglev;
use l4lb_core::regmap::{self, Reason, Region};
use l4lb_core::regs::{RegError, RegisterAccess};
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// An l4lb device, identified and with its capabilities read.
pub struct Device<R: RegisterAccess> {
    regs: R,
    caps: Caps,
    /// Ports of the card (`PORTS`, register map 2.3; 1 before): each holds a copy of the tables
    /// and its own counters.
    ports: u32,
    /// The device has the `PORTS`, `READ_PORT` and `HAIRPIN` registers (2.3 and later).
    has_ports: bool,
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
    /// The table bank active after the update.
    pub bank: u32,
    /// Register writes made (words already holding the right value are not rewritten), the
    /// catch-up of the old bank after the switch included.
    pub register_writes: u64,
    /// Of those, the writes up to and including the new VIP slots, seed and enable that follow
    /// the switch (what the update costs before traffic sees it).
    pub register_writes_until_switch: u64,
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
    /// The active table bank (`BANK`): the one shown.
    pub bank: u32,
    /// Ports of the card (each holds a copy of the tables, shown here from port 0).
    pub ports: u32,
    /// `hairpin[i]`: the TX port frames balanced on RX port `i` leave on (`HAIRPIN`; a nibble
    /// naming no port reads as port `i` itself, as the hardware treats it).
    pub hairpin: Vec<u32>,
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

/// The device's counters, summed over its ports.
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
    /// Per backend entry valid in the active bank, by index (register map 2.2 and later; empty
    /// for an older device).
    pub backends: Vec<BackendStats>,
    /// The global counters of each port (one entry for a card with one port).
    pub ports: Vec<PortStats>,
}

/// Global counters of one port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortStats {
    pub port: u32,
    pub frames_in: u64,
    pub bytes_in: u64,
    pub balanced: u64,
    pub passed: u64,
}

/// Counters of one backend entry. The device counts by entry index whatever the bank, since
/// reset: an index the driver gives to another backend keeps counting from the old total (the
/// rates stay right).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendStats {
    pub index: u32,
    /// The entry's address in the active bank.
    pub backend: String,
    pub frames: u64,
    pub bytes: u64,
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
    /// Backend entries by index (`None`: not used). On an empty device: the backends of each
    /// VIP in config order, VIP after VIP in vip_id order; weight-0 backends keep an entry but
    /// get no ring entry.
    pub backends: Vec<Option<BackendEntry>>,
    /// Ring entries 0.. (backend indexes; `None`: in no VIP's slice): each VIP's Maglev table.
    pub ring: Vec<Option<u32>>,
    /// VIP info by vip_id (up to the largest vip_id used; unused ids hold an empty slice).
    pub infos: Vec<VipInfo>,
    /// VIP match slot (index) and contents, in config order.
    pub slots: Vec<(u32, VipSlot)>,
    /// Backends per VIP, in config order.
    pub vip_backends: Vec<u32>,
    pub hash_seed: u32,
    pub placement_moves: u64,
}

/// What a device holds now, as far as the layout of an update cares: the driver keeps these
/// where it can, so an update rewrites only what changes.
#[derive(Debug, Clone, Default)]
pub struct Current {
    /// vip_id of each VIP in the VIP match table.
    pub ids: BTreeMap<VipKey, u16>,
    /// Ring slice (`ring_base`, `ring_size`) of each VIP, from the active bank.
    pub slices: BTreeMap<VipKey, (u32, u32)>,
    /// Valid backend entries of the active bank: their indexes, by (address, MAC), ascending.
    pub backends: BTreeMap<(IpAddr, Option<[u8; 6]>), Vec<u32>>,
}

impl Current {
    /// Reads the VIP match table and the active bank's VIP info and backend entries.
    pub fn read(r: &mut dyn RegisterAccess, caps: &Caps) -> Result<Current, RegError> {
        let mut ignored = Vec::new();
        let bank = r.read32(regmap::REG_BANK)? & 1;
        let mut cur = Current::default();
        for (_, s) in read_slots(r, caps, &mut ignored)? {
            cur.ids.insert(s.key, s.vip_id);
            if (s.vip_id as u32) < caps.vip_count {
                let base = r.read32(info_word(s.vip_id as u32, bank, regmap::VIP_INFO_W_RING_BASE))?;
                let size = r.read32(info_word(s.vip_id as u32, bank, regmap::VIP_INFO_W_RING_SIZE))?;
                cur.slices.insert(s.key, (base, size));
            }
        }
        let region = regmap::backends(bank);
        for i in 0..caps.backend_count {
            if !backend_live(r.read32(region.word(i, regmap::BACKEND_W_FLAGS))?) {
                continue;
            }
            if let Ok(Some(e)) = BackendEntry::decode(&read_words::<8>(r, &region, i)?) {
                cur.backends.entry((e.addr, e.mac)).or_default().push(i);
            }
        }
        Ok(cur)
    }
}

impl Plan {
    /// Validates `cfg` against `caps` (table sizes first) and lays the tables out for an empty
    /// device (docs/architecture.md, *Choosing the backend*, *Maglev* and *Finding the VIP*):
    /// vip_ids 0, 1, ... in config order, backends and ring slices consecutive in that order.
    pub fn new(cfg: &Config, caps: &Caps) -> Result<Plan, DriverError> {
        Plan::update(cfg, caps, &Current::default())
    }

    /// As [`Plan::new`], but keeping what the device holds where it can: a VIP that stays keeps
    /// its vip_id (so an update never gives a live VIP another VIP's tables), and its ring slice
    /// when the size is unchanged; a backend keeps its entry (matched by address and MAC). New
    /// VIPs get the lowest free ids (ids no VIP of the device uses first), new slices and
    /// backends the first free space.
    pub fn update(cfg: &Config, caps: &Caps, current: &Current) -> Result<Plan, DriverError> {
        let keep = &current.ids;
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
        for v in &cfg.vips {
            maglev::check_size(v.ring_size).map_err(|e| DriverError::Invalid(format!("VIP {}: {e}", v.key())))?;
        }
        let live = |v: &l4lb_core::config::Vip| v.backends.iter().any(|b| b.weight > 0);
        let sizes = ring_sizes(cfg, caps.ring_entries);
        let ring: u64 = cfg.vips.iter().zip(&sizes).filter(|(v, _)| live(v)).map(|(_, m)| *m as u64).sum();
        if ring > caps.ring_entries as u64 {
            return Err(DriverError::Limit {
                what: "ring entries (the sum of the ring_size of every VIP with a backend of non-zero weight)",
                register: "CAP_RING",
                needed: ring,
                limit: caps.ring_entries as u64,
            });
        }

        let keys: Vec<VipKey> = cfg.vips.iter().map(|v| v.key()).collect();
        let placed = placement::place(&keys, caps.vip_buckets)?;

        // vip_ids: kept ones first, then the lowest free ids (ids of removed VIPs last).
        let kept: Vec<Option<u16>> =
            keys.iter().map(|k| keep.get(k).copied().filter(|&id| (id as u32) < caps.vip_count)).collect();
        let mut taken = vec![false; caps.vip_count as usize];
        for id in kept.iter().flatten() {
            taken[*id as usize] = true;
        }
        let removed: std::collections::BTreeSet<u16> = keep.values().copied().collect();
        let mut free = (0..caps.vip_count as u16)
            .filter(|id| !taken[*id as usize] && !removed.contains(id))
            .chain(removed.iter().copied().filter(|id| (*id as u32) < caps.vip_count && !taken[*id as usize]));
        let mut ids = Vec::with_capacity(keys.len());
        for k in &kept {
            ids.push(match k {
                Some(id) => *id,
                None => free.next().ok_or_else(|| DriverError::Invalid("no free vip_id".into()))?,
            });
        }
        let mut order: Vec<usize> = (0..cfg.vips.len()).collect();
        order.sort_by_key(|&i| ids[i]);

        // Backend entries: the n-th backend with a given (address, MAC), in vip_id then config
        // order, keeps the n-th entry the device holds for it; the others take free entries.
        let mut index: Vec<Vec<Option<u32>>> = cfg.vips.iter().map(|v| vec![None; v.backends.len()]).collect();
        let mut used = vec![false; caps.backend_count as usize];
        let mut seen: BTreeMap<(IpAddr, Option<[u8; 6]>), usize> = BTreeMap::new();
        for &i in &order {
            for (j, b) in cfg.vips[i].backends.iter().enumerate() {
                let n = seen.entry((b.address, b.mac)).or_insert(0);
                if let Some(&at) = current.backends.get(&(b.address, b.mac)).and_then(|v| v.get(*n)) {
                    if at < caps.backend_count && !used[at as usize] {
                        used[at as usize] = true;
                        index[i][j] = Some(at);
                    }
                }
                *n += 1;
            }
        }
        let mut next_free = (0..caps.backend_count).filter(|&x| !used[x as usize]).collect::<Vec<_>>().into_iter();
        let mut entries: Vec<Option<BackendEntry>> = Vec::new();
        let mut index_of: Vec<Vec<u32>> = cfg.vips.iter().map(|v| Vec::with_capacity(v.backends.len())).collect();
        for &i in &order {
            for (j, b) in cfg.vips[i].backends.iter().enumerate() {
                let at = match index[i][j] {
                    Some(at) => at,
                    None => next_free.next().expect("enough backend entries (checked above)"),
                };
                if entries.len() <= at as usize {
                    entries.resize(at as usize + 1, None);
                }
                entries[at as usize] = Some(BackendEntry { addr: b.address, mac: b.mac });
                index_of[i].push(at);
            }
        }

        // Maglev tables, and where their slices go: a VIP whose slice keeps its size keeps its
        // place; the others take the first gap large enough (or, when the kept places leave no
        // such gap, everything is laid out afresh, consecutively).
        let tables: Vec<Vec<u32>> = cfg
            .vips
            .iter()
            .enumerate()
            .map(|(i, vip)| {
                let addrs: Vec<Vec<u8>> = vip.backends.iter().map(|b| layout::addr_bytes(&b.address)).collect();
                let members: Vec<maglev::Member<'_>> = addrs
                    .iter()
                    .zip(&vip.backends)
                    .map(|(a, b)| maglev::Member { identity: a, weight: b.weight })
                    .collect();
                maglev::build(&members, sizes[i]).into_iter().map(|p| index_of[i][p as usize]).collect()
            })
            .collect();
        let bases = place_slices(&order, &keys, &tables, current, caps.ring_entries)
            .or_else(|| place_slices(&order, &keys, &tables, &Current::default(), caps.ring_entries))
            .expect("the slices fit (checked above)");

        let top = ids.iter().map(|&i| i as usize + 1).max().unwrap_or(0);
        let end = order.iter().map(|&i| bases[i] as usize + tables[i].len()).max().unwrap_or(0);
        let mut plan = Plan {
            backends: entries,
            ring: vec![None; end],
            infos: vec![VipInfo::default(); top],
            slots: Vec::with_capacity(cfg.vips.len()),
            vip_backends: Vec::with_capacity(cfg.vips.len()),
            hash_seed: cfg.hash_seed,
            placement_moves: placed.moves,
        };
        for &i in &order {
            let base = bases[i] as usize;
            for (k, &b) in tables[i].iter().enumerate() {
                plan.ring[base + k] = Some(b);
            }
            plan.infos[ids[i] as usize] = VipInfo { ring_base: bases[i], ring_size: tables[i].len() as u32 };
        }
        for (i, (vip, key)) in cfg.vips.iter().zip(&keys).enumerate() {
            plan.slots.push((placed.slots[i], VipSlot { key: *key, vip_id: ids[i] }));
            plan.vip_backends.push(vip.backends.len() as u32);
        }
        Ok(plan)
    }
}

/// Ring bases for `tables` (by config index; `order` is vip_id order): kept places first (same
/// size as in `current`, inside the ring, not overlapping), then first fit. `None` when a table
/// finds no gap.
fn place_slices(
    order: &[usize],
    keys: &[VipKey],
    tables: &[Vec<u32>],
    current: &Current,
    ring_entries: u32,
) -> Option<Vec<u32>> {
    let mut bases = vec![0u32; tables.len()];
    let mut taken: Vec<(u64, u64)> = Vec::new(); // [start, end)
    let overlaps = |taken: &[(u64, u64)], s: u64, e: u64| taken.iter().any(|&(a, b)| s < b && a < e);
    let mut pending = Vec::new();
    for &i in order {
        let m = tables[i].len() as u64;
        if m == 0 {
            continue;
        }
        match current.slices.get(&keys[i]) {
            Some(&(base, size))
                if size as u64 == m
                    && base as u64 + m <= ring_entries as u64
                    && !overlaps(&taken, base as u64, base as u64 + m) =>
            {
                taken.push((base as u64, base as u64 + m));
                bases[i] = base;
            }
            _ => pending.push(i),
        }
    }
    for i in pending {
        let m = tables[i].len() as u64;
        taken.sort();
        let mut at = 0u64;
        for &(a, b) in &taken {
            if at + m <= a {
                break;
            }
            at = at.max(b);
        }
        if at + m > ring_entries as u64 {
            return None;
        }
        taken.push((at, at + m));
        bases[i] = at as u32;
    }
    Some(bases)
}

/// Register reads of `BANK_BUSY` after which a bank still read by frames in flight is an error.
const BUSY_POLLS: u32 = 100_000;

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
        let has_ports = minor >= 3;
        let ports = if has_ports { (regs.read32(regmap::REG_PORTS)? >> regmap::PORTS_COUNT_SHIFT) & 0xFF } else { 1 };
        if ports == 0 || ports > regmap::MAX_PORTS {
            return Err(DriverError::BadCaps(format!(
                "PORTS says the card has {ports} ports, expected 1..={}",
                regmap::MAX_PORTS
            )));
        }
        // (READ_PORT is left as it is: every port holds the same tables, and the counters are
        // read with READ_PORT set for each port in turn)
        Ok(Device { regs, caps, ports, has_ports })
    }

    /// Ports of the card; each holds a copy of the tables and counts its own traffic.
    pub fn ports(&self) -> u32 {
        self.ports
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

    /// Programs the device with `cfg` and enables it, atomically for traffic
    /// (docs/architecture.md, *Atomic updates*).
    ///
    /// The config is validated against the capabilities and placed before the first write, so a
    /// refused config leaves the device as it was. Traffic keeps flowing:
    /// 1. the VIP ids the device uses now are read back, and kept for the VIPs that stay;
    /// 2. wait until no frame in flight reads the inactive bank (`BANK_BUSY`);
    /// 3. VIP match slots of VIPs that go away or move are invalidated (one write each);
    /// 4. the inactive bank (VIP info words of that bank, backends, ring) is made to hold the new
    ///    tables: every word is read and only the words that differ are written;
    /// 5. `BANK` := the inactive bank: from the next frame on, every frame sees the new tables;
    /// 6. the new VIP match slots (key word with the valid bit last), `HASH_SEED`, `HAIRPIN` (when
    ///    it differs), `CTRL`;
    /// 7. wait until no frame reads the old bank any more, then make it hold the same tables
    ///    (again only the words that differ, judged by what step 4 read: both banks held the
    ///    same tables before), so the next update writes only what it changes.
    ///
    /// Applying the same config again writes only `BANK`, `HASH_SEED` and `CTRL`.
    pub fn apply(&mut self, cfg: &Config) -> Result<ApplyReport, DriverError> {
        let caps = self.caps;
        let ports = self.ports;
        let has_ports = self.has_ports;
        if !cfg.hairpin_ports.is_empty() && !has_ports {
            return Err(DriverError::Invalid(
                "hairpin_ports: this device has no HAIRPIN register (register map 2.3 and later): remove \
                 hairpin_ports from the config or load a newer bitstream"
                    .to_string(),
            ));
        }
        if cfg.hairpin_ports.len() > ports as usize {
            return Err(DriverError::Invalid(format!(
                "hairpin_ports: {} entries, but the card has {ports} port(s)",
                cfg.hairpin_ports.len()
            )));
        }
        if let Some((i, p)) = cfg.hairpin_ports.iter().enumerate().find(|(_, &p)| p as u32 >= ports) {
            return Err(DriverError::Invalid(format!(
                "hairpin_ports[{i}]: port {p} does not exist (the card has ports 0..={})",
                ports - 1
            )));
        }
        let mut r = Counting::new(&mut self.regs as &mut dyn RegisterAccess);

        // 1. What the device holds now.
        let mut ignored = Vec::new();
        let current = read_slots(&mut r, &caps, &mut ignored)?;
        let plan = Plan::update(cfg, &caps, &Current::read(&mut r, &caps)?)?;
        let active = r.read32(regmap::REG_BANK)? & 1;
        let inactive = 1 - active;

        // 2.
        wait_bank_idle(&mut r, inactive, ports)?;
        // 3. Slots that are stale or about to change go out of use (no key is ever stored twice).
        let mut target: Vec<Option<[u32; 8]>> = vec![None; caps.vip_slots() as usize];
        for (slot, s) in &plan.slots {
            target[*slot as usize] = Some(s.encode());
        }
        for (slot, _) in &current {
            let want = &target[*slot as usize];
            let stale = match want {
                None => true,
                Some(w) => read_words::<8>(&mut r, &regmap::VIP_MATCH, *slot)? != *w,
            };
            if stale {
                r.write32(regmap::VIP_MATCH.word(*slot, regmap::VIP_MATCH_W_KEY), 0)?;
            }
        }
        // 4. The inactive bank.
        let mut before = Before::Read(Vec::new());
        write_bank(&mut r, &caps, &plan, inactive, &mut before)?;
        // 5. The switch.
        r.write32(regmap::REG_BANK, inactive)?;
        // 6. New VIPs become visible; seed, then enable.
        for (slot, s) in &plan.slots {
            write_entry(&mut r, &regmap::VIP_MATCH, *slot, &s.encode(), regmap::VIP_MATCH_W_KEY, slot_live)?;
        }
        r.write32(regmap::REG_HASH_SEED, plan.hash_seed)?;
        if has_ports && r.read32(regmap::REG_HAIRPIN)? != cfg.hairpin_register() {
            r.write32(regmap::REG_HAIRPIN, cfg.hairpin_register())?;
        }
        r.write32(regmap::REG_CTRL, regmap::CTRL_ENABLE)?;
        let switch_writes = r.writes;
        // 7. The old bank catches up.
        wait_bank_idle(&mut r, active, ports)?;
        let mut before = match before {
            Before::Read(words) => Before::Known(words.into_iter()),
            known => known,
        };
        write_bank(&mut r, &caps, &plan, active, &mut before)?;

        Ok(ApplyReport {
            vips: plan
                .slots
                .iter()
                .zip(&plan.vip_backends)
                .map(|((slot, s), &backends)| {
                    let info = plan.infos[s.vip_id as usize];
                    AppliedVip {
                        vip_id: s.vip_id,
                        vip: s.key.to_string(),
                        slot: SlotRef::from_index(*slot, caps.vip_buckets),
                        ring_base: info.ring_base,
                        ring_size: info.ring_size,
                        backends,
                    }
                })
                .collect(),
            backends: plan.backends.iter().flatten().count() as u32,
            ring_entries: plan.ring.iter().flatten().count() as u32,
            hash_seed: plan.hash_seed,
            placement_moves: plan.placement_moves,
            bank: inactive,
            register_writes: r.writes,
            register_writes_until_switch: switch_writes,
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
        let ports = self.ports;
        let hairpin_reg = if self.has_ports { r.read32(regmap::REG_HAIRPIN)? } else { regmap::HAIRPIN_RESET };
        let hairpin = (0..ports)
            .map(|p| {
                let tx = (hairpin_reg >> (4 * p)) & 0xF;
                if tx < ports {
                    tx
                } else {
                    p
                }
            })
            .collect();
        // VIP info, ring and backends as traffic sees them: the active bank.
        let bank = r.read32(regmap::REG_BANK)? & 1;
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
            let info = VipInfo {
                ring_base: r.read32(info_word(s.vip_id as u32, bank, regmap::VIP_INFO_W_RING_BASE))?,
                ring_size: r.read32(info_word(s.vip_id as u32, bank, regmap::VIP_INFO_W_RING_SIZE))?,
            };
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
                let b = r.read32(regmap::ring(bank).word(at, 0))? % caps.backend_count;
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
                        let e = match BackendEntry::decode(&read_words::<8>(r, &regmap::backends(bank), index)?) {
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
                || !backend_live(r.read32(regmap::backends(bank).word(index, regmap::BACKEND_W_FLAGS))?)
            {
                continue;
            }
            match BackendEntry::decode(&read_words::<8>(r, &regmap::backends(bank), index)?) {
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
            bank,
            ports,
            hairpin,
            vips,
            unused_backends,
            warnings,
        })
    }

    /// Reads the counters, summed over the card's ports: global, per reason, per VIP in the VIP
    /// match table, and per backend entry valid in the active bank; and each port's global ones.
    pub fn stats(&mut self) -> Result<Stats, DriverError> {
        let caps = self.caps;
        let ports = self.ports;
        let r: &mut dyn RegisterAccess = &mut self.regs;
        // What to count: the tables (the same on every port).
        let mut ignored = Vec::new();
        let mut ids: BTreeMap<u16, String> = BTreeMap::new();
        for (_, s) in read_slots(r, &caps, &mut ignored)? {
            if (s.vip_id as u32) < caps.vip_count {
                ids.entry(s.vip_id).or_insert_with(|| s.key.to_string());
            }
        }
        let mut entries: Vec<(u32, String)> = Vec::new();
        if r.read32(regmap::REG_VERSION)? as u16 >= 2 {
            let table = regmap::backends(r.read32(regmap::REG_BANK)? & 1);
            for index in 0..caps.backend_count {
                if !backend_live(r.read32(table.word(index, regmap::BACKEND_W_FLAGS))?) {
                    continue;
                }
                let words: [u32; 8] = read_words(r, &table, index)?;
                if let Ok(Some(entry)) = BackendEntry::decode(&words) {
                    entries.push((index, entry.addr.to_string()));
                }
            }
        }
        let mut stats = Stats {
            frames_in: 0,
            bytes_in: 0,
            balanced: 0,
            passed: 0,
            reasons: Reason::ALL
                .into_iter()
                .filter(|r| *r != Reason::Balanced)
                .map(|r| (r.name().to_string(), 0))
                .collect(),
            vips: ids.into_iter().map(|(vip_id, vip)| VipStats { vip_id, vip, frames: 0, bytes: 0 }).collect(),
            backends: entries
                .into_iter()
                .map(|(index, backend)| BackendStats { index, backend, frames: 0, bytes: 0 })
                .collect(),
            ports: Vec::with_capacity(ports as usize),
        };
        // The counters, port by port.
        for port in 0..ports {
            if ports > 1 {
                r.write32(regmap::REG_READ_PORT, port)?;
            }
            let p = PortStats {
                port,
                frames_in: r.read64(regmap::REG_CNT_FRAMES_IN)?,
                bytes_in: r.read64(regmap::REG_CNT_BYTES_IN)?,
                balanced: r.read64(regmap::REG_CNT_BALANCED)?,
                passed: r.read64(regmap::REG_CNT_PASSED)?,
            };
            stats.frames_in += p.frames_in;
            stats.bytes_in += p.bytes_in;
            stats.balanced += p.balanced;
            stats.passed += p.passed;
            stats.ports.push(p);
            for reason in Reason::ALL.into_iter().filter(|r| *r != Reason::Balanced) {
                let n = r.read64(regmap::reg_cnt_reason(reason))?;
                *stats.reasons.entry(reason.name().to_string()).or_default() += n;
            }
            for v in &mut stats.vips {
                let at = |word: u32| regmap::VIP_COUNTERS.base + v.vip_id as u32 * regmap::VIP_COUNTERS.stride + word;
                v.frames += r.read64(at(regmap::VIP_CNT_FRAMES))?;
                v.bytes += r.read64(at(regmap::VIP_CNT_BYTES))?;
            }
            for b in &mut stats.backends {
                let at = |word: u32| regmap::BACKEND_COUNTERS.base + b.index * regmap::BACKEND_COUNTERS.stride + word;
                b.frames += r.read64(at(regmap::VIP_CNT_FRAMES))?;
                b.bytes += r.read64(at(regmap::VIP_CNT_BYTES))?;
            }
        }
        if ports > 1 {
            r.write32(regmap::REG_READ_PORT, 0)?;
        }
        Ok(stats)
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
    let tables: [(&Region, u32); 8] = [
        (&regmap::VIP_MATCH, caps.vip_slots()),
        (&regmap::VIP_INFO, caps.vip_count),
        (&regmap::VIP_COUNTERS, caps.vip_count),
        (&regmap::BACKEND_COUNTERS, caps.backend_count),
        (&regmap::BACKENDS, caps.backend_count),
        (&regmap::BACKENDS_1, caps.backend_count),
        (&regmap::RING, caps.ring_entries),
        (&regmap::RING_1, caps.ring_entries),
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

/// Waits until no frame in flight reads table bank `bank` (`BANK_BUSY`) on any of the `ports`.
fn wait_bank_idle(r: &mut dyn RegisterAccess, bank: u32, ports: u32) -> Result<(), DriverError> {
    for port in 0..ports {
        if ports > 1 {
            r.write32(regmap::REG_READ_PORT, port)?;
        }
        let mut idle = false;
        for _ in 0..BUSY_POLLS {
            if r.read32(regmap::REG_BANK_BUSY)? & (1 << bank) == 0 {
                idle = true;
                break;
            }
        }
        if !idle {
            return Err(DriverError::Invalid(format!(
                "table bank {bank} is still read by frames in flight on port {port} after {BUSY_POLLS} reads of \
                 BANK_BUSY: is the data path stalled?"
            )));
        }
    }
    if ports > 1 {
        r.write32(regmap::REG_READ_PORT, 0)?;
    }
    Ok(())
}

/// What a table bank held before an update, word by word in the order [`write_bank`] visits
/// them: recorded while it reads the inactive bank (step 4), then taken instead of reading the old
/// bank (step 7). Between updates both banks hold the same tables (step 7 makes them), so the old
/// bank held the same words; should an interrupted update have left them different, the old bank
/// may keep a stale word, which no frame reads: the next update reads that bank before using it.
enum Before {
    Read(Vec<u32>),
    Known(std::vec::IntoIter<u32>),
}

impl Before {
    fn word(&mut self, r: &mut dyn RegisterAccess, at: u32) -> Result<u32, RegError> {
        match self {
            Before::Read(words) => {
                let v = r.read32(at)?;
                words.push(v);
                Ok(v)
            }
            Before::Known(words) => match words.next() {
                Some(v) => Ok(v),
                None => r.read32(at),
            },
        }
    }
}

/// Makes table bank `bank` hold `plan`: VIP info (that bank's words) of every vip_id, backend
/// entries (those past the plan made invalid), the ring entries the plan uses. Writes only the
/// words that differ from what the bank held (`before`: read now, or known from the other bank).
/// The bank must not be in use.
fn write_bank(
    r: &mut dyn RegisterAccess,
    caps: &Caps,
    plan: &Plan,
    bank: u32,
    before: &mut Before,
) -> Result<(), RegError> {
    let set = |r: &mut dyn RegisterAccess, before: &mut Before, at: u32, want: u32| -> Result<(), RegError> {
        if before.word(r, at)? != want {
            r.write32(at, want)?;
        }
        Ok(())
    };
    let backends = regmap::backends(bank);
    for i in 0..caps.backend_count {
        match plan.backends.get(i as usize).copied().flatten() {
            Some(b) => {
                for (w, &v) in b.encode().iter().enumerate() {
                    set(r, before, backends.word(i, w as u32), v)?;
                }
            }
            None => {
                // only the flags word matters: an entry whose valid bit is clear is not used
                let at = backends.word(i, regmap::BACKEND_W_FLAGS);
                let flags = before.word(r, at)?;
                if backend_live(flags) {
                    r.write32(at, 0)?;
                }
            }
        }
    }
    let ring = regmap::ring(bank);
    for (i, b) in plan.ring.iter().enumerate() {
        if let Some(b) = b {
            set(r, before, ring.word(i as u32, 0), *b)?;
        }
    }
    for id in 0..caps.vip_count {
        let info = plan.infos.get(id as usize).copied().unwrap_or_default();
        set(r, before, info_word(id, bank, regmap::VIP_INFO_W_RING_BASE), info.ring_base)?;
        set(r, before, info_word(id, bank, regmap::VIP_INFO_W_RING_SIZE), info.ring_size)?;
    }
    Ok(())
}

fn ring_sizes(cfg: &Config, ring_entries: u32) -> Vec<u32> {
    let live = |v: &l4lb_core::config::Vip| v.backends.iter().any(|b| b.weight > 0);
    let explicit: u64 = cfg.vips.iter().filter(|v| live(v) && !v.ring_size_default).map(|v| v.ring_size as u64).sum();
    let defaults = cfg.vips.iter().filter(|v| live(v) && v.ring_size_default).count() as u64;
    let mut fit = maglev::DEFAULT_RING_SIZE;
    if defaults > 0 && explicit + defaults * fit as u64 > ring_entries as u64 {
        let room = (ring_entries as u64).saturating_sub(explicit) / defaults;
        let mut m = room.min(fit as u64) as u32;
        while m >= maglev::MIN_RING_SIZE && !maglev::is_prime(m) {
            m -= 1;
        }
        if m >= maglev::MIN_RING_SIZE {
            fit = m;
        }
    }
    cfg.vips.iter().map(|v| if v.ring_size_default { fit } else { v.ring_size }).collect()
}

/// Offset of VIP info word `word` (0: ring_base, 1: ring_size) of bank `bank` for `vip_id`.
fn info_word(vip_id: u32, bank: u32, word: u32) -> u32 {
    regmap::VIP_INFO.word(vip_id, 2 * bank + word)
}

fn backend_live(w0: u32) -> bool {
    w0 & regmap::BACKEND_VALID != 0
}
fn slot_live(w0: u32) -> bool {
    w0 & regmap::VIP_MATCH_VALID != 0
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
