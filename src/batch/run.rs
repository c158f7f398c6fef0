//! Running a prepared batch (or one shard of it): runs grouped by
//! simulation key, one simulation in memory at a time, the group's plans
//! in parallel. Each run writes its folder (the normal plan outputs) and
//! then, last and atomically, `run.json` — its record and the completion
//! marker: a run whose record is present with the same run hash is not run
//! again, so an interrupted batch resumes where it stopped.

use super::comparison;
use super::{Prepared, PreparedRun, Shard};
use crate::cli::exit;
use crate::demand::{simulate, Simulation};
use crate::plan::Plan;
use crate::report::atomic::{self, OutputDir};
use crate::report::plan as plan_out;
use crate::solver::SolveStatus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The record of a finished run (`run.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub tool: String,
    pub version: String,
    pub run: String,
    pub scenario: String,
    pub scenario_path: String,
    /// (column, value) of each varied key.
    pub values: Vec<(String, String)>,
    /// `KEY=VALUE` overrides applied, in order.
    pub overrides: Vec<String>,
    pub seed: u64,
    pub draws: usize,
    pub sim_key: String,
    pub run_hash: String,
    /// As `civplan plan` would exit: 0 met, 1 failure, 2 bad input, 3 infeasible, 4 time limit.
    pub exit_status: u8,
    pub error: Option<String>,
    /// The command that reruns this run alone, from the batch's working directory.
    pub replay: String,
    pub replay_args: Vec<String>,
    /// The comparison's cells, by column.
    pub row: BTreeMap<String, String>,
    /// Wall-clock seconds (not in comparison.csv).
    pub seconds: f64,
}

/// What the runner reports as it goes (the CLI draws the progress bar).
pub enum Progress<'a> {
    /// Runs of this folder, how many are already complete, simulations to run.
    Start { runs: usize, complete: usize, simulations: usize },
    /// A simulation starts for `runs` runs of a scenario.
    Simulating { scenario: &'a str, runs: usize },
    /// A run finished (written, or failed and recorded).
    Finished(&'a RunRecord),
}

/// Why a batch could not run at all.
#[derive(Debug)]
pub enum BatchError {
    /// The output folder is not this batch's (exit 2).
    Input(String),
    /// Reading or writing failed (exit 1).
    Io(String),
}

/// The state of a batch folder: `batch.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchManifest {
    pub tool: String,
    pub version: String,
    pub command: String,
    pub batch_hash: String,
    pub definition: super::Definition,
    pub scenarios: Vec<super::ScenarioState>,
    pub columns: Vec<String>,
    /// Every run of the batch, identity order.
    pub runs: Vec<String>,
    pub shard: Option<Shard>,
    /// The runs this folder holds.
    pub folder_runs: Vec<String>,
    /// Shards merged into this folder (`civplan merge`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<Shard>,
    pub complete: bool,
    /// Runs by exit status.
    pub exit_statuses: BTreeMap<String, usize>,
}

impl BatchManifest {
    pub fn new(p: &Prepared, shard: Option<Shard>, folder_runs: Vec<String>) -> Self {
        BatchManifest {
            tool: "civplan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: "batch".into(),
            batch_hash: p.hash.clone(),
            definition: p.def.clone(),
            scenarios: p.scenarios.clone(),
            columns: p.columns.clone(),
            runs: p.runs.iter().map(|r| r.run.id.clone()).collect(),
            shard,
            folder_runs,
            merged: Vec::new(),
            complete: false,
            exit_statuses: BTreeMap::new(),
        }
    }

    pub fn read(dir: &Path) -> Result<Option<BatchManifest>, String> {
        let path = dir.join("batch.json");
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{}: not a civplan batch manifest ({e})", path.display()))
    }

    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        text.push('\n');
        atomic::write_file(&dir.join("batch.json"), text.as_bytes())
    }
}

/// What a finished batch folder holds.
#[derive(Debug)]
pub struct Finished {
    /// This folder's runs, identity order.
    pub records: Vec<RunRecord>,
    pub simulations: usize,
    pub skipped: usize,
}

/// The output folder may be written: empty, new, or this batch's own
/// folder for the same shard (a resume).
fn check_out(out: &Path, shard: Option<Shard>) -> Result<(), BatchError> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(BatchError::Input(format!("--out {}: exists and is not a folder", out.display())));
    }
    match BatchManifest::read(out).map_err(BatchError::Input)? {
        Some(m) if m.shard != shard => Err(BatchError::Input(format!(
            "--out {}: holds {} of a batch; give each shard its own --out",
            out.display(),
            match m.shard {
                Some(s) => format!("shard {}/{}", s.k, s.n),
                None => "the whole".into(),
            }
        ))),
        Some(_) => Ok(()),
        None if std::fs::read_dir(out).map_err(|e| BatchError::Io(e.to_string()))?.next().is_some() => {
            Err(BatchError::Input(format!(
                "--out {}: exists, is not empty and holds no batch.json: not a batch folder, so nothing is written there",
                out.display()
            )))
        }
        None => Ok(()),
    }
}

