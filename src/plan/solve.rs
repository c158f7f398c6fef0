//! Solving the model: every row hard first; a block that cannot meet its
//! rows is solved again elastically — its slacks free, their weighted,
//! normalised sum minimised (the best it can do) plus a small weight on cost
//! (so that among plans with the least shortfall the cheapest is taken; see
//! [`super::model::ELASTIC_COST_WEIGHT`]). The model is solved as its
//! independent blocks ([`crate::solver::blocks`]), in parallel; each solve
//! is deterministic, so the thread count changes only the time.

use super::model::{build, Built, Inputs, Mode};
use crate::solver::blocks::{BlockError, BlockSolution, Milp, Values};
use crate::solver::SolveOptions;

/// Why a plan could not be made (a plan that misses a norm is not an error:
/// its compliance says which, by how much, where and when).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("year {year} is not an output year of the simulation (years: {years:?})")]
    Year { year: u32, years: Vec<u32> },
    #[error("the solver failed: {0}")]
    Solver(String),
    /// A solve reached `--time-limit` before HiGHS had any plan: nothing to
    /// report, unlike a plan stopped with a gap.
    #[error("no plan found within the time limit of {seconds} s per solve; raise --time-limit")]
    NoPlanInTime { seconds: f64 },
}

impl From<BlockError> for PlanError {
    fn from(e: BlockError) -> Self {
        match e {
            BlockError::NoSolutionInTime(seconds) => PlanError::NoPlanInTime { seconds },
            BlockError::Solver(e) => PlanError::Solver(e.to_string()),
        }
    }
}

/// A solved model and the values of all its variables.
pub struct Solved {
    pub built: Built,
    pub values: Values,
    pub solves: usize,
    pub blocks: usize,
}

pub fn solve(inp: &Inputs, opts: &SolveOptions) -> Result<Solved, PlanError> {
    use rayon::prelude::*;
    let hard = build(inp, Mode::Hard);
    let blocks = hard.milp.blocks();
    let solve_all = |m: &Milp, which: &[usize]| -> Result<Vec<Option<BlockSolution>>, PlanError> {
        which.par_iter().map(|&b| m.solve_block(&blocks[b], opts).map_err(PlanError::from)).collect()
    };
    let all: Vec<usize> = (0..blocks.len()).collect();
    let mut solved = solve_all(&hard.milp, &all)?;
    let short: Vec<usize> = all.iter().copied().filter(|&b| solved[b].is_none()).collect();
    let built = if short.is_empty() {
        hard
    } else {
        // The elastic model has the same variables and rows, so the same
        // blocks; those that met every row keep their hard solution.
        let elastic = build(inp, Mode::Elastic);
        debug_assert_eq!(elastic.milp.blocks(), blocks);
        for (&b, sol) in short.iter().zip(solve_all(&elastic.milp, &short)?) {
            solved[b] = Some(sol.ok_or_else(|| {
                PlanError::Solver("the elastic model is infeasible (a bug: every row has a slack)".into())
            })?);
        }
        elastic
    };
    let solves = blocks.len() + short.len();
    let solved: Vec<_> = solved.into_iter().map(|x| x.expect("every block solved")).collect();
    let values = built.milp.gather(&blocks, &solved);
    Ok(Solved { built, values, solves, blocks: blocks.len() })
}
