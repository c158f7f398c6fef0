//! One way to hand a model to HiGHS (through good_lp), so every model gets
//! the same options ([`SolveOptions::apply`]), warm start handling and error
//! mapping.

use super::error::LocateError;
use super::result::Verdict;
use crate::solver::{SolveOptions, SolveStatus};
use good_lp::solvers::highs::{highs, HighsSolution};
use good_lp::{
    Constraint, Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable, WithInitialSolution,
};

/// Optimisation direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    Minimise,
    Maximise,
}

/// A solved MILP.
pub(crate) struct Solved {
    sol: HighsSolution,
    pub verdict: Verdict,
}

impl Solved {
    pub fn value(&self, v: Variable) -> f64 {
        self.sol.value(v)
    }

    /// A binary variable read as a boolean.
    pub fn is_on(&self, v: Variable) -> bool {
        self.sol.value(v) > 0.5
    }
}

/// Solve a model. `start` is a feasible (or empty) warm start; unlisted
/// variables start at 0. `infeasible` explains, in the caller's terms, what
/// an infeasibility proof from HiGHS means for this model.
pub(crate) fn solve(
    vars: ProblemVariables,
    sense: Sense,
    objective: Expression,
    constraints: Vec<Constraint>,
    start: Vec<(Variable, f64)>,
    opts: &SolveOptions,
    infeasible: &str,
) -> Result<Solved, LocateError> {
    let unsolved = match sense {
        Sense::Minimise => vars.minimise(objective),
        Sense::Maximise => vars.maximise(objective),
    };
    let mut problem = opts.apply(unsolved.using(highs));
    for c in constraints {
        problem.add_constraint(c);
    }
    if !start.is_empty() {
        problem = problem.with_initial_solution(start);
    }
    let sol = problem.solve().map_err(|e| match e {
        ResolutionError::Infeasible => LocateError::Infeasible(infeasible.to_string()),
        ResolutionError::Unbounded => LocateError::Solver("HiGHS reports an unbounded model".into()),
        ResolutionError::Other("NoSolutionFound") => {
            LocateError::Solver(format!("no feasible solution found within the time limit of {} s", opts.time_limit_s))
        }
        other => LocateError::Solver(other.to_string()),
    })?;
    let status = SolveStatus::from(sol.status());
    // good_lp reports `Optimal` only when HiGHS closed the gap entirely and
    // `GapLimit` when it stopped at the requested tolerance; the exact gap of
    // a time-limited run is not exposed through good_lp.
    let gap = match status {
        SolveStatus::Optimal => Some(0.0),
        SolveStatus::GapLimit => Some(opts.mip_rel_gap),
        SolveStatus::TimeLimit => None,
    };
    Ok(Solved { sol, verdict: Verdict { status, gap } })
}

/// Σ of variables, as an expression.
pub(crate) fn sum<'a>(vars: impl IntoIterator<Item = &'a Variable>) -> Expression {
    let mut e = Expression::default();
    for v in vars {
        e.add_mul(1.0, *v);
    }
    e
}
