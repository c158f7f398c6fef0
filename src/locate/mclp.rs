//! Maximal covering location problem (Church & ReVelle 1974; spopt's
//! `MCLP`): open exactly `p` sites, maximising the demand weight within the
//! service radius `R` of an open site. `N_i = {j : c_ij ≤ min(R, max_cost)}`.
//!
//! # Uncapacitated
//!
//! ```text
//! variables  y_j ∈ {0,1}, u_i ∈ [0,1]   (point i covered)
//! maximise   Σ_i w_i u_i
//! subject to Σ_j y_j = p
//!            u_i ≤ Σ_{j ∈ N_i} y_j       ∀ i
//! ```
//! `u` needs no integrality: with integral `y` the optimum sets `u_i = 1`
//! exactly when some site of `N_i` is open. Points of weight 0 or with an
//! empty `N_i` get no variable. Covered points are assigned to their
//! cheapest open site in `N_i`; uncovered points are not assigned.
//!
//! # Capacitated
//!
//! Coverage becomes service by sites within reach (Pirkul & Schilling 1991):
//! the assignment block of the `assign` module on the pairs of `N_i` with
//! `Σ_j x_ij ≤ 1` and `Σ_i w_i x_ij ≤ Q_j y_j`, maximising
//! `Σ_i Σ_j w_i x_ij` (the weight actually served within the radius).

use super::assign::{self, Serve};
use super::error::LocateError;
use super::instance::Instance;
use super::milp::{self, Sense};
use super::result::{self, LocateResult};
use super::{Model, Params};
use crate::solver::SolveOptions;
use good_lp::{variable, Expression, ProblemVariables};

/// Solve the MCLP.
pub fn solve(inst: &Instance, params: &Params, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    let p = params.p.ok_or_else(|| LocateError::param("p", "MCLP needs the number of sites p"))?;
    let limit = params.cover_limit();
    let reach = assign::within(inst, limit);
    let capacitated = inst.is_capacitated();
    let single = params.single_source && capacitated;

    let mut vars = ProblemVariables::new();
    let y = assign::site_vars(&mut vars, inst);
    let mut constraints = vec![milp::sum(&y).eq(p as f64)];
    let mut objective = Expression::default();
    let x = if capacitated {
        let x = assign::add(&mut vars, &mut constraints, inst, &y, &reach, Serve::AtMost, single);
        for (i, xi) in x.x.iter().enumerate() {
            for &(_, v) in xi {
                objective.add_mul(inst.demand()[i].weight, v);
            }
        }
        Some(x)
    } else {
        for (i, js) in reach.iter().enumerate() {
            let w = inst.demand()[i].weight;
            if w > 0.0 && !js.is_empty() {
                let u = vars.add(variable().min(0.0).max(1.0));
                objective.add_mul(w, u);
                constraints.push((u - milp::sum(js.iter().map(|&j| &y[j]))).leq(0.0));
            }
        }
        None
    };
    let solved = milp::solve(
        vars,
        Sense::Maximise,
        objective,
        constraints,
        Vec::new(),
        opts,
        "no choice of p sites satisfies the fixed sites",
    )?;
    let open: Vec<bool> = y.iter().map(|&v| solved.is_on(v)).collect();
    let triples = match &x {
        Some(x) => {
            let mut t = x.triples(&solved);
            assign::clean(&mut t, single);
            t
        }
        None => result::whole(&result::nearest_open(inst, &open, limit)),
    };
    let mut res = result::build(inst, Model::Mclp, &open, triples, 0.0, solved.verdict);
    res.objective = res.metrics.assigned_weight;
    Ok(res)
}
