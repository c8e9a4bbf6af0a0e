//! PCI access through Corundum's kernel driver: `/dev/mqnicN`, a misc character device.
//!
//! What the driver offers (Corundum `modules/mqnic/mqnic_ioctl.h` and `mqnic_dev.c`, commit
//! 1ca0151b; our own description, no code taken):
//! - ioctls of type 0x88, numbers from 0xC0, all declared with `_IO` (no size or direction bits
//!   in the request number, although two of them copy a struct in and out):
//!   `GET_API_VERSION` (0xC0, returns 0), `GET_DEVICE_INFO` (0xC1, `num_regions` among 11 u32
//!   fields), `GET_REGION_INFO` (0xC2: the caller sets `argsz` and `index`, the driver fills in
//!   `type`, `size`, `offset` and `name`).
//! - regions: index 0 the NIC control BAR (`NIC_CTRL`, 0x1001), 1 the application BAR
//!   (`APP_CTRL`, 0x1002, size 0 when the image has none), 2 RAM (0x2000).
//! - `mmap` with `MAP_SHARED` at the region's `offset` (`index << 40`); the driver maps the BAR
//!   uncached.
//!
//! Like Corundum's userspace library, we walk the regions up to `num_regions` and take the one of
//! type `APP_CTRL`, rather than assuming its index.

use super::{sysfs, Sysfs};
use crate::error::DriverError;
use l4lb_core::regs::{check_offset, RegError, RegisterAccess};
use memmap2::{MmapOptions, MmapRaw};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// The ioctl type of the mqnic driver.
pub const IOCTL_TYPE: u32 = 0x88;
/// The first ioctl number.
pub const IOCTL_BASE: u32 = 0xC0;
/// The API version this module speaks.
pub const API_VERSION: i32 = 0;
/// Region types.
pub const REGION_TYPE_NIC_CTRL: u32 = 0x1001;
pub const REGION_TYPE_APP_CTRL: u32 = 0x1002;
pub const REGION_TYPE_RAM: u32 = 0x2000;

/// `_IO(type, nr)`: direction "none" and size 0. In Linux's generic encoding (x86, Arm, RISC-V)
/// "none" is 0, so the request is just `type << 8 | nr`; PowerPC, MIPS and SPARC encode "none"
/// as 1 in bits 31:29.
pub const fn io(nr: u32) -> u32 {
    #[cfg(any(
        target_arch = "powerpc",
        target_arch = "powerpc64",
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "sparc64"
    ))]
    const DIR_NONE: u32 = 1 << 29;
    #[cfg(not(any(
        target_arch = "powerpc",
        target_arch = "powerpc64",
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "sparc64"
    )))]
    const DIR_NONE: u32 = 0;
    DIR_NONE | (IOCTL_TYPE << 8) | nr
}
pub const GET_API_VERSION: u32 = io(IOCTL_BASE);
pub const GET_DEVICE_INFO: u32 = io(IOCTL_BASE + 1);
pub const GET_REGION_INFO: u32 = io(IOCTL_BASE + 2);

/// `struct mqnic_ioctl_device_info`: 11 `__u32`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct DeviceInfo {
    pub argsz: u32,
    pub flags: u32,
    pub fw_id: u32,
    pub fw_ver: u32,
    pub board_id: u32,
    pub board_ver: u32,
    pub build_date: u32,
    pub git_hash: u32,
    pub rel_info: u32,
    pub num_regions: u32,
    pub num_irqs: u32,
}

/// `struct mqnic_ioctl_region_info`: six `__u32`, two `__u64`, 32 name bytes (72 bytes).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RegionInfo {
    pub argsz: u32,
    pub flags: u32,
    pub index: u32,
    pub region_type: u32,
    pub next: u32,
    pub child: u32,
    pub size: u64,
    pub offset: u64,
    pub name: [u8; 32],
}

impl RegionInfo {
    pub fn query(index: u32) -> RegionInfo {
        RegionInfo {
            argsz: std::mem::size_of::<RegionInfo>() as u32,
            flags: 0,
            index,
            region_type: 0,
            next: 0,
            child: 0,
            size: 0,
            offset: 0,
            name: [0; 32],
        }
    }

    pub fn name(&self) -> String {
        let end = self.name.iter().position(|&b| b == 0).unwrap_or(self.name.len());
        String::from_utf8_lossy(&self.name[..end]).into_owned()
    }
}

