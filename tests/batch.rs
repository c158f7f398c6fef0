//! `civplan batch` and `civplan merge` end to end on the mini fixture and a
//! copy of it (another seed), with few draws: rows and their values, key
//! paths refused before any run, isolated failures, shards merged to the
//! unsharded bytes, resume after SIGKILL, and a run replayed alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The exit status of a plan (and a batch) that cannot meet every norm.
const INFEASIBLE: i32 = 3;

fn civplan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_civplan"))
}

fn run(args: &[&str]) -> Output {
    civplan().args(args).output().expect("civplan runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A fresh folder under cargo's test tmp dir.
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// `mini` and `mini_b` (the same county with another seed) in a folder.
fn scenarios(dir: &Path) -> (String, String) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let a = dir.join("mini");
    let b = dir.join("mini_b");
    copy_dir(&fixture, &a);
    copy_dir(&fixture, &b);
    let toml = b.join("scenario.toml");
    let t = std::fs::read_to_string(&toml).unwrap();
    assert!(t.contains("seed = 20220402"));
    std::fs::write(&toml, t.replace("seed = 20220402", "seed = 20220403")).unwrap();
    (a.display().to_string(), b.display().to_string())
}

/// The 2 × 2 batch every test compares against, run once uninterrupted.
struct Reference {
    a: String,
    b: String,
    out: PathBuf,
    stdout: String,
}

fn reference() -> &'static Reference {
    static R: OnceLock<Reference> = OnceLock::new();
    R.get_or_init(|| {
        let dir = tmp("reference");
        let (a, b) = scenarios(&dir);
        let out = dir.join("out");
        let o = run(&batch_args(&a, &b, &out, &[]).iter().map(String::as_str).collect::<Vec<_>>());
        // The mini county cannot reach its cemetery norm (34, from 2) nor every town's bed demand
        // with its candidates: every run is a completed plan with shortfalls, so the batch exits 3.
        assert_eq!(o.status.code(), Some(INFEASIBLE), "{}", text(&o));
        Reference { a, b, out, stdout: String::from_utf8_lossy(&o.stdout).into_owned() }
    })
}

fn batch_args(a: &str, b: &str, out: &Path, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> =
        ["batch", a, b, "--set", "plan.quantile=0.5,0.9", "--draws", "5", "--out"].map(String::from).into();
    v.push(out.display().to_string());
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn read_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    r.records().map(|x| h.iter().map(String::from).zip(x.unwrap().iter().map(String::from)).collect()).collect()
}

#[test]
fn two_scenarios_by_two_values_give_four_rows_with_their_values() {
    let r = reference();
    let rows = read_rows(&r.out.join("comparison.csv"));
    let got: Vec<(&str, &str)> = rows.iter().map(|x| (x["scenario"].as_str(), x["plan.quantile"].as_str())).collect();
    assert_eq!(got, vec![("mini", "0.5"), ("mini", "0.9"), ("mini_b", "0.5"), ("mini_b", "0.9")]);
    for x in &rows {
        assert_eq!(x["county"], "测试县");
        assert_eq!(x["exit_status"], "3", "{x:?}");
        assert_eq!(x["norm.public_cemeteries_min"], "short", "{x:?}");
        assert_eq!(x["folder"], format!("runs/{}", x["run"]));
        // The override reached the plan: its manifest records the quantile.
        let plan: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(r.out.join(&x["folder"]).join("plan.json")).unwrap())
                .unwrap();
        assert_eq!(plan["manifest"]["settings"]["quantile"].as_f64().unwrap().to_string(), x["plan.quantile"]);
        assert_eq!(plan["plan"]["quantile"].as_f64().unwrap().to_string(), x["plan.quantile"]);
    }
    // The p90 plan needs at least the p50 plan's beds.
    let beds = |i: usize| rows[i]["beds"].parse::<f64>().unwrap();
    assert!(beds(1) >= beds(0) && beds(3) >= beds(2));
    // A quantile is a planning key: one simulation per scenario, not per run.
    assert!(r.stdout.contains("4 to run on 2 simulation(s)"), "{}", r.stdout);
    let html = std::fs::read_to_string(r.out.join("comparison.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("plan.quantile") && !html.contains("http"));
}

#[test]
fn unknown_keys_and_bad_values_are_refused_before_any_run() {
    let dir = tmp("refused");
    let (a, b) = scenarios(&dir);
    let out = dir.join("out");
    for (set, key, value) in [
        ("norms.nursing_bed_min_share.valeu=0.6", "norms.nursing_bed_min_share.valeu", ""),
        ("plan.quantile=0.5,abc", "plan.quantile", "abc"),
        ("plan.quantile=1.5", "plan.quantile", "1.5"),
        ("costs.bed_yuan.x=1", "costs.bed_yuan", "costs.bed_yuan.x"),
        ("costz.bed_yuan=1", "costz", ""),
    ] {
        let o = run(&["batch", &a, &b, "--set", set, "--draws", "5", "--out", out.to_str().unwrap()]);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(2), "{set}: {t}");
        assert!(t.contains(key) && t.contains(value), "{set}: the error names the key and value: {t}");
        assert!(t.contains("refused before any run"), "{t}");
        assert!(!out.exists(), "{set}: nothing may be written");
    }
}

