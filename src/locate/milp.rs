//! One way to hand a model to HiGHS (through good_lp), so every model gets
//! the same options ([`SolveOptions::apply`]), warm start handling and error
//! mapping.

use super::error::LocateError;
use super::result::Verdict;
use crate::solver::{Outcome, SolveOptions, SolveStatus};
use good_lp::solvers::highs::highs;
use good_lp::{Constraint, Expression, ProblemVariables, SolverModel, Variable};
use std::collections::HashMap;

/// Optimisation direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    Minimise,
    Maximise,
}

/// A solved MILP.
pub(crate) struct Solved {
    columns: Vec<f64>,
    index: HashMap<Variable, usize>,
    pub verdict: Verdict,
}

impl Solved {
    pub fn value(&self, v: Variable) -> f64 {
        self.index.get(&v).map(|&k| self.columns[k]).unwrap_or(0.0)
    }

    /// A binary variable read as a boolean.
    pub fn is_on(&self, v: Variable) -> bool {
        self.value(v) > 0.5
    }
}

/// Solve a model. `start` is a feasible (or empty) warm start; unlisted
/// variables start at 0. `infeasible` explains, in the caller's terms, what
/// an infeasibility proof from HiGHS means for this model.
///
/// Solved through the `highs` model good_lp builds (as the plan's blocks
/// are), to read HiGHS's MIP gap, which good_lp does not report: a solve
/// stopped by the time limit says so (`time_limit`) with its gap.
pub(crate) fn solve(
    vars: ProblemVariables,
    sense: Sense,
    objective: Expression,
    constraints: Vec<Constraint>,
    start: Vec<(Variable, f64)>,
    opts: &SolveOptions,
    infeasible: &str,
) -> Result<Solved, LocateError> {
    let index: HashMap<Variable, usize> =
        vars.iter_variables_with_def().enumerate().map(|(k, (v, _))| (v, k)).collect();
    let n = index.len();
    let unsolved = match sense {
        Sense::Minimise => vars.minimise(objective),
        Sense::Maximise => vars.maximise(objective),
    };
    let mut problem = unsolved.using(highs);
    for c in constraints {
        problem.add_constraint(c);
    }
    let mut model = problem.try_into_inner().map_err(|e| LocateError::Solver(e.to_string()))?;
    opts.apply_to_model(&mut model);
    if !start.is_empty() {
        let mut x = vec![0.0; n];
        for (v, val) in start {
            if let Some(&k) = index.get(&v) {
                x[k] = val;
            }
        }
        model.set_solution(Some(&x), None, None, None);
    }
    let solved = model.try_solve().map_err(|e| LocateError::Solver(format!("HiGHS failed: {e:?}")))?;
    let gap = solved.mip_gap();
    let gap = if gap.is_finite() { gap.max(0.0) } else { f64::INFINITY };
    let status = match Outcome::of(&solved, gap) {
        Outcome::Infeasible => return Err(LocateError::Infeasible(infeasible.to_string())),
        Outcome::Unbounded => return Err(LocateError::Solver("HiGHS reports an unbounded model".into())),
        Outcome::Stopped(s) => s,
        Outcome::NoSolution(_) => {
            return Err(LocateError::Solver(format!(
                "no feasible solution found within the time limit of {} s; raise --time-limit",
                opts.time_limit_s
            )))
        }
        Outcome::Other(other) => return Err(LocateError::Solver(format!("HiGHS ended with status {other:?}"))),
    };
    let gap = match status {
        SolveStatus::Optimal => Some(0.0),
        _ => gap.is_finite().then_some(gap),
    };
    let columns = solved.get_solution().columns().to_vec();
    Ok(Solved { columns, index, verdict: Verdict { status, gap } })
}

/// Σ of variables, as an expression.
pub(crate) fn sum<'a>(vars: impl IntoIterator<Item = &'a Variable>) -> Expression {
    let mut e = Expression::default();
    for v in vars {
        e.add_mul(1.0, *v);
    }
    e
}