/// `mqnic0`, `mqnic12`.
pub fn is_mqnic_name(name: &str) -> bool {
    name.strip_prefix("mqnic").is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

/// Picks the application region among `num_regions`, asking `region(index)` for each.
pub fn find_app_region(
    num_regions: u32,
    mut region: impl FnMut(u32) -> io::Result<RegionInfo>,
) -> Result<RegionInfo, String> {
    for index in 0..num_regions {
        let info = region(index).map_err(|e| format!("MQNIC_IOCTL_GET_REGION_INFO for region {index}: {e}"))?;
        if info.region_type == REGION_TYPE_APP_CTRL {
            if info.size == 0 {
                return Err("the FPGA image has no application BAR (its APP_CTRL region is empty): build it with \
                            the l4lb application enabled"
                    .to_string());
            }
            return Ok(info);
        }
    }
    Err(format!("none of its {num_regions} regions is the application BAR (APP_CTRL)"))
}

/// The application region of an mqnic device, mapped.
pub struct MqnicBar {
    map: MmapRaw,
    size: u64,
    path: PathBuf,
    _file: File,
}

impl std::fmt::Debug for MqnicBar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MqnicBar").field("path", &self.path).field("size", &self.size).finish()
    }
}

/// Maps `size` bytes of `file` at `offset`, shared (the driver refuses private mappings).
pub fn map_region(file: &File, offset: u64, size: u64) -> io::Result<MmapRaw> {
    let len = usize::try_from(size).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "region too large"))?;
    MmapOptions::new().offset(offset).len(len).map_raw(file)
}

