//! Cuckoo placement of VIPs in the VIP match table (docs/architecture.md, *Finding the VIP*).
//!
//! The table has two banks of `buckets` buckets of `VIP_WAYS` ways. A VIP may sit in any way of
//! one bucket per bank (`layout::vip_buckets`), so it has `VIP_BANKS * VIP_WAYS` candidate slots.
//! VIPs are placed one by one in config order: a free way in the bank 0 bucket, else a free way in
//! the bank 1 bucket, else the shortest chain of moves (breadth-first over the occupants of the
//! candidate slots, each moving to its bucket in the other bank) that ends in a free slot. The
//! search is bounded and visits slots in a fixed order, so the same keys always give the same
//! placement.

use l4lb_core::layout::{self, VipKey};
use l4lb_core::regmap::{VIP_BANKS, VIP_WAYS};
use serde::Serialize;
use std::collections::VecDeque;
use thiserror::Error;

/// Slots the breadth-first search may visit for one VIP before it gives up.
pub const MAX_SEARCH: usize = 4096;

/// A slot of the VIP match table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlotRef {
    pub bank: u32,
    pub bucket: u32,
    pub way: u32,
}

impl SlotRef {
    /// The slot's index in the VIP match region (`layout::vip_slot`).
    pub fn index(&self, buckets: u32) -> u32 {
        layout::vip_slot(self.bank, self.bucket, self.way, buckets)
    }

    /// The slot at `index` (docs: bank `s / (4 B)`, bucket `(s / 4) mod B`, way `s mod 4`).
    pub fn from_index(index: u32, buckets: u32) -> SlotRef {
        SlotRef { bank: index / (VIP_WAYS * buckets), bucket: (index / VIP_WAYS) % buckets, way: index % VIP_WAYS }
    }
}

impl std::fmt::Display for SlotRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bank {} bucket {} way {}", self.bank, self.bucket, self.way)
    }
}

/// Where each VIP went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Buckets per bank the placement was made for.
    pub buckets: u32,
    /// Slot index of VIP `i` (in the order the keys were given).
    pub slots: Vec<u32>,
    /// VIPs moved to make room during placement.
    pub moves: u64,
}

impl Placement {
    /// VIP index in each slot of the table (`None`: free).
    pub fn occupancy(&self) -> Vec<Option<usize>> {
        let mut table = vec![None; (VIP_BANKS * VIP_WAYS * self.buckets) as usize];
        for (vip, &slot) in self.slots.iter().enumerate() {
            table[slot as usize] = Some(vip);
        }
        table
    }
}

/// A placement that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlacementError {
    #[error("VIP buckets must be a non-zero power of two, the device reports {0}")]
    BadBuckets(u32),
    #[error(
        "cannot place VIP {vip} (vip_id {index}) in the VIP match table: its buckets (bank 0 bucket \
         {bucket0}, bank 1 bucket {bucket1}) are full and no chain of moves frees a slot; the table has \
         {slots} slots ({VIP_BANKS} banks x {buckets} buckets x {VIP_WAYS} ways): use fewer VIPs or a \
         build with more VIP_BUCKETS"
    )]
    Full { vip: String, index: usize, bucket0: u32, bucket1: u32, buckets: u32, slots: u32 },
    #[error("VIP {vip} appears twice in the config (vip_ids {first} and {second})")]
    Duplicate { vip: String, first: usize, second: usize },
}

