//! `civplan batch`: scenarios × variations, each a plan in its own folder,
//! compared in comparison.csv and comparison.html.

use super::{common, exit};
use crate::batch::run::{execute, BatchError, Progress, RunRecord};
use crate::batch::spec::{define, CommandLine};
use crate::batch::{prepare, Shard};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(clap::Args, Debug)]
#[command(
    about = "Many plans at once: scenarios × variations of their keys, compared",
    long_about = "Run `civplan plan` for every scenario × every combination of the varied keys, in \
parallel, and compare the plans in comparison.csv and comparison.html.\n\n\
Vary any scenario.toml key by its dotted path: --set KEY=V1,V2,… (TOML values; the runs are the \
product of all --set and --scale lists) or --scale KEY=F1,F2,… (every number at KEY times each \
factor: --scale plan.budget_wan=1,1.2 is the budget as planned and +20 %). Or give one batch file \
(batches/<name>.toml: scenarios, [[vary]] dimensions and/or [[case]] lists; see the README).\n\n\
Every run's scenario is read with its overrides and validated before any run starts: an unknown \
key or a bad value refuses the batch (exit 2), naming scenario, key and value. A scenario that \
cannot be read at all, or a run that fails, is recorded and the other runs go on.\n\n\
Runs that differ only in planning keys (norms, quantile, budgets, costs) share one Monte Carlo \
simulation. Every run uses its scenario's own seed, so they share its draws too, and \
runs/<run>/run.json records the `civplan plan` command that replays it alone. A run whose \
run.json is present is complete: rerunning the batch skips it (resume).\n\n\
--shard K/N (or --shard-from-env under a Slurm array or Kubernetes Indexed Job) runs the K-th \
of N fixed slices; `civplan merge` combines the shards' folders.\n\n\
Exit codes: 0 every run met every norm, 1 some run failed (comparison.csv says which and why), \
2 the batch is refused (bad arguments, batch file or override; nothing runs), 3 some plan \
cannot meet every norm, 4 some solve reached --time-limit (when none failed).",
    after_help = "Examples:\n  civplan batch scenarios/*/ --set norms.nursing_bed_min_share.value=0.55,0.60,0.65 --set plan.quantile=0.5,0.9 --out results/batch-nursing\n  civplan batch batches/policy.toml\n  civplan batch batches/policy.toml --shard 2/10 --out results/batch-policy/shard-2\n  civplan merge results/batch-policy/shard-* --out results/batch-policy"
)]
pub struct BatchArgs {
    /// Scenario folders (or their scenario.toml), or one batch file (batches/<name>.toml).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Vary a scenario.toml key over comma-separated TOML values (repeatable), e.g. plan.quantile=0.5,0.9.
    #[arg(long = "set", value_name = "KEY=V1,V2")]
    pub set: Vec<String>,
    /// Vary every number at a key by factors (repeatable), e.g. plan.budget_wan=1,1.2.
    #[arg(long = "scale", value_name = "KEY=F1,F2")]
    pub scale: Vec<String>,
    /// Monte Carlo draws of every run (default: the batch file's, else each scenario's).
    #[arg(long)]
    pub draws: Option<usize>,
    /// Wall-clock limit per HiGHS solve, seconds (default: the batch file's, else 300).
    #[arg(long, value_name = "S")]
    pub time_limit: Option<f64>,
    /// Relative MIP gap of every solve, as `civplan plan --gap` (default: the batch file's, else 1e-3).
    #[arg(long, value_name = "G")]
    pub gap: Option<f64>,
    /// The batch's name (default: the batch file's); the default output is results/batch-<name>.
    #[arg(long)]
    pub name: Option<String>,
    /// Output folder (default: results/batch-<name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run only slice K of N of the batch (1-based), e.g. 3/10.
    #[arg(long, value_name = "K/N", conflicts_with = "shard_from_env")]
    pub shard: Option<String>,
    /// Take the slice from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shards.
    #[arg(long)]
    pub shard_from_env: bool,
    /// Number of slices for --shard-from-env under a Kubernetes Indexed Job (its completions).
    #[arg(long, value_name = "N", requires = "shard_from_env")]
    pub shards: Option<usize>,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No progress bar and no line per run; only errors and the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The default `--time-limit` of `civplan plan`.
const PLAN_TIME_LIMIT_S: f64 = 300.0;

pub fn run(args: BatchArgs) -> ExitCode {
    let cl = CommandLine {
        inputs: args.inputs.clone(),
        sets: args.set.clone(),
        scales: args.scale.clone(),
        draws: args.draws,
        time_limit_s: args.time_limit,
        gap: args.gap,
        name: args.name.clone(),
    };
    let def = match define(&cl, PLAN_TIME_LIMIT_S) {
        Ok(d) => d,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(exit::INPUT);
        }
    };
    let shard = match (&args.shard, args.shard_from_env) {
        (Some(text), _) => Shard::parse(text).map(Some),
        (None, true) => Shard::from_env(|k| std::env::var(k).ok(), args.shards).map(Some),
        (None, false) => Ok(None),
    };
    let shard = match shard {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(exit::INPUT);
        }
    };
    let fancy = std::io::stderr().is_terminal();
    let result = common::with_threads(args.threads, || {
        let prepared = match prepare(def, fancy) {
            Ok(p) => p,
            Err(refused) => {
                for m in &refused.messages {
                    eprint!("{m}");
                }
                eprintln!(
                    "error: the batch is refused before any run: {} override problem(s) above",
                    refused.messages.len()
                );
                return Err(exit::INPUT);
            }
        };
        let name =
            if prepared.def.name.is_empty() { prepared.hash[..8].to_string() } else { prepared.def.name.clone() };
        let out = args.out.clone().unwrap_or_else(|| PathBuf::from("results").join(format!("batch-{name}")));
        let bar = if common::show_progress(args.quiet) { ProgressBar::new(0) } else { ProgressBar::hidden() };
        bar.set_style(
            ProgressStyle::with_template("{bar:32} {pos}/{len} runs, {elapsed_precise} (eta {eta}) {msg}")
                .expect("a valid template"),
        );
        let finished = AtomicUsize::new(0);
        let on = |ev: Progress| match ev {
            Progress::Start { runs, complete, simulations } => {
                bar.set_length((runs - complete) as u64);
                if !args.quiet {
                    let slice = shard.map(|s| format!(" (shard {}/{} of {} runs)", s.k, s.n, prepared.runs.len()));
                    bar.suspend(|| {
                        println!(
                            "{runs} runs{}: {complete} already complete, {} to run on {simulations} simulation(s) → {}",
                            slice.unwrap_or_default(),
                            runs - complete,
                            out.display()
                        )
                    });
                }
            }
            Progress::Simulating { scenario, runs } => {
                bar.set_message(format!("simulating {scenario} for {runs} run(s)"))
            }
            Progress::Finished(rec) => {
                let n = finished.fetch_add(1, Ordering::Relaxed) + 1;
                bar.inc(1);
                if !args.quiet {
                    let total = bar.length().unwrap_or(0);
                    bar.suspend(|| println!("[{n}/{total}] {}", line(rec)));
                }
            }
        };
        let done = execute(&prepared, &out, shard, &on);
        bar.finish_and_clear();
        match done {
            Ok(f) => Ok((f, out)),
            Err(BatchError::Input(msg)) => {
                eprintln!("error: {msg}");
                Err(exit::INPUT)
            }
            Err(BatchError::Io(msg)) => {
                eprintln!("error: {msg}");
                Err(exit::FAILURE)
            }
        }
    });
    let (finished, out) = match result {
        Ok(Ok(x)) => x,
        Ok(Err(code)) => return ExitCode::from(code),
        Err(code) => return code,
    };
    let count = |code: u8| finished.records.iter().filter(|r| r.exit_status == code).count();
    let failed: Vec<&RunRecord> =
        finished.records.iter().filter(|r| matches!(r.exit_status, exit::FAILURE | exit::INPUT)).collect();
    println!(
        "{} runs ({} skipped as complete, {} simulation(s)): {} met every norm, {} infeasible, {} time limit, {} failed",
        finished.records.len(),
        finished.skipped,
        finished.simulations,
        count(exit::OK),
        count(exit::INFEASIBLE),
        count(exit::TIME_LIMIT),
        failed.len()
    );
    for r in &failed {
        println!("  failed: {} (exit {}): {}", r.run, r.exit_status, r.error.as_deref().unwrap_or(""));
    }
    eprintln!("→ {}", out.join("comparison.csv").display());
    ExitCode::from(if !failed.is_empty() {
        exit::FAILURE
    } else if count(exit::INFEASIBLE) > 0 {
        exit::INFEASIBLE
    } else if count(exit::TIME_LIMIT) > 0 {
        exit::TIME_LIMIT
    } else {
        exit::OK
    })
}

