//! Uncapacitated p-median by Benders decomposition of the radius formulation
//! (Elloumi 2010), as in Cordeau, Furini & Ljubić (2019, *Benders
//! decomposition for very large scale partial set covering and maximal
//! covering location problems*, EJOR 275) and Gaar & Sinnl (2022, *A scaled
//! Benders decomposition for the p-median problem*).
//!
//! Projecting the radius variables `z` out of Elloumi's formulation leaves
//! one cost variable per demand point:
//!
//! ```text
//! variables  y_j ∈ {0,1}                  site j open (= 1 for fixed sites)
//!            θ_i ≥ D_i^1                   cost of serving point i
//! minimise   Σ_i w_i θ_i
//! subject to Σ_j y_j = p
//!            θ_i + Σ_{j: c_ij < D} (D − c_ij) y_j ≥ D     ∀ i, every level D of i
//!            Σ_{j allowed for i} y_j ≥ 1                  ∀ i not served by construction
//! ```
//!
//! The cut for level `D` says: point i costs `D` unless a site closer than
//! `D` is open, and then at most `D` minus what that site saves. The cuts
//! are generated, not listed: at a master solution `ŷ` the point's cost in
//! the radius relaxation is `D^1 + Σ_k (D^{k+1} − D^k) max(0, 1 − Σ_{c_ij ≤ D^k} ŷ_j)`
//! and the cut at its critical level (the first whose cumulative open mass
//! reaches 1) is tight there, so the LP with every violated cut added
//! equals the LP relaxation of the radius formulation — a bound within a
//! fraction of a percent of the optimum on Euclidean instances.
//!
//! The solve runs in stages, each cheap and each able to stop the search:
//!
//! 1. **Heuristic**: greedy + interchange (the `heuristic` module) gives an
//!    upper bound `UB`; its cuts go in first, so the first LP already prices
//!    every point at least at its heuristic assignment level.
//! 2. **LP cutting planes** (Kelley): the LP master is re-solved in one HiGHS
//!    model, rows added between solves, so dual simplex restarts from the
//!    last basis (good_lp rebuilds a model per solve, which made each round
//!    cost thousands of iterations; the `highs` crate good_lp itself wraps
//!    keeps the model). Presolve is off: it would discard the basis.
//! 3. **LP rounding**: the `p` largest LP values, improved by interchange,
//!    often beat the greedy start. If `UB − LB` is within the requested gap
//!    the LP bound proves it and the solve stops here.
//! 4. **Core MILP**: sites the LP leaves at zero are closed and the master
//!    is solved as a MILP on the rest. Its optimum is a feasible solution
//!    of the whole problem, usually the optimal one, and a second chance
//!    for the LP bound to prove it.
//! 5. **Reduced-cost fixing, full MILP**: with the LP bound `LB` and the
//!    reduced cost `d_j` of a site at a bound, every solution that flips
//!    `y_j` costs at least `LB + |d_j|`; when that exceeds `UB` the site is
//!    fixed (with a relative margin, so no solution as good as the best is
//!    ever fixed out by rounding). HiGHS then solves the master as a MILP;
//!    when its solution prices a point below its true cost the cut is added
//!    and the MILP re-solved, until none is violated — the master's optimum
//!    is then the p-median optimum.
//!
//! In the MILPs the start is given to HiGHS and its primal heuristics are
//! switched off (the start is usually optimal already; sub-MIPs only spend
//! time), as are probing with lifting and restarts, which cost more than
//! they gain on the large benchmark instances.

use super::error::LocateError;
use super::heuristic;
use super::instance::Instance;
use super::p_median::{finish_nearest, levels, total_cost, Levels};
use super::result::{LocateResult, Verdict};
use crate::solver::{SolveOptions, SolveStatus};
use highs::{Col, HighsModelStatus, Model as HighsModel, RowProblem, Sense};
use std::collections::BTreeSet;
use std::time::Instant;

/// Cut violations below this, relative to the point's cost, are ignored.
const CUT_TOL: f64 = 1e-7;
/// Reduced-cost fixing keeps this relative margin on the bound comparison,
/// well above HiGHS's optimality tolerances, so no solution as good as the
/// heuristic's is ever fixed out by rounding.
const FIX_MARGIN: f64 = 1e-6;

