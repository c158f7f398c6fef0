//! `civplan backtest`: project the county from its 2010 census to 2020 and
//! compare with the 2020 census.

use super::{common, exit};
use crate::backtest::backtest;
use crate::report::{atomic::OutputDir, manifest::Manifest};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    about = "Back-test: project 2010 → 2020 and compare with the 2020 census",
    long_about = "Project the county from its 2010 census table (files.census_2010) to 2020 with the \
scenario's mortality, fertility and migration settings, draw by draw as simulate does, and compare \
with the 2020 census by sex and age group.\n\n\
The migration rates are fitted to these same two censuses, so the total is an in-sample fit; no \
migration is fitted at the oldest ages (demography.migration.no_migration_from_age), so the 2020 \
80+ (the 70+ of 2010, survived) test mortality; the 0-9 test the fertility settings.\n\n\
Writes backtest.csv (group,sex,projected_p5,projected_p50,projected_p95,census,error,\
relative_error), backtest.json (seed, draws, version) and inputs/ to --out (default \
results/<county>/backtest/), atomically, and prints the absolute percentage error of the median \
for the total, 60+, 65+ and 80+.",
    after_help = "Examples:\n  civplan backtest scenarios/tongnan\n  civplan backtest scenarios/yubei --draws 2000 --seed 7 --out /tmp/yb"
)]
pub struct BacktestArgs {
    /// Scenario folder (or its scenario.toml).
    pub scenario: PathBuf,
    /// Number of draws (default: the scenario's meta.draws).
    #[arg(long)]
    pub draws: Option<usize>,
    /// Random seed (default: the scenario's meta.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder (default: results/<county pinyin>/backtest/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Every spread and noise term at zero: one central projection.
    #[arg(long)]
    pub deterministic: bool,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: BacktestArgs) -> ExitCode {
    let s = match common::load(&args.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if args.draws == Some(0) {
        eprintln!("error: --draws 0: expected at least 1 draw");
        return ExitCode::from(exit::INPUT);
    }
    let draws = args.draws.unwrap_or(s.config.meta.draws);
    let seed = args.seed.unwrap_or(s.config.meta.seed);
    let bt = match common::with_threads(args.threads, || backtest(&s, draws, seed, args.deterministic)) {
        Ok(Some(bt)) => bt,
        Ok(None) => {
            eprintln!(
                "error: {}: files.census_2010 is not set: the back-test needs the county's 2010 census table",
                args.scenario.display()
            );
            return ExitCode::from(exit::INPUT);
        }
        Err(code) => return code,
    };
    let dir = args.out.unwrap_or_else(|| common::out_dir(&s, None).join("backtest"));
    let mut manifest = Manifest::new(
        "backtest",
        &args.scenario.display().to_string(),
        &s.config.meta.name_pinyin,
        seed,
        bt.draws,
        args.deterministic,
    );
    manifest.settings = serde_json::json!({
        "from_year": bt.from_year,
        "to_year": bt.to_year,
        "absolute_percentage_error": bt.headline().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        "note": "the migration rates are fitted to the same two censuses: the total is an in-sample fit; the 80+ test mortality (no migration fitted there); the 0-9 test the fertility settings",
    });
    let written = OutputDir::create(&dir).and_then(|out| {
        out.write("backtest.csv", bt.csv())?;
        out.write("backtest.json", manifest.to_json())?;
        crate::scenario::save(&s, &out.path("inputs"))?;
        out.commit(false)
    });
    match written {
        Ok(path) => {
            if !args.quiet {
                eprintln!("{}\n→ {}", bt.summary(), path.display());
            }
            ExitCode::from(exit::OK)
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", dir.display());
            ExitCode::from(exit::FAILURE)
        }
    }
}
