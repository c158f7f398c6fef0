//! Hand-solvable instances for every classic model, through the library API.
//!
//! The line instance used throughout (Euclidean distances on the x axis):
//!
//! ```text
//! x:      0    1    4    5    6    7    9   10
//! demand  a         b         c             d      weights a 10, b 20, c 30, d 40
//! sites        S1        S2        (S4)  S3        (S4 only where said)
//!
//! cost   S1  S2  S3  S4
//!   a     1   5   9   7
//!   b     3   1   5   3
//!   c     5   1   3   1
//!   d     9   5   1   3
//! ```

use civplan::locate::p_median::{self, Formulation};
use civplan::locate::{self as classic, Coord, DemandPoint, ErrorKind, Instance, LocateResult, Model, Params, Site};
use civplan::solver::{SolveOptions, SolveStatus};

fn xy(x: f64) -> Coord {
    Coord::Xy { x, y: 0.0 }
}

fn demand() -> Vec<DemandPoint> {
    [("a", 10.0, 0.0), ("b", 20.0, 4.0), ("c", 30.0, 6.0), ("d", 40.0, 10.0)]
        .into_iter()
        .map(|(id, w, x)| DemandPoint::new(id, w).at(xy(x)))
        .collect()
}

/// S1, S2, S3 at x = 1, 5, 9.
fn sites3() -> Vec<Site> {
    vec![Site::new("S1").at(xy(1.0)), Site::new("S2").at(xy(5.0)), Site::new("S3").at(xy(9.0))]
}

fn line() -> Instance {
    Instance::from_coords(demand(), sites3()).unwrap()
}

fn with_sites(sites: Vec<Site>) -> Instance {
    Instance::from_coords(demand(), sites).unwrap()
}

fn solve(inst: &Instance, params: Params) -> LocateResult {
    let r = classic::solve(inst, &params, &SolveOptions::default()).unwrap();
    assert!(matches!(r.status, SolveStatus::Optimal | SolveStatus::GapLimit), "{:?}", r.status);
    assert!(r.gap.is_some_and(|g| g <= 1e-6), "{:?}", r.gap);
    r
}

fn assert_close(got: f64, want: f64) {
    assert!((got - want).abs() <= 1e-6 * want.abs().max(1.0), "got {got}, want {want}");
}

/// `(demand_id, site_id, fraction)` of every assignment.
fn assigned(r: &LocateResult) -> Vec<(String, String, f64)> {
    r.assignments.iter().map(|a| (a.demand_id.clone(), a.site_id.clone(), a.fraction)).collect()
}

fn whole(pairs: &[(&str, &str)]) -> Vec<(String, String, f64)> {
    pairs.iter().map(|(d, s)| (d.to_string(), s.to_string(), 1.0)).collect()
}

// ---------------------------------------------------------------- p-median

/// p = 1: S1 = 10·1 + 20·3 + 30·5 + 40·9 = 580, S2 = 50 + 20 + 30 + 200 = 300,
/// S3 = 90 + 100 + 90 + 40 = 320 → S2, 300.
/// p = 2: {S1,S2} = 10 + 20 + 30 + 200 = 260, {S1,S3} = 10 + 60 + 90 + 40 = 200,
/// {S2,S3} = 50 + 20 + 30 + 40 = 140 → {S2,S3}, 140.
#[test]
fn p_median_line() {
    let r = solve(&line(), Params::new(Model::PMedian).p(1));
    assert_eq!(r.sites, ["S2"]);
    assert_close(r.objective, 300.0);
    let r = solve(&line(), Params::new(Model::PMedian).p(2));
    assert_eq!(r.sites, ["S2", "S3"]);
    assert_close(r.objective, 140.0);
    assert_eq!(assigned(&r), whole(&[("a", "S2"), ("b", "S2"), ("c", "S2"), ("d", "S3")]));
}

/// S1 fixed, p = 2: {S1,S2} = 260, {S1,S3} = 200 → {S1,S3}, 200.
#[test]
fn p_median_fixed_site() {
    let mut inst = line();
    inst.fix_sites(&["S1"]).unwrap();
    let r = solve(&inst, Params::new(Model::PMedian).p(2));
    assert_eq!(r.sites, ["S1", "S3"]);
    assert_close(r.objective, 200.0);
    assert!(r.site_use[0].fixed && !r.site_use[1].fixed);
}

