//! The planning model of `civplan plan`: which candidate sites open, how big,
//! and which towns each serves, so that the county's norms hold at a chosen
//! quantile of the Monte Carlo demand, at least annualised cost plus a
//! weighted travel burden.
//!
//! Formulation (one mixed-integer program for the county, built with every
//! family, since norms such as the nursing-bed share and land tie beds and
//! places; solved as its independent blocks, last bullet):
//!
//! * `open[j]` ∈ {0,1} per candidate (1 when the plan commits to it); sizes
//!   `cap[j]` (beds, places, halls or plots by the candidate's type),
//!   `nursing[j] ≤ cap[j]` for bed types, `land[j]`, each ≤ its maximum ×
//!   `open[j]`; land grows with capacity in the candidate's own ratio of
//!   maximum land to maximum capacity.
//! * Four demand families ([`Family`]): institutional beds, centralised-care
//!   places for disabled 特困 persons, funeral halls, grave plots. Each town's
//!   demand is assigned (`x[f][i][j]`) to sites of the family within the
//!   family's travel limit: candidates, located existing facilities, and the
//!   existing stock whose location the plan does not give (a pseudo-site every
//!   town may use, since that stock exists today). `Σ_i x ≤ capacity`.
//! * 镇街 centres: `has_centre[t] ≤ Σ open centres in t + located existing +
//!   unlocated[t]`, `Σ unlocated[t] ≤` the plan's count of centres whose towns
//!   are not given; the coverage and service-radius norms count these.
//! * Each norm is one feature in [`features`]: a linear constraint with a
//!   slack. The model is first solved with every slack at zero; if that is
//!   infeasible it is solved elastically (minimise the normalised slack), and
//!   the report names each norm not met and by how much.
//! * The model is solved as its independent blocks
//!   ([`crate::solver::blocks`]): no norm ties funeral halls or grave plots
//!   to beds, so on the bundled counties beds with places, halls, and plots
//!   are three MILPs, solved in parallel, and only a block that cannot meet
//!   its norms is re-solved elastically. Same optimum, far less branching.
//! * Objective: annuity × (fixed + per-bed + nursing + land + plot + hall
//!   costs) + travel weight × Σ demand × minutes × x.

pub mod capacity;
pub mod compliance;
pub mod features;
mod model;
pub mod travel;

pub use model::{annuity as annuity_factor, solve_plan, solve_robust, Mode, PlanError};

use crate::demand::{Metric, Simulation};
use crate::scenario::Scenario;
use crate::solver::SolveOptions;
use serde::Serialize;

/// Demand families the model assigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Institutional elderly-care beds.
    Beds,
    /// Centralised-care places for disabled 特困 persons.
    Places,
    /// Funeral halls.
    Halls,
    /// Grave plots (ordinary and eco-burial) in public cemeteries.
    Plots,
}

impl Family {
    pub const ALL: [Family; 4] = [Family::Beds, Family::Places, Family::Halls, Family::Plots];

    pub fn key(self) -> &'static str {
        match self {
            Family::Beds => "beds",
            Family::Places => "places",
            Family::Halls => "halls",
            Family::Plots => "plots",
        }
    }
}

/// Town demand for the planning year, one value per town.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDemand {
    pub year: u32,
    /// The quantile of the draws used (None when one draw is used).
    pub quantile: Option<f64>,
    pub residents: Vec<f64>,
    pub aged60: Vec<f64>,
    pub bed_demand: Vec<f64>,
    pub nursing_bed_demand: Vec<f64>,
    pub tekun_disabled: Vec<f64>,
    pub tekun_disabled_willing: Vec<f64>,
    pub halls_needed: Vec<f64>,
    pub grave_plots: Vec<f64>,
    pub eco_plots: Vec<f64>,
    pub deaths: Vec<f64>,
    pub cremations: Vec<f64>,
}

impl PlanDemand {
    fn build(sim: &Simulation, year: usize, q: Option<f64>, value: impl Fn(usize, Metric) -> f64) -> Self {
        let n = sim.town_codes.len();
        let col = |m: Metric| (0..n).map(|t| value(t, m)).collect::<Vec<f64>>();
        PlanDemand {
            year: sim.years[year],
            quantile: q,
            residents: col(Metric::Residents),
            aged60: col(Metric::Aged60),
            bed_demand: col(Metric::BedDemand),
            nursing_bed_demand: col(Metric::NursingBedDemand),
            tekun_disabled: col(Metric::TekunDisabled),
            tekun_disabled_willing: col(Metric::TekunDisabledWilling),
            halls_needed: col(Metric::HallsNeeded),
            grave_plots: col(Metric::GravePlotsCum),
            eco_plots: col(Metric::EcoPlotsCum),
            deaths: col(Metric::Deaths),
            cremations: col(Metric::Cremations),
        }
    }

    /// Each town's demand at quantile `q` of the draws (town by town: the
    /// county total of town quantiles is a conservative county figure).
    pub fn at_quantile(sim: &Simulation, year: usize, q: f64) -> Self {
        Self::build(sim, year, Some(q), |t, m| sim.town_quantile(year, t, m, q))
    }

    /// The demand of one draw (for `--stability`).
    pub fn of_draw(sim: &Simulation, year: usize, draw: usize) -> Self {
        Self::build(sim, year, None, |t, m| sim.values[[draw, year, t, m.index()]] as f64)
    }

    pub fn total(v: &[f64]) -> f64 {
        v.iter().sum()
    }
}

