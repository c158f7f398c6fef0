//! `civplan describe`: a readable summary of a scenario.

use super::{common, exit};
use crate::report::describe::{describe, render};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    about = "Summarise a scenario: towns, people, facilities against each norm",
    long_about = "Print the county's towns and 2020 population, its 60+ share, the existing \
facilities by type, each norm of the plan measured against the existing facilities today, and what \
the norms ask for in the plan's first target year on the central (deterministic) projection.",
    after_help = "Examples:\n  civplan describe scenarios/tongliang\n  civplan describe scenarios/yubei --json > yubei.json"
)]
pub struct DescribeArgs {
    /// Scenario folder (or its scenario.toml).
    pub scenario: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: DescribeArgs) -> ExitCode {
    let s = match common::load(&args.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let d = match describe(&s) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&d) {
            Ok(j) => println!("{j}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(exit::FAILURE);
            }
        }
    } else {
        print!("{}", render(&d));
    }
    ExitCode::from(exit::OK)
}
