//! PCI access layer: how the register window (Corundum's application BAR, BAR 2) is reached,
//! chosen once at start-up from the `--device` specification (docs/host-driver.md):
//!
//! | form | module | how |
//! |---|---|---|
//! | `0000:01:00.0` | [`sysfs`] | `/sys/bus/pci/devices/<addr>/resource2` mapped with `mmap` |
//! | `vfio:0000:01:00.0` | [`vfio`] | the device bound to `vfio-pci`, BAR 2 through the `pci-driver` crate |
//! | `/dev/mqnic0` | [`mqnic`] | Corundum's kernel driver: the APP_CTRL region found by ioctl, mapped at its offset |
//! | `file:PATH` | [`crate::bar`] | an offline BAR image |
//! | `/sys/bus/pci/devices/<addr>/resource2` | [`sysfs`] | as the PCI address, the file named directly |
//!
//! Every form gives a `RegisterAccess` (the register accessor: bounds- and alignment-checked
//! 32-bit little-endian accesses); the device logic above it (`crate::device`) does not know
//! which one it got. Nothing here writes a register: the device logic identifies the device
//! (ID, VERSION) before its first write.
//!
//! The sysfs root is injectable ([`Sysfs::at`], or `L4LB_SYSFS_ROOT` for the CLI) so that tests
//! run on a fake tree in a temporary folder.

pub mod mqnic;
pub mod sysfs;
pub mod vfio;

use crate::error::DriverError;
use l4lb_core::regs::RegisterAccess;
use std::fmt;
use std::path::{Path, PathBuf};

/// Corundum's PCI vendor and device IDs: the boards that can carry the l4lb application.
pub const CORUNDUM_IDS: [(u16, u16); 2] = [(0x1234, 0x1001), (0x5543, 0x1001)];

/// The BAR Corundum exposes the application's AXI-Lite control port on.
pub const APP_BAR: u32 = 2;

/// The environment variable that moves the sysfs root (tests, containers).
pub const SYSFS_ROOT_ENV: &str = "L4LB_SYSFS_ROOT";

/// A PCI address with its domain, lower case: `0000:01:00.0`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PciAddr(String);

