//! The planning model of `civplan plan`: what to build where, when and how
//! big, and what to do with what exists, so that the county plan's norms
//! hold period by period on a quantile of the Monte Carlo demand, at least
//! present cost.
//!
//! # Formulation
//!
//! Sets: periods p, q (the scenario's `[plan] periods`); towns i, t; demand
//! families f ([`families`]: beds, centralised-care places, funeral halls,
//! grave plots); candidates j; existing facilities e (a row of `count_e`
//! facilities); the sites k of a family (its located existing facilities,
//! one pseudo-site for its stock without a town, its candidates).
//!
//! Decisions ([`model::decisions`]):
//! * `open[j,p]` ∈ {0,1}: candidate j is built in period p, at most once;
//!   at most one candidate of an option group, exactly one when the project
//!   is committed. Its size is a whole number of units from its `sizes`
//!   (module binaries, or `lo·open + step·k`, k integer), so an opened site
//!   always provides at least its smallest size; nursing beds (integer ≤
//!   size) for beds, eco-burial plots (integer ≤ size) for cemeteries, land
//!   between its land per unit × size and its maximum.
//! * `close[e,p]` ∈ {0..count_e} (撤并), `convert[e,p]` beds into nursing
//!   beds (改造), `transfer[e,p]` government-run beds to social operation
//!   (公建民营; a single facility whole); a facility that closes is not
//!   converted, transferred or expanded.
//! * `x[f,q,i,k]` ≥ 0: town i's demand of family f served at site k in
//!   period q, only where k is within the family's travel limit of i;
//!   Σ_i x ≤ capacity of k in q.
//! * `u[kind,t,q]` ∈ {0,1}: existing facilities of a type whose towns are
//!   not given, placed where they help the coverage norms (Σ_t u ≤ their
//!   number), reported as an assumption.
//!
//! A build of period p serves from the first period ending at least its
//! lead time after p's end; a closure removes capacity from its period on.
//!
//! Rows: every norm of the scenario, in every period in which it holds, is
//! one file of [`norms`] that writes its rows over the quantities of
//! [`rows::Qty`] (beds, nursing beds, government beds, places, land, counts
//! of facilities providing capacity, towns with a centre, residents covered,
//! demand served); and each town's demand of each family must be served
//! ([`model::demand_rows`]). Every row has a slack: fixed at 0 in the hard
//! solve; if that is infeasible, free and minimised (each divided by its
//! scale) in the elastic solve; then bounded by that optimum while cost is
//! minimised ([`solve`]). Capital spent in a period ≤ its budget
//! (`[plan] budget_wan`), with a heavily weighted slack so a budget that
//! even the committed projects exceed is reported, not a crash.
//!
//! Objective (present value at the base year, [`horizon`]): capital as its
//! annuity from the period it is spent in to the horizon's end, running
//! costs year by year, travel weight × persons × minutes × x year by year
//! (and, in the robust plan, the penalty of unmet demand).
//!
//! The same rows, evaluated on the solution ([`evaluate`]), are compliance:
//! `compliance.csv`, `plan.json` and the terminal summary read them, and
//! `describe` evaluates them on today's stock used as well as it can be
//! (the same model with no decisions), so none can disagree.

pub mod demand;
pub mod evaluate;
pub mod families;
pub mod horizon;
pub mod model;
pub mod norms;
pub mod result;
pub mod robust;
pub mod rows;
pub mod shared;
pub mod solve;
pub mod travel;

pub use demand::PlanDemand;
pub use evaluate::{Cause, ComplianceRow};
pub use families::Family;
pub use horizon::{annuity, Horizon};
pub use result::{Action, Plan};
pub use robust::Recourse;
pub use solve::{PlanError, BOUND_MIN_GAP};

use crate::demand::Simulation;
use crate::scenario::{Scenario, YearSpan};
use crate::solver::SolveOptions;
use model::{Decisions, Inputs};
use serde::Serialize;

/// Settings of a plan run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanOptions {
    /// Plan one period ending in this year instead of the scenario's periods.
    pub year: Option<u32>,
    /// Quantile of each town's demand (None: the scenario's `[plan] quantile`).
    pub quantile: Option<f64>,
    /// Yuan per person-minute of travel per year (None: the scenario's).
    pub travel_weight: Option<f64>,
    pub solve: SolveOptions,
    /// A progress bar of the `--stability` draws on stderr (a phased
    /// county's 200 draws take minutes).
    pub progress: bool,
}

/// The relative gap on cost a plan is solved to unless told otherwise
/// (`--gap`): 0.1 %, far inside the demand's own uncertainty, and what lets
/// every block go through the travel-free bound (see [`solve`]).
pub const DEFAULT_GAP: f64 = 1e-3;

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            year: None,
            quantile: None,
            travel_weight: None,
            solve: SolveOptions { mip_rel_gap: DEFAULT_GAP, ..SolveOptions::default() },
            progress: false,
        }
    }
}

impl PlanOptions {
    pub fn quantile(&self, s: &Scenario) -> f64 {
        self.quantile.unwrap_or(s.config.plan.quantile)
    }

    pub fn horizon(&self, s: &Scenario) -> Horizon {
        Horizon::from_scenario(s, self.year)
    }

    fn travel_weight(&self, s: &Scenario) -> f64 {
        self.travel_weight.unwrap_or(s.config.costs.travel_yuan_per_person_minute)
    }
}

/// The scenario to simulate for a plan: its target years and every
/// period's last year, whose demand the period plans for.
pub fn simulation_scenario(s: &Scenario, opts: &PlanOptions) -> Scenario {
    let mut sim = s.clone();
    let years = &mut sim.config.meta.target_years;
    years.extend(opts.horizon(s).end_years());
    years.sort_unstable();
    years.dedup();
    sim
}

