//! A model device with VIPs of both families and port-0 VIPs, programmed through its registers
//! with the table layout's encoders: shared by the property test and the fuzz target.

use l4lb_core::layout::{vip_buckets, vip_slot, BackendEntry, Caps, Protocol, VipInfo, VipKey, VipSlot};
use l4lb_core::model::ModelDevice;
use l4lb_core::regmap;
use l4lb_core::regs::RegisterAccess;

/// The VIPs: (address, port, protocol); vip_id is the index.
pub const VIPS: [(&str, u16, Protocol); 5] = [
    ("10.0.0.1", 80, Protocol::Tcp),
    ("10.0.0.1", 0, Protocol::Tcp),
    ("10.0.0.2", 0, Protocol::Udp),
    ("2001:db8::1", 443, Protocol::Tcp),
    ("2001:db8::2", 0, Protocol::Udp),
];

/// The device: enabled, the VIPs in distinct (bank, way) slots, two ring entries each.
pub fn device() -> ModelDevice {
    let caps = Caps::default();
    let mut d = ModelDevice::new(caps);
    d.write32(regmap::REG_CTRL, 1).unwrap();
    let backends: [(&str, Option<[u8; 6]>); 4] = [
        ("10.9.0.1", Some([2, 0, 0, 0, 9, 1])),
        ("10.9.0.2", None),
        ("fd00::1", None),
        ("fd00::2", Some([2, 0, 0, 0, 9, 4])),
    ];
    for (i, (a, mac)) in backends.iter().enumerate() {
        let e = BackendEntry { addr: a.parse().unwrap(), mac: *mac };
        for (w, v) in e.encode().iter().enumerate() {
            d.write32(regmap::BACKENDS.word(i as u32, w as u32), *v).unwrap();
        }
    }
    for (i, (a, port, protocol)) in VIPS.iter().enumerate() {
        let key = VipKey { addr: a.parse().unwrap(), port: *port, protocol: *protocol };
        let (bank, way) = (i as u32 / 4, i as u32 % 4);
        let bucket = vip_buckets(&key, caps.vip_buckets)[bank as usize];
        let slot = vip_slot(bank, bucket, way, caps.vip_buckets);
        for (w, v) in (VipSlot { key, vip_id: i as u16 }).encode().iter().enumerate() {
            d.write32(regmap::VIP_MATCH.word(slot, w as u32), *v).unwrap();
        }
        let info = VipInfo { ring_base: 2 * i as u32, ring_size: 2 };
        for (w, v) in info.encode().iter().enumerate() {
            d.write32(regmap::VIP_INFO.word(i as u32, w as u32), *v).unwrap();
        }
        let family = if key.addr.is_ipv6() { 2 } else { 0 };
        for r in 0..2 {
            d.write32(regmap::RING.word(2 * i as u32 + r, 0), family + r).unwrap();
        }
    }
    d
}
