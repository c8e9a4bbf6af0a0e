//! Known answers of contract v2, computed here from the contract's text (bitwise CRC-32C,
//! from-scratch checksums): IPv6 with extension headers, port-0 VIPs and fragments, the
//! specific-port VIP winning, and the parse window.

mod common;
#[path = "support/device.rs"]
mod device;

use common::{crc32c_bitwise, ones_sum};
use l4lb_core::regmap::Reason;

const SRC6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0xc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
const VIP6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// Ethernet + IPv6 (next header chain `ext`: (type, 8-byte units beyond the first)) + TCP to
/// VIP6 port `dport`, with a valid TCP checksum.
fn tcp6(ext: &[(u8, u8)], dport: u16) -> (Vec<u8>, usize) {
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd];
    let mut e = Vec::new();
    for (i, (_, n)) in ext.iter().enumerate() {
        let mut h = vec![0u8; 8 * (*n as usize + 1)];
        h[0] = ext.get(i + 1).map(|x| x.0).unwrap_or(6);
        h[1] = *n;
        e.extend_from_slice(&h);
    }
    let mut tcp = vec![0x9c, 0x40];
    tcp.extend_from_slice(&dport.to_be_bytes());
    tcp.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 1, 0, 0, 0, 0, 0, b'h', b'i']);
    let first = ext.first().map(|x| x.0).unwrap_or(6);
    f.extend_from_slice(&[0x60, 0, 0, 0]);
    f.extend_from_slice(&((e.len() + tcp.len()) as u16).to_be_bytes());
    f.extend_from_slice(&[first, 64]);
    f.extend_from_slice(&SRC6);
    f.extend_from_slice(&VIP6);
    f.extend_from_slice(&e);
    let l4 = f.len();
    let len = (tcp.len() as u32).to_be_bytes();
    let s = !ones_sum(&[&SRC6, &VIP6, &len, &[0, 0, 0, 6], &tcp]);
    tcp[16..18].copy_from_slice(&s.to_be_bytes());
    f.extend_from_slice(&tcp);
    (f, l4)
}

fn tcp6_valid(f: &[u8], l4: usize) -> bool {
    let len = ((f.len() - l4) as u32).to_be_bytes();
    ones_sum(&[&f[22..38], &f[38..54], &len, &[0, 0, 0, 6], &f[l4..]]) == 0xFFFF
}

#[test]
fn ipv6_with_extension_headers_is_balanced_and_hashed_on_37_bytes() {
    let mut d = device::device();
    let (mut f, l4) = tcp6(&[(0, 0), (60, 1), (43, 0)], 443);
    assert!(tcp6_valid(&f, l4));
    let before = f.clone();
    let v = d.process(&mut f, false);
    assert_eq!(v.reason, Reason::Balanced);
    assert_eq!(v.vip_id, Some(3));
    let mut key = SRC6.to_vec();
    key.extend_from_slice(&VIP6);
    key.extend_from_slice(&[0x9c, 0x40, 0x01, 0xbb, 6]);
    assert_eq!(v.hash, Some(!crc32c_bitwise(!0, &key)));
    // The backends of VIP 3 are fd00::1 (index 2) and fd00::2 (index 3, MAC 02:00:00:00:09:04).
    let want: [u8; 16] = if v.backend == Some(2) {
        [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    } else {
        [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    };
    assert_eq!(&f[38..54], &want);
    assert!(tcp6_valid(&f, l4), "TCP checksum valid after the rewrite");
    for i in 6..f.len() {
        if !(38..54).contains(&i) && !(l4 + 16..l4 + 18).contains(&i) {
            assert_eq!(f[i], before[i], "byte {i}");
        }
    }
}

#[test]
fn the_parse_window_is_128_bytes() {
    let mut d = device::device();
    // L4 at 14 + 40 + 8 * 9 = 126: balanced; at 134: TOO_DEEP.
    let (mut f, l4) = tcp6(&[(60, 8)], 443);
    assert_eq!(l4, 126);
    assert_eq!(d.process(&mut f, false).reason, Reason::Balanced);
    let (mut f, l4) = tcp6(&[(60, 9)], 443);
    assert_eq!(l4, 134);
    assert_eq!(d.process(&mut f, false).reason, Reason::TooDeep);
    // An extension header starting at 134.
    let (mut f, _) = tcp6(&[(60, 9), (0, 0)], 443);
    assert_eq!(d.process(&mut f, false).reason, Reason::TooDeep);
    // Cut inside the chain, or a chain longer than the payload length: MALFORMED.
    let (f, _) = tcp6(&[(60, 3)], 443);
    assert_eq!(d.process(&mut f[..60].to_vec(), false).reason, Reason::Malformed);
    let mut g = f.clone();
    g[18..20].copy_from_slice(&8u16.to_be_bytes());
    assert_eq!(d.process(&mut g, false).reason, Reason::Malformed);
}

/// IPv4 UDP 192.168.1.5:5000 -> 10.0.0.2:`dport` (a port-0 VIP) with IPv4 flags/offset `ff`.
fn udp4(dport: u16, ff: u16, with_l4: bool) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
    let payload: Vec<u8> = if with_l4 {
        let mut u = vec![0x13, 0x88];
        u.extend_from_slice(&dport.to_be_bytes());
        u.extend_from_slice(&[0, 12, 0, 0, 1, 2, 3, 4]);
        u
    } else {
        vec![9; 16]
    };
    let tl = (20 + payload.len()) as u16;
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&tl.to_be_bytes());
    ip.extend_from_slice(&[0, 1]);
    ip.extend_from_slice(&ff.to_be_bytes());
    ip.extend_from_slice(&[64, 17, 0, 0, 192, 168, 1, 5, 10, 0, 0, 2]);
    let s = !ones_sum(&[&ip]);
    ip[10..12].copy_from_slice(&s.to_be_bytes());
    f.extend_from_slice(&ip);
    f.extend_from_slice(&payload);
    f
}

