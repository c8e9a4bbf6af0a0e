//! The table digest: computed by hand from its documented format, equal for devices that decide
//! the same whatever their table layout, different when a decision differs.

use l4lb_core::config::Config;
use l4lb_core::layout::Caps;
use l4lb_core::maglev::{self, Member};
use l4lb_core::model::ModelDevice;
use l4lb_core::regmap;
use l4lb_core::regs::RegisterAccess;
use l4lb_driver::digest::table_digest;
use l4lb_driver::Device;
use sha2::{Digest, Sha256};

const CONFIG: &str = r#"
hash_seed = 0x01020304
[[vip]]
address = "10.0.0.9"
port = 53
protocol = "udp"
ring_size = 251
  [[vip.backend]]
  address = "10.9.0.1"
  weight = 2
[[vip]]
address = "10.0.0.1"
port = 80
protocol = "tcp"
ring_size = 251
  [[vip.backend]]
  address = "10.1.0.1"
  mac = "02:00:00:00:01:01"
  [[vip.backend]]
  address = "10.1.0.2"
"#;

fn programmed(toml: &str) -> Device<ModelDevice> {
    let mut dev = Device::open(ModelDevice::new(Caps::default())).unwrap();
    dev.apply(&Config::from_toml_str(toml).unwrap()).unwrap();
    dev
}

fn digest_of(dev: &mut Device<ModelDevice>) -> String {
    let st = dev.read_state().unwrap();
    table_digest(dev, &st).unwrap().digest
}

#[test]
fn the_digest_is_sha256_of_the_documented_string() {
    // Written out from docs/host-driver.md, *Table digest*, for CONFIG.
    let mut s: Vec<u8> = b"l4lb tables v1".to_vec();
    s.push(1); // enabled
    s.extend([0x01, 0x02, 0x03, 0x04]); // hash seed
    s.extend([0, 0, 0, 2]); // two VIPs
                            // 10.0.0.1:80/tcp sorts first (by address); its ring of 251 positions, each the backend the
                            // Maglev table (docs/architecture.md, *Maglev*) puts there.
    s.extend([10, 0, 0, 1, 0, 80, 6, 0, 0, 0, 251]);
    let with_mac = [3, 10, 1, 0, 1, 0x02, 0, 0, 0, 0x01, 0x01]; // valid, MAC
    let no_mac = [1, 10, 1, 0, 2, 0, 0, 0, 0, 0, 0]; // valid, no MAC
    let members = [Member { identity: &[10, 1, 0, 1], weight: 1 }, Member { identity: &[10, 1, 0, 2], weight: 1 }];
    for owner in maglev::build(&members, 251) {
        s.extend(if owner == 0 { with_mac } else { no_mac });
    }
    // 10.0.0.9:53/udp: one backend, so every position holds it.
    s.extend([10, 0, 0, 9, 0, 53, 17, 0, 0, 0, 251]);
    for _ in 0..251 {
        s.extend([1, 10, 9, 0, 1, 0, 0, 0, 0, 0, 0]);
    }
    let want: String = Sha256::digest(&s).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest_of(&mut programmed(CONFIG)), format!("sha256:{want}"));
}