#[test]
fn a_broken_scenario_and_an_impossible_norm_fail_alone() {
    let dir = tmp("failures");
    let (a, b) = scenarios(&dir);
    // mini_b cannot be read: a number that is not one.
    let toml = Path::new(&b).join("scenario.toml");
    let t = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, t.replace("residents_2020 = 30000", "residents_2020 = \"many\"")).unwrap();
    let out = dir.join("out");
    let o = run(&[
        "batch",
        &a,
        &b,
        "--set",
        "norms.eco_burial_plots_min.value=500,90000",
        "--draws",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "some run failed: {t}");
    let rows = read_rows(&out.join("comparison.csv"));
    assert_eq!(rows.len(), 4);
    let by: BTreeMap<(&str, &str), &BTreeMap<String, String>> =
        rows.iter().map(|r| ((r["scenario"].as_str(), r["norms.eco_burial_plots_min.value"].as_str()), r)).collect();
    let ok = by[&("mini", "500")];
    assert_eq!(ok["norm.eco_burial_plots_min"], "met", "{ok:?}");
    assert!(!ok["norms_short"].contains("eco_burial_plots_min"), "{ok:?}");
    let short = by[&("mini", "90000")];
    assert_eq!(short["exit_status"], "3", "an impossible norm is an infeasible plan: {short:?}");
    assert_eq!(short["norm.eco_burial_plots_min"], "short");
    assert!(short["norms_short"].contains("eco_burial_plots_min"));
    assert!(!short["capital_wan"].is_empty(), "an infeasible run is a completed plan");
    for v in ["500", "90000"] {
        let bad = by[&("mini_b", v)];
        assert_eq!((bad["exit_status"].as_str(), bad["status"].as_str()), ("2", "failed"));
        assert!(bad["error"].contains("population.residents_2020"), "{bad:?}");
        assert!(bad["capital_wan"].is_empty());
    }
    assert!(t.contains("failed: mini_b/"), "the summary says which failed: {t}");
}

