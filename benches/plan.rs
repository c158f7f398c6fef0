//! The planning model on the bundled counties: `cargo bench --bench plan`.
//!
//! For each county, on one simulation of the scenario's own draws and seed:
//! the wall time of the phased plan (the scenario's periods) and of the
//! single-period plan for the first target year (each: hard solve, and the
//! elastic and bounded re-solves of a block that cannot meet its norms), of
//! `--stability 200` on both (200 single-draw plans in parallel, one HiGHS
//! thread each) and of the single-period `--robust` plan over 50 draws.
//! Targets on the 2-core machine: single-period plan < 5 s and its stability
//! 200 < 60 s; phased plan < 10 s and its stability 200 < 120 s. Best of
//! `REPEATS` runs for the plans; one run for the others.
//! `CIVPLAN_BENCH_QUICK=1`: the plans only, one run; `CIVPLAN_BENCH_ROBUST=0`:
//! no robust plans; `CIVPLAN_BENCH_STABILITY=N`: N stability draws instead
//! of 200 (the target then scaled by N / 200); `CIVPLAN_BENCH_GAP=G`: every
//! plan solved to the relative gap G (`--gap`; default the CLI's 10⁻³, at
//! which blocks are planned through the travel-free bound), e.g. 1e-6.

use civplan::demand::{simulate, SimOptions};
use civplan::plan::{plan, plan_robust, simulation_scenario, stability, PlanDemand, PlanOptions, Recourse};
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
    let n_st: usize = std::env::var("CIVPLAN_BENCH_STABILITY").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    println!("threads: {} (rayon), HiGHS 1 thread per solve", rayon::current_num_threads());
    for c in COUNTIES {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(c);
        let s = load(&dir).unwrap_or_else(|e| panic!("{c}: {}", e.render(false)));
        let mut phased = PlanOptions::default();
        if let Some(g) = std::env::var("CIVPLAN_BENCH_GAP").ok().and_then(|v| v.parse().ok()) {
            phased.solve.mip_rel_gap = g;
        }
        let single = PlanOptions { year: Some(s.config.meta.target_years[0]), ..phased };
        let sim_s = simulation_scenario(&s, &phased);
        let (t_sim, sim) = secs(|| simulate(&sim_s, &SimOptions::from_scenario(&sim_s)));
        println!("{c:<10} simulate {} draws {t_sim:.2} s", sim.draws());
        for (name, opts, target, st_target) in [("single", single, 5.0, 60.0), ("phased", phased, 10.0, 120.0)] {
            let runs = if quick { 1 } else { REPEATS };
            let mut best = f64::INFINITY;
            let mut last = None;
            for _ in 0..runs {
                let (t, p) = secs(|| plan(&s, &sim, &opts).expect("plan solves"));
                best = best.min(t);
                last = Some(p);
            }
            let p = last.expect("at least one run");
            println!(
                "{c:<10} {name} plan {best:>6.2} s ({} periods, {} vars, {} rows, {} solve(s), {}, gap {:.2e}, {} rows short) target < {target} s: {}",
                p.horizon.len(),
                p.variables,
                p.constraints,
                p.solves,
                p.status,
                p.gap,
                p.shortfalls().count(),
                verdict(best, target)
            );
            if quick {
                continue;
            }
            let st_target = st_target * n_st as f64 / 200.0;
            let (t_st, st) = secs(|| stability(&s, &sim, n_st, &opts).expect("stability solves"));
            println!(
                "{c:<10} {name} stability {n_st} {t_st:>7.2} s ({} draws short of some norm, {} at the time limit) target < {st_target} s: {}",
                st.infeasible_draws,
                st.time_limited_draws,
                verdict(t_st, st_target)
            );
        }
        if quick || !robust {
            continue;
        }
        let h = single.horizon(&s);
        let y = sim.year_index(h.end_years()[0]).expect("target year simulated");
        let rc = Recourse::from_simulation(&sim, y, 50, 10.0);
        let d = vec![PlanDemand::at_quantile(&sim, y, 0.9)];
        let (t_rb, rb) = secs(|| plan_robust(&s, &h, &d, &rc, &single).expect("robust plan solves"));
        println!(
            "{c:<10} robust 50 draws {t_rb:>6.2} s ({} vars, {} rows, {})",
            rb.variables, rb.constraints, rb.status
        );
    }
}
