//! Reading an [`Instance`] from plain CSV files. Every error names the file,
//! the 1-based CSV line, the column, the value and what was expected, so a
//! user can fix the file without guessing.
//!
//! * `demand.csv`: `id`, `weight`, optional `lat`,`lon` or `x`,`y`.
//! * `sites.csv`: `id`, optional `lat`,`lon` or `x`,`y`, `capacity`,
//!   `fixed_cost`, `fixed` (1/0, true/false, yes/no; empty = no).
//! * `cost.csv` (optional): `demand_id`, `site_id`, `cost`. Pairs it omits are
//!   computed from coordinates when both files have them; otherwise a missing
//!   pair is an error.

use super::error::LocateError;
use super::instance::{Coord, DemandPoint, Instance, Site};
use crate::diag::{quoted, Problem};
use crate::limits::{check, Unit};
use crate::table::{cell, Row, Schema, Table};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The CSV files of one instance.
#[derive(Debug, Clone, Default)]
pub struct CsvPaths {
    /// Demand points; may be omitted for p-dispersion, which needs sites only.
    pub demand: Option<PathBuf>,
    pub sites: PathBuf,
    pub cost: Option<PathBuf>,
}

/// The texts of one instance's files, for reading without the file system.
#[derive(Debug, Clone, Copy)]
pub struct CsvTexts<'a> {
    pub demand: Option<(&'a Path, &'a [u8])>,
    pub sites: (&'a Path, &'a [u8]),
    pub cost: Option<(&'a Path, &'a [u8])>,
}

const COORDS: [&str; 4] = ["lat", "lon", "x", "y"];
const DEMAND: Schema =
    Schema { required: &["id", "weight"], optional: &COORDS, refuse_unknown: false, fold_case: true };
const SITES: Schema = Schema {
    required: &["id"],
    optional: &["lat", "lon", "x", "y", "capacity", "fixed_cost", "fixed"],
    refuse_unknown: false,
    fold_case: true,
};
const COSTS: Schema =
    Schema { required: &["demand_id", "site_id", "cost"], optional: &[], refuse_unknown: false, fold_case: true };

fn first(problems: Vec<Problem>) -> LocateError {
    LocateError::Input(Box::new(problems.into_iter().next().expect("a table that did not read has a problem")))
}

/// One CSV file read through the shared reader ([`crate::table`]).
fn table(path: &Path, bytes: Option<&[u8]>, schema: &Schema) -> Result<Table, LocateError> {
    let mut problems = Vec::new();
    let t = match bytes {
        Some(b) => Table::parse(path, b, schema, &mut problems),
        None => Table::read(path, schema, &mut problems),
    };
    match t {
        Some(t) if problems.is_empty() => Ok(t),
        _ => Err(first(problems)),
    }
}

fn located(p: Problem) -> LocateError {
    LocateError::Input(Box::new(p))
}

/// A number in the unit's range ([`crate::limits::range`]), else a located error.
fn number(t: &Table, row: &Row, col: &str, unit: Unit) -> Result<f64, LocateError> {
    let raw = t.cell(row, col);
    match cell::number(raw) {
        Ok(v) if check(unit, v).is_ok() => Ok(v),
        Ok(_) => Err(located(t.cell_problem(row, col, unit.expected()))),
        Err(_) => Err(located(t.cell_problem(row, col, cell::with_hint(&unit.expected(), raw)))),
    }
}

/// A non-empty id, unique within the file.
fn ids(t: &Table, col: &str) -> Result<Vec<String>, LocateError> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let id = t.cell(row, col);
        if id.is_empty() {
            return Err(located(t.cell_problem(row, col, "a non-empty identifier")));
        }
        if let Some(prev) = first.insert(id, row.line) {
            return Err(located(t.cell_problem(row, col, format!("a unique id (`{id}` is already on line {prev})"))));
        }
        out.push(id.to_string());
    }
    Ok(out)
}

/// A problem about the file as a whole, at its header line.
fn header_problem(t: &Table, key: &str, expected: impl Into<String>) -> LocateError {
    located(Problem::new(&t.path, key, "", expected).at_line(1))
}

