//! Solving the model: every row hard first; a block that cannot meet its
//! rows is solved again elastically — its slacks free, their weighted,
//! normalised sum minimised (the best it can do) plus a small weight on cost
//! ([`super::model::ELASTIC_COST_WEIGHT`]) — and then once more for the
//! least cost at which no row (a norm, a town's demand, a budget, in a
//! period) is short by more than in that plan: each slack capped at its
//! value, a bound to HiGHS. (A cap on their weighted sum would let the cost
//! solve move shortfall between towns, and make it a search under a
//! knapsack row over hundreds of slacks, which ran into HiGHS's time
//! limit.) The model is solved as its
//! independent blocks ([`crate::solver::blocks`]), in parallel; each solve
//! is deterministic, so the thread count changes only the time.
//!
//! **The gap is on cost.** A block's stated gap is (U − L) / C: its plan's
//! objective U, a lower bound L of the best, over the block's cost C (its
//! own terms and an equal share of the constant, so that the blocks' gaps
//! add up to the plan's). In a hard block U is C. In an elastic one the
//! gap is that of the second solve, so the plan costs at most the gap more
//! than the cheapest plan short nowhere by more; its first solve, for the
//! least shortfall, is proven to the gap on its own objective (shortfall
//! and weighted cost), which HiGHS cannot close where the shortfall's LP
//! bound is weak but the bound below proves at once.
//!
//! **The travel-free bound.** With a gap of at least [`BOUND_MIN_GAP`], a
//! block is first planned through its travel-free bound ([`build_bound`]):
//! that model, whose assignment has a column per town instead of per town
//! and site, is solved (to a tenth of the gap), its builds and sizes are
//! fixed in the block, and the block is solved again for the rest (flows,
//! nursing beds, stock). The bound's optimum L is at most the block's, so
//! the plan found is within (U − L) / C of the optimum; it is taken when
//! that is within the gap. Otherwise the block is solved in full, from that
//! plan, and may stop at a plan within the gap of L. The search a full solve
//! spends on which of many alike towns gets which module is then spent on
//! the smaller bound model. A bound above the plan found is not trusted (it
//! would be a bug in the bound): the block is then solved in full.

use super::model::{build, build_bound, costs, Built, Inputs, Mode, ELASTIC_COST_WEIGHT};
use super::shared::{self, Key};
use crate::solver::blocks::{Block, BlockError, BlockSolution, Values};
use crate::solver::{SolveOptions, SolveStatus};
use good_lp::{Constraint, Expression, IntoAffineExpression};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The least `--gap` at which a block is first planned through the
/// travel-free bound. The bound differs from the optimum by the travel its
/// pooling hides, a few hundredths of a per cent of a phased plan's cost;
/// a tighter gap would rarely be proven that way.
pub const BOUND_MIN_GAP: f64 = 1e-4;

