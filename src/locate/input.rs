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

use super::error::{CellError, LocateError};
use super::instance::{Coord, DemandPoint, Instance, Site};
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

/// One CSV file read into trimmed string cells, with each row's line number.
struct Table {
    file: PathBuf,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    fn read(file: &Path) -> Result<Self, LocateError> {
        let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_path(file).map_err(|e| csv_error(file, e))?;
        let headers = rdr.headers().map_err(|e| csv_error(file, e))?.clone();
        let mut columns = HashMap::new();
        for (k, h) in headers.iter().enumerate() {
            let h = h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase();
            if columns.insert(h.clone(), k).is_some() {
                return Err(LocateError::File {
                    file: file.to_path_buf(),
                    line: Some(1),
                    message: format!("column `{h}` appears twice in the header"),
                });
            }
        }
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(file, e))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if rec.iter().all(str::is_empty) {
                continue;
            }
            rows.push((line, rec.iter().map(str::to_string).collect()));
        }
        Ok(Self { file: file.to_path_buf(), columns, rows })
    }

    fn has(&self, col: &str) -> bool {
        self.columns.contains_key(col)
    }

    fn require(&self, col: &str, what: &str) -> Result<usize, LocateError> {
        self.columns.get(col).copied().ok_or_else(|| LocateError::File {
            file: self.file.clone(),
            line: Some(1),
            message: format!("missing column `{col}` ({what}) in the header"),
        })
    }

    fn cell_error(&self, line: u64, col: &str, value: &str, problem: &str, expected: &str) -> LocateError {
        LocateError::Cell(Box::new(CellError {
            file: self.file.clone(),
            line,
            column: col.to_string(),
            value: value.to_string(),
            problem: problem.to_string(),
            expected: expected.to_string(),
        }))
    }

    /// A finite number in `[min, max]`.
    fn number(
        &self,
        line: u64,
        row: &[String],
        col: &str,
        min: f64,
        max: f64,
        expected: &str,
    ) -> Result<f64, LocateError> {
        let raw = &row[self.columns[col]];
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= min && v <= max => Ok(v),
            Ok(_) => Err(self.cell_error(line, col, raw, "value out of range", expected)),
            Err(_) => Err(self.cell_error(line, col, raw, "not a number", expected)),
        }
    }

    /// A non-empty id, unique within the file.
    fn ids(&self, col: &str) -> Result<Vec<String>, LocateError> {
        let k = self.require(col, "identifier")?;
        let mut first: HashMap<&str, u64> = HashMap::new();
        let mut out = Vec::with_capacity(self.rows.len());
        for (line, row) in &self.rows {
            let id = row[k].as_str();
            if id.is_empty() {
                return Err(self.cell_error(*line, col, id, "empty id", "a non-empty identifier"));
            }
            if let Some(prev) = first.insert(id, *line) {
                return Err(self.cell_error(
                    *line,
                    col,
                    id,
                    "duplicate id",
                    &format!("ids to be unique (`{id}` is already on line {prev})"),
                ));
            }
            out.push(id.to_string());
        }
        Ok(out)
    }

    /// Coordinates of every row, if the file has lat/lon or x/y columns.
    fn coords(&self) -> Result<Option<Vec<Coord>>, LocateError> {
        let geo = self.has("lat") || self.has("lon");
        let xy = self.has("x") || self.has("y");
        if geo && xy {
            return Err(LocateError::File {
                file: self.file.clone(),
                line: Some(1),
                message: "has both lat/lon and x/y columns; expected one kind of coordinates".into(),
            });
        }
        if !geo && !xy {
            return Ok(None);
        }
        let (a, b) = if geo { ("lat", "lon") } else { ("x", "y") };
        self.require(a, "coordinate")?;
        self.require(b, "coordinate")?;
        let mut out = Vec::with_capacity(self.rows.len());
        for (line, row) in &self.rows {
            out.push(if geo {
                Coord::LatLon {
                    lat: self.number(*line, row, "lat", -90.0, 90.0, "a latitude in degrees, -90..90")?,
                    lon: self.number(*line, row, "lon", -180.0, 180.0, "a longitude in degrees, -180..180")?,
                }
            } else {
                let inf = f64::INFINITY;
                Coord::Xy {
                    x: self.number(*line, row, "x", -inf, inf, "a projected x coordinate")?,
                    y: self.number(*line, row, "y", -inf, inf, "a projected y coordinate")?,
                }
            });
        }
        Ok(Some(out))
    }
}

fn csv_error(file: &Path, e: csv::Error) -> LocateError {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => LocateError::Io { path: file.to_path_buf(), source },
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => LocateError::File {
            file: file.to_path_buf(),
            line,
            message: format!("row has {len} fields, expected {expected_len} like the header"),
        },
        other => LocateError::File { file: file.to_path_buf(), line, message: format!("unreadable CSV: {other:?}") },
    }
}

/// Read `demand.csv` (id, weight, optional coordinates).
pub fn read_demand(file: &Path) -> Result<Vec<DemandPoint>, LocateError> {
    let t = Table::read(file)?;
    let ids = t.ids("id")?;
    t.require("weight", "demand weight")?;
    let coords = t.coords()?;
    let mut out = Vec::with_capacity(ids.len());
    for (k, ((line, row), id)) in t.rows.iter().zip(ids).enumerate() {
        let weight = t.number(*line, row, "weight", 0.0, f64::INFINITY, "a non-negative number")?;
        out.push(DemandPoint { id, weight, coord: coords.as_ref().map(|c| c[k]) });
    }
    Ok(out)
}