/// Coordinates of every row, if the file has lat/lon or x/y columns.
fn coords(t: &Table) -> Result<Option<Vec<Coord>>, LocateError> {
    let has = |c: &str| t.column(c).is_some();
    let geo = has("lat") || has("lon");
    let xy = has("x") || has("y");
    if geo && xy {
        return Err(header_problem(t, "(header)", "one kind of coordinates, lat/lon or x/y (the header has both)"));
    }
    if !geo && !xy {
        return Ok(None);
    }
    let (a, b) = if geo { ("lat", "lon") } else { ("x", "y") };
    for c in [a, b] {
        if !has(c) {
            return Err(header_problem(t, c, format!("a `{c}` column (coordinates need both {a} and {b})")));
        }
    }
    let mut out = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        out.push(if geo {
            Coord::LatLon { lat: number(t, row, "lat", Unit::Latitude)?, lon: number(t, row, "lon", Unit::Longitude)? }
        } else {
            Coord::Xy { x: number(t, row, "x", Unit::Projected)?, y: number(t, row, "y", Unit::Projected)? }
        });
    }
    Ok(Some(out))
}

/// Read `demand.csv` (id, weight, optional coordinates).
pub fn read_demand(file: &Path) -> Result<Vec<DemandPoint>, LocateError> {
    demand_of(&table(file, None, &DEMAND)?)
}

fn demand_of(t: &Table) -> Result<Vec<DemandPoint>, LocateError> {
    let ids = ids(t, "id")?;
    let coords = coords(t)?;
    let mut out = Vec::with_capacity(ids.len());
    for (k, (row, id)) in t.rows.iter().zip(ids).enumerate() {
        let weight = number(t, row, "weight", Unit::Weight)?;
        out.push(DemandPoint { id, weight, coord: coords.as_ref().map(|c| c[k]) });
    }
    Ok(out)
}

/// Read `sites.csv` (id, optional coordinates, capacity, fixed_cost, fixed).
pub fn read_sites(file: &Path) -> Result<Vec<Site>, LocateError> {
    sites_of(&table(file, None, &SITES)?)
}

fn sites_of(t: &Table) -> Result<Vec<Site>, LocateError> {
    let ids = ids(t, "id")?;
    let coords = coords(t)?;
    let mut out = Vec::with_capacity(ids.len());
    for (k, (row, id)) in t.rows.iter().zip(ids).enumerate() {
        let given = |col: &str| !t.cell(row, col).is_empty();
        let capacity = if given("capacity") { Some(number(t, row, "capacity", Unit::Weight)?) } else { None };
        let fixed_cost = if given("fixed_cost") { number(t, row, "fixed_cost", Unit::Yuan)? } else { 0.0 };
        let fixed = if given("fixed") {
            cell::boolean(t.cell(row, "fixed")).map_err(|e| located(t.cell_problem(row, "fixed", e)))?
        } else {
            false
        };
        out.push(Site { id, coord: coords.as_ref().map(|c| c[k]), capacity, fixed_cost, fixed });
    }
    Ok(out)
}

/// Read the CSV files of an instance. Costs come from `cost.csv` where given
/// and from coordinates (haversine km / Euclidean) for the pairs it omits.
pub fn read_instance(paths: &CsvPaths) -> Result<Instance, LocateError> {
    let sites = table(&paths.sites, None, &SITES)?;
    let demand = paths.demand.as_deref().map(|p| table(p, None, &DEMAND)).transpose()?;
    let cost = paths.cost.as_deref().map(|p| table(p, None, &COSTS)).transpose()?;
    instance_of(&sites, demand.as_ref(), cost.as_ref())
}

/// [`read_instance`] on texts in memory (the fuzzers use it).
pub fn read_instance_from(texts: &CsvTexts) -> Result<Instance, LocateError> {
    let sites = table(texts.sites.0, Some(texts.sites.1), &SITES)?;
    let demand = texts.demand.map(|(p, b)| table(p, Some(b), &DEMAND)).transpose()?;
    let cost = texts.cost.map(|(p, b)| table(p, Some(b), &COSTS)).transpose()?;
    instance_of(&sites, demand.as_ref(), cost.as_ref())
}