fn ioctl<T>(file: &File, request: u32, arg: *mut T) -> io::Result<i32> {
    // SAFETY: `arg` points at a live, correctly laid-out struct (or is null for GET_API_VERSION);
    // the driver copies at most its `argsz`-checked minimum size in and out.
    let r = unsafe { libc::ioctl(file.as_raw_fd(), request as _, arg) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// Opens `/dev/mqnicN` and maps its application region.
pub fn open(sys: &Sysfs, path: &Path) -> Result<MqnicBar, DriverError> {
    let fail = |reason: String| DriverError::Open { path: path.to_owned(), reason };
    // The board behind the misc device: its IDs must be Corundum's (checked when sysfs shows them).
    if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
        let dir = sys.root().join("class/misc").join(name).join("device");
        if dir.join("vendor").exists() {
            sysfs::check_corundum(sys, name, &dir)?;
        }
    }
    let file = OpenOptions::new().read(true).write(true).open(path).map_err(|e| {
        fail(match e.kind() {
            io::ErrorKind::NotFound => "no such device: is Corundum's kernel driver loaded (modprobe mqnic), and is \
                                        the board bound to it? `l4lb devices` lists the boards"
                .to_string(),
            io::ErrorKind::PermissionDenied => "permission denied: run as root, or give this user read-write access \
                                                to the device file (a udev rule)"
                .to_string(),
            _ => e.to_string(),
        })
    })?;
    let meta = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !meta.file_type().is_char_device() {
        return Err(fail(
            "not a character device: /dev/mqnicN is made by Corundum's kernel driver (for a BAR image use file:PATH)"
                .to_string(),
        ));
    }
    let version = ioctl(&file, GET_API_VERSION, std::ptr::null_mut::<u8>())
        .map_err(|e| fail(format!("MQNIC_IOCTL_GET_API_VERSION failed ({e}): is it Corundum's mqnic driver?")))?;
    if version != API_VERSION {
        return Err(fail(format!(
            "the mqnic driver speaks ioctl API version {version}, this tool {API_VERSION}: use the PCI address instead"
        )));
    }
    let mut dev = DeviceInfo { argsz: std::mem::size_of::<DeviceInfo>() as u32, ..DeviceInfo::default() };
    ioctl(&file, GET_DEVICE_INFO, &mut dev).map_err(|e| fail(format!("MQNIC_IOCTL_GET_DEVICE_INFO failed: {e}")))?;
    let app = find_app_region(dev.num_regions, |index| {
        let mut info = RegionInfo::query(index);
        ioctl(&file, GET_REGION_INFO, &mut info).map(|_| info)
    })
    .map_err(fail)?;
    let map = map_region(&file, app.offset, app.size).map_err(|e| {
        fail(format!("mmap of the application region ({} bytes at {:#x}) failed: {e}", app.size, app.offset))
    })?;
    Ok(MqnicBar { map, size: app.size, path: path.to_owned(), _file: file })
}

impl MqnicBar {
    fn ptr(&self, offset: u32) -> Result<*mut u32, RegError> {
        check_offset(offset as u64, self.size)?;
        // In bounds and aligned (checked above; the mapping is page aligned).
        Ok(unsafe { self.map.as_mut_ptr().add(offset as usize) }.cast::<u32>())
    }
}

impl RegisterAccess for MqnicBar {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        let p = self.ptr(offset)?;
        // SAFETY: inside the live mapping and aligned; volatile: a device register.
        Ok(u32::from_le(unsafe { p.read_volatile() }))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        let p = self.ptr(offset)?;
        // SAFETY: as in `read32`.
        unsafe { p.write_volatile(value.to_le()) };
        Ok(())
    }

    fn size(&self) -> u64 {
        self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    /// The numbers and layouts of mqnic_ioctl.h, worked out by hand from the header.
    #[test]
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "riscv64"))]
    fn ioctl_numbers_and_struct_layouts_match_the_header() {
        // _IO(0x88, 0xC0 + n): (0 << 30) | (0x88 << 8) | (0xC0 + n) | (0 << 16).
        assert_eq!(GET_API_VERSION, 0x88C0);
        assert_eq!(GET_DEVICE_INFO, 0x88C1);
        assert_eq!(GET_REGION_INFO, 0x88C2);
        assert_eq!(size_of::<DeviceInfo>(), 44);
        assert_eq!(offset_of!(DeviceInfo, num_regions), 36);
        assert_eq!(size_of::<RegionInfo>(), 72);
        assert_eq!(offset_of!(RegionInfo, index), 8);
        assert_eq!(offset_of!(RegionInfo, region_type), 12);
        assert_eq!(offset_of!(RegionInfo, size), 24);
        assert_eq!(offset_of!(RegionInfo, offset), 32);
        assert_eq!(offset_of!(RegionInfo, name), 40);
        assert_eq!(RegionInfo::query(1).argsz, 72);
    }

    fn region(index: u32, region_type: u32, size: u64) -> RegionInfo {
        let mut r = RegionInfo::query(index);
        r.region_type = region_type;
        r.size = size;
        r.offset = (index as u64) << 40;
        r.name[..3].copy_from_slice(b"app");
        r
    }

    #[test]
    fn the_app_region_is_found_by_type() {
        // The layout Corundum's driver reports: ctrl, app, ram.
        let regions = [
            region(0, REGION_TYPE_NIC_CTRL, 1 << 24),
            region(1, REGION_TYPE_APP_CTRL, 1 << 24),
            region(2, REGION_TYPE_RAM, 0),
        ];
        let app = find_app_region(3, |i| Ok(regions[i as usize])).unwrap();
        assert_eq!((app.index, app.offset, app.size), (1, 1 << 40, 1 << 24));
        assert_eq!(app.name(), "app");
        // Order does not matter, type does.
        let swapped = [regions[1], regions[0]];
        assert_eq!(find_app_region(2, |i| Ok(swapped[i as usize])).unwrap().index, 1);
        let e = find_app_region(1, |i| Ok(regions[i as usize])).unwrap_err();
        assert!(e.contains("APP_CTRL"), "{e}");
        let empty = [region(0, REGION_TYPE_APP_CTRL, 0)];
        let e = find_app_region(1, |i| Ok(empty[i as usize])).unwrap_err();
        assert!(e.contains("no application BAR"), "{e}");
        let e = find_app_region(3, |_| Err(io::Error::from_raw_os_error(libc::EINVAL))).unwrap_err();
        assert!(e.contains("region 0"), "{e}");
    }

    #[test]
    fn a_region_is_mapped_at_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("regions");
        let mut bytes = vec![0u8; 3 * 4096];
        bytes[4096..4100].copy_from_slice(&0x4C34_4C42u32.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let file = OpenOptions::new().read(true).write(true).open(&path).unwrap();
        let map = map_region(&file, 4096, 4096).unwrap();
        let w = unsafe { map.as_ptr().cast::<u32>().read_volatile() };
        assert_eq!(u32::from_le(w), 0x4C34_4C42);
    }

    #[test]
    fn a_character_device_that_is_not_mqnic_fails_the_version_ioctl() {
        // /dev/null is a character device that knows no ioctl (ENOTTY).
        let e = open(&Sysfs::at("/nonexistent"), Path::new("/dev/null")).unwrap_err().to_string();
        assert!(e.contains("MQNIC_IOCTL_GET_API_VERSION failed") && e.contains("mqnic driver"), "{e}");
    }

    #[test]
    fn names() {
        assert!(is_mqnic_name("mqnic0") && is_mqnic_name("mqnic17"));
        assert!(!is_mqnic_name("mqnic") && !is_mqnic_name("mqnicX") && !is_mqnic_name("eth0"));
    }

    #[test]
    fn a_regular_file_is_not_an_mqnic_device() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mqnic0");
        std::fs::write(&path, [0u8; 4096]).unwrap();
        let e = open(&Sysfs::at(dir.path()), &path).unwrap_err().to_string();
        assert!(e.contains("not a character device"), "{e}");
        let e = open(&Sysfs::at(dir.path()), &dir.path().join("mqnic9")).unwrap_err().to_string();
        assert!(e.contains("modprobe mqnic"), "{e}");
    }
}
