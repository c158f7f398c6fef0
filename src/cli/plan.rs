//! `civplan plan`: site and size the county's facilities against its norms.

use super::{common, exit};
use crate::batch::overrides::{self, Override};
use crate::demand::{simulate, SimOptions};
use crate::plan::{plan, plan_robust, simulation_scenario, stability, PlanDemand, PlanError, PlanOptions, Recourse};
use crate::report::plan as out;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    about = "Site, size and phase facilities against the county's norms (MILP, HiGHS)",
    long_about = "Simulate the scenario's demand (Monte Carlo), take each town's demand at --quantile \
at the end of each planning period ([plan] periods, else one period per target year), and solve \
one mixed-integer program: which candidates are built in which period and how big (whole beds, \
places, halls, plots), which existing beds are converted to nursing beds, handed to social \
operation or closed, and which towns each site serves, so that every norm of the plan holds in \
every period, within each period's budget, at least present cost (capital, running costs, travel).\n\n\
--year Y plans a single period ending in Y instead.\n\n\
If the norms cannot all be met, the model is solved again with a slack on each norm; the report \
says which norm fails, by how much, where and in which period, and the exit code is 3.\n\n\
With --robust, the plan is a two-stage stochastic program (sample average approximation) over \
--scenarios K draws: the norms hold on the --quantile demand, the sites and sizes are shared by \
every draw, each draw assigns its own demand and pays --unmet-penalty-factor × the annualised \
unit cost for demand it cannot serve; robust.csv reports expected and worst unmet demand.\n\n\
Writes sites.csv, projects.csv (the 建设项目表), periods.csv, compliance.csv, assignments.csv, \
plan.json and inputs/ to --out (with --stability N also stability.csv: the share of N single-draw \
plans that build each candidate, and in which period; with --robust also robust.csv).\n\n\
Exit codes: 0 plan meets every norm, 1 failure, 2 bad input, 3 some norm cannot be met, 4 a \
solve reached --time-limit (the best plan found is written, with its gap).",
    after_help = "Examples:\n  civplan plan scenarios/yubei\n  civplan plan scenarios/anyue --year 2030 --quantile 0.5\n  civplan plan scenarios/dianjiang --stability 200 --draws 200\n  civplan plan scenarios/tongliang --year 2025 --robust --scenarios 50"
)]
pub struct PlanArgs {
    /// Scenario folder (or its scenario.toml).
    pub scenario: PathBuf,
    /// Plan one period ending in this year (default: the scenario's periods).
    #[arg(long)]
    pub year: Option<u32>,
    /// Quantile of each town's demand across draws (default: the scenario's [plan] quantile, 0.9).
    #[arg(long)]
    pub quantile: Option<f64>,
    /// Monte Carlo draws (default: the scenario's).
    #[arg(long)]
    pub draws: Option<usize>,
    /// Random seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Plan on the central projection (no spread).
    #[arg(long)]
    pub deterministic: bool,
    /// Also solve the plan for N single draws and report how often each site opens.
    #[arg(long, value_name = "N")]
    pub stability: Option<usize>,
    /// Two-stage stochastic plan over --scenarios draws (one period: use with --year): sites and sizes
    /// shared, assignments per draw, unmet demand at a penalty; reports expected and worst unmet demand.
    #[arg(long)]
    pub robust: bool,
    /// Draws in the robust plan (sample average approximation).
    #[arg(long, value_name = "K", default_value_t = 50, requires = "robust")]
    pub scenarios: usize,
    /// Robust plan: unmet demand costs this many times the annualised cost of one unit of capacity.
    #[arg(long, value_name = "F", default_value_t = 10.0, requires = "robust")]
    pub unmet_penalty_factor: f64,
    /// Hold the nursing-bed share at every planned site with beds too (norms.nursing_bed_min_share.per_site).
    #[arg(long)]
    pub nursing_per_site: bool,
    /// Hold the land norm in every 街道 too (norms.elderly_land_m2_per_resident.per_street).
    #[arg(long)]
    pub land_per_street: bool,
    /// Yuan per person-minute of travel (default: the scenario's costs.travel_yuan_per_person_minute).
    #[arg(long)]
    pub travel_weight: Option<f64>,
    /// Wall-clock limit per HiGHS solve, seconds; when reached, the best plan found is reported with its gap (exit 4).
    #[arg(long, value_name = "S", default_value_t = 300.0)]
    pub time_limit: f64,
    /// Relative gap on cost at which each solve stops (default 1e-3: within 0.1 % of the cheapest
    /// plan short nowhere by more); the plan states its gap (status gap_limit). From 1e-4, each
    /// block is first planned through its travel-free bound, and kept when proven within G; 1e-6
    /// proves near-optimality, and can take minutes.
    #[arg(long, value_name = "G", default_value_t = crate::plan::DEFAULT_GAP)]
    pub gap: f64,
    /// Print HiGHS's log of every solve to stdout.
    #[arg(long)]
    pub solver_log: bool,
    /// Set a scenario.toml key before the scenario is read and validated (repeatable), e.g.
    /// --set plan.quantile=0.5 or --set norms.nursing_bed_min_share.value=0.65; VALUE is TOML.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Output folder (default: results/<county pinyin>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads for the simulation and --stability (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No progress bar, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write the county report (report.html, sites.geojson, plan.xlsx) into the output folder.
    #[arg(long)]
    pub report: bool,
}