fn instance_of(sites_t: &Table, demand_t: Option<&Table>, cost_t: Option<&Table>) -> Result<Instance, LocateError> {
    let sites = sites_of(sites_t)?;
    if sites.is_empty() {
        return Err(header_problem(sites_t, "(rows)", "at least one candidate site (the file has a header only)"));
    }
    let demand = match demand_t {
        Some(t) => {
            let d = demand_of(t)?;
            if d.is_empty() {
                return Err(header_problem(t, "(rows)", "at least one demand point (the file has a header only)"));
            }
            d
        }
        None => Vec::new(),
    };
    let (n, m) = (demand.len(), sites.len());
    // The cost matrix alone; the model's own memory is checked by the caller
    // that knows the model ([`crate::limits::work::locate_model`]).
    let request = format!(
        "{} ({} demand points) × {} ({} sites)",
        demand_t.map(|t| t.path.display().to_string()).unwrap_or_else(|| "no demand".into()),
        n,
        sites_t.path.display(),
        m
    );
    crate::limits::work::Budget::from_env()
        .check(&request, &[crate::limits::work::cost_matrix(n, m)], None)
        .map_err(|e| LocateError::Limit(Box::new(e)))?;
    let mut cost = vec![f64::NAN; n * m];
    if let Some(t) = cost_t {
        let demand_file = demand_t.map(|d| d.path.as_path()).unwrap_or(Path::new("demand.csv"));
        read_costs(t, demand_file, &sites_t.path, &demand, &sites, &mut cost)?;
    }
    if cost.iter().any(|c| c.is_nan()) {
        fill_from_coords(sites_t, demand_t, cost_t, &demand, &sites, &mut cost)?;
    }
    let inst = Instance::from_flat(demand, sites, cost)?;
    Ok(inst)
}

fn read_costs(
    t: &Table,
    demand_file: &Path,
    sites_file: &Path,
    demand: &[DemandPoint],
    sites: &[Site],
    cost: &mut [f64],
) -> Result<(), LocateError> {
    let di: HashMap<&str, usize> = demand.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    let sj: HashMap<&str, usize> = sites.iter().enumerate().map(|(j, s)| (s.id.as_str(), j)).collect();
    let mut first_line = vec![0usize; cost.len()];
    let m = sites.len();
    for row in &t.rows {
        let (d, s) = (t.cell(row, "demand_id"), t.cell(row, "site_id"));
        let i = *di.get(d).ok_or_else(|| {
            located(t.cell_problem(row, "demand_id", format!("an id listed in {}", demand_file.display())))
        })?;
        let j = *sj.get(s).ok_or_else(|| {
            located(t.cell_problem(row, "site_id", format!("an id listed in {}", sites_file.display())))
        })?;
        let c = number(t, row, "cost", Unit::Cost)?;
        let k = i * m + j;
        if first_line[k] != 0 {
            return Err(located(t.problem(
                row,
                "site_id",
                quoted(s),
                format!("one row per pair (`{d}`–`{s}` is already on line {})", first_line[k]),
            )));
        }
        first_line[k] = row.line;
        cost[k] = c;
    }
    Ok(())
}

fn fill_from_coords(
    sites_t: &Table,
    demand_t: Option<&Table>,
    cost_t: Option<&Table>,
    demand: &[DemandPoint],
    sites: &[Site],
    cost: &mut [f64],
) -> Result<(), LocateError> {
    let m = sites.len();
    for (k, c) in cost.iter_mut().enumerate() {
        if !c.is_nan() {
            continue;
        }
        let (i, j) = (k / m, k % m);
        let (Some(a), Some(b)) = (demand[i].coord, sites[j].coord) else {
            let p = match cost_t {
                Some(t) => Problem::new(
                    &t.path,
                    "(rows)",
                    "",
                    format!(
                        "a row for demand `{}` and site `{}` (the inputs have no coordinates to compute it): a row for \
every demand–site pair, or coordinates (lat/lon or x/y) in both files",
                        demand[i].id, sites[j].id
                    ),
                ),
                None => Problem::new(
                    &sites_t.path,
                    "(header)",
                    "",
                    "lat/lon or x/y columns in both the demand and the sites file, or a --cost file",
                )
                .at_line(1),
            };
            return Err(located(p));
        };
        *c = a.distance(&b).ok_or_else(|| {
            let demand_file = demand_t.map(|d| d.path.display().to_string()).unwrap_or_else(|| "demand".into());
            located(
                Problem::new(
                    &sites_t.path,
                    "(header)",
                    "",
                    format!("the same kind of coordinates as {demand_file} (one file has lat/lon, the other x/y)"),
                )
                .at_line(1),
            )
        })?;
    }
    Ok(())
}
