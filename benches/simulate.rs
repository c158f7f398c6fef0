//! Monte Carlo throughput on the bundled scenarios: `cargo bench --bench simulate`.
//!
//! Prints, for each county, the wall time of 1,000 draws (2020 → 2035) and
//! of 10,000 draws of 安岳 (the targets: < 2 s and < 10 s on the
//! 2-core machine), with draws/s and cell updates/s, where a cell update
//! is one single-year age × sex group of one town advanced one year
//! (towns × 202 × years × draws). Each figure is the best of `REPEATS`
//! runs after one warm-up, so a busy neighbour on a shared machine costs
//! less than it would in a mean. Uses every core (rayon's default pool);
//! `RAYON_NUM_THREADS=1` gives the single-thread figure.
//!
//! A figures table, not a criterion group: one 10,000-draw run takes
//! seconds, and criterion's minimum of ten samples per benchmark would
//! turn the run into minutes without making the figure any more useful.
//! `CIVPLAN_BENCH_QUICK=1` runs 100 draws per county only (smoke check).

use civplan::demand::{simulate, SimOptions};
use civplan::demography::mortality::AGES;
use civplan::scenario::{load, Scenario};
use std::path::Path;
use std::time::Instant;

const COUNTIES: [&str; 5] = ["tongnan", "tongliang", "dianjiang", "anyue", "yubei"];
const REPEATS: usize = 3;

fn scenario(c: &str) -> Scenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(c);
    load(&dir).unwrap_or_else(|e| panic!("{c}: {}", e.render(false)))
}

/// Best wall time of `REPEATS` runs of `draws` draws, in seconds.
fn time(s: &Scenario, draws: usize) -> f64 {
    let opts = SimOptions { draws, seed: s.config.meta.seed, deterministic: false, progress: false };
    // Warm-up: page in the code and the allocator.
    std::hint::black_box(simulate(s, &SimOptions { draws: draws.min(50), ..opts }));
    (0..REPEATS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(simulate(s, &opts));
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn line(label: &str, s: &Scenario, draws: usize, target: Option<f64>) {
    let secs = time(s, draws);
    let years = (s.config.meta.target_years.iter().max().copied().unwrap_or(s.config.meta.base_year)
        - s.config.meta.base_year) as f64;
    let cells = s.towns.len() as f64 * (2 * AGES) as f64 * years * draws as f64;
    let verdict = match target {
        Some(t) if secs < t => format!("target < {t} s: met"),
        Some(t) => format!("target < {t} s: NOT MET"),
        None => String::new(),
    };
    println!(
        "{label:<12} {:>3} towns {draws:>6} draws {secs:>8.3} s {:>10.0} draws/s {:>8.1} M cell-updates/s   {verdict}",
        s.towns.len(),
        draws as f64 / secs,
        cells / secs / 1e6,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; accept and ignore harness flags.
    let quick = std::env::var("CIVPLAN_BENCH_QUICK").is_ok_and(|v| v == "1");
    println!("threads: {} (rayon), best of {REPEATS} runs after a warm-up", rayon::current_num_threads());
    for c in COUNTIES {
        let s = scenario(c);
        if quick {
            line(c, &s, 100, None);
        } else {
            line(c, &s, 1_000, Some(2.0));
        }
    }
    if !quick {
        line("anyue", &scenario("anyue"), 10_000, Some(10.0));
    }
}