/// Max cost 4: {S2,S3} (a at 5) and {S1,S2} (d at 5) are out; {S1,S3}
/// serves everyone within 3 → 200. With p = 1 no site reaches all within 4.
#[test]
fn p_median_max_cost() {
    let r = solve(&line(), Params::new(Model::PMedian).p(2).max_cost(4.0));
    assert_eq!(r.sites, ["S1", "S3"]);
    assert_close(r.objective, 200.0);
    let e =
        classic::solve(&line(), &Params::new(Model::PMedian).p(1).max_cost(4.0), &SolveOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Infeasible, "{e}");
}

/// Capacities S1 100, S2 100, S3 5, p = 2 (multi-sourcing).
/// {S2,S3}: S3 serves 5 of d → 50 + 20 + 30 + 5·1 + 35·5 = 280.
/// {S1,S2}: S2 takes b, c, d (90 ≤ 100) → 10 + 20 + 30 + 200 = 260.
/// {S1,S3}: 10 + 60 + 150 + 5 + 35·9 = 540. → {S1,S2}, 260, where the
/// uncapacitated optimum is {S2,S3}, 140.
#[test]
fn capacitated_p_median_changes_the_answer() {
    let sites = vec![
        Site::new("S1").at(xy(1.0)).capacity(100.0),
        Site::new("S2").at(xy(5.0)).capacity(100.0),
        Site::new("S3").at(xy(9.0)).capacity(5.0),
    ];
    let r = solve(&with_sites(sites), Params::new(Model::PMedian).p(2));
    assert_eq!(r.sites, ["S1", "S2"]);
    assert_close(r.objective, 260.0);
    assert_eq!(assigned(&r), whole(&[("a", "S1"), ("b", "S2"), ("c", "S2"), ("d", "S2")]));
}

/// Capacities S1 100, S2 50, S3 50, p = 2.
/// Multi-sourcing, {S2,S3}: d → S3 (40), S3 has 10 left; a + b + c = 60 > 50
/// at S2, so 10 units move to S3, cheapest c (+2 each): 140 + 20 = 160.
/// ({S1,S3} = 240, {S1,S2} = 380.)
/// Single-sourcing: both sites must hold exactly 50 = {a,d} / {b,c};
/// S2 {b,c}, S3 {a,d} = 20 + 30 + 90 + 40 = 180 ({S1,S3} = 260, {S1,S2} = 420).
#[test]
fn single_versus_multi_sourcing() {
    let sites = vec![
        Site::new("S1").at(xy(1.0)).capacity(100.0),
        Site::new("S2").at(xy(5.0)).capacity(50.0),
        Site::new("S3").at(xy(9.0)).capacity(50.0),
    ];
    let inst = with_sites(sites);
    let multi = solve(&inst, Params::new(Model::PMedian).p(2));
    assert_eq!(multi.sites, ["S2", "S3"]);
    assert_close(multi.objective, 160.0);
    let c: Vec<_> = multi.assignments.iter().filter(|a| a.demand_id == "c").collect();
    assert_eq!(c.len(), 2);
    assert_close(c[0].fraction, 2.0 / 3.0);
    assert_close(c[1].fraction, 1.0 / 3.0);
    for u in &multi.site_use {
        assert!(u.load <= u.capacity.unwrap() + 1e-6);
    }

    let single = solve(&inst, Params::new(Model::PMedian).p(2).single_source(true));
    assert_eq!(single.sites, ["S2", "S3"]);
    assert_close(single.objective, 180.0);
    assert_eq!(assigned(&single), whole(&[("a", "S3"), ("b", "S2"), ("c", "S2"), ("d", "S3")]));
}

