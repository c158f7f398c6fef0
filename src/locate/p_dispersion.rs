//! p-dispersion (Kuby 1987; spopt's `PDispersion`): choose `p ≥ 2` sites as
//! far from each other as possible, i.e. maximise the smallest distance
//! between two chosen sites. Demand plays no part; site-to-site distances
//! come from the sites' coordinates (haversine km or Euclidean).
//!
//! ```text
//! variables  y_j ∈ {0,1} (= 1 for fixed sites), D ≥ 0
//! maximise   D
//! subject to Σ_j y_j = p
//!            D ≤ d_jk + M_jk (2 − y_j − y_k)    ∀ j < k
//! ```
//! with the tightest valid big-M per pair, `M_jk = d_max − d_jk` (`d_max` the
//! largest distance), so a row binds only when both sites are open. The
//! result has no assignments.

use super::error::LocateError;
use super::instance::Instance;
use super::milp::{self, Sense};
use super::result::{self, LocateResult};
use super::{Model, Params};
use crate::solver::SolveOptions;
use good_lp::{variable, ProblemVariables};

/// Solve the p-dispersion problem.
pub fn solve(inst: &Instance, params: &Params, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    let p = params.p.ok_or_else(|| LocateError::param("p", "p-dispersion needs the number of sites p"))?;
    if params.max_cost.is_some() {
        return Err(LocateError::param(
            "max-cost",
            "p-dispersion has no assignments, so a maximum assignment cost does not apply",
        ));
    }
    if !inst.has_site_distances() {
        return Err(LocateError::Instance(
            "p-dispersion needs site-to-site distances: give every site coordinates (lat/lon or x/y)".into(),
        ));
    }
    let m = inst.n_sites();
    let d = |a: usize, b: usize| inst.site_distance(a, b).unwrap_or(0.0);
    let d_max = (0..m).flat_map(|a| (a + 1..m).map(move |b| (a, b))).map(|(a, b)| d(a, b)).fold(0.0, f64::max);

    let mut vars = ProblemVariables::new();
    let y: Vec<_> = inst
        .sites()
        .iter()
        .map(|s| {
            let v = variable().binary();
            vars.add(if s.fixed { v.min(1.0) } else { v })
        })
        .collect();
    let dd = vars.add(variable().min(0.0).max(d_max));
    let mut constraints = vec![milp::sum(&y).eq(p as f64)];
    for a in 0..m {
        for b in a + 1..m {
            let big_m = d_max - d(a, b);
            constraints.push((dd + big_m * y[a] + big_m * y[b]).leq(d(a, b) + 2.0 * big_m));
        }
    }
    let solved = milp::solve(
        vars,
        Sense::Maximise,
        dd.into(),
        constraints,
        Vec::new(),
        opts,
        "no choice of p sites contains the fixed sites",
    )?;
    let open: Vec<bool> = y.iter().map(|&v| solved.is_on(v)).collect();
    let chosen: Vec<usize> = (0..m).filter(|&j| open[j]).collect();
    let min_dist = chosen
        .iter()
        .enumerate()
        .flat_map(|(k, &a)| chosen[k + 1..].iter().map(move |&b| (a, b)))
        .map(|(a, b)| d(a, b))
        .fold(f64::INFINITY, f64::min);
    let mut res = result::build(inst, Model::PDispersion, &open, Vec::new(), min_dist, solved.verdict);
    res.metrics.min_site_distance = Some(min_dist);
    Ok(res)
}
