//! PCI access through VFIO (`vfio:0000:01:00.0`), with the `pci-driver` crate: the device is
//! bound to `vfio-pci`, its IOMMU group opened through `/dev/vfio/<group>`, and BAR 2 mapped
//! (or, where VFIO does not allow mapping it, reached with the region's read/write calls).
//!
//! [`RegionBar`] turns any `pci_driver::regions::PciRegion` into the register accessor; tests
//! drive it with `pci-driver`'s in-memory `PciMemoryRegion`. Before `pci-driver` is called the
//! sysfs tree is checked, so that the common mistakes get an error that says what to do: not a
//! Corundum board, not bound to `vfio-pci`, no IOMMU group, no permission on `/dev/vfio`.

use super::{sysfs, PciAddr, Sysfs, APP_BAR};
use crate::error::DriverError;
use l4lb_core::regs::{check_offset, RegError, RegisterAccess};
use pci_driver::backends::vfio::VfioPciDevice;
use pci_driver::device::PciDevice;
use pci_driver::regions::{PciRegion, Permissions};
use std::io;
use std::path::PathBuf;

/// A register window over a `pci-driver` region. Every access is checked (bounds, alignment)
/// before it reaches the region, and is one 32-bit little-endian access.
pub struct RegionBar<R: PciRegion> {
    region: R,
    size: u64,
    /// Keeps the device (and its VFIO container) open as long as the window lives.
    _device: Option<VfioPciDevice>,
}

impl<R: PciRegion> RegionBar<R> {
    /// A window over `region` (for tests: `PciMemoryRegion::new_mut(&mut bytes)`).
    pub fn new(region: R) -> RegionBar<R> {
        let size = region.len();
        RegionBar { region, size, _device: None }
    }
}

impl<R: PciRegion> RegisterAccess for RegionBar<R> {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        check_offset(offset as u64, self.size)?;
        self.region.read_le_u32(offset as u64).map_err(|e| RegError::Device(format!("VFIO read at {offset:#x}: {e}")))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        check_offset(offset as u64, self.size)?;
        // pci-driver 0.1.4's in-memory region writes even when it was made read-only: check here.
        if !self.region.permissions().can_write() {
            return Err(RegError::Device(format!("write at {offset:#x}: the region is read-only")));
        }
        self.region
            .write_le_u32(offset as u64, value)
            .map_err(|e| RegError::Device(format!("VFIO write at {offset:#x}: {e}")))
    }

    fn size(&self) -> u64 {
        self.size
    }
}

/// How to bind a device to vfio-pci, for error messages.
pub fn bind_hint(addr: &PciAddr) -> String {
    format!(
        "bind it to vfio-pci: `modprobe vfio-pci; echo vfio-pci > /sys/bus/pci/devices/{addr}/driver_override; \
         echo {addr} > /sys/bus/pci/devices/{addr}/driver/unbind; echo {addr} > /sys/bus/pci/drivers_probe` \
         (or use the PCI address {addr} alone to go through sysfs, or /dev/mqnicN with Corundum's driver)"
    )
}

/// Checks in sysfs that `addr` is a Corundum board bound to vfio-pci, and returns its IOMMU group.
pub fn check_bound(sys: &Sysfs, addr: &PciAddr) -> Result<String, DriverError> {
    let dir = sysfs::corundum_dir(sys, addr)?;
    match sysfs::driver_at(&dir).as_deref() {
        Some("vfio-pci") => {}
        other => {
            let now = other.map_or("no driver".to_string(), |d| format!("driver {d}"));
            return Err(DriverError::Vfio(format!("{addr} is bound to {now}, not vfio-pci; {}", bind_hint(addr))));
        }
    }
    let group = std::fs::read_link(dir.join("iommu_group"))
        .ok()
        .and_then(|l| l.file_name().and_then(|n| n.to_str()).map(str::to_string))
        .ok_or_else(|| {
            DriverError::Vfio(format!(
                "{addr} has no IOMMU group: enable the IOMMU (intel_iommu=on or amd_iommu=on on the kernel command \
                 line), or use the PCI address {addr} alone to go through sysfs"
            ))
        })?;
    Ok(group)
}

/// `vfio:ADDR`: BAR 2 of a device bound to vfio-pci.
pub fn open(sys: &Sysfs, addr: &PciAddr) -> Result<Box<dyn RegisterAccess>, DriverError> {
    let group = check_bound(sys, addr)?;
    let vfio_err = |e: io::Error| {
        let reason = match e.kind() {
            io::ErrorKind::PermissionDenied => format!(
                "permission denied on /dev/vfio/{group} or /dev/vfio/vfio: run as root, or give this user the group's \
                 device file (chown USER /dev/vfio/{group})"
            ),
            io::ErrorKind::NotFound => {
                format!("/dev/vfio/{group} does not exist: is vfio-pci loaded (modprobe vfio-pci)?")
            }
            _ if e.raw_os_error() == Some(libc::EBUSY) => format!(
                "IOMMU group {group} is in use (another process, a VM, or another device of the group bound elsewhere)"
            ),
            _ => e.to_string(),
        };
        DriverError::Vfio(format!("{addr}: {reason}"))
    };
    let device = VfioPciDevice::open(sys.device_dir(addr)).map_err(vfio_err)?;
    let bar = device.bar(APP_BAR as usize).ok_or_else(|| DriverError::Open {
        path: PathBuf::from(format!("vfio:{addr}")),
        reason: "the device has no BAR 2: its FPGA image was built without an application BAR".to_string(),
    })?;
    if bar.is_mappable() {
        let mapped = bar.map(.., Permissions::ReadWrite).map_err(vfio_err)?;
        let mut w = RegionBar::new(mapped);
        w._device = Some(device);
        Ok(Box::new(w))
    } else {
        let mut w = RegionBar::new(bar);
        w._device = Some(device);
        Ok(Box::new(w))
    }
}
