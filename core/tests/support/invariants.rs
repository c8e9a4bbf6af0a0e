//! Invariants of the model's parse-and-rewrite (contract v2, *What a balanced frame gets*),
//! checked from the frame bytes alone: shared by the deterministic property test
//! (`core/tests/model_invariants.rs`) and the cargo-fuzz target (`fuzz/`). Written from the
//! contract's text, not from the model's code.

/// The bytes a rewrite may touch and what is needed to verify checksums, found by a parser of its
/// own. `None` when the frame does not parse as a TCP/UDP packet the contract balances.
struct Layout {
    l2: usize,
    v6: bool,
    ihl_bytes: usize,
    dst: usize,
    alen: usize,
    proto: u8,
    /// L4 header offset, `None` for a later fragment.
    l4: Option<usize>,
    fragment: bool,
    end: usize,
}

fn be16(f: &[u8], i: usize) -> usize {
    (f[i] as usize) << 8 | f[i + 1] as usize
}

fn layout(f: &[u8]) -> Option<Layout> {
    let n = f.len();
    let mut e = 12;
    for _ in 0..2 {
        if n >= e + 2 && matches!(be16(f, e), 0x8100 | 0x88a8) && n >= e + 6 {
            e += 4;
        }
    }
    if n < e + 2 {
        return None;
    }
    let l2 = e + 2;
    match be16(f, e) {
        0x0800 => {
            if n < l2 + 20 || f[l2] >> 4 != 4 || f[l2] & 15 < 5 {
                return None;
            }
            let hl = 4 * (f[l2] & 15) as usize;
            let ff = be16(f, l2 + 6);
            let later = ff & 0x1fff != 0;
            let end = l2 + be16(f, l2 + 2);
            if end > n || end < l2 + hl {
                return None;
            }
            Some(Layout {
                l2,
                v6: false,
                ihl_bytes: hl,
                dst: l2 + 16,
                alen: 4,
                proto: f[l2 + 9],
                l4: (!later).then_some(l2 + hl),
                fragment: later || ff & 0x2000 != 0,
                end,
            })
        }
        0x86dd => {
            if n < l2 + 40 || f[l2] >> 4 != 6 {
                return None;
            }
            let end = l2 + 40 + be16(f, l2 + 4);
            let (mut nh, mut o, mut fragment, mut later) = (f[l2 + 6], l2 + 40, false, false);
            while matches!(nh, 0 | 43 | 60) {
                if o + 2 > end.min(n) {
                    return None;
                }
                nh = f[o];
                o += 8 * (f[o + 1] as usize + 1);
            }
            if nh == 44 {
                if o + 8 > end.min(n) {
                    return None;
                }
                later = be16(f, o + 2) >> 3 != 0;
                fragment = later || f[o + 3] & 1 == 1;
                nh = f[o];
                o += 8;
            }
            if end > n {
                return None;
            }
            Some(Layout {
                l2,
                v6: true,
                ihl_bytes: 0,
                dst: l2 + 24,
                alen: 16,
                proto: nh,
                l4: (!later).then_some(o),
                fragment,
                end,
            })
        }
        _ => None,
    }
}

fn sum(mut acc: u64, d: &[u8]) -> u64 {
    for c in d.chunks(2) {
        acc += ((c[0] as u64) << 8) | *c.get(1).unwrap_or(&0) as u64;
    }
    acc
}

fn folds_to_ffff(mut s: u64) -> bool {
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s == 0xffff
}

fn l4_valid(f: &[u8], l: &Layout, l4: usize) -> bool {
    let len = l.end - l4;
    let mut s = sum(0, &f[l.dst - l.alen..l.dst + l.alen]);
    s += l.proto as u64 + len as u64;
    folds_to_ffff(sum(s, &f[l4..l.end]))
}

/// Checks one run of the model: `before` went in, `after` came out, `balanced` is its verdict.
pub fn check(before: &[u8], after: &[u8], balanced: bool) -> Result<(), String> {
    if before.len() != after.len() {
        return Err(format!("length changed {} -> {}", before.len(), after.len()));
    }
    if !balanced {
        return if before == after { Ok(()) } else { Err("a frame that passed changed".into()) };
    }
    let l = layout(before).ok_or("a balanced frame that does not parse as IPv4/IPv6")?;
    if !matches!(l.proto, 6 | 17) {
        return Err(format!("balanced protocol {}", l.proto));
    }
    let csum = l.l4.map(|o| o + if l.proto == 6 { 16 } else { 6 });
    for i in 0..before.len() {
        let ok = i < 6
            || (l.dst..l.dst + l.alen).contains(&i)
            || (!l.v6 && (l.l2 + 10..l.l2 + 12).contains(&i))
            || csum.is_some_and(|c| (c..c + 2).contains(&i));
        if !ok && before[i] != after[i] {
            return Err(format!("byte {i} changed, which no rewrite touches"));
        }
    }
    if !l.v6 {
        let v = |f: &[u8]| folds_to_ffff(sum(0, &f[l.l2..l.l2 + l.ihl_bytes]));
        if v(before) && !v(after) {
            return Err("the IPv4 header checksum was valid and is not".into());
        }
    }
    if let (Some(l4), Some(c), false) = (l.l4, csum, l.fragment) {
        let zero = |f: &[u8]| be16(f, c) == 0;
        if l.proto == 17 && zero(before) != zero(after) {
            return Err("UDP checksum 0 must stay 0, and only 0 is 0".into());
        }
        if !(l.proto == 17 && zero(before)) && l4_valid(before, &l, l4) && !l4_valid(after, &l, l4) {
            return Err("the L4 checksum was valid and is not".into());
        }
    }
    Ok(())
}
