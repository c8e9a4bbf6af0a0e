//! The l4lb testbench: replays captures through the RTL (Verilator) or the reference model, and
//! generates synthetic traffic. The `l4lb-sim` tool and the integration tests are built on it.

pub mod engine;
pub mod pcapio;
pub mod replay;
pub mod traffic;
pub mod vectors;
