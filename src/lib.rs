//! civplan: where to build, and how big.
//!
//! Data flows one way through the stages, one module each:
//! [`scenario`] (read and validate inputs) → [`demography`] (Monte Carlo
//! projection) → [`demand`] (population to service demand) → [`plan`] (the
//! county planning model) → [`report`] (outputs). [`locate`] holds the classic
//! facility-location models; both optimisation stages share [`solver`]. [`batch`]
//! runs many plans (scenarios × variations) and compares them. The
//! [`cli`] module only wires these library functions to the command line.

// Age-, sex- and town-indexed arithmetic reads like the formulas it implements
// when written with explicit indices; iterator rewrites obscure it.
#![allow(clippy::needless_range_loop)]

pub mod backtest;
pub mod batch;
pub mod checks;
pub mod cli;
pub mod demand;
pub mod demography;
pub mod diag;
#[doc(hidden)]
pub mod fuzzing;
pub mod geo;
pub mod limits;
pub mod locate;
pub mod plan;
pub mod progress;
pub mod report;
pub mod scenario;
pub mod solver;
pub mod table;
