//! Classic facility-location models (p-median, p-center, MCLP, LSCP, CFLP,
//! p-dispersion, LSCP-B) on plain CSV input, as in PySAL spopt or ArcGIS
//! Location-Allocation, solved to proven optimality by HiGHS.
//!
//! Build an [`Instance`] (from CSV with [`read_instance`] or in memory with
//! [`Instance::new`] / [`Instance::from_coords`]), pick a [`Model`] and
//! [`Params`], and call [`solve`]. Each model's file documents the
//! formulation it builds.
//!
//! Conventions shared by all models:
//! * a site with `fixed = true` is open in every solution (and counts
//!   towards `p` and towards LSCP's number of sites);
//! * `max_cost` forbids assignments costlier than it; coverage models use
//!   `min(radius, max_cost)` as their radius;
//! * when any site has a capacity the capacitated variant is solved
//!   (multi-sourcing: a demand point may be split between sites, unless
//!   `single_source`); sites without a capacity are unlimited;
//! * the uncapacitated models assign every demand point wholly to its
//!   cheapest open site, which is what their optimal solutions do anyway.

use crate::solver::SolveOptions;
use serde::Serialize;

mod assign;
pub mod benders;
pub mod cflp;
pub mod error;
mod heuristic;
pub mod input;
pub mod instance;
pub mod lscp;
pub mod lscp_b;
pub mod mclp;
mod milp;
pub mod p_center;
pub mod p_dispersion;
pub mod p_median;
pub mod result;

pub use error::{ErrorKind, LocateError};
pub use input::{read_demand, read_instance, read_instance_from, read_sites, CsvPaths, CsvTexts};
pub use instance::{Coord, DemandPoint, Instance, Site};
pub use result::{Assignment, LocateResult, Metrics, SiteUse};

/// The classic models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Model {
    /// Minimise demand-weighted cost with exactly `p` sites.
    PMedian,
    /// Minimise the largest assignment cost with exactly `p` sites.
    PCenter,
    /// Maximal covering: maximise the weight within `radius` of `p` sites.
    Mclp,
    /// Location set covering: fewest sites covering every point within `radius`.
    Lscp,
    /// Capacitated (or uncapacitated) facility location: fixed + assignment cost.
    Cflp,
    /// `p` sites as far from each other as possible (max-min distance).
    PDispersion,
    /// LSCP, then maximise the weight covered by two or more sites.
    LscpB,
}

impl Model {
    /// Every model, in documentation order.
    pub const ALL: [Model; 7] =
        [Model::PMedian, Model::PCenter, Model::Mclp, Model::Lscp, Model::Cflp, Model::PDispersion, Model::LscpB];

    /// The command-line name (`p-median`, `lscp-b`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Model::PMedian => "p-median",
            Model::PCenter => "p-center",
            Model::Mclp => "mclp",
            Model::Lscp => "lscp",
            Model::Cflp => "cflp",
            Model::PDispersion => "p-dispersion",
            Model::LscpB => "lscp-b",
        }
    }

    /// What the objective value measures, for reports.
    pub fn objective_meaning(self) -> &'static str {
        match self {
            Model::PMedian => "total demand-weighted cost",
            Model::PCenter => "maximum assignment cost",
            Model::Mclp => "covered demand weight",
            Model::Lscp => "number of sites",
            Model::Cflp => "fixed cost + demand-weighted assignment cost",
            Model::PDispersion => "minimum distance between chosen sites",
            Model::LscpB => "number of sites (then backup-covered weight maximised)",
        }
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Model {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Model::ALL.into_iter().find(|m| m.name().eq_ignore_ascii_case(s)).ok_or_else(|| {
            let names: Vec<&str> = Model::ALL.iter().map(|m| m.name()).collect();
            format!("unknown model `{s}`, expected one of {}", names.join(", "))
        })
    }
}

/// Model parameters. Only those the model uses may be set.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub model: Model,
    /// Number of sites (p-median, p-center, MCLP, p-dispersion; optional for CFLP).
    pub p: Option<usize>,
    /// Service radius, in the unit of the costs (MCLP, LSCP, LSCP-B).
    pub radius: Option<f64>,
    /// Assignments costlier than this are forbidden.
    pub max_cost: Option<f64>,
    /// Capacitated variants: each demand point served by one site only.
    pub single_source: bool,
}

impl Params {
    /// Parameters for `model` with nothing set.
    pub fn new(model: Model) -> Self {
        Self { model, p: None, radius: None, max_cost: None, single_source: false }
    }

    pub fn p(mut self, p: usize) -> Self {
        self.p = Some(p);
        self
    }

    pub fn radius(mut self, r: f64) -> Self {
        self.radius = Some(r);
        self
    }

    pub fn max_cost(mut self, c: f64) -> Self {
        self.max_cost = Some(c);
        self
    }

    pub fn single_source(mut self, yes: bool) -> Self {
        self.single_source = yes;
        self
    }

    /// Largest allowed assignment cost (infinite when unset).
    pub(crate) fn cost_limit(&self) -> f64 {
        self.max_cost.unwrap_or(f64::INFINITY)
    }

    /// Coverage radius, capped by the maximum cost.
    pub(crate) fn cover_limit(&self) -> f64 {
        self.radius.unwrap_or(f64::INFINITY).min(self.cost_limit())
    }
}

/// Solve `params.model` on `inst` to proven optimality (within `opts`).
pub fn solve(inst: &Instance, params: &Params, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    check_params(inst, params)?;
    match params.model {
        Model::PMedian => p_median::solve(inst, params, opts),
        Model::PCenter => p_center::solve(inst, params, opts),
        Model::Mclp => mclp::solve(inst, params, opts),
        Model::Lscp => lscp::solve(inst, params, opts),
        Model::Cflp => cflp::solve(inst, params, opts),
        Model::PDispersion => p_dispersion::solve(inst, params, opts),
        Model::LscpB => lscp_b::solve(inst, params, opts),
    }
}

