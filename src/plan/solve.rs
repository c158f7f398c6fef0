//! Solving the model: every row hard first; a block that cannot meet its
//! rows is solved again elastically — its slacks free, their weighted,
//! normalised sum minimised (the best it can do) plus a small weight on cost
//! (so that among plans with the least shortfall the cheapest is taken; see
//! [`super::model::ELASTIC_COST_WEIGHT`]). The model is solved as its
//! independent blocks ([`crate::solver::blocks`]), in parallel; each solve
//! is deterministic, so the thread count changes only the time.
//!
//! With a gap of at least [`BOUND_MIN_GAP`], a hard block is first planned
//! through its travel-free bound ([`build_bound`]): that model, whose
//! assignment has a column per town instead of per town and site, is solved
//! (to half the gap), its builds and sizes are fixed in the block, and the
//! block is solved again for the rest (flows, nursing beds, stock). The
//! bound's optimum L is at most the block's, so the plan found, of cost U,
//! is within (U − L) / U of the optimum; it is taken when that is within the
//! gap, and stated as the block's gap. Otherwise the block is solved in full.
//! The search a full solve spends on which of many alike towns gets which
//! module is then spent on the smaller bound model.

use super::model::{build, build_bound, Built, Inputs, Mode};
use crate::solver::blocks::{Block, BlockError, BlockSolution, Values};
use crate::solver::{SolveOptions, SolveStatus};
use good_lp::IntoAffineExpression;
use std::sync::OnceLock;

/// The least `--gap` at which a block is first planned through the
/// travel-free bound. The bound differs from the optimum by the travel its
/// pooling hides, 0.01–0.02 % of the cost of 垫江's and 安岳's phased
/// plans; a tighter gap would rarely be proven that way.
pub const BOUND_MIN_GAP: f64 = 1e-4;

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
    // block that needs it, as is the travel-free bound.
    let elastic: OnceLock<Built> = OnceLock::new();
    let bound = Bound::new(inp);
    let solved: Vec<(BlockSolution, bool)> = (0..blocks.len())
        .into_par_iter()
        .map(|b| -> Result<(BlockSolution, bool), PlanError> {
            let hard_sol = match bound.plan(&hard, &blocks[b], opts) {
                Through::Proven(sol) => Some(sol),
                // The bound relaxes the block: no plan of it meets every row.
                Through::Infeasible => None,
                Through::NotProven(start) => hard.milp.solve_block(&blocks[b], opts, &[], start.as_deref())?,
            };
            if let Some(sol) = hard_sol {
                return Ok((sol, false));
            }
            let el = elastic.get_or_init(|| {
                let el = build(inp, Mode::Elastic);
                debug_assert_eq!(el.milp.blocks(), blocks);
                el
            });
            let sol = el.milp.solve_block(&blocks[b], opts, &[], None)?.ok_or_else(|| {
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

/// What planning a block through the travel-free bound gave.
enum Through {
    /// A plan proven within the gap.
    Proven(BlockSolution),
    /// The bound has no plan, so neither has the block.
    Infeasible,
    /// Not tried, or not proven within the gap: solve the block in full,
    /// from the plan found, if any.
    NotProven(Option<Vec<f64>>),
}

/// The travel-free bound of the hard model, built once, when first needed.
/// Only hard blocks are planned through it: the elastic objective is mostly
/// shortfall, so a gap on it would not bound the cost.
struct Bound<'a> {
    inp: &'a Inputs<'a>,
    model: OnceLock<(Built, Vec<Block>)>,
}

impl<'a> Bound<'a> {
    fn new(inp: &'a Inputs<'a>) -> Self {
        Bound { inp, model: OnceLock::new() }
    }

    /// Block `block` of the hard model `base` planned
    /// through the bound (see the module docs). Not tried when the gap is
    /// below [`BOUND_MIN_GAP`], the plan is robust, the block builds nothing
    /// or the pooling does not shrink it, or the bound's blocks do not hold
    /// exactly its decisions.
    fn plan(&self, base: &Built, block: &Block, opts: &SolveOptions) -> Through {
        if opts.mip_rel_gap < BOUND_MIN_GAP || self.inp.recourse.is_some() {
            return Through::NotProven(None);
        }
        let index = base.milp.index();
        let sizing: std::collections::BTreeSet<usize> = base.sizing().iter().map(|v| index[v]).collect();
        if !block.vars.iter().any(|i| sizing.contains(i)) {
            return Through::NotProven(None);
        }
        let (model, blocks) = self.model.get_or_init(|| {
            let m = build_bound(self.inp);
            debug_assert_eq!(m.decision_vars, base.decision_vars);
            let b = m.milp.blocks();
            (m, b)
        });
        // The bound's blocks that share a decision with this block must hold
        // no other block's decisions (each decision is in one block of each
        // model); and the pooling must make them smaller than the block, or
        // the block would be solved twice for nothing.
        let n = base.decision_vars;
        let decisions = |b: &Block| b.vars.iter().filter(|&&i| i < n).count();
        let shares = |b: &Block| b.vars.iter().any(|&i| i < n && block.vars.binary_search(&i).is_ok());
        let theirs: Vec<&Block> = blocks.iter().filter(|b| shares(b)).collect();
        if theirs.iter().map(|b| decisions(b)).sum::<usize>() != decisions(block)
            || theirs.iter().map(|b| b.vars.len()).sum::<usize>() >= block.vars.len()
        {
            return Through::NotProven(None);
        }
        let half = SolveOptions { mip_rel_gap: opts.mip_rel_gap / 2.0, ..*opts };
        // Each block's objective carries the whole objective's constant once.
        let constant = model.milp.objective.constant();
        let mut lower = constant;
        let mut fixed = Vec::new();
        for b in theirs {
            match model.milp.solve_block(b, &half, &[], None) {
                Ok(Some(sol)) => {
                    lower += sol.bound - constant;
                    fixed.extend(
                        b.vars
                            .iter()
                            .zip(&sol.values)
                            .filter(|(i, _)| sizing.contains(i))
                            .map(|(&i, v)| (i, v.round())),
                    );
                }
                Ok(None) => return Through::Infeasible,
                Err(_) => return Through::NotProven(None),
            }
        }
        let Ok(Some(sol)) = base.milp.solve_block(block, opts, &fixed, None) else { return Through::NotProven(None) };
        if sol.status == SolveStatus::TimeLimit {
            return Through::NotProven(None);
        }
        let upper = sol.objective;
        let gap = ((upper - lower) / upper.abs().max(1e-9)).max(0.0);
        if gap > opts.mip_rel_gap {
            return Through::NotProven(Some(sol.values));
        }
        let status = if gap > 0.0 { SolveStatus::GapLimit } else { SolveStatus::Optimal };
        Through::Proven(BlockSolution { status, gap, bound: lower, ..sol })
    }
}
