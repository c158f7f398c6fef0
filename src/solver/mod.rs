//! The solver layer the classic models ([`crate::locate`]) and the planning
//! model ([`crate::plan`]) share: HiGHS settings, so a run is reproducible
//! (HiGHS is deterministic for a fixed thread count, so civplan fixes it, 1 by
//! default), and solving a MILP as its independent [`blocks`].

pub mod blocks;

use good_lp::solvers::highs::HighsProblem;
use good_lp::SolutionStatus;
use serde::Serialize;

/// HiGHS heuristics [`SolveOptions::apply`] switches off.
pub const SLOW_HEURISTICS: [&str; 4] = [
    "mip_heuristic_run_rins",
    "mip_heuristic_run_rens",
    "mip_heuristic_run_root_reduced_cost",
    "mip_heuristic_run_feasibility_jump",
];

/// HiGHS's pseudo-cost reliability threshold [`SolveOptions::apply`] sets.
pub const PSCOST_MIN_RELIABLE: (&str, i32) = ("mip_pscost_minreliable", 0);

/// How HiGHS is run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// HiGHS threads. Results are reproducible for a fixed count; 1 is the default.
    pub threads: u32,
    /// Wall-clock limit per MILP solve, seconds.
    pub time_limit_s: f64,
    /// Relative MIP gap at which HiGHS stops (0 = prove optimality).
    pub mip_rel_gap: f64,
    /// HiGHS stops once it has a plan of an objective below this (without
    /// the constant): a caller that knows a lower bound HiGHS does not sets
    /// it to that bound plus the gap it accepts.
    pub objective_target: f64,
    /// Print the HiGHS log.
    pub verbose: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self { threads: 1, time_limit_s: 300.0, mip_rel_gap: 1e-9, objective_target: f64::NEG_INFINITY, verbose: false }
    }
}

impl SolveOptions {
    /// Apply these options to a good_lp HiGHS problem.
    ///
    /// HiGHS's sub-MIP heuristics (RINS, RENS) and its root reduced-cost
    /// heuristic are off: on civplan's models they spend most of the time
    /// without shortening the search, and reach the same optima. Feasibility
    /// jump is off too: the plan models find incumbents by rounding and
    /// diving at once, which stay.
    ///
    /// Branching trusts pseudo-costs from the first observation
    /// (`mip_pscost_minreliable` 0, HiGHS's default 8) instead of strong-
    /// branching each candidate until it has 8: on the plan models strong
    /// branching is about half the LP iterations and seldom changes the
    /// branch taken.
    pub fn apply(&self, mut problem: HighsProblem) -> HighsProblem {
        problem.set_verbose(self.verbose);
        for (key, value) in self.highs_options() {
            problem = match value {
                OptionValue::Bool(v) => problem.set_option(key, v),
                OptionValue::Int(v) => problem.set_option(key, v),
                OptionValue::Float(v) => problem.set_option(key, v),
            };
        }
        problem
    }

    /// The same options on a model of the `highs` crate, for solves that
    /// read what good_lp does not expose (the MIP gap at a time limit).
    pub fn apply_to_model(&self, model: &mut highs::Model) {
        if self.verbose {
            model.set_option("output_flag", true);
            model.set_option("log_to_console", true);
        }
        for (key, value) in self.highs_options() {
            match value {
                OptionValue::Bool(v) => model.set_option(key, v),
                OptionValue::Int(v) => model.set_option(key, v),
                OptionValue::Float(v) => model.set_option(key, v),
            }
        }
    }

