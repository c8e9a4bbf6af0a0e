//! `l4lb explain`: which backend a flow reaches under a config, as the reference model decides
//! it after the driver has programmed it (the same Maglev tables the device would hold).

use crate::device::Device;
use crate::error::DriverError;
use l4lb_core::config::Config;
use l4lb_core::layout::{self, Caps, FlowKey, Protocol};
use l4lb_core::model::ModelDevice;
use l4lb_core::regmap::{self, Reason};
use l4lb_core::regs::RegisterAccess;
use serde::Serialize;
use std::net::IpAddr;

/// What the model decided for one flow.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub flow: String,
    /// Flow hash (CRC-32C of the 13-byte key, seeded with `hash_seed`).
    pub hash: u32,
    /// `BALANCED`, `NO_VIP` or `NO_BACKEND`.
    pub reason: String,
    /// The VIP the flow matched, `address:port/protocol`.
    pub vip: Option<String>,
    pub ring_size: Option<u32>,
    /// Entry of the VIP's Maglev table: `(hash × ring_size) >> 32`.
    pub ring_entry: Option<u32>,
    /// The backend's address, its position in the VIP's `[[vip.backend]]` list, its weight.
    pub backend: Option<IpAddr>,
    pub backend_position: Option<usize>,
    pub backend_weight: Option<u32>,
}

impl Explanation {
    /// One paragraph for people.
    pub fn text(&self) -> String {
        let mut s = format!("flow {}: hash {:#010x}\n", self.flow, self.hash);
        match (&self.vip, self.backend) {
            (Some(v), Some(b)) => {
                s += &format!(
                    "  VIP {v}: ring entry {} of {} -> backend {b} (backend[{}], weight {})\n",
                    self.ring_entry.unwrap_or(0),
                    self.ring_size.unwrap_or(0),
                    self.backend_position.unwrap_or(0),
                    self.backend_weight.unwrap_or(0)
                );
            }
            (Some(v), None) => s += &format!("  VIP {v}: no backend (reason {})\n", self.reason),
            _ => s += &format!("  no VIP matches (reason {})\n", self.reason),
        }
        s
    }
}

/// Parses `SRC:SPORT-DST:DPORT/PROTO`.
pub fn parse_flow(s: &str) -> Result<(FlowKey, Protocol), DriverError> {
    let bad = || {
        DriverError::Invalid(format!(
            "{s:?} is not a flow (expected SRC:SPORT-DST:DPORT/PROTO, e.g. 192.0.2.1:5000-10.0.0.1:80/tcp)"
        ))
    };
    let (ends, proto) = s.rsplit_once('/').ok_or_else(bad)?;
    let protocol: Protocol = proto.parse().map_err(|_| bad())?;
    let (src, dst) = ends.split_once('-').ok_or_else(bad)?;
    // IPv6 addresses go in brackets: [2001:db8::1]:5000.
    let end = |e: &str| -> Result<(IpAddr, u16), DriverError> {
        let (a, p) = e.rsplit_once(':').ok_or_else(bad)?;
        let a = a.strip_prefix('[').and_then(|a| a.strip_suffix(']')).unwrap_or(a);
        Ok((a.parse().map_err(|_| bad())?, p.parse().map_err(|_| bad())?))
    };
    let (src, src_port) = end(src)?;
    let (dst, dst_port) = end(dst)?;
    if src.is_ipv4() != dst.is_ipv4() {
        return Err(DriverError::Invalid(format!("{s:?}: source and destination are of different IP versions")));
    }
    Ok((FlowKey { src, dst, src_port, dst_port, protocol: protocol.number() }, protocol))
}

/// A minimal Ethernet/IPv4-or-IPv6/TCP-or-UDP frame of the flow (checksums are irrelevant to the
/// choice).
fn frame(k: &FlowKey, protocol: Protocol) -> Vec<u8> {
    let l4 = match protocol {
        Protocol::Tcp => 20,
        Protocol::Udp => 8,
    };
    let (ip_len, l4_at) = if k.src.is_ipv4() { (20, 20) } else { (40, 40) };
    let mut f = vec![0u8; 14 + ip_len + l4];
    let ip = &mut f[14..];
    match (k.src, k.dst) {
        (IpAddr::V4(src), IpAddr::V4(dst)) => {
            ip[0] = 0x45;
            ip[2..4].copy_from_slice(&((20 + l4) as u16).to_be_bytes());
            ip[8] = 64;
            ip[9] = k.protocol;
            ip[12..16].copy_from_slice(&src.octets());
            ip[16..20].copy_from_slice(&dst.octets());
        }
        (src, dst) => {
            ip[0] = 0x60;
            ip[4..6].copy_from_slice(&(l4 as u16).to_be_bytes());
            ip[6] = k.protocol;
            ip[7] = 64;
            ip[8..24].copy_from_slice(&layout::addr_bytes(&src));
            ip[24..40].copy_from_slice(&layout::addr_bytes(&dst));
        }
    }
    ip[l4_at..l4_at + 2].copy_from_slice(&k.src_port.to_be_bytes());
    ip[l4_at + 2..l4_at + 4].copy_from_slice(&k.dst_port.to_be_bytes());
    if protocol == Protocol::Tcp {
        ip[l4_at + 12] = 0x50;
    }
    let ethertype: u16 = if k.src.is_ipv4() { 0x0800 } else { 0x86dd };
    f[12..14].copy_from_slice(&ethertype.to_be_bytes());
    f
}