#[test]
fn an_empty_device_has_the_digest_of_its_header() {
    let mut dev = Device::open(ModelDevice::new(Caps::default())).unwrap();
    let mut s: Vec<u8> = b"l4lb tables v1".to_vec();
    s.extend([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let want: String = Sha256::digest(&s).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest_of(&mut dev), format!("sha256:{want}"));
}

/// A minimal Ethernet/IPv4/UDP or TCP frame to `dst:dport` from `src:sport`.
fn frame(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, proto: u8) -> Vec<u8> {
    let l4 = if proto == 6 { 20 } else { 8 };
    let mut f = vec![0u8; 14 + 20 + l4];
    f[0..6].copy_from_slice(&[2, 0, 0, 0, 0, 0xAA]);
    f[6..12].copy_from_slice(&[2, 0, 0, 0, 0, 0xBB]);
    f[12..14].copy_from_slice(&[0x08, 0x00]);
    f[14] = 0x45;
    f[16..18].copy_from_slice(&((20 + l4) as u16).to_be_bytes());
    f[22] = 64;
    f[23] = proto;
    f[26..30].copy_from_slice(&src);
    f[30..34].copy_from_slice(&dst);
    f[34..36].copy_from_slice(&sport.to_be_bytes());
    f[36..38].copy_from_slice(&dport.to_be_bytes());
    if proto == 6 {
        f[46] = 0x50;
    }
    f
}

/// Where each of a few thousand flows to the VIPs of CONFIG goes: (destination MAC, IP) after
/// the rewrite.
fn decisions(dev: &mut Device<ModelDevice>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for i in 0..2000u32 {
        let src = [192, 168, (i >> 8) as u8, i as u8];
        for (dst, port, proto) in [([10, 0, 0, 1], 80, 6), ([10, 0, 0, 9], 53, 17)] {
            let mut f = frame(src, 1024 + (i % 50) as u16, dst, port, proto);
            dev.regs().process(&mut f, false);
            out.push([&f[0..6], &f[30..34]].concat());
        }
    }
    out
}

#[test]
fn another_layout_with_the_same_decisions_has_the_same_digest() {
    let mut a = programmed(CONFIG);
    let mut b = programmed(CONFIG);
    // Move b's tables around by hand, in the active bank: backends 0..3 to 100..103, the ring
    // slices to base 1000, the VIPs to other ids; every frame still goes to the same backend.
    let bank = b.read_state().unwrap().bank;
    let (backends, ring) = (regmap::backends(bank), regmap::ring(bank));
    let info = |id: u32, w: u32| regmap::VIP_INFO.word(id, 2 * bank + w);
    let r = b.regs();
    for old in 0..3u32 {
        for w in 0..8 {
            let v = r.read32(backends.word(old, w)).unwrap();
            r.write32(backends.word(old + 100, w), v).unwrap();
        }
    }
    for i in 0..502u32 {
        let v = r.read32(ring.word(i, 0)).unwrap();
        r.write32(ring.word(1000 + i, 0), v + 100).unwrap();
        r.write32(ring.word(i, 0), 0).unwrap();
    }
    for (id, new_id) in [(0u32, 7u32), (1, 9)] {
        let base = r.read32(info(id, 0)).unwrap();
        let size = r.read32(info(id, 1)).unwrap();
        r.write32(info(new_id, 0), base + 1000).unwrap();
        r.write32(info(new_id, 1), size).unwrap();
        r.write32(info(id, 1), 0).unwrap();
    }
    for slot in 0..Caps::default().vip_slots() {
        let at = regmap::VIP_MATCH.word(slot, regmap::VIP_MATCH_W_ID);
        if r.read32(regmap::VIP_MATCH.word(slot, 0)).unwrap() & regmap::VIP_MATCH_VALID != 0 {
            let id = r.read32(at).unwrap();
            r.write32(at, if id == 0 { 7 } else { 9 }).unwrap();
        }
    }
    for old in 0..3u32 {
        r.write32(backends.word(old, 0), 0).unwrap();
    }
    // The independent fact: the reference model balances every flow alike.
    assert_eq!(decisions(&mut a), decisions(&mut b));
    assert_eq!(digest_of(&mut a), digest_of(&mut b));
    // And the layout did change.
    assert_ne!(a.read_state().unwrap().vips[0].ring_base, b.read_state().unwrap().vips[0].ring_base);
}

#[test]
fn any_change_in_a_decision_changes_the_digest() {
    let base = digest_of(&mut programmed(CONFIG));
    for (what, toml) in [
        ("seed", CONFIG.replace("0x01020304", "0x01020305")),
        ("backend address", CONFIG.replace("10.1.0.2", "10.1.0.3")),
        ("MAC", CONFIG.replace("02:00:00:00:01:01", "02:00:00:00:01:02")),
        // (the weight of a VIP's only backend decides nothing: change one of two)
        ("weight", CONFIG.replace("address = \"10.1.0.2\"", "address = \"10.1.0.2\"\n  weight = 3")),
        ("port", CONFIG.replace("port = 53", "port = 54")),
        ("protocol", CONFIG.replace("\"udp\"", "\"tcp\"")),
    ] {
        assert_ne!(digest_of(&mut programmed(&toml)), base, "{what}");
    }
    // The ring order matters: swap the two backends of 10.0.0.1:80 by hand.
    let mut dev = programmed(CONFIG);
    let st = dev.read_state().unwrap();
    let v = st.vips.iter().find(|v| v.port == 80).unwrap();
    let ring = regmap::ring(st.bank);
    let r = dev.regs();
    // Two neighbouring positions that hold different backends.
    let i = (0..v.ring_size - 1)
        .find(|&i| {
            r.read32(ring.word(v.ring_base + i, 0)).unwrap() != r.read32(ring.word(v.ring_base + i + 1, 0)).unwrap()
        })
        .unwrap();
    let (r0, r1) = (ring.word(v.ring_base + i, 0), ring.word(v.ring_base + i + 1, 0));
    let (a, b) = (r.read32(r0).unwrap(), r.read32(r1).unwrap());
    r.write32(r0, b).unwrap();
    r.write32(r1, a).unwrap();
    assert_ne!(digest_of(&mut dev), base, "ring order");
    // Disabled.
    let mut dev = programmed(CONFIG);
    dev.set_enabled(false).unwrap();
    assert_ne!(digest_of(&mut dev), base, "disabled");
}

#[test]
fn ipv6_vips_follow_the_ipv4_ones_after_a_marker() {
    // Written out from docs/host-driver.md, *Table digest*: CONFIG plus an IPv6 VIP.
    let cfg = format!(
        "{CONFIG}[[vip]]\naddress = \"2001:db8::1\"\nport = 0\nprotocol = \"tcp\"\nring_size = 251\n  [[vip.backend]]\n  address = \"fd00::1\"\n  mac = \"02:00:00:00:06:01\"\n"
    );
    let mut s: Vec<u8> = b"l4lb tables v1".to_vec();
    s.push(1);
    s.extend([0x01, 0x02, 0x03, 0x04]);
    s.extend([0, 0, 0, 2]); // two IPv4 VIPs, as in the_digest_is_sha256_of_the_documented_string
    s.extend([10, 0, 0, 1, 0, 80, 6, 0, 0, 0, 251]);
    let members = [Member { identity: &[10, 1, 0, 1], weight: 1 }, Member { identity: &[10, 1, 0, 2], weight: 1 }];
    for owner in maglev::build(&members, 251) {
        s.extend(if owner == 0 {
            [3, 10, 1, 0, 1, 0x02, 0, 0, 0, 0x01, 0x01]
        } else {
            [1, 10, 1, 0, 2, 0, 0, 0, 0, 0, 0]
        });
    }
    s.extend([10, 0, 0, 9, 0, 53, 17, 0, 0, 0, 251]);
    for _ in 0..251 {
        s.extend([1, 10, 9, 0, 1, 0, 0, 0, 0, 0, 0]);
    }
    s.extend(b"ipv6");
    s.extend([0, 0, 0, 1]);
    s.extend([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 6, 0, 0, 0, 251]);
    for _ in 0..251 {
        s.extend([7, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0x06, 0x01]);
        // valid, MAC, IPv6
    }
    let want: String = Sha256::digest(&s).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest_of(&mut programmed(&cfg)), format!("sha256:{want}"));
    // Another IPv6 backend address is another digest.
    let other = cfg.replace("fd00::1", "fd00::2");
    assert_ne!(digest_of(&mut programmed(&other)), format!("sha256:{want}"));
}
