//! The planning model on the bundled counties: `cargo bench --bench plan`.
//!
//! For each county, on one simulation of the scenario's own draws and seed:
//! the wall time of `plan` (the MILP at the 0.9 quantile for the first
//! target year: hard solve, and the elastic and bounded re-solves when a
//! norm cannot be met), of `--stability 200` (200 single-draw plans in
//! parallel, one HiGHS thread each) and of `--robust` over 50 draws. The
//! issue's targets on the 2-core machine: plan < 5 s, stability 200 < 60 s.
//! Best of `REPEATS` runs for the plan; one run for the others.
//! `CIVPLAN_BENCH_QUICK=1`: plan only, one run; `CIVPLAN_BENCH_ROBUST=0`:
//! no robust plans (潼南's and 垫江's run to the 300 s limit).

use civplan::demand::{simulate, SimOptions};
use civplan::plan::{plan, solve_robust, stability, PlanDemand, PlanOptions, Recourse};
use civplan::scenario::load;
use std::path::Path;
use std::time::Instant;

const COUNTIES: [&str; 5] = ["tongnan", "tongliang", "dianjiang", "anyue", "yubei"];
const REPEATS: usize = 3;

fn secs<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let v = f();
    (t.elapsed().as_secs_f64(), v)
}

fn verdict(secs: f64, target: f64) -> &'static str {
    if secs < target {
        "met"
    } else {
        "NOT MET"
    }
}

fn main() {
    let quick = std::env::var("CIVPLAN_BENCH_QUICK").is_ok_and(|v| v == "1");
    let robust = !std::env::var("CIVPLAN_BENCH_ROBUST").is_ok_and(|v| v == "0");
    let opts = PlanOptions::default();
    println!("threads: {} (rayon), HiGHS 1 thread per solve", rayon::current_num_threads());
    for c in COUNTIES {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(c);
        let s = load(&dir).unwrap_or_else(|e| panic!("{c}: {}", e.render(false)));
        let year = s.config.meta.target_years[0];
        let (t_sim, sim) = secs(|| simulate(&s, &SimOptions::from_scenario(&s)));
        let runs = if quick { 1 } else { REPEATS };
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..runs {
            let (t, p) = secs(|| plan(&s, &sim, year, 0.9, &opts).expect("plan solves"));
            best = best.min(t);
            last = Some(p);
        }
        let p = last.expect("at least one run");
        println!(
            "{c:<10} simulate {:>5} draws {t_sim:>6.2} s | plan {best:>6.2} s ({} vars, {} rows, {} solve(s), {} shortfall(s)) target < 5 s: {}",
            sim.draws(),
            p.variables,
            p.constraints,
            p.solves,
            p.shortfalls.len(),
            verdict(best, 5.0)
        );
        if quick {
            continue;
        }
        let (t_st, st) = secs(|| stability(&s, &sim, year, 200, &opts).expect("stability solves"));
        println!(
            "{c:<10} stability 200 {t_st:>7.2} s ({} draws short of some norm) target < 60 s: {}",
            st.infeasible_draws,
            verdict(t_st, 60.0)
        );
        if !robust {
            continue;
        }
        let y = sim.year_index(year).expect("target year simulated");
        let rc = Recourse::from_simulation(&sim, y, 50, 10.0);
        let d = PlanDemand::at_quantile(&sim, y, 0.9);
        let (t_rb, rb) = secs(|| solve_robust(&s, &d, &rc, &opts).expect("robust plan solves"));
        println!("{c:<10} robust 50 draws {t_rb:>6.2} s ({} vars, {} rows)", rb.variables, rb.constraints);
    }
}