    /// Every HiGHS option civplan sets (see [`SolveOptions::apply`]).
    fn highs_options(&self) -> Vec<(&'static str, OptionValue)> {
        let mut o: Vec<(&'static str, OptionValue)> =
            SLOW_HEURISTICS.iter().map(|&k| (k, OptionValue::Bool(false))).collect();
        o.extend([
            ("threads", OptionValue::Int(self.threads as i32)),
            ("random_seed", OptionValue::Int(0)),
            (PSCOST_MIN_RELIABLE.0, OptionValue::Int(PSCOST_MIN_RELIABLE.1)),
            ("mip_rel_gap", OptionValue::Float(self.mip_rel_gap)),
            ("mip_abs_gap", OptionValue::Float(1e-9)),
            ("time_limit", OptionValue::Float(self.time_limit_s)),
        ]);
        if self.objective_target.is_finite() {
            o.push(("objective_target", OptionValue::Float(self.objective_target)));
        }
        o
    }
}

/// A HiGHS option's value.
#[derive(Debug, Clone, Copy)]
enum OptionValue {
    Bool(bool),
    Int(i32),
    Float(f64),
}

/// What a finished HiGHS MILP solve means, for the callers that read the
/// `highs` model directly (the plan's blocks, the classic models).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// No solution exists.
    Infeasible,
    /// The objective is unbounded.
    Unbounded,
    /// Stopped with this status and a feasible solution.
    Stopped(SolveStatus),
    /// Stopped with this status but no feasible solution (a limit came
    /// before HiGHS found one).
    NoSolution(SolveStatus),
    /// Any other HiGHS status (an error).
    Other(highs::HighsModelStatus),
}

impl Outcome {
    /// From a finished solve and its MIP gap: optimal with a positive gap is
    /// `GapLimit`; any limit reached is `TimeLimit`.
    pub fn of(solved: &highs::SolvedModel, gap: f64) -> Self {
        match Self::of_status(solved.status(), gap) {
            Outcome::Stopped(s) if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible => {
                Outcome::NoSolution(s)
            }
            other => other,
        }
    }

    fn of_status(status: highs::HighsModelStatus, gap: f64) -> Self {
        use highs::HighsModelStatus as H;
        match status {
            H::Infeasible | H::UnboundedOrInfeasible => Outcome::Infeasible,
            H::Unbounded => Outcome::Unbounded,
            H::Optimal | H::ObjectiveBound | H::ObjectiveTarget if gap.is_finite() && gap > 0.0 => {
                Outcome::Stopped(SolveStatus::GapLimit)
            }
            H::Optimal | H::ObjectiveBound | H::ObjectiveTarget => Outcome::Stopped(SolveStatus::Optimal),
            H::ReachedTimeLimit
            | H::ReachedSolutionLimit
            | H::ReachedInterrupt
            | H::ReachedIterationLimit
            | H::ReachedMemoryLimit => Outcome::Stopped(SolveStatus::TimeLimit),
            other => Outcome::Other(other),
        }
    }
}

/// Solver outcome as reported to users.
/// Ordered from best to worst, so a model solved in blocks reports its worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStatus {
    /// Proven optimal.
    Optimal,
    /// Stopped at the requested gap.
    GapLimit,
    /// Stopped by the time limit with a feasible solution.
    TimeLimit,
}

impl From<SolutionStatus> for SolveStatus {
    fn from(s: SolutionStatus) -> Self {
        match s {
            SolutionStatus::Optimal => SolveStatus::Optimal,
            SolutionStatus::GapLimit => SolveStatus::GapLimit,
            _ => SolveStatus::TimeLimit,
        }
    }
}

impl std::fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SolveStatus::Optimal => "optimal",
            SolveStatus::GapLimit => "gap limit",
            SolveStatus::TimeLimit => "time limit",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use good_lp::{constraint, variable, variables, Solution, SolverModel};

    /// The build-path smoke test: a tiny MILP solved by HiGHS through good_lp.
    /// max 5x + 4y s.t. 6x + 4y <= 24, x + 2y <= 6, x,y integer >= 0.
    /// LP optimum is (3, 1.5) = 21; integer points: (4,0)=20, (3,1)=19,
    /// (2,2)=18, so the integer optimum is x=4, y=0, objective 20.
    #[test]
    fn highs_solves_a_tiny_milp() {
        let mut vars = variables!();
        let x = vars.add(variable().integer().min(0));
        let y = vars.add(variable().integer().min(0));
        let problem = vars
            .maximise(5 * x + 4 * y)
            .using(good_lp::solvers::highs::highs)
            .with(constraint!(6 * x + 4 * y <= 24))
            .with(constraint!(x + 2 * y <= 6));
        let sol = SolveOptions::default().apply(problem).solve().unwrap();
        assert_eq!(SolveStatus::from(sol.status()), SolveStatus::Optimal);
        assert!((sol.value(x) - 4.0).abs() < 1e-9);
        assert!(sol.value(y).abs() < 1e-9);
    }
}
