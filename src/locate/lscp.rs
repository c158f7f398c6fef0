//! Location set covering problem (Toregas et al. 1971; spopt's `LSCP`):
//! the fewest sites such that every demand point (whatever its weight) has an
//! open site within the service radius. `N_i = {j : c_ij ≤ min(R, max_cost)}`.
//!
//! # Uncapacitated
//!
//! ```text
//! variables  y_j ∈ {0,1}   (= 1 for fixed sites, which count in the objective)
//! minimise   Σ_j y_j
//! subject to Σ_{j ∈ N_i} y_j ≥ 1    ∀ i
//! ```
//! A point with an empty `N_i` makes the instance infeasible; it is named
//! before any solve. Points are assigned to their cheapest open site in `N_i`.
//!
//! # Capacitated
//!
//! Every point must be *served* within the radius (Current & Storbeck 1988):
//! the assignment block of the `assign` module on the pairs of `N_i` with
//! `Σ_j x_ij = 1` and `Σ_i w_i x_ij ≤ Q_j y_j`; the objective is unchanged.

use super::assign::{self, Serve};
use super::error::LocateError;
use super::instance::Instance;
use super::milp::{self, Sense, Solved};
use super::result::{self, LocateResult};
use super::{check_capacity, check_reachable, Model, Params};
use crate::solver::SolveOptions;
use good_lp::{Constraint, ProblemVariables, Variable};

/// Solve the LSCP.
pub fn solve(inst: &Instance, params: &Params, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    let limit = params.cover_limit();
    let reach = check_reachable(inst, limit, "the service radius")?;
    check_capacity(inst, None)?;
    let mut vars = ProblemVariables::new();
    let y = assign::site_vars(&mut vars, inst);
    let mut constraints = Vec::new();
    let x = cover_rows(&mut vars, &mut constraints, inst, &y, &reach, params);
    let solved = milp::solve(
        vars,
        Sense::Minimise,
        milp::sum(&y),
        constraints,
        Vec::new(),
        opts,
        "the sites cannot serve every demand point within the radius and the capacities",
    )?;
    let mut res = finish(inst, Model::Lscp, &y, x.as_ref(), &solved, limit, params);
    res.objective = res.metrics.n_sites as f64;
    Ok(res)
}

/// The covering rows (uncapacitated) or the serving block (capacitated),
/// shared with LSCP-B.
pub(crate) fn cover_rows(
    vars: &mut ProblemVariables,
    constraints: &mut Vec<Constraint>,
    inst: &Instance,
    y: &[Variable],
    reach: &[Vec<usize>],
    params: &Params,
) -> Option<assign::Assign> {
    if inst.is_capacitated() {
        Some(assign::add(vars, constraints, inst, y, reach, Serve::All, params.single_source))
    } else {
        for js in reach {
            constraints.push(milp::sum(js.iter().map(|&j| &y[j])).geq(1.0));
        }
        None
    }
}

/// Open sites and assignments of a solved covering model.
pub(crate) fn finish(
    inst: &Instance,
    model: Model,
    y: &[Variable],
    x: Option<&assign::Assign>,
    solved: &Solved,
    limit: f64,
    params: &Params,
) -> LocateResult {
    let open: Vec<bool> = y.iter().map(|&v| solved.is_on(v)).collect();
    let triples = match x {
        Some(x) => {
            let mut t = x.triples(solved);
            assign::clean(&mut t, params.single_source);
            t
        }
        None => result::whole(&result::nearest_open(inst, &open, limit)),
    };
    result::build(inst, model, &open, triples, 0.0, solved.verdict)
}
