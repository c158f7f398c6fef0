//! On small random instances (≤ 8 demand points, ≤ 6 sites, integer costs
//! with many ties, zero weights, fixed sites, a maximum cost), the p-median,
//! p-center and MCLP objectives equal brute-force enumeration of every site
//! subset of size p, and infeasibility is reported exactly when no subset works.

use civplan::locate::{self as classic, DemandPoint, ErrorKind, Instance, Model, Params, Site};
use civplan::solver::SolveOptions;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Case {
    weights: Vec<f64>,
    cost: Vec<Vec<f64>>,
    fixed: Vec<bool>,
    p: usize,
    max_cost: Option<f64>,
    radius: f64,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=8, 1usize..=6).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(0u32..=10, n),
            prop::collection::vec(prop::collection::vec(0u32..=20, m), n),
            prop::collection::vec(prop::bool::weighted(0.15), m),
            1..=m,
            prop::option::weighted(0.3, 5u32..=20),
            0u32..=20,
        )
            .prop_map(|(w, c, mut fixed, p, max_cost, radius)| {
                // At most p fixed sites (more is a parameter error, tested elsewhere).
                let mut seen = 0;
                for f in fixed.iter_mut() {
                    if *f {
                        seen += 1;
                        *f = seen <= p;
                    }
                }
                Case {
                    weights: w.into_iter().map(f64::from).collect(),
                    cost: c.into_iter().map(|r| r.into_iter().map(f64::from).collect()).collect(),
                    fixed,
                    p,
                    max_cost: max_cost.map(f64::from),
                    radius: f64::from(radius),
                }
            })
    })
}

fn instance(c: &Case) -> Instance {
    let demand = c.weights.iter().enumerate().map(|(i, &w)| DemandPoint::new(format!("d{i}"), w)).collect();
    let sites = c.fixed.iter().enumerate().map(|(j, &f)| Site::new(format!("s{j}")).fixed(f)).collect();
    Instance::new(demand, sites, c.cost.clone()).unwrap()
}

/// Every subset of size p containing the fixed sites.
fn subsets(c: &Case) -> Vec<Vec<usize>> {
    let m = c.fixed.len();
    (0u32..1 << m)
        .filter(|s| s.count_ones() as usize == c.p)
        .filter(|s| (0..m).all(|j| !c.fixed[j] || s & (1 << j) != 0))
        .map(|s| (0..m).filter(|j| s & (1 << j) != 0).collect())
        .collect()
}

/// Cheapest allowed cost of each point from `open` (None if none allowed).
fn nearest(c: &Case, open: &[usize], limit: f64) -> Vec<Option<f64>> {
    c.cost.iter().map(|row| open.iter().map(|&j| row[j]).filter(|&x| x <= limit).min_by(f64::total_cmp)).collect()
}

fn brute_p_median(c: &Case) -> Option<f64> {
    let limit = c.max_cost.unwrap_or(f64::INFINITY);
    subsets(c)
        .iter()
        .filter_map(|s| nearest(c, s, limit).iter().zip(&c.weights).map(|(d, w)| d.map(|d| d * w)).sum::<Option<f64>>())
        .min_by(f64::total_cmp)
}

fn brute_p_center(c: &Case) -> Option<f64> {
    let limit = c.max_cost.unwrap_or(f64::INFINITY);
    subsets(c)
        .iter()
        .filter_map(|s| nearest(c, s, limit).into_iter().try_fold(0.0f64, |acc, d| d.map(|d| acc.max(d))))
        .min_by(f64::total_cmp)
}

fn brute_mclp(c: &Case) -> f64 {
    let limit = c.radius.min(c.max_cost.unwrap_or(f64::INFINITY));
    subsets(c)
        .iter()
        .map(|s| nearest(c, s, limit).iter().zip(&c.weights).filter(|(d, _)| d.is_some()).map(|(_, w)| w).sum())
        .fold(f64::NEG_INFINITY, f64::max)
}

fn check(model: Model, got: Result<classic::LocateResult, classic::LocateError>, want: Option<f64>) {
    match (got, want) {
        (Ok(r), Some(w)) => {
            assert!(
                (r.objective - w).abs() <= 1e-6 * w.abs().max(1.0),
                "{model}: solver {} vs brute force {w}",
                r.objective
            )
        }
        (Err(e), None) => assert_eq!(e.kind(), ErrorKind::Infeasible, "{model}: {e}"),
        (got, want) => panic!("{model}: solver {got:?} vs brute force {want:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn objectives_equal_brute_force(c in case()) {
        let inst = instance(&c);
        let opts = SolveOptions::default();
        let mut base = Params::new(Model::PMedian).p(c.p);
        base.max_cost = c.max_cost;
        check(Model::PMedian, classic::solve(&inst, &base, &opts), brute_p_median(&c));
        let params = Params { model: Model::PCenter, ..base.clone() };
        check(Model::PCenter, classic::solve(&inst, &params, &opts), brute_p_center(&c));
        let params = Params { model: Model::Mclp, radius: Some(c.radius), ..base };
        check(Model::Mclp, classic::solve(&inst, &params, &opts), Some(brute_mclp(&c)));
    }
}