/// The radius formulation (with level generation) and the textbook
/// assignment formulation agree on random instances with ties, fixed sites,
/// zero weights and a maximum cost.
#[test]
fn p_median_formulations_agree() {
    use rand::{Rng, SeedableRng};
    let opts = SolveOptions::default();
    for seed in 0..4u64 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let (n, m) = (40, 12);
        let demand: Vec<DemandPoint> =
            (0..n).map(|i| DemandPoint::new(format!("d{i}"), rng.random_range(0..=5) as f64)).collect();
        let sites: Vec<Site> = (0..m).map(|j| Site::new(format!("s{j}")).fixed(seed % 2 == 1 && j == 3)).collect();
        let cost: Vec<Vec<f64>> = (0..n).map(|_| (0..m).map(|_| rng.random_range(0..40) as f64).collect()).collect();
        let inst = Instance::new(demand, sites, cost).unwrap();
        for p in [2, 5] {
            let mut params = Params::new(Model::PMedian).p(p);
            if seed >= 2 {
                params = params.max_cost(30.0);
            }
            let a = p_median::solve_with(&inst, &params, &opts, Formulation::Radius);
            let b = p_median::solve_with(&inst, &params, &opts, Formulation::Assignment);
            match (a, b) {
                (Ok(a), Ok(b)) => assert_close(a.objective, b.objective),
                (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind()),
                (a, b) => panic!("seed {seed} p {p}: radius {a:?} vs assignment {b:?}"),
            }
        }
    }
}

// ---------------------------------------------------------------- p-center

/// p = 1: max cost S1 9, S2 5, S3 9 → S2, 5.
/// p = 2: {S1,S2} 5 (d), {S1,S3} max(1,3,3,1) = 3, {S2,S3} 5 (a) → {S1,S3}, 3.
#[test]
fn p_center_line() {
    let r = solve(&line(), Params::new(Model::PCenter).p(1));
    assert_eq!(r.sites, ["S2"]);
    assert_close(r.objective, 5.0);
    let r = solve(&line(), Params::new(Model::PCenter).p(2));
    assert_eq!(r.sites, ["S1", "S3"]);
    assert_close(r.objective, 3.0);
    assert_eq!(assigned(&r), whole(&[("a", "S1"), ("b", "S1"), ("c", "S3"), ("d", "S3")]));
}

/// S2 fixed, p = 2: {S1,S2} 5, {S2,S3} 5 → 5 (either).
#[test]
fn p_center_fixed_site() {
    let mut inst = line();
    inst.fix_sites(&["S2"]).unwrap();
    let r = solve(&inst, Params::new(Model::PCenter).p(2));
    assert!(r.sites.contains(&"S2".to_string()));
    assert_close(r.objective, 5.0);
}

// ---------------------------------------------------------------- MCLP

/// Radius 3, p = 1: S1 covers a, b (30); S2 b, c (50); S3 c, d (70) → S3, 70.
/// Radius 1, p = 2: S1 {a}, S2 {b,c}, S3 {d} → {S2,S3}, 90.
#[test]
fn mclp_line() {
    let r = solve(&line(), Params::new(Model::Mclp).p(1).radius(3.0));
    assert_eq!(r.sites, ["S3"]);
    assert_close(r.objective, 70.0);
    assert_eq!(assigned(&r), whole(&[("c", "S3"), ("d", "S3")]));
    let r = solve(&line(), Params::new(Model::Mclp).p(2).radius(1.0));
    assert_eq!(r.sites, ["S2", "S3"]);
    assert_close(r.objective, 90.0);
    assert_close(r.metrics.unassigned_weight, 10.0);
}

/// Radius 3, p = 1, S3's capacity 45: S3 can serve only 45 of its 70,
/// S2 serves all of b, c (50) → S2, 50.
#[test]
fn capacitated_mclp() {
    let sites =
        vec![Site::new("S1").at(xy(1.0)), Site::new("S2").at(xy(5.0)), Site::new("S3").at(xy(9.0)).capacity(45.0)];
    let r = solve(&with_sites(sites), Params::new(Model::Mclp).p(1).radius(3.0));
    assert_eq!(r.sites, ["S2"]);
    assert_close(r.objective, 50.0);
}

/// Max cost 2 caps the radius 3 at 2: p = 1 covers S2 {b,c} = 50 at best.
#[test]
fn mclp_max_cost_caps_the_radius() {
    let r = solve(&line(), Params::new(Model::Mclp).p(1).radius(3.0).max_cost(2.0));
    assert_eq!(r.sites, ["S2"]);
    assert_close(r.objective, 50.0);
}

// ---------------------------------------------------------------- LSCP

