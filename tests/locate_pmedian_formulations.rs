//! The three p-median formulations (Benders decomposition, Elloumi's radius
//! formulation, ReVelle & Swain's assignment formulation) reach the same
//! optimum as brute-force enumeration of every site subset, on seeded
//! random instances larger than the proptest ones (30 points × 12 sites),
//! with fixed sites, zero weights and a maximum cost. Half the instances
//! have random integer costs (weak LP bounds, many ties) so that the
//! Benders solve must go past its LP-bound shortcut into the MILP stages,
//! which the test checks it does on some of them.

use civplan::locate::p_median::{self, Formulation};
use civplan::locate::{benders, DemandPoint, ErrorKind, Instance, Model, Params, Site};
use civplan::solver::SolveOptions;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

struct Case {
    inst: Instance,
    cost: Vec<Vec<f64>>,
    weights: Vec<f64>,
    fixed: Vec<bool>,
    p: usize,
    max_cost: Option<f64>,
}

fn case(seed: u64) -> Case {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (n, m) = (30, 12);
    let p = rng.random_range(2..=5);
    let weights: Vec<f64> =
        (0..n).map(|_| if rng.random_bool(0.1) { 0.0 } else { rng.random_range(1..=50) as f64 }).collect();
    let euclidean = seed.is_multiple_of(2);
    let cost: Vec<Vec<f64>> = if euclidean {
        let pt = |rng: &mut ChaCha8Rng| (rng.random_range(0.0..100.0), rng.random_range(0.0..100.0));
        let dem: Vec<(f64, f64)> = (0..n).map(|_| pt(&mut rng)).collect();
        let sites: Vec<(f64, f64)> = (0..m).map(|_| pt(&mut rng)).collect();
        // Rounded to whole units: Euclidean structure with ties.
        dem.iter().map(|d| sites.iter().map(|s| ((d.0 - s.0).hypot(d.1 - s.1)).round()).collect()).collect()
    } else {
        (0..n).map(|_| (0..m).map(|_| rng.random_range(0..=30) as f64).collect()).collect()
    };
    let mut fixed = vec![false; m];
    if rng.random_bool(0.3) {
        fixed[rng.random_range(0..m)] = true;
    }
    let max_cost = rng.random_bool(0.3).then_some(if euclidean { 60.0 } else { 22.0 });
    let demand = weights.iter().enumerate().map(|(i, &w)| DemandPoint::new(format!("d{i}"), w)).collect();
    let site_list = fixed.iter().enumerate().map(|(j, &f)| Site::new(format!("s{j}")).fixed(f)).collect();
    let inst = Instance::new(demand, site_list, cost.clone()).unwrap();
    Case { inst, cost, weights, fixed, p, max_cost }
}

/// Brute force over every subset of p sites holding the fixed ones.
fn brute(c: &Case) -> Option<f64> {
    let m = c.fixed.len();
    let limit = c.max_cost.unwrap_or(f64::INFINITY);
    (0u32..1 << m)
        .filter(|s| s.count_ones() as usize == c.p && (0..m).all(|j| !c.fixed[j] || s & (1 << j) != 0))
        .filter_map(|s| {
            c.cost
                .iter()
                .zip(&c.weights)
                .map(|(row, w)| {
                    (0..m)
                        .filter(|j| s & (1 << j) != 0)
                        .map(|j| row[j])
                        .filter(|&x| x <= limit)
                        .min_by(f64::total_cmp)
                        .map(|d| d * w)
                })
                .sum::<Option<f64>>()
        })
        .min_by(f64::total_cmp)
}

#[test]
fn formulations_agree_with_brute_force() {
    let opts = SolveOptions::default();
    let mut reached_milp = 0;
    for seed in 0..40 {
        let c = case(seed);
        let want = brute(&c);
        let mut params = Params::new(Model::PMedian).p(c.p);
        params.max_cost = c.max_cost;
        for f in [Formulation::Benders, Formulation::Radius, Formulation::Assignment] {
            match (p_median::solve_with(&c.inst, &params, &opts, f), want) {
                (Ok(r), Some(w)) => {
                    assert!((r.objective - w).abs() <= 1e-6 * w.max(1.0), "seed {seed} {f:?}: {} vs {w}", r.objective);
                    // The reported objective is the cost of the reported sites.
                    assert_eq!(r.sites.len(), c.p, "seed {seed} {f:?}");
                }
                (Err(e), None) => assert_eq!(e.kind(), ErrorKind::Infeasible, "seed {seed} {f:?}: {e}"),
                (got, want) => panic!("seed {seed} {f:?}: {got:?} vs brute force {want:?}"),
            }
        }
        if let Some(w) = want {
            let (_, stats) = benders::solve(&c.inst, c.p, c.max_cost.unwrap_or(f64::INFINITY), &opts).unwrap();
            assert!(stats.lp_bound <= w + 1e-6 * w.max(1.0), "seed {seed}: LP bound above optimum");
            reached_milp += usize::from(stats.milp_rounds > 0);
        }
    }
    assert!(
        reached_milp >= 3,
        "only {reached_milp} instances needed the Benders MILP: the test no longer exercises it"
    );
}
