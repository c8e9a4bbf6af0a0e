//! Typed views over packet bytes, in smoltcp's style: a `Packet`/`Frame` over any
//! `T: AsRef<[u8]>` with getters (setters where `T: AsMut<[u8]>`), checked once by
//! `new_checked` so its accessors cannot panic, and a `Repr` that parses and emits.
//!
//! Only what the load balancer looks at: Ethernet (with one 802.1Q tag), IPv4, TCP and UDP.

pub mod ethernet;
pub mod ipv4;
pub mod tcp;
pub mod udp;

pub use ethernet::{EtherType, Frame as EthernetFrame, Repr as EthernetRepr};
pub use ipv4::{Packet as Ipv4Packet, Repr as Ipv4Repr};
pub use tcp::{Packet as TcpPacket, Repr as TcpRepr};
pub use udp::{Packet as UdpPacket, Repr as UdpRepr};

use thiserror::Error;

/// Why bytes are not a packet of the kind asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Error {
    /// The buffer is shorter than the header or the length fields say.
    #[error("truncated packet")]
    Truncated,
    /// A field has a value the format does not allow.
    #[error("malformed packet")]
    Malformed,
    /// The checksum does not verify.
    #[error("wrong checksum")]
    Checksum,
}

/// Result of parsing packet bytes.
pub type Result<T> = core::result::Result<T, Error>;