/// One line per finished run.
fn line(r: &RunRecord) -> String {
    let cell = |k: &str| r.row.get(k).map(String::as_str).unwrap_or("");
    let what = match r.exit_status {
        exit::OK => "met every norm".to_string(),
        exit::INFEASIBLE => {
            // Norms short, else the towns' demand the candidates cannot serve.
            let unmet: Vec<String> = r
                .row
                .iter()
                .filter(|(k, v)| k.starts_with("unmet.") && v.parse::<f64>().is_ok_and(|x| x > 0.0))
                .map(|(k, v)| format!("{} {v}", &k["unmet.".len()..]))
                .collect();
            let norms = cell("norms_short");
            match (norms.is_empty(), unmet.is_empty()) {
                (false, true) => format!("short: {norms}"),
                (false, false) => format!("short: {norms}; demand unmet: {}", unmet.join(", ")),
                (true, _) => format!("demand unmet: {}", unmet.join(", ")),
            }
        }
        exit::TIME_LIMIT => format!("time limit, gap {}", cell("gap")),
        _ => format!("FAILED: {}", r.error.as_deref().unwrap_or("")),
    };
    let money = match cell("capital_wan").parse::<f64>() {
        Ok(c) => format!(", capital {c:.0} 万元, beds {}", cell("beds")),
        Err(_) => String::new(),
    };
    format!("{}: {what}{money} ({:.1} s)", r.run, r.seconds)
}
