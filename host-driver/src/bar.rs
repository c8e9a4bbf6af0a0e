//! PCI access layer: a register window mapped from a file with `mmap`.
//!
//! Two kinds of file give a window (docs/architecture.md, *Register map*: BAR 2, 16 MiB):
//! - a sysfs PCI resource (`/sys/bus/pci/devices/0000:01:00.0/resource2`): the device's BAR itself.
//!   Opened read-write, never created, mapped at the size sysfs reports.
//! - an offline BAR image (`file:PATH`): an ordinary file of `regmap::BAR_SIZE` bytes, created on
//!   first use with the registers a freshly reset device shows (ID, VERSION, CAP_*). It holds
//!   what the driver writes and nothing else: counters do not count and read-only registers are
//!   not protected. Good for dry runs and tests.
//!
//! Every access goes through `check_offset` (bounds, 32-bit alignment) and is a single volatile
//! 32-bit load or store, little-endian as on the bus, so the compiler neither merges, splits nor
//! drops register accesses.

use crate::error::DriverError;
use l4lb_core::regmap::{self, defaults};
use l4lb_core::regs::{check_offset, RegError, RegisterAccess};
use memmap2::{MmapOptions, MmapRaw};
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The smallest window the driver can identify a device through: the control page (ID, VERSION,
/// capabilities, control and counters).
pub const MIN_WINDOW: u64 = 0x1000;

/// A memory-mapped register window.
pub struct MmapBar {
    map: MmapRaw,
    size: u64,
    path: PathBuf,
}

impl std::fmt::Debug for MmapBar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MmapBar").field("path", &self.path).field("size", &self.size).finish()
    }
}

impl MmapBar {
    /// Opens the offline BAR image at `path`, creating it (at `regmap::BAR_SIZE` bytes, with the
    /// reset values of [`reset_registers`]) when it does not exist. An existing file must be
    /// exactly `regmap::BAR_SIZE` bytes; it is mapped as it is, never rewritten here.
    pub fn open_image(path: &Path) -> Result<MmapBar, DriverError> {
        let open_err = |e: io::Error| DriverError::Open { path: path.to_owned(), reason: io_reason(&e) };
        match OpenOptions::new().read(true).write(true).create_new(true).open(path) {
            Ok(file) => {
                file.set_len(regmap::BAR_SIZE).map_err(open_err)?;
                let mut bar = MmapBar::map(file, regmap::BAR_SIZE, path)?;
                for (offset, value) in reset_registers() {
                    bar.write32(offset, value)?;
                }
                bar.map.flush().map_err(open_err)?;
                Ok(bar)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let file = OpenOptions::new().read(true).write(true).open(path).map_err(open_err)?;
                let len = file.metadata().map_err(open_err)?.len();
                if len != regmap::BAR_SIZE {
                    return Err(DriverError::Open {
                        path: path.to_owned(),
                        reason: format!(
                            "it is {len} bytes, but an l4lb BAR image is {} bytes: it is not an image \
                             made by this tool (remove it, or name a new file, to start a fresh image)",
                            regmap::BAR_SIZE
                        ),
                    });
                }
                MmapBar::map(file, len, path)
            }
            Err(e) => Err(open_err(e)),
        }
    }

    /// Maps an existing PCI resource file (sysfs `resourceN`) read-write at its full size.
    pub fn open_resource(path: &Path) -> Result<MmapBar, DriverError> {
        let file = OpenOptions::new().read(true).write(true).open(path).map_err(|e| DriverError::Open {
            path: path.to_owned(),
            reason: match e.kind() {
                io::ErrorKind::NotFound => "no such file: check the PCI address (`lspci -D` lists the \
                                            devices) and the BAR number (l4lb is BAR 2, resource2)"
                    .to_string(),
                _ => io_reason(&e),
            },
        })?;
        let len =
            file.metadata().map_err(|e| DriverError::Open { path: path.to_owned(), reason: io_reason(&e) })?.len();
        if len < MIN_WINDOW {
            return Err(DriverError::Open {
                path: path.to_owned(),
                reason: format!(
                    "the resource is {len} bytes, smaller than the {MIN_WINDOW}-byte control page: \
                     it is not the l4lb application BAR (BAR 2)"
                ),
            });
        }
        MmapBar::map(file, len, path)
    }

