//! The result of a classic model: chosen sites, every assignment, the
//! objective and how sure the solver is of it. Serialisable as the JSON the
//! command line prints.

use super::instance::Instance;
use super::Model;
use crate::solver::SolveStatus;
use serde::Serialize;

/// Fractions below this are solver noise, not assignments.
pub(crate) const FRACTION_EPS: f64 = 1e-7;

/// Demand point `demand` served (for `fraction` of its weight) by site `site`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// Index into [`Instance::demand`].
    #[serde(skip)]
    pub demand: usize,
    /// Index into [`Instance::sites`].
    #[serde(skip)]
    pub site: usize,
    pub demand_id: String,
    pub site_id: String,
    /// Share of the demand point's weight served here, in (0, 1].
    pub fraction: f64,
    /// Assignment cost (distance/time) of the pair.
    pub cost: f64,
    /// Weight served: `fraction × weight`.
    pub weight: f64,
}

/// A chosen site and what it serves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteUse {
    /// Index into [`Instance::sites`].
    #[serde(skip)]
    pub site: usize,
    pub site_id: String,
    /// Pre-selected (fixed) rather than chosen by the model.
    pub fixed: bool,
    pub capacity: Option<f64>,
    pub fixed_cost: f64,
    /// Demand weight assigned to the site.
    pub load: f64,
    /// Number of demand points (wholly or partly) assigned to the site.
    pub n_assigned: usize,
}

/// Everything a model returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocateResult {
    pub model: Model,
    /// The model's objective: total weighted cost (p-median), maximum assigned
    /// cost (p-center), covered weight (MCLP), number of sites (LSCP, LSCP-B),
    /// fixed + weighted assignment cost (CFLP), minimum pairwise distance
    /// between chosen sites (p-dispersion). Recomputed from the solution, so
    /// it carries no solver tolerance noise.
    pub objective: f64,
    pub status: SolveStatus,
    /// Relative MIP gap: 0 when proven optimal, at most the requested gap when
    /// stopped at it, HiGHS's gap when stopped by the time limit (`None` when
    /// HiGHS had no bound to measure it by).
    pub gap: Option<f64>,
    /// Ids of the chosen sites (fixed ones included), in input order.
    pub sites: Vec<String>,
    /// Indices of the chosen sites into [`Instance::sites`].
    #[serde(skip)]
    pub site_indices: Vec<usize>,
    /// Every assignment with a positive fraction, by demand point then site.
    pub assignments: Vec<Assignment>,
    /// Load of each chosen site.
    pub site_use: Vec<SiteUse>,
    pub metrics: Metrics,
}

/// Figures every model reports, whatever its objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub n_sites: usize,
    pub total_weight: f64,
    /// Weight assigned to (covered by) a chosen site.
    pub assigned_weight: f64,
    /// Weight assigned to no site (MCLP: not covered).
    pub unassigned_weight: f64,
    /// Σ weight × fraction × cost over assignments.
    pub weighted_cost: f64,
    /// Largest cost of any assignment (0 without assignments).
    pub max_assigned_cost: f64,
    /// Σ fixed cost of the chosen sites.
    pub fixed_cost: f64,
    /// LSCP-B: weight of demand points covered by two or more chosen sites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_weight: Option<f64>,
    /// p-dispersion: smallest distance between two chosen sites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_site_distance: Option<f64>,
}

/// The solver's verdict, carried from a MILP solve into the result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Verdict {
    pub status: SolveStatus,
    pub gap: Option<f64>,
}

/// Assemble a result from the open sites and `(demand, site, fraction)`
/// triples; `objective` is computed by the caller from the same data.
pub(crate) fn build(
    inst: &Instance,
    model: Model,
    open: &[bool],
    mut triples: Vec<(usize, usize, f64)>,
    objective: f64,
    verdict: Verdict,
) -> LocateResult {
    triples.retain(|t| t.2 > FRACTION_EPS);
    triples.sort_by_key(|a| (a.0, a.1));
    let site_indices: Vec<usize> = (0..open.len()).filter(|&j| open[j]).collect();
    let mut load = vec![0.0; open.len()];
    let mut count = vec![0usize; open.len()];
    let assignments: Vec<Assignment> = triples
        .into_iter()
        .map(|(i, j, f)| {
            let f = f.min(1.0);
            let w = inst.demand()[i].weight * f;
            load[j] += w;
            count[j] += 1;
            Assignment {
                demand: i,
                site: j,
                demand_id: inst.demand()[i].id.clone(),
                site_id: inst.sites()[j].id.clone(),
                fraction: f,
                cost: inst.cost(i, j),
                weight: w,
            }
        })
        .collect();
    let site_use: Vec<SiteUse> = site_indices
        .iter()
        .map(|&j| {
            let s = &inst.sites()[j];
            SiteUse {
                site: j,
                site_id: s.id.clone(),
                fixed: s.fixed,
                capacity: s.capacity,
                fixed_cost: s.fixed_cost,
                load: load[j],
                n_assigned: count[j],
            }
        })
        .collect();
    let total_weight = inst.total_weight();
    let assigned_weight: f64 = assignments.iter().map(|a| a.weight).sum();
    let metrics = Metrics {
        n_sites: site_indices.len(),
        total_weight,
        assigned_weight,
        unassigned_weight: (total_weight - assigned_weight).max(0.0),
        weighted_cost: assignments.iter().map(|a| a.weight * a.cost).sum(),
        max_assigned_cost: assignments.iter().map(|a| a.cost).fold(0.0, f64::max),
        fixed_cost: site_indices.iter().map(|&j| inst.sites()[j].fixed_cost).sum(),
        backup_weight: None,
        min_site_distance: None,
    };
    LocateResult {
        model,
        objective,
        status: verdict.status,
        gap: verdict.gap,
        sites: site_indices.iter().map(|&j| inst.sites()[j].id.clone()).collect(),
        site_indices,
        assignments,
        site_use,
        metrics,
    }
}

/// Each demand point's cheapest open site with cost at most `limit`
/// (ties to the lower site index); `None` when there is none.
pub(crate) fn nearest_open(inst: &Instance, open: &[bool], limit: f64) -> Vec<Option<usize>> {
    (0..inst.n_demand())
        .map(|i| {
            let row = inst.cost_row(i);
            let mut best: Option<usize> = None;
            for (j, &c) in row.iter().enumerate() {
                if open[j] && c <= limit && best.is_none_or(|b| c < row[b]) {
                    best = Some(j);
                }
            }
            best
        })
        .collect()
}

/// Whole assignments `(i, j, 1.0)` from [`nearest_open`].
pub(crate) fn whole(nearest: &[Option<usize>]) -> Vec<(usize, usize, f64)> {
    nearest.iter().enumerate().filter_map(|(i, j)| j.map(|j| (i, j, 1.0))).collect()
}
