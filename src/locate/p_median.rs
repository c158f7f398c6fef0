//! p-median (Hakimi 1964; ReVelle & Swain 1970): open exactly `p` sites and
//! serve every demand point, minimising the demand-weighted assignment cost.
//!
//! # Uncapacitated: radius formulation (Elloumi 2010)
//!
//! The default for uncapacitated instances is the Benders decomposition of
//! this formulation ([`super::benders`]); the formulation itself, solved as
//! one MILP with level generation, stays available ([`Formulation::Radius`])
//! and is what the benchmark and the tests compare against.
//!
//! The textbook formulation below has `n·m` assignment variables and `n·m`
//! linking rows; HiGHS needs ~10 s for 600 × 150, p = 12. The radius
//! formulation of Elloumi (2010, *A tighter formulation of the p-median
//! problem*, J. Comb. Optim. 19) keeps only the site variables binary and
//! describes each point's cost by the distinct costs of its row
//! `D_i^1 < D_i^2 < … < D_i^{K_i}`:
//!
//! ```text
//! variables  y_j ∈ {0,1}          site j open (= 1 for fixed sites)
//!            z_i^k ∈ [0,1]        no open site costs ≤ D_i^k for point i
//! minimise   Σ_i w_i ( D_i^1 + Σ_{k<K_i} (D_i^{k+1} − D_i^k) z_i^k )
//! subject to Σ_j y_j = p
//!            z_i^1 + Σ_{j: c_ij = D_i^1} y_j ≥ 1                      ∀ i
//!            z_i^k − z_i^{k−1} + Σ_{j: c_ij = D_i^k} y_j ≥ 0          ∀ i, 1 < k < K_i
//!            −z_i^{K_i−1} + Σ_{j: c_ij = D_i^{K_i}} y_j ≥ 0           ∀ i
//! ```
//!
//! The rows are Elloumi's `z_i^k ≥ 1 − Σ_{c_ij ≤ D_i^k} y_j` written as a
//! chain (`z_i^k ≥ z_i^{k−1} − Σ_{c_ij = D_i^k} y_j`), which has the same LP
//! relaxation (y ≥ 0) but `O(n·m)` instead of `O(n·m²)` non-zeros. Rows are
//! pruned as in Elloumi and García, Labbé & Marín (2011):
//! * a level whose cumulative number of sites reaches `m − p + 1` always
//!   holds an open site, so `K_i` stops there (`z_i^{K_i} = 0`);
//! * a fixed site is always open, so `K_i` stops at the nearest fixed site;
//! * pairs costlier than `max_cost` are not levels at all, so the last row
//!   forces an allowed site open.
//!
//! Levels are generated, not listed in full: each point starts with the
//! levels up to its heuristic site plus a margin (a relaxation that prices a
//! point beyond them at its last kept level). The LP relaxation is solved
//! and every point whose open mass within its kept levels is below 1 gets
//! more levels, until the truncated LP equals the full LP; the MILP is then
//! solved on those levels and re-solved with more only if its solution puts
//! a point beyond them. A greedy + interchange heuristic
//! (the `heuristic` module) supplies the warm start. Every point is then
//! assigned to its cheapest open site.
//!
//! # Capacitated: assignment formulation (ReVelle & Swain 1970)
//!
//! ```text
//! variables  y_j ∈ {0,1}, x_ij ∈ [0,1] (∈ {0,1} with --single-source)
//! minimise   Σ_i Σ_j w_i c_ij x_ij
//! subject to Σ_j y_j = p;  Σ_j x_ij = 1 ∀ i;  x_ij ≤ y_j ∀ i,j
//!            Σ_i w_i x_ij ≤ Q_j y_j  ∀ j with capacity Q_j
//!            x_ij = 0 where c_ij > max_cost
//! ```

use super::assign::{self, Serve};
use super::benders;
use super::error::LocateError;
use super::heuristic;
use super::instance::Instance;
use super::milp::{self, Sense};
use super::result::{self, LocateResult};
use super::{check_capacity, check_reachable, Model, Params};
use crate::solver::SolveOptions;
use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

/// Which formulation to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formulation {
    /// Benders decomposition of the radius formulation when uncapacitated,
    /// assignment formulation otherwise.
    Auto,
    /// Benders decomposition of the radius formulation (uncapacitated only).
    Benders,
    /// Elloumi's radius formulation with level generation (uncapacitated only).
    Radius,
    /// ReVelle & Swain's assignment formulation.
    Assignment,
}

