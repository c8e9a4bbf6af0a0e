//! A deterministic randomized property test of the model's parse-and-rewrite (the same
//! invariants as the cargo-fuzz target in `fuzz/`): v2 frames (tags, IPv4 options, IPv6
//! extension headers, fragments) to VIPs of both families and port-0 VIPs, then mutated, cut and
//! extended at random. No panic, length unchanged, only the allowed bytes change, checksums valid
//! after when valid before.

#[path = "support/device.rs"]
mod device;
#[path = "support/frames.rs"]
mod frames;
#[path = "support/invariants.rs"]
mod invariants;

use device::{device, VIPS};
use frames::{frame, Rng};
use l4lb_core::regmap::Reason;

#[test]
fn parse_and_rewrite_invariants() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut d = device();
    let mut counts = [0u32; Reason::COUNT];
    for i in 0..60_000 {
        let (a, port, proto) = VIPS[rng.below(VIPS.len() as u64) as usize];
        let port = if port == 0 { rng.below(65536) as u16 } else { port };
        let mut f = frame(&mut rng, a.parse().unwrap(), port, proto.number());
        // Mutations: none, flip bytes in the headers, cut, extend with padding.
        match rng.below(6) {
            0 | 1 => {}
            2 | 3 => {
                for _ in 0..1 + rng.below(3) {
                    let at = rng.below(f.len().min(140) as u64) as usize;
                    f[at] = rng.next() as u8;
                }
            }
            4 => f.truncate(1 + rng.below(f.len() as u64) as usize),
            _ => f.extend(std::iter::repeat(0).take(rng.below(50) as usize)),
        }
        let before = f.clone();
        let v = d.process(&mut f, false);
        counts[v.reason as usize] += 1;
        invariants::check(&before, &f, v.is_balanced()).unwrap_or_else(|e| panic!("frame {i}: {e}\n{before:02x?}"));
    }
    eprintln!("reasons: {counts:?}");
    for r in [Reason::Balanced, Reason::NotIp, Reason::Malformed, Reason::Fragment, Reason::NoVip, Reason::NotTcpUdp] {
        assert!(counts[r as usize] > 100, "{} seen only {} times: {counts:?}", r.name(), counts[r as usize]);
    }
}
