//! A fake sysfs tree in a temporary folder: PCI devices with `vendor`, `device`, a `resource2`
//! file holding a BAR image, and optionally a `driver` link, an `iommu_group` link and a
//! `misc/mqnicN` folder, laid out as Linux lays out `/sys`.
#![allow(dead_code)]

use l4lb_core::regs::RegisterAccess;
use l4lb_driver::bar::MmapBar;
use std::path::{Path, PathBuf};

pub struct FakeSys {
    pub dir: tempfile::TempDir,
}

/// What BAR 2 of a fake board holds.
pub enum Bar {
    /// A freshly reset l4lb of the default build.
    L4lb,
    /// A 16 MiB BAR whose ID and VERSION registers hold these values.
    Words { id: u32, version: u32 },
    /// No BAR 2.
    None,
}

impl FakeSys {
    pub fn new() -> FakeSys {
        let s = FakeSys { dir: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(s.root().join("bus/pci/devices")).unwrap();
        s
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn device_dir(&self, addr: &str) -> PathBuf {
        self.root().join("bus/pci/devices").join(addr)
    }

    pub fn resource2(&self, addr: &str) -> PathBuf {
        self.device_dir(addr).join("resource2")
    }

    /// Adds a PCI device. On Linux the device folders are links into `devices/pci...`; a plain
    /// folder reads the same.
    pub fn board(&self, addr: &str, vendor: u16, device: u16, bar: Bar) -> &FakeSys {
        let dir = self.device_dir(addr);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("vendor"), format!("0x{vendor:04x}\n")).unwrap();
        std::fs::write(dir.join("device"), format!("0x{device:04x}\n")).unwrap();
        std::fs::write(dir.join("config"), [0u8; 256]).unwrap();
        match bar {
            Bar::L4lb => drop(MmapBar::open_image(&dir.join("resource2")).unwrap()),
            Bar::Words { id, version } => {
                let mut b = MmapBar::open_image(&dir.join("resource2")).unwrap();
                b.write32(0, id).unwrap();
                b.write32(4, version).unwrap();
            }
            Bar::None => {}
        }
        self
    }

    /// Binds `addr` to `driver` (a `driver` link to `bus/pci/drivers/<driver>`).
    pub fn bind(&self, addr: &str, driver: &str) -> &FakeSys {
        let target = self.root().join("bus/pci/drivers").join(driver);
        std::fs::create_dir_all(&target).unwrap();
        std::os::unix::fs::symlink(&target, self.device_dir(addr).join("driver")).unwrap();
        self
    }

    pub fn iommu_group(&self, addr: &str, group: u32) -> &FakeSys {
        let target = self.root().join("kernel/iommu_groups").join(group.to_string());
        std::fs::create_dir_all(&target).unwrap();
        std::os::unix::fs::symlink(&target, self.device_dir(addr).join("iommu_group")).unwrap();
        self
    }

    pub fn mqnic(&self, addr: &str, name: &str) -> &FakeSys {
        std::fs::create_dir_all(self.device_dir(addr).join("misc").join(name)).unwrap();
        self
    }
}
