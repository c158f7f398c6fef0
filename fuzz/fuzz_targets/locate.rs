//! The locate CSV readers (demand, sites, costs, split at NUL bytes) and,
//! for small instances, a p-median and an MCLP.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| civplan::fuzzing::locate(data));
