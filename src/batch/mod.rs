//! `civplan batch`: many plans at once — scenarios × variations of their
//! keys — each run written to its own folder with the normal plan outputs,
//! compared in `comparison.csv` and `comparison.html`.
//!
//! Stages, one module each: [`spec`] (the batch as defined: scenarios,
//! dimensions, runs and their identities) → [`prepare`] (every run's
//! scenario read with its overrides and validated before anything runs,
//! the simulation key of each, the batch hash) → [`run`] (runs grouped by
//! simulation, one simulation at a time, the group's plans in parallel,
//! each finished run's record written last in its folder) →
//! [`comparison`] (the table from the records, for one folder or merged
//! from shards) → [`html`].
//!
//! Seeds: every run uses its scenario's own seed (after overrides), so runs
//! that differ only in planning keys share one simulation *and* its draws —
//! common random numbers, so a difference between two runs is the policy's,
//! not Monte Carlo noise — and a run replays alone with `civplan plan` and
//! the same `--set`s, whatever batch or shard it ran in.

pub mod comparison;
pub mod fingerprint;
pub mod html;
pub mod merge;
pub mod overrides;
pub mod run;
pub mod spec;

pub use overrides::Override;
pub use spec::{Definition, Dim, Run};

use crate::demand::SimOptions;
use crate::plan::PlanOptions;
use crate::scenario::Scenario;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A slice of the batch: shard `k` of `n` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// `K/N` with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {text}: expected K/N with 1 <= K <= N, e.g. 3/10");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// The shard of a job array task: Slurm's `SLURM_ARRAY_TASK_ID` (less
    /// `SLURM_ARRAY_TASK_MIN`) of `SLURM_ARRAY_TASK_COUNT`, else a Kubernetes
    /// Indexed Job's `JOB_COMPLETION_INDEX` of `shards`.
    pub fn from_env(get: impl Fn(&str) -> Option<String>, shards: Option<usize>) -> Result<Shard, String> {
        let num = |name: &str| -> Result<Option<usize>, String> {
            get(name)
                .map(|v| v.trim().parse::<usize>().map_err(|_| format!("{name}={v}: expected a whole number")))
                .transpose()
        };
        let (index, n) = if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let n = num("SLURM_ARRAY_TASK_COUNT")?
                .ok_or("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (run under sbatch --array)")?;
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            (id.checked_sub(min).ok_or(format!("SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}"))?, n)
        } else if let Some(i) = num("JOB_COMPLETION_INDEX")? {
            let n = shards.ok_or("JOB_COMPLETION_INDEX is set: give the job's completions as --shards N")?;
            (i, n)
        } else {
            return Err(
                "--shard-from-env: neither SLURM_ARRAY_TASK_ID (Slurm array) nor JOB_COMPLETION_INDEX (Kubernetes Indexed Job) is set"
                    .into(),
            );
        };
        if n == 0 || index >= n {
            return Err(format!(
                "task index {index} of {n} tasks: expected an index in 0..{n} (an array like --array=0-{})",
                n.saturating_sub(1)
            ));
        }
        Ok(Shard { k: index + 1, n })
    }

    /// Runs `i` of `total` (identity order) that belong to this shard:
    /// contiguous slices, so runs sharing a simulation mostly stay together.
    pub fn owns(&self, i: usize, total: usize) -> bool {
        i * self.n / total.max(1) + 1 == self.k
    }
}

/// A run with its scenario read, overrides applied and validated.
#[derive(Debug)]
pub struct PreparedRun {
    pub run: Run,
    /// The scenario path as given (what the replay command names).
    pub path: String,
    /// Applied in order: the dimensions' sets, scales resolved to numbers.
    pub overrides: Vec<Override>,
    /// The scenario, or why it cannot be read (a broken scenario: the run
    /// fails, the others go on).
    pub scenario: Result<Scenario, String>,
    pub sim: SimOptions,
    /// Runs with the same key share one simulation.
    pub sim_key: String,
    /// Everything the run's result depends on: a record with another hash is stale.
    pub run_hash: String,
    /// The county's name (empty when unreadable).
    pub county: String,
}

impl PreparedRun {
    pub fn plan_options(&self, def: &Definition) -> PlanOptions {
        let mut o = PlanOptions::default();
        o.solve.time_limit_s = def.time_limit_s;
        o.solve.mip_rel_gap = def.gap;
        o
    }
}