fn year_index(sim: &Simulation, year: u32) -> Result<usize, PlanError> {
    sim.year_index(year).ok_or(PlanError::Year { year, years: sim.years.clone() })
}

/// Each period's demand, at a quantile or of one draw.
fn demands(sim: &Simulation, h: &Horizon, of: impl Fn(usize) -> PlanDemand) -> Result<Vec<PlanDemand>, PlanError> {
    h.end_years().into_iter().map(|y| year_index(sim, y).map(&of)).collect()
}

fn solve_with(
    s: &Scenario,
    h: &Horizon,
    demand: &[PlanDemand],
    decisions: Decisions,
    rc: Option<&Recourse>,
    opts: &PlanOptions,
) -> Result<Plan, PlanError> {
    let inp = Inputs { s, horizon: h, demand, decisions, travel_weight: opts.travel_weight(s), recourse: rc };
    let solved = solve::solve(&inp, &opts.solve)?;
    let plan = result::read(s, h, demand, rc, solved);
    debug_assert_eq!(crate::checks::plan(s, &plan), Ok(()));
    Ok(plan)
}

/// Plan on a scenario's simulation: each period's demand at the quantile.
pub fn plan(s: &Scenario, sim: &Simulation, opts: &PlanOptions) -> Result<Plan, PlanError> {
    let h = opts.horizon(s);
    let q = opts.quantile(s);
    let demand = demands(sim, &h, |y| PlanDemand::at_quantile(sim, y, q))?;
    solve_with(s, &h, &demand, Decisions::All, None, opts)
}

/// The plan on given demand (tests, and callers with their own demand).
pub fn plan_on(s: &Scenario, h: &Horizon, demand: &[PlanDemand], opts: &PlanOptions) -> Result<Plan, PlanError> {
    solve_with(s, h, demand, Decisions::All, None, opts)
}

/// The two-stage stochastic plan (sample average approximation) for one
/// period: the norms hold on the quantile demand; sites and sizes are shared
/// by every draw of `rc`; each draw assigns its own demand and pays the
/// penalty for what it cannot serve.
pub fn plan_robust(
    s: &Scenario,
    h: &Horizon,
    demand: &[PlanDemand],
    rc: &Recourse,
    opts: &PlanOptions,
) -> Result<Plan, PlanError> {
    solve_with(s, h, demand, Decisions::All, Some(rc), opts)
}

/// Today's stock against the norms: the model with no decisions, its
/// existing facilities used as well as they can be for the demand of `year`
/// (the base year: today; a target year: what the norms will ask of it).
/// A norm set for a later year is measured as if it held already.
pub fn today(s: &Scenario, sim: &Simulation, year: u32, opts: &PlanOptions) -> Result<Plan, PlanError> {
    let first = norms::default_year(s);
    let mut s = s.clone();
    for n in s.config.norms.0.values_mut() {
        if n.value_at(year, first).is_none() {
            n.year = Some(year);
        }
    }
    let s = &s;
    let base = s.config.meta.base_year;
    let span = YearSpan { from: year.min(base + 1).max(base), to: year };
    let h = Horizon::new(base, vec![span], s.config.costs.discount_rate, s.config.costs.lifetime_years);
    let y = year_index(sim, year)?;
    let demand = vec![PlanDemand::at_quantile(sim, y, 0.5)];
    solve_with(s, &h, &demand, Decisions::None, None, opts)
}

/// How often each candidate is built over plans solved for single draws
/// (`--stability`), and in which period. Draws run in parallel, one HiGHS
/// thread each; the result does not depend on the thread count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stability {
    pub draws: usize,
    pub periods: Vec<String>,
    /// (candidate id, share of draws building it, share by period), in
    /// candidate order.
    pub built: Vec<(String, f64, Vec<f64>)>,
    /// Draws whose plan could not meet every norm.
    pub infeasible_draws: usize,
    /// Draws whose plan stopped at the time limit (best found, not proven optimal).
    pub time_limited_draws: usize,
}

/// Solve the plan for the first `n` draws of `sim`.
pub fn stability(s: &Scenario, sim: &Simulation, n: usize, opts: &PlanOptions) -> Result<Stability, PlanError> {
    use rayon::prelude::*;
    let h = opts.horizon(s);
    let n = n.min(sim.draws());
    let one = PlanOptions { solve: SolveOptions { threads: 1, ..opts.solve }, ..*opts };
    let bar = crate::progress::counter(n, "stability plans", opts.progress);
    let plans: Result<Vec<Plan>, _> = (0..n)
        .into_par_iter()
        .map(|d| {
            let demand = demands(sim, &h, |y| PlanDemand::of_draw(sim, y, d))?;
            let plan = solve_with(s, &h, &demand, Decisions::All, None, &one);
            bar.inc(1);
            plan
        })
        .collect();
    bar.finish_and_clear();
    let plans = plans?;
    let share = |k: usize| if n > 0 { k as f64 / n as f64 } else { 0.0 };
    let built = s
        .candidates
        .iter()
        .map(|c| {
            let by_period: Vec<f64> = h
                .periods
                .iter()
                .map(|p| {
                    share(plans.iter().filter(|pl| pl.built().any(|(id, per)| id == c.id && per == p.label)).count())
                })
                .collect();
            (c.id.clone(), by_period.iter().sum(), by_period)
        })
        .collect();
    Ok(Stability {
        draws: n,
        periods: h.periods.iter().map(|p| p.label.clone()).collect(),
        built,
        infeasible_draws: plans.iter().filter(|p| !p.feasible()).count(),
        time_limited_draws: plans.iter().filter(|p| p.status == crate::solver::SolveStatus::TimeLimit).count(),
    })
}
