//! Pieces every scenario subcommand shares: loading with readable errors,
//! the default output folder (checked before any work starts), the ranges
//! of numeric arguments and the memory a run may take, the thread pool.

use super::exit;
use crate::limits::work::{self, Budget, Part, Scale};
use crate::limits::{check, show, Unit};
use crate::report::atomic;
use crate::scenario::{self, Scenario};
use crate::solver::SolveStatus;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Load a scenario or print every problem (with source excerpts) to stderr.
pub fn load(path: &Path) -> Result<Scenario, ExitCode> {
    scenario::load(path).map_err(|e| {
        eprint!("{}", e.render(std::io::stderr().is_terminal()));
        ExitCode::from(exit::INPUT)
    })
}

/// `results/<pinyin>/` unless the user says otherwise.
pub fn out_dir(s: &Scenario, out: Option<PathBuf>) -> PathBuf {
    out.unwrap_or_else(|| PathBuf::from("results").join(s.config.meta.name_pinyin.to_lowercase()))
}

/// Refuse, before any work starts, an output path civplan must not replace
/// (a file, a link, a folder it did not write): exit 2.
pub fn check_out(dir: &Path) -> Result<(), ExitCode> {
    atomic::check_target(dir).map_err(|e| input_error(&format!("--out {e}")))
}

fn input_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(exit::INPUT)
}

/// A numeric argument within its unit's range ([`crate::limits::range`]).
pub fn arg(flag: &str, unit: Unit, value: f64) -> Result<(), ExitCode> {
    check(unit, value).map_err(|e| input_error(&format!("{flag} {}: expected {e}", show(value))))
}

/// A count argument (draws, threads): within range, exactly as given.
pub fn count(flag: &str, unit: Unit, value: usize) -> Result<(), ExitCode> {
    crate::limits::check_int(unit, value as u64).map_err(|e| input_error(&format!("{flag} {value}: expected {e}")))
}

/// `--time-limit S`: seconds per HiGHS solve, > 0.
pub fn time_limit(value: f64) -> Result<(), ExitCode> {
    crate::limits::check_time_limit(value)
        .map_err(|e| input_error(&format!("--time-limit {}: expected {e}", show(value))))
}

/// Refuse a run whose estimated memory exceeds the limit ([`work::Budget`]).
pub fn memory(request: &str, parts: &[Part], scale: Option<Scale>) -> Result<(), ExitCode> {
    Budget::from_env().check(request, parts, scale).map_err(|e| input_error(&e.to_string()))
}

/// Years the simulation keeps: the base year and the target years.
fn years(s: &Scenario) -> usize {
    1 + s.config.meta.target_years.len()
}

/// Check what `simulate` will hold: `draws` draws (1 when deterministic).
pub fn simulate_work(s: &Scenario, flag: &'static str, draws: usize) -> Result<(), ExitCode> {
    let (y, t) = (years(s), s.towns.len());
    let scale = Scale { what: flag, count: draws as u64, bytes_per_unit: work::simulation_per_draw(y, t) };
    memory(&format!("{flag} {draws}"), &[work::simulation(draws as u64, y, t)], Some(scale))
}

/// The numbers of a `plan` run that size its work.
#[derive(Debug, Clone, Copy)]
pub struct PlanWork {
    pub draws: Option<usize>,
    pub stability: Option<usize>,
    /// `--scenarios K` when `--robust`.
    pub scenarios: Option<usize>,
    pub threads: usize,
    pub time_limit: f64,
    /// `--gap`: a relative MIP gap in [0, 1).
    pub gap: f64,
    pub deterministic: bool,
    pub quantile: f64,
    pub travel_weight: Option<f64>,
    pub penalty_factor: f64,
}