impl PciAddr {
    /// `0000:01:00.0` or `01:00.0` (domain 0000).
    pub fn parse(s: &str) -> Option<PciAddr> {
        let hex = |p: &str, n: usize| p.len() == n && p.bytes().all(|c| c.is_ascii_hexdigit());
        let parts: Vec<&str> = s.split(':').collect();
        let (domain, bus, devfn) = match parts.as_slice() {
            [d, b, df] => (*d, *b, *df),
            [b, df] => ("0000", *b, *df),
            _ => return None,
        };
        let (dev, func) = devfn.split_once('.')?;
        // Device numbers are 5 bits (00-1f), functions 3 bits (0-7).
        let dev_ok = hex(dev, 2) && u8::from_str_radix(dev, 16).is_ok_and(|d| d < 0x20);
        let func_ok = func.len() == 1 && func.bytes().all(|c| (b'0'..=b'7').contains(&c));
        (hex(domain, 4) && hex(bus, 2) && dev_ok && func_ok)
            .then(|| PciAddr(format!("{domain}:{bus}:{dev}.{func}").to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PciAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A sysfs tree: `/sys` on a machine, a temporary folder in tests.
#[derive(Debug, Clone)]
pub struct Sysfs {
    root: PathBuf,
}

impl Sysfs {
    /// `/sys`, or the folder `L4LB_SYSFS_ROOT` names.
    pub fn system() -> Sysfs {
        match std::env::var_os(SYSFS_ROOT_ENV) {
            Some(root) if !root.is_empty() => Sysfs::at(PathBuf::from(root)),
            _ => Sysfs::at("/sys"),
        }
    }

    pub fn at(root: impl Into<PathBuf>) -> Sysfs {
        Sysfs { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<root>/bus/pci/devices`.
    pub fn pci_devices(&self) -> PathBuf {
        self.root.join("bus/pci/devices")
    }

    /// `<root>/bus/pci/devices/<addr>`.
    pub fn device_dir(&self, addr: &PciAddr) -> PathBuf {
        self.pci_devices().join(addr.as_str())
    }

    /// The `/sys/...` path a user would type for `path` under this root (for messages).
    pub fn shown(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(rest) => format!("/sys/{}", rest.display()),
            Err(_) => path.display().to_string(),
        }
    }
}

/// What `--device` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceSpec {
    /// `file:PATH`: an offline BAR image.
    Image(PathBuf),
    /// `0000:01:00.0`: sysfs `resource2` of that device.
    Pci(PciAddr),
    /// `vfio:0000:01:00.0`: the device through VFIO.
    Vfio(PciAddr),
    /// `/dev/mqnicN`: Corundum's character device.
    Mqnic(PathBuf),
    /// `/sys/bus/pci/devices/<addr>/resourceN`: a sysfs resource file named directly.
    Resource(PathBuf),
}

/// The device specifications `--device` accepts, for help texts and errors.
pub const DEVICE_FORMS: &str = "a PCI address (0000:01:00.0, its BAR 2 through sysfs), vfio:0000:01:00.0 \
    (bound to vfio-pci), /dev/mqnicN (Corundum's kernel driver), file:PATH (an offline BAR image, \
    created if missing) or /sys/bus/pci/devices/0000:01:00.0/resource2";

impl DeviceSpec {
    /// Parses a `--device` value, or says which forms there are.
    pub fn parse(spec: &str) -> Result<DeviceSpec, DriverError> {
        if let Some(path) = spec.strip_prefix("file:") {
            if path.is_empty() {
                return Err(DriverError::BadSpec(format!("{spec:?} names no file: use file:PATH")));
            }
            return Ok(DeviceSpec::Image(PathBuf::from(path)));
        }
        if let Some(addr) = spec.strip_prefix("vfio:") {
            return PciAddr::parse(addr).map(DeviceSpec::Vfio).ok_or_else(|| {
                DriverError::BadSpec(format!(
                    "{spec:?}: {addr:?} is not a PCI address; use vfio:DOMAIN:BUS:DEV.FN, e.g. vfio:0000:01:00.0 \
                     (`lspci -D -d 1234:1001` lists Corundum boards)"
                ))
            });
        }
        if spec.starts_with("/dev/") {
            let name = Path::new(spec).file_name().and_then(|n| n.to_str()).unwrap_or("");
            if mqnic::is_mqnic_name(name) {
                return Ok(DeviceSpec::Mqnic(PathBuf::from(spec)));
            }
            return Err(DriverError::BadSpec(format!(
                "{spec:?} is not an mqnic device: Corundum's kernel driver creates /dev/mqnic0, /dev/mqnic1, ...; \
                 use {DEVICE_FORMS}"
            )));
        }
        if let Some(addr) = PciAddr::parse(spec) {
            return Ok(DeviceSpec::Pci(addr));
        }
        if is_sysfs_resource(spec) {
            return Ok(DeviceSpec::Resource(PathBuf::from(spec)));
        }
        let hint = if Path::new(spec).exists() { format!(" (for an image file: file:{spec})") } else { String::new() };
        Err(DriverError::BadSpec(format!("{spec:?} is not a device: use {DEVICE_FORMS}{hint}")))
    }

    /// Opens the register window. Reads at most the PCI IDs and region descriptions; writes nothing.
    pub fn open(&self, sys: &Sysfs) -> Result<Box<dyn RegisterAccess>, DriverError> {
        Ok(match self {
            DeviceSpec::Image(path) => Box::new(crate::bar::MmapBar::open_image(path)?),
            DeviceSpec::Pci(addr) => Box::new(sysfs::open_bar(sys, addr)?),
            DeviceSpec::Resource(path) => Box::new(sysfs::open_resource_path(sys, path)?),
            DeviceSpec::Vfio(addr) => vfio::open(sys, addr)?,
            DeviceSpec::Mqnic(path) => Box::new(mqnic::open(sys, path)?),
        })
    }
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
    fn pci_addresses() {
        assert_eq!(PciAddr::parse("0000:01:00.0").unwrap().as_str(), "0000:01:00.0");
        assert_eq!(PciAddr::parse("81:1F.1").unwrap().as_str(), "0000:81:1f.1");
        assert_eq!(PciAddr::parse("01:00.8"), None);
        assert_eq!(PciAddr::parse("01:20.0"), None, "device numbers are 5 bits");
        assert_eq!(PciAddr::parse("1:00.0"), None);
        assert_eq!(PciAddr::parse("file:x"), None);
    }

    #[test]
    fn device_specs() {
        let p = |s: &str| DeviceSpec::parse(s).unwrap();
        assert_eq!(p("file:/tmp/x"), DeviceSpec::Image("/tmp/x".into()));
        assert_eq!(p("0000:01:00.0"), DeviceSpec::Pci(PciAddr::parse("01:00.0").unwrap()));
        assert_eq!(p("vfio:01:00.0"), DeviceSpec::Vfio(PciAddr::parse("0000:01:00.0").unwrap()));
        assert_eq!(p("/dev/mqnic3"), DeviceSpec::Mqnic("/dev/mqnic3".into()));
        assert_eq!(
            p("/sys/bus/pci/devices/0000:01:00.0/resource2_wc"),
            DeviceSpec::Resource("/sys/bus/pci/devices/0000:01:00.0/resource2_wc".into())
        );
        for (bad, want) in [
            ("file:", "file:PATH"),
            ("vfio:eth0", "vfio:DOMAIN:BUS:DEV.FN"),
            ("/dev/sda", "/dev/mqnic0"),
            ("/dev/mqnic", "/dev/mqnic0"),
            ("eth0", "vfio:0000:01:00.0"),
            ("/sys/bus/pci/devices/0000:01:00.0/config", "PCI address"),
        ] {
            let e = DeviceSpec::parse(bad).unwrap_err().to_string();
            assert!(e.contains(want), "{bad}: {e}");
        }
    }
}
