//! Timings of the classic models on generated instances: uniform random points
//! in a 100 × 100 square, integer weights 1..=100, seeded so every run solves
//! the same instances. A plain `main` that prints one line per solve (each to
//! proven optimality, 1 HiGHS thread): `cargo bench --bench locate`.
//!
//! The p-median is timed with the radius formulation civplan uses and with
//! the textbook assignment formulation, to show what the former buys.
//! `CIVPLAN_BENCH_QUICK=1` runs the smallest size only.

use civplan::locate::classic::p_median::{self, Formulation};
use civplan::locate::classic::{self, Coord, DemandPoint, Instance, Model, Params, Site};
use civplan::locate::solver::SolveOptions;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// `n` demand points and `m` sites; with `capacitated`, site capacities
/// (2.5 × the mean demand per site on average) and fixed costs.
fn instance(n: usize, m: usize, seed: u64, capacitated: bool) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pt = |rng: &mut ChaCha8Rng| Coord::Xy { x: rng.random_range(0.0..100.0), y: rng.random_range(0.0..100.0) };
    let demand: Vec<DemandPoint> = (0..n)
        .map(|i| {
            let c = pt(&mut rng);
            DemandPoint::new(format!("d{i}"), rng.random_range(1..=100) as f64).at(c)
        })
        .collect();
    let total: f64 = demand.iter().map(|d| d.weight).sum();
    let sites: Vec<Site> = (0..m)
        .map(|j| {
            let mut s = Site::new(format!("s{j}")).at(pt(&mut rng));
            if capacitated {
                let cap = (2.5 * total / m as f64 * rng.random_range(0.5..1.5)).round();
                s = s.capacity(cap).fixed_cost(rng.random_range(2000..=6000) as f64);
            }
            s
        })
        .collect();
    Instance::from_coords(demand, sites).expect("generated instance is valid")
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

fn report(label: &str, n: usize, m: usize, res: Result<classic::LocateResult, classic::LocateError>, secs: f64) {
    match res {
        Ok(r) => println!(
            "{label:<28} {n:>5} × {m:<4} {secs:>8.3} s   objective {:>14.4}   {} (gap {})   sites {}",
            r.objective,
            r.status,
            r.gap.map_or("?".into(), |g| format!("{g:.0e}")),
            r.metrics.n_sites
        ),
        Err(e) => println!("{label:<28} {n:>5} × {m:<4} {secs:>8.3} s   error: {e}"),
    }
}

fn main() {
    let quick = std::env::var("CIVPLAN_BENCH_QUICK").is_ok_and(|v| v == "1");
    let sizes: &[(usize, usize, usize)] =
        if quick { &[(300, 60, 6)] } else { &[(300, 60, 6), (600, 150, 12), (1000, 300, 20)] };
    let opts = SolveOptions::default();
    let naive_opts = SolveOptions { time_limit_s: 120.0, ..SolveOptions::default() };
    println!("civplan locate benchmark (1 HiGHS thread, proven optimality)");
    for &(n, m, p) in sizes {
        let inst = instance(n, m, 42 + n as u64, false);
        let params = Params::new(Model::PMedian).p(p);
        let (r, s) = time(|| classic::solve(&inst, &params, &opts));
        report(&format!("p-median p={p} radius"), n, m, r, s);
        if n <= 600 {
            let (r, s) = time(|| p_median::solve_with(&inst, &params, &naive_opts, Formulation::Assignment));
            report(&format!("p-median p={p} assignment"), n, m, r, s);
        }
        let params = Params::new(Model::Mclp).p(p).radius(12.0);
        let (r, s) = time(|| classic::solve(&inst, &params, &opts));
        report(&format!("mclp p={p} r=12"), n, m, r, s);
        let cap = instance(n, m, 42 + n as u64, true);
        let params = Params::new(Model::Cflp);
        let (r, s) = time(|| classic::solve(&cap, &params, &opts));
        report("cflp multi-source", n, m, r, s);
    }
}
