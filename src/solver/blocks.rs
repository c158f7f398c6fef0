//! A MILP solved as its independent blocks.
//!
//! Two sets of variables that share no constraint are independent: the
//! optimum of the whole is the optimum of each block (the objective is a sum
//! over variables, so over blocks). HiGHS branches on the model as a whole,
//! and a node of the joint tree is pruned only when the gaps of every block
//! have closed together, so the joint tree grows like the product of the
//! blocks' trees; solved one by one, the work is their sum. The planning
//! model falls apart this way: funeral halls and grave plots share no norm
//! with beds, nor with each other (and a family would split further where
//! neither a norm nor a town's reach joined its sites).
//!
//! Blocks are the connected components of the graph whose nodes are the
//! variables and whose edges join the variables of a row. Variables in no
//! row go with the first block (their values are set by their bounds and
//! costs alone, so they change nothing there). A block is solved as its own
//! good_lp problem, with the variables and rows of the whole in their order.

use crate::solver::{Outcome, SolveOptions, SolveStatus};
use good_lp::solvers::highs::highs;
use good_lp::{
    Constraint, Expression, IntoAffineExpression, ProblemVariables, ResolutionError, Solution, SolutionStatus,
    SolverModel, Variable,
};
use std::collections::HashMap;

/// A minimisation MILP as built with good_lp, before it is handed to a solver.
pub struct Milp {
    pub vars: ProblemVariables,
    pub objective: Expression,
    pub constraints: Vec<Constraint>,
}

/// One block: variables and rows of the whole, each in ascending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub vars: Vec<usize>,
    pub rows: Vec<usize>,
}

/// One block's solve: its variables' values (in [`Block::vars`] order), the
/// solver's status, objective, relative MIP gap (0 when proven optimal) and
/// the lower bound it proved (the objective when optimal).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockSolution {
    pub values: Vec<f64>,
    pub status: SolveStatus,
    pub objective: f64,
    pub gap: f64,
    pub bound: f64,
}

impl BlockSolution {
    /// A placeholder for a block not solved (every value 0).
    pub fn zeros(block: &Block) -> Self {
        BlockSolution {
            values: vec![0.0; block.vars.len()],
            status: SolveStatus::Optimal,
            objective: 0.0,
            gap: 0.0,
            bound: 0.0,
        }
    }
}

/// Why a block has no solution to return.
#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    /// HiGHS stopped at its time limit before it had any feasible solution.
    #[error("HiGHS found no feasible solution within its time limit of {0} s")]
    NoSolutionInTime(f64),
    #[error(transparent)]
    Solver(#[from] ResolutionError),
}

/// Values of every variable of a [`Milp`], gathered from its blocks' solves.
#[derive(Debug, Clone)]
pub struct Values {
    index: HashMap<Variable, usize>,
    values: Vec<f64>,
    /// The worst status of the blocks solved (time limit > gap limit > optimal).
    pub status: SolveStatus,
    /// Relative MIP gap of the whole: the blocks' absolute gaps over the
    /// whole objective (0 when every block is proven optimal).
    pub gap: f64,
}

impl Solution for Values {
    fn status(&self) -> SolutionStatus {
        match self.status {
            SolveStatus::Optimal => SolutionStatus::Optimal,
            SolveStatus::GapLimit => SolutionStatus::GapLimit,
            SolveStatus::TimeLimit => SolutionStatus::TimeLimit,
        }
    }

    fn value(&self, v: Variable) -> f64 {
        self.values[self.index[&v]]
    }
}

/// Union-find with path halving; the root of a set is its smallest member,
/// so block order does not depend on the order rows are visited.
fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi] = lo;
    }
}

impl Milp {
    /// Position of each variable in `vars` (the order it was added).
    pub fn index(&self) -> HashMap<Variable, usize> {
        self.vars.iter_variables_with_def().enumerate().map(|(i, (v, _))| (v, i)).collect()
    }