pub fn run(args: PlanArgs) -> ExitCode {
    let sets = match args.set.iter().map(|a| Override::parse(a)).collect::<Result<Vec<_>, _>>() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(exit::INPUT);
        }
    };
    let mut s = match overrides::load(&args.scenario, &sets) {
        Ok(s) => s,
        Err(e) => {
            eprint!("{}", e.render(std::io::stderr().is_terminal()));
            return ExitCode::from(exit::INPUT);
        }
    };
    for (on, key, flag) in [
        (args.nursing_per_site, "nursing_bed_min_share", "--nursing-per-site"),
        (args.land_per_street, "elderly_land_m2_per_resident", "--land-per-street"),
    ] {
        if !on {
            continue;
        }
        match s.config.norms.get_mut(key) {
            Some(n) if key == "nursing_bed_min_share" => n.per_site = true,
            Some(n) => n.per_street = true,
            None => {
                eprintln!("error: {flag}: the scenario has no norms.{key} to apply locally");
                return ExitCode::from(exit::INPUT);
            }
        }
    }
    let mut opts = PlanOptions {
        year: args.year,
        quantile: args.quantile,
        travel_weight: args.travel_weight,
        ..PlanOptions::default()
    };
    opts.solve.time_limit_s = args.time_limit;
    opts.progress = common::show_progress(args.quiet);
    opts.solve.mip_rel_gap = args.gap;
    opts.solve.verbose = args.solver_log;
    let base = s.config.meta.base_year;
    let last = *s.config.meta.target_years.last().unwrap_or(&base);
    if let Some(year) = args.year {
        if year <= base || year > last {
            eprintln!("error: --year {year}: expected a year after the base year {base} and at most the last target year {last}");
            return ExitCode::from(exit::INPUT);
        }
    }
    let work = common::PlanWork {
        draws: args.draws,
        stability: args.stability,
        scenarios: args.robust.then_some(args.scenarios),
        threads: args.threads,
        time_limit: args.time_limit,
        gap: args.gap,
        deterministic: args.deterministic,
        quantile: opts.quantile(&s),
        travel_weight: args.travel_weight,
        penalty_factor: args.unmet_penalty_factor,
    };
    let dir = common::out_dir(&s, args.out.clone());
    if let Err(code) = common::plan_work(&s, &work).and_then(|()| common::check_out(&dir)) {
        return code;
    }
    let horizon = opts.horizon(&s);
    if args.robust && horizon.len() > 1 {
        eprintln!(
            "error: --robust plans one period ({} periods here: {}); give --year Y for a single-period robust plan",
            horizon.len(),
            horizon.periods.iter().map(|p| p.label.as_str()).collect::<Vec<_>>().join(", ")
        );
        return ExitCode::from(exit::INPUT);
    }
    let sim_scenario = simulation_scenario(&s, &opts);
    let mut sim_opts = SimOptions::from_scenario(&s);
    let robust_draws = if args.robust { args.scenarios } else { 0 };
    sim_opts.draws = args.draws.unwrap_or(sim_opts.draws).max(args.stability.unwrap_or(0)).max(robust_draws);
    sim_opts.seed = args.seed.unwrap_or(sim_opts.seed);
    sim_opts.deterministic = args.deterministic;
    sim_opts.progress = common::show_progress(args.quiet);
    let result = common::with_threads(args.threads, || {
        let sim = simulate(&sim_scenario, &sim_opts);
        let p = if args.robust {
            let year = horizon.end_years()[0];
            let y = sim.year_index(year).ok_or(PlanError::Year { year, years: sim.years.clone() })?;
            let rc = Recourse::from_simulation(&sim, y, args.scenarios, args.unmet_penalty_factor);
            let demand = vec![PlanDemand::at_quantile(&sim, y, opts.quantile(&s))];
            plan_robust(&s, &horizon, &demand, &rc, &opts)?
        } else {
            plan(&s, &sim, &opts)?
        };
        let st = match args.stability {
            Some(n) => Some(stability(&s, &sim, n, &opts)?),
            None => None,
        };
        Ok::<_, PlanError>((sim.options, p, st))
    });
    let (sim_used, p, st) = match result {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::of_plan_error(&e));
        }
        Err(code) => return code,
    };
    let run = out::RunSettings {
        scenario_arg: args.scenario.display().to_string(),
        stability: args.stability,
        robust: args.robust.then_some((args.scenarios, args.unmet_penalty_factor)),
        overrides: sets.iter().map(Override::to_arg).collect(),
    };
    let manifest = out::manifest(&s, &opts, &sim_used, &run);
    match out::write(&s, &p, &dir, &manifest, st.as_ref()) {
        Ok(path) => {
            if !args.quiet {
                print!("{}", out::summary(&s, &p));
                if let Some(st) = &st {
                    println!(
                        "\nstability over {} draws ({} could not meet every norm, {} stopped at the time limit):",
                        st.draws, st.infeasible_draws, st.time_limited_draws
                    );
                    for (id, share, by) in st.built.iter().filter(|(_, v, _)| *v > 0.0) {
                        let when: Vec<String> = st
                            .periods
                            .iter()
                            .zip(by)
                            .filter(|(_, v)| **v > 0.0)
                            .map(|(l, v)| format!("{l} {:.0}%", v * 100.0))
                            .collect();
                        println!("  {id:<18} built in {:>5.1}% of draws ({})", share * 100.0, when.join(", "));
                    }
                }
                eprintln!("→ {}", path.display());
            }
            if args.report {
                if let Err(code) = super::report::write(&path, crate::report::html::Lang::Zh, None, args.quiet) {
                    return ExitCode::from(code);
                }
            }
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", dir.display());
            return ExitCode::from(exit::FAILURE);
        }
    }
    common::plan_exit(p.feasible(), p.status, st.as_ref().map_or(0, |st| st.time_limited_draws))
}
