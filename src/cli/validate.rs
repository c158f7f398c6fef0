//! `civplan validate`: load every file of a scenario and report every problem.

use super::{common, exit};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    about = "Check a scenario: every file, every key, every row",
    long_about = "Load scenario.toml and every CSV table it names and check them: unknown or missing \
keys, wrong types, missing columns, duplicate town codes, negative or non-finite numbers, shares \
outside [0, 1], coordinates outside China, facilities in unknown towns, an age structure that does \
not sum to the towns. Every problem is reported at once with file, line, key or column, the value \
and what was expected.\n\nExit codes: 0 valid, 2 invalid.",
    after_help = "Examples:\n  civplan validate scenarios/tongnan\n  civplan validate scenarios/anyue/scenario.toml"
)]
pub struct ValidateArgs {
    /// Scenario folder (or its scenario.toml).
    pub scenario: PathBuf,
}

pub fn run(args: ValidateArgs) -> ExitCode {
    match common::load(&args.scenario) {
        Ok(s) => {
            println!(
                "{}: valid — {} ({}), {} towns, {} residents, {} facilities, {} candidate sites",
                args.scenario.display(),
                s.config.meta.name,
                s.config.meta.name_pinyin,
                s.towns.len(),
                s.residents_2020(),
                s.facilities.len(),
                s.candidates.len()
            );
            ExitCode::from(exit::OK)
        }
        Err(code) => code,
    }
}
