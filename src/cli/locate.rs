//! `civplan locate`: the classic facility-location models on plain CSV input.
//! Only wiring: read the instance, call [`classic::solve`], print or write
//! the result. Bad input exits with `INPUT`, an infeasible instance with
//! `INFEASIBLE`, never with a panic.

use super::exit;
use crate::diag::Problem;
use crate::limits::{check, show, work, Unit};
use crate::locate::{self as classic, CsvPaths, ErrorKind, LocateError, LocateResult, Model, Params};
use crate::report::atomic::{self, OutputDir};
use crate::solver::{SolveOptions, SolveStatus};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A readable table (default on a terminal).
    Table,
    /// One JSON object on stdout (default when stdout is not a terminal).
    Json,
    /// sites.csv, assignments.csv and summary.json written to --out.
    Csv,
}

#[derive(clap::Args, Debug)]
#[command(
    about = "Classic facility-location models on CSV input",
    long_about = "Solve a classic facility-location model to proven optimality with HiGHS.\n\n\
Models: p-median (min weighted cost, p sites), p-center (min max cost), mclp (max covered \
weight within --radius, p sites), lscp (fewest sites covering all within --radius), cflp \
(fixed + assignment cost, capacities), p-dispersion (p sites, max min distance), lscp-b \
(lscp, then max backup coverage).\n\n\
demand.csv: id, weight[, lat, lon | x, y]. sites.csv: id[, lat, lon | x, y][, capacity]\
[, fixed_cost][, fixed]. cost.csv: demand_id, site_id, cost; without it costs are \
haversine km (lat/lon) or Euclidean (x/y). A capacity column makes p-median, p-center, \
mclp, lscp and lscp-b capacitated.\n\n\
Exit codes: 0 ok, 1 failure, 2 bad input, 3 infeasible instance, 4 stopped at --time-limit (the \
result is the best found, with its gap; not proven optimal)."
)]
pub struct LocateArgs {
    /// Model to solve.
    #[arg(long, value_parser = parse_model)]
    pub model: Model,
    /// Demand points CSV (id, weight, optional coordinates). Not needed for p-dispersion.
    #[arg(long)]
    pub demand: Option<PathBuf>,
    /// Candidate sites CSV (id, optional coordinates, capacity, fixed_cost, fixed).
    #[arg(long)]
    pub sites: PathBuf,
    /// Costs CSV, long format (demand_id, site_id, cost).
    #[arg(long)]
    pub cost: Option<PathBuf>,
    /// Number of sites to open.
    #[arg(long)]
    pub p: Option<usize>,
    /// Service radius (same unit as the costs), for mclp, lscp and lscp-b.
    #[arg(long)]
    pub radius: Option<f64>,
    /// Maximum assignment cost: costlier pairs are never assigned.
    #[arg(long)]
    pub max_cost: Option<f64>,
    /// Capacitated models: serve each demand point from a single site.
    #[arg(long)]
    pub single_source: bool,
    /// Pre-selected site ids (comma separated), in addition to a `fixed` column.
    #[arg(long, value_delimiter = ',')]
    pub fixed: Vec<String>,
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Folder for sites.csv, assignments.csv and summary.json (written atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// HiGHS time limit per solve, seconds: a solve that reaches it returns its best solution, with
    /// status time_limit and its gap, and the exit code is 4.
    #[arg(long, default_value_t = 300.0)]
    pub time_limit: f64,
    /// HiGHS threads (results are reproducible for a fixed count).
    #[arg(long, default_value_t = 1)]
    pub threads: u32,
    /// Relative MIP gap at which to stop (default: prove optimality).
    #[arg(long)]
    pub gap: Option<f64>,
    /// Print the HiGHS log.
    #[arg(long)]
    pub verbose: bool,
}

fn parse_model(s: &str) -> Result<Model, String> {
    s.parse()
}

/// Run the subcommand.
pub fn run(args: LocateArgs) -> ExitCode {
    match execute(&args) {
        Ok(SolveStatus::TimeLimit) => ExitCode::from(exit::TIME_LIMIT),
        Ok(_) => ExitCode::from(exit::OK),
        Err(Failure { code, message }) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

struct Failure {
    code: u8,
    message: String,
}

impl From<LocateError> for Failure {
    fn from(e: LocateError) -> Self {
        let code = match e.kind() {
            ErrorKind::Input => exit::INPUT,
            ErrorKind::Infeasible => exit::INFEASIBLE,
            ErrorKind::Failure => exit::FAILURE,
        };
        Failure { code, message: e.to_string() }
    }
}

fn input_error(message: impl Into<String>) -> Failure {
    Failure { code: exit::INPUT, message: message.into() }
}

/// A numeric argument within its unit's range ([`crate::limits::range`]).
fn in_range(flag: &str, unit: Unit, v: f64) -> Result<(), Failure> {
    check(unit, v).map_err(|e| input_error(format!("{flag} {}: expected {e}", show(v))))
}

fn execute(args: &LocateArgs) -> Result<SolveStatus, Failure> {
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Json });
    if format == Format::Csv && args.out.is_none() {
        return Err(input_error("--format csv needs --out DIR"));
    }
    if args.demand.is_none() && args.model != Model::PDispersion {
        return Err(input_error(format!("--demand is required for {}", args.model)));
    }
    crate::limits::check_time_limit(args.time_limit)
        .map_err(|e| input_error(format!("--time-limit {}: expected {e}", show(args.time_limit))))?;
    if args.threads == 0 {
        return Err(input_error("--threads 0: expected at least 1 HiGHS thread"));
    }
    in_range("--threads", Unit::Threads, args.threads as f64)?;
    for (flag, v) in [("--radius", args.radius), ("--max-cost", args.max_cost)] {
        if let Some(v) = v {
            in_range(flag, Unit::Cost, v)?;
        }
    }
    // Before any work: the output folder must be civplan's or new.
    if let Some(dir) = &args.out {
        atomic::check_target(dir).map_err(|e| input_error(format!("--out {e}")))?;
    }
    let mut opts = SolveOptions {
        threads: args.threads,
        time_limit_s: args.time_limit,
        verbose: args.verbose,
        ..SolveOptions::default()
    };
    if let Some(g) = args.gap {
        if !(0.0..1.0).contains(&g) {
            return Err(input_error("--gap must be in [0, 1)"));
        }
        opts.mip_rel_gap = g;
    }
    let mut inst = classic::read_instance(&CsvPaths {
        demand: args.demand.clone(),
        sites: args.sites.clone(),
        cost: args.cost.clone(),
    })?;
    inst.fix_sites(&args.fixed)?;
    if args.model == Model::PDispersion && !inst.has_site_distances() {
        let p = Problem::new(
            &args.sites,
            "(header)",
            "",
            "lat/lon or x/y columns: p-dispersion needs the distances between the sites",
        )
        .at_line(1);
        return Err(input_error(p.to_string()));
    }
    // The model's own memory: a variable per demand–site pair, except for
    // the uncapacitated p-median (Benders).
    let assignment = args.model != Model::PMedian || inst.is_capacitated();
    let part = work::locate_model(inst.n_demand(), inst.n_sites(), assignment, args.model == Model::PDispersion);
    work::Budget::from_env()
        .check(
            &format!("{} model on {} demand points × {} sites", args.model, inst.n_demand(), inst.n_sites()),
            &[part],
            None,
        )
        .map_err(|e| input_error(e.to_string()))?;
    let params = Params {
        model: args.model,
        p: args.p,
        radius: args.radius,
        max_cost: args.max_cost,
        single_source: args.single_source,
    };
    let result = classic::solve(&inst, &params, &opts)?;
    if let Some(dir) = &args.out {
        write_files(dir, &result, &params)
            .map_err(|e| Failure { code: exit::FAILURE, message: format!("{}: {e}", dir.display()) })?;
    }
    match format {
        Format::Json => println!("{}", to_json(&result, &params, true)),
        Format::Table => print!("{}", table(&result)),
        Format::Csv => eprintln!(
            "wrote sites.csv, assignments.csv and summary.json to {}",
            args.out.as_deref().unwrap_or_else(|| "".as_ref()).display()
        ),
    }
    if result.status == SolveStatus::TimeLimit {
        let gap = match result.gap {
            Some(g) => format!("at most {:.4} % above the optimum", 100.0 * g),
            None => "how far from the optimum is not known: the limit came before a bound".to_string(),
        };
        eprintln!("note: stopped at the time limit of {} s with the best solution found, {gap}", args.time_limit);
    }
    Ok(result.status)
}

/// The result as one JSON object, with the parameters it answers.
fn to_json(result: &LocateResult, params: &Params, assignments: bool) -> serde_json::Value {
    let mut v = serde_json::to_value(result).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("objective_meaning".into(), result.model.objective_meaning().into());
        obj.insert(
            "params".into(),
            serde_json::json!({
                "p": params.p,
                "radius": params.radius,
                "max_cost": params.max_cost,
                "single_source": params.single_source,
            }),
        );
        if !assignments {
            obj.remove("assignments");
            obj.remove("site_use");
        }
    }
    v
}

