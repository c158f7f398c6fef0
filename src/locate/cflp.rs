//! Capacitated facility location (Balinski 1965; spopt's `FacilityLocation`
//! / capacitated variant): choose which sites to open, paying each opened
//! site's fixed cost plus the demand-weighted assignment cost, with site
//! capacities. Without any capacity it is the uncapacitated facility location
//! problem; `p`, when given, fixes the number of sites.
//!
//! ```text
//! variables  y_j ∈ {0,1} (= 1 for fixed sites)
//!            x_ij ∈ [0,1], or {0,1} with --single-source
//! minimise   Σ_j f_j y_j + Σ_i Σ_j w_i c_ij x_ij
//! subject to Σ_j x_ij = 1                ∀ i
//!            x_ij ≤ y_j                  ∀ i, j   (strong linking)
//!            Σ_i w_i x_ij ≤ Q_j y_j      ∀ j with capacity Q_j
//!            Σ_j y_j = p                 (only when p is given)
//!            x_ij = 0 where c_ij > max_cost
//! ```
//! Before solving, the total capacity (of the `p` best sites when `p` is
//! given) is checked against the total weight, so a shortfall is reported
//! with its size rather than as a bare "infeasible". Uncapacitated, every
//! point is assigned to its cheapest open site.

use super::assign::{self, Serve};
use super::error::LocateError;
use super::instance::Instance;
use super::milp::{self, Sense};
use super::result::{self, LocateResult};
use super::{check_capacity, check_reachable, Model, Params};
use crate::solver::SolveOptions;
use good_lp::ProblemVariables;

/// Solve the CFLP (or UFLP when no site has a capacity).
pub fn solve(inst: &Instance, params: &Params, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    let limit = params.cost_limit();
    let allowed = check_reachable(inst, limit, "max cost")?;
    check_capacity(inst, params.p)?;
    let capacitated = inst.is_capacitated();
    let single = params.single_source && capacitated;

    let mut vars = ProblemVariables::new();
    let y = assign::site_vars(&mut vars, inst);
    let mut constraints = Vec::new();
    if let Some(p) = params.p {
        constraints.push(milp::sum(&y).eq(p as f64));
    }
    let x = assign::add(&mut vars, &mut constraints, inst, &y, &allowed, Serve::All, single);
    let mut objective = x.weighted_cost(inst);
    for (j, &v) in y.iter().enumerate() {
        objective.add_mul(inst.sites()[j].fixed_cost, v);
    }
    let solved = milp::solve(
        vars,
        Sense::Minimise,
        objective,
        constraints,
        Vec::new(),
        opts,
        "no set of sites serves every demand point within the capacities and maximum cost",
    )?;
    let open: Vec<bool> = y.iter().map(|&v| solved.is_on(v)).collect();
    let triples = if capacitated {
        let mut t = x.triples(&solved);
        assign::clean(&mut t, single);
        t
    } else {
        result::whole(&result::nearest_open(inst, &open, limit))
    };
    let mut res = result::build(inst, Model::Cflp, &open, triples, 0.0, solved.verdict);
    res.objective = res.metrics.fixed_cost + res.metrics.weighted_cost;
    Ok(res)
}