/// Solve the p-median with the best formulation for the instance.
pub fn solve(inst: &Instance, params: &Params, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    solve_with(inst, params, opts, Formulation::Auto)
}

/// Solve the p-median with a chosen formulation (benchmarks compare them).
pub fn solve_with(
    inst: &Instance,
    params: &Params,
    opts: &SolveOptions,
    formulation: Formulation,
) -> Result<LocateResult, LocateError> {
    super::check_params(inst, params)?;
    let p = params.p.ok_or_else(|| LocateError::param("p", "p-median needs the number of sites p"))?;
    let limit = params.cost_limit();
    let allowed = check_reachable(inst, limit, "max cost")?;
    let capacitated = inst.is_capacitated();
    check_capacity(inst, Some(p))?;
    let formulation = match formulation {
        Formulation::Auto if capacitated => Formulation::Assignment,
        Formulation::Auto => Formulation::Benders,
        Formulation::Radius | Formulation::Benders if capacitated => {
            return Err(LocateError::param("formulation", "the radius formulation does not handle capacities"))
        }
        f => f,
    };
    match formulation {
        Formulation::Benders => benders::solve(inst, p, limit, opts).map(|(r, _)| r),
        Formulation::Radius => solve_radius(inst, p, limit, opts),
        _ => solve_assignment(inst, p, limit, &allowed, params.single_source, opts),
    }
}

/// Levels of one demand point: distinct costs and the sites at each.
pub(super) struct Levels {
    pub cost: Vec<f64>,
    pub sites: Vec<Vec<usize>>,
    /// The last level holds a fixed site: its row is implied by `y_j = 1`.
    pub implied_last: bool,
    /// Some site of the levels is open in every solution (a fixed site, or
    /// `m − p + 1` sites in all): the point is served within the levels
    /// whatever the model does, so a zero-weight point needs no row.
    pub always_served: bool,
}

pub(super) fn levels(inst: &Instance, i: usize, p: usize, limit: f64) -> Levels {
    let m = inst.n_sites();
    let row = inst.cost_row(i);
    let mut order: Vec<usize> = (0..m).filter(|&j| row[j] <= limit).collect();
    order.sort_by(|&a, &b| row[a].total_cmp(&row[b]).then(a.cmp(&b)));
    let mut lv = Levels { cost: Vec::new(), sites: Vec::new(), implied_last: false, always_served: false };
    let mut count = 0;
    let mut k = 0;
    while k < order.len() {
        let c = row[order[k]];
        let mut group = Vec::new();
        let mut has_fixed = false;
        while k < order.len() && row[order[k]] == c {
            let j = order[k];
            has_fixed |= inst.sites()[j].fixed;
            group.push(j);
            k += 1;
        }
        count += group.len();
        lv.cost.push(c);
        lv.sites.push(group);
        if has_fixed {
            lv.implied_last = true;
            lv.always_served = true;
            break;
        }
        if count > m - p {
            lv.always_served = true;
            break;
        }
    }
    lv
}

/// Level (0-based) of the cheapest open site of a point, if within its levels.
fn open_level(lv: &Levels, open: &[bool]) -> Option<usize> {
    lv.sites.iter().position(|g| g.iter().any(|&j| open[j]))
}

/// Total weighted cost of an open set (infinite if a point is unserved).
pub(super) fn total_cost(inst: &Instance, levels: &[Levels], open: &[bool]) -> f64 {
    levels
        .iter()
        .enumerate()
        .map(|(i, lv)| match open_level(lv, open) {
            Some(k) => inst.demand()[i].weight * lv.cost[k],
            None => f64::INFINITY,
        })
        .sum()
}

/// Levels kept at first beyond the heuristic's assignment level: enough that
/// most points never need more, few enough to keep the model small.
const LEVEL_SLACK: usize = 2;