/// Radius 3: a is covered by S1 only, d by S3 only, and {S1,S3} covers
/// b (S1 at 3) and c (S3 at 3) → 2 sites. Radius 5: S2 covers all → 1.
#[test]
fn lscp_line() {
    let r = solve(&line(), Params::new(Model::Lscp).radius(3.0));
    assert_eq!(r.sites, ["S1", "S3"]);
    assert_close(r.objective, 2.0);
    let r = solve(&line(), Params::new(Model::Lscp).radius(5.0));
    assert_eq!(r.sites, ["S2"]);
    assert_close(r.objective, 1.0);
    assert_eq!(r.assignments.len(), 4);
}

/// Radius 5 with S2's capacity 60 < total weight 100: S2 alone no longer
/// serves everyone, S1 misses d and S3 misses a → 2 sites.
#[test]
fn capacitated_lscp() {
    let sites =
        vec![Site::new("S1").at(xy(1.0)), Site::new("S2").at(xy(5.0)).capacity(60.0), Site::new("S3").at(xy(9.0))];
    let r = solve(&with_sites(sites), Params::new(Model::Lscp).radius(5.0));
    assert_close(r.objective, 2.0);
    let served: f64 = r.assignments.iter().map(|a| a.weight).sum();
    assert_close(served, 100.0);
}

/// A point 20 beyond the last site cannot be covered within 3: infeasible,
/// and the message names it.
#[test]
fn lscp_infeasible_names_the_point() {
    let mut d = demand();
    d.push(DemandPoint::new("far", 5.0).at(xy(30.0)));
    let inst = Instance::from_coords(d, sites3()).unwrap();
    let e = classic::solve(&inst, &Params::new(Model::Lscp).radius(3.0), &SolveOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Infeasible);
    let msg = e.to_string();
    assert!(msg.contains("`far`") && !msg.contains("`a`"), "{msg}");
}

// ---------------------------------------------------------------- LSCP-B

/// Sites S1, S2, S3, S4 (x = 7), radius 4. Coverage: a {S1}; b {S1,S2,S4};
/// c {S2,S3,S4}; d {S3,S4}. S1 is forced (a), and one of S3/S4 (d):
/// {S1,S3} and {S1,S4} both cover all → n* = 2. Backup: {S1,S3} backs up
/// nothing; {S1,S4} covers b twice (S1 at 3, S4 at 3) → 20. Answer {S1,S4}.
#[test]
fn lscp_b_line() {
    let mut sites = sites3();
    sites.push(Site::new("S4").at(xy(7.0)));
    let r = solve(&with_sites(sites), Params::new(Model::LscpB).radius(4.0));
    assert_eq!(r.sites, ["S1", "S4"]);
    assert_close(r.objective, 2.0);
    assert_close(r.metrics.backup_weight.unwrap(), 20.0);
}

// ---------------------------------------------------------------- CFLP

/// Fixed costs S1 100, S2 150, S3 100, uncapacitated. Site sets (fixed +
/// p-median cost above): {S1} 680, {S2} 450, {S3} 420, {S1,S2} 510,
/// {S1,S3} 400, {S2,S3} 390, all three 350 + 100 = 450 → {S2,S3}, 390.
#[test]
fn cflp_uncapacitated() {
    let sites = vec![
        Site::new("S1").at(xy(1.0)).fixed_cost(100.0),
        Site::new("S2").at(xy(5.0)).fixed_cost(150.0),
        Site::new("S3").at(xy(9.0)).fixed_cost(100.0),
    ];
    let r = solve(&with_sites(sites), Params::new(Model::Cflp));
    assert_eq!(r.sites, ["S2", "S3"]);
    assert_close(r.objective, 390.0);
    assert_close(r.metrics.fixed_cost, 250.0);
}

