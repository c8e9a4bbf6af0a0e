//! Each rule of the contract's table (docs/architecture.md, *Which frames are balanced*) on
//! hand-built frames: the reason, rule order, and that a frame that passes is left byte for byte.

mod common;

use common::*;
use l4lb_core::layout::Caps;
use l4lb_core::model::{ModelDevice, Verdict};
use l4lb_core::regmap::Reason;
use l4lb_core::regs::RegisterAccess;

/// Processes `frame`, checks the reason and that a passed frame is unchanged; returns the verdict.
fn run(d: &mut ModelDevice, frame: &[u8], bad: bool, reason: Reason) -> Verdict {
    let mut f = frame.to_vec();
    let v = d.process(&mut f, bad);
    assert_eq!(v.reason, reason, "frame {frame:02x?}");
    assert_eq!(f.len(), frame.len());
    if reason != Reason::Balanced {
        assert_eq!(f, frame, "a frame that passes is not changed");
        if reason != Reason::NoBackend {
            assert_eq!(v.backend, None);
        }
    }
    v
}

fn with(frame: &[u8], edits: &[(usize, u8)]) -> Vec<u8> {
    let mut f = frame.to_vec();
    for &(at, v) in edits {
        f[at] = v;
    }
    f
}

/// UDP_IN with an 802.1Q tag (VID 100) inserted after the MACs: 64 bytes, IPv4 at 18.
fn tagged_udp() -> Vec<u8> {
    let mut f = UDP_IN[..12].to_vec();
    f.extend_from_slice(&[0x81, 0x00, 0x00, 0x64]);
    f.extend_from_slice(&UDP_IN[12..]);
    f
}

/// ARP request who-has 10.0.0.1 tell 192.168.1.2, padded to 60 bytes.
#[rustfmt::skip]
const ARP: [u8; 60] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0xbb,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00,
    0x00, 0x00, 0x00, 0xbb, 0xc0, 0xa8, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// ICMP echo request 192.168.1.2 -> 10.0.0.1 (42 bytes, unpadded).
#[rustfmt::skip]
const ICMP: [u8; 42] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x00, 0x00, 0x00, 0x00, 0xbb,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01,
    0xaf, 0x35, 0xc0, 0xa8, 0x01, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x08, 0x00,
    0xf7, 0xfd, 0x00, 0x01, 0x00, 0x01,
];

#[test]
fn base_frames_are_balanced() {
    let mut d = known_device();
    run(&mut d, &UDP_IN, false, Reason::Balanced);
    run(&mut d, &TCP_IN, false, Reason::Balanced);
    run(&mut d, &tagged_udp(), false, Reason::Balanced);
}

#[test]
fn rule1_disabled_comes_first() {
    let mut d = known_device();
    d.write32(CTRL, 0).unwrap();
    for (f, bad) in [(&UDP_IN[..], false), (&UDP_IN[..], true), (&UDP_IN[..3], false), (&ARP[..], false)] {
        let v = run(&mut d, f, bad, Reason::Disabled);
        assert_eq!(v, Verdict { reason: Reason::Disabled, vip_id: None, backend: None, hash: None });
    }
    run(&mut d, &[], false, Reason::Disabled);
}

#[test]
fn rule2_bad_frame_only_when_it_fits_max_len() {
    let mut d = known_device();
    run(&mut d, &UDP_IN, true, Reason::BadFrame);
    run(&mut d, &ARP, true, Reason::BadFrame);
    run(&mut d, &UDP_IN[..5], true, Reason::BadFrame);
    // MAX_LEN 59 < len 60: the flag is not looked at, and the packet (14 + 33 bytes) fits.
    let mut d = known_device_with(Caps { max_len: 59, ..Caps::default() });
    run(&mut d, &UDP_IN, true, Reason::Balanced);
    // MAX_LEN 60 = len: the flag counts.
    let mut d = known_device_with(Caps { max_len: 60, ..Caps::default() });
    run(&mut d, &UDP_IN, true, Reason::BadFrame);
    // MAX_LEN 46 < len: no BAD_FRAME, and L2 + TL = 47 > 46 gives TOO_LONG.
    let mut d = known_device_with(Caps { max_len: 46, ..Caps::default() });
    run(&mut d, &UDP_IN, true, Reason::TooLong);
}