    /// The independent blocks, ordered by their first variable.
    pub fn blocks(&self) -> Vec<Block> {
        let index = self.index();
        let n = index.len();
        let mut parent: Vec<usize> = (0..n).collect();
        let mut in_row = vec![false; n];
        for c in &self.constraints {
            let mut first = None;
            for (v, _) in c.expression().linear_coefficients() {
                let i = index[&v];
                in_row[i] = true;
                match first {
                    None => first = Some(i),
                    Some(f) => union(&mut parent, f, i),
                }
            }
        }
        // Variables in no row join the block of the first variable in a row.
        if let Some(anchor) = in_row.iter().position(|&r| r) {
            for i in (0..n).filter(|&i| !in_row[i]) {
                union(&mut parent, anchor, i);
            }
        }
        let mut block_of_root: HashMap<usize, usize> = HashMap::new();
        let mut blocks: Vec<Block> = Vec::new();
        let mut block_of = vec![0; n];
        for (i, b) in block_of.iter_mut().enumerate() {
            let r = find(&mut parent, i);
            *b = *block_of_root.entry(r).or_insert_with(|| {
                blocks.push(Block { vars: vec![], rows: vec![] });
                blocks.len() - 1
            });
            blocks[*b].vars.push(i);
        }
        for (k, c) in self.constraints.iter().enumerate() {
            // A row without variables is a constant test: the first block
            // carries it (HiGHS reports it infeasible if it fails).
            let b = c.expression().linear_coefficients().next().map(|(v, _)| block_of[index[&v]]).unwrap_or(0);
            if let Some(block) = blocks.get_mut(b) {
                block.rows.push(k);
            }
        }
        blocks
    }

    /// Solve one block, with the variables at the positions in `fixed` held
    /// at their values and, given `start` (values in `block.vars` order), a
    /// known plan to start from; `Ok(None)` when it is infeasible. Returns
    /// the values of the block's variables, in `block.vars` order, and the
    /// status.
    pub fn solve_block(
        &self,
        block: &Block,
        opts: &SolveOptions,
        fixed: &[(usize, f64)],
        start: Option<&[f64]>,
    ) -> Result<Option<BlockSolution>, BlockError> {
        self.solve_block_as(block, &self.objective, &[], opts, fixed, start)
    }