/// Places `keys` (VIP `i` is `keys[i]`) in a table of `buckets` buckets per bank.
pub fn place(keys: &[VipKey], buckets: u32) -> Result<Placement, PlacementError> {
    if buckets == 0 || !buckets.is_power_of_two() {
        return Err(PlacementError::BadBuckets(buckets));
    }
    let slots = (VIP_BANKS * VIP_WAYS * buckets) as usize;
    let cand: Vec<[u32; 2]> = keys.iter().map(|k| layout::vip_buckets(k, buckets)).collect();
    let mut table: Vec<Option<usize>> = vec![None; slots];
    let mut at: Vec<u32> = Vec::with_capacity(keys.len());
    let mut moves = 0u64;

    // The candidate slots of VIP `v` in `bank`.
    let bucket_slots = |v: usize, bank: u32| -> [usize; VIP_WAYS as usize] {
        std::array::from_fn(|way| layout::vip_slot(bank, cand[v][bank as usize], way as u32, buckets) as usize)
    };

    for v in 0..keys.len() {
        if let Some(first) = keys[..v].iter().position(|k| *k == keys[v]) {
            return Err(PlacementError::Duplicate { vip: keys[v].to_string(), first, second: v });
        }
        // Breadth-first search over slots: the roots are v's own candidates, bank 0 first; the
        // children of an occupied slot are the slots its occupant could move to in its other bank.
        let mut parent: Vec<Option<usize>> = Vec::new(); // per visited node: index of its parent node
        let mut nodes: Vec<usize> = Vec::new(); // visited node -> slot
        let mut seen = vec![false; slots];
        let mut queue = VecDeque::new();
        for bank in 0..VIP_BANKS {
            for s in bucket_slots(v, bank) {
                if !seen[s] {
                    seen[s] = true;
                    nodes.push(s);
                    parent.push(None);
                    queue.push_back(nodes.len() - 1);
                }
            }
        }
        let mut free = None;
        // Roots in order first: a free way in bank 0, then bank 1, before any move.
        for (n, &s) in nodes.iter().enumerate() {
            if table[s].is_none() {
                free = Some(n);
                break;
            }
        }
        while free.is_none() && nodes.len() < MAX_SEARCH {
            let Some(n) = queue.pop_front() else { break };
            let s = nodes[n];
            let occupant = table[s].expect("queued slots are occupied");
            let other = 1 - SlotRef::from_index(s as u32, buckets).bank;
            for t in bucket_slots(occupant, other) {
                if seen[t] {
                    continue;
                }
                seen[t] = true;
                nodes.push(t);
                parent.push(Some(n));
                let m = nodes.len() - 1;
                if table[t].is_none() {
                    free = Some(m);
                    break;
                }
                queue.push_back(m);
            }
        }
        let Some(mut n) = free else {
            return Err(PlacementError::Full {
                vip: keys[v].to_string(),
                index: v,
                bucket0: cand[v][0],
                bucket1: cand[v][1],
                buckets,
                slots: slots as u32,
            });
        };
        // Shift occupants along the path, from the free end back to the root.
        while let Some(p) = parent[n] {
            let (to, from) = (nodes[n], nodes[p]);
            let occupant = table[from].take().expect("path slots are occupied");
            table[to] = Some(occupant);
            at[occupant] = to as u32;
            moves += 1;
            n = p;
        }
        table[nodes[n]] = Some(v);
        at.push(nodes[n] as u32);
    }
    Ok(Placement { buckets, slots: at, moves })
}

#[cfg(test)]
mod tests {
    use super::*;
    use l4lb_core::layout::Protocol;
    use std::net::Ipv4Addr;

    /// Scattered keys (sequential ones spread over the buckets too evenly: CRC is linear).
    fn key(i: u32) -> VipKey {
        let x = i.wrapping_mul(0x9E37_79B9) ^ 0x5bd1_e995;
        VipKey { addr: Ipv4Addr::from(x).into(), port: (x >> 7) as u16 | 1, protocol: Protocol::Tcp }
    }

    fn check(keys: &[VipKey], p: &Placement) {
        let mut used = std::collections::HashSet::new();
        for (k, &s) in keys.iter().zip(&p.slots) {
            assert!(used.insert(s), "slot {s} used twice");
            let r = SlotRef::from_index(s, p.buckets);
            assert_eq!(r.index(p.buckets), s);
            assert_eq!(
                layout::vip_buckets(k, p.buckets)[r.bank as usize],
                r.bucket,
                "{k} in a bucket it does not hash to"
            );
        }
    }

    #[test]
    fn first_vip_takes_way_0_of_its_bank_0_bucket() {
        let p = place(&[key(1)], 128).unwrap();
        let b = layout::vip_buckets(&key(1), 128);
        assert_eq!(SlotRef::from_index(p.slots[0], 128), SlotRef { bank: 0, bucket: b[0], way: 0 });
    }

    #[test]
    fn dense_tables_place_with_moves_and_deterministically() {
        // 4 buckets per bank: 32 slots. A two-choice 4-way cuckoo table fills past 90%.
        let keys: Vec<VipKey> = (0..64).map(key).collect();
        let n = (1..=32).take_while(|&n| place(&keys[..n], 4).is_ok()).last().unwrap();
        assert!(n >= 29, "only {n} of 32 slots filled");
        let p = place(&keys[..n], 4).unwrap();
        check(&keys[..n], &p);
        assert!(p.moves > 0, "filling {n} of 32 slots took no moves");
        assert_eq!(p, place(&keys[..n], 4).unwrap());
        // The first VIP that does not fit is named.
        if n < 32 {
            assert!(matches!(place(&keys[..n + 1], 4), Err(PlacementError::Full { index, .. }) if index == n));
        }
    }

    #[test]
    fn a_full_table_names_the_vip_that_does_not_fit() {
        // One bucket per bank: every key shares the same 8 slots.
        let keys: Vec<VipKey> = (0..9).map(key).collect();
        let err = place(&keys, 1).unwrap_err();
        assert!(matches!(err, PlacementError::Full { index: 8, .. }), "{err:?}");
        assert!(err.to_string().contains(&key(8).to_string()), "{err}");
        check(&keys[..8], &place(&keys[..8], 1).unwrap());
    }

    #[test]
    fn duplicates_and_bad_bucket_counts_are_refused() {
        assert!(matches!(
            place(&[key(1), key(2), key(1)], 8),
            Err(PlacementError::Duplicate { first: 0, second: 2, .. })
        ));
        assert_eq!(place(&[key(1)], 0), Err(PlacementError::BadBuckets(0)));
        assert_eq!(place(&[key(1)], 12), Err(PlacementError::BadBuckets(12)));
    }
}