/// Parameter checks common to all models: presence, ranges, p against the
/// number of sites and of fixed sites.
fn check_params(inst: &Instance, params: &Params) -> Result<(), LocateError> {
    let model = params.model;
    let m = inst.n_sites();
    let n_fixed = inst.fixed_sites().len();
    let needs_p = matches!(model, Model::PMedian | Model::PCenter | Model::Mclp | Model::PDispersion);
    let uses_p = needs_p || model == Model::Cflp;
    let needs_radius = matches!(model, Model::Mclp | Model::Lscp | Model::LscpB);
    if m == 0 {
        return Err(LocateError::Instance("no candidate sites".into()));
    }
    if model != Model::PDispersion && inst.n_demand() == 0 {
        return Err(LocateError::Instance(format!("{model} needs demand points, and there are none")));
    }
    match (params.p, needs_p, uses_p) {
        (None, true, _) => return Err(LocateError::param("p", format!("{model} needs the number of sites p"))),
        (Some(_), _, false) => {
            return Err(LocateError::param(
                "p",
                format!("{model} chooses the number of sites itself; p does not apply"),
            ))
        }
        (Some(p), _, true) => {
            let min = if model == Model::PDispersion { 2 } else { 1 };
            if p < min {
                return Err(LocateError::param("p", format!("p = {p}, expected at least {min} for {model}")));
            }
            if p > m {
                return Err(LocateError::param(
                    "p",
                    format!("p = {p} is larger than the number of candidate sites ({m})"),
                ));
            }
            if n_fixed > p {
                return Err(LocateError::param(
                    "p",
                    format!("p = {p} is smaller than the number of fixed sites ({n_fixed})"),
                ));
            }
        }
        (None, false, _) => {}
    }
    match (params.radius, needs_radius) {
        (None, true) => {
            return Err(LocateError::param(
                "radius",
                format!("{model} needs a service radius (same unit as the costs)"),
            ))
        }
        (Some(_), false) => return Err(LocateError::param("radius", format!("{model} does not use a service radius"))),
        (Some(r), true) if !(r.is_finite() && r >= 0.0) => {
            return Err(LocateError::param("radius", format!("radius = {r}, expected a finite non-negative number")))
        }
        _ => {}
    }
    if let Some(c) = params.max_cost {
        if c.is_nan() || c < 0.0 {
            return Err(LocateError::param("max-cost", format!("max cost = {c}, expected a non-negative number")));
        }
    }
    Ok(())
}

/// Every demand point must have an allowed site (cost ≤ `limit`); the error
/// names every point without one (the first few with their cheapest site).
pub(crate) fn check_reachable(inst: &Instance, limit: f64, what: &str) -> Result<Vec<Vec<usize>>, LocateError> {
    /// Points described in full; the rest are only counted.
    const SHOWN: usize = 20;
    let mut allowed = Vec::with_capacity(inst.n_demand());
    let mut lost: Vec<String> = Vec::new();
    let mut n_lost = 0;
    for i in 0..inst.n_demand() {
        let row = inst.cost_row(i);
        let js: Vec<usize> = (0..row.len()).filter(|&j| row[j] <= limit).collect();
        if js.is_empty() {
            n_lost += 1;
            if lost.len() < SHOWN {
                let nearest = (0..row.len())
                    .filter(|&j| row[j].is_finite())
                    .min_by(|&a, &b| row[a].total_cmp(&row[b]))
                    .map(|j| format!(" (cheapest site `{}` at {})", inst.sites()[j].id, row[j]))
                    .unwrap_or_else(|| " (no site at all)".into());
                lost.push(format!("`{}`{nearest}", inst.demand()[i].id));
            }
        }
        allowed.push(js);
    }
    if n_lost > 0 {
        let more = if n_lost > lost.len() { format!(" and {} more", n_lost - lost.len()) } else { String::new() };
        let noun = if n_lost == 1 { "demand point" } else { "demand points" };
        return Err(LocateError::Infeasible(format!(
            "{n_lost} {noun} cannot be covered, no site within {what} {limit}: {}{more}",
            lost.join(", ")
        )));
    }
    Ok(allowed)
}

/// With capacities on every site, the capacity that `count` sites can offer
/// at most must hold the whole demand; the error says by how much it falls
/// short. `count = None` means all sites.
pub(crate) fn check_capacity(inst: &Instance, count: Option<usize>) -> Result<(), LocateError> {
    if inst.sites().iter().any(|s| s.capacity.is_none()) {
        return Ok(());
    }
    let cap = |s: &Site| s.capacity.unwrap_or(0.0);
    let need = inst.total_weight();
    let fixed: f64 = inst.sites().iter().filter(|s| s.fixed).map(cap).sum();
    let mut free: Vec<f64> = inst.sites().iter().filter(|s| !s.fixed).map(cap).collect();
    free.sort_by(|a, b| b.total_cmp(a));
    let n_fixed = inst.sites().len() - free.len();
    let k = count.map_or(free.len(), |p| p.saturating_sub(n_fixed).min(free.len()));
    let have = fixed + free[..k].iter().sum::<f64>();
    if have + 1e-9 * need.max(1.0) < need {
        let scope = match count {
            Some(p) => format!("the best {p} sites (fixed ones included) offer"),
            None => "all sites together offer".to_string(),
        };
        return Err(LocateError::Infeasible(format!(
            "site capacity too small: {scope} {have}, the demand weight is {need}, short by {}",
            need - have
        )));
    }
    Ok(())
}
