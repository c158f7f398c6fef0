//! Numbers that cannot be right, checked on every committed result in
//! `results/*/`: no negative count, no 60+ share above 1, no more 60+ than
//! residents, no more nursing beds than beds, no more cremations than
//! deaths, quantiles in order, no assignment beyond its family's travel
//! limit. Columns are read by name, so a column added later changes nothing.
//!
//! A relation X ≤ Y that holds in every draw holds for the mean and for every
//! quantile across draws (the k-th smallest X is at most the k-th smallest Y),
//! so it is checked on each of mean, p5, p50, p95. Values are written with 3
//! decimals (6 for the share), hence the tolerance.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

const TOL: f64 = 0.0015;
const STATS: [&str; 4] = ["mean", "p5", "p50", "p95"];

/// Pairs (a, b) with a ≤ b in every draw, by metric name.
const AT_MOST: [(&str, &str); 10] = [
    ("aged80", "aged65"),
    ("aged65", "aged60"),
    ("aged60", "residents"),
    ("disabled_elderly", "aged60"),
    ("nursing_bed_demand", "bed_demand"),
    ("bed_demand", "aged60"),
    ("tekun_disabled", "tekun"),
    ("tekun_disabled_willing", "tekun_disabled"),
    ("funeral_services", "deaths"),
    ("cremations", "deaths"),
];

fn counties() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("demand.csv").exists())
        .collect();
    v.sort();
    assert!(v.len() >= 5, "the five bundled counties: {v:?}");
    v
}

/// Rows of a CSV as maps from column name to cell.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str, file: &Path) -> f64 {
    let cell = row.get(col).unwrap_or_else(|| panic!("{}: no column {col}", file.display()));
    cell.parse().unwrap_or_else(|_| panic!("{}: {col} = {cell:?} is not a number", file.display()))
}

/// Check one table of metric summaries, grouped by `keys` (town and year,
/// or year). Returns the number of groups checked.
fn check_metrics(file: &Path, keys: &[&str]) -> usize {
    let mut groups: BTreeMap<Vec<String>, BTreeMap<String, [f64; 4]>> = BTreeMap::new();
    for row in rows(file) {
        let key: Vec<String> = keys.iter().map(|k| row[*k].clone()).collect();
        let stats = STATS.map(|s| num(&row, s, file));
        let metric = row["metric"].clone();
        let at = format!("{} {key:?} {metric}", file.display());
        for (s, v) in STATS.iter().zip(stats) {
            assert!(v.is_finite(), "{at}: {s} = {v}");
            if metric != "net_migration" {
                assert!(v >= -TOL, "{at}: {s} = {v} is negative");
            }
            if metric == "aged60_share" {
                assert!(v <= 1.0 + 1e-6, "{at}: {s} = {v}, a 60+ share above 1");
            }
        }
        assert!(stats[1] <= stats[2] + TOL && stats[2] <= stats[3] + TOL, "{at}: p5 <= p50 <= p95: {stats:?}");
        groups.entry(key).or_default().insert(metric, stats);
    }
    for (key, m) in &groups {
        for (a, b) in AT_MOST {
            let (Some(x), Some(y)) = (m.get(a), m.get(b)) else {
                panic!("{}: {key:?} lacks {a} or {b}", file.display());
            };
            for (k, s) in STATS.iter().enumerate() {
                assert!(
                    x[k] <= y[k] + TOL * y[k].abs().max(1.0),
                    "{} {key:?}: {a} {s} = {} exceeds {b} {s} = {}",
                    file.display(),
                    x[k],
                    y[k]
                );
            }
        }
    }
    groups.len()
}

#[test]
fn demand_and_county_tables_hold_their_relations() {
    for dir in counties() {
        let towns = check_metrics(&dir.join("demand.csv"), &["town_code", "year"]);
        let years = check_metrics(&dir.join("county.csv"), &["year"]);
        assert!(towns >= 4 * 3 && years >= 4, "{}: {towns} town-years, {years} years", dir.display());
    }
}

#[test]
fn planned_sites_hold_their_relations() {
    for dir in counties() {
        let file = dir.join("sites.csv");
        let sites = rows(&file);
        assert!(!sites.is_empty(), "{}", file.display());
        for s in &sites {
            let id = &s["id"];
            for col in ["beds", "nursing_beds", "land_m2", "plots", "eco_plots", "halls"] {
                let v = num(s, col, &file);
                assert!(v.is_finite() && v >= -1e-6, "{} {id}: {col} = {v}", file.display());
            }
            assert!(
                num(s, "nursing_beds", &file) <= num(s, "beds", &file) + 1e-6,
                "{} {id}: nursing beds above beds",
                file.display()
            );
            assert!(
                num(s, "eco_plots", &file) <= num(s, "plots", &file) + 1e-6,
                "{} {id}: eco plots above plots",
                file.display()
            );
        }
    }
}

/// The norm giving each family's travel limit, read from the scenario the
/// result was made from (`inputs/scenario.toml`): places go to a regional
/// centre, halls to a funeral station, plots to a cemetery; beds have none.
fn travel_limits(dir: &Path) -> BTreeMap<&'static str, f64> {
    let text = std::fs::read_to_string(dir.join("inputs/scenario.toml")).unwrap();
    let toml: toml::Table = text.parse().unwrap();
    let mut out = BTreeMap::new();
    for (family, norm) in
        [("places", "regional_radius_min"), ("halls", "funeral_radius_min"), ("plots", "cemetery_radius_min")]
    {
        if let Some(v) = toml["norms"].get(norm).and_then(|n| n.get("value")).and_then(|v| v.as_float()) {
            out.insert(family, v);
        }
    }
    out
}

#[test]
fn assignments_stay_within_their_travel_limits() {
    for dir in counties() {
        let limits = travel_limits(&dir);
        let file = dir.join("assignments.csv");
        let ids: HashSet<String> = rows(&dir.join("sites.csv")).into_iter().map(|s| s["id"].clone()).collect();
        let assignments = rows(&file);
        assert!(!assignments.is_empty(), "{}", file.display());
        for a in &assignments {
            let (family, site) = (a["family"].as_str(), a["site_id"].as_str());
            let amount = num(a, "amount", &file);
            assert!(amount.is_finite() && amount >= -1e-6, "{} {family} to {site}: amount {amount}", file.display());
            assert!(
                ids.contains(site) || site.starts_with("(existing"),
                "{} {family}: unknown site {site}",
                file.display()
            );
            if let Some(&limit) = limits.get(family) {
                let minutes = num(a, "minutes", &file);
                assert!(
                    minutes <= limit + 1e-6,
                    "{} {family} to {site}: {minutes} minutes, limit {limit}",
                    file.display()
                );
            }
        }
    }
}
