//! The PCI access layer without hardware: a fake sysfs tree (sysfs and VFIO forms), and
//! pci-driver's in-memory region under the VFIO register accessor.

mod common;

use common::{Bar, FakeSys};
use l4lb_core::config::Config;
use l4lb_core::layout::Caps;
use l4lb_core::model::ModelDevice;
use l4lb_core::regmap;
use l4lb_core::regs::{RegError, RegisterAccess};
use l4lb_driver::bar::{reset_registers, MmapBar};
use l4lb_driver::digest::table_digest;
use l4lb_driver::pci::sysfs::{list_boards, Application};
use l4lb_driver::pci::vfio::RegionBar;
use l4lb_driver::pci::{DeviceSpec, PciAddr, Sysfs};
use l4lb_driver::{Device, DriverError};
use pci_driver::regions::PciMemoryRegion;

const ADDR: &str = "0000:01:00.0";

const CONFIG: &str = r#"
hash_seed = 7
[[vip]]
address = "10.0.0.1"
port = 80
protocol = "tcp"
  [[vip.backend]]
  address = "10.1.0.1"
  mac = "02:00:00:00:01:01"
  [[vip.backend]]
  address = "10.1.0.2"
  weight = 2
"#;

fn config() -> Config {
    Config::from_toml_str(CONFIG).unwrap()
}

fn open(sys: &FakeSys, spec: &str) -> Result<Box<dyn RegisterAccess>, DriverError> {
    DeviceSpec::parse(spec)?.open(&Sysfs::at(sys.root()))
}

#[test]
fn a_pci_address_maps_resource2_of_a_corundum_board() {
    for (vendor, device) in [(0x1234, 0x1001), (0x5543, 0x1001)] {
        let sys = FakeSys::new();
        sys.board(ADDR, vendor, device, Bar::L4lb);
        let mut dev = Device::open(open(&sys, ADDR).unwrap()).unwrap();
        dev.apply(&config()).unwrap();
        drop(dev);
        // What was written is in the resource file, where an offline reader finds it.
        let mut again = Device::open(MmapBar::open_image(&sys.resource2(ADDR)).unwrap()).unwrap();
        let st = again.read_state().unwrap();
        assert!(st.enabled);
        assert_eq!(st.hash_seed, 7);
        assert_eq!(st.vips[0].vip, "10.0.0.1:80/tcp");
        assert_eq!(st.vips[0].backends.len(), 2);
        // The short form (no domain) and the resource path name the same window.
        assert!(Device::open(open(&sys, "01:00.0").unwrap()).is_ok());
    }
}