fn write_files(dir: &std::path::Path, result: &LocateResult, params: &Params) -> anyhow::Result<()> {
    let out = OutputDir::create(dir)?;
    let mut w = csv::Writer::from_path(out.path("sites.csv"))?;
    w.write_record(["site_id", "fixed", "capacity", "fixed_cost", "load", "n_assigned"])?;
    for s in &result.site_use {
        w.write_record([
            s.site_id.clone(),
            s.fixed.to_string(),
            s.capacity.map(|c| c.to_string()).unwrap_or_default(),
            s.fixed_cost.to_string(),
            s.load.to_string(),
            s.n_assigned.to_string(),
        ])?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(out.path("assignments.csv"))?;
    w.write_record(["demand_id", "site_id", "fraction", "cost", "weight"])?;
    for a in &result.assignments {
        w.write_record([
            a.demand_id.clone(),
            a.site_id.clone(),
            a.fraction.to_string(),
            a.cost.to_string(),
            a.weight.to_string(),
        ])?;
    }
    w.flush()?;
    drop(w);
    let summary = serde_json::to_string_pretty(&to_json(result, params, false))?;
    out.write("summary.json", summary + "\n")?;
    out.commit(false)?;
    Ok(())
}

/// A readable summary, the chosen sites and every assignment.
fn table(r: &LocateResult) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let gap = r.gap.map_or("unknown".to_string(), |g| format!("{g:.2e}"));
    let _ = writeln!(s, "model      {}", r.model);
    let _ = writeln!(s, "objective  {} ({})", fmt_num(r.objective), r.model.objective_meaning());
    let _ = writeln!(s, "status     {} (gap {gap})", r.status);
    let m = &r.metrics;
    let _ = writeln!(
        s,
        "sites      {}   assigned weight {} of {}   weighted cost {}   max cost {}",
        m.n_sites,
        fmt_num(m.assigned_weight),
        fmt_num(m.total_weight),
        fmt_num(m.weighted_cost),
        fmt_num(m.max_assigned_cost)
    );
    if let Some(b) = m.backup_weight {
        let _ = writeln!(s, "backup     {} weight covered by two or more sites", fmt_num(b));
    }
    if let Some(d) = m.min_site_distance {
        let _ = writeln!(s, "dispersion {} minimum distance between chosen sites", fmt_num(d));
    }
    let w = r
        .site_use
        .iter()
        .map(|u| u.site_id.chars().count())
        .chain(r.assignments.iter().map(|a| a.demand_id.chars().count()))
        .max()
        .unwrap_or(4)
        .max(6);
    let _ = writeln!(
        s,
        "\n{:<w$}  {:>5}  {:>10}  {:>10}  {:>12}  {:>6}",
        "site", "fixed", "capacity", "fixed cost", "load", "points"
    );
    for u in &r.site_use {
        let _ = writeln!(
            s,
            "{:<w$}  {:>5}  {:>10}  {:>10}  {:>12}  {:>6}",
            u.site_id,
            if u.fixed { "yes" } else { "" },
            u.capacity.map(fmt_num).unwrap_or_else(|| "-".into()),
            fmt_num(u.fixed_cost),
            fmt_num(u.load),
            u.n_assigned
        );
    }
    if !r.assignments.is_empty() {
        let _ = writeln!(s, "\n{:<w$}  {:<w$}  {:>8}  {:>12}  {:>12}", "demand", "site", "fraction", "cost", "weight");
        for a in &r.assignments {
            let _ = writeln!(
                s,
                "{:<w$}  {:<w$}  {:>8.4}  {:>12}  {:>12}",
                a.demand_id,
                a.site_id,
                a.fraction,
                fmt_num(a.cost),
                fmt_num(a.weight)
            );
        }
    }
    s
}

/// Up to 4 decimals, trailing zeros trimmed.
fn fmt_num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}
