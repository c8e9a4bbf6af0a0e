//! The register map: the one source of truth for RTL, model and driver.
//!
//! Byte offsets into the device's BAR (Corundum's application BAR, BAR 2). See
//! `docs/architecture.md`, section *Register map*. `rtl/l4lb_regmap.vh` is generated from this
//! module by [`verilog_header`] (`make regmap`); the test `rtl_header_matches` fails when they drift.

/// `ID` register value: "L4LB" in ASCII.
pub const ID_VALUE: u32 = 0x4C34_4C42;
/// Major version of the register map and data-plane contract.
pub const VERSION_MAJOR: u16 = 2;
/// Minor version.
pub const VERSION_MINOR: u16 = 3;
/// `VERSION` register value.
pub const VERSION_VALUE: u32 = ((VERSION_MAJOR as u32) << 16) | VERSION_MINOR as u32;

/// Bytes the register map spans: the 16 MiB app BAR of Corundum's board designs
/// (`AXIL_APP_CTRL_ADDR_WIDTH = 24`).
pub const BAR_SIZE: u64 = 1 << 24;
/// Address bits that decode [`BAR_SIZE`].
pub const ADDR_WIDTH: u32 = 24;

// Control block.
pub const REG_ID: u32 = 0x0000;
pub const REG_VERSION: u32 = 0x0004;
pub const REG_CAP_WIDTH: u32 = 0x0008;
pub const REG_CAP_VIPS: u32 = 0x000C;
pub const REG_CAP_VIP_BUCKETS: u32 = 0x0010;
pub const REG_CAP_BACKENDS: u32 = 0x0014;
pub const REG_CAP_RING: u32 = 0x0018;
pub const REG_CAP_LATENCY: u32 = 0x001C;
pub const REG_CAP_MAX_LEN: u32 = 0x0020;
pub const REG_CTRL: u32 = 0x0040;
pub const REG_HASH_SEED: u32 = 0x0044;
/// `BANK` (RW): bit 0 is the active table bank; every frame latches it when its VIP lookup
/// starts and reads VIP info, ring and backend from that bank only.
pub const REG_BANK: u32 = 0x0048;
/// `BANK_BUSY` (RO): bit `b` is 1 while a frame that latched bank `b` is still in the lookup
/// pipeline. The host writes a bank only when it is inactive and its busy bit reads 0.
pub const REG_BANK_BUSY: u32 = 0x004C;
/// Table banks (VIP info, backends, ring).
pub const TABLE_BANKS: u32 = 2;

// Ports (since 2.3). A card with several Ethernet ports (Corundum's application block) has one
// core per port, each with its own copy of the tables and counters. Writes go to every port;
// reads return the copy of the port `READ_PORT` names.
/// `PORTS` (RO): [7:0] the port this copy serves, [15:8] how many ports the card has (a core on
/// its own reads port 0 of 1).
pub const REG_PORTS: u32 = 0x0050;
/// `READ_PORT` (RW): [7:0] the port whose copy reads return (a port that does not exist reads 0).
pub const REG_READ_PORT: u32 = 0x0054;
/// `HAIRPIN` (RW): nibble `p` (bits `4p+3..4p`) is the TX port that frames balanced on RX port
/// `p` leave on. A nibble naming a port that does not exist sends them out of port `p` itself.
pub const REG_HAIRPIN: u32 = 0x0058;
/// `HAIRPIN` after reset: every port sends its balanced frames back out of itself.
pub const HAIRPIN_RESET: u32 = 0x7654_3210;
/// Ports [`REG_HAIRPIN`] can describe.
pub const MAX_PORTS: u32 = 8;
/// `PORTS` fields.
pub const PORTS_INDEX_SHIFT: u32 = 0;
pub const PORTS_COUNT_SHIFT: u32 = 8;

/// `CTRL` bit 0: balance VIP traffic (0: every frame passes, reason `DISABLED`).
pub const CTRL_ENABLE: u32 = 1 << 0;