/// Programs a model device (default capabilities) with `cfg` through the driver and asks it
/// where `flow` goes.
pub fn explain(cfg: &Config, flow: &str) -> Result<Explanation, DriverError> {
    let (key, protocol) = parse_flow(flow)?;
    let mut model = ModelDevice::new(Caps::default());
    let report = Device::open(&mut model as &mut dyn RegisterAccess)?.apply(cfg)?;
    let v = model.classify(&frame(&key, protocol), false);
    let hash = v.hash.unwrap_or_else(|| l4lb_core::hash::flow_hash(cfg.hash_seed, &key));
    // The specific-port VIP wins over a port-0 VIP of the same address and protocol.
    let vip_cfg = cfg
        .vips
        .iter()
        .find(|c| c.address == key.dst && c.port == key.dst_port && c.protocol == protocol)
        .or_else(|| cfg.vips.iter().find(|c| c.address == key.dst && c.port == 0 && c.protocol == protocol));
    let applied = v.vip_id.and_then(|id| report.vips.iter().find(|a| a.vip_id == id));
    let ring_size = applied.map(|a| a.ring_size);
    let backend = match (v.reason, v.backend) {
        (Reason::Balanced, Some(b)) => {
            let bank = model.read32(regmap::REG_BANK)? & 1;
            let region = regmap::backends(bank);
            let ipv6 = model.read32(region.word(b, regmap::BACKEND_W_FLAGS))? & regmap::BACKEND_IPV6 != 0;
            let mut words = [0u32; 4];
            for (i, w) in words.iter_mut().enumerate() {
                *w = model.read32(region.word(b, regmap::BACKEND_W_ADDR + i as u32))?;
            }
            Some(layout::addr_from_words(words, ipv6))
        }
        _ => None,
    };
    let position = backend.and_then(|b| vip_cfg?.backends.iter().position(|x| x.address == b && x.weight > 0));
    Ok(Explanation {
        flow: flow.to_string(),
        hash,
        reason: v.reason.name().to_string(),
        vip: vip_cfg.filter(|_| v.vip_id.is_some()).map(|c| c.key().to_string()),
        ring_size,
        ring_entry: ring_size.filter(|&m| m > 0).map(|m| ((hash as u64 * m as u64) >> 32) as u32),
        backend,
        backend_position: position,
        backend_weight: position.and_then(|p| vip_cfg.map(|c| c.backends[p].weight)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_parse_and_bad_ones_are_named() {
        let (k, p) = parse_flow("192.0.2.1:5000-10.0.0.1:80/tcp").unwrap();
        assert_eq!(
            (k.src, k.src_port, k.dst, k.dst_port, k.protocol, p),
            (IpAddr::from([192, 0, 2, 1]), 5000, IpAddr::from([10, 0, 0, 1]), 80, 6, Protocol::Tcp)
        );
        let (k, _) = parse_flow("[2001:db8::1]:5000-[2001:db8::80]:443/udp").unwrap();
        assert_eq!((k.src, k.dst), ("2001:db8::1".parse().unwrap(), "2001:db8::80".parse().unwrap()));
        assert!(parse_flow("192.0.2.1:5000-[2001:db8::80]:443/udp")
            .unwrap_err()
            .to_string()
            .contains("different IP versions"));
        for bad in [
            "",
            "1.2.3.4:1-5.6.7.8:2",
            "1.2.3.4:1-5.6.7.8:2/icmp",
            "1.2.3.4-5.6.7.8:2/tcp",
            "1.2.3.4:99999-5.6.7.8:2/udp",
        ] {
            let e = parse_flow(bad).unwrap_err().to_string();
            assert!(e.contains("not a flow"), "{e}");
        }
    }
}
