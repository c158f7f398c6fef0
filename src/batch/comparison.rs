//! `comparison.csv`: one row per run, identity order; the varied values,
//! then the headline figures of its plan, then how it ended. The columns
//! come from the whole batch (every run's periods and norms), not from one
//! shard's runs, so shards have the same columns and merge to the same bytes
//! as the batch run in one go. No timing is in it.

use super::{Definition, PreparedRun};
use crate::plan::{Action, Family, Plan};
use crate::scenario::FacilityType;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// Actions counted per facility type (`sites.<type>.<action>`): what a plan
/// does; kept sites are the rest.
const ACTIONS: [Action; 5] = [Action::New, Action::Expand, Action::Convert, Action::Transfer, Action::Close];

/// Capacity at the end of the last period.
pub const CAPACITY: [&str; 5] = ["beds", "nursing_beds", "places", "halls", "plots"];

/// The columns of the batch's comparison, in order.
pub fn columns(def: &Definition, runs: &[PreparedRun]) -> Vec<String> {
    let mut c: Vec<String> = ["run", "scenario", "county"].map(String::from).into();
    if let Some(r) = runs.first() {
        c.extend(def.values(&r.run).into_iter().map(|(k, _)| k));
    }
    let loaded: Vec<(&PreparedRun, &crate::scenario::Scenario)> =
        runs.iter().filter_map(|r| r.scenario.as_ref().ok().map(|s| (r, s))).collect();
    for kind in FacilityType::ALL {
        let present = loaded
            .iter()
            .any(|(_, s)| s.facilities.iter().any(|f| f.kind == kind) || s.candidates.iter().any(|x| x.kind == kind));
        if present {
            c.extend(ACTIONS.iter().map(|a| format!("sites.{}.{}", kind.key(), a.key())));
        }
    }
    c.extend(CAPACITY.iter().map(|k| k.to_string()));
    let mut spans: Vec<crate::scenario::YearSpan> = Vec::new();
    for (r, s) in &loaded {
        for p in r.plan_options(def).horizon(s).periods {
            if !spans.contains(&p.span) {
                spans.push(p.span);
            }
        }
    }
    spans.sort();
    c.extend(spans.iter().map(|s| format!("capital_wan.{}", s.label())));
    c.extend(["capital_wan", "build_cost_yuan_per_year", "objective_pv_yuan"].map(String::from));
    for key in crate::plan::norms::keys() {
        if loaded.iter().any(|(_, s)| s.config.norms.get(key).is_some()) {
            c.push(format!("norm.{key}"));
        }
    }
    c.extend(Family::ALL.iter().map(|f| format!("unmet.{}", f.key())));
    c.extend(["norms_short", "status", "gap", "folder", "exit_status", "error"].map(String::from));
    c
}

fn num(v: f64) -> String {
    (v + 0.0).to_string()
}

/// A run's cells by column: its identity and values always; the plan's
/// figures when it has one; the exit status and error.
pub fn row(
    r: &PreparedRun,
    values: &[(String, String)],
    plan: Option<&Plan>,
    exit_status: u8,
    error: Option<&str>,
) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |k: String, v: String| {
        m.insert(k, v);
    };
    put("run".into(), r.run.id.clone());
    put("scenario".into(), r.run.id.split('/').next().unwrap_or_default().to_string());
    put("county".into(), r.county.clone());
    for (k, v) in values {
        put(k.clone(), v.clone());
    }
    put("folder".into(), r.run.folder());
    put("exit_status".into(), exit_status.to_string());
    // One line: a CSV cell a spreadsheet shows whole.
    put("error".into(), error.map(|e| e.lines().map(str::trim).collect::<Vec<_>>().join(" ")).unwrap_or_default());
    let Some(p) = plan else {
        put("status".into(), "failed".into());
        return m;
    };
    for kind in FacilityType::ALL {
        for a in ACTIONS {
            let n = match a {
                Action::New | Action::Expand => p.builds.iter().filter(|b| b.kind == kind && b.action == a).count(),
                _ => {
                    let mut ids: Vec<&str> =
                        p.changes.iter().filter(|c| c.kind == kind && c.action == a).map(|c| c.id.as_str()).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids.len()
                }
            };
            put(format!("sites.{}.{}", kind.key(), a.key()), n.to_string());
        }
    }
    if let Some(last) = p.periods.last() {
        for (k, v) in CAPACITY.iter().zip([last.beds, last.nursing_beds, last.places, last.halls, last.plots]) {
            put(k.to_string(), num(v));
        }
    }
    for x in &p.periods {
        put(format!("capital_wan.{}", x.period), num(x.capital_wan));
    }
    put("capital_wan".into(), num(p.capital_wan));
    put("build_cost_yuan_per_year".into(), num(p.build_cost_yuan_per_year));
    put("objective_pv_yuan".into(), num(p.objective_pv_yuan));
    let mut norms: BTreeMap<&str, bool> = BTreeMap::new();
    for c in p.compliance.iter().filter(|c| !c.demand_row) {
        if let Some(key) = crate::plan::norms::entry_of(&c.norm) {
            *norms.entry(key).or_insert(true) &= c.met;
        }
    }
    for (key, met) in &norms {
        put(format!("norm.{key}"), if *met { "met" } else { "short" }.into());
    }
    let short: Vec<&str> = norms.iter().filter(|(_, m)| !**m).map(|(k, _)| *k).collect();
    put("norms_short".into(), short.join(";"));
    for f in Family::ALL {
        let unmet: f64 = p
            .compliance
            .iter()
            .filter(|c| c.demand_row && !c.met && c.norm == f.def().demand_key)
            .map(|c| -c.slack)
            .sum();
        put(format!("unmet.{}", f.key()), num(crate::plan::evaluate::round6(unmet)));
    }
    put("status".into(), p.status.to_string());
    put("gap".into(), num(p.gap));
    m
}

/// comparison.csv's bytes.
pub fn csv_bytes(columns: &[String], rows: &[&BTreeMap<String, String>]) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns).map_err(io::Error::other)?;
    for r in rows {
        w.write_record(columns.iter().map(|c| r.get(c).map(String::as_str).unwrap_or(""))).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Write comparison.csv and comparison.html into `dir`.
pub fn write(dir: &Path, def: &Definition, columns: &[String], rows: &[&BTreeMap<String, String>]) -> io::Result<()> {
    crate::report::atomic::write_file(&dir.join("comparison.csv"), &csv_bytes(columns, rows)?)?;
    crate::report::atomic::write_file(&dir.join("comparison.html"), super::html::render(def, columns, rows).as_bytes())
}

/// Rows of comparison.csv by column name.
pub type Rows = Vec<BTreeMap<String, String>>;

/// A comparison.csv read back: its header and rows by column.
pub fn read_csv(path: &Path) -> Result<(Vec<String>, Rows), String> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header: Vec<String> =
        rdr.headers().map_err(|e| format!("{}: {e}", path.display()))?.iter().map(String::from).collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        rows.push(header.iter().cloned().zip(rec.iter().map(String::from)).collect());
    }
    Ok((header, rows))
}
