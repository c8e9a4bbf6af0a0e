//! `l4lb explain`: which backend a flow reaches under a config, as the reference model decides
//! it after the driver has programmed it (the same Maglev tables the device would hold).

use crate::device::Device;
use crate::error::DriverError;
use l4lb_core::config::Config;
use l4lb_core::layout::{Caps, FlowKey, Protocol};
use l4lb_core::model::ModelDevice;
use l4lb_core::regmap::{self, Reason};
use l4lb_core::regs::RegisterAccess;
use serde::Serialize;
use std::net::Ipv4Addr;

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
    pub backend: Option<Ipv4Addr>,
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
    let end = |e: &str| -> Result<(Ipv4Addr, u16), DriverError> {
        let (a, p) = e.rsplit_once(':').ok_or_else(bad)?;
        Ok((a.parse().map_err(|_| bad())?, p.parse().map_err(|_| bad())?))
    };
    let (src, src_port) = end(src)?;
    let (dst, dst_port) = end(dst)?;
    Ok((FlowKey { src, dst, src_port, dst_port, protocol: protocol.number() }, protocol))
}

/// A minimal Ethernet/IPv4/TCP-or-UDP frame of the flow (checksums are irrelevant to the choice).
fn frame(k: &FlowKey, protocol: Protocol) -> Vec<u8> {
    let l4 = match protocol {
        Protocol::Tcp => 20,
        Protocol::Udp => 8,
    };
    let mut f = vec![0u8; 14 + 20 + l4];
    f[12] = 0x08; // IPv4
    let ip = &mut f[14..];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&((20 + l4) as u16).to_be_bytes());
    ip[8] = 64;
    ip[9] = k.protocol;
    ip[12..16].copy_from_slice(&k.src.octets());
    ip[16..20].copy_from_slice(&k.dst.octets());
    ip[20..22].copy_from_slice(&k.src_port.to_be_bytes());
    ip[22..24].copy_from_slice(&k.dst_port.to_be_bytes());
    if protocol == Protocol::Tcp {
        ip[32] = 0x50;
    }
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
    let vip_cfg = cfg.vips.iter().find(|c| c.address == key.dst && c.port == key.dst_port && c.protocol == protocol);
    let applied = v.vip_id.and_then(|id| report.vips.iter().find(|a| a.vip_id == id));
    let ring_size = applied.map(|a| a.ring_size);
    let backend = match (v.reason, v.backend) {
        (Reason::Balanced, Some(b)) => {
            let bank = model.read32(regmap::REG_BANK)? & 1;
            Some(Ipv4Addr::from(model.read32(regmap::backends(bank).word(b, regmap::BACKEND_W_ADDR))?))
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
        assert_eq!((k.src, k.src_port, k.dst, k.dst_port, k.protocol, p), (
            Ipv4Addr::new(192, 0, 2, 1),
            5000,
            Ipv4Addr::new(10, 0, 0, 1),
            80,
            6,
            Protocol::Tcp
        ));
        for bad in ["", "1.2.3.4:1-5.6.7.8:2", "1.2.3.4:1-5.6.7.8:2/icmp", "1.2.3.4-5.6.7.8:2/tcp", "1.2.3.4:99999-5.6.7.8:2/udp"] {
            let e = parse_flow(bad).unwrap_err().to_string();
            assert!(e.contains("not a flow"), "{e}");
        }
    }
}
