//! Errors of the driver: opening a register window, identifying the device, applying a config.

use l4lb_core::regs::RegError;
use std::path::PathBuf;
use thiserror::Error;

/// Something the driver could not do, with what to do about it where there is something to do.
#[derive(Debug, Error)]
pub enum DriverError {
    /// A register access failed (bounds, alignment or the device itself).
    #[error(transparent)]
    Reg(#[from] RegError),

    /// A device specification the driver does not understand.
    #[error("{0}")]
    BadSpec(String),

    /// No PCI device at this address.
    #[error(
        "no PCI device {addr}: `lspci -D -d 1234:1001` and `lspci -D -d 5543:1001` list Corundum boards, \
         `l4lb devices` lists them with what they carry"
    )]
    NoSuchPciDevice { addr: String },

    /// A PCI device that is not a Corundum board: its registers are not ours to write.
    #[error(
        "{addr} is not a Corundum board: its PCI ID is {vendor:04x}:{device:04x}, expected 1234:1001 or \
         5543:1001; check the address (`l4lb devices` lists the boards)"
    )]
    NotCorundum { addr: String, vendor: u16, device: u16 },

    /// VFIO access failed: what to do about it.
    #[error("VFIO: {0}")]
    Vfio(String),

    /// A register window (file or PCI resource) could not be opened or mapped.
    #[error("cannot open {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },

    /// Every read returns all ones: nothing answers behind the window.
    #[error(
        "the device does not answer: ID register reads 0xffffffff (a PCI read that nobody answered); \
         check that the device is enabled (echo 1 > /sys/bus/pci/devices/<address>/enable), that the \
         FPGA is loaded, and that the path names BAR 2"
    )]
    NoResponse,

    /// The window is not an l4lb: its ID register holds something else.
    #[error(
        "not an l4lb device: ID register reads {found:#010x}, expected {expected:#010x} (\"L4LB\"); \
         check that the device path points at the l4lb application BAR (BAR 2) and that the FPGA \
         is loaded with the l4lb image"
    )]
    WrongId { found: u32, expected: u32 },

    /// The device speaks another major version of the register map.
    #[error(
        "l4lb register map version {found_major}.{found_minor} is not supported by this driver \
         (it speaks {expected_major}.x); use the l4lb tool released with that FPGA image"
    )]
    WrongVersion { found_major: u16, found_minor: u16, expected_major: u16 },

    /// The capability registers describe tables the driver cannot use.
    #[error("the device reports unusable capabilities: {0}")]
    BadCaps(String),

    /// The config needs more of a table than the device has.
    #[error("the config needs {needed} {what}, but the device has {limit} ({register})")]
    Limit { what: &'static str, register: &'static str, needed: u64, limit: u64 },

    /// The config is not one the device can hold for another reason.
    #[error("{0}")]
    Invalid(String),

    /// The VIP match table has no room for a VIP (see `placement`).
    #[error(transparent)]
    Placement(#[from] crate::placement::PlacementError),
}

#[cfg(test)]
mod tests {
    /// Callers wrap driver errors in `anyhow` (`.context(...)`), which needs these bounds.
    #[test]
    fn errors_can_cross_threads_and_be_wrapped() {
        fn bounds<T: std::error::Error + Send + Sync + 'static>() {}
        bounds::<super::DriverError>();
    }
}
