//! Limits on what civplan accepts: the range of every number it reads
//! ([`range`]: one policy by unit, for scenario files, locate CSVs and
//! command-line arguments) and the size of the work it starts ([`work`]:
//! refused before it starts when it would not fit in memory).

pub mod range;
pub mod work;

pub use range::{check, check_gap, check_int, check_time_limit, show, Unit};