#[test]
fn shards_merge_to_the_unsharded_bytes_and_other_batches_are_refused() {
    let r = reference();
    let dir = tmp("shards");
    let s1 = dir.join("s1");
    let s2 = dir.join("s2");
    for (k, out) in [("1/2", &s1), ("2/2", &s2)] {
        let o = run(&batch_args(&r.a, &r.b, out, &["--shard", k, "--quiet"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(INFEASIBLE), "{}", text(&o));
    }
    let n1 = read_rows(&s1.join("comparison.csv")).len();
    let n2 = read_rows(&s2.join("comparison.csv")).len();
    assert_eq!((n1, n2), (2, 2));
    let merged = dir.join("merged");
    let o = run(&["merge", s2.to_str().unwrap(), s1.to_str().unwrap(), "--out", merged.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for f in ["comparison.csv", "comparison.html"] {
        assert!(
            std::fs::read(merged.join(f)).unwrap() == std::fs::read(r.out.join(f)).unwrap(),
            "{f}: merged shards differ from the unsharded batch"
        );
    }
    // A missing shard, a shard twice, another batch's shard: refused.
    let o = run(&["merge", s1.to_str().unwrap(), "--out", dir.join("m1").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("shards missing: 2/2"), "{}", text(&o));
    let o = run(&["merge", s1.to_str().unwrap(), s1.to_str().unwrap(), "--out", dir.join("m2").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let other = dir.join("other");
    let mut args = batch_args(&r.a, &r.b, &other, &["--shard", "2/2", "--quiet"]);
    args[4] = "plan.quantile=0.5,0.8".into();
    let o = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(INFEASIBLE), "{}", text(&o));
    let o = run(&["merge", s1.to_str().unwrap(), other.to_str().unwrap(), "--out", dir.join("m3").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("different batches"), "{}", text(&o));
    assert!(!dir.join("m3").exists());
}

#[test]
fn a_killed_batch_resumes_and_ends_as_an_uninterrupted_one() {
    let r = reference();
    let dir = tmp("resume");
    let out = dir.join("out");
    let args = batch_args(&r.a, &r.b, &out, &["--threads", "1", "--quiet"]);
    let mut child = civplan().args(&args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let markers = || -> usize {
        ["mini", "mini_b"]
            .iter()
            .flat_map(|s| std::fs::read_dir(out.join("runs").join(s)).into_iter().flatten())
            .filter(|e| e.as_ref().is_ok_and(|e| e.path().join("run.json").is_file()))
            .count()
    };
    let start = Instant::now();
    while markers() == 0 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let complete = markers();
    assert!(complete >= 1, "the first run completed before the kill");
    assert!(!out.join("comparison.csv").exists() || complete == 4, "killed before the comparison was written");
    let o = run(&batch_args(&r.a, &r.b, &out, &[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(INFEASIBLE), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains(&format!("{complete} already complete, {} to run", 4 - complete)), "{t}");
    for f in ["comparison.csv", "comparison.html"] {
        assert!(std::fs::read(out.join(f)).unwrap() == std::fs::read(r.out.join(f)).unwrap(), "{f} differs");
    }
    // Run again: everything is complete, nothing runs.
    let o = run(&batch_args(&r.a, &r.b, &out, &[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(text(&o).contains("4 already complete, 0 to run"), "{}", text(&o));
}

#[test]
fn a_run_replayed_alone_writes_the_same_files() {
    let r = reference();
    let rows = read_rows(&r.out.join("comparison.csv"));
    let run_dir = r.out.join(&rows[3]["folder"]);
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("run.json")).unwrap()).unwrap();
    let mut args: Vec<String> =
        rec["replay_args"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(&args[..2], ["civplan", "plan"]);
    assert!(rec["replay"].as_str().unwrap().starts_with("civplan plan "));
    let replay = tmp("replay").join("run");
    let at = args.iter().position(|a| a == "--out").unwrap();
    args[at + 1] = replay.display().to_string();
    let o = civplan().args(&args[1..]).output().unwrap();
    assert_eq!(o.status.code(), Some(INFEASIBLE), "the replay exits as the run did: {}", text(&o));
    let mut files = vec![];
    for f in ["sites.csv", "projects.csv", "periods.csv", "compliance.csv", "assignments.csv", "plan.json"] {
        files.push(PathBuf::from(f));
    }
    for e in std::fs::read_dir(run_dir.join("inputs")).unwrap() {
        files.push(Path::new("inputs").join(e.unwrap().file_name()));
    }
    assert!(files.len() > 8);
    for f in &files {
        assert!(
            std::fs::read(run_dir.join(f)).unwrap() == std::fs::read(replay.join(f)).unwrap(),
            "{}: the replay differs from the batch's run",
            f.display()
        );
    }
}

#[test]
fn the_gap_of_a_batch_file_reaches_every_run_and_its_replay_and_a_bad_one_is_refused() {
    let dir = tmp("gap");
    let (a, b) = scenarios(&dir);
    let file = dir.join("study.toml");
    let out = dir.join("out");
    std::fs::write(&file, format!("scenarios = [\"{a}\", \"{b}\"]\ndraws = 5\ngap = 1e-2\n")).unwrap();
    let o = run(&["batch", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(INFEASIBLE), "{}", text(&o));
    let rows = read_rows(&out.join("comparison.csv"));
    assert_eq!(rows.len(), 2);
    for x in &rows {
        let run_dir = out.join(&x["folder"]);
        let plan: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(run_dir.join("plan.json")).unwrap()).unwrap();
        assert_eq!(plan["manifest"]["settings"]["mip_rel_gap"].as_f64(), Some(1e-2));
        assert!(plan["plan"]["gap"].as_f64().unwrap() <= 1e-2);
        let rec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(run_dir.join("run.json")).unwrap()).unwrap();
        assert!(rec["replay"].as_str().unwrap().contains("--gap 0.01"), "{}", rec["replay"]);
    }
    // The command line wins over the file, and is checked as `plan --gap` is.
    let bad = dir.join("bad");
    let o = run(&["batch", file.to_str().unwrap(), "--gap", "1.5", "--out", bad.to_str().unwrap()]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("gap 1.5") && t.contains("[0, 1)"), "{t}");
    assert!(!bad.exists());
}
