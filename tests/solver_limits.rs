//! `--time-limit`: a solve that reaches it says so (status `time_limit`),
//! returns the best solution found with its gap, and exits 4 — never passes
//! as optimal.

use serde_json::Value;
use std::fmt::Write as _;
use std::process::Command;

fn civplan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_civplan")).current_dir(env!("CARGO_MANIFEST_DIR")).args(args).output().unwrap()
}

/// 垫江's robust 2025 plan over 5 draws: HiGHS has a plan within 2 s (gap
/// about 1 %) but no proof of optimality.
#[test]
fn a_robust_plan_stopped_by_the_time_limit_exits_4_with_its_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = civplan(&[
        "plan",
        "scenarios/dianjiang",
        "--year",
        "2025",
        "--robust",
        "--scenarios",
        "5",
        "--draws",
        "5",
        "--time-limit",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    // A shortfall (exit 3) outranks the time limit (exit 4); either way the
    // status says the solve was stopped.
    let code = if plan["feasible"] == true { 4 } else { 3 };
    assert_eq!(o.status.code(), Some(code), "{stdout}\n{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(plan["plan"]["status"], "time_limit");
    let gap = plan["plan"]["gap"].as_f64().unwrap();
    assert!(gap > 0.0 && gap < 1.0, "gap {gap}");
    assert_eq!(plan["manifest"]["settings"]["time_limit_s"], 2.0);
    let first = stdout.lines().next().unwrap_or("");
    assert!(first.contains(": time limit, within ") && first.ends_with("solve(s))"), "{first}");
}

/// The Benders p-median on 600 × 150 points with 1 ms: the greedy start,
/// stopped before the LP bound, so its gap is unknown (null).
#[test]
fn a_locate_model_stopped_by_the_time_limit_exits_4() {
    let tmp = tempfile::tempdir().unwrap();
    // A fixed pseudo-random instance (a linear congruential generator).
    let mut seed: u64 = 17;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let (mut demand, mut sites) = (String::from("id,weight,x,y\n"), String::from("id,x,y\n"));
    for i in 0..600 {
        let _ = writeln!(demand, "d{i},{},{:.3},{:.3}", 1 + (next() * 99.0) as u32, next() * 100.0, next() * 100.0);
    }
    for j in 0..150 {
        let _ = writeln!(sites, "s{j},{:.3},{:.3}", next() * 100.0, next() * 100.0);
    }
    let (d, s) = (tmp.path().join("d.csv"), tmp.path().join("s.csv"));
    std::fs::write(&d, demand).unwrap();
    std::fs::write(&s, sites).unwrap();
    let o = civplan(&[
        "locate",
        "--model",
        "p-median",
        "--p",
        "12",
        "--demand",
        d.to_str().unwrap(),
        "--sites",
        s.to_str().unwrap(),
        "--time-limit",
        "0.001",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "time_limit");
    assert!(v["gap"].is_null());
    assert!(v["objective"].as_f64().is_some_and(|x| x.is_finite() && x > 0.0));
    assert_eq!(v["sites"].as_array().unwrap().len(), 12);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "note: stopped at the time limit of 0.001 s with the best solution found, how far from the optimum is not \
known: the limit came before a bound\n"
    );
}

/// A limit so short that HiGHS has no plan yet: nothing to report, so no
/// output folder, and exit 4 (the time limit, which more time may lift),
/// not 1 (a failure), with what to do.
#[test]
fn a_plan_with_no_solution_within_the_time_limit_exits_4_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = civplan(&[
        "plan",
        "scenarios/tongliang",
        "--draws",
        "20",
        "--time-limit",
        "0.0001",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: no plan found within the time limit of 0.0001 s per solve; raise --time-limit\n"
    );
    assert!(!out.exists());
}