/// A scenario of the batch as read without overrides.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioState {
    pub label: String,
    pub path: String,
    /// Content fingerprint, or `unreadable: <why>`.
    pub content: String,
}

/// The batch ready to run: every run prepared, the comparison's columns.
#[derive(Debug)]
pub struct Prepared {
    pub def: Definition,
    pub scenarios: Vec<ScenarioState>,
    pub runs: Vec<PreparedRun>,
    pub columns: Vec<String>,
    /// Of the resolved definition: scenario contents, dimensions, settings, version.
    pub hash: String,
}

/// Overrides that cannot be applied: the batch is refused before any run.
#[derive(Debug)]
pub struct Refused {
    /// One rendered block per failing (scenario, overrides).
    pub messages: Vec<String>,
}

/// Read every scenario with every run's overrides and validate it. A
/// scenario that cannot be read even without overrides makes its runs
/// fail (recorded, the others go on); an override that makes a readable
/// scenario invalid refuses the whole batch, naming scenario, key and value.
pub fn prepare(def: Definition, fancy: bool) -> Result<Prepared, Refused> {
    let bases: Vec<Result<Scenario, String>> =
        def.scenarios.par_iter().map(|s| overrides::load(Path::new(&s.path), &[]).map_err(|e| e.summary())).collect();
    let runs = def.runs();
    let results: Vec<Result<PreparedRun, String>> =
        runs.into_par_iter().map(|run| prepare_run(&def, run, &bases, fancy)).collect();
    let mut messages = Vec::new();
    let mut prepared = Vec::new();
    for r in results {
        match r {
            Ok(p) => prepared.push(p),
            Err(m) if !messages.contains(&m) => messages.push(m),
            Err(_) => {}
        }
    }
    if !messages.is_empty() {
        return Err(Refused { messages });
    }
    let scenarios: Vec<ScenarioState> = def
        .scenarios
        .iter()
        .zip(&bases)
        .map(|(s, b)| ScenarioState {
            label: s.label.clone(),
            path: s.path.clone(),
            content: match b {
                Ok(sc) => fingerprint::content(sc),
                Err(e) => format!("unreadable: {e}"),
            },
        })
        .collect();
    let columns = comparison::columns(&def, &prepared);
    let hash = fingerprint::hash_json(&(
        env!("CARGO_PKG_VERSION"),
        &scenarios.iter().map(|s| (&s.label, &s.path, &s.content)).collect::<Vec<_>>(),
        &def.dims,
        def.draws,
        def.time_limit_s,
        def.gap,
    ));
    Ok(Prepared { def, scenarios, runs: prepared, columns, hash })
}

fn prepare_run(
    def: &Definition,
    run: Run,
    bases: &[Result<Scenario, String>],
    fancy: bool,
) -> Result<PreparedRun, String> {
    let sref = &def.scenarios[run.scenario];
    let path = sref.path.clone();
    let base = match &bases[run.scenario] {
        Ok(b) => b,
        Err(e) => {
            let run_hash = fingerprint::hash_json(&(env!("CARGO_PKG_VERSION"), &run.id, e));
            return Ok(PreparedRun {
                run,
                path,
                overrides: Vec::new(),
                scenario: Err(e.clone()),
                sim: SimOptions { draws: 0, seed: 0, deterministic: false, progress: false },
                sim_key: String::new(),
                run_hash,
                county: String::new(),
            });
        }
    };
    let mut overrides = def.sets(&run);
    let refuse = |msg: String| format!("error: scenario {} ({path}): {msg}\n", sref.label);
    for (key, factor) in def.scales(&run) {
        overrides.extend(scaled(base, &key, factor).map_err(refuse)?);
    }
    let s = overrides::load(Path::new(&path), &overrides).map_err(|e| {
        let sets: Vec<String> = overrides.iter().map(|o| format!("--set {}", o.to_arg())).collect();
        format!("scenario {} ({path}) with {}:\n{}", sref.label, sets.join(" "), e.render(fancy))
    })?;
    let mut sim = SimOptions::from_scenario(&s);
    sim.draws = def.draws.unwrap_or(sim.draws);
    let p = PreparedRun {
        run,
        path,
        overrides,
        county: s.config.meta.name.clone(),
        scenario: Ok(s),
        sim,
        sim_key: String::new(),
        run_hash: String::new(),
    };
    let opts = p.plan_options(def);
    let s = p.scenario.as_ref().expect("just loaded");
    let sim_key = fingerprint::sim_key(&fingerprint::simulation_input(s, &opts), &p.sim);
    let run_hash = fingerprint::hash_json(&(
        env!("CARGO_PKG_VERSION"),
        &p.run.id,
        fingerprint::content(s),
        &p.path,
        &sim_key,
        def.time_limit_s,
        def.gap,
        p.overrides.iter().map(Override::to_arg).collect::<Vec<_>>(),
    ));
    Ok(PreparedRun { sim_key, run_hash, ..p })
}

