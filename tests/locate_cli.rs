//! `civplan locate` through the binary: output formats, exit codes and error
//! messages, on the line instance of `tests/fixtures/locate/` (see
//! `locate_models.rs` for the hand-worked optima).

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const FIX: &str = "tests/fixtures/locate";

fn civplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_civplan"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("locate")
        .args(args)
        .output()
        .expect("run civplan")
}

fn fixture(name: &str) -> String {
    format!("{FIX}/{name}")
}

fn json(args: &[&str]) -> Value {
    let out = civplan(&[args, &["--format", "json"]].concat());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

fn sites(v: &Value) -> Vec<&str> {
    v["sites"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect()
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() <= 1e-6 * want.abs().max(1.0))
}

/// p-median p = 2 → {S2,S3}, 140: the JSON has the documented keys.
#[test]
fn json_output_has_the_documented_keys() {
    let v = json(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand.csv"),
        "--sites",
        &fixture("sites.csv"),
        "--p",
        "2",
    ]);
    for key in ["objective", "status", "gap", "sites", "assignments", "model"] {
        assert!(v.get(key).is_some(), "missing key {key} in {v}");
    }
    assert!(close(&v["objective"], 140.0), "{v}");
    assert_eq!(v["status"], "optimal");
    assert_eq!(sites(&v), ["S2", "S3"]);
    let a = v["assignments"].as_array().unwrap();
    assert_eq!(a.len(), 4);
    for x in a {
        for key in ["demand_id", "site_id", "fraction"] {
            assert!(x.get(key).is_some(), "missing key {key} in {x}");
        }
    }
    assert_eq!(a[3]["demand_id"], "d");
    assert_eq!(a[3]["site_id"], "S3");
    assert!(close(&a[3]["fraction"], 1.0));
}

/// Costs from cost.csv (files without coordinates) give the same answer.
#[test]
fn cost_file_instead_of_coordinates() {
    let v = json(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand_ids.csv"),
        "--sites",
        &fixture("sites_ids.csv"),
        "--cost",
        &fixture("cost.csv"),
        "--p",
        "2",
    ]);
    assert!(close(&v["objective"], 140.0), "{v}");
}

/// A pre-selected S1, by column or by --fixed: {S1,S3}, 200.
#[test]
fn fixed_sites_by_column_and_by_option() {
    let v = json(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand.csv"),
        "--sites",
        &fixture("sites_fixed.csv"),
        "--p",
        "2",
    ]);
    assert_eq!(sites(&v), ["S1", "S3"]);
    assert!(close(&v["objective"], 200.0));
    let v = json(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand.csv"),
        "--sites",
        &fixture("sites.csv"),
        "--p",
        "2",
        "--fixed",
        "S1",
    ]);
    assert_eq!(sites(&v), ["S1", "S3"]);
}

/// Capacities 100/50/50: multi-sourcing 160, single-sourcing 180; CFLP adds
/// fixed costs 250 → 410 / 430.
#[test]
fn single_and_multi_sourcing() {
    let base = ["--demand", &fixture("demand.csv"), "--sites", &fixture("sites_cap.csv")].map(String::from);
    let base: Vec<&str> = base.iter().map(String::as_str).collect();
    let v = json(&[&base[..], &["--model", "p-median", "--p", "2"]].concat());
    assert!(close(&v["objective"], 160.0), "{v}");
    let v = json(&[&base[..], &["--model", "p-median", "--p", "2", "--single-source"]].concat());
    assert!(close(&v["objective"], 180.0), "{v}");
    let v = json(&[&base[..], &["--model", "cflp"]].concat());
    assert!(close(&v["objective"], 410.0), "{v}");
    let v = json(&[&base[..], &["--model", "cflp", "--single-source"]].concat());
    assert!(close(&v["objective"], 430.0), "{v}");
}