/// The record of a run already complete in `dir` with the same inputs.
/// Failures (exit 1: I/O, solver errors) are run again.
fn complete(dir: &Path, run_hash: &str) -> Option<RunRecord> {
    let text = std::fs::read_to_string(dir.join("run.json")).ok()?;
    let r: RunRecord = serde_json::from_str(&text).ok()?;
    (r.run_hash == run_hash && r.exit_status != exit::FAILURE).then_some(r)
}

/// Run this folder's share of the batch (all of it, or `shard`) into `out`,
/// then write comparison.csv, comparison.html and batch.json.
pub fn execute(
    p: &Prepared,
    out: &Path,
    shard: Option<Shard>,
    on: &(dyn Fn(Progress) + Sync),
) -> Result<Finished, BatchError> {
    check_out(out, shard)?;
    let io_err = |e: io::Error| BatchError::Io(format!("{}: {e}", out.display()));
    std::fs::create_dir_all(out).map_err(io_err)?;
    let total = p.runs.len();
    let mine: Vec<&PreparedRun> =
        p.runs.iter().enumerate().filter(|(i, _)| shard.is_none_or(|s| s.owns(*i, total))).map(|(_, r)| r).collect();
    let mut manifest = BatchManifest::new(p, shard, mine.iter().map(|r| r.run.id.clone()).collect());
    manifest.write(out).map_err(io_err)?;

    let mut done: BTreeMap<String, RunRecord> = BTreeMap::new();
    let mut todo: Vec<&PreparedRun> = Vec::new();
    for r in &mine {
        match complete(&out.join(r.run.folder()), &r.run_hash) {
            Some(rec) => {
                done.insert(r.run.id.clone(), rec);
            }
            None => todo.push(r),
        }
    }
    // Groups of runs sharing a simulation, in identity order of their first run.
    let mut groups: Vec<(String, Vec<&PreparedRun>)> = Vec::new();
    for r in &todo {
        match groups.iter_mut().find(|(k, _)| *k == r.sim_key) {
            Some((_, g)) => g.push(r),
            None => groups.push((r.sim_key.clone(), vec![r])),
        }
    }
    let simulations = groups.iter().filter(|(k, _)| !k.is_empty()).count();
    let skipped = done.len();
    on(Progress::Start { runs: mine.len(), complete: skipped, simulations });
    // Runs of one scenario share the solves of their identical blocks.
    crate::plan::shared::enable();
    for (key, group) in &groups {
        // Only this group's simulation is held; it is dropped before the next.
        let sim = match group[0].scenario.as_ref() {
            Ok(s) if !key.is_empty() => {
                on(Progress::Simulating { scenario: &p.def.scenarios[group[0].run.scenario].label, runs: group.len() });
                let input = super::fingerprint::simulation_input(s, &group[0].plan_options(&p.def));
                Some(simulate(&input, &group[0].sim))
            }
            _ => None,
        };
        let records: Vec<RunRecord> = group
            .par_iter()
            .map(|r| {
                let rec = run_one(p, r, sim.as_ref(), out);
                on(Progress::Finished(&rec));
                rec
            })
            .collect();
        for rec in records {
            done.insert(rec.run.clone(), rec);
        }
        crate::plan::shared::clear();
    }
    crate::plan::shared::disable();
    let records: Vec<RunRecord> = mine.iter().filter_map(|r| done.remove(&r.run.id)).collect();
    let rows: Vec<&BTreeMap<String, String>> = records.iter().map(|r| &r.row).collect();
    comparison::write(out, &p.def, &p.columns, &rows).map_err(io_err)?;
    manifest.complete = true;
    for r in &records {
        *manifest.exit_statuses.entry(r.exit_status.to_string()).or_default() += 1;
    }
    manifest.write(out).map_err(io_err)?;
    Ok(Finished { records, simulations, skipped })
}

/// A plan run's result: the plan, or (exit status, error).
type Planned = Result<Plan, (u8, String)>;

