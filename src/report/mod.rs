//! Outputs: every run writes one folder, atomically.

pub mod atomic;
