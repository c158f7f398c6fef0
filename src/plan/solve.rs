//! Solving the model: every row hard first; a block that cannot meet its
//! rows is solved again elastically — its slacks free, their weighted,
//! normalised sum minimised (the best it can do) plus a small weight on cost
//! (so that among plans with the least shortfall the cheapest is taken; see
//! [`super::model::ELASTIC_COST_WEIGHT`]). The model is solved as its
//! independent blocks ([`crate::solver::blocks`]), in parallel; each solve
//! is deterministic, so the thread count changes only the time.

use super::model::{build, Built, Inputs, Mode};
use crate::solver::blocks::{BlockError, BlockSolution, Values};
use crate::solver::SolveOptions;
use std::sync::OnceLock;

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
    // A block that cannot meet its rows is solved elastically at once, not
    // after every other block's hard solve: the slowest hard block and an
    // elastic one then run side by side. The elastic model has the same
    // variables and rows, so the same blocks; it is built once, by the first
    // block that needs it.
    let elastic: OnceLock<Built> = OnceLock::new();
    let solved: Vec<(BlockSolution, bool)> = (0..blocks.len())
        .into_par_iter()
        .map(|b| -> Result<(BlockSolution, bool), PlanError> {
            if let Some(sol) = hard.milp.solve_block(&blocks[b], opts)? {
                return Ok((sol, false));
            }
            let el = elastic.get_or_init(|| {
                let el = build(inp, Mode::Elastic);
                debug_assert_eq!(el.milp.blocks(), blocks);
                el
            });
            let sol = el.milp.solve_block(&blocks[b], opts)?.ok_or_else(|| {
                PlanError::Solver("the elastic model is infeasible (a bug: every row has a slack)".into())
            })?;
            Ok((sol, true))
        })
        .collect::<Result<_, _>>()?;
    let short = solved.iter().filter(|(_, e)| *e).count();
    // Blocks that met every row keep their hard solution in the elastic model.
    let built = elastic.into_inner().unwrap_or(hard);
    let solves = blocks.len() + short;
    let solved: Vec<BlockSolution> = solved.into_iter().map(|(s, _)| s).collect();
    let values = built.milp.gather(&blocks, &solved);
    Ok(Solved { built, values, solves, blocks: blocks.len() })
}