fn solve_radius(inst: &Instance, p: usize, limit: f64, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    let started = std::time::Instant::now();
    let n = inst.n_demand();
    let levels_all: Vec<Levels> = (0..n).map(|i| levels(inst, i, p, limit)).collect();
    let mut best: Option<(Vec<bool>, f64)> = heuristic::p_median(inst, p, limit).map(|h| {
        let c = total_cost(inst, &levels_all, &h.open);
        (h.open, c)
    });
    // kept[i]: number of z variables of point i (levels 1..=kept[i]); the model
    // prices point i exactly whenever its open site is within level kept[i]+1.
    let mut kept: Vec<usize> = levels_all
        .iter()
        .map(|lv| {
            let at = best.as_ref().and_then(|(open, _)| open_level(lv, open)).unwrap_or(0);
            (at + LEVEL_SLACK).min(lv.cost.len() - 1)
        })
        .collect();
    let remaining = |opts: &SolveOptions| {
        let mut o = *opts;
        o.time_limit_s = (opts.time_limit_s - started.elapsed().as_secs_f64()).max(0.01);
        o
    };
    // LP phase: grow the levels until the LP relaxation of the truncated
    // model prices every point exactly; it then equals the LP relaxation
    // of the full model, so the MILP below starts from the full bound and
    // rarely needs another round.
    loop {
        let (y, _) = solve_truncated(inst, p, &levels_all, &kept, None, true, &remaining(opts))?;
        let mut grew = false;
        for (i, lv) in levels_all.iter().enumerate() {
            let full = lv.cost.len() - 1;
            if kept[i] < full && inst.demand()[i].weight > 0.0 && mass_within(lv, &y, kept[i]) < 1.0 - 1e-7 {
                kept[i] = (kept[i] + LEVEL_SLACK).max(2 * kept[i]).min(full);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    loop {
        let (y, verdict) = solve_truncated(
            inst,
            p,
            &levels_all,
            &kept,
            best.as_ref().map(|b| b.0.as_slice()),
            false,
            &remaining(opts),
        )?;
        let open: Vec<bool> = y.iter().map(|&v| v > 0.5).collect();
        let cost = total_cost(inst, &levels_all, &open);
        if best.as_ref().is_none_or(|b| cost < b.1) {
            best = Some((open.clone(), cost));
        }
        // Points priced below their true cost: the relaxation is not exact yet.
        let mut exact = true;
        for (i, lv) in levels_all.iter().enumerate() {
            let full = lv.cost.len() - 1;
            if kept[i] == full || inst.demand()[i].weight == 0.0 {
                continue;
            }
            let at = open_level(lv, &open).unwrap_or(full);
            if at > kept[i] {
                exact = false;
                kept[i] = (at + LEVEL_SLACK).max(2 * kept[i]).min(full);
            }
        }
        if exact || verdict.status == crate::solver::SolveStatus::TimeLimit {
            let open = if exact { open } else { best.map(|b| b.0).unwrap_or(open) };
            let verdict = if exact { verdict } else { result::Verdict { gap: None, ..verdict } };
            return finish_nearest(inst, &open, limit, verdict);
        }
    }
}

/// The radius formulation with only the first `kept[i]` levels of each point
/// (a relaxation: points are priced at most at level `kept[i] + 1`).
fn solve_truncated(
    inst: &Instance,
    p: usize,
    levels_all: &[Levels],
    kept: &[usize],
    start_open: Option<&[bool]>,
    relax: bool,
    opts: &SolveOptions,
) -> Result<(Vec<f64>, result::Verdict), LocateError> {
    let n = inst.n_demand();
    let mut vars = ProblemVariables::new();
    let y: Vec<Variable> = if relax {
        inst.sites().iter().map(|s| vars.add(variable().min(if s.fixed { 1.0 } else { 0.0 }).max(1.0))).collect()
    } else {
        assign::site_vars(&mut vars, inst)
    };
    let mut constraints: Vec<Constraint> = Vec::with_capacity(4 * n);
    constraints.push(milp::sum(&y).eq(p as f64));
    let mut objective = Expression::with_capacity(8 * n);
    let mut z_all: Vec<Vec<Variable>> = Vec::with_capacity(n);
    for (i, lv) in levels_all.iter().enumerate() {
        let w = inst.demand()[i].weight;
        let full = lv.cost.len() - 1;
        let kz = if w == 0.0 { 0 } else { kept[i] };
        objective += w * lv.cost[0];
        if w == 0.0 {
            // Only feasibility matters: some allowed site must be open.
            if !lv.always_served {
                constraints.push(milp::sum(lv.sites.iter().flatten().map(|&j| &y[j])).geq(1.0));
            }
            z_all.push(Vec::new());
            continue;
        }
        if kz < full && !lv.always_served {
            // Truncated chain: still require an allowed site to be open.
            constraints.push(milp::sum(lv.sites.iter().flatten().map(|&j| &y[j])).geq(1.0));
        }
        let z: Vec<Variable> = (0..kz).map(|_| vars.add(variable().min(0.0).max(1.0))).collect();
        // Rows k = 0..kz-1 define z[k]; with the whole chain, the row of the
        // last level closes it (z at the last level is 0).
        let rows = if kz == full { kz + 1 } else { kz };
        for k in 0..rows {
            let mut row = milp::sum(lv.sites[k].iter().map(|&j| &y[j]));
            if k < kz {
                row += z[k];
                objective.add_mul(w * (lv.cost[k + 1] - lv.cost[k]), z[k]);
            }
            if k > 0 {
                row -= z[k - 1];
            }
            let rhs = if k == 0 { 1.0 } else { 0.0 };
            if k < kz || !lv.implied_last {
                constraints.push(row.geq(rhs));
            }
        }
        z_all.push(z);
    }

    let mut start = Vec::new();
    if let Some(open) = start_open {
        for (j, &v) in y.iter().enumerate() {
            start.push((v, if open[j] { 1.0 } else { 0.0 }));
        }
        for (z, lv) in z_all.iter().zip(levels_all) {
            let mut uncovered = 1.0;
            for (k, &zk) in z.iter().enumerate() {
                if lv.sites[k].iter().any(|&j| open[j]) {
                    uncovered = 0.0;
                }
                start.push((zk, uncovered));
            }
        }
    }
    let solved = milp::solve(
        vars,
        Sense::Minimise,
        objective,
        constraints,
        start,
        opts,
        "no choice of p sites serves every demand point within the maximum cost",
    )?;
    Ok((y.iter().map(|&v| solved.value(v)).collect(), solved.verdict))
}

/// Mass of open sites (y, possibly fractional) within levels 0..=`kept` of
/// a point: below 1, the truncated model prices the point below its cost.
fn mass_within(lv: &Levels, y: &[f64], kept: usize) -> f64 {
    lv.sites.iter().take(kept + 1).flatten().map(|&j| y[j]).sum()
}

/// Assign each point to its cheapest open site and report the weighted cost.
pub(super) fn finish_nearest(
    inst: &Instance,
    open: &[bool],
    limit: f64,
    verdict: result::Verdict,
) -> Result<LocateResult, LocateError> {
    let nearest = result::nearest_open(inst, open, limit);
    if let Some(i) = nearest.iter().position(Option::is_none) {
        return Err(LocateError::Solver(format!("solution leaves demand point `{}` unserved", inst.demand()[i].id)));
    }
    let triples = result::whole(&nearest);
    let objective = triples.iter().map(|&(i, j, _)| inst.demand()[i].weight * inst.cost(i, j)).sum();
    Ok(result::build(inst, Model::PMedian, open, triples, objective, verdict))
}

fn solve_assignment(
    inst: &Instance,
    p: usize,
    limit: f64,
    allowed: &[Vec<usize>],
    single_source: bool,
    opts: &SolveOptions,
) -> Result<LocateResult, LocateError> {
    let mut vars = ProblemVariables::new();
    let y = assign::site_vars(&mut vars, inst);
    let mut constraints = vec![milp::sum(&y).eq(p as f64)];
    let capacitated = inst.is_capacitated();
    let x = assign::add(&mut vars, &mut constraints, inst, &y, allowed, Serve::All, single_source && capacitated);
    let objective = x.weighted_cost(inst);
    let mut start = Vec::new();
    if !capacitated {
        if let Some(h) = heuristic::p_median(inst, p, limit) {
            let nearest = result::nearest_open(inst, &h.open, limit);
            start.extend(y.iter().zip(&h.open).map(|(&v, &o)| (v, f64::from(u8::from(o)))));
            for (i, xi) in x.x.iter().enumerate() {
                for &(j, v) in xi {
                    start.push((v, if nearest[i] == Some(j) { 1.0 } else { 0.0 }));
                }
            }
        }
    }
    let solved = milp::solve(
        vars,
        Sense::Minimise,
        objective,
        constraints,
        start,
        opts,
        "no choice of p sites serves every demand point within the capacities and maximum cost",
    )?;
    let open: Vec<bool> = y.iter().map(|&v| solved.is_on(v)).collect();
    if !capacitated {
        return finish_nearest(inst, &open, limit, solved.verdict);
    }
    let mut triples = x.triples(&solved);
    assign::clean(&mut triples, single_source);
    let objective = triples.iter().map(|&(i, j, f)| inst.demand()[i].weight * inst.cost(i, j) * f).sum();
    Ok(result::build(inst, Model::PMedian, &open, triples, objective, solved.verdict))
}