/// Run one plan and record it. Nothing a run does stops the others: an
/// error, or a panic, becomes its record.
fn run_one(p: &Prepared, r: &PreparedRun, sim: Option<&Simulation>, out: &Path) -> RunRecord {
    let dir = out.join(r.run.folder());
    let started = Instant::now();
    // A stale marker goes first, so a run killed before it ends is never taken as complete.
    let _ = std::fs::remove_file(dir.join("run.json"));
    let planned: Planned = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| plan_into(p, r, sim, &dir))) {
        Ok(x) => x,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err((exit::FAILURE, format!("internal error (panic): {msg}")))
        }
    };
    let (exit_status, error) = match &planned {
        Ok(plan) if !plan.feasible() => (exit::INFEASIBLE, None),
        Ok(plan) if plan.status == SolveStatus::TimeLimit => (exit::TIME_LIMIT, None),
        Ok(_) => (exit::OK, None),
        Err((code, msg)) => (*code, Some(msg.clone())),
    };
    let values = p.def.values(&r.run);
    let row = comparison::row(r, &values, planned.as_ref().ok(), exit_status, error.as_deref());
    let replay_args = replay_args(p, r, out);
    let mut rec = RunRecord {
        tool: "civplan".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        run: r.run.id.clone(),
        scenario: p.def.scenarios[r.run.scenario].label.clone(),
        scenario_path: r.path.clone(),
        values,
        overrides: r.overrides.iter().map(super::Override::to_arg).collect(),
        seed: r.sim.seed,
        draws: r.sim.draws,
        sim_key: r.sim_key.clone(),
        run_hash: r.run_hash.clone(),
        exit_status,
        error,
        replay: shell_line(&replay_args),
        replay_args,
        row,
        seconds: 0.0,
    };
    rec.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    if let Err(e) = write_record(&dir, &rec, planned.is_ok()) {
        rec.exit_status = exit::FAILURE;
        rec.error = Some(format!("cannot write {}: {e}", dir.display()));
        rec.row = comparison::row(r, &rec.values, None, rec.exit_status, rec.error.as_deref());
    }
    rec
}

/// Simulate-free part of a run: the plan on the shared simulation, written.
fn plan_into(p: &Prepared, r: &PreparedRun, sim: Option<&Simulation>, dir: &Path) -> Planned {
    let s = r.scenario.as_ref().map_err(|e| (exit::INPUT, e.clone()))?;
    let sim = sim.ok_or((exit::FAILURE, "no simulation for a readable scenario".to_string()))?;
    let opts = r.plan_options(&p.def);
    let plan = crate::plan::plan(s, sim, &opts).map_err(|e| (exit::of_plan_error(&e), e.to_string()))?;
    let settings = plan_out::RunSettings {
        scenario_arg: r.path.clone(),
        overrides: r.overrides.iter().map(super::Override::to_arg).collect(),
        ..Default::default()
    };
    let manifest = plan_out::manifest(s, &opts, &sim.options, &settings);
    plan_out::write(s, &plan, dir, &manifest, None)
        .map_err(|e| (exit::FAILURE, format!("cannot write {}: {e}", dir.display())))?;
    Ok(plan)
}

/// run.json, last: beside the plan's files, or alone in a fresh folder for
/// a run that wrote none (so no earlier plan is left beside a failure).
fn write_record(dir: &Path, rec: &RunRecord, planned: bool) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(rec).map_err(io::Error::other)?;
    text.push('\n');
    if planned {
        atomic::write_file(&dir.join("run.json"), text.as_bytes())
    } else {
        let folder = OutputDir::create(dir)?;
        folder.write("run.json", text)?;
        folder.commit(false).map(|_| ())
    }
}

/// `civplan plan` with this run's scenario, overrides and settings.
fn replay_args(p: &Prepared, r: &PreparedRun, out: &Path) -> Vec<String> {
    let mut a = vec!["civplan".to_string(), "plan".into(), r.path.clone()];
    for o in &r.overrides {
        a.push("--set".into());
        a.push(o.to_arg());
    }
    a.extend(["--draws".into(), r.sim.draws.to_string(), "--time-limit".into(), p.def.time_limit_s.to_string()]);
    if p.def.gap != crate::plan::DEFAULT_GAP {
        a.extend(["--gap".into(), p.def.gap.to_string()]);
    }
    let dir: PathBuf = out.join(r.run.folder());
    a.extend(["--out".into(), dir.display().to_string()]);
    a
}

/// Arguments as a POSIX shell line: each quoted only when it needs it.
pub fn shell_line(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_lines_quote_only_what_needs_it() {
        let a: Vec<String> = ["civplan", "plan", "scenarios/a b", "--set", "files.towns=\"t.csv\"", "--set", "x='y'"]
            .map(String::from)
            .into();
        assert_eq!(shell_line(&a), "civplan plan 'scenarios/a b' --set 'files.towns=\"t.csv\"' --set 'x='\\''y'\\'''");
    }
}