/// Figures of one solve, for the benchmark and the verbose log.
#[derive(Debug, Clone, Copy, Default)]
pub struct BendersStats {
    pub lp_rounds: usize,
    pub cuts: usize,
    pub lp_bound: f64,
    pub heuristic_cost: f64,
    pub fixed_closed: usize,
    pub fixed_open: usize,
    pub milp_rounds: usize,
    /// Seconds: heuristic, LP cutting planes, core MILP, full MILP.
    pub secs: [f64; 4],
}

/// Point i's cost in the radius relaxation at `y` and its critical level
/// (the first whose cumulative open mass reaches 1), where the cut is tight.
/// Without one (the open mass within the allowed sites is below 1) the
/// level is the last and `short` is true: the feasibility row is violated.
struct Separation {
    value: f64,
    level: usize,
    short: bool,
}

fn separate(lv: &Levels, y: &[f64]) -> Separation {
    let mut value = lv.cost[0];
    let mut mass = 0.0;
    let last = lv.cost.len() - 1;
    for k in 0..=last {
        mass += lv.sites[k].iter().map(|&j| y[j]).sum::<f64>();
        if mass >= 1.0 - 1e-9 {
            return Separation { value, level: k, short: false };
        }
        if k < last {
            value += (lv.cost[k + 1] - lv.cost[k]) * (1.0 - mass);
        }
    }
    Separation { value, level: last, short: true }
}

struct Solved {
    x: Vec<f64>,
    reduced: Vec<f64>,
    objective: f64,
    gap: f64,
    status: HighsModelStatus,
}

/// The `p` sites with the largest LP values, fixed sites first.
fn round_lp(inst: &Instance, y: &[f64], p: usize) -> Vec<bool> {
    let mut order: Vec<usize> = (0..y.len()).collect();
    let key = |j: usize| if inst.sites()[j].fixed { 2.0 } else { y[j] };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    let mut open = vec![false; y.len()];
    for &j in order.iter().take(p) {
        open[j] = true;
    }
    open
}

fn as_values(open: &[bool]) -> Vec<f64> {
    open.iter().map(|&o| f64::from(u8::from(o))).collect()
}

/// HiGHS's primal heuristics, switched off when a start is given.
const HEURISTICS: [&str; 6] = [
    "mip_heuristic_run_rins",
    "mip_heuristic_run_rens",
    "mip_heuristic_run_root_reduced_cost",
    "mip_heuristic_run_feasibility_jump",
    "mip_heuristic_run_zi_round",
    "mip_heuristic_run_shifting",
];

const INFEASIBLE: &str = "no choice of p sites serves every demand point within the maximum cost";

/// A HiGHS model kept across solves, rows added in between.
struct Master<'a> {
    model: Option<HighsModel>,
    inst: &'a Instance,
    levels: &'a [Levels],
    y: Vec<Col>,
    theta: Vec<Option<Col>>,
    /// Feasibility row `Σ allowed y ≥ 1` already added for point i.
    feasibility: Vec<bool>,
    /// Levels of each point whose cut is in the model.
    has_cut: Vec<BTreeSet<usize>>,
    cuts: usize,
    started: Instant,
    time_limit_s: f64,
}

/// Outcome of a MILP solve of the master that prices its solution exactly.
struct MilpOutcome {
    open: Vec<bool>,
    status: SolveStatus,
    gap: Option<f64>,
}

impl<'a> Master<'a> {
    fn new(inst: &'a Instance, levels: &'a [Levels], p: usize, opts: &SolveOptions) -> Self {
        let mut problem = RowProblem::default();
        let y: Vec<Col> = inst
            .sites()
            .iter()
            .map(|s| problem.add_integer_column(0.0, if s.fixed { 1.0 } else { 0.0 }..=1.0))
            .collect();
        let theta: Vec<Option<Col>> = inst
            .demand()
            .iter()
            .zip(levels)
            .map(|(d, lv)| (d.weight > 0.0).then(|| problem.add_column(d.weight, lv.cost[0]..)))
            .collect();
        problem.add_row(p as f64..=p as f64, y.iter().map(|&c| (c, 1.0)));
        let mut model = problem.optimise(Sense::Minimise);
        model.set_option("output_flag", opts.verbose);
        model.set_option("log_to_console", opts.verbose);
        model.set_option("threads", opts.threads as i32);
        model.set_option("random_seed", 0);
        model.set_option("mip_rel_gap", opts.mip_rel_gap);
        model.set_option("mip_abs_gap", 1e-9);
        let n = levels.len();
        Master {
            model: Some(model),
            inst,
            levels,
            y,
            theta,
            feasibility: vec![false; n],
            has_cut: vec![BTreeSet::new(); n],
            cuts: 0,
            started: Instant::now(),
            time_limit_s: opts.time_limit_s,
        }
    }