    fn map(file: File, len: u64, path: &Path) -> Result<MmapBar, DriverError> {
        let size = usize::try_from(len).map_err(|_| DriverError::Open {
            path: path.to_owned(),
            reason: format!("{len} bytes do not fit this machine's address space"),
        })?;
        let map = MmapOptions::new().len(size).map_raw(&file).map_err(|e| DriverError::Open {
            path: path.to_owned(),
            reason: format!("mmap failed: {}", io_reason(&e)),
        })?;
        Ok(MmapBar { map, size: len, path: path.to_owned() })
    }

    /// The mapped file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes dirty pages of a file image back to the file (a no-op for a BAR).
    pub fn flush(&self) -> io::Result<()> {
        self.map.flush()
    }

    fn ptr(&self, offset: u32) -> Result<*mut u32, RegError> {
        check_offset(offset as u64, self.size)?;
        // In bounds (checked above) and 4-byte aligned: the mapping starts on a page boundary and
        // the offset is a multiple of 4.
        Ok(unsafe { self.map.as_mut_ptr().add(offset as usize) }.cast::<u32>())
    }
}

impl RegisterAccess for MmapBar {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        let p = self.ptr(offset)?;
        // SAFETY: `p` is inside the live mapping and aligned (see `ptr`). A volatile load because
        // the memory is a device register (or a file another process may map).
        Ok(u32::from_le(unsafe { p.read_volatile() }))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        let p = self.ptr(offset)?;
        // SAFETY: as in `read32`; a volatile store so that each register write happens, in order.
        unsafe { p.write_volatile(value.to_le()) };
        Ok(())
    }

    fn size(&self) -> u64 {
        self.size
    }
}

/// The registers a device of the default build shows after reset (docs/architecture.md,
/// *Control block*): ID, VERSION, the capabilities, PORTS (port 0 of 1) and HAIRPIN (every port
/// its own). Everything else reads 0.
pub fn reset_registers() -> [(u32, u32); 11] {
    let bytes_per_beat = defaults::DATA_WIDTH / 8;
    // *Latency and throughput*: D = ceil(MAX_LEN / BYTES) + 16, plus the output register.
    let latency = defaults::MAX_LEN.div_ceil(bytes_per_beat) + 16 + 1;
    [
        (regmap::REG_ID, regmap::ID_VALUE),
        (regmap::REG_VERSION, regmap::VERSION_VALUE),
        (regmap::REG_CAP_WIDTH, defaults::DATA_WIDTH),
        (regmap::REG_CAP_VIPS, defaults::VIP_COUNT),
        (regmap::REG_CAP_VIP_BUCKETS, defaults::VIP_BUCKETS),
        (regmap::REG_CAP_BACKENDS, defaults::BACKEND_COUNT),
        (regmap::REG_CAP_RING, defaults::RING_ENTRIES),
        (regmap::REG_CAP_LATENCY, latency),
        (regmap::REG_CAP_MAX_LEN, defaults::MAX_LEN),
        (regmap::REG_PORTS, 1 << regmap::PORTS_COUNT_SHIFT),
        (regmap::REG_HAIRPIN, regmap::HAIRPIN_RESET),
    ]
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => {
            "permission denied: run as root, or give this user read-write access to the file".to_string()
        }
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_latency_is_the_documented_161_cycles() {
        let lat = reset_registers().iter().find(|(o, _)| *o == regmap::REG_CAP_LATENCY).unwrap().1;
        assert_eq!(lat, 161);
    }

    #[test]
    fn permission_errors_say_what_to_do() {
        let e = io_reason(&io::Error::from(io::ErrorKind::PermissionDenied));
        assert!(e.contains("run as root"), "{e}");
    }

    #[test]
    fn accesses_are_little_endian_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bar.img");
        let mut bar = MmapBar::open_image(&path).unwrap();
        bar.write32(0x40, 0x1122_3344).unwrap();
        bar.flush().unwrap();
        drop(bar);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[0x40..0x44], &[0x44, 0x33, 0x22, 0x11]);
        assert_eq!(&bytes[0..4], &regmap::ID_VALUE.to_le_bytes());
    }
}