    /// [`Self::solve_block`] with another objective and more rows (their
    /// terms outside the block left out).
    pub fn solve_block_as(
        &self,
        block: &Block,
        objective: &Expression,
        extra: &[Constraint],
        opts: &SolveOptions,
        fixed: &[(usize, f64)],
        start: Option<&[f64]>,
    ) -> Result<Option<BlockSolution>, BlockError> {
        let mut defs: Vec<_> = self.vars.iter_variables_with_def().map(|(_, d)| d.clone()).collect();
        for &(i, v) in fixed {
            defs[i] = defs[i].clone().min(v).max(v);
        }
        let index = self.index();
        let mut sub = ProblemVariables::new();
        let mut local: Vec<Option<Variable>> = vec![None; defs.len()];
        for &i in &block.vars {
            local[i] = Some(sub.add(defs[i].clone()));
        }
        let remap = |e: &Expression| -> Expression {
            let mut out = Expression::from(e.constant());
            for (v, c) in e.linear_coefficients() {
                if let Some(l) = local[index[&v]] {
                    out.add_mul(c, l);
                }
            }
            out
        };
        let given = objective;
        let mut problem = sub.minimise(remap(objective)).using(highs);
        for c in block.rows.iter().map(|&k| &self.constraints[k]).chain(extra) {
            let e = remap(c.expression());
            let row = if c.is_equality() { good_lp::constraint::eq(e, 0.0) } else { good_lp::constraint::leq(e, 0.0) };
            problem = problem.with(row);
        }
        // Solved through the `highs` model good_lp builds, with the same
        // options, to read the MIP gap, which good_lp does not report.
        let mut model = problem.try_into_inner()?;
        opts.apply_to_model(&mut model);
        if let Some(values) = start {
            model.try_set_solution(Some(values), None, None, None).map_err(|e| {
                ResolutionError::Str(format!("HiGHS refused the start of {} values: {e:?}", values.len()))
            })?;
        }
        let solved = model.try_solve().map_err(|e| ResolutionError::Str(format!("HiGHS failed: {e:?}")))?;
        let gap = solved.mip_gap();
        let gap = if gap.is_finite() { gap.max(0.0) } else { 0.0 };
        let status = match Outcome::of(&solved, gap) {
            Outcome::Infeasible => return Ok(None),
            Outcome::Unbounded => return Err(ResolutionError::Unbounded.into()),
            Outcome::Stopped(s) => s,
            Outcome::NoSolution(SolveStatus::TimeLimit) => return Err(BlockError::NoSolutionInTime(opts.time_limit_s)),
            Outcome::NoSolution(_) => {
                return Err(ResolutionError::Str("HiGHS ended without a feasible solution".into()).into())
            }
            Outcome::Other(other) => {
                return Err(ResolutionError::Str(format!("HiGHS ended with status {other:?}")).into())
            }
        };
        // Columns are the block's variables, in the order they were added.
        let values = solved.get_solution().columns().to_vec();
        let objective = solved.objective_value();
        // HiGHS 1.16 can return a start as optimal at an objective that is
        // not the start's: one from its presolved space, where the start had
        // another value (a 273-column block of 潼南 came back as its start,
        // reported 24 % below the start's cost and 12 % below the true
        // optimum). A started solve whose values do not have the objective
        // it reports is solved again without the start.
        if start.is_some() {
            let at = self.eval_block(given, block, &values) - given.constant();
            if (at - objective).abs() > 1e-6 * objective.abs().max(1.0) {
                return self.solve_block_as(block, given, extra, opts, fixed, None);
            }
        }
        // HiGHS's dual bound of a MIP; an LP solved to optimality is its own.
        let bound = match solved.double_info_value(c"mip_dual_bound") {
            Ok(b) if b.is_finite() && gap > 0.0 => b.min(objective),
            _ => objective,
        };
        Ok(Some(BlockSolution { values, status, objective, gap, bound }))
    }

    /// The value of `e` at a solution of `block`: its constant plus its terms
    /// in the block's variables (the others are another block's).
    pub fn eval_block(&self, e: &Expression, block: &Block, values: &[f64]) -> f64 {
        let index = self.index();
        let at: HashMap<usize, f64> = block.vars.iter().copied().zip(values.iter().copied()).collect();
        e.constant() + e.linear_coefficients().filter_map(|(v, c)| at.get(&index[&v]).map(|x| c * x)).sum::<f64>()
    }

