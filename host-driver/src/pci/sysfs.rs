//! PCI access through sysfs: a device's BAR 2 is the file
//! `/sys/bus/pci/devices/<addr>/resource2`, mapped with `mmap` (as Corundum's own userspace
//! library does). Before mapping, the device's `vendor` and `device` files must name a Corundum
//! board (`super::CORUNDUM_IDS`): a PCI address typed wrong must not reach another device's
//! registers. `list_boards` is `l4lb devices`.

use super::{PciAddr, Sysfs, APP_BAR, CORUNDUM_IDS};
use crate::bar::{MmapBar, MIN_WINDOW};
use crate::error::DriverError;
use l4lb_core::regmap;
use memmap2::MmapOptions;
use serde::Serialize;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// A PCI ID file (`vendor`, `device`): `0x1234` and a newline.
fn read_id(path: &Path) -> io::Result<u16> {
    let text = std::fs::read_to_string(path)?;
    let t = text.trim();
    t.strip_prefix("0x")
        .and_then(|h| u16::from_str_radix(h, 16).ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("{t:?} is not a PCI ID")))
}

/// The (vendor, device) IDs of the device whose sysfs folder is `dir`.
pub fn ids_at(sys: &Sysfs, dir: &Path) -> Result<(u16, u16), DriverError> {
    let id = |name: &str| {
        let path = dir.join(name);
        read_id(&path).map_err(|e| DriverError::Open { path: PathBuf::from(sys.shown(&path)), reason: e.to_string() })
    };
    Ok((id("vendor")?, id("device")?))
}

/// The sysfs folder of `addr`, refused unless it exists and is a Corundum board.
pub fn corundum_dir(sys: &Sysfs, addr: &PciAddr) -> Result<PathBuf, DriverError> {
    let dir = sys.device_dir(addr);
    if !dir.is_dir() {
        return Err(DriverError::NoSuchPciDevice { addr: addr.to_string() });
    }
    check_corundum(sys, addr.as_str(), &dir)?;
    Ok(dir)
}

/// Refuses the device in `dir` unless its IDs are Corundum's.
pub fn check_corundum(sys: &Sysfs, name: &str, dir: &Path) -> Result<(), DriverError> {
    let (vendor, device) = ids_at(sys, dir)?;
    if CORUNDUM_IDS.contains(&(vendor, device)) {
        Ok(())
    } else {
        Err(DriverError::NotCorundum { addr: name.to_string(), vendor, device })
    }
}

/// The kernel driver bound to the device in `dir` (`mqnic`, `vfio-pci`), if any.
pub fn driver_at(dir: &Path) -> Option<String> {
    let link = std::fs::read_link(dir.join("driver")).ok()?;
    link.file_name().and_then(|n| n.to_str()).map(str::to_string)
}

/// `0000:01:00.0`: checks the IDs and maps `resource2` read-write.
pub fn open_bar(sys: &Sysfs, addr: &PciAddr) -> Result<MmapBar, DriverError> {
    let dir = corundum_dir(sys, addr)?;
    let path = dir.join(format!("resource{APP_BAR}"));
    if !path.exists() {
        return Err(DriverError::Open {
            path: PathBuf::from(sys.shown(&path)),
            reason: "the device has no BAR 2: its FPGA image was built without an application BAR \
                     (Corundum's APP_ENABLE / AXIL_APP_CTRL settings)"
                .to_string(),
        });
    }
    open_mapped(sys, &path)
}

/// `/sys/bus/pci/devices/<addr>/resource2` named directly: the IDs beside it are checked when
/// they are there.
pub fn open_resource_path(sys: &Sysfs, path: &Path) -> Result<MmapBar, DriverError> {
    if let Some(dir) = path.parent().filter(|d| d.join("vendor").exists()) {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        check_corundum(sys, &name, dir)?;
    }
    open_mapped(sys, path)
}

fn open_mapped(sys: &Sysfs, path: &Path) -> Result<MmapBar, DriverError> {
    MmapBar::open_resource(path).map_err(|e| match e {
        DriverError::Open { reason, .. } if reason.starts_with("permission denied") => DriverError::Open {
            path: PathBuf::from(sys.shown(path)),
            reason: "permission denied: PCI resource files belong to root; run as root (sudo l4lb ...), or \
                     bind the device to vfio-pci and give this user /dev/vfio/<group> (then use vfio:ADDR)"
                .to_string(),
        },
        other => other,
    })
}

/// One Corundum board, as `l4lb devices` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub address: String,
    /// `1234:1001`
    pub id: String,
    /// The bound kernel driver (`mqnic`, `vfio-pci`), or null.
    pub driver: Option<String>,
    /// Size of BAR 2 in bytes (null when the device has none).
    pub bar2_bytes: Option<u64>,
    /// `/dev/mqnicN` when Corundum's kernel driver made one for this board.
    pub mqnic: Option<String>,
    /// What answers in BAR 2.
    pub application: Application,
    /// `--device` values that reach this board.
    pub device_forms: Vec<String>,
}

