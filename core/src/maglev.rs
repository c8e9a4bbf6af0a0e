//! Maglev lookup tables with weights (Eisenbud et al., "Maglev: A Fast and Reliable Software
//! Network Load Balancer", NSDI 2016, section 3.4), as docs/architecture.md, *Maglev*, defines
//! them. The driver fills the device's ring with [`build`]; the model and `l4lb explain` use the
//! same function, so all three agree entry for entry.
//!
//! - A VIP's table has `M` entries, `M` prime (`ring_size`, default [`DEFAULT_RING_SIZE`]).
//! - A backend's identity is its address bytes (4 for IPv4). Two hashes of it:
//!   `h1 = CRC-32C(identity)` (standard: register initialised to 0xFFFFFFFF, result inverted) and
//!   `h2` the same CRC with the register initialised to `SKIP_SEED ^ 0xFFFFFFFF`.
//!   `offset = h1 mod M`, `skip = (h2 mod (M - 1)) + 1`; the backend's preference list is
//!   `(offset + j × skip) mod M` for `j = 0, 1, ...`, a permutation of `0..M` because M is prime.
//! - Fill: rounds over the backends in config order; in each round a backend of weight `w`
//!   takes `w` turns; a turn claims the first entry of its preference list not yet claimed.
//!   Weight 0 (drained) takes no turn and gets no entry. The table is full after `M` claims.

use crate::hash::crc32c_update;

/// Default table size per VIP (a prime).
pub const DEFAULT_RING_SIZE: u32 = 65_537;
/// Smallest table size a config may ask for.
pub const MIN_RING_SIZE: u32 = 251;
/// Largest table size a config may ask for (a device's ring bank must also hold it).
pub const MAX_RING_SIZE: u32 = 1 << 20;
/// Seed of the second hash (`skip`): "MGLV" in ASCII.
pub const SKIP_SEED: u32 = 0x4D47_4C56;

/// Whether `n` is prime (trial division; `n` is at most a few million here).
pub fn is_prime(n: u32) -> bool {
    if n < 2 {
        return false;
    }
    if n % 2 == 0 {
        return n == 2;
    }
    let mut d = 3u32;
    while (d as u64) * (d as u64) <= n as u64 {
        if n % d == 0 {
            return false;
        }
        d += 2;
    }
    true
}

/// The first hash of a backend identity: standard CRC-32C.
pub fn offset_hash(identity: &[u8]) -> u32 {
    !crc32c_update(!0, identity)
}

/// The second hash of a backend identity: CRC-32C seeded with [`SKIP_SEED`].
pub fn skip_hash(identity: &[u8]) -> u32 {
    !crc32c_update(!SKIP_SEED, identity)
}

/// `(offset, skip)` of a backend identity in a table of `m` entries (`m` prime, at least 2).
pub fn permutation(identity: &[u8], m: u32) -> (u32, u32) {
    (offset_hash(identity) % m, skip_hash(identity) % (m - 1) + 1)
}

/// A backend as the table builder sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    /// The bytes hashed for the permutation (the backend's address).
    pub identity: &'a [u8],
    /// Turns per round; 0 gets no entry.
    pub weight: u32,
}

/// A table that cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MaglevError {
    #[error("ring_size {0} is not a prime number")]
    NotPrime(u32),
    #[error("ring_size {0} is outside {MIN_RING_SIZE}..={MAX_RING_SIZE}")]
    Size(u32),
}

/// Checks a table size: prime, within [`MIN_RING_SIZE`]..=[`MAX_RING_SIZE`].
pub fn check_size(m: u32) -> Result<(), MaglevError> {
    if !(MIN_RING_SIZE..=MAX_RING_SIZE).contains(&m) {
        return Err(MaglevError::Size(m));
    }
    if !is_prime(m) {
        return Err(MaglevError::NotPrime(m));
    }
    Ok(())
}

