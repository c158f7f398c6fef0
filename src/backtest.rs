//! The back-test: project the county from its 2010 census to 2020 with the
//! scenario's mortality, fertility and migration settings, draw by draw as
//! `simulate` does, and compare with the 2020 census by sex and age group.
//!
//! The migration rates are fitted to these same two censuses (and applied
//! at their own pace: `fitted_scale` is the doubt about the years after
//! 2020, not about the decade they measure), so the total
//! (and every group the rates were fitted on) is an in-sample fit: its error
//! measures only how well the annualised, age-assigned rates and the
//! fertility settings reproduce what they were fitted to. The 80+ of 2020
//! (the 70+ of 2010, survived) depends mostly on mortality, where migration
//! is small, so it is the real test of the mortality level. The 0–9 of 2020
//! are born in the decade from the scenario's fertility settings (its TFR
//! path), while the fit closed them with the 2010 crude birth rate, so their
//! error measures the fertility settings against the 2010s.

use crate::demand::{draw_rng, summarise};
use crate::demography::base::{bounds, group_label, Pyramid};
use crate::demography::{Projector, CENSUS_2010};
use crate::scenario::Scenario;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;

/// One compared cell: an age group (or an aggregate) and a sex.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub group: String,
    /// "male", "female" or "total".
    pub sex: &'static str,
    pub projected_p5: f64,
    pub projected_p50: f64,
    pub projected_p95: f64,
    pub census: f64,
}

impl Row {
    /// p50 − census.
    pub fn error(&self) -> f64 {
        self.projected_p50 - self.census
    }

    /// (p50 − census) ÷ census.
    pub fn relative_error(&self) -> f64 {
        if self.census > 0.0 {
            self.error() / self.census
        } else {
            0.0
        }
    }
}

/// The back-test of one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub from_year: u32,
    pub to_year: u32,
    pub draws: usize,
    pub seed: u64,
    /// Age groups of the census table, then total, 60+, 65+, 80+; each by
    /// male, female and total.
    pub rows: Vec<Row>,
}

/// Aggregates reported beside the groups: label and first age.
pub const AGGREGATES: [(&str, usize); 4] = [("total", 0), ("60+", 60), ("65+", 65), ("80+", 80)];

/// Run the back-test, or None when the scenario has no 2010 census table.
/// Draw d uses the random stream of draw d (as `simulate`), so results are
/// the same for any thread count.
pub fn backtest(s: &Scenario, draws: usize, seed: u64, deterministic: bool) -> Option<Backtest> {
    let proj = Projector::from_2010(s)?;
    let draws = if deterministic { 1 } else { draws.max(1) };
    let noisy = !deterministic && proj.count_noise();
    let ends: Vec<Pyramid> = (0..draws)
        .into_par_iter()
        .map(|d| {
            let mut rng = draw_rng(seed, d);
            let demog = proj.at_fitted_pace(proj.sample_draw(&mut rng, deterministic));
            let rates = proj.year_rates(&demog, &mut rng, deterministic);
            let mut end = [[0.0; crate::demography::mortality::AGES]; 2];
            let mut visit = |year: u32, p: &Pyramid, _: &crate::demography::project::Flows| {
                if year == proj.last_year {
                    end = *p;
                }
            };
            if noisy {
                proj.project_town(0, &demog, &rates, Some(&mut rng), &mut visit);
            } else {
                proj.project_town::<ChaCha8Rng>(0, &demog, &rates, None, &mut visit);
            }
            end
        })
        .collect();
    let mut cells: Vec<(String, (usize, usize), [f64; 2])> = s
        .age_structure
        .iter()
        .map(|g| {
            let (lo, hi) = bounds(g);
            (group_label(lo, hi), (lo, hi), [g.male, g.female])
        })
        .collect();
    for (label, from) in AGGREGATES {
        let sum = |sex: usize| -> f64 {
            s.age_structure
                .iter()
                .filter(|g| g.age_from as usize >= from)
                .map(|g| if sex == 0 { g.male } else { g.female })
                .sum()
        };
        cells.push((label.to_string(), (from, crate::demography::mortality::OPEN), [sum(0), sum(1)]));
    }
    let mut rows = Vec::with_capacity(cells.len() * 3);
    for (label, (lo, hi), census) in cells {
        for (sex, name) in [(Some(0), "male"), (Some(1), "female"), (None, "total")] {
            let values: Vec<f64> = ends
                .iter()
                .map(|p| match sex {
                    Some(k) => p[k][lo..=hi].iter().sum(),
                    None => p[0][lo..=hi].iter().sum::<f64>() + p[1][lo..=hi].iter().sum::<f64>(),
                })
                .collect();
            let sm = summarise(&values);
            rows.push(Row {
                group: label.clone(),
                sex: name,
                projected_p5: sm.p5,
                projected_p50: sm.p50,
                projected_p95: sm.p95,
                census: match sex {
                    Some(k) => census[k],
                    None => census[0] + census[1],
                },
            });
        }
    }
    Some(Backtest { from_year: CENSUS_2010, to_year: proj.last_year, draws, seed, rows })
}

impl Backtest {
    /// The row of a group (or aggregate) and sex.
    pub fn row(&self, group: &str, sex: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.group == group && r.sex == sex)
    }

    /// Absolute percentage error of the p50 for the aggregates (both sexes).
    pub fn headline(&self) -> Vec<(&'static str, f64)> {
        AGGREGATES
            .iter()
            .filter_map(|(label, _)| self.row(label, "total").map(|r| (*label, 100.0 * r.relative_error().abs())))
            .collect()
    }

    /// `backtest.csv`.
    pub fn csv(&self) -> String {
        let mut out = String::from("group,sex,projected_p5,projected_p50,projected_p95,census,error,relative_error\n");
        for r in &self.rows {
            let _ = writeln!(
                out,
                "{},{},{:.1},{:.1},{:.1},{:.0},{:.1},{:.6}",
                r.group,
                r.sex,
                r.projected_p5,
                r.projected_p50,
                r.projected_p95,
                r.census,
                r.error(),
                r.relative_error()
            );
        }
        out
    }

    /// The terminal summary line.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self.headline().iter().map(|(l, e)| format!("{l} {e:.1} %")).collect();
        format!(
            "back-test {} → {} ({} draws): absolute error of the median vs the {} census: {} (the total is an in-sample fit: migration was fitted to these two censuses; 80+ tests mortality)",
            self.from_year,
            self.to_year,
            self.draws,
            self.to_year,
            parts.join(", "),
        )
    }
}
