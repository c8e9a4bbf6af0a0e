//! Verilator harness for the l4lb RTL (placeholder).