#[test]
fn rule3_not_ipv4() {
    let mut d = known_device();
    for n in 0..14 {
        run(&mut d, &UDP_IN[..n], false, Reason::NotIp);
    }
    run(&mut d, &ARP, false, Reason::NotIp);
    // IPv4 bytes under the IPv6 EtherType: version 4 does not match (v2).
    run(&mut d, &with(&UDP_IN, &[(12, 0x86), (13, 0xdd)]), false, Reason::Malformed);
    run(&mut d, &with(&UDP_IN, &[(12, 0x88), (13, 0xa8)]), false, Reason::NotIp); // 802.1ad
    run(&mut d, &with(&UDP_IN, &[(13, 0x01)]), false, Reason::NotIp);
    // Tagged: 0x8100 needs 18 bytes and 0x0800 at 16.
    let tagged = tagged_udp();
    for n in 14..18 {
        run(&mut d, &tagged[..n], false, Reason::NotIp);
    }
    run(&mut d, &with(&tagged, &[(16, 0x08), (17, 0x06)]), false, Reason::NotIp);
    // Two tags of either TPID are looked through (v2); a third is not.
    for (a, b) in [(0x81, 0x88), (0x88, 0x81), (0x88, 0x88), (0x81, 0x81)] {
        let mut qinq = UDP_IN[..12].to_vec();
        qinq.extend_from_slice(&[a, if a == 0x81 { 0 } else { 0xa8 }, 0x00, 0x64]);
        qinq.extend_from_slice(&[b, if b == 0x81 { 0 } else { 0xa8 }, 0x00, 0x65]);
        qinq.extend_from_slice(&UDP_IN[12..]);
        run(&mut d, &qinq, false, Reason::Balanced);
        for n in 18..22 {
            run(&mut d, &qinq[..n], false, Reason::NotIp);
        }
        let mut three = qinq[..12].to_vec();
        three.extend_from_slice(&[0x81, 0x00, 0x00, 0x63]);
        three.extend_from_slice(&qinq[12..]);
        run(&mut d, &three, false, Reason::NotIp);
    }
    // A tag in front of ARP.
    let mut tagged_arp = ARP[..12].to_vec();
    tagged_arp.extend_from_slice(&[0x81, 0x00, 0x00, 0x64]);
    tagged_arp.extend_from_slice(&ARP[12..]);
    run(&mut d, &tagged_arp, false, Reason::NotIp);
}

#[test]
fn rule4_malformed_short_or_not_version_4() {
    let mut d = known_device();
    for n in 14..34 {
        run(&mut d, &UDP_IN[..n], false, Reason::Malformed);
    }
    let tagged = tagged_udp();
    for n in 18..38 {
        run(&mut d, &tagged[..n], false, Reason::Malformed);
    }
    // Version 6 under EtherType 0x0800 (IHL 5 and 6), version 0 and 15.
    for b in [0x65, 0x66, 0x60, 0x05, 0xf5] {
        run(&mut d, &with(&UDP_IN, &[(14, b)]), false, Reason::Malformed);
    }
    run(&mut d, &with(&tagged, &[(18, 0x65)]), false, Reason::Malformed);
}

#[test]
fn rule5_header_length() {
    let mut d = known_device();
    for ihl in 0..5u8 {
        run(&mut d, &with(&UDP_IN, &[(14, 0x40 | ihl)]), false, Reason::Malformed);
    }
    // v2: options are skipped. With total length 33, IHL 6 leaves 9 bytes (a UDP header, read
    // at offset 38 from the payload: port 0x35b5 is no VIP); IHL 7 and more leave too few.
    run(&mut d, &with(&UDP_IN, &[(14, 0x46)]), false, Reason::NoVip);
    for ihl in 7..16u8 {
        run(&mut d, &with(&UDP_IN, &[(14, 0x40 | ihl)]), false, Reason::Malformed);
    }
    // Protocol comes before lengths.
    let f = with(&ICMP, &[(14, 0x46), (20, 0x20), (17, 0x08)]);
    run(&mut d, &f, false, Reason::NotTcpUdp);
}

