//! What the fuzz targets (`fuzz/`) run on each input, and what
//! `tests/fuzz_regressions.rs` replays: arbitrary bytes split into the files
//! of a scenario or of a `locate` instance, read with the same checks as the
//! command line, and — when they pass — the stages that follow, on a small
//! budget. Any panic (or debug assertion) is a finding.
//!
//! Inputs are the files' bytes joined by NUL bytes (a NUL never appears in
//! a text file, so the split is unambiguous).

use crate::locate::{self, CsvTexts, Model, Params};
use crate::solver::SolveOptions;
use std::collections::BTreeMap;
use std::path::Path;

/// File names of a fuzzed scenario, in the order of the input's parts.
pub const SCENARIO_FILES: [&str; 7] =
    ["scenario.toml", "towns.csv", "age_structure.csv", "facilities.csv", "candidates.csv", "travel.csv", "qx.csv"];

/// File names of a fuzzed `locate` instance, in order.
pub const LOCATE_FILES: [&str; 3] = ["demand.csv", "sites.csv", "cost.csv"];

/// Join files into one fuzz input (for seed corpora).
pub fn join(files: &[&[u8]]) -> Vec<u8> {
    files.join(&0u8)
}

/// Load the scenario held in `data`; when it is valid and small, describe
/// it, run one deterministic draw and plan on it (1 s per solve).
pub fn scenario(data: &[u8]) {
    let files: BTreeMap<String, Vec<u8>> =
        data.split(|&b| b == 0).zip(SCENARIO_FILES).map(|(part, name)| (name.to_string(), part.to_vec())).collect();
    let dir = Path::new("fuzz");
    let s = match crate::scenario::load_from_memory(dir, &files) {
        Ok(s) => s,
        Err(e) => {
            // Rendering must not panic either, and stays short whatever
            // the input: a few kB per problem drawn.
            let text = e.render(false);
            let drawn = e.problems().len().min(crate::diag::RENDERED);
            assert!(text.len() <= 4000 * (drawn + 2), "{} bytes for {drawn} problems", text.len());
            return;
        }
    };
    let _ = crate::report::describe::describe(&s);
    if s.towns.len() > 20 || s.candidates.len() + s.facilities.len() > 30 {
        return;
    }
    let opts = crate::demand::SimOptions { draws: 1, seed: s.config.meta.seed, deterministic: true, progress: false };
    let sim = crate::demand::simulate(&s, &opts);
    let mut plan_opts = crate::plan::PlanOptions::default();
    plan_opts.solve.time_limit_s = 1.0;
    if let Ok(p) = crate::plan::plan(&s, &sim, &plan_opts) {
        debug_assert_eq!(crate::checks::plan(&s, &p), Ok(()));
        let _ = (crate::report::plan::site_rows(&s, &p), crate::report::plan::project_rows(&s, &p));
        let _ = crate::report::plan::summary(&s, &p);
    }
}

/// Read the instance held in `data` (demand, sites, optional costs); when
/// it reads and is small, solve a p-median, an MCLP and a p-dispersion on
/// it (1 s each).
pub fn locate(data: &[u8]) {
    let parts: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    let path = |k: usize| Path::new(LOCATE_FILES[k]);
    let texts = CsvTexts {
        // An empty first part: no demand file (p-dispersion needs none).
        demand: parts.first().filter(|b| !b.is_empty()).map(|b| (path(0), *b)),
        sites: (path(1), parts.get(1).copied().unwrap_or(b"")),
        cost: parts.get(2).map(|b| (path(2), *b)),
    };
    let inst = match locate::read_instance_from(&texts) {
        Ok(i) => i,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    if inst.n_demand() * inst.n_sites() > 400 {
        return;
    }
    let opts = SolveOptions { time_limit_s: 1.0, ..SolveOptions::default() };
    let p = inst.n_sites().min(2);
    for params in [
        Params::new(Model::PMedian).p(p),
        Params::new(Model::Mclp).p(p).radius(10.0),
        Params::new(Model::PDispersion).p(p.max(2)),
    ] {
        if let Ok(r) = locate::solve(&inst, &params, &opts) {
            assert!(r.objective.is_finite(), "{params:?}: objective {}", r.objective);
        }
    }
}
