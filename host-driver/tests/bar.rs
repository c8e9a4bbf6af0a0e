//! The PCI access layer on temporary files: an offline BAR image and a stand-in for a sysfs
//! resource file.

use l4lb_core::regmap::{self, defaults};
use l4lb_core::regs::{RegError, RegisterAccess};
use l4lb_driver::bar::MmapBar;
use l4lb_driver::{Device, DriverError};
use std::path::Path;

fn image(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("bar.img")
}

#[test]
fn a_new_image_is_a_reset_device() {
    let dir = tempfile::tempdir().unwrap();
    let path = image(&dir);
    let mut bar = MmapBar::open_image(&path).unwrap();
    assert_eq!(bar.size(), regmap::BAR_SIZE);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), regmap::BAR_SIZE);
    for (offset, want) in [
        (regmap::REG_ID, regmap::ID_VALUE),
        (regmap::REG_VERSION, regmap::VERSION_VALUE),
        (regmap::REG_CAP_WIDTH, defaults::DATA_WIDTH),
        (regmap::REG_CAP_VIPS, defaults::VIP_COUNT),
        (regmap::REG_CAP_VIP_BUCKETS, defaults::VIP_BUCKETS),
        (regmap::REG_CAP_BACKENDS, defaults::BACKEND_COUNT),
        (regmap::REG_CAP_RING, defaults::RING_ENTRIES),
        (regmap::REG_CAP_MAX_LEN, defaults::MAX_LEN),
        (regmap::REG_CTRL, 0),
        (regmap::REG_HASH_SEED, 0),
    ] {
        assert_eq!(bar.read32(offset).unwrap(), want, "register {offset:#x}");
    }
    // The same values are in the file, little-endian.
    drop(bar);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes[0..4], regmap::ID_VALUE.to_le_bytes());
    assert_eq!(bytes[4..8], regmap::VERSION_VALUE.to_le_bytes());
    // And the driver takes it for a device with the default capabilities.
    let dev = Device::open(MmapBar::open_image(&path).unwrap()).unwrap();
    assert_eq!(dev.caps().vip_buckets, defaults::VIP_BUCKETS);
}

#[test]
fn accesses_are_bounds_and_alignment_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut bar = MmapBar::open_image(&image(&dir)).unwrap();
    let last = (regmap::BAR_SIZE - 4) as u32;
    bar.write32(last, 0xDEAD_BEEF).unwrap();
    assert_eq!(bar.read32(last).unwrap(), 0xDEAD_BEEF);
    assert!(matches!(bar.read32(regmap::BAR_SIZE as u32), Err(RegError::OutOfBounds { .. })));
    assert!(matches!(bar.write32(regmap::BAR_SIZE as u32, 1), Err(RegError::OutOfBounds { .. })));
    assert!(matches!(bar.read32(u32::MAX - 3), Err(RegError::OutOfBounds { .. })));
    for off in [1, 2, 3, 0x41] {
        assert!(matches!(bar.read32(off), Err(RegError::Unaligned { .. })), "{off}");
        assert!(matches!(bar.write32(off, 1), Err(RegError::Unaligned { .. })), "{off}");
    }
    // A 64-bit counter: low word at +0, high at +4.
    bar.write32(0x100, 0x89AB_CDEF).unwrap();
    bar.write32(0x104, 0x0123_4567).unwrap();
    assert_eq!(bar.read64(0x100).unwrap(), 0x0123_4567_89AB_CDEF);
}

#[test]
fn writes_reach_the_file_and_other_mappings() {
    let dir = tempfile::tempdir().unwrap();
    let path = image(&dir);
    let mut a = MmapBar::open_image(&path).unwrap();
    let mut b = MmapBar::open_image(&path).unwrap();
    for (i, v) in [0u32, 1, 0x8000_0000, 0xFFFF_FFFF, 0x1234_5678].into_iter().enumerate() {
        let off = regmap::RING.word(i as u32, 0);
        a.write32(off, v).unwrap();
        // Volatile accesses through a shared mapping: the other mapping sees each store.
        assert_eq!(b.read32(off).unwrap(), v);
    }
    a.flush().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let at = regmap::RING.word(4, 0) as usize;
    assert_eq!(bytes[at..at + 4], [0x78, 0x56, 0x34, 0x12]);
}

