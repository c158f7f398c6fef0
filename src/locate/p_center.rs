//! p-center (Hakimi 1965; spopt's `PCenter`): open exactly `p` sites and
//! serve every demand point, minimising the largest assignment cost. Weights
//! do not enter the objective (a point of weight 0 still counts).
//!
//! # Uncapacitated
//!
//! ```text
//! variables  y_j ∈ {0,1}, x_ij ∈ [0,1], r ≥ 0
//! minimise   r
//! subject to Σ_j y_j = p
//!            Σ_j x_ij = 1           ∀ i
//!            x_ij ≤ y_j             ∀ i, j
//!            r ≥ Σ_j c_ij x_ij      ∀ i
//!            x_ij = 0 where c_ij > max_cost
//! ```
//! `x` may be fractional: `Σ_j c_ij x_ij` is then an average over open sites,
//! never below the cost of the cheapest open one, so the optimal `r` is the
//! true p-center value; points are then assigned to their cheapest open site.
//!
//! # Capacitated
//!
//! The assignment block of the `assign` module (capacity rows
//! `Σ_i w_i x_ij ≤ Q_j y_j`). Single-sourced (`x` binary), `r ≥ Σ_j c_ij x_ij`
//! is exact. Multi-sourced, a split point's largest cost must count, so a
//! binary `a_ij` marks "site j serves some of point i":
//! `x_ij ≤ a_ij ≤ y_j`, `r ≥ c_ij a_ij`.

use super::assign::{self, Serve};
use super::error::LocateError;
use super::instance::Instance;
use super::milp::{self, Sense};
use super::result::{self, LocateResult};
use super::{check_capacity, check_reachable, Model, Params};
use crate::solver::SolveOptions;
use good_lp::{variable, Expression, ProblemVariables};

/// Solve the p-center.
pub fn solve(inst: &Instance, params: &Params, opts: &SolveOptions) -> Result<LocateResult, LocateError> {
    let p = params.p.ok_or_else(|| LocateError::param("p", "p-center needs the number of sites p"))?;
    let limit = params.cost_limit();
    let allowed = check_reachable(inst, limit, "max cost")?;
    check_capacity(inst, Some(p))?;
    let capacitated = inst.is_capacitated();
    let single = params.single_source && capacitated;

    let mut vars = ProblemVariables::new();
    let y = assign::site_vars(&mut vars, inst);
    let r = vars.add(variable().min(0.0));
    let mut constraints = vec![milp::sum(&y).eq(p as f64)];
    let x = assign::add(&mut vars, &mut constraints, inst, &y, &allowed, Serve::All, single);
    for (i, xi) in x.x.iter().enumerate() {
        if capacitated && !single {
            for &(j, v) in xi {
                let a = vars.add(variable().binary());
                constraints.push((v - a).leq(0.0));
                constraints.push((a - y[j]).leq(0.0));
                constraints.push((inst.cost(i, j) * a - r).leq(0.0));
            }
        } else {
            let mut e = Expression::with_capacity(xi.len());
            for &(j, v) in xi {
                e.add_mul(inst.cost(i, j), v);
            }
            constraints.push((e - r).leq(0.0));
        }
    }
    let solved = milp::solve(
        vars,
        Sense::Minimise,
        r.into(),
        constraints,
        Vec::new(),
        opts,
        "no choice of p sites serves every demand point within the capacities and maximum cost",
    )?;
    let open: Vec<bool> = y.iter().map(|&v| solved.is_on(v)).collect();
    let triples = if capacitated {
        let mut t = x.triples(&solved);
        assign::clean(&mut t, single);
        t
    } else {
        result::whole(&result::nearest_open(inst, &open, limit))
    };
    let mut res = result::build(inst, Model::PCenter, &open, triples, 0.0, solved.verdict);
    res.objective = res.metrics.max_assigned_cost;
    Ok(res)
}