#[test]
fn rule6_fragments() {
    let mut d = known_device();
    // Flags and offset are bytes 20-21 (IPv4 bytes 6-7).
    run(&mut d, &with(&UDP_IN, &[(20, 0x20), (21, 0x00)]), false, Reason::Fragment); // MF
    run(&mut d, &with(&UDP_IN, &[(20, 0x60), (21, 0x00)]), false, Reason::Fragment); // DF + MF
    run(&mut d, &with(&UDP_IN, &[(20, 0x00), (21, 0x01)]), false, Reason::Fragment); // offset 8
    run(&mut d, &with(&UDP_IN, &[(20, 0x1f), (21, 0xff)]), false, Reason::Fragment); // last offset
    run(&mut d, &with(&UDP_IN, &[(20, 0x10), (21, 0x00)]), false, Reason::Fragment);
    // DF alone, no flags, and the reserved bit are not fragments.
    run(&mut d, &with(&UDP_IN, &[(20, 0x40), (21, 0x00)]), false, Reason::Balanced);
    run(&mut d, &with(&UDP_IN, &[(20, 0x00), (21, 0x00)]), false, Reason::Balanced);
    run(&mut d, &with(&UDP_IN, &[(20, 0x80), (21, 0x00)]), false, Reason::Balanced);
    // v2: the protocol comes first; a fragment of another protocol is NOT_TCP_UDP.
    run(&mut d, &with(&ICMP, &[(20, 0x20)]), false, Reason::NotTcpUdp);
}

#[test]
fn rule7_not_tcp_udp() {
    let mut d = known_device();
    run(&mut d, &ICMP, false, Reason::NotTcpUdp);
    for proto in [0u8, 1, 2, 4, 41, 47, 50, 132, 255] {
        run(&mut d, &with(&UDP_IN, &[(23, proto)]), false, Reason::NotTcpUdp);
    }
    // Protocol before lengths: ICMP with total length 0 and a truncated frame.
    run(&mut d, &with(&ICMP, &[(16, 0), (17, 0)]), false, Reason::NotTcpUdp);
    run(&mut d, &with(&ICMP, &[(16, 0x10), (17, 0)]), false, Reason::NotTcpUdp);
}

#[test]
fn rule8_total_length_covers_the_l4_header() {
    let mut d = known_device();
    // UDP needs TL >= 28.
    for tl in [0u8, 1, 20, 27] {
        run(&mut d, &with(&UDP_IN, &[(16, 0), (17, tl)]), false, Reason::Malformed);
    }
    run(&mut d, &with(&UDP_IN, &[(16, 0), (17, 28)]), false, Reason::Balanced);
    // TCP needs TL >= 40.
    for tl in [0u8, 28, 39] {
        run(&mut d, &with(&TCP_IN, &[(16, 0), (17, tl)]), false, Reason::Malformed);
    }
    run(&mut d, &with(&TCP_IN, &[(16, 0), (17, 40)]), false, Reason::Balanced);
    // UDP's 28 is not enough for TCP; TCP's 40 is plenty for UDP.
    run(&mut d, &with(&UDP_IN, &[(23, 6)]), false, Reason::Malformed);
}