/// Settings of a plan run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanOptions {
    /// Yuan per person-minute of travel per year; None = the scenario's.
    pub travel_weight: Option<f64>,
    pub solve: SolveOptions,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions { travel_weight: None, solve: SolveOptions { mip_rel_gap: 1e-6, ..SolveOptions::default() } }
    }
}

/// One site of the plan (existing, expanded or new).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedSite {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub town_code: String,
    pub town_name: String,
    /// new, expanded or existing.
    pub status: &'static str,
    pub beds: f64,
    pub nursing_beds: f64,
    pub land_m2: f64,
    /// All plots, and the eco-burial plots among them.
    pub plots: f64,
    pub eco_plots: f64,
    pub halls: f64,
    /// Annualised build and land cost, yuan per year.
    pub cost_yuan_per_year: f64,
    /// Codes of the towns whose demand it serves.
    pub towns_served: Vec<String>,
}

/// One assignment: part of a town's demand of a family served by a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanAssignment {
    pub family: Family,
    pub town_code: String,
    pub town_name: String,
    pub site_id: String,
    pub amount: f64,
    pub minutes: f64,
}

/// A norm or demand that the plan cannot meet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    pub norm: String,
    pub meaning: String,
    pub source: String,
    pub required: f64,
    pub achievable: f64,
    pub shortfall: f64,
    pub unit: String,
    /// Where, when the shortfall is local (towns).
    pub where_: Vec<String>,
}

/// The second stage of the robust plan (`--robust`): the draws whose demand
/// the shared sites must serve, and the price of demand left unserved.
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
    pub fn penalty(&self, s: &Scenario, f: Family) -> f64 {
        let c = &s.config.costs;
        let unit = match f {
            Family::Beds | Family::Places => c.bed_yuan + c.nursing_bed_extra_yuan,
            Family::Halls => c.hall_yuan,
            Family::Plots => c.grave_plot_yuan,
        };
        self.penalty_factor * (model::annuity(c.discount_rate, c.lifetime_years) * unit).max(1.0)
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
    /// Mean penalty over the draws, yuan per year (in the objective).
    pub unmet_cost_yuan_per_year: f64,
    pub families: Vec<UnmetDemand>,
}

/// The result of a plan run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub demand: PlanDemand,
    /// Only for a robust plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robust: Option<RobustReport>,
    pub sites: Vec<PlannedSite>,
    pub assignments: Vec<PlanAssignment>,
    /// Empty when every norm holds.
    pub shortfalls: Vec<Shortfall>,
    pub build_cost_yuan_per_year: f64,
    pub travel_cost_yuan_per_year: f64,
    pub objective: f64,
    pub status: crate::solver::SolveStatus,
    /// Relative MIP gap of the plan (0 when proven optimal): how far its cost
    /// may be above the best possible.
    pub gap: f64,
    /// HiGHS solves: one per block, two more per block that misses a norm.
    pub solves: usize,
    /// Independent blocks the model falls into ([`crate::solver::blocks`]).
    pub blocks: usize,
    pub variables: usize,
    pub constraints: usize,
}

impl Plan {
    pub fn feasible(&self) -> bool {
        self.shortfalls.is_empty()
    }

    /// Ids of the candidates the plan opens (new or expanded).
    pub fn opened(&self) -> Vec<&str> {
        self.sites.iter().filter(|s| s.status != "existing").map(|s| s.id.as_str()).collect()
    }
}

/// Plan on a scenario's simulation: demand at `year` and quantile `q`.
pub fn plan(s: &Scenario, sim: &Simulation, year: u32, q: f64, opts: &PlanOptions) -> Result<Plan, PlanError> {
    let y = sim.year_index(year).ok_or(PlanError::Year { year, years: sim.years.clone() })?;
    solve_plan(s, &PlanDemand::at_quantile(sim, y, q), opts)
}

/// Share of draws in which each candidate opens, from plans solved for
/// individual draws (`--stability`). Draws run in parallel, one HiGHS
/// thread each; the result does not depend on the thread count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stability {
    pub draws: usize,
    /// (candidate id, share of draws in which it opens), in candidate order.
    pub open_share: Vec<(String, f64)>,
    /// Draws whose plan could not meet every norm.
    pub infeasible_draws: usize,
    /// Draws whose plan stopped at the time limit (best found, not proven optimal).
    pub time_limited_draws: usize,
}

/// Solve the plan for the first `n` draws of `sim` at `year`.
pub fn stability(
    s: &Scenario,
    sim: &Simulation,
    year: u32,
    n: usize,
    opts: &PlanOptions,
) -> Result<Stability, PlanError> {
    use rayon::prelude::*;
    let y = sim.year_index(year).ok_or(PlanError::Year { year, years: sim.years.clone() })?;
    let n = n.min(sim.draws());
    let one = PlanOptions { solve: SolveOptions { threads: 1, ..opts.solve }, ..*opts };
    let plans: Vec<Plan> = (0..n)
        .into_par_iter()
        .map(|d| solve_plan(s, &PlanDemand::of_draw(sim, y, d), &one))
        .collect::<Result<_, _>>()?;
    let open_share = s
        .candidates
        .iter()
        .map(|c| {
            let k = plans.iter().filter(|p| p.opened().contains(&c.id.as_str())).count();
            (c.id.clone(), if n > 0 { k as f64 / n as f64 } else { 0.0 })
        })
        .collect();
    Ok(Stability {
        draws: n,
        open_share,
        infeasible_draws: plans.iter().filter(|p| !p.feasible()).count(),
        time_limited_draws: plans.iter().filter(|p| p.status == crate::solver::SolveStatus::TimeLimit).count(),
    })
}
