//! The scenario loader (TOML + CSV tables, split at NUL bytes) and, for
//! valid small scenarios, describe, one deterministic draw and a plan.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| civplan::fuzzing::scenario(data));