// Global 64-bit counters: low word at +0, high word at +4; reading the low word latches the high.
pub const REG_CNT_FRAMES_IN: u32 = 0x0100;
pub const REG_CNT_BYTES_IN: u32 = 0x0108;
pub const REG_CNT_BALANCED: u32 = 0x0110;
pub const REG_CNT_PASSED: u32 = 0x0118;
/// Per-reason counters: `REG_CNT_REASON_BASE + 8 * reason`.
pub const REG_CNT_REASON_BASE: u32 = 0x0120;

/// Offset of the counter for `reason`.
pub const fn reg_cnt_reason(reason: Reason) -> u32 {
    REG_CNT_REASON_BASE + 8 * reason as u32
}

/// Why a frame was or was not balanced. The first rule of the contract that fails gives the
/// reason (docs/architecture.md, *Which frames are balanced*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Reason {
    Balanced = 0,
    Disabled = 1,
    BadFrame = 2,
    /// Not IPv4 or IPv6 after up to two VLAN tags.
    NotIp = 3,
    Malformed = 4,
    /// v1 only (IPv4 options); never given since v2, its counter stays 0.
    IpOptions = 5,
    Fragment = 6,
    NotTcpUdp = 7,
    TooLong = 8,
    NoVip = 9,
    NoBackend = 10,
    /// An IPv6 extension header or the TCP/UDP header starts at byte 128 or later (v2).
    TooDeep = 11,
}

impl Reason {
    /// Every reason, in number order.
    pub const ALL: [Reason; 12] = [
        Reason::Balanced,
        Reason::Disabled,
        Reason::BadFrame,
        Reason::NotIp,
        Reason::Malformed,
        Reason::IpOptions,
        Reason::Fragment,
        Reason::NotTcpUdp,
        Reason::TooLong,
        Reason::NoVip,
        Reason::NoBackend,
        Reason::TooDeep,
    ];
    /// Number of reason codes (and per-reason counter slots).
    pub const COUNT: usize = 12;

    /// Name as used in docs, JSON and the RTL header (`REASON_<NAME>`).
    pub const fn name(self) -> &'static str {
        match self {
            Reason::Balanced => "BALANCED",
            Reason::Disabled => "DISABLED",
            Reason::BadFrame => "BAD_FRAME",
            Reason::NotIp => "NOT_IP",
            Reason::Malformed => "MALFORMED",
            Reason::IpOptions => "IP_OPTIONS",
            Reason::Fragment => "FRAGMENT",
            Reason::NotTcpUdp => "NOT_TCP_UDP",
            Reason::TooLong => "TOO_LONG",
            Reason::NoVip => "NO_VIP",
            Reason::NoBackend => "NO_BACKEND",
            Reason::TooDeep => "TOO_DEEP",
        }
    }

    /// The reason with number `n`.
    pub fn from_u8(n: u8) -> Option<Reason> {
        Reason::ALL.get(n as usize).copied()
    }
}

/// A table in the BAR: entries of `stride` bytes from `base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    pub base: u32,
    pub stride: u32,
    /// Bytes reserved for the region in the map (the largest table it can hold).
    pub span: u32,
}

impl Region {
    /// Byte offset of word `word` of entry `index`.
    pub const fn word(&self, index: u32, word: u32) -> u32 {
        self.base + index * self.stride + 4 * word
    }
    /// Entries that fit the region's span.
    pub const fn max_entries(&self) -> u32 {
        self.span / self.stride
    }
}

