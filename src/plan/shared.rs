//! Block solves shared by the plans of a batch. Plans that differ only in
//! one family's settings (a nursing share, a bed cost) hold the same blocks
//! for the other families: the same model, solved by the same deterministic
//! solve, so a block's solution found by one plan is the one every other
//! would find. While sharing is on (`batch` turns it on, and clears it
//! between scenarios), a block is keyed by its content — every variable's
//! bounds, type, objective and cost terms, every row, its travel-free
//! bound's blocks, and the solve options — and solved once; a plan that
//! meets a block being solved waits for it.

use crate::solver::blocks::{Block, BlockSolution, Milp};
use crate::solver::SolveOptions;
use good_lp::{Expression, IntoAffineExpression};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A block's solve: empty while the first plan to meet it solves it, or
/// when that solve failed (the next plan then tries it itself).
type Slot = Arc<Mutex<Option<Option<BlockSolution>>>>;

static ON: AtomicBool = AtomicBool::new(false);
static SOLVES: Mutex<Option<HashMap<u64, Slot>>> = Mutex::new(None);

/// Share block solves from now on.
pub fn enable() {
    ON.store(true, Ordering::SeqCst);
}

/// Forget the solves shared so far (their memory), sharing stays as it is.
pub fn clear() {
    *SOLVES.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Stop sharing and forget.
pub fn disable() {
    ON.store(false, Ordering::SeqCst);
    clear();
}

/// The content of a block, hashed: what its solve depends on.
pub struct Key(DefaultHasher);

impl Key {
    pub fn new(opts: &SolveOptions, extra: &[f64]) -> Self {
        let mut h = DefaultHasher::new();
        for x in [opts.mip_rel_gap, opts.time_limit_s].iter().chain(extra) {
            x.to_bits().hash(&mut h);
        }
        opts.threads.hash(&mut h);
        Key(h)
    }

    /// Add `block` of `milp`, with `terms`: further expressions on its
    /// variables whose block part matters (its cost, say).
    pub fn add(&mut self, milp: &Milp, block: &Block, terms: &[&Expression]) {
        let h = &mut self.0;
        let index = milp.index();
        let local: HashMap<usize, usize> = block.vars.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let defs: Vec<_> = milp.vars.iter_variables_with_def().map(|(_, d)| d).collect();
        block.vars.len().hash(h);
        for &i in &block.vars {
            (defs[i].get_min().to_bits(), defs[i].get_max().to_bits(), defs[i].is_integer()).hash(h);
        }
        let expression = |e: &Expression, h: &mut DefaultHasher| {
            let mut terms: Vec<(usize, u64)> =
                e.linear_coefficients().filter_map(|(v, c)| local.get(&index[&v]).map(|&k| (k, c.to_bits()))).collect();
            terms.sort_unstable();
            (e.constant().to_bits(), terms).hash(h);
        };
        expression(&milp.objective, h);
        for t in terms {
            expression(t, h);
        }
        block.rows.len().hash(h);
        for &r in &block.rows {
            let c = &milp.constraints[r];
            c.is_equality().hash(h);
            expression(c.expression(), h);
        }
    }

    /// Add which of `block`'s variables are at the given positions.
    pub fn add_positions(&mut self, block: &Block, positions: &std::collections::BTreeSet<usize>) {
        let local: Vec<usize> =
            block.vars.iter().enumerate().filter(|(_, i)| positions.contains(i)).map(|(k, _)| k).collect();
        local.hash(&mut self.0);
    }
}

/// `solve()`, or the solution of a block of the same content solved
/// before (or being solved) while sharing is on.
pub fn solve<E>(
    key: impl FnOnce() -> Key,
    solve: impl FnOnce() -> Result<Option<BlockSolution>, E>,
) -> Result<Option<BlockSolution>, E> {
    if !ON.load(Ordering::SeqCst) {
        return solve();
    }
    let key = key().0.finish();
    let slot: Slot = {
        let mut all = SOLVES.lock().unwrap_or_else(|e| e.into_inner());
        all.get_or_insert_with(HashMap::new).entry(key).or_default().clone()
    };
    // Held while solving: a plan that meets the same block waits, then reads.
    let mut held = slot.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = held.as_ref() {
        return Ok(found.clone());
    }
    let solved = solve()?;
    *held = Some(solved.clone());
    Ok(solved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use good_lp::{constraint, variable, ProblemVariables};

    /// min x + k·y, x + y ≥ 3 (integers ≤ 10), and an unrelated z ≥ 1.
    fn milp(k: f64, z_min: f64) -> Milp {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().integer().min(0).max(10));
        let y = vars.add(variable().integer().min(0).max(10));
        let z = vars.add(variable().min(0));
        Milp { vars, objective: x + k * y + z, constraints: vec![constraint!(x + y >= 3), constraint!(z >= z_min)] }
    }

    fn key(m: &Milp, b: &Block) -> u64 {
        let mut k = Key::new(&SolveOptions::default(), &[]);
        k.add(m, b, &[]);
        k.0.finish()
    }

    #[test]
    fn a_block_is_keyed_by_its_own_content_only() {
        let (a, b) = (milp(2.0, 1.0), milp(2.0, 5.0));
        let (ba, bb) = (a.blocks(), b.blocks());
        // Block 0 holds x and y; block 1 holds z.
        assert_eq!(ba[0].vars, vec![0, 1]);
        // Built twice, or with another block changed: the same key.
        assert_eq!(key(&a, &ba[0]), key(&milp(2.0, 1.0), &milp(2.0, 1.0).blocks()[0]));
        assert_eq!(key(&a, &ba[0]), key(&b, &bb[0]));
        // Its own objective, or the solve options, changed: another key.
        assert_ne!(key(&a, &ba[0]), key(&milp(3.0, 1.0), &ba[0]));
        assert_ne!(key(&a, &ba[1]), key(&b, &bb[1]));
        let mut other = Key::new(&SolveOptions { mip_rel_gap: 0.5, ..SolveOptions::default() }, &[]);
        other.add(&a, &ba[0], &[]);
        assert_ne!(key(&a, &ba[0]), other.0.finish());
    }

    #[test]
    fn a_block_of_the_same_content_is_solved_once_while_sharing_is_on() {
        let m = milp(2.0, 1.0);
        let b = m.blocks()[0].clone();
        let solves = std::sync::atomic::AtomicUsize::new(0);
        let run = || {
            solve(
                || {
                    let mut k = Key::new(&SolveOptions::default(), &[0.123_456]);
                    k.add(&m, &b, &[]);
                    k
                },
                || {
                    solves.fetch_add(1, Ordering::SeqCst);
                    m.solve_block(&b, &SolveOptions::default(), &[], None)
                },
            )
            .unwrap()
            .unwrap()
        };
        enable();
        let (first, second) = (run(), run());
        disable();
        let third = run();
        // x = 3, y = 0: cost 3, solved by the first and the third call.
        assert_eq!(first.values.iter().map(|v| v.round()).collect::<Vec<_>>(), vec![3.0, 0.0]);
        assert_eq!(first, second);
        assert_eq!(first, third);
        assert_eq!(solves.load(Ordering::SeqCst), 2);
    }
}
