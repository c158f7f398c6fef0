//! LSCP-B, set covering with backup (Hogan & ReVelle 1986; spopt's `LSCPB`):
//! first the fewest sites covering every point ([`super::lscp`]), giving
//! `n*`; then, among the solutions with `n*` sites, the one maximising the
//! demand weight covered by two or more open sites. Lexicographic, solved as
//! two MILPs: the second is
//!
//! ```text
//! variables  y_j ∈ {0,1}, b_i ∈ [0,1]   (point i backed up)
//! maximise   Σ_i w_i b_i
//! subject to Σ_j y_j = n*
//!            Σ_{j ∈ N_i} y_j ≥ 1 + b_i   ∀ i
//!            (+ the serving block of the capacitated LSCP, if capacities)
//! ```
//! `b` needs no integrality (the optimum sets `b_i = 1` exactly when two
//! sites of `N_i` are open). Points with fewer than two reachable sites, or
//! of weight 0, get `b_i = 0` (no variable). The objective reported is `n*`;
//! the backup-covered weight is `metrics.backup_weight`.

use super::error::LocateError;
use super::instance::Instance;
use super::lscp;
use super::milp::{self, Sense};
use super::result::LocateResult;
use super::{assign, check_reachable, Model, Params};
use crate::solver::{SolveOptions, SolveStatus};
use good_lp::{variable, Expression, ProblemVariables};

/// Solve LSCP-B.
pub fn solve(inst: &Instance, params: &Params, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    let first = lscp::solve(inst, &Params { model: Model::Lscp, ..params.clone() }, opts)?;
    let n_star = first.metrics.n_sites;
    let limit = params.cover_limit();
    let reach = check_reachable(inst, limit, "the service radius")?;

    let mut vars = ProblemVariables::new();
    let y = assign::site_vars(&mut vars, inst);
    let mut constraints = vec![milp::sum(&y).eq(n_star as f64)];
    let x = lscp::cover_rows(&mut vars, &mut constraints, inst, &y, &reach, params);
    let mut objective = Expression::default();
    let mut start: Vec<_> =
        y.iter().enumerate().map(|(j, &v)| (v, if first.site_indices.contains(&j) { 1.0 } else { 0.0 })).collect();
    for (i, js) in reach.iter().enumerate() {
        let w = inst.demand()[i].weight;
        if w > 0.0 && js.len() >= 2 {
            let b = vars.add(variable().min(0.0).max(1.0));
            objective.add_mul(w, b);
            let cover = milp::sum(js.iter().map(|&j| &y[j]));
            constraints.push((cover - b).geq(1.0));
            let n_open = js.iter().filter(|j| first.site_indices.contains(j)).count();
            start.push((b, if n_open >= 2 { 1.0 } else { 0.0 }));
        }
    }
    if x.is_some() {
        // The capacitated first-stage assignment is not re-derived here; let
        // HiGHS find its own incumbent rather than pass a partial start.
        start.clear();
    }
    let solved = milp::solve(
        vars,
        Sense::Maximise,
        objective,
        constraints,
        start,
        opts,
        "no solution with the minimum number of sites (HiGHS disagrees with the first stage)",
    )?;
    let mut res = lscp::finish(inst, Model::LscpB, &y, x.as_ref(), &solved, limit, params);
    res.verdict_worst(first.status, first.gap);
    let open = &res.site_indices;
    let backup: f64 = reach
        .iter()
        .enumerate()
        .filter(|(_, js)| js.iter().filter(|j| open.contains(j)).count() >= 2)
        .map(|(i, _)| inst.demand()[i].weight)
        .sum();
    res.metrics.backup_weight = Some(backup);
    res.objective = res.metrics.n_sites as f64;
    Ok(res)
}

impl LocateResult {
    /// Combine the verdicts of two stages: the less certain one wins.
    fn verdict_worst(&mut self, status: SolveStatus, gap: Option<f64>) {
        let rank = |s: SolveStatus| match s {
            SolveStatus::Optimal => 0,
            SolveStatus::GapLimit => 1,
            SolveStatus::TimeLimit => 2,
        };
        if rank(status) > rank(self.status) {
            self.status = status;
            self.gap = gap;
        }
    }
}
