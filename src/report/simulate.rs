//! Outputs of `civplan simulate`: tidy CSV tables of demand with uncertainty
//! bands, and the manifest that makes the run reproducible.

use super::atomic::OutputDir;
use super::manifest::Manifest;
use crate::demand::{summarise, Metric, Simulation};
use crate::demography::base::{group_label, CENSUS_GROUPS};
use crate::scenario::Scenario;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Format a value with a fixed precision, so files are byte-stable.
pub fn num(m: Metric, v: f64) -> String {
    if m == Metric::Aged60Share {
        format!("{v:.6}")
    } else {
        format!("{v:.3}")
    }
}

/// `mean,p5,p25,p50,p75,p95` of one series of draws.
fn band_cells(values: &[f64], fmt: impl Fn(f64) -> String) -> String {
    let s = summarise(values);
    [s.mean, s.p5, s.p25, s.p50, s.p75, s.p95].map(fmt).join(",")
}

/// `metric,mean,p5,p25,p50,p75,p95` of one series of draws.
fn summary_cells(m: Metric, values: &[f64]) -> String {
    format!("{},{}", m.key(), band_cells(values, |v| num(m, v)))
}

/// `demand.csv`: town × year × metric with mean, p5, p25, p50, p75, p95, and
/// whether the town's base population is derived (not a published figure).
pub fn demand_csv(sim: &Simulation) -> String {
    use rayon::prelude::*;
    // Towns in parallel (each its own block of lines), joined in town order.
    let blocks: Vec<String> = (0..sim.town_codes.len())
        .into_par_iter()
        .map(|t| {
            let (code, name) = (&sim.town_codes[t], &sim.town_names[t]);
            let derived = sim.town_derived.get(t).copied().unwrap_or(false);
            let mut out = String::new();
            for (y, year) in sim.years.iter().enumerate() {
                for m in Metric::ALL {
                    let cells = summary_cells(m, &sim.town_values(y, t, m));
                    let _ = writeln!(out, "{code},{name},{year},{cells},{derived}");
                }
            }
            out
        })
        .collect();
    String::from("town_code,town_name,year,metric,mean,p5,p25,p50,p75,p95,residents_derived\n") + &blocks.concat()
}

/// `county.csv`: county totals per draw, summarised (not sums of town quantiles).
pub fn county_csv(sim: &Simulation) -> String {
    use rayon::prelude::*;
    // Lines in parallel, joined in (year, metric) order.
    let lines: Vec<String> = (0..sim.years.len() * Metric::COUNT)
        .into_par_iter()
        .map(|i| {
            let (y, m) = (i / Metric::COUNT, Metric::ALL[i % Metric::COUNT]);
            format!("{},{}\n", sim.years[y], summary_cells(m, &sim.county_values(y, m)))
        })
        .collect();
    String::from("year,metric,mean,p5,p25,p50,p75,p95\n") + &lines.concat()
}

/// `pyramid.csv`: the county by year, sex and census age group, with bands.
pub fn pyramid_csv(sim: &Simulation) -> String {
    let mut out = String::from("year,sex,age_group,mean,p5,p25,p50,p75,p95\n");
    for (y, year) in sim.years.iter().enumerate() {
        for (sex, name) in [(0, "male"), (1, "female")] {
            for (k, &(lo, hi)) in CENSUS_GROUPS.iter().enumerate() {
                let cells = band_cells(&sim.pyramid_values(y, sex, k), |v| format!("{v:.1}"));
                let _ = writeln!(out, "{year},{name},{},{cells}", group_label(lo, hi));
            }
        }
    }
    out
}

/// `draws.csv`: per-draw county totals, for researchers.
pub fn draws_csv(sim: &Simulation) -> String {
    let mut out = String::from("draw,year,metric,value\n");
    for (y, year) in sim.years.iter().enumerate() {
        for m in Metric::ALL {
            for (d, v) in sim.county_values(y, m).iter().enumerate() {
                let _ = writeln!(out, "{d},{year},{},{}", m.key(), num(m, *v));
            }
        }
    }
    out
}

/// Write a simulation into `dir` atomically (other files already in the
/// folder, such as a plan's, are kept).
pub fn write(
    scenario: &Scenario,
    sim: &Simulation,
    dir: &Path,
    keep_draws: bool,
    manifest: &Manifest,
) -> io::Result<PathBuf> {
    let mut out = OutputDir::create(dir)?;
    out.write("demand.csv", demand_csv(sim))?;
    out.write("county.csv", county_csv(sim))?;
    out.write("pyramid.csv", pyramid_csv(sim))?;
    if keep_draws {
        out.write("draws.csv", draws_csv(sim))?;
    }
    out.write("simulate.json", manifest.to_json())?;
    crate::scenario::save(scenario, &out.path("inputs"))?;
    // Every file of an earlier simulate is replaced; a draws.csv it left
    // would not match this run.
    out.discard_old("draws.csv");
    out.commit(true)
}