#[test]
fn rule9_too_long() {
    // The UDP frame is L2 + TL = 47 bytes of packet in 60 bytes of frame.
    let mut d = known_device_with(Caps { max_len: 47, ..Caps::default() });
    run(&mut d, &UDP_IN, false, Reason::Balanced);
    let mut d = known_device_with(Caps { max_len: 46, ..Caps::default() });
    run(&mut d, &UDP_IN, false, Reason::TooLong);
    // Tagged: L2 + TL = 51.
    let mut d = known_device_with(Caps { max_len: 50, ..Caps::default() });
    run(&mut d, &tagged_udp(), false, Reason::TooLong);

    // Default MAX_LEN 9216: a jumbo frame of 9300 bytes.
    let mut d = known_device();
    let mut jumbo = UDP_IN.to_vec();
    jumbo.resize(9300, 0x5A);
    let tl = |n: u16| with(&jumbo, &[(16, (n >> 8) as u8), (17, n as u8)]);
    run(&mut d, &tl(9202), false, Reason::Balanced); // 14 + 9202 = 9216
    run(&mut d, &tl(9203), false, Reason::TooLong);
    run(&mut d, &tl(65535), false, Reason::TooLong);
    // TOO_LONG comes before the truncation check: a 60-byte frame claiming 9250 bytes.
    run(&mut d, &with(&UDP_IN, &[(16, 0x24), (17, 0x22)]), false, Reason::TooLong);
}

#[test]
fn rule10_truncated_packet_is_malformed() {
    let mut d = known_device();
    // UDP_IN holds its 47 bytes of packet; cut it shorter.
    run(&mut d, &UDP_IN[..47], false, Reason::Balanced);
    for n in 34..47 {
        run(&mut d, &UDP_IN[..n], false, Reason::Malformed);
    }
    // Total length past the end of a padded frame.
    run(&mut d, &with(&UDP_IN, &[(17, 47)]), false, Reason::Malformed); // 14 + 47 = 61 > 60
    run(&mut d, &with(&UDP_IN, &[(17, 46)]), false, Reason::Balanced); // 14 + 46 = 60
                                                                       // TCP: 54 bytes of packet.
    run(&mut d, &TCP_IN[..54], false, Reason::Balanced);
    run(&mut d, &TCP_IN[..53], false, Reason::Malformed);
}

#[test]
fn rule11_no_vip() {
    let mut d = known_device();
    let v = run(&mut d, &with(&UDP_IN, &[(37, 0x62)]), false, Reason::NoVip); // port 7778
    let f = with(&UDP_IN, &[(37, 0x62)]);
    assert_eq!(v, Verdict { reason: Reason::NoVip, vip_id: None, backend: None, hash: Some(flow_hash_of(0, &f, 14)) });
    run(&mut d, &with(&UDP_IN, &[(33, 3)]), false, Reason::NoVip); // 10.0.0.3
    run(&mut d, &with(&UDP_IN, &[(30, 11)]), false, Reason::NoVip); // 11.0.0.1
                                                                    // The TCP VIP's address and port over UDP.
    run(&mut d, &with(&UDP_IN, &[(33, 2), (36, 0), (37, 80)]), false, Reason::NoVip);
    // The UDP VIP's address and port over TCP.
    run(&mut d, &with(&TCP_IN, &[(33, 1), (36, 0x1e), (37, 0x61)]), false, Reason::NoVip);
}

#[test]
fn rule11_slot_bits_and_placement() {
    let slot_w0 = 0x01_0000 + 32 * (83 * 4 + 1);
    // Valid bit cleared.
    let mut d = known_device();
    d.write32(slot_w0, 0x1e61_1100).unwrap();
    run(&mut d, &UDP_IN, false, Reason::NoVip);
    // IPv6 bit set: not an IPv4 key.
    d.write32(slot_w0, 0x1e61_1103).unwrap();
    run(&mut d, &UDP_IN, false, Reason::NoVip);
    // Restored.
    d.write32(slot_w0, 0x1e61_1101).unwrap();
    run(&mut d, &UDP_IN, false, Reason::Balanced);

    // The key in a bucket its hash does not name is not found (bank 0 bucket 84; bank 1 bucket 26).
    let mut d = enabled(Caps::default());
    write_slot(&mut d, 84 * 4, [10, 0, 0, 1], 7777, 17, 3);
    write_slot(&mut d, 512 + 26 * 4, [10, 0, 0, 1], 7777, 17, 3);
    write_info(&mut d, 3, 0, 1);
    write_backend(&mut d, 0, [10, 9, 9, 9], None);
    run(&mut d, &UDP_IN, false, Reason::NoVip);
    // Each of the 8 slots it may sit in: bank 0 bucket 83 and bank 1 bucket 25 (hash 0x10192853).
    for slot in (83 * 4..83 * 4 + 4).chain(512 + 25 * 4..512 + 25 * 4 + 4) {
        let mut d = enabled(Caps::default());
        write_slot(&mut d, slot, [10, 0, 0, 1], 7777, 17, 3);
        write_info(&mut d, 3, 0, 1);
        write_backend(&mut d, 0, [10, 9, 9, 9], None);
        let v = run(&mut d, &UDP_IN, false, Reason::Balanced);
        assert_eq!(v.vip_id, Some(3), "slot {slot}");
    }
}