/// Read `sites.csv` (id, optional coordinates, capacity, fixed_cost, fixed).
pub fn read_sites(file: &Path) -> Result<Vec<Site>, LocateError> {
    let t = Table::read(file)?;
    let ids = t.ids("id")?;
    let coords = t.coords()?;
    let mut out = Vec::with_capacity(ids.len());
    for (k, ((line, row), id)) in t.rows.iter().zip(ids).enumerate() {
        let empty = |col: &str| t.columns.get(col).is_none_or(|&c| row[c].is_empty());
        let capacity = if empty("capacity") {
            None
        } else {
            Some(t.number(*line, row, "capacity", 0.0, f64::INFINITY, "a non-negative capacity (empty = unlimited)")?)
        };
        let fixed_cost = if empty("fixed_cost") {
            0.0
        } else {
            t.number(*line, row, "fixed_cost", 0.0, f64::INFINITY, "a non-negative opening cost")?
        };
        let fixed = if empty("fixed") {
            false
        } else {
            let raw = &row[t.columns["fixed"]];
            match raw.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "y" => true,
                "0" | "false" | "no" | "n" => false,
                _ => return Err(t.cell_error(*line, "fixed", raw, "not a yes/no value", "1/0, true/false or yes/no")),
            }
        };
        out.push(Site { id, coord: coords.as_ref().map(|c| c[k]), capacity, fixed_cost, fixed });
    }
    Ok(out)
}

/// Read the CSV files of an instance. Costs come from `cost.csv` where given
/// and from coordinates (haversine km / Euclidean) for the pairs it omits.
pub fn read_instance(paths: &CsvPaths) -> Result<Instance, LocateError> {
    let sites = read_sites(&paths.sites)?;
    let demand = match &paths.demand {
        Some(p) => read_demand(p)?,
        None => Vec::new(),
    };
    let (n, m) = (demand.len(), sites.len());
    let mut cost = vec![f64::NAN; n * m];
    if let Some(cost_path) = &paths.cost {
        let demand_file = paths.demand.as_deref().unwrap_or(Path::new("demand.csv"));
        read_costs(cost_path, demand_file, &paths.sites, &demand, &sites, &mut cost)?;
    }
    if cost.iter().any(|c| c.is_nan()) {
        fill_from_coords(paths, &demand, &sites, &mut cost)?;
    }
    let inst = Instance::from_flat(demand, sites, cost)?;
    Ok(inst)
}

fn read_costs(
    file: &Path,
    demand_file: &Path,
    sites_file: &Path,
    demand: &[DemandPoint],
    sites: &[Site],
    cost: &mut [f64],
) -> Result<(), LocateError> {
    let t = Table::read(file)?;
    let cd = t.require("demand_id", "demand point id")?;
    let cs = t.require("site_id", "site id")?;
    t.require("cost", "assignment cost")?;
    let di: HashMap<&str, usize> = demand.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    let sj: HashMap<&str, usize> = sites.iter().enumerate().map(|(j, s)| (s.id.as_str(), j)).collect();
    let mut first_line = vec![0u64; cost.len()];
    let m = sites.len();
    for (line, row) in &t.rows {
        let i = *di.get(row[cd].as_str()).ok_or_else(|| {
            t.cell_error(
                *line,
                "demand_id",
                &row[cd],
                "unknown demand id",
                &format!("an id listed in {}", demand_file.display()),
            )
        })?;
        let j = *sj.get(row[cs].as_str()).ok_or_else(|| {
            t.cell_error(
                *line,
                "site_id",
                &row[cs],
                "unknown site id",
                &format!("an id listed in {}", sites_file.display()),
            )
        })?;
        let c = t.number(*line, row, "cost", 0.0, f64::INFINITY, "a non-negative number")?;
        let k = i * m + j;
        if first_line[k] != 0 {
            return Err(t.cell_error(
                *line,
                "site_id",
                &row[cs],
                "duplicate demand–site pair",
                &format!("one row per pair (`{}`–`{}` is already on line {})", row[cd], row[cs], first_line[k]),
            ));
        }
        first_line[k] = *line;
        cost[k] = c;
    }
    Ok(())
}

fn fill_from_coords(
    paths: &CsvPaths,
    demand: &[DemandPoint],
    sites: &[Site],
    cost: &mut [f64],
) -> Result<(), LocateError> {
    let m = sites.len();
    let missing_pair = |k: usize, why: &str| {
        let (i, j) = (k / m, k % m);
        let message = format!(
            "no cost for demand `{}` and site `{}` and {why}; expected a row for every demand–site pair, or coordinates (lat/lon or x/y) in both files",
            demand[i].id, sites[j].id
        );
        match &paths.cost {
            Some(c) => LocateError::File { file: c.clone(), line: None, message },
            None => LocateError::File {
                file: paths.sites.clone(),
                line: Some(1),
                message: format!(
                    "no --cost file and {why}; expected lat/lon or x/y columns in both the demand and the sites file"
                ),
            },
        }
    };
    for (k, c) in cost.iter_mut().enumerate() {
        if !c.is_nan() {
            continue;
        }
        let (i, j) = (k / m, k % m);
        let (Some(a), Some(b)) = (demand[i].coord, sites[j].coord) else {
            return Err(missing_pair(k, "the inputs have no coordinates to compute it"));
        };
        *c = a.distance(&b).ok_or_else(|| LocateError::File {
            file: paths.sites.clone(),
            line: Some(1),
            message: format!(
                "coordinates of {} are lat/lon and of {} x/y (or the reverse); expected the same kind in both files",
                paths.demand.as_deref().unwrap_or(Path::new("demand")).display(),
                paths.sites.display()
            ),
        })?;
    }
    Ok(())
}
