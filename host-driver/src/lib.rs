//! Host driver of l4lb, in the layers of the hardware (docs/architecture.md, *Register map*):
//!
//! - [`bar`]: PCI access: a register window mapped from a sysfs PCI resource or from an offline
//!   BAR image file, with bounds- and alignment-checked volatile little-endian 32-bit accesses
//!   (`l4lb_core::regs::RegisterAccess`).
//! - [`device`]: device logic: identify the device, program it from a config (with [`placement`]
//!   of the VIPs in the VIP match table), read its tables and counters back.
//! - [`open_device`]: chooses the register window from a device specification at start-up.
//!
//! The register map is `l4lb_core::regmap`, the entry words `l4lb_core::layout`.

pub mod bar;
pub mod device;
pub mod error;
pub mod explain;
pub mod placement;

pub use device::{ApplyReport, Device, DeviceState, Stats};
pub use error::DriverError;

use l4lb_core::regs::RegisterAccess;
use std::path::Path;

/// The device specifications `open_device` accepts, for help texts and errors.
pub const DEVICE_FORMS: &str = "file:PATH (an offline BAR image, created if missing) or \
    /sys/bus/pci/devices/DOMAIN:BUS:DEV.FN/resource2 (the device's BAR 2)";

/// Opens the register window named by `spec`:
/// - `file:PATH`: an offline BAR image ([`bar::MmapBar::open_image`]), created if missing;
/// - a sysfs PCI resource file, `/sys/bus/pci/devices/0000:01:00.0/resource2`
///   ([`bar::MmapBar::open_resource`]).
///
/// A bare PCI address, `vfio:` and `/dev/mqnic*` are recognised and refused as not supported yet.
pub fn open_device(spec: &str) -> Result<Box<dyn RegisterAccess>, DriverError> {
    if let Some(path) = spec.strip_prefix("file:") {
        if path.is_empty() {
            return Err(DriverError::BadSpec(format!("{spec:?} names no file: use file:PATH")));
        }
        return Ok(Box::new(bar::MmapBar::open_image(Path::new(path))?));
    }
    if spec.starts_with("vfio:") {
        return Err(DriverError::NotSupported(format!("{spec}: VFIO access")));
    }
    if spec.starts_with("/dev/mqnic") {
        return Err(DriverError::NotSupported(format!("{spec}: access through the mqnic kernel driver")));
    }
    if let Some(addr) = pci_address(spec) {
        return Err(DriverError::NotSupported(format!(
            "{spec}: PCI addresses (for now name the resource file: /sys/bus/pci/devices/{addr}/resource2)"
        )));
    }
    if is_sysfs_resource(spec) {
        return Ok(Box::new(bar::MmapBar::open_resource(Path::new(spec))?));
    }
    let hint = if Path::new(spec).exists() { format!(" (for an image file: file:{spec})") } else { String::new() };
    Err(DriverError::BadSpec(format!("{spec:?} is not a device: use {DEVICE_FORMS}{hint}")))
}

/// `0000:01:00.0` or `01:00.0` (returned with the domain).
fn pci_address(s: &str) -> Option<String> {
    let hex = |p: &str, n: usize| p.len() == n && p.bytes().all(|c| c.is_ascii_hexdigit());
    let parts: Vec<&str> = s.split(':').collect();
    let (domain, bus, devfn) = match parts.as_slice() {
        [d, b, df] => (d.to_string(), *b, *df),
        [b, df] => ("0000".to_string(), *b, *df),
        _ => return None,
    };
    let (dev, func) = devfn.split_once('.')?;
    (hex(&domain, 4)
        && hex(bus, 2)
        && hex(dev, 2)
        && func.len() == 1
        && func.bytes().all(|c| (b'0'..=b'7').contains(&c)))
    .then(|| format!("{domain}:{bus}:{dev}.{func}").to_ascii_lowercase())
}

/// A path under `/sys/` whose file name is `resourceN` (or `resourceN_wc`).
fn is_sysfs_resource(s: &str) -> bool {
    let path = Path::new(s);
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let n = name.strip_prefix("resource").map(|n| n.strip_suffix("_wc").unwrap_or(n));
    path.starts_with("/sys/") && matches!(n, Some(d) if !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_specs_are_recognised() {
        assert_eq!(pci_address("0000:01:00.0").as_deref(), Some("0000:01:00.0"));
        assert_eq!(pci_address("81:00.1").as_deref(), Some("0000:81:00.1"));
        assert_eq!(pci_address("01:00.8"), None);
        assert_eq!(pci_address("file:x"), None);
        assert!(is_sysfs_resource("/sys/bus/pci/devices/0000:01:00.0/resource2"));
        assert!(is_sysfs_resource("/sys/bus/pci/devices/0000:01:00.0/resource2_wc"));
        assert!(!is_sysfs_resource("/sys/bus/pci/devices/0000:01:00.0/config"));
        assert!(!is_sysfs_resource("/tmp/resource2"));
    }

    #[test]
    fn unsupported_and_unknown_forms_say_what_works() {
        for (spec, want) in [
            ("0000:01:00.0", "not supported yet"),
            ("vfio:0000:01:00.0", "not supported yet"),
            ("/dev/mqnic0", "not supported yet"),
            ("eth0", "file:PATH"),
            ("file:", "file:PATH"),
        ] {
            let e = open_device(spec).err().expect(spec).to_string();
            assert!(e.contains(want), "{spec}: {e}");
        }
    }
}