/// Builds the table of `m` entries for `members`: entry `i` is the position in `members` of the
/// backend that owns it. Empty when no member has a weight (the VIP has no backend).
///
/// `m` must be prime and at least 2 (use [`check_size`] for configs); panics otherwise.
pub fn build(members: &[Member<'_>], m: u32) -> Vec<u32> {
    assert!(m >= 2 && is_prime(m), "Maglev table size {m} must be a prime");
    if members.iter().all(|b| b.weight == 0) {
        return Vec::new();
    }
    const FREE: u32 = u32::MAX;
    let mut table = vec![FREE; m as usize];
    // Per member: next candidate entry of its preference list, and its skip.
    let mut next: Vec<(u32, u32)> = members.iter().map(|b| permutation(b.identity, m)).collect();
    let mut filled = 0u32;
    loop {
        for (i, b) in members.iter().enumerate() {
            let (pos, skip) = &mut next[i];
            for _ in 0..b.weight {
                let mut p = *pos;
                while table[p as usize] != FREE {
                    p += *skip;
                    if p >= m {
                        p -= m;
                    }
                }
                table[p as usize] = i as u32;
                p += *skip;
                if p >= m {
                    p -= m;
                }
                *pos = p;
                filled += 1;
                if filled == m {
                    return table;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn addrs(n: u32) -> Vec<[u8; 4]> {
        (0..n).map(|i| Ipv4Addr::from(0x0A01_0000 + i).octets()).collect()
    }

    fn members<'a>(a: &'a [[u8; 4]], weights: &[u32]) -> Vec<Member<'a>> {
        a.iter().zip(weights).map(|(x, &w)| Member { identity: x, weight: w }).collect()
    }

    fn counts(table: &[u32], n: usize) -> Vec<u64> {
        let mut c = vec![0u64; n];
        for &b in table {
            c[b as usize] += 1;
        }
        c
    }

    #[test]
    fn primes() {
        let small: Vec<u32> = (0..40).filter(|&n| is_prime(n)).collect();
        assert_eq!(small, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]);
        assert!(is_prime(65_537) && is_prime(131_071) && is_prime(251) && is_prime(1_048_573));
        assert!(!is_prime(65_536) && !is_prime(65_535) && !is_prime(1_048_575) && !is_prime(3 * 21_845));
        assert_eq!(check_size(65_536), Err(MaglevError::NotPrime(65_536)));
        assert_eq!(check_size(241), Err(MaglevError::Size(241)));
        assert_eq!(check_size(251), Ok(()));
        assert_eq!(check_size(131_071), Ok(()));
    }

    #[test]
    fn hashes_are_the_documented_crcs() {
        // The standard CRC-32C check value, and the seeded variant by its definition (a bitwise
        // CRC written out here, independent of the table and SSE paths).
        assert_eq!(offset_hash(b"123456789"), 0xE306_9283);
        fn bitwise(init: u32, data: &[u8]) -> u32 {
            let mut c = init;
            for &b in data {
                c ^= b as u32;
                for _ in 0..8 {
                    c = if c & 1 != 0 { (c >> 1) ^ 0x82F6_3B78 } else { c >> 1 };
                }
            }
            !c
        }
        let id = [10, 1, 0, 7];
        assert_eq!(offset_hash(&id), bitwise(0xFFFF_FFFF, &id));
        assert_eq!(skip_hash(&id), bitwise(!0x4D47_4C56, &id));
        let (o, s) = permutation(&id, 251);
        assert_eq!(o, bitwise(0xFFFF_FFFF, &id) % 251);
        assert_eq!(s, bitwise(!0x4D47_4C56, &id) % 250 + 1);
    }

    /// The fill rule by brute force on a small table: each turn takes the first free entry of
    /// the backend's explicit preference list.
    #[test]
    fn small_table_follows_the_rule() {
        let a = addrs(4);
        let w = [1, 2, 0, 1];
        let m = 251u32;
        let prefs: Vec<Vec<u32>> = a
            .iter()
            .map(|x| {
                let (o, s) = permutation(x, m);
                (0..m).map(|j| ((o as u64 + j as u64 * s as u64) % m as u64) as u32).collect()
            })
            .collect();
        for p in &prefs {
            let mut sorted = p.clone();
            sorted.sort();
            assert_eq!(sorted, (0..m).collect::<Vec<_>>(), "a preference list is a permutation");
        }
        let mut want = vec![None; m as usize];
        let mut cursor = [0usize; 4];
        let mut filled = 0;
        'outer: loop {
            for i in 0..4 {
                for _ in 0..w[i] {
                    while want[prefs[i][cursor[i]] as usize].is_some() {
                        cursor[i] += 1;
                    }
                    want[prefs[i][cursor[i]] as usize] = Some(i as u32);
                    filled += 1;
                    if filled == m {
                        break 'outer;
                    }
                }
            }
        }
        let want: Vec<u32> = want.into_iter().map(Option::unwrap).collect();
        assert_eq!(build(&members(&a, &w), m), want);
    }

    #[test]
    fn drained_and_empty() {
        let a = addrs(3);
        assert!(build(&members(&a, &[0, 0, 0]), 251).is_empty());
        assert!(build(&[], 251).is_empty());
        let t = build(&members(&a, &[1, 0, 1]), 251);
        assert_eq!(t.len(), 251);
        assert!(!t.contains(&1), "a weight-0 backend gets no entry");
    }

    #[test]
    fn balance_at_the_default_size() {
        for n in [3u32, 10, 100, 1000] {
            let a = addrs(n);
            let t = build(&members(&a, &vec![1; n as usize]), DEFAULT_RING_SIZE);
            let c = counts(&t, n as usize);
            let mean = DEFAULT_RING_SIZE as f64 / n as f64;
            let max = *c.iter().max().unwrap() as f64;
            assert!(max / mean <= 1.01, "{n} backends: max {max} over mean {mean:.2}");
        }
    }

    #[test]
    fn weights_are_honoured() {
        let a = addrs(4);
        let w = [1u32, 2, 3, 10];
        let t = build(&members(&a, &w), DEFAULT_RING_SIZE);
        let c = counts(&t, 4);
        let total: u32 = w.iter().sum();
        for i in 0..4 {
            let ideal = DEFAULT_RING_SIZE as f64 * w[i] as f64 / total as f64;
            let got = c[i] as f64;
            assert!((got - ideal).abs() / ideal < 0.01, "weight {}: {got} entries, ideal {ideal:.1}", w[i]);
        }
    }

    /// Share of the entries not owned by the removed backend (`map` gives u32::MAX for it) whose
    /// owner changed.
    fn moved_others(before: &[u32], after: &[u32], map: impl Fn(u32) -> u32) -> f64 {
        let mut moved = 0u64;
        let mut others = 0u64;
        for (b, a) in before.iter().zip(after) {
            let was = map(*b);
            if was != u32::MAX {
                others += 1;
                if was != *a {
                    moved += 1;
                }
            }
        }
        moved as f64 / others as f64
    }

    #[test]
    fn removing_one_of_ten_moves_few_other_flows() {
        let a = addrs(10);
        let before = build(&members(&a, &[1; 10]), DEFAULT_RING_SIZE);
        for gone in [0usize, 4, 9] {
            let rest: Vec<[u8; 4]> = a.iter().enumerate().filter(|(i, _)| *i != gone).map(|(_, x)| *x).collect();
            let after = build(&members(&rest, &[1; 9]), DEFAULT_RING_SIZE);
            // position in `before` -> position in `after`, u32::MAX for the removed one
            let map = |b: u32| match (b as usize).cmp(&gone) {
                std::cmp::Ordering::Less => b,
                std::cmp::Ordering::Equal => u32::MAX,
                std::cmp::Ordering::Greater => b - 1,
            };
            let f = moved_others(&before, &after, map);
            assert!(f <= 0.01, "removing backend {gone}: {:.3}% of the other entries moved", f * 100.0);
        }
    }

    #[test]
    fn adding_one_to_ten_moves_about_one_eleventh() {
        let a = addrs(11);
        let before = build(&members(&a[..10], &[1; 10]), DEFAULT_RING_SIZE);
        let after = build(&members(&a, &[1; 11]), DEFAULT_RING_SIZE);
        let moved = before.iter().zip(&after).filter(|(b, a)| b != a).count() as f64 / DEFAULT_RING_SIZE as f64;
        let to_new = after.iter().filter(|&&x| x == 10).count() as f64 / DEFAULT_RING_SIZE as f64;
        assert!((to_new - 1.0 / 11.0).abs() < 0.001, "new backend got {to_new:.4}");
        assert!(moved < 1.0 / 11.0 + 0.01, "{:.2}% of entries moved, ideal {:.2}%", moved * 100.0, 100.0 / 11.0);
    }
}
