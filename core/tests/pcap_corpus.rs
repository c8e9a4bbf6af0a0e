//! Every Ethernet frame of the tcpdump pcap corpus (shared/corpus/tcpdump, beside the repository)
//! through the model, with the most common TCP/UDP destinations of each file configured as VIPs:
//! lengths never change, frames that pass are byte-identical, balanced frames change only the
//! allowed bytes and keep their checksums' residues (valid stays valid).

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::*;
use l4lb_core::layout::Caps;
use l4lb_core::regmap::Reason;

fn corpus_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("L4LB_CORPUS") {
        return Some(PathBuf::from(p));
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/tcpdump");
    dir.is_dir().then_some(dir)
}

/// (destination, destination port, protocol) of an IPv4 TCP/UDP frame the model could balance,
/// with the IPv4 header offset; parsed here from the contract's offsets.
fn vip_key(f: &[u8]) -> Option<([u8; 4], u16, u8, usize)> {
    if f.len() < 14 {
        return None;
    }
    let l2 = match (f[12], f[13]) {
        (0x08, 0x00) => 14,
        (0x81, 0x00) if f.len() >= 18 && f[16] == 0x08 && f[17] == 0x00 => 18,
        _ => return None,
    };
    if f.len() < l2 + 24 || f[l2] != 0x45 || (f[l2 + 6] & 0x3F) != 0 || f[l2 + 7] != 0 {
        return None;
    }
    let proto = f[l2 + 9];
    if proto != 6 && proto != 17 {
        return None;
    }
    let dst = [f[l2 + 16], f[l2 + 17], f[l2 + 18], f[l2 + 19]];
    Some((dst, u16::from_be_bytes([f[l2 + 22], f[l2 + 23]]), proto, l2))
}

#[test]
fn corpus_frames_keep_their_invariants() {
    let Some(dir) = corpus_dir() else {
        assert!(std::env::var_os("CI").is_none(), "CI must have the corpus: set L4LB_CORPUS or lay out ../shared");
        eprintln!("SKIPPED: shared/corpus/tcpdump not found beside the repository (set L4LB_CORPUS)");
        return;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let (mut files, mut frames, mut balanced, mut valid_checked) = (0, 0u64, 0u64, 0u64);
    let mut reasons = [0u64; 11];
    for path in &paths {
        let Some(list) = pcap_ethernet_frames(&std::fs::read(path).unwrap()) else {
            continue;
        };
        files += 1;
        // The 32 most common keys become VIPs, 4 backends each (MAC on the even ones).
        let mut seen: HashMap<([u8; 4], u16, u8), usize> = HashMap::new();
        for f in &list {
            if let Some((a, p, proto, _)) = vip_key(f) {
                if p != 0 {
                    *seen.entry((a, p, proto)).or_default() += 1;
                }
            }
        }
        let mut keys: Vec<_> = seen.into_iter().collect();
        keys.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut d = enabled(Caps::default());
        let mut used = [0u8; 256];
        for (i, ((addr, port, proto), _)) in keys.iter().take(32).enumerate() {
            let id = i as u32;
            if !place_vip(&mut d, &mut used, *addr, *port, *proto, id as u16) {
                continue;
            }
            write_info(&mut d, id, 4 * id, 4);
            for j in 0..4 {
                let b = 4 * id + j;
                let mac = (j % 2 == 0).then_some([2, 0, 0, 0, id as u8, j as u8]);
                write_backend(&mut d, b, [10, 200, id as u8, j as u8], mac);
                write_ring(&mut d, b, b);
            }
        }
        let mut bytes = 0u64;
        for f in &list {
            let mut out = f.clone();
            let v = d.process(&mut out, false);
            frames += 1;
            bytes += f.len() as u64;
            reasons[v.reason as usize] += 1;
            assert_eq!(out.len(), f.len(), "{}", path.display());
            if !v.is_balanced() {
                assert_eq!(&out, f, "{}: a passed frame changed", path.display());
                continue;
            }
            balanced += 1;
            let (_, _, _, l2) = vip_key(f).expect("balanced frames are IPv4 TCP/UDP");
            let b = v.backend.unwrap();
            let (id, j) = (b / 4, b % 4);
            assert_eq!(&out[l2 + 16..l2 + 20], &[10, 200, id as u8, j as u8]);
            let want_mac = if j % 2 == 0 { [2, 0, 0, 0, id as u8, j as u8] } else { f[..6].try_into().unwrap() };
            assert_eq!(&out[..6], &want_mac);
            let l4_csum = l2 + 20 + if f[l2 + 9] == 6 { 16 } else { 6 };
            for i in 6..f.len() {
                if !(l2 + 16..l2 + 20).contains(&i)
                    && !(l2 + 10..l2 + 12).contains(&i)
                    && !(l4_csum..l4_csum + 2).contains(&i)
                {
                    assert_eq!(out[i], f[i], "{}: byte {i} changed", path.display());
                }
            }
            assert_eq!(ip_residue(&out, l2), ip_residue(f, l2));
            assert_eq!(l4_residue(&out, l2), l4_residue(f, l2));
            if ip_residue(f, l2) == 0xFFFF && l4_residue(f, l2).map_or(true, |r| r == 0xFFFF) {
                valid_checked += 1;
            }
        }
        assert_eq!(counter(&mut d, CNT_FRAMES_IN), list.len() as u64);
        assert_eq!(counter(&mut d, CNT_BYTES_IN), bytes);
    }
    eprintln!("corpus: {files} pcap files, {frames} frames, {balanced} balanced ({valid_checked} with valid checksums), reasons {reasons:?}");
    assert!(files > 50 && balanced > 1000, "too little of the corpus was exercised");
    assert_eq!(reasons[Reason::Disabled as usize], 0);
}