/// What BAR 2 holds, from its ID and VERSION registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Application {
    /// l4lb, of a register-map version this driver speaks, with its card's port count (`PORTS`,
    /// register map 2.3; 1 before).
    L4lb { version: String, ports: u32 },
    /// l4lb, but another major version of the register map.
    L4lbIncompatible { version: String },
    /// Another application (or Corundum's template), with this ID register.
    Other { id: String },
    /// Reads return all ones: the device is disabled, in reset or not loaded.
    NoResponse,
    /// The board has no BAR 2.
    NoBar,
    /// BAR 2 could not be read (permissions): the reason.
    Unreadable { reason: String },
}

impl Application {
    pub fn describe(&self) -> String {
        match self {
            Application::L4lb { version, ports: 1 } => format!("l4lb {version}"),
            Application::L4lb { version, ports } => format!("l4lb {version}, {ports} ports"),
            Application::L4lbIncompatible { version } => {
                format!("l4lb {version} (incompatible: this driver speaks {}.x)", regmap::VERSION_MAJOR)
            }
            Application::Other { id } => format!("not l4lb (ID register {id})"),
            Application::NoResponse => "no response (reads all ones: enable the device or reload the FPGA)".into(),
            Application::NoBar => "no BAR 2 (no application)".into(),
            Application::Unreadable { reason } => format!("unknown: {reason}"),
        }
    }

    /// From the ID, VERSION and PORTS registers (PORTS is looked at from register map 2.3 on).
    pub fn from_registers(id: u32, version: u32, ports_reg: u32) -> Application {
        let v = format!("{}.{}", version >> 16, version & 0xFFFF);
        match id {
            u32::MAX => Application::NoResponse,
            regmap::ID_VALUE if (version >> 16) as u16 == regmap::VERSION_MAJOR => {
                let ports = if version as u16 >= 3 { (ports_reg >> regmap::PORTS_COUNT_SHIFT) & 0xFF } else { 1 };
                Application::L4lb { version: v, ports }
            }
            regmap::ID_VALUE => Application::L4lbIncompatible { version: v },
            other => Application::Other { id: format!("{other:#010x}") },
        }
    }
}

/// Reads ID, VERSION and PORTS through a read-only mapping of `resource2`.
fn read_id_version(path: &Path) -> io::Result<(u32, u32, u32)> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len < MIN_WINDOW {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("BAR 2 is only {len} bytes")));
    }
    let words = regmap::REG_PORTS as usize / 4 + 1;
    let map = MmapOptions::new().len(4 * words).map_raw_read_only(&file)?;
    let p = map.as_ptr().cast::<u32>();
    // SAFETY: the mapping holds `words` words (the BAR is at least MIN_WINDOW bytes, checked above),
    // page aligned; volatile because these are registers.
    let (id, version, ports) =
        unsafe { (p.read_volatile(), p.add(1).read_volatile(), p.add(words - 1).read_volatile()) };
    Ok((u32::from_le(id), u32::from_le(version), u32::from_le(ports)))
}

/// The Corundum boards in the sysfs tree, by address, with what their BAR 2 holds. Reads only.
pub fn list_boards(sys: &Sysfs) -> Result<Vec<Board>, DriverError> {
    let root = sys.pci_devices();
    let entries = std::fs::read_dir(&root).map_err(|e| DriverError::Open {
        path: PathBuf::from(sys.shown(&root)),
        reason: format!("{e} (is sysfs mounted?)"),
    })?;
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    names.sort();
    let mut boards = Vec::new();
    for name in names {
        let Some(addr) = PciAddr::parse(&name) else { continue };
        let dir = root.join(&name);
        let Ok((vendor, device)) = ids_at(sys, &dir) else { continue };
        if !CORUNDUM_IDS.contains(&(vendor, device)) {
            continue;
        }
        let bar = dir.join(format!("resource{APP_BAR}"));
        let bar2_bytes = std::fs::metadata(&bar).ok().map(|m| m.len());
        let application = match bar2_bytes {
            None => Application::NoBar,
            Some(_) => match read_id_version(&bar) {
                Ok((id, version, ports)) => Application::from_registers(id, version, ports),
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                    Application::Unreadable { reason: "permission denied reading BAR 2: run as root".to_string() }
                }
                Err(e) => Application::Unreadable { reason: e.to_string() },
            },
        };
        let mqnic = std::fs::read_dir(dir.join("misc"))
            .ok()
            .and_then(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok()).find(|n| super::mqnic::is_mqnic_name(n))
            })
            .map(|n| format!("/dev/{n}"));
        let driver = driver_at(&dir);
        let mut device_forms = vec![addr.to_string()];
        if driver.as_deref() == Some("vfio-pci") {
            device_forms = vec![format!("vfio:{addr}")];
        }
        if let Some(m) = &mqnic {
            device_forms.push(m.clone());
        }
        boards.push(Board {
            address: addr.to_string(),
            id: format!("{vendor:04x}:{device:04x}"),
            driver,
            bar2_bytes,
            mqnic,
            application,
            device_forms,
        });
    }
    Ok(boards)
}
