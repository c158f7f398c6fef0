//! `civplan simulate`: the Monte Carlo projection and demand, written as
//! tidy tables with uncertainty bands.

use super::{common, exit};
use crate::demand::{simulate, SimOptions};
use crate::limits::Unit;
use crate::report::{manifest::Manifest, simulate::write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    about = "Monte Carlo population and demand projection",
    long_about = "Project every town's population by sex and single year of age from the base year \
to the last target year, draw by draw (mortality with Lee–Carter improvement, fertility, migration, \
small-number noise), and turn each draw into demand: elderly, disabled elderly, beds, nursing beds, \
特困 places, deaths, funeral halls, grave and eco-burial plots, land.\n\n\
Writes demand.csv (town × year × metric: mean, p5, p25, p50, p75, p95, residents_derived), \
county.csv, pyramid.csv (the county by sex and census age group), simulate.json (seed, version, \
settings) and inputs/ (the resolved scenario) to --out, atomically. The same scenario \
and seed give byte-identical files whatever the thread count.",
    after_help = "Examples:\n  civplan simulate scenarios/anyue\n  civplan simulate scenarios/tongnan --draws 2000 --seed 7 --out /tmp/tn\n  civplan simulate scenarios/yubei --deterministic --keep-draws"
)]
pub struct SimulateArgs {
    /// Scenario folder (or its scenario.toml).
    pub scenario: PathBuf,
    /// Number of draws (default: the scenario's meta.draws).
    #[arg(long)]
    pub draws: Option<usize>,
    /// Random seed (default: the scenario's meta.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder (default: results/<county pinyin>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Every spread and noise term at zero: one central projection.
    #[arg(long)]
    pub deterministic: bool,
    /// Also write draws.csv: per-draw county totals.
    #[arg(long)]
    pub keep_draws: bool,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: SimulateArgs) -> ExitCode {
    let s = match common::load(&args.scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut opts = SimOptions::from_scenario(&s);
    opts.draws = args.draws.unwrap_or(opts.draws);
    opts.seed = args.seed.unwrap_or(opts.seed);
    opts.deterministic = args.deterministic;
    opts.progress = common::show_progress(args.quiet);
    let dir = common::out_dir(&s, args.out);
    let checked = (|| {
        if let Some(d) = args.draws {
            common::count("--draws", Unit::Draws, d)?;
        }
        common::count("--threads", Unit::Threads, args.threads)?;
        common::simulate_work(&s, "--draws", if opts.deterministic { 1 } else { opts.draws })?;
        common::check_out(&dir)
    })();
    if let Err(code) = checked {
        return code;
    }
    let sim = match common::with_threads(args.threads, || simulate(&s, &opts)) {
        Ok(sim) => sim,
        Err(code) => return code,
    };
    let mut manifest = Manifest::new(
        "simulate",
        &args.scenario.display().to_string(),
        &s.config.meta.name_pinyin,
        sim.options.seed,
        sim.options.draws,
        sim.options.deterministic,
    );
    manifest.settings = serde_json::json!({ "years": sim.years, "keep_draws": args.keep_draws });
    match write(&s, &sim, &dir, args.keep_draws, &manifest) {
        Ok(path) => {
            if !args.quiet {
                eprintln!(
                    "{} draws × {} towns × {} years → {}",
                    sim.draws(),
                    sim.town_codes.len(),
                    sim.years.len(),
                    path.display()
                );
            }
            ExitCode::from(exit::OK)
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", dir.display());
            ExitCode::from(exit::FAILURE)
        }
    }
}
