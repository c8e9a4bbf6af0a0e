//! A digest of what the tables decide: two devices with the same digest send every frame to the
//! same backend, whatever the physical layout of their tables (which slot a VIP sits in, which
//! backend index or ring base it got). An operator compares the digests of every card behind an
//! ECMP router (`l4lb show --device A --device B`).
//!
//! The digest is SHA-256 over this canonical byte string (docs/host-driver.md, *Table digest*),
//! integers big-endian:
//!
//! ```text
//! "l4lb tables v1"                       14 ASCII bytes
//! enabled                                u8: CTRL.enable
//! hash_seed                              u32
//! VIP count                              u32
//! per VIP, sorted by (address, port, protocol number), ties in vip_id order:
//!   address u32, port u16, protocol u8 (6 or 17)
//!   ring size u32 (ring_size, at most CAP_RING)
//!   per ring position i in 0..ring size, in slice order
//!   (entry (ring_base + i) mod CAP_RING, backend = entry mod CAP_BACKENDS):
//!     flags u8: bit 0 backend valid, bit 1 MAC valid, bit 2 IPv6
//!     address u32, or 16 bytes when IPv6 (0 when not valid)
//!     MAC 6 bytes (0 when none)
//! only when there are IPv6 VIPs (contract v2), after the IPv4 VIPs above:
//! "ipv6"                                 4 ASCII bytes
//! IPv6 VIP count                         u32
//! per IPv6 VIP, sorted likewise, as above with a 16-byte address
//! ```
//!
//! The header's VIP count counts the IPv4 VIPs, so that the string of an IPv4-only device is
//! the same as before IPv6.
//!
//! The ring is taken position by position (not as counts per backend) because the position a
//! flow hashes to picks the backend: two rings with the same backends in another order balance
//! differently.

use crate::device::{Device, DeviceState};
use crate::error::DriverError;
use l4lb_core::layout::{self, BackendEntry};
use l4lb_core::regmap;
use l4lb_core::regs::RegisterAccess;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The first bytes of the canonical string: names the format, so that a later format never
/// collides with this one.
pub const MAGIC: &[u8; 14] = b"l4lb tables v1";

/// The digest, as `show` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableDigest {
    /// `sha256:` and 64 hex digits.
    pub digest: String,
    /// VIPs covered (`digest_vips` in JSON, beside the state's `vips`).
    #[serde(rename = "digest_vips")]
    pub vips: u32,
    /// Ring positions covered (all VIPs).
    #[serde(rename = "digest_ring_positions")]
    pub ring_positions: u64,
}

/// The canonical byte string of the device's tables (`state` read from the same device).
pub fn canonical_bytes<R: RegisterAccess>(dev: &mut Device<R>, state: &DeviceState) -> Result<Vec<u8>, DriverError> {
    let caps = *dev.caps();
    let r = dev.regs();
    let mut out = Vec::with_capacity(64 + state.vips.len() * 64);
    out.extend_from_slice(MAGIC);
    out.push(state.enabled as u8);
    out.extend_from_slice(&state.hash_seed.to_be_bytes());
    let mut vips: Vec<_> = state.vips.iter().collect();
    // Stable sort: duplicates (a warning in `state`) stay in vip_id order; IPv4 before IPv6.
    vips.sort_by_key(|v| (v.address.is_ipv6(), v.address, v.port, protocol_number(&v.protocol)));
    let v4 = vips.iter().filter(|v| v.address.is_ipv4()).count();
    out.extend_from_slice(&(v4 as u32).to_be_bytes());
    let mut backends: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
    for (i, v) in vips.iter().enumerate() {
        if i == v4 {
            out.extend_from_slice(b"ipv6");
            out.extend_from_slice(&((vips.len() - v4) as u32).to_be_bytes());
        }
        out.extend_from_slice(&layout::addr_bytes(&v.address));
        out.extend_from_slice(&v.port.to_be_bytes());
        out.push(protocol_number(&v.protocol));
        let size = v.ring_size.min(caps.ring_entries);
        out.extend_from_slice(&size.to_be_bytes());
        for i in 0..size {
            let at = ((v.ring_base as u64 + i as u64) % caps.ring_entries as u64) as u32;
            let b = r.read32(regmap::ring(state.bank).word(at, 0))? % caps.backend_count;
            let bytes = match backends.get(&b) {
                Some(bytes) => bytes.clone(),
                None => {
                    let mut words = [0u32; 8];
                    for (w, word) in words.iter_mut().enumerate() {
                        *word = r.read32(regmap::backends(state.bank).word(b, w as u32))?;
                    }
                    let bytes = backend_bytes(BackendEntry::decode(&words).ok().flatten());
                    backends.insert(b, bytes.clone());
                    bytes
                }
            };
            out.extend_from_slice(&bytes);
        }
    }
    Ok(out)
}

fn protocol_number(name: &str) -> u8 {
    match name {
        "tcp" => 6,
        "udp" => 17,
        _ => 0,
    }
}

fn backend_bytes(entry: Option<BackendEntry>) -> Vec<u8> {
    let Some(e) = entry else { return vec![0u8; 11] };
    let mut b = vec![1 | if e.mac.is_some() { 2 } else { 0 } | if e.addr.is_ipv6() { 4 } else { 0 }];
    b.extend_from_slice(&layout::addr_bytes(&e.addr));
    b.extend_from_slice(&e.mac.unwrap_or([0; 6]));
    b
}

/// The digest of the device's tables.
pub fn table_digest<R: RegisterAccess>(dev: &mut Device<R>, state: &DeviceState) -> Result<TableDigest, DriverError> {
    let bytes = canonical_bytes(dev, state)?;
    let hash = Sha256::digest(&bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let ring_positions = state.vips.iter().map(|v| v.ring_size.min(dev.caps().ring_entries) as u64).sum();
    Ok(TableDigest { digest: format!("sha256:{hex}"), vips: state.vips.len() as u32, ring_positions })
}
