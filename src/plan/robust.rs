//! The second stage of the robust plan (`--robust`, one period): the draws
//! whose demand the shared sites must serve, and the price of demand left
//! unserved.

use super::demand::PlanDemand;
use super::families::{Family, Nursing};
use super::horizon::Horizon;
use crate::demand::Simulation;
use crate::scenario::Scenario;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Recourse {
    pub draws: Vec<PlanDemand>,
    /// Simulation draw index of each entry of `draws`.
    pub draw_ids: Vec<usize>,
    /// Unmet demand costs this many times the annualised cost of providing
    /// one unit of the family's capacity (see [`Recourse::penalty`]).
    pub penalty_factor: f64,
}

impl Recourse {
    /// The first `k` draws of `sim` at output year index `year`.
    pub fn from_simulation(sim: &Simulation, year: usize, k: usize, penalty_factor: f64) -> Self {
        let k = k.min(sim.draws());
        Recourse {
            draws: (0..k).map(|d| PlanDemand::of_draw(sim, year, d)).collect(),
            draw_ids: (0..k).collect(),
            penalty_factor,
        }
    }

    /// Yuan per year per unit of unmet demand of family `f`: the factor ×
    /// the annualised cost of one unit of capacity (a bed or place with its
    /// nursing fit-out, a hall, a plot), at least 1 yuan so unmet demand is
    /// never free.
    pub fn penalty(&self, s: &Scenario, h: &Horizon, f: Family) -> f64 {
        let c = &s.config.costs;
        let def = f.def();
        let extra = if def.nursing == Nursing::None { 0.0 } else { c.nursing_bed_extra_yuan };
        self.penalty_factor * (h.annuity * ((def.unit_cost)(c) + extra)).max(1.0)
    }
}

/// Unmet demand of one family across the robust plan's draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmetDemand {
    pub family: Family,
    pub penalty_yuan_per_unit: f64,
    /// Mean over the draws of the county's unmet demand (units of the family).
    pub expected: f64,
    /// The largest, and the simulation draw it occurs in.
    pub worst: f64,
    pub worst_draw: usize,
    /// Draws with any unmet demand.
    pub draws_short: usize,
}

/// What the robust plan leaves unserved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RobustReport {
    pub draws: usize,
    pub penalty_factor: f64,
    /// Mean penalty over the draws, yuan per year.
    pub unmet_cost_yuan_per_year: f64,
    pub families: Vec<UnmetDemand>,
}
