//! Timings of the classic models on generated instances (criterion):
//! uniform random points in a 100 × 100 square, integer weights 1..=100,
//! seeded so every run solves the same instances, each solve to proven
//! optimality with 1 HiGHS thread. `cargo bench --bench locate`.
//!
//! Sizes 300 × 60 (p = 6), 600 × 150 (p = 12) and 1,000 × 300 (p = 20), for
//! the p-median (default: Benders decomposition of Elloumi's radius
//! formulation), MCLP (radius 12) and CFLP (capacitated, multi-sourcing,
//! fixed costs 2,000..6,000).
//!
//! Before the criterion groups, every instance is solved once and printed
//! (time, objective, status), with a time limit of `CIVPLAN_BENCH_LIMIT`
//! seconds (default 60) so a slow model reports its status instead of
//! stalling the run, together with the p-median's other formulations for
//! comparison: the radius formulation solved as one MILP with level
//! generation, and the textbook assignment formulation (both skipped at
//! 1,000 × 300).
//!
//! Criterion then times, 10 samples each, only the solves that take under a
//! few seconds (MCLP and the p-median at every size);
//! `CIVPLAN_BENCH_ALL=1` adds every CFLP solve (tens of minutes).
//! `CIVPLAN_BENCH_QUICK=1` runs the smallest size only;
//! `CIVPLAN_BENCH_NAIVE=0` skips the formulation comparison.

use civplan::locate::p_median::{self, Formulation};
use civplan::locate::{self as classic, Coord, DemandPoint, Instance, LocateError, LocateResult, Model, Params, Site};
use civplan::solver::SolveOptions;
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// `n` demand points and `m` sites; with `capacitated`, site capacities
/// (2.5 × the mean demand per site on average) and fixed costs.
fn instance(n: usize, m: usize, seed: u64, capacitated: bool) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pt = |rng: &mut ChaCha8Rng| Coord::Xy { x: rng.random_range(0.0..100.0), y: rng.random_range(0.0..100.0) };
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

fn report(label: &str, n: usize, m: usize, res: &Result<LocateResult, LocateError>, secs: f64) {
    match res {
        Ok(r) => println!(
            "{label:<26} {n:>5} × {m:<4} {secs:>8.3} s   objective {:>14.4}   {} (gap {})   sites {}",
            r.objective,
            r.status,
            r.gap.map_or("?".into(), |g| format!("{g:.0e}")),
            r.metrics.n_sites
        ),
        Err(e) => println!("{label:<26} {n:>5} × {m:<4} {secs:>8.3} s   error: {e}"),
    }
}

fn once(label: &str, n: usize, m: usize, f: impl FnOnce() -> Result<LocateResult, LocateError>) {
    let t = Instant::now();
    let r = f();
    report(label, n, m, &r, t.elapsed().as_secs_f64());
}

fn sizes() -> &'static [(usize, usize, usize)] {
    if std::env::var("CIVPLAN_BENCH_QUICK").is_ok_and(|v| v == "1") {
        &[(300, 60, 6)]
    } else {
        &[(300, 60, 6), (600, 150, 12), (1000, 300, 20)]
    }
}

fn bench(c: &mut Criterion) {
    let limit = std::env::var("CIVPLAN_BENCH_LIMIT").ok().and_then(|v| v.parse().ok()).unwrap_or(60.0);
    let all = std::env::var("CIVPLAN_BENCH_ALL").is_ok_and(|v| v == "1");
    let opts = SolveOptions { time_limit_s: limit, ..SolveOptions::default() };
    let naive = !std::env::var("CIVPLAN_BENCH_NAIVE").is_ok_and(|v| v == "0");
    println!("civplan locate: one solve per instance (1 HiGHS thread, proven optimality or {limit} s)");
    let cases: Vec<_> = sizes()
        .iter()
        .map(|&(n, m, p)| (n, m, p, instance(n, m, 42 + n as u64, false), instance(n, m, 42 + n as u64, true)))
        .collect();
    for (n, m, p, inst, cap) in &cases {
        let (n, m, p) = (*n, *m, *p);
        once(&format!("p-median p={p}"), n, m, || classic::solve(inst, &Params::new(Model::PMedian).p(p), &opts));
        if naive && n <= 600 {
            let params = Params::new(Model::PMedian).p(p);
            for (name, f) in [("radius", Formulation::Radius), ("textbook", Formulation::Assignment)] {
                once(&format!("p-median p={p} {name}"), n, m, || p_median::solve_with(inst, &params, &opts, f));
            }
        }
        once(&format!("mclp p={p} r=12"), n, m, || {
            classic::solve(inst, &Params::new(Model::Mclp).p(p).radius(12.0), &opts)
        });
        once("cflp capacitated", n, m, || classic::solve(cap, &Params::new(Model::Cflp), &opts));
    }

    for (n, m, p, inst, cap) in &cases {
        let p = *p;
        let mut g = c.benchmark_group(format!("locate {n}x{m}"));
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(1))
            .measurement_time(Duration::from_secs(2));
        let params = Params::new(Model::Mclp).p(p).radius(12.0);
        g.bench_function(format!("mclp p={p} r=12"), |b| b.iter(|| black_box(classic::solve(inst, &params, &opts))));
        let params = Params::new(Model::PMedian).p(p);
        g.bench_function(format!("p-median p={p}"), |b| b.iter(|| black_box(classic::solve(inst, &params, &opts))));
        if all {
            let params = Params::new(Model::Cflp);
            g.bench_function("cflp capacitated", |b| b.iter(|| black_box(classic::solve(cap, &params, &opts))));
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