/// How far, relative to the block's scale, the bound's optimum may lie
/// above a plan the block has before the bound is not trusted: HiGHS's
/// tolerances (10⁻⁷ on rows, 10⁻⁹ on the objective's gap) are far below.
const BOUND_TOLERANCE: f64 = 1e-6;

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
    let bound = Bound::new(inp, Mode::Hard, blocks.len());
    let elastic_bound = Bound::new(inp, Mode::Elastic, blocks.len());
    let solved: Vec<(BlockSolution, bool)> = (0..blocks.len())
        .into_par_iter()
        .map(|b| -> Result<(BlockSolution, bool), PlanError> {
            if let Some(sol) = bound.solve(&hard, &blocks[b], opts)? {
                return Ok((sol, false));
            }
            let el = elastic.get_or_init(|| {
                let el = build(inp, Mode::Elastic);
                debug_assert_eq!(el.milp.blocks(), blocks);
                el
            });
            let sol = elastic_bound.solve(el, &blocks[b], opts)?.ok_or_else(|| {
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
    let mut values = built.milp.gather(&blocks, &solved);
    // Every block's gap is on its cost (see `Bound::solve`), so the plan's
    // is their sum in yuan over the plan's cost.
    let off: f64 = blocks.iter().zip(&solved).map(|(b, s)| s.gap * bound.cost_yuan(&built, b, &s.values)).sum();
    values.gap = if off > 0.0 { off / built.costs.total().eval_with(&values).abs().max(1e-9) } else { 0.0 };
    Ok(Solved { built, values, solves, blocks: blocks.len() })
}

/// The status of a solve stopped with `status` at the stated `gap`.
fn stated(status: SolveStatus, gap: f64) -> SolveStatus {
    match status {
        SolveStatus::TimeLimit => SolveStatus::TimeLimit,
        _ if gap > 0.0 => SolveStatus::GapLimit,
        _ => SolveStatus::Optimal,
    }
}

/// What planning a block through the travel-free bound gave.
enum Through {
    /// A plan proven within the gap.
    Proven(BlockSolution),
    /// The bound has no plan, so neither has the block.
    Infeasible,
    /// Not tried, or not proven within the gap: solve the block in full,
    /// from the plan found, if any, knowing the bound's optimum is at
    /// least `lower` (HiGHS's objective units: without the constant).
    NotProven { start: Option<Vec<f64>>, lower: Option<f64> },
}

impl Through {
    /// Not tried, or tried without a plan or bound to pass on.
    const UNTRIED: Through = Through::NotProven { start: None, lower: None };
}

/// A model's travel-free bound, built once, when first needed, and how the
/// model's blocks are solved to the gap on cost.
struct Bound<'a> {
    inp: &'a Inputs<'a>,
    mode: Mode,
    /// Units of the model's objective per yuan of cost: 1 in the hard
    /// model, [`ELASTIC_COST_WEIGHT`] ÷ [`costs::reference`] in the elastic.
    per_yuan: f64,
    /// Blocks of the model: each carries a share of the cost's constant.
    blocks: usize,
    model: OnceLock<(Built, Vec<Block>)>,
}

/// What a block is solved for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Goal<'c> {
    /// The model's objective.
    Model,
    /// The least cost at which no row is short by more than in the least
    /// shortfall plan (an elastic block's second solve): each slack of
    /// [`slacks`] at most its cap (None: not the block's).
    Cheapest { caps: &'c [Option<f64>] },
}

/// A model's slacks, in an order the same in every model of the same
/// inputs (the rows of its norms and demand, then its budgets), so that the
/// caps of [`Goal::Cheapest`] found in the model hold in its bound too; each
/// with its position among `block`'s variables (None: another block's).
fn slacks(m: &Built, block: &Block) -> Vec<(good_lp::Variable, Option<usize>)> {
    let index = m.milp.index();
    m.rows
        .iter()
        .filter_map(|r| r.slack)
        .chain(m.budgets.iter().map(|b| b.slack))
        .map(|v| (v, block.vars.binary_search(&index[&v]).ok()))
        .collect()
}

impl<'a> Bound<'a> {
    fn new(inp: &'a Inputs<'a>, mode: Mode, blocks: usize) -> Self {
        let per_yuan = match mode {
            Mode::Hard => 1.0,
            Mode::Elastic => ELASTIC_COST_WEIGHT / costs::reference(inp),
        };
        Bound { inp, mode, per_yuan, blocks, model: OnceLock::new() }
    }

    /// The objective and the extra rows of `goal` in model `m`, those of
    /// the slacks in `block` only (a row on another block's slack is that
    /// block's).
    fn goal(&self, m: &Built, block: &Block, goal: Goal) -> (Expression, Vec<Constraint>) {
        match goal {
            Goal::Model => (m.milp.objective.clone(), Vec::new()),
            Goal::Cheapest { caps } => {
                let own = slacks(m, block);
                debug_assert_eq!(own.len(), caps.len());
                // A cap on a single slack is a bound to HiGHS's presolve: no
                // knapsack row over hundreds of slacks to search under.
                let rows = own
                    .into_iter()
                    .zip(caps)
                    .filter(|((_, at), _)| at.is_some())
                    .filter_map(|((v, _), cap)| cap.map(|c| good_lp::constraint::leq(v, c)))
                    .collect();
                (m.costs.total(), rows)
            }
        }
    }

    /// The caps of [`Goal::Cheapest`] at a plan of `block`: each of its
    /// slacks at the plan's value (HiGHS holds a bound to 10⁻⁷ in the
    /// row's units, a millionth of a bed).
    fn caps(&self, m: &Built, block: &Block, values: &[f64]) -> Vec<Option<f64>> {
        slacks(m, block).into_iter().map(|(_, at)| at.map(|i| values[i].max(0.0))).collect()
    }

    /// The share of a constant carried by the other blocks: each block's
    /// objective holds the whole constant, and its cost only its share, so
    /// that the blocks' costs add up to the plan's and so do their gaps.
    fn others(&self, constant: f64) -> f64 {
        constant * (1.0 - 1.0 / self.blocks.max(1) as f64)
    }

    /// The cost of a block's plan, yuan: its variables' and its share of the
    /// constant (the existing stock's). A block's gap is measured on it.
    fn cost_yuan(&self, m: &Built, block: &Block, values: &[f64]) -> f64 {
        self.scale(m, block, values, &m.costs.total())
    }

    /// Block `block` of model `m` solved to the gap on its cost, which is
    /// the block's stated gap: through the bound when that proves the gap,
    /// else in full (from the bound's plan, stopping at a plan the bound
    /// proves). An elastic block is then solved again for the least cost at
    /// which no row is short by more than in the plan it found. `None`: the
    /// block has no plan (only a hard block can be so).
    fn solve(&self, m: &Built, block: &Block, opts: &SolveOptions) -> Result<Option<BlockSolution>, PlanError> {
        if self.inp.recourse.is_some() {
            return self.solve_here(m, block, opts);
        }
        shared::solve(|| self.key(m, block, opts), || self.solve_here(m, block, opts))
    }

    fn solve_here(&self, m: &Built, block: &Block, opts: &SolveOptions) -> Result<Option<BlockSolution>, PlanError> {
        let Some(sol) = self.solve_for(m, block, opts, Goal::Model, None)? else { return Ok(None) };
        if self.mode == Mode::Hard {
            return Ok(Some(sol));
        }
        // A robust plan is left at HiGHS's gap on its elastic objective (its
        // recourse makes a second solve slow), stated on its cost.
        if sol.status == SolveStatus::TimeLimit || self.inp.recourse.is_some() {
            return Ok(Some(BlockSolution { gap: self.on_cost(m, block, &sol), ..sol }));
        }
        let caps = self.caps(m, block, &sol.values);
        let goal = Goal::Cheapest { caps: &caps };
        // The first plan meets the caps, so the second solve has one.
        match self.solve_for(m, block, opts, goal, Some(sol.values.clone()))? {
            Some(cheapest) => Ok(Some(cheapest)),
            None => Ok(Some(BlockSolution { gap: self.on_cost(m, block, &sol), ..sol })),
        }
    }

    fn solve_for(
        &self,
        m: &Built,
        block: &Block,
        opts: &SolveOptions,
        goal: Goal,
        start: Option<Vec<f64>>,
    ) -> Result<Option<BlockSolution>, PlanError> {
        let (start, lower) = match self.plan(m, block, opts, goal) {
            Through::Proven(sol) => return Ok(Some(sol)),
            Through::Infeasible if goal == Goal::Model => return Ok(None),
            Through::Infeasible => (start, None),
            Through::NotProven { start: found, lower } => (found.or(start), lower),
        };
        let (objective, rows) = self.goal(m, block, goal);
        // HiGHS may stop at a plan the bound proves within the gap: the
        // gap is on the block's share of the objective (`scale`), which is at
        // least the bound's optimum plus the block's share of the constant
        // (HiGHS's objectives leave the constant out). An absolute gap of as
        // much is not given to HiGHS: it would prune the nodes where the
        // better plans are found.
        let share = objective.constant() - self.others(objective.constant());
        let targeted = SolveOptions {
            objective_target: lower.map_or(f64::NEG_INFINITY, |l| l + opts.mip_rel_gap * (l.max(0.0) + share)),
            ..*opts
        };
        let Some(sol) = m.milp.solve_block_as(block, &objective, &rows, &targeted, &[], start.as_deref())? else {
            return Ok(None);
        };
        // The gap stated: on `scale`, from the better of the two bounds.
        let bound = lower.map_or(sol.bound, |l| l.max(sol.bound)).min(sol.objective);
        let gap = ((sol.objective - bound) / self.scale(m, block, &sol.values, &objective)).max(0.0);
        Ok(Some(BlockSolution { status: stated(sol.status, gap), gap, bound, ..sol }))
    }

    /// What a solve states its gap on: the block's share of the `objective`
    /// of its goal ([`Self::goal`]). For the hard model and the least cost
    /// that is its cost ([`Self::cost_yuan`]); for the elastic model's least
    /// shortfall, its weighted shortfall and cost (the cost is then bounded
    /// by the second solve, [`Goal::Cheapest`]).
    fn scale(&self, m: &Built, block: &Block, values: &[f64], objective: &Expression) -> f64 {
        (m.milp.eval_block(objective, block, values) - self.others(objective.constant())).abs().max(1e-9)
    }

    /// A solution's gap on its block's cost.
    fn on_cost(&self, m: &Built, block: &Block, sol: &BlockSolution) -> f64 {
        let cost = self.per_yuan * self.cost_yuan(m, block, &sol.values);
        ((sol.objective - sol.bound) / cost).max(0.0)
    }

    /// The bound model, its blocks that hold `block`'s decisions, and the
    /// positions of `block`'s sizing variables; `None` when the block builds
    /// nothing, or the bound's blocks that share a decision with it hold
    /// another block's decisions too (each decision is in one block of each
    /// model), or are not smaller than it (it would be solved twice for
    /// nothing).
    fn theirs(&self, base: &Built, block: &Block) -> Option<(&Built, Vec<&Block>, BTreeSet<usize>)> {
        let index = base.milp.index();
        let sizing: BTreeSet<usize> =
            base.sizing().iter().map(|v| index[v]).filter(|i| block.vars.binary_search(i).is_ok()).collect();
        if sizing.is_empty() {
            return None;
        }
        let (model, blocks) = self.model.get_or_init(|| {
            let m = build_bound(self.inp, self.mode);
            debug_assert_eq!(m.decision_vars, base.decision_vars);
            let b = m.milp.blocks();
            (m, b)
        });
        let n = base.decision_vars;
        let decisions = |b: &Block| b.vars.iter().filter(|&&i| i < n).count();
        let shares = |b: &Block| b.vars.iter().any(|&i| i < n && block.vars.binary_search(&i).is_ok());
        let theirs: Vec<&Block> = blocks.iter().filter(|b| shares(b)).collect();
        if theirs.iter().map(|b| decisions(b)).sum::<usize>() != decisions(block)
            || theirs.iter().map(|b| b.vars.len()).sum::<usize>() >= block.vars.len()
        {
            return None;
        }
        Some((model, theirs, sizing))
    }

    /// What the solve of `block` of `m` depends on (see [`super::shared`]).
    fn key(&self, m: &Built, block: &Block, opts: &SolveOptions) -> Key {
        let mode = match self.mode {
            Mode::Hard => 0.0,
            Mode::Elastic => 1.0,
        };
        let mut key = Key::new(opts, &[mode, self.per_yuan, self.blocks as f64]);
        key.add(&m.milp, block, &[&m.costs.total()]);
        if let Some((model, theirs, sizing)) = self.theirs(m, block) {
            key.add_positions(block, &sizing);
            for b in theirs {
                key.add(&model.milp, b, &[&model.costs.total()]);
            }
        }
        key
    }

    /// Block `block` of model `base`, solved for `goal`, planned through the
    /// bound (see the module docs). Not tried when the gap is below
    /// [`BOUND_MIN_GAP`], the plan is robust, the block builds nothing or the
    /// pooling does not shrink it, or the bound's blocks do not hold exactly
    /// its decisions.
    fn plan(&self, base: &Built, block: &Block, opts: &SolveOptions, goal: Goal) -> Through {
        if opts.mip_rel_gap < BOUND_MIN_GAP || self.inp.recourse.is_some() {
            return Through::UNTRIED;
        }
        let Some((model, theirs, sizing)) = self.theirs(base, block) else {
            return Through::UNTRIED;
        };
        let finer = SolveOptions { mip_rel_gap: opts.mip_rel_gap / 10.0, ..*opts };
        // HiGHS's objectives leave out the constant (good_lp does not pass
        // it on), so the bound's blocks' bounds add up.
        let mut lower = 0.0;
        let mut fixed = Vec::new();
        for b in theirs {
            let (objective, rows) = self.goal(model, b, goal);
            match model.milp.solve_block_as(b, &objective, &rows, &finer, &[], None) {
                Ok(Some(sol)) => {
                    lower += sol.bound;
                    fixed.extend(
                        b.vars
                            .iter()
                            .zip(&sol.values)
                            .filter(|(i, _)| sizing.contains(i))
                            .map(|(&i, v)| (i, v.round())),
                    );
                }
                Ok(None) => return Through::Infeasible,
                Err(_) => return Through::UNTRIED,
            }
        }
        let (objective, rows) = self.goal(base, block, goal);
        let Ok(Some(sol)) = base.milp.solve_block_as(block, &objective, &rows, opts, &fixed, None) else {
            return Through::UNTRIED;
        };
        if sol.status == SolveStatus::TimeLimit {
            return Through::UNTRIED;
        }
        let upper = sol.objective;
        let scale = self.scale(base, block, &sol.values, &objective);
        // A bound above a plan of the block is no bound of it (HiGHS's
        // tolerances aside): solve in full, trusting only HiGHS's own.
        if lower > upper + BOUND_TOLERANCE * scale {
            return Through::NotProven { start: Some(sol.values), lower: None };
        }
        let gap = ((upper - lower) / scale).max(0.0);
        if gap > opts.mip_rel_gap {
            return Through::NotProven { start: Some(sol.values), lower: Some(lower) };
        }
        Through::Proven(BlockSolution { status: stated(sol.status, gap), gap, bound: lower, ..sol })
    }
}