#[test]
fn port_zero_vips_take_fragments_on_the_3_tuple() {
    let mut d = device::device();
    // 3-tuple key: source, destination, both ports 0, protocol.
    let key = [192, 168, 1, 5, 10, 0, 0, 2, 0, 0, 0, 0, 17];
    let want = Some(!crc32c_bitwise(!0, &key));
    let mut backends = Vec::new();
    for (mut f, label) in [
        (udp4(53, 0x0000, true), "unfragmented"),
        (udp4(9999, 0x0000, true), "another port"),
        (udp4(53, 0x2000, true), "first fragment"),
        (udp4(53, 0x0010, false), "last fragment"),
        (udp4(53, 0x2020, false), "middle fragment"),
    ] {
        let v = d.process(&mut f, false);
        assert_eq!((v.reason, v.vip_id, v.hash), (Reason::Balanced, Some(2), want), "{label}");
        assert_eq!(ones_sum(&[&f[14..34]]), 0xFFFF, "{label}: IPv4 header checksum valid");
        backends.push(v.backend);
    }
    assert!(backends.windows(2).all(|w| w[0] == w[1]), "one backend for the flow: {backends:?}");
}

#[test]
fn a_specific_port_vip_wins_and_fragments_only_reach_port_zero() {
    let mut d = device::device();
    // 10.0.0.1: 80/tcp (vip 0) and 0/tcp (vip 1).
    let mut f = udp4(80, 0, true);
    f[23] = 6; // TCP now, and long enough: extend to a TCP header
    let mut t = f[..34].to_vec();
    t[30..34].copy_from_slice(&[10, 0, 0, 1]);
    t[16..18].copy_from_slice(&40u16.to_be_bytes());
    t.extend_from_slice(&[0x13, 0x88, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 1, 0, 0, 0, 0, 0]);
    t[24..26].copy_from_slice(&[0, 0]);
    let s = !ones_sum(&[&t[14..34]]);
    t[24..26].copy_from_slice(&s.to_be_bytes());
    assert_eq!(d.classify(&t, false).vip_id, Some(0), "port 80 goes to the port-80 VIP");
    let mut other = t.clone();
    other[36..38].copy_from_slice(&81u16.to_be_bytes());
    assert_eq!(d.classify(&other, false).vip_id, Some(1), "port 81 goes to the port-0 VIP");
    let mut frag = t.clone();
    frag[20] = 0x20; // MF
    assert_eq!(d.classify(&frag, false).vip_id, Some(1), "a fragment goes to the port-0 VIP");
    // 2001:db8::1 has only 443/tcp: a fragment to it is FRAGMENT.
    let (mut g, _) = tcp6(&[], 443);
    // Insert a Fragment header (MF set) before TCP.
    let mut h = g[..54].to_vec();
    h[20] = 44;
    h.extend_from_slice(&[6, 0, 0, 1, 0, 0, 0, 9]);
    h.extend_from_slice(&g[54..]);
    let pl = (h.len() - 54) as u16;
    h[18..20].copy_from_slice(&pl.to_be_bytes());
    assert_eq!(d.process(&mut h, false).reason, Reason::Fragment);
    assert_eq!(d.process(&mut g, false).reason, Reason::Balanced);
}