/// VIP match slots: `2 * VIP_BUCKETS * VIP_WAYS` of them.
pub const VIP_MATCH: Region = Region { name: "VIP_MATCH", base: 0x01_0000, stride: 32, span: 0x1_0000 };
/// VIP info: ring slice per vip_id.
pub const VIP_INFO: Region = Region { name: "VIP_INFO", base: 0x02_0000, stride: 16, span: 0x1_0000 };
/// VIP counters (read-only): frames and bytes balanced per vip_id.
pub const VIP_COUNTERS: Region = Region { name: "VIP_COUNTERS", base: 0x03_0000, stride: 16, span: 0x1_0000 };
/// Backend counters (read-only, since 2.2): frames and bytes balanced to each backend entry
/// index, whatever the bank; the same words as [`VIP_COUNTERS`].
pub const BACKEND_COUNTERS: Region = Region { name: "BACKEND_COUNTERS", base: 0x04_0000, stride: 16, span: 0x1_0000 };
/// Backends, bank 0.
pub const BACKENDS: Region = Region { name: "BACKENDS", base: 0x10_0000, stride: 32, span: 0x10_0000 };
/// Backends, bank 1.
pub const BACKENDS_1: Region = Region { name: "BACKENDS_1", base: 0x20_0000, stride: 32, span: 0x10_0000 };
/// Ring, bank 0: one backend index per entry.
pub const RING: Region = Region { name: "RING", base: 0x40_0000, stride: 4, span: 0x40_0000 };
/// Ring, bank 1.
pub const RING_1: Region = Region { name: "RING_1", base: 0x80_0000, stride: 4, span: 0x40_0000 };

/// Every table region.
pub const REGIONS: [Region; 8] =
    [VIP_MATCH, VIP_INFO, VIP_COUNTERS, BACKEND_COUNTERS, BACKENDS, BACKENDS_1, RING, RING_1];

/// The backend table of bank `bank` (0 or 1).
pub const fn backends(bank: u32) -> Region {
    if bank == 0 {
        BACKENDS
    } else {
        BACKENDS_1
    }
}

/// The ring of bank `bank` (0 or 1).
pub const fn ring(bank: u32) -> Region {
    if bank == 0 {
        RING
    } else {
        RING_1
    }
}

/// Ways per VIP bucket.
pub const VIP_WAYS: u32 = 4;
/// Banks of VIP buckets (two-choice hashing).
pub const VIP_BANKS: u32 = 2;

// VIP match slot words.
pub const VIP_MATCH_W_KEY: u32 = 0; // [0] valid, [1] ipv6, [15:8] protocol, [31:16] port
pub const VIP_MATCH_W_ADDR: u32 = 1; // IPv4 address; words 1..=4 for IPv6
pub const VIP_MATCH_W_ID: u32 = 5; // [15:0] vip_id
/// Words of an address: 1 (IPv4, the other three 0) or 4 (IPv6, big-endian, first word first).
pub const ADDR_WORDS: u32 = 4;
pub const VIP_MATCH_VALID: u32 = 1 << 0;
pub const VIP_MATCH_IPV6: u32 = 1 << 1;
pub const VIP_MATCH_PROTO_SHIFT: u32 = 8;
pub const VIP_MATCH_PORT_SHIFT: u32 = 16;

// VIP info words: bank b's ring_base at word 2b, ring_size at word 2b + 1.
pub const VIP_INFO_W_RING_BASE: u32 = 0;
pub const VIP_INFO_W_RING_SIZE: u32 = 1;
pub const VIP_INFO_W_RING_BASE_1: u32 = 2;
pub const VIP_INFO_W_RING_SIZE_1: u32 = 3;

// VIP counter words (64-bit pairs).
pub const VIP_CNT_FRAMES: u32 = 0x0;
pub const VIP_CNT_BYTES: u32 = 0x8;

// Backend words.
pub const BACKEND_W_FLAGS: u32 = 0; // [0] valid, [1] ipv6, [2] mac valid
pub const BACKEND_W_MAC_HI: u32 = 1; // MAC bytes 0-3
pub const BACKEND_W_MAC_LO: u32 = 2; // [15:0] MAC bytes 4-5
pub const BACKEND_W_ADDR: u32 = 4; // IPv4 address; words 4..=7 for IPv6
pub const BACKEND_VALID: u32 = 1 << 0;
pub const BACKEND_IPV6: u32 = 1 << 1;
pub const BACKEND_MAC_VALID: u32 = 1 << 2;

