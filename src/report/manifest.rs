//! The manifest every output folder carries: what ran, on which inputs, with
//! which seed and version. It holds no time stamp, host or thread count, so
//! the same run gives the same bytes anywhere.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub tool: &'static str,
    pub version: &'static str,
    /// The subcommand (simulate, plan, …).
    pub command: String,
    /// The scenario as the user named it.
    pub scenario: String,
    pub county: String,
    pub seed: u64,
    pub draws: usize,
    pub deterministic: bool,
    /// Command-specific settings (year, quantile, solver options, …).
    pub settings: serde_json::Value,
    /// The resolved inputs are saved next to this file, in `inputs/`.
    pub inputs: &'static str,
}

impl Manifest {
    pub fn new(command: &str, scenario: &str, county: &str, seed: u64, draws: usize, deterministic: bool) -> Self {
        Manifest {
            tool: "civplan",
            version: env!("CARGO_PKG_VERSION"),
            command: command.to_string(),
            scenario: scenario.to_string(),
            county: county.to_string(),
            seed,
            draws,
            deterministic,
            settings: serde_json::Value::Null,
            inputs: "inputs/",
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