    /// Values for every variable: `solved[b]` holds block `b`'s values.
    pub fn gather(&self, blocks: &[Block], solved: &[BlockSolution]) -> Values {
        let index = self.index();
        let mut values = vec![0.0; index.len()];
        let mut status = SolveStatus::Optimal;
        let (mut abs_gap, mut objective) = (0.0, 0.0);
        for (b, sol) in blocks.iter().zip(solved) {
            for (&i, &v) in b.vars.iter().zip(&sol.values) {
                values[i] = v;
            }
            status = status.max(sol.status);
            abs_gap += sol.gap * sol.objective.abs();
            objective += sol.objective;
        }
        let gap = if abs_gap > 0.0 { abs_gap / objective.abs().max(1e-9) } else { 0.0 };
        Values { index, values, status, gap }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use good_lp::{constraint, variable};

    /// Two independent knapsack-like pieces and a loose variable:
    /// block A: min −3a − 2b, a + b ≤ 1 (binary) → a = 1, objective −3;
    /// block B: min c, c ≥ 2.5, c integer → c = 3, objective 3;
    /// loose: min −d, d ≤ 4 → d = 4. The whole: −3 + 3 − 4 = −4.
    #[test]
    fn independent_blocks_are_found_and_solved_to_the_joint_optimum() {
        let mut vars = ProblemVariables::new();
        let a = vars.add(variable().binary());
        let c = vars.add(variable().integer().min(0).max(10));
        let b = vars.add(variable().binary());
        let d = vars.add(variable().min(0).max(4));
        let objective = -3 * a - 2 * b + c - d;
        let milp = Milp {
            vars,
            objective: objective.clone(),
            constraints: vec![constraint!(c >= 2.5), constraint!(a + b <= 1)],
        };
        let blocks = milp.blocks();
        // a (0) with b (2) and the loose d (3); c (1) alone.
        assert_eq!(blocks, vec![Block { vars: vec![0, 2, 3], rows: vec![1] }, Block { vars: vec![1], rows: vec![0] }]);
        let opts = SolveOptions::default();
        let solved: Vec<_> = blocks.iter().map(|b| milp.solve_block(b, &opts, &[], None).unwrap().unwrap()).collect();
        let v = milp.gather(&blocks, &solved);
        assert_eq!(v.status, SolveStatus::Optimal);
        assert!((v.value(a) - 1.0).abs() < 1e-9 && v.value(b).abs() < 1e-9);
        assert!((v.value(c) - 3.0).abs() < 1e-9);
        assert!((v.value(d) - 4.0).abs() < 1e-9);
        assert!((v.eval(&objective) + 4.0).abs() < 1e-9);
    }

    /// The whole's gap is the blocks' absolute gaps over the whole
    /// objective: block A at 100 with a 1 % gap (1 yuan) and block B proven
    /// at 300 leave the whole within 1 / 400 = 0.25 %, status gap limit.
    #[test]
    fn gaps_of_blocks_combine_into_the_gap_of_the_whole() {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0));
        let y = vars.add(variable().min(0));
        let milp = Milp { vars, objective: x + y, constraints: vec![constraint!(x >= 1), constraint!(y >= 1)] };
        let blocks = milp.blocks();
        let solved = |v: f64, status, gap: f64| BlockSolution {
            values: vec![v],
            status,
            objective: v,
            gap,
            bound: v * (1.0 - gap),
        };
        let a = solved(100.0, SolveStatus::GapLimit, 0.01);
        let b = solved(300.0, SolveStatus::Optimal, 0.0);
        let v = milp.gather(&blocks, &[a, b]);
        assert_eq!(v.status, SolveStatus::GapLimit);
        assert!((v.gap - 0.0025).abs() < 1e-15, "{}", v.gap);
        assert_eq!((v.value(x), v.value(y)), (100.0, 300.0));
    }

    /// A block that cannot be satisfied is reported as such; the other is not.
    #[test]
    fn an_infeasible_block_is_reported_alone() {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0).max(1));
        let y = vars.add(variable().min(0).max(1));
        let milp = Milp { vars, objective: x + y, constraints: vec![constraint!(x >= 2), constraint!(y >= 0.5)] };
        let blocks = milp.blocks();
        assert_eq!(blocks.len(), 2);
        let opts = SolveOptions::default();
        assert!(milp.solve_block(&blocks[0], &opts, &[], None).unwrap().is_none());
        let sol = milp.solve_block(&blocks[1], &opts, &[], None).unwrap().unwrap();
        assert!((sol.values[0] - 0.5).abs() < 1e-9);
        assert_eq!((sol.status, sol.gap), (SolveStatus::Optimal, 0.0));
    }

    /// One block of a random instance: min Σ c_i x_i − Σ y_i, x binary,
    /// 0 ≤ y_i ≤ 3 x_i, Σ a_i x_i ≥ b with b ≤ Σ a_i (so it is feasible).
    fn random_block(
        vars: &mut ProblemVariables,
        rows: &mut Vec<Constraint>,
        c: &[u8],
        a: &[u8],
        frac: f64,
    ) -> Expression {
        let mut objective = Expression::default();
        let mut cover = Expression::default();
        for (ci, ai) in c.iter().zip(a) {
            let x = vars.add(variable().binary());
            let y = vars.add(variable().min(0).max(10));
            rows.push(constraint!(y <= 3 * x));
            objective += f64::from(*ci) * x - y;
            cover += f64::from(*ai) * x;
        }
        let b = frac * a.iter().map(|v| f64::from(*v)).sum::<f64>();
        rows.push(constraint!(cover >= b));
        objective
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Independent pieces solved one by one reach the optimum HiGHS
        /// finds for the whole, and there are as many blocks as pieces.
        #[test]
        fn blocks_reach_the_joint_optimum(
            pieces in proptest::collection::vec(
                (proptest::collection::vec((1u8..20, 1u8..10), 2..6), 0.0f64..1.0),
                1..4,
            )
        ) {
            let build = || {
                let mut vars = ProblemVariables::new();
                let mut rows = Vec::new();
                let mut objective = Expression::default();
                for (items, frac) in &pieces {
                    let (c, a): (Vec<u8>, Vec<u8>) = items.iter().copied().unzip();
                    objective += random_block(&mut vars, &mut rows, &c, &a, *frac);
                }
                Milp { vars, objective, constraints: rows }
            };
            let whole = build();
            let mut joint = SolveOptions::default().apply(whole.vars.minimise(whole.objective.clone()).using(highs));
            for r in whole.constraints {
                joint = joint.with(r);
            }
            let joint_sol = joint.solve().unwrap();
            let joint_obj = joint_sol.eval(&whole.objective);

            let milp = build();
            let blocks = milp.blocks();
            proptest::prop_assert_eq!(blocks.len(), pieces.len());
            let opts = SolveOptions::default();
            let solved: Vec<_> = blocks.iter().map(|b| milp.solve_block(b, &opts, &[], None).unwrap().unwrap()).collect();
            let v = milp.gather(&blocks, &solved);
            let obj = v.eval(&milp.objective);
            proptest::prop_assert!((obj - joint_obj).abs() <= 1e-6 * joint_obj.abs().max(1.0), "{obj} vs {joint_obj}");
            for r in &milp.constraints {
                proptest::prop_assert!(v.eval(r.expression()) <= 1e-6);
            }
        }

        /// A start changes neither the optimum nor the agreement of the
        /// reported objective with the values returned: every x at 1 and
        /// every y at 0 (feasible: b ≤ Σ a), or any 0/1 pattern (feasible
        /// or not), solved from, reaches the optimum found without it.
        #[test]
        fn a_start_changes_no_optimum(
            items in proptest::collection::vec((1u8..20, 1u8..10, proptest::bool::ANY), 2..8),
            frac in 0.0f64..1.0,
            all_open in proptest::bool::ANY,
        ) {
            let mut vars = ProblemVariables::new();
            let mut rows = Vec::new();
            let (c, a): (Vec<u8>, Vec<u8>) = items.iter().map(|&(c, a, _)| (c, a)).unzip();
            let objective = random_block(&mut vars, &mut rows, &c, &a, frac);
            let milp = Milp { vars, objective, constraints: rows };
            let block = &milp.blocks()[0];
            let opts = SolveOptions::default();
            let plain = milp.solve_block(block, &opts, &[], None).unwrap().unwrap();
            // Variables are x_1, y_1, x_2, y_2, …
            let start: Vec<f64> = items
                .iter()
                .flat_map(|&(_, _, open)| [if all_open || open { 1.0 } else { 0.0 }, 0.0])
                .collect();
            let started = milp.solve_block(block, &opts, &[], Some(&start)).unwrap().unwrap();
            let at = milp.eval_block(&milp.objective, block, &started.values);
            proptest::prop_assert!((at - started.objective).abs() <= 1e-6 * at.abs().max(1.0), "{at} vs {}", started.objective);
            proptest::prop_assert!(
                (started.objective - plain.objective).abs() <= 1e-6 * plain.objective.abs().max(1.0),
                "{} vs {}", started.objective, plain.objective
            );
        }
    }
}
