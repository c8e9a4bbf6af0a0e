//! What the l4lb hardware and host agree on: the register map, the flow hash, the table layout,
//! packet views and checksums, the configuration file, and the reference model of the data plane.
//! See `docs/architecture.md` for the contract these implement.

pub mod checksum;
pub mod config;
pub mod hash;
pub mod layout;
pub mod maglev;
pub mod model;
pub mod regmap;
pub mod regs;
pub mod wire;
