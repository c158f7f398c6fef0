//! Outputs: every run writes one folder, atomically, with a manifest and the
//! resolved inputs beside its tables.

pub mod atomic;
pub mod county;
pub mod describe;
pub mod geojson;
pub mod html;
pub mod manifest;
pub mod plan;
pub mod simulate;
pub mod xlsx;
