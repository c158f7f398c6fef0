//! Greedy-add + vertex-substitution (Teitz & Bart 1968) heuristic for the
//! uncapacitated p-median. It gives HiGHS a good incumbent from the start
//! (warm start), which prunes the branch-and-bound tree early; it is never
//! taken as the answer by itself.

use super::instance::Instance;

/// A p-median solution: its open sites.
pub(crate) struct Heuristic {
    pub open: Vec<bool>,
}

/// Greedy then best-improvement interchange. Fixed sites stay open; pairs
/// costlier than `limit` are forbidden. `None` when the heuristic cannot
/// find a solution serving every point within `limit`.
pub(crate) fn p_median(inst: &Instance, p: usize, limit: f64) -> Option<Heuristic> {
    let table = Table::new(inst, limit);
    let open = table.greedy(inst, p)?;
    table.interchange(inst, open)
}

/// Interchange from a given open set (e.g. a rounded LP solution) of `p` sites.
pub(crate) fn p_median_from(inst: &Instance, limit: f64, open: Vec<bool>) -> Option<Heuristic> {
    Table::new(inst, limit).interchange(inst, open)
}

/// Weighted costs `w_i c_ij`, with a penalty for forbidden pairs.
struct Table {
    a: Vec<f64>,
    n: usize,
    m: usize,
    big: f64,
}

impl Table {
    fn new(inst: &Instance, limit: f64) -> Self {
        let (n, m) = (inst.n_demand(), inst.n_sites());
        // A penalty larger than any feasible total for forbidden pairs (so
        // feasibility wins over cost, even for zero weights).
        let feasible_total: f64 = (0..n)
            .map(|i| {
                let w = inst.demand()[i].weight;
                inst.cost_row(i).iter().filter(|&&c| c <= limit).fold(0.0, |acc: f64, &c| acc.max(w * c))
            })
            .sum();
        let big = 1.0 + 2.0 * feasible_total;
        let a: Vec<f64> = (0..n)
            .flat_map(|i| {
                let w = inst.demand()[i].weight;
                inst.cost_row(i).iter().map(move |&c| if c <= limit { w * c } else { big })
            })
            .collect();
        Self { a, n, m, big }
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.a[i * self.m + j]
    }

    /// Fixed sites, then the site that lowers the total most, until `p` are open.
    fn greedy(&self, inst: &Instance, p: usize) -> Option<Vec<bool>> {
        let (n, m) = (self.n, self.m);
        let at = |i: usize, j: usize| self.at(i, j);
        let mut open: Vec<bool> = inst.sites().iter().map(|s| s.fixed).collect();
        let mut best = vec![f64::INFINITY; n];
        for j in (0..m).filter(|&j| open[j]) {
            for (i, b) in best.iter_mut().enumerate() {
                *b = b.min(at(i, j));
            }
        }
        let mut n_open = open.iter().filter(|&&o| o).count();
        while n_open < p {
            let mut pick: Option<(f64, usize)> = None;
            for j in (0..m).filter(|&j| !open[j]) {
                let total: f64 = (0..n).map(|i| best[i].min(at(i, j))).sum();
                if pick.is_none_or(|(t, _)| total < t) {
                    pick = Some((total, j));
                }
            }
            let (_, j) = pick?;
            open[j] = true;
            n_open += 1;
            for (i, b) in best.iter_mut().enumerate() {
                *b = b.min(at(i, j));
            }
        }
        Some(open)
    }

    fn interchange(&self, inst: &Instance, mut open: Vec<bool>) -> Option<Heuristic> {
        let (n, m, big) = (self.n, self.m, self.big);
        let at = |i: usize, j: usize| self.at(i, j);
        // Interchange: swap an open (non-fixed) site for a closed one while that
        // lowers the total; nearest and second-nearest open sites make each
        // candidate swap O(n).
        loop {
            let open_idx: Vec<usize> = (0..m).filter(|&j| open[j]).collect();
            let (mut b1, mut b2) = (vec![usize::MAX; n], vec![usize::MAX; n]);
            for i in 0..n {
                for &j in &open_idx {
                    if b1[i] == usize::MAX || at(i, j) < at(i, b1[i]) {
                        b2[i] = b1[i];
                        b1[i] = j;
                    } else if b2[i] == usize::MAX || at(i, j) < at(i, b2[i]) {
                        b2[i] = j;
                    }
                }
            }
            let second = |i: usize| {
                if b2[i] == usize::MAX {
                    f64::INFINITY
                } else {
                    at(i, b2[i])
                }
            };
            let current: f64 = (0..n).map(|i| at(i, b1[i])).sum();
            let mut best_swap: Option<(f64, usize, usize)> = None;
            for &out in open_idx.iter().filter(|&&j| !inst.sites()[j].fixed) {
                for inn in (0..m).filter(|&j| !open[j]) {
                    let total: f64 = (0..n)
                        .map(|i| {
                            let keep = if b1[i] == out { second(i) } else { at(i, b1[i]) };
                            keep.min(at(i, inn))
                        })
                        .sum();
                    if total < current - 1e-9 * current.abs().max(1.0) && best_swap.is_none_or(|(t, _, _)| total < t) {
                        best_swap = Some((total, out, inn));
                    }
                }
            }
            match best_swap {
                Some((_, out, inn)) => {
                    open[out] = false;
                    open[inn] = true;
                }
                None => {
                    if current >= big {
                        return None;
                    }
                    return Some(Heuristic { open });
                }
            }
        }
    }
}