/// The overrides of scaling every number at `key` of a scenario by
/// `factor`, read from the scenario as loaded (so keys left at their
/// default scale too, and a key the schema lacks is refused). A key whose
/// table is empty (no budget given: no cap) gives none.
pub fn scaled(s: &Scenario, key: &str, factor: f64) -> Result<Vec<Override>, String> {
    let root = serde_json::to_value(&s.config).map_err(|e| e.to_string())?;
    let mut at = &root;
    for part in key.split('.') {
        at = match at {
            serde_json::Value::Object(m) => m.get(part),
            serde_json::Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        }
        .ok_or_else(|| format!("--scale {key}: the scenario has no `{key}` (no `{part}` there)"))?;
    }
    let mut out = Vec::new();
    collect_numbers(key, at, factor, &mut out);
    let empty = matches!(at, serde_json::Value::Object(m) if m.is_empty())
        || matches!(at, serde_json::Value::Array(a) if a.is_empty());
    if out.is_empty() && !empty {
        return Err(format!("--scale {key}: `{key}` = {at} holds no number to scale"));
    }
    Ok(out)
}

fn collect_numbers(path: &str, v: &serde_json::Value, factor: f64, out: &mut Vec<Override>) {
    match v {
        serde_json::Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0) * factor;
            let value = if (n.is_i64() || n.is_u64()) && x.fract() == 0.0 && x.abs() < 9e15 {
                toml::Value::Integer(x as i64)
            } else {
                toml::Value::Float(x)
            };
            out.push(Override { key: path.to_string(), value });
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                collect_numbers(&format!("{path}.{k}"), x, factor, out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_numbers(&format!("{path}.{i}"), x, factor, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_runs_once_in_contiguous_slices() {
        for total in [1, 2, 5, 7, 60, 61] {
            for n in 1..=9 {
                let owners: Vec<usize> = (0..total)
                    .map(|i| (1..=n).filter(|&k| Shard { k, n }.owns(i, total)).collect::<Vec<_>>())
                    .map(|v| {
                        assert_eq!(v.len(), 1, "run {total}/{n}: {v:?}");
                        v[0]
                    })
                    .collect();
                assert!(owners.windows(2).all(|w| w[0] <= w[1]));
            }
        }
        // 5 runs in 2 shards: 0..3 and 3..5.
        let s1: Vec<usize> = (0..5).filter(|&i| Shard { k: 1, n: 2 }.owns(i, 5)).collect();
        assert_eq!(s1, vec![0, 1, 2]);
    }

    #[test]
    fn shard_from_slurm_or_kubernetes_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        let slurm = env(&[("SLURM_ARRAY_TASK_ID", "7"), ("SLURM_ARRAY_TASK_COUNT", "100")]);
        assert_eq!(Shard::from_env(slurm, None).unwrap(), Shard { k: 8, n: 100 });
        let from1 =
            env(&[("SLURM_ARRAY_TASK_ID", "100"), ("SLURM_ARRAY_TASK_COUNT", "100"), ("SLURM_ARRAY_TASK_MIN", "1")]);
        assert_eq!(Shard::from_env(from1, None).unwrap(), Shard { k: 100, n: 100 });
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert_eq!(Shard::from_env(k8s, Some(4)).unwrap(), Shard { k: 1, n: 4 });
        assert!(Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "0")]), None).unwrap_err().contains("--shards"));
        assert!(Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "4")]), Some(4)).is_err());
        assert!(Shard::from_env(env(&[]), None).unwrap_err().contains("SLURM_ARRAY_TASK_ID"));
        assert_eq!(Shard::parse("2/3").unwrap(), Shard { k: 2, n: 3 });
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