#[test]
fn rule11_first_matching_slot_wins() {
    let mut d = enabled(Caps::default());
    // Same key four times: bank 1 way 0, bank 0 way 3, bank 0 way 2, bank 1 way 3.
    write_slot(&mut d, 512 + 25 * 4, [10, 0, 0, 1], 7777, 17, 10);
    write_slot(&mut d, 83 * 4 + 3, [10, 0, 0, 1], 7777, 17, 11);
    write_slot(&mut d, 83 * 4 + 2, [10, 0, 0, 1], 7777, 17, 12);
    write_slot(&mut d, 512 + 25 * 4 + 3, [10, 0, 0, 1], 7777, 17, 13);
    assert_eq!(d.classify(&UDP_IN, false).vip_id, Some(12));
    write_slot(&mut d, 83 * 4 + 2, [10, 0, 0, 9], 7777, 17, 12);
    assert_eq!(d.classify(&UDP_IN, false).vip_id, Some(11));
    write_slot(&mut d, 83 * 4 + 3, [10, 0, 0, 9], 7777, 17, 11);
    assert_eq!(d.classify(&UDP_IN, false).vip_id, Some(10));
}

#[test]
fn rule12_no_backend() {
    // Empty ring slice.
    let mut d = known_device();
    write_info(&mut d, 3, 100, 0);
    let v = run(&mut d, &UDP_IN, false, Reason::NoBackend);
    assert_eq!(v, Verdict { reason: Reason::NoBackend, vip_id: Some(3), backend: None, hash: Some(0xe46e_baa6) });
    // The chosen backend (8, from ring index 103) is not valid.
    let mut d = known_device();
    d.write32(0x10_0000 + 32 * 8, 0).unwrap();
    let v = run(&mut d, &UDP_IN, false, Reason::NoBackend);
    assert_eq!(v, Verdict { reason: Reason::NoBackend, vip_id: Some(3), backend: Some(8), hash: Some(0xe46e_baa6) });
    // Only the valid bit counts: MAC-valid alone is not valid.
    d.write32(0x10_0000 + 32 * 8, 4).unwrap();
    run(&mut d, &UDP_IN, false, Reason::NoBackend);
}

#[test]
fn backend_index_is_ring_entry_mod_backend_count() {
    let mut d = known_device();
    write_ring(&mut d, 103, 4096 + 8);
    let v = run(&mut d, &UDP_IN, false, Reason::Balanced);
    assert_eq!(v.backend, Some(8));
    // Ring entries hold 16 bits: 0x1_0008 reads as 8.
    write_ring(&mut d, 103, 0x1_0007);
    assert_eq!(d.read32(0x40_0000 + 4 * 103).unwrap(), 7);
    assert_eq!(d.classify(&UDP_IN, false).backend, Some(7));
}

#[test]
fn ring_index_wraps_mod_ring_entries() {
    // Slice base 65534, size 4: hash 0xe46ebaa6 picks offset 3, index (65534 + 3) mod 65536 = 1.
    let mut d = known_device_with(Caps { ring_entries: 65536, ..Caps::default() });
    write_info(&mut d, 3, 65534, 4);
    write_ring(&mut d, 1, 6);
    assert_eq!(run(&mut d, &UDP_IN, false, Reason::Balanced).backend, Some(6));
}