/// Same fixed costs, capacities S1 100, S2 50, S3 50 (as in
/// `single_versus_multi_sourcing`). Multi: {S2,S3} 250 + 160 = 410
/// ({S1,S3} 440, all three 350 + 100 = 450, {S1,S2} 630, single sites
/// infeasible or 680). Single: {S2,S3} 250 + 180 = 430 (all three 450,
/// {S1,S3} 460).
#[test]
fn cflp_capacitated_single_and_multi() {
    let sites = vec![
        Site::new("S1").at(xy(1.0)).fixed_cost(100.0).capacity(100.0),
        Site::new("S2").at(xy(5.0)).fixed_cost(150.0).capacity(50.0),
        Site::new("S3").at(xy(9.0)).fixed_cost(100.0).capacity(50.0),
    ];
    let inst = with_sites(sites);
    let r = solve(&inst, Params::new(Model::Cflp));
    assert_eq!(r.sites, ["S2", "S3"]);
    assert_close(r.objective, 410.0);
    let r = solve(&inst, Params::new(Model::Cflp).single_source(true));
    assert_eq!(r.sites, ["S2", "S3"]);
    assert_close(r.objective, 430.0);
    assert!(r.assignments.iter().all(|a| a.fraction == 1.0));
}

/// Total capacity 30 < demand 100: infeasible before any solve, with the shortfall.
#[test]
fn cflp_capacity_shortfall_is_infeasible() {
    let sites = vec![Site::new("S1").at(xy(1.0)).capacity(10.0), Site::new("S2").at(xy(5.0)).capacity(20.0)];
    let e = classic::solve(&with_sites(sites), &Params::new(Model::Cflp), &SolveOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Infeasible);
    assert!(e.to_string().contains("short by 70"), "{e}");
}

// ---------------------------------------------------------------- p-dispersion

/// Sites at 1, 5, 9, 7. p = 2: {S1,S3} at 8. p = 3: {S1,S2,S3} min 4 (any
/// set with S4 has a pair at 2). S4 fixed, p = 2: S4 with S1 (6) beats S2, S3 (2).
#[test]
fn p_dispersion_line() {
    let mut sites = sites3();
    sites.push(Site::new("S4").at(xy(7.0)));
    let inst = Instance::from_coords(Vec::new(), sites).unwrap();
    let r = solve(&inst, Params::new(Model::PDispersion).p(2));
    assert_eq!(r.sites, ["S1", "S3"]);
    assert_close(r.objective, 8.0);
    let r = solve(&inst, Params::new(Model::PDispersion).p(3));
    assert_eq!(r.sites, ["S1", "S2", "S3"]);
    assert_close(r.objective, 4.0);
    let mut inst = inst;
    inst.fix_sites(&["S4"]).unwrap();
    let r = solve(&inst, Params::new(Model::PDispersion).p(2));
    assert_eq!(r.sites, ["S1", "S4"]);
    assert_close(r.objective, 6.0);
}

// ---------------------------------------------------------------- parameters

#[test]
fn parameter_errors_are_input_errors() {
    let opts = SolveOptions::default();
    for params in [
        Params::new(Model::PMedian),
        Params::new(Model::PMedian).p(4),
        Params::new(Model::Mclp).p(1),
        Params::new(Model::Lscp).radius(3.0).p(1),
        Params::new(Model::PCenter).p(1).radius(2.0),
        Params::new(Model::Lscp).radius(-1.0),
    ] {
        let e = classic::solve(&line(), &params, &opts).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Input, "{params:?}: {e}");
    }
    let mut inst = line();
    assert_eq!(inst.fix_sites(&["nope"]).unwrap_err().kind(), ErrorKind::Input);
}

/// A zero-weight point still has to be served (p-median with a max cost).
#[test]
fn zero_weight_point_is_still_served() {
    // Costs: z (weight 0) reaches only B within 5; a reaches A at 0 and B at 10.
    let demand = vec![DemandPoint::new("a", 1.0), DemandPoint::new("z", 0.0)];
    let sites = vec![Site::new("A"), Site::new("B"), Site::new("C")];
    let inst = Instance::new(demand, sites, vec![vec![0.0, 4.0, 1.0], vec![9.0, 2.0, 9.0]]).unwrap();
    let r = solve(&inst, Params::new(Model::PMedian).p(1).max_cost(5.0));
    assert_eq!(r.sites, ["B"]);
    assert_close(r.objective, 4.0);
    let r = solve(&inst, Params::new(Model::PMedian).p(2).max_cost(5.0));
    assert_eq!(r.sites, ["A", "B"]);
    assert_close(r.objective, 0.0);
}