#[test]
fn a_device_that_is_not_a_corundum_board_is_refused_before_mapping() {
    let sys = FakeSys::new();
    // A Xilinx XDMA board, with an l4lb-looking BAR even: the IDs decide.
    sys.board(ADDR, 0x10ee, 0x9038, Bar::L4lb);
    let before = std::fs::read(sys.resource2(ADDR)).unwrap();
    let e = open(&sys, ADDR).err().unwrap();
    assert!(matches!(e, DriverError::NotCorundum { vendor: 0x10ee, device: 0x9038, .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("10ee:9038") && msg.contains("1234:1001") && msg.contains("l4lb devices"), "{msg}");
    // The resource path form checks the IDs beside the file too.
    let path = sys.resource2(ADDR);
    let e = l4lb_driver::pci::sysfs::open_resource_path(&Sysfs::at(sys.root()), &path).unwrap_err();
    assert!(matches!(e, DriverError::NotCorundum { .. }), "{e}");
    let e = open(&sys, &format!("vfio:{ADDR}")).err().unwrap();
    assert!(matches!(e, DriverError::NotCorundum { .. }), "{e}");
    assert!(std::fs::read(sys.resource2(ADDR)).unwrap() == before);
}

#[test]
fn missing_devices_and_bars_say_what_to_do() {
    let sys = FakeSys::new();
    let e = open(&sys, "0000:02:00.0").err().unwrap().to_string();
    assert!(e.contains("no PCI device 0000:02:00.0") && e.contains("lspci"), "{e}");
    sys.board(ADDR, 0x1234, 0x1001, Bar::None);
    let e = open(&sys, ADDR).err().unwrap().to_string();
    assert!(e.contains("no BAR 2") && e.contains("/sys/bus/pci/devices/0000:01:00.0/resource2"), "{e}");
}

#[test]
fn a_corundum_board_without_l4lb_is_refused_before_any_write() {
    let sys = FakeSys::new();
    // Corundum's application template: its ID, no l4lb registers.
    sys.board(ADDR, 0x1234, 0x1001, Bar::Words { id: 0x1234_0001, version: 0x0000_0100 });
    let before = std::fs::read(sys.resource2(ADDR)).unwrap();
    let e = Device::open(open(&sys, ADDR).unwrap()).err().unwrap();
    assert!(matches!(e, DriverError::WrongId { found: 0x1234_0001, .. }), "{e}");
    assert!(std::fs::read(sys.resource2(ADDR)).unwrap() == before);
}

#[test]
fn devices_lists_corundum_boards_and_what_they_carry() {
    let sys = FakeSys::new();
    sys.board("0000:81:00.0", 0x1234, 0x1001, Bar::L4lb).bind("0000:81:00.0", "mqnic").mqnic("0000:81:00.0", "mqnic1");
    sys.board("0000:01:00.0", 0x5543, 0x1001, Bar::Words { id: 0x1234_0001, version: 0 })
        .bind("0000:01:00.0", "vfio-pci");
    sys.board("0000:02:00.0", 0x1234, 0x1001, Bar::Words { id: regmap::ID_VALUE, version: 0x0003_0001 });
    sys.board("0000:03:00.0", 0x1234, 0x1001, Bar::Words { id: u32::MAX, version: u32::MAX });
    sys.board("0000:04:00.0", 0x1234, 0x1001, Bar::None);
    // a two-port card (PORTS: 2 ports), and one of register map 2.2 (no PORTS register: 1 port)
    sys.board("0000:05:00.0", 0x1234, 0x1001, Bar::L4lb);
    MmapBar::open_image(&sys.resource2("0000:05:00.0")).unwrap().write32(regmap::REG_PORTS, 0x0000_0200).unwrap();
    sys.board("0000:06:00.0", 0x1234, 0x1001, Bar::Words { id: regmap::ID_VALUE, version: 0x0002_0002 });
    sys.board("0000:00:1f.0", 0x8086, 0x1001, Bar::L4lb); // not Corundum: not listed
    std::fs::create_dir_all(sys.root().join("bus/pci/devices/not-a-device")).unwrap();

    let boards = list_boards(&Sysfs::at(sys.root())).unwrap();
    let addrs: Vec<&str> = boards.iter().map(|b| b.address.as_str()).collect();
    assert_eq!(
        addrs,
        [
            "0000:01:00.0",
            "0000:02:00.0",
            "0000:03:00.0",
            "0000:04:00.0",
            "0000:05:00.0",
            "0000:06:00.0",
            "0000:81:00.0"
        ]
    );
    let b = |a: &str| boards.iter().find(|b| b.address == a).unwrap();
    assert_eq!(
        b("0000:81:00.0").application,
        Application::L4lb { version: format!("{}.{}", regmap::VERSION_MAJOR, regmap::VERSION_MINOR), ports: 1 }
    );
    assert_eq!(b("0000:05:00.0").application.describe(), format!("l4lb 2.{}, 2 ports", regmap::VERSION_MINOR));
    assert_eq!(b("0000:06:00.0").application, Application::L4lb { version: "2.2".into(), ports: 1 });
    assert_eq!(b("0000:81:00.0").driver.as_deref(), Some("mqnic"));
    assert_eq!(b("0000:81:00.0").mqnic.as_deref(), Some("/dev/mqnic1"));
    assert_eq!(b("0000:81:00.0").device_forms, ["0000:81:00.0", "/dev/mqnic1"]);
    assert_eq!(b("0000:81:00.0").bar2_bytes, Some(regmap::BAR_SIZE));
    assert_eq!(b("0000:01:00.0").id, "5543:1001");
    assert_eq!(b("0000:01:00.0").application, Application::Other { id: "0x12340001".into() });
    assert_eq!(b("0000:01:00.0").device_forms, ["vfio:0000:01:00.0"]);
    assert_eq!(b("0000:02:00.0").application, Application::L4lbIncompatible { version: "3.1".into() });
    assert_eq!(b("0000:03:00.0").application, Application::NoResponse);
    assert_eq!(b("0000:04:00.0").application, Application::NoBar);
    assert_eq!(b("0000:04:00.0").bar2_bytes, None);
}

#[test]
fn vfio_needs_vfio_pci_and_an_iommu_group() {
    let sys = FakeSys::new();
    sys.board(ADDR, 0x1234, 0x1001, Bar::L4lb);
    let spec = format!("vfio:{ADDR}");
    let e = open(&sys, &spec).err().unwrap().to_string();
    assert!(e.contains("no driver") && e.contains("driver_override") && e.contains("vfio-pci"), "{e}");

    let sys = FakeSys::new();
    sys.board(ADDR, 0x1234, 0x1001, Bar::L4lb).bind(ADDR, "mqnic");
    let e = open(&sys, &spec).err().unwrap().to_string();
    assert!(e.contains("bound to driver mqnic, not vfio-pci"), "{e}");

    let sys = FakeSys::new();
    sys.board(ADDR, 0x1234, 0x1001, Bar::L4lb).bind(ADDR, "vfio-pci");
    let e = open(&sys, &spec).err().unwrap().to_string();
    assert!(e.contains("IOMMU"), "{e}");

    // Bound, with a group: pci-driver opens /dev/vfio/<group>, which this machine does not have
    // for a fake device; the error is VFIO's, with what to do.
    sys.iommu_group(ADDR, 4242);
    let e = open(&sys, &spec).err().unwrap();
    assert!(matches!(e, DriverError::Vfio(_)), "{e}");
    assert!(e.to_string().contains(ADDR), "{e}");
}

/// A BAR image in memory, as a reset device shows it.
fn reset_bar() -> Vec<u8> {
    let mut bytes = vec![0u8; regmap::BAR_SIZE as usize];
    for (off, v) in reset_registers() {
        bytes[off as usize..off as usize + 4].copy_from_slice(&v.to_le_bytes());
    }
    bytes
}

#[test]
fn the_vfio_accessor_on_pci_drivers_in_memory_region() {
    let mut bytes = reset_bar();
    {
        let region = PciMemoryRegion::new_mut(&mut bytes);
        let mut bar = RegionBar::new(region);
        assert_eq!(bar.size(), regmap::BAR_SIZE);
        // Bounds and alignment are checked before the region is touched.
        assert!(matches!(bar.read32(regmap::BAR_SIZE as u32), Err(RegError::OutOfBounds { .. })));
        assert!(matches!(bar.write32(u32::MAX - 3, 1), Err(RegError::OutOfBounds { .. })));
        assert!(matches!(bar.read32(2), Err(RegError::Unaligned { .. })));
        // The device logic runs on it as on any window.
        let mut dev = Device::open(&mut bar).unwrap();
        dev.apply(&config()).unwrap();
        let st = dev.read_state().unwrap();
        let d = table_digest(&mut dev, &st).unwrap();
        // The same config on the reference model decides the same.
        let mut model = Device::open(ModelDevice::new(Caps::default())).unwrap();
        model.apply(&config()).unwrap();
        let mst = model.read_state().unwrap();
        assert_eq!(table_digest(&mut model, &mst).unwrap(), d);
    }
    // Little-endian words in the region's bytes.
    assert_eq!(bytes[0x44..0x48], 7u32.to_le_bytes(), "HASH_SEED");
    assert_eq!(bytes[0x40..0x44], regmap::CTRL_ENABLE.to_le_bytes(), "CTRL");
    // A read-only region refuses writes with a device error, not a panic.
    let ro = PciMemoryRegion::new(&bytes);
    let mut bar = RegionBar::new(ro);
    assert_eq!(bar.read32(0).unwrap(), regmap::ID_VALUE);
    assert!(matches!(bar.write32(0x40, 0), Err(RegError::Device(_))));
}

#[test]
fn pci_addresses_parse_as_lspci_prints_them() {
    assert_eq!(PciAddr::parse("0000:af:00.1").unwrap().to_string(), "0000:af:00.1");
    assert!(PciAddr::parse("0000:af:00").is_none());
}