fn must_refuse_unchanged(path: &Path, what: &str) -> String {
    let before = std::fs::read(path).unwrap();
    let err = match MmapBar::open_image(path) {
        Err(e) => e,
        Ok(bar) => match Device::open(bar) {
            Err(e) => e,
            Ok(_) => panic!("{what}: accepted"),
        },
    };
    assert!(std::fs::read(path).unwrap() == before, "{what}: the file changed");
    err.to_string()
}

#[test]
fn an_image_of_the_wrong_size_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = image(&dir);
    std::fs::write(&path, b"this is not a BAR image\n".repeat(100)).unwrap();
    let e = must_refuse_unchanged(&path, "small file");
    assert!(e.contains("bytes") && e.contains(&regmap::BAR_SIZE.to_string()), "{e}");
    std::fs::write(&path, []).unwrap();
    must_refuse_unchanged(&path, "empty file");
}

#[test]
fn an_image_without_the_id_is_refused_by_device_open_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = image(&dir);
    // Garbage of the right size.
    let garbage: Vec<u8> = (0..regmap::BAR_SIZE as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let e = must_refuse_unchanged(&path, "garbage");
    assert!(e.contains("not an l4lb device") && e.contains("0x4c344c42"), "{e}");
    // All ones: what a PCI read that nobody answers returns.
    std::fs::write(&path, vec![0xFFu8; regmap::BAR_SIZE as usize]).unwrap();
    let e = must_refuse_unchanged(&path, "all ones");
    assert!(e.contains("does not answer") && e.contains("enable"), "{e}");
    // Zeros of the right size.
    std::fs::write(&path, vec![0u8; regmap::BAR_SIZE as usize]).unwrap();
    let e = must_refuse_unchanged(&path, "zeros");
    assert!(e.contains("ID register reads 0x00000000"), "{e}");
}

#[test]
fn another_major_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = image(&dir);
    let mut bar = MmapBar::open_image(&path).unwrap();
    bar.write32(regmap::REG_VERSION, 0x0001_0003).unwrap();
    drop(bar);
    let e = must_refuse_unchanged(&path, "version 1.3");
    assert!(e.contains("1.3") && e.contains("2.x"), "{e}");
    // Another minor version of the same major is fine.
    let mut bar = MmapBar::open_image(&path).unwrap();
    bar.write32(regmap::REG_VERSION, 0x0002_0007).unwrap();
    assert!(Device::open(bar).is_ok());
}

#[test]
fn resource_files_are_never_created_and_must_be_big_enough() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("resource2");
    let e = MmapBar::open_resource(&missing).unwrap_err().to_string();
    assert!(e.contains("no such file"), "{e}");
    assert!(!missing.exists());

    let small = dir.path().join("small");
    std::fs::write(&small, [0u8; 64]).unwrap();
    let e = MmapBar::open_resource(&small).unwrap_err().to_string();
    assert!(e.contains("smaller"), "{e}");

    // A 64 KiB BAR (Corundum's template default) identifies as l4lb but cannot hold the tables.
    let bar64k = dir.path().join("resource2_64k");
    std::fs::write(&bar64k, vec![0u8; 64 << 10]).unwrap();
    let mut bar = MmapBar::open_resource(&bar64k).unwrap();
    assert_eq!(bar.size(), 64 << 10);
    for (off, v) in l4lb_driver::bar::reset_registers() {
        bar.write32(off, v).unwrap();
    }
    let e = match Device::open(bar) {
        Err(DriverError::BadCaps(m)) => m,
        other => panic!("expected BadCaps, got {:?}", other.err()),
    };
    assert!(e.contains("register window"), "{e}");
}