/// Check `plan`'s arguments and the memory of its run: `--draws`,
/// `--stability` and `--scenarios` at least 1 (as `simulate --draws`) and
/// at most 10⁶, the other numbers within their units' ranges; the simulation of the most draws any of them needs, the
/// plan model (one per thread for `--stability`; 1 + K draws for
/// `--robust`) and the stability plans kept.
pub fn plan_work(s: &Scenario, w: &PlanWork) -> Result<(), ExitCode> {
    for (flag, v) in [("--draws", w.draws), ("--stability", w.stability), ("--scenarios", w.scenarios)] {
        if let Some(v) = v {
            count(flag, Unit::Draws, v)?;
        }
    }
    count("--threads", Unit::Threads, w.threads)?;
    time_limit(w.time_limit)?;
    crate::limits::check_gap(w.gap).map_err(|e| input_error(&format!("--gap {}: expected {e}", show(w.gap))))?;
    arg("--quantile", Unit::Share, w.quantile)?;
    if let Some(tw) = w.travel_weight {
        arg("--travel-weight", Unit::Yuan, tw)?;
    }
    arg("--unmet-penalty-factor", Unit::Factor, w.penalty_factor)?;
    let (y, towns) = (years(s), s.towns.len());
    let sites = s.candidates.len() + s.facilities.len() + 1;
    let sim_draws = if w.deterministic {
        1
    } else {
        w.draws.unwrap_or(s.config.meta.draws).max(w.stability.unwrap_or(0)).max(w.scenarios.unwrap_or(0)).max(1)
    };
    let threads = if w.threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { w.threads };
    let model_draws = 1 + w.scenarios.unwrap_or(0) as u64;
    let mut parts = vec![
        work::simulation(sim_draws as u64, y, towns),
        work::plan_model(towns, sites, model_draws, if w.stability.is_some() { threads } else { 1 }),
    ];
    // A stability plan keeps its sites and assignments (≈ 200 bytes each).
    let per_plan = 200.0 * (sites as f64 + work::plan_variables_per_draw(towns, sites));
    if let Some(n) = w.stability {
        parts.push(Part { bytes: n as f64 * per_plan, how: format!("{} stability plans", work::group(n as u64)) });
    }
    let per_draw = work::simulation_per_draw(y, towns);
    let (flag, n, per_unit) = match (w.scenarios, w.stability) {
        (Some(k), _) if k >= w.stability.unwrap_or(0) => {
            ("--scenarios", k, per_draw + work::plan_variables_per_draw(towns, sites) * work::BYTES_PER_VARIABLE)
        }
        (_, Some(n)) if n >= w.draws.unwrap_or(0) => ("--stability", n, per_draw + per_plan),
        _ => ("--draws", sim_draws, per_draw),
    };
    let scale = Scale { what: flag, count: n as u64, bytes_per_unit: per_unit };
    memory(&format!("{flag} {n}"), &parts, Some(scale))
}

/// `plan`'s exit code: 3 when a norm cannot be met, else 4 when a solve
/// stopped at its time limit (the plan is the best found, not proven
/// optimal), else 0.
pub fn plan_exit(feasible: bool, status: SolveStatus, time_limited_draws: usize) -> ExitCode {
    ExitCode::from(if !feasible {
        exit::INFEASIBLE
    } else if status == SolveStatus::TimeLimit || time_limited_draws > 0 {
        exit::TIME_LIMIT
    } else {
        exit::OK
    })
}

/// Run `f` on a rayon pool of `threads` threads (0 = one per core). Results
/// do not depend on the count; only speed does.
pub fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> Result<T, ExitCode> {
    count("--threads", Unit::Threads, threads)?;
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().map(|pool| pool.install(f)).map_err(|e| {
        eprintln!("error: cannot start {threads} worker threads: {e}");
        ExitCode::from(exit::FAILURE)
    })
}

/// Progress bars only for a person watching a terminal.
pub fn show_progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented exit codes of `plan`: shortfall wins over the time limit.
    #[test]
    fn plan_exit_codes() {
        let code = |f, s, n| format!("{:?}", plan_exit(f, s, n));
        assert_eq!(code(true, SolveStatus::Optimal, 0), format!("{:?}", ExitCode::from(0)));
        assert_eq!(code(true, SolveStatus::GapLimit, 0), format!("{:?}", ExitCode::from(0)));
        assert_eq!(code(true, SolveStatus::TimeLimit, 0), format!("{:?}", ExitCode::from(4)));
        assert_eq!(code(true, SolveStatus::Optimal, 2), format!("{:?}", ExitCode::from(4)));
        assert_eq!(code(false, SolveStatus::TimeLimit, 0), format!("{:?}", ExitCode::from(3)));
    }
}
