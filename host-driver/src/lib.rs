//! Host driver (placeholder).
