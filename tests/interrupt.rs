//! A run killed part-way (SIGKILL) leaves the previous result intact and
//! nothing partial under the final name; the next run removes the
//! `.NAME.partial-PID` folder the killed one left.

mod common;

use common::snapshot;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn civplan(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_civplan"));
    c.current_dir(env!("CARGO_MANIFEST_DIR")).args(args).stdout(Stdio::null()).stderr(Stdio::null());
    c
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn kill(mut child: Child) {
    // SIGKILL on Unix; a child that already ended is fine.
    let _ = child.kill();
    child.wait().unwrap();
}

/// The folder holds exactly the previous result, or exactly a complete new
/// one (plan.json of the 100-draw stability run, its stability.csv, the marker).
fn old_or_complete_new(out: &Path, before: &BTreeMap<PathBuf, Vec<u8>>) {
    let now = snapshot(out);
    if &now == before {
        return;
    }
    let plan: serde_json::Value = serde_json::from_slice(&now[&out.join("plan.json")]).unwrap();
    assert_eq!(plan["manifest"]["settings"]["stability_draws"], 100, "a mix of old and new files");
    assert!(now.contains_key(&out.join("stability.csv")) && now.contains_key(&out.join(".civplan")));
    assert!(now.contains_key(&out.join("demand.csv")), "simulate's files were merged into the new plan");
}

#[test]
fn a_plan_killed_part_way_leaves_the_previous_result() {
    let tmp = tempfile::tempdir().unwrap();
    let mini = tmp.path().join("mini");
    common::copy_mini(&mini);
    let (mini_s, out) = (mini.to_str().unwrap(), tmp.path().join("out"));
    let out_s = out.to_str().unwrap();
    // The previous result: simulate, then plan (exit 3: the mini county has shortfalls).
    assert_eq!(civplan(&["simulate", mini_s, "--out", out_s, "--quiet"]).status().unwrap().code(), Some(0));
    assert_eq!(civplan(&["plan", mini_s, "--out", out_s, "--quiet"]).status().unwrap().code(), Some(3));
    let before = snapshot(&out);
    let long = ["plan", mini_s, "--stability", "100", "--draws", "100", "--out", out_s, "--quiet"];

    // Killed while it computes: the previous result exactly as it was.
    let child = civplan(&long).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    kill(child);
    assert_eq!(snapshot(&out), before);
    assert!(names(tmp.path()).iter().all(|n| n == "mini" || n == "out" || n.starts_with(".out.partial-")));

    // Killed as soon as it starts writing: the old result or a complete new
    // one under the name, never a mix; the staging folder may be left.
    let mut child = civplan(&long).spawn().unwrap();
    let staging = tmp.path().join(format!(".out.partial-{}", child.id()));
    let started = Instant::now();
    loop {
        if staging.exists() || started.elapsed() > Duration::from_secs(120) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    kill(child);
    old_or_complete_new(&out, &before);

    // The next run into the folder removes what the killed ones left.
    assert_eq!(civplan(&["plan", mini_s, "--out", out_s, "--quiet"]).status().unwrap().code(), Some(3));
    assert_eq!(names(tmp.path()), ["mini", "out"]);
    assert!(out.join(".civplan").exists() && out.join("demand.csv").exists() && out.join("plan.json").exists());
}