    fn model(&mut self) -> &mut HighsModel {
        self.model.as_mut().expect("the model is back after every solve")
    }

    /// The cut of point i at level k: `θ_i + Σ_{c_ij < D^k} (D^k − c_ij) y_j ≥ D^k`
    /// (once; level 0 is θ's lower bound).
    fn add_cut(&mut self, i: usize, k: usize) {
        let Some(t) = self.theta[i] else { return };
        if k == 0 || self.has_cut[i].contains(&k) {
            return;
        }
        self.has_cut[i].insert(k);
        let lv = &self.levels[i];
        let d = lv.cost[k];
        let y = &self.y;
        let row: Vec<(Col, f64)> = std::iter::once((t, 1.0))
            .chain(lv.sites[..k].iter().zip(&lv.cost).flat_map(|(g, &c)| g.iter().map(move |&j| (y[j], d - c))))
            .collect();
        self.model().add_row(d.., row);
        self.cuts += 1;
    }

    /// Add every cut (and feasibility row) that `x` violates; how many.
    fn separate_all(&mut self, x: &[f64]) -> usize {
        let m = self.y.len();
        let mut added = 0;
        for (i, lv) in self.levels.iter().enumerate() {
            let sep = separate(lv, &x[..m]);
            if sep.short && !lv.always_served && !self.feasibility[i] {
                self.feasibility[i] = true;
                let row: Vec<(Col, f64)> = lv.sites.iter().flatten().map(|&j| (self.y[j], 1.0)).collect();
                self.model().add_row(1.0.., row);
                added += 1;
            }
            if let Some(t) = self.theta[i] {
                if sep.value - x[t.index()] > CUT_TOL * sep.value.abs().max(1.0) {
                    self.add_cut(i, sep.level);
                    added += 1;
                }
            }
        }
        added
    }

    /// Solve, then hand back the primal values, reduced costs, objective and status.
    fn solve(&mut self) -> Result<Solved, LocateError> {
        let left = (self.time_limit_s - self.started.elapsed().as_secs_f64()).max(0.01);
        let mut model = self.model.take().expect("the model is back after every solve");
        model.set_option("time_limit", left);
        let solved = model.try_solve().map_err(|e| LocateError::Solver(format!("HiGHS failed: {e:?}")))?;
        let status = solved.status();
        let sol = solved.get_solution();
        let out = Solved {
            x: sol.columns().to_vec(),
            reduced: sol.dual_columns().to_vec(),
            objective: solved.objective_value(),
            gap: solved.mip_gap(),
            status,
        };
        self.model = Some(solved.into());
        Ok(out)
    }

    /// Kelley's cutting planes on the LP relaxation: the LP values of the
    /// sites, their reduced costs and the bound.
    /// `None` when the time limit ran out first.
    #[allow(clippy::type_complexity)]
    fn solve_lp(&mut self) -> Result<Option<(Vec<f64>, Vec<f64>, f64, usize)>, LocateError> {
        let m = self.y.len();
        self.model().set_option("solve_relaxation", true);
        self.model().set_option("presolve", "off");
        let mut rounds = 0;
        loop {
            rounds += 1;
            let Solved { x, reduced, objective, status, .. } = self.solve()?;
            match status {
                HighsModelStatus::Optimal => {}
                HighsModelStatus::Infeasible => return Err(LocateError::Infeasible(INFEASIBLE.into())),
                HighsModelStatus::ReachedTimeLimit => return Ok(None),
                other => return Err(LocateError::Solver(format!("HiGHS stopped on the LP relaxation: {other:?}"))),
            }
            if self.separate_all(&x) == 0 {
                return Ok(Some((x[..m].to_vec(), reduced[..m].to_vec(), objective, rounds)));
            }
        }
    }