/// Default RTL parameters (the `l4lb` top's parameter defaults).
pub mod defaults {
    pub const DATA_WIDTH: u32 = 512;
    pub const VIP_COUNT: u32 = 256;
    pub const VIP_BUCKETS: u32 = 128;
    pub const BACKEND_COUNT: u32 = 4096;
    pub const RING_ENTRIES: u32 = 1 << 20;
    pub const MAX_LEN: u32 = 9216;
}

/// Renders `rtl/l4lb_regmap.vh`: the register map as Verilog `localparam`s, to be included inside
/// a module body.
pub fn verilog_header() -> String {
    let mut s = String::new();
    s.push_str("// l4lb register map: generated from core/src/regmap.rs by `make regmap`. Do not edit.\n");
    s.push_str("// Include inside a module body.\n");
    s.push_str("// Each module includes the whole map and uses a part of it, so each line waives the\n");
    s.push_str("// unused-parameter lint warning for its own constant only.\n");
    let mut p = |name: &str, value: u32| {
        s.push_str(&format!(
            "/* verilator lint_off UNUSEDPARAM */ localparam [31:0] {name} = 32'h{value:08x}; /* verilator lint_on UNUSEDPARAM */\n"
        ));
    };
    p("L4LB_ID_VALUE", ID_VALUE);
    p("L4LB_VERSION_VALUE", VERSION_VALUE);
    for (name, v) in [
        ("REG_ID", REG_ID),
        ("REG_VERSION", REG_VERSION),
        ("REG_CAP_WIDTH", REG_CAP_WIDTH),
        ("REG_CAP_VIPS", REG_CAP_VIPS),
        ("REG_CAP_VIP_BUCKETS", REG_CAP_VIP_BUCKETS),
        ("REG_CAP_BACKENDS", REG_CAP_BACKENDS),
        ("REG_CAP_RING", REG_CAP_RING),
        ("REG_CAP_LATENCY", REG_CAP_LATENCY),
        ("REG_CAP_MAX_LEN", REG_CAP_MAX_LEN),
        ("REG_CTRL", REG_CTRL),
        ("REG_HASH_SEED", REG_HASH_SEED),
        ("REG_BANK", REG_BANK),
        ("REG_BANK_BUSY", REG_BANK_BUSY),
        ("REG_PORTS", REG_PORTS),
        ("REG_READ_PORT", REG_READ_PORT),
        ("REG_HAIRPIN", REG_HAIRPIN),
        ("HAIRPIN_RESET", HAIRPIN_RESET),
        ("REG_CNT_FRAMES_IN", REG_CNT_FRAMES_IN),
        ("REG_CNT_BYTES_IN", REG_CNT_BYTES_IN),
        ("REG_CNT_BALANCED", REG_CNT_BALANCED),
        ("REG_CNT_PASSED", REG_CNT_PASSED),
        ("REG_CNT_REASON_BASE", REG_CNT_REASON_BASE),
    ] {
        p(name, v);
    }
    for r in REGIONS {
        p(&format!("{}_BASE", r.name), r.base);
        p(&format!("{}_STRIDE", r.name), r.stride);
        p(&format!("{}_SPAN", r.name), r.span);
    }
    for (name, v) in [
        ("VIP_MATCH_W_KEY", VIP_MATCH_W_KEY),
        ("VIP_MATCH_W_ADDR", VIP_MATCH_W_ADDR),
        ("VIP_MATCH_W_ID", VIP_MATCH_W_ID),
        ("VIP_INFO_W_RING_BASE", VIP_INFO_W_RING_BASE),
        ("VIP_INFO_W_RING_SIZE", VIP_INFO_W_RING_SIZE),
        ("VIP_INFO_W_RING_BASE_1", VIP_INFO_W_RING_BASE_1),
        ("VIP_INFO_W_RING_SIZE_1", VIP_INFO_W_RING_SIZE_1),
        ("VIP_CNT_FRAMES", VIP_CNT_FRAMES),
        ("VIP_CNT_BYTES", VIP_CNT_BYTES),
        ("BACKEND_W_FLAGS", BACKEND_W_FLAGS),
        ("BACKEND_W_MAC_HI", BACKEND_W_MAC_HI),
        ("BACKEND_W_MAC_LO", BACKEND_W_MAC_LO),
        ("BACKEND_W_ADDR", BACKEND_W_ADDR),
        ("VIP_WAYS", VIP_WAYS),
        ("VIP_BANKS", VIP_BANKS),
    ] {
        p(name, v);
    }
    for r in Reason::ALL {
        p(&format!("REASON_{}", r.name()), r as u32);
    }
    p("REASON_COUNT", Reason::COUNT as u32);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_do_not_overlap_and_fit_the_bar() {
        let mut spans: Vec<(u32, u32)> = REGIONS.iter().map(|r| (r.base, r.base + r.span)).collect();
        spans.push((0, 0x1000)); // control block and counters
        spans.sort();
        for w in spans.windows(2) {
            assert!(w[0].1 <= w[1].0, "regions overlap: {:x?}", w);
        }
        assert!(spans.last().unwrap().1 as u64 <= BAR_SIZE);
    }

    #[test]
    fn default_tables_fit_their_regions() {
        use defaults::*;
        assert!(VIP_BANKS * VIP_BUCKETS * VIP_WAYS <= VIP_MATCH.max_entries());
        assert!(VIP_COUNT <= VIP_INFO.max_entries());
        assert!(VIP_COUNT <= VIP_COUNTERS.max_entries());
        assert!(BACKEND_COUNT <= BACKEND_COUNTERS.max_entries());
        assert!(BACKEND_COUNT <= BACKENDS.max_entries());
        assert!(RING_ENTRIES <= RING.max_entries());
        assert!(BACKEND_COUNT <= BACKENDS_1.max_entries());
        assert!(RING_ENTRIES <= RING_1.max_entries());
        // the ring holds at least 1M entries per bank (issue 4)
        const { assert!(RING_ENTRIES >= 1 << 20) };
        // new control registers stay in the control block range given to them
        const { assert!(REG_BANK >= 0x48 && REG_BANK_BUSY < 0x100) };
        const { assert!(REG_PORTS > REG_BANK_BUSY && REG_HAIRPIN < 0x100) };
        // HAIRPIN holds one nibble per port, and its reset value sends every port to itself
        assert_eq!(MAX_PORTS * 4, 32);
        for p in 0..MAX_PORTS {
            assert_eq!((HAIRPIN_RESET >> (4 * p)) & 0xF, p);
        }
        // Reason counters stay inside the control page.
        assert!(reg_cnt_reason(Reason::TooDeep) + 8 <= 0x1000);
    }

    #[test]
    fn reason_numbers_round_trip() {
        for (i, r) in Reason::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i);
            assert_eq!(Reason::from_u8(i as u8), Some(*r));
        }
        assert_eq!(Reason::from_u8(Reason::COUNT as u8), None);
    }

    /// The RTL includes `rtl/l4lb_regmap.vh`; it must be exactly what this module renders.
    #[test]
    fn rtl_header_matches() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../rtl/l4lb_regmap.vh");
        let on_disk = std::fs::read_to_string(path).expect("rtl/l4lb_regmap.vh is missing: run `make regmap`");
        assert!(
            on_disk == verilog_header(),
            "rtl/l4lb_regmap.vh differs from core/src/regmap.rs: run `make regmap` and review the RTL"
        );
    }
}
