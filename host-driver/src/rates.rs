//! Rates from two readings of the counters (`l4lb stats --watch`): per second over the time
//! that really passed between the readings, not the nominal interval.
//!
//! A counter that went down between two readings was reset (the FPGA reloaded or the device
//! reset): its rate is taken from zero, i.e. the new value over the interval. (The counters are
//! 64 bits wide: at 100 Gb/s the byte counter takes 46 years to wrap, so a decrease is a reset.)
//!
//! Rates are per reason, per VIP and per backend entry (register map 2.2 and later).

use crate::device::Stats;
use serde::Serialize;
use std::collections::BTreeMap;

/// Rates over one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rates {
    /// Seconds between the two readings.
    pub seconds: f64,
    pub frames_per_s: f64,
    pub bits_per_s: f64,
    pub balanced_per_s: f64,
    pub passed_per_s: f64,
    /// Frames passed per second, per reason (only reasons that counted in the interval).
    pub passed_by_reason_per_s: BTreeMap<String, f64>,
    /// Per VIP in the newer reading.
    pub vips: Vec<VipRate>,
    /// Per backend entry in the newer reading.
    pub backends: Vec<BackendRate>,
    /// The counters of the newer reading.
    pub totals: Stats,
}

/// The rate of one VIP.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VipRate {
    pub vip_id: u16,
    pub vip: String,
    pub frames_per_s: f64,
    pub bits_per_s: f64,
}

/// The rate of one backend entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackendRate {
    pub index: u32,
    pub backend: String,
    pub frames_per_s: f64,
    pub bits_per_s: f64,
}

/// How much a counter grew from `old` to `new` (a decrease is a reset: the new value).
pub fn delta(old: u64, new: u64) -> u64 {
    if new >= old {
        new - old
    } else {
        new
    }
}

impl Rates {
    /// The rates between `old` and `new`, read `seconds` apart (> 0).
    pub fn between(old: &Stats, new: &Stats, seconds: f64) -> Rates {
        let per_s = |o: u64, n: u64| delta(o, n) as f64 / seconds;
        let mut reasons = BTreeMap::new();
        for (name, &n) in &new.reasons {
            let r = per_s(old.reasons.get(name).copied().unwrap_or(0), n);
            if r > 0.0 {
                reasons.insert(name.clone(), r);
            }
        }
        let vips = new
            .vips
            .iter()
            .map(|v| {
                // A VIP that was not there (or held another VIP) in the older reading starts from 0.
                let o = old.vips.iter().find(|o| o.vip_id == v.vip_id && o.vip == v.vip);
                VipRate {
                    vip_id: v.vip_id,
                    vip: v.vip.clone(),
                    frames_per_s: per_s(o.map_or(0, |o| o.frames), v.frames),
                    bits_per_s: 8.0 * per_s(o.map_or(0, |o| o.bytes), v.bytes),
                }
            })
            .collect();
        let backends = new
            .backends
            .iter()
            .map(|b| {
                // An entry that was not valid in the older reading starts from 0.
                let o = old.backends.iter().find(|o| o.index == b.index);
                BackendRate {
                    index: b.index,
                    backend: b.backend.clone(),
                    frames_per_s: per_s(o.map_or(0, |o| o.frames), b.frames),
                    bits_per_s: 8.0 * per_s(o.map_or(0, |o| o.bytes), b.bytes),
                }
            })
            .collect();
        Rates {
            seconds,
            frames_per_s: per_s(old.frames_in, new.frames_in),
            bits_per_s: 8.0 * per_s(old.bytes_in, new.bytes_in),
            balanced_per_s: per_s(old.balanced, new.balanced),
            passed_per_s: per_s(old.passed, new.passed),
            passed_by_reason_per_s: reasons,
            vips,
            backends,
            totals: new.clone(),
        }
    }
}

/// `1.23 M`, `456 k`, `12.0`: a rate with an SI prefix, for text output.
pub fn si(x: f64) -> String {
    let (v, p) = if x >= 1e9 {
        (x / 1e9, " G")
    } else if x >= 1e6 {
        (x / 1e6, " M")
    } else if x >= 1e3 {
        (x / 1e3, " k")
    } else {
        (x, " ")
    };
    format!("{v:.2}{p}").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{BackendStats, VipStats};

    fn stats(frames: u64, bytes: u64, vip_frames: u64) -> Stats {
        Stats {
            frames_in: frames,
            bytes_in: bytes,
            balanced: vip_frames,
            passed: frames - vip_frames,
            reasons: [("NO_VIP".to_string(), frames - vip_frames)].into(),
            vips: vec![VipStats {
                vip_id: 0,
                vip: "10.0.0.1:80/tcp".into(),
                frames: vip_frames,
                bytes: vip_frames * 100,
            }],
            backends: vec![
                BackendStats { index: 3, backend: "10.1.0.1".into(), frames: vip_frames / 4, bytes: vip_frames * 25 },
                BackendStats {
                    index: 9,
                    backend: "10.1.0.2".into(),
                    frames: vip_frames - vip_frames / 4,
                    bytes: vip_frames * 75,
                },
            ],
            ports: vec![],
        }
    }

    #[test]
    fn rates_over_the_real_interval() {
        let r = Rates::between(&stats(1000, 64_000, 400), &stats(3000, 192_000, 1400), 2.0);
        assert_eq!(r.frames_per_s, 1000.0);
        assert_eq!(r.bits_per_s, 128_000.0 * 8.0 / 2.0);
        assert_eq!(r.balanced_per_s, 500.0);
        assert_eq!(r.passed_per_s, 500.0);
        assert_eq!(r.passed_by_reason_per_s["NO_VIP"], 500.0);
        assert_eq!(r.vips[0].frames_per_s, 500.0);
        assert_eq!(r.vips[0].bits_per_s, 500.0 * 100.0 * 8.0);
        // per backend entry: (1400/4 - 400/4) / 2 and the rest
        assert_eq!((r.backends[0].index, r.backends[0].frames_per_s), (3, 125.0));
        assert_eq!((r.backends[1].index, r.backends[1].frames_per_s), (9, 375.0));
        assert_eq!(r.backends[1].bits_per_s, 375.0 * 100.0 * 8.0);
    }

    #[test]
    fn a_reset_counts_from_zero() {
        assert_eq!(delta(10, 15), 5);
        assert_eq!(delta(1000, 7), 7);
        let r = Rates::between(&stats(5000, 1, 0), &stats(100, 0, 0), 1.0);
        assert_eq!(r.frames_per_s, 100.0);
        // a backend entry that was not there before starts from 0
        let mut old = stats(1000, 64_000, 400);
        old.backends.remove(1);
        let r = Rates::between(&old, &stats(3000, 192_000, 1400), 2.0);
        assert_eq!(r.backends[1].frames_per_s, 1050.0 / 2.0);
    }

    #[test]
    fn si_prefixes() {
        assert_eq!(si(12.0), "12.00");
        assert_eq!(si(1_500.0), "1.50 k");
        assert_eq!(si(100e9), "100.00 G");
    }
}