/// Every model runs from the command line with its hand-worked optimum.
#[test]
fn every_model_from_the_command_line() {
    let (d, s, s4) = (fixture("demand.csv"), fixture("sites.csv"), fixture("sites4.csv"));
    let cases: [(&[&str], f64); 7] = [
        (&["--model", "p-median", "--demand", &d, "--sites", &s, "--p", "1"], 300.0),
        (&["--model", "p-center", "--demand", &d, "--sites", &s, "--p", "2"], 3.0),
        (&["--model", "mclp", "--demand", &d, "--sites", &s, "--p", "1", "--radius", "3"], 70.0),
        (&["--model", "lscp", "--demand", &d, "--sites", &s, "--radius", "3"], 2.0),
        (&["--model", "cflp", "--demand", &d, "--sites", &s], 390.0),
        (&["--model", "p-dispersion", "--sites", &s4, "--p", "3"], 4.0),
        (&["--model", "lscp-b", "--demand", &d, "--sites", &s4, "--radius", "4"], 2.0),
    ];
    for (args, want) in cases {
        let v = json(args);
        assert!(close(&v["objective"], want), "{args:?}: {v}");
    }
}

/// --max-cost 4 with p = 1: no single site is within 4 of everyone → exit 3.
#[test]
fn max_cost_can_make_an_instance_infeasible() {
    let v = json(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand.csv"),
        "--sites",
        &fixture("sites.csv"),
        "--p",
        "2",
        "--max-cost",
        "4",
    ]);
    assert!(close(&v["objective"], 200.0));
    let out = civplan(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand.csv"),
        "--sites",
        &fixture("sites.csv"),
        "--p",
        "1",
        "--max-cost",
        "4",
    ]);
    assert_eq!(out.status.code(), Some(3));
}

/// LSCP where `far` has no site within the radius → exit 3 naming it.
#[test]
fn infeasible_lscp_exits_3_and_names_the_point() {
    let out = civplan(&[
        "--model",
        "lscp",
        "--demand",
        &fixture("demand_far.csv"),
        "--sites",
        &fixture("sites.csv"),
        "--radius",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "error: infeasible: 1 demand point cannot be covered, no site within the service radius 3: \
`far` (cheapest site `S3` at 21)\n"
    );
    assert!(out.stdout.is_empty());
}

/// A bad cell: the message names file, line, column, value and expectation; exit 2.
#[test]
fn bad_csv_cell_exits_2_with_an_exact_message() {
    let out = civplan(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand_bad.csv"),
        "--sites",
        &fixture("sites.csv"),
        "--p",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: tests/fixtures/locate/demand_bad.csv:3:3: `weight` = \"lots\": a demand weight or capacity in [0, 1e9]\n"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let d = fixture("demand.csv");
    let s = fixture("sites.csv");
    for args in [
        vec!["--model", "p-median", "--demand", &d, "--sites", &s],
        vec!["--model", "nope", "--demand", &d, "--sites", &s, "--p", "1"],
        vec!["--model", "lscp", "--demand", &d, "--sites", &s],
        vec!["--model", "p-median", "--demand", &d, "--sites", &s, "--p", "1", "--fixed", "S9"],
        vec!["--model", "p-median", "--demand", &d, "--sites", "missing.csv", "--p", "1"],
        vec!["--model", "p-median", "--demand", &d, "--sites", &s, "--p", "1", "--format", "csv"],
    ] {
        let out = civplan(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("error"), "{args:?}");
    }
}

/// --format csv --out DIR writes the three files and leaves no staging folder.
#[test]
fn csv_output_is_written_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let out = civplan(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand.csv"),
        "--sites",
        &fixture("sites.csv"),
        "--p",
        "2",
        "--format",
        "csv",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    assert_eq!(read("sites.csv").lines().count(), 3);
    let a = read("assignments.csv");
    assert!(a.starts_with("demand_id,site_id,fraction"), "{a}");
    assert_eq!(a.lines().count(), 5);
    let summary: Value = serde_json::from_str(&read("summary.json")).unwrap();
    assert!(close(&summary["objective"], 140.0));
    let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, [std::ffi::OsString::from("run")]);
    assert!(Path::new(&dir).is_dir());
}

#[test]
fn table_output() {
    let out = civplan(&[
        "--model",
        "p-median",
        "--demand",
        &fixture("demand.csv"),
        "--sites",
        &fixture("sites.csv"),
        "--p",
        "2",
        "--format",
        "table",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("objective  140") && text.contains("S3"), "{text}");
}