    /// Solve the master as a MILP from `start`, adding the cuts its solution
    /// violates, until it prices its solution exactly (or time runs out).
    /// `None` when the master, as bounded now, has no solution.
    fn solve_milp(&mut self, start: Option<&[bool]>, rounds: &mut usize) -> Result<Option<MilpOutcome>, LocateError> {
        self.model().set_option("solve_relaxation", false);
        self.model().set_option("presolve", "on");
        // See the module documentation for these choices.
        self.model().set_option("mip_lifting_for_probing", 0);
        self.model().set_option("mip_allow_restart", false);
        // With a start that is usually optimal already, HiGHS's primal
        // heuristics (sub-MIPs above all) only spend time; without one
        // they are what finds a first solution.
        let search = start.is_none();
        for key in HEURISTICS {
            self.model().set_option(key, search);
        }
        self.model().set_option("mip_heuristic_effort", if search { 0.05 } else { 0.0 });
        let m = self.y.len();
        let mut best: Option<(Vec<bool>, f64)> = None;
        let mut start = start.map(<[bool]>::to_vec);
        loop {
            *rounds += 1;
            if let Some(open) = &start {
                let mut x = as_values(open);
                for (i, lv) in self.levels.iter().enumerate() {
                    if self.theta[i].is_some() {
                        x.push(separate(lv, &x[..m]).value);
                    }
                }
                self.model().set_solution(Some(&x), None, None, None);
            }
            let Solved { x, gap, status, .. } = self.solve()?;
            let status = match status {
                HighsModelStatus::Optimal if gap <= 1e-9 => SolveStatus::Optimal,
                HighsModelStatus::Optimal => SolveStatus::GapLimit,
                HighsModelStatus::ReachedTimeLimit if x.len() >= m => SolveStatus::TimeLimit,
                HighsModelStatus::Infeasible => return Ok(None),
                other => return Err(LocateError::Solver(format!("HiGHS stopped on the p-median master: {other:?}"))),
            };
            let open: Vec<bool> = x[..m].iter().map(|&v| v > 0.5).collect();
            let cost = total_cost(self.inst, self.levels, &open);
            if best.as_ref().is_none_or(|b| cost < b.1) {
                best = Some((open.clone(), cost));
            }
            let added =
                self.separate_all(&as_values(&open).into_iter().chain(x[m..].iter().copied()).collect::<Vec<_>>());
            if added == 0 {
                return Ok(Some(MilpOutcome { open, status, gap: Some(gap.max(0.0)) }));
            }
            if status == SolveStatus::TimeLimit {
                let open = best.map_or(open, |b| b.0);
                return Ok(Some(MilpOutcome { open, status, gap: None }));
            }
            start = best.as_ref().map(|b| b.0.clone());
        }
    }
}

