//! Host driver of l4lb, in the layers of the hardware (docs/architecture.md, *Register map*;
//! docs/host-driver.md):
//!
//! - [`pci`]: PCI access, chosen at start-up from the `--device` specification: sysfs
//!   `resource2` ([`pci::sysfs`]), VFIO ([`pci::vfio`]), Corundum's `/dev/mqnicN`
//!   ([`pci::mqnic`]), or an offline image ([`bar`]).
//! - the register accessor: `l4lb_core::regs::RegisterAccess`, implemented by each access
//!   method ([`bar::MmapBar`], [`pci::vfio::RegionBar`], [`pci::mqnic::MqnicBar`]): bounds- and
//!   alignment-checked volatile little-endian 32-bit accesses.
//! - [`device`]: device logic: identify the device, program it from a config (with [`placement`]
//!   of the VIPs in the VIP match table), read its tables and counters back; [`digest`] of the
//!   tables, [`rates`] from two counter readings.
//!
//! The register map is `l4lb_core::regmap`, the entry words `l4lb_core::layout`.

pub mod bar;
pub mod device;
pub mod digest;
pub mod error;
pub mod pci;
pub mod placement;
pub mod rates;

pub use device::{ApplyReport, Device, DeviceState, Stats};
pub use error::DriverError;
pub use pci::DEVICE_FORMS;

use l4lb_core::regs::RegisterAccess;

/// Opens the register window named by `spec` (see [`pci::DeviceSpec`]), with the system's sysfs
/// (`/sys`, or `L4LB_SYSFS_ROOT`). Writes nothing.
pub fn open_device(spec: &str) -> Result<Box<dyn RegisterAccess>, DriverError> {
    pci::DeviceSpec::parse(spec)?.open(&pci::Sysfs::system())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_forms_say_what_works() {
        for (spec, want) in [("eth0", "file:PATH"), ("file:", "file:PATH"), ("/dev/null", "/dev/mqnic0")] {
            let e = open_device(spec).err().expect(spec).to_string();
            assert!(e.contains(want), "{spec}: {e}");
        }
    }
}
