//! The assignment block shared by the capacitated variants (and by CFLP and
//! the classic p-median formulation): one variable `x_ij` per allowed
//! demand–site pair, the share of point `i`'s weight served by site `j`.
//!
//! ```text
//! Σ_j x_ij = 1   (or ≤ 1 when serving is optional, MCLP)   ∀ i
//! x_ij ≤ y_j                                                ∀ i, j
//! Σ_i w_i x_ij ≤ Q_j y_j                                    ∀ j with a capacity Q_j
//! x_ij ∈ [0, 1], or {0, 1} when single-sourced
//! ```
//! The disaggregated `x_ij ≤ y_j` rows are redundant for integer solutions
//! but make the LP relaxation much tighter.

use super::instance::Instance;
use super::milp::{sum, Solved};
use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

/// The `x_ij` variables, per demand point.
pub(crate) struct Assign {
    pub x: Vec<Vec<(usize, Variable)>>,
}

/// How a demand point must be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Serve {
    /// Wholly (Σ_j x_ij = 1).
    All,
    /// At most wholly (Σ_j x_ij ≤ 1): coverage is optional.
    AtMost,
}

/// Add the block for the pairs in `allowed[i]`.
pub(crate) fn add(
    vars: &mut ProblemVariables,
    constraints: &mut Vec<Constraint>,
    inst: &Instance,
    y: &[Variable],
    allowed: &[Vec<usize>],
    serve: Serve,
    single_source: bool,
) -> Assign {
    let def = if single_source { variable().binary() } else { variable().min(0.0).max(1.0) };
    let m = inst.n_sites();
    let mut load: Vec<Expression> = vec![Expression::default(); m];
    let mut x = Vec::with_capacity(allowed.len());
    for (i, js) in allowed.iter().enumerate() {
        let w = inst.demand()[i].weight;
        let xi: Vec<(usize, Variable)> = js.iter().map(|&j| (j, vars.add(def.clone()))).collect();
        let total = sum(xi.iter().map(|(_, v)| v));
        constraints.push(match serve {
            Serve::All => total.eq(1.0),
            Serve::AtMost => total.leq(1.0),
        });
        for &(j, v) in &xi {
            constraints.push((v - y[j]).leq(0.0));
            if inst.sites()[j].capacity.is_some() {
                load[j].add_mul(w, v);
            }
        }
        x.push(xi);
    }
    for (j, l) in load.into_iter().enumerate() {
        if let Some(q) = inst.sites()[j].capacity {
            constraints.push((l - q * y[j]).leq(0.0));
        }
    }
    Assign { x }
}

impl Assign {
    /// `(i, j, fraction)` of the solution.
    pub fn triples(&self, sol: &Solved) -> Vec<(usize, usize, f64)> {
        let mut out = Vec::new();
        for (i, xi) in self.x.iter().enumerate() {
            for &(j, v) in xi {
                let f = sol.value(v).clamp(0.0, 1.0);
                out.push((i, j, f));
            }
        }
        out
    }

    /// Σ w_i c_ij x_ij, the weighted assignment cost, as an expression.
    pub fn weighted_cost(&self, inst: &Instance) -> Expression {
        let mut e = Expression::with_capacity(self.x.iter().map(Vec::len).sum());
        for (i, xi) in self.x.iter().enumerate() {
            let w = inst.demand()[i].weight;
            for &(j, v) in xi {
                e.add_mul(w * inst.cost(i, j), v);
            }
        }
        e
    }
}

/// Allowed sites of each demand point: cost at most `limit`.
pub(crate) fn within(inst: &Instance, limit: f64) -> Vec<Vec<usize>> {
    (0..inst.n_demand())
        .map(|i| {
            let row = inst.cost_row(i);
            (0..row.len()).filter(|&j| row[j] <= limit).collect()
        })
        .collect()
}

/// One binary `y_j` per site; fixed sites have `y_j = 1`.
pub(crate) fn site_vars(vars: &mut ProblemVariables, inst: &Instance) -> Vec<Variable> {
    inst.sites()
        .iter()
        .map(|s| if s.fixed { vars.add(variable().binary().min(1.0)) } else { vars.add(variable().binary()) })
        .collect()
}

/// Round single-sourced fractions to exactly 0 or 1 (solver tolerance noise).
pub(crate) fn clean(triples: &mut [(usize, usize, f64)], single_source: bool) {
    if single_source {
        for t in triples.iter_mut() {
            t.2 = if t.2 > 0.5 { 1.0 } else { 0.0 };
        }
    }
}