/// Solve the uncapacitated p-median.
pub fn solve(
    inst: &Instance,
    p: usize,
    limit: f64,
    opts: &SolveOptions,
) -> Result<(LocateResult, BendersStats), LocateError> {
    let m = inst.n_sites();
    let levels_all: Vec<Levels> = (0..inst.n_demand()).map(|i| levels(inst, i, p, limit)).collect();
    let mut stats = BendersStats::default();
    let mut master = Master::new(inst, &levels_all, p, opts);
    let cost_of = |open: Vec<bool>| {
        let c = total_cost(inst, &levels_all, &open);
        (open, c)
    };
    let clock = Instant::now();
    let lap = |k: usize, stats: &mut BendersStats| {
        stats.secs[k] = clock.elapsed().as_secs_f64() - stats.secs[..k].iter().sum::<f64>();
    };
    let mut best = heuristic::p_median(inst, p, limit).map(|h| cost_of(h.open));
    lap(0, &mut stats);

    // Cuts at the heuristic's solution: the first LP is already bounded
    // below by the heuristic's own assignment levels.
    if let Some((open, _)) = &best {
        let y = as_values(open);
        for (i, lv) in levels_all.iter().enumerate() {
            master.add_cut(i, separate(lv, &y).level);
        }
    }
    let Some((y_lp, reduced, lp_bound, rounds)) = master.solve_lp()? else {
        // The time limit ran out before the LP bound: the heuristic's
        // solution, with no bound to measure its gap by.
        let (open, _) = best.ok_or_else(|| {
            LocateError::Solver(format!(
                "no solution found within the time limit of {} s; raise --time-limit",
                opts.time_limit_s
            ))
        })?;
        let verdict = Verdict { status: SolveStatus::TimeLimit, gap: None };
        return finish_nearest(inst, &open, limit, verdict).map(|r| (r, stats));
    };
    stats.lp_rounds = rounds;
    stats.lp_bound = lp_bound;
    lap(1, &mut stats);

    // The LP solution is nearly integral on most instances: its p largest
    // sites, improved by interchange, often beat the greedy start.
    if let Some(h) = heuristic::p_median_from(inst, limit, round_lp(inst, &y_lp, p)) {
        let candidate = cost_of(h.open);
        if best.as_ref().is_none_or(|b| candidate.1 < b.1) {
            best = Some(candidate);
        }
    }
    // The LP bound proves a solution within the requested gap optimal.
    let proof = |best: &Option<(Vec<bool>, f64)>| {
        let (open, ub) = best.as_ref()?;
        let gap = ((ub - lp_bound) / ub.abs().max(1.0)).max(0.0);
        (gap <= opts.mip_rel_gap.max(1e-9)).then(|| {
            let status = if gap <= 1e-9 { SolveStatus::Optimal } else { SolveStatus::GapLimit };
            (open.clone(), Verdict { status, gap: Some(gap) })
        })
    };
    if let Some((open, verdict)) = proof(&best) {
        stats.heuristic_cost = best.as_ref().map_or(0.0, |b| b.1);
        return finish_nearest(inst, &open, limit, verdict).map(|r| (r, stats));
    }
    // Core problem: only the sites the LP opens at all. Its optimum is a
    // solution of the whole problem, usually the optimal one, and the
    // upper bound that makes reduced-cost fixing bite.
    let core: Vec<usize> = (0..m).filter(|&j| !inst.sites()[j].fixed && y_lp[j] <= 1e-6).collect();
    for &j in &core {
        let col = master.y[j];
        master.model().change_column_bounds(col, 0.0..=0.0);
    }
    // Its start: the best solution if it lies in the core, else the LP's
    // p largest sites (which do), so HiGHS never searches for a first one.
    let start = match best.as_ref().filter(|b| core.iter().all(|&j| !b.0[j])) {
        Some(b) => b.0.clone(),
        None => round_lp(inst, &y_lp, p),
    };
    if let Some(out) = master.solve_milp(Some(&start), &mut stats.milp_rounds)? {
        if out.status != SolveStatus::TimeLimit {
            let candidate = cost_of(out.open);
            if best.as_ref().is_none_or(|b| candidate.1 < b.1) {
                best = Some(candidate);
            }
        }
    }
    for &j in &core {
        let col = master.y[j];
        master.model().change_column_bounds(col, 0.0..=1.0);
    }
    lap(2, &mut stats);
    if let Some((open, verdict)) = proof(&best) {
        stats.heuristic_cost = best.as_ref().map_or(0.0, |b| b.1);
        return finish_nearest(inst, &open, limit, verdict).map(|r| (r, stats));
    }

    // Reduced-cost fixing against the best solution so far, whose cuts go
    // in first so the master prices it exactly and cannot stop below it.
    if let Some((open, ub)) = &best {
        stats.heuristic_cost = *ub;
        let y = as_values(open);
        for (i, lv) in levels_all.iter().enumerate() {
            master.add_cut(i, separate(lv, &y).level);
        }
        let margin = FIX_MARGIN * ub.abs().max(1.0);
        for j in (0..m).filter(|&j| !inst.sites()[j].fixed) {
            let col = master.y[j];
            if y_lp[j] <= 1e-9 && lp_bound + reduced[j] > ub + margin {
                master.model().change_column_bounds(col, 0.0..=0.0);
                stats.fixed_closed += 1;
            } else if y_lp[j] >= 1.0 - 1e-9 && lp_bound - reduced[j] > ub + margin {
                master.model().change_column_bounds(col, 1.0..=1.0);
                stats.fixed_open += 1;
            }
        }
    }

    // The whole master, as a MILP.
    let start = best.as_ref().map(|b| b.0.clone());
    let out = master
        .solve_milp(start.as_deref(), &mut stats.milp_rounds)?
        .ok_or_else(|| LocateError::Infeasible(INFEASIBLE.into()))?;
    stats.cuts = master.cuts;
    lap(3, &mut stats);
    // Stopped by the time limit, the MILP may hold a worse solution than
    // the best found before it.
    let open = match best {
        Some((open, ub)) if out.status == SolveStatus::TimeLimit && ub < total_cost(inst, &levels_all, &out.open) => {
            open
        }
        _ => out.open,
    };
    // At the time limit the LP bound measures how far the plan returned
    // can be from the optimum.
    let verdict = match out.status {
        SolveStatus::TimeLimit => {
            let ub = total_cost(inst, &levels_all, &open);
            Verdict { status: out.status, gap: Some(((ub - lp_bound) / ub.abs().max(1.0)).max(0.0)) }
        }
        _ => Verdict { status: out.status, gap: out.gap },
    };
    finish_nearest(inst, &open, limit, verdict).map(|r| (r, stats))
}
