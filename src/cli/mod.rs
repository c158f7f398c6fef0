//! The command line: parses arguments and wires library stages together.
//! Nothing here computes; every subcommand calls library functions.
// The flags' doc comments are their `--help` text, read in a terminal, where
// `<county pinyin>` is a placeholder, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub mod backtest;
pub mod batch;
mod common;
pub mod describe;
pub mod locate;
pub mod merge;
pub mod plan;
pub mod report;
pub mod simulate;
pub mod validate;

/// Exit codes, distinct so scripts and batch schedulers can tell them apart.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// Something failed while running (I/O, solver error).
    pub const FAILURE: u8 = 1;
    /// The input is wrong: bad scenario, bad CSV, bad arguments.
    pub const INPUT: u8 = 2;
    /// The plan is infeasible: some norm cannot be met (the report says which).
    pub const INFEASIBLE: u8 = 3;
    /// A solve stopped at its time limit: the result is the best found and
    /// its gap is reported, but it is not proven optimal.
    pub const TIME_LIMIT: u8 = 4;

    /// The status of a plan that could not be made: a solve that reached
    /// `--time-limit` with no plan yet (more time may find one), else a failure.
    pub fn of_plan_error(e: &crate::plan::PlanError) -> u8 {
        match e {
            crate::plan::PlanError::NoPlanInTime { .. } => TIME_LIMIT,
            _ => FAILURE,
        }
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "civplan",
    version,
    about = "Where to build, and how big: county elderly-care and funeral facility planning",
    long_about = "civplan turns census data into uncertain demand for township elderly-care \
centres, concentrated care centres for disabled 特困 persons, funeral service stations and \
public-welfare cemeteries (Monte Carlo), then sites and sizes facilities against the county \
plan's norms with a mixed-integer program solved by HiGHS."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a scenario: every file, every key, every row.
    Validate(validate::ValidateArgs),
    /// Summarise a scenario: towns, people, facilities against each norm.
    Describe(describe::DescribeArgs),
    /// Monte Carlo population and demand projection.
    Simulate(simulate::SimulateArgs),
    /// Site and size facilities against the county's norms.
    Plan(plan::PlanArgs),
    /// Back-test: project 2010 → 2020 and compare with the 2020 census.
    Backtest(backtest::BacktestArgs),
    /// The county report of a results folder: report.html, sites.geojson, plan.xlsx.
    Report(report::ReportArgs),
    /// Many plans at once: scenarios × variations of their keys, compared (comparison.csv, .html).
    Batch(batch::BatchArgs),
    /// Combine the shards of a batch into one comparison.
    Merge(merge::MergeArgs),
    /// Classic facility-location models (p-median, p-center, MCLP, LSCP, CFLP, ...) on CSV input.
    Locate(locate::LocateArgs),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::INPUT } else { exit::OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Describe(args) => describe::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Backtest(args) => backtest::run(args),
        Command::Report(args) => report::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Locate(args) => locate::run(args),
    }
}

/// Output to a closed pipe (`civplan describe --json | head -1`) ends the
/// process quietly with SIGPIPE, as other command-line tools do (the shell
/// reports status 141), instead of a panic. Rust ignores SIGPIPE by
/// default; this restores the default. Every output folder is committed
/// before anything is printed, so a closed pipe never costs a result.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default has no
    // preconditions; no handler runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
