//! Fill a [`ReportData`] from a results folder. Every table is read by column
//! name (see [`Table`]); every file but the manifest is optional, and what is
//! missing is listed in [`ReportData::missing`] so the report can say so. The
//! output formats of `simulate` and `plan` are still changing: this file is
//! the one place that knows them, today's and the announced ones alike
//! (`status` or `action`, `open_share` or `built_share`, with or without
//! `period`, `p25`/`p75`, `where`/`cause`, …).

use super::data::*;
use super::table::{Row, Table, TableError};
use crate::scenario::assumptions::{self, Assumption, ASSUMPTIONS_FILE};
use crate::scenario::FacilityType;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a folder cannot be reported on.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}: not a civplan results folder (it has neither plan.json nor simulate.json; run `civplan simulate` and `civplan plan` first)")]
    NotResults(PathBuf),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("{path}: {reason}")]
    File { path: PathBuf, reason: String },
}

/// The metrics of county.csv the report draws, in section order.
pub const FAN_METRICS: [&str; 6] = ["aged60", "aged80", "disabled_elderly", "tekun_disabled", "deaths", "bed_demand"];

/// Read the results folder `dir`.
pub fn load(dir: &Path) -> Result<ReportData, LoadError> {
    let plan = read_json(&dir.join("plan.json"))?;
    let simulate = read_json(&dir.join("simulate.json"))?;
    if plan.is_none() && simulate.is_none() {
        return Err(LoadError::NotResults(dir.to_path_buf()));
    }
    let inputs = dir.join("inputs");
    let scenario = read_toml(&inputs.join("scenario.toml"))?.unwrap_or(toml::Value::Table(Default::default()));
    let mut d = ReportData::default();
    let note = |d: &mut ReportData, file: &str| d.missing.push(file.to_string());

    let manifest = plan.as_ref().and_then(|p| p.get("manifest"));
    d.county = county(&scenario, plan.as_ref(), manifest);
    d.travel = TravelModel {
        detour_factor: toml_num(&scenario, "travel.detour_factor").unwrap_or(1.0),
        speed_kmh: toml_num(&scenario, "travel.speed_kmh").unwrap_or(1.0),
        intra_town_min: toml_num(&scenario, "travel.intra_town_min").unwrap_or(0.0),
    };
    for (kind, norm) in [
        ("elderly_centre", "service_radius_min"),
        ("disabled_care_centre", "regional_radius_min"),
        ("funeral_station", "funeral_radius_min"),
        ("funeral_home", "funeral_radius_min"),
        ("cemetery", "cemetery_radius_min"),
    ] {
        if let Some(v) = toml_num(&scenario, &format!("norms.{norm}.value")) {
            d.radius_min.push((kind.to_string(), v));
        }
    }

    match Table::read(&dir.join("county.csv"), 0)? {
        Some(t) => d.series = county_series(&t),
        None => note(&mut d, "county.csv"),
    }
    d.pyramid = Table::read(&dir.join("pyramid.csv"), 0)?.map(|t| pyramid(&t));
    if d.pyramid.is_none() {
        note(&mut d, "pyramid.csv");
    }

    let file = |key: &str, default: &str| toml_str(&scenario, &format!("files.{key}")).unwrap_or(default).to_string();
    let ages = Table::read(&inputs.join(file("age_structure", "age_structure.csv")), 0)?;
    let assumed = read_assumptions(&inputs)?;
    d.provenance = provenance(&scenario, ages.as_ref(), assumed.as_deref().unwrap_or(&[]));
    let towns = Table::read(&inputs.join(file("towns", "towns.csv")), 0)?;
    let facilities = Table::read(&inputs.join(file("facilities", "facilities.csv")), 0)?;
    let demand = Table::read(&dir.join("demand.csv"), 0)?;
    let year = d.county.plan_year.or(d.county.target_years.first().copied()).unwrap_or(d.county.base_year);
    d.towns = match &towns {
        Some(t) => town_rows(t, facilities.as_ref(), demand.as_ref(), year),
        None => {
            note(&mut d, "inputs/towns.csv");
            Vec::new()
        }
    };

    let sites = Table::read(&dir.join("sites.csv"), 0)?;
    d.sites = sites.as_ref().map(|t| t.rows().map(|r| site(&r)).collect()).unwrap_or_default();
    if sites.is_none() {
        note(&mut d, "sites.csv");
    }
    if let Some(t) = Table::read(&dir.join("assignments.csv"), 0)? {
        let all: Vec<Assignment> = t.rows().map(|r| assignment(&r)).collect();
        // Labels are `YYYY-YYYY` (or `YYYY`): the greatest is the last period.
        d.assignments_period = all.iter().map(|a| a.period.clone()).max().unwrap_or_default();
        d.assignments = all.into_iter().filter(|a| a.period == d.assignments_period).collect();
    }
    served(&mut d);
    d.projects = match Table::read(&dir.join("projects.csv"), 1)? {
        Some(t) => grid_of(&t, "projects.csv"),
        None => projects_from_sites(&d.sites),
    };
    if let Some(t) = Table::read(&dir.join("periods.csv"), 0)? {
        d.periods = t.rows().map(|r| period(&r)).collect();
    }
    match Table::read(&dir.join("compliance.csv"), 0)? {
        Some(t) => {
            let (norms, unmet) = compliance(&t);
            d.compliance = norms;
            d.unmet = unmet;
        }
        None if plan.is_some() => note(&mut d, "compliance.csv"),
        None => {}
    }
    // The announced compliance.csv names the town of unmet demand (`where`);
    // today's plan.json lists it among its shortfalls.
    if d.unmet.is_empty() {
        if let Some(list) = plan.as_ref().and_then(|p| p.pointer("/plan/shortfalls")).and_then(Json::as_array) {
            d.unmet = list.iter().filter_map(shortfall).collect();
        }
    }
    d.stability = Table::read(&dir.join("stability.csv"), 0)?.map(|t| stability(&t));
    if let Some(t) = Table::read(&dir.join("backtest.csv"), 0)? {
        d.backtest = t.rows().map(|r| backtest(&r)).collect();
    }
    if assumed.is_none() {
        note(&mut d, "inputs/assumptions.csv");
    }
    d.assumptions = assumed;
    d.reproducibility = reproducibility(&scenario, simulate.as_ref(), manifest);
    Ok(d)
}

fn read_assumptions(inputs: &Path) -> Result<Option<Vec<Assumption>>, LoadError> {
    let saved = inputs.join(ASSUMPTIONS_FILE);
    match assumptions::read(&saved) {
        Ok(list) => Ok(Some(list)),
        Err(_) if !saved.exists() => Ok(None),
        Err(e) => Err(LoadError::File { path: saved, reason: e.to_string() }),
    }
}

/// Census, derived or assumption, for the figures of the county at a glance:
/// a census count unless the scenario marks its input an assumption; 80+ is a
/// census count only when the base ages come from a county table with an 80+
/// boundary (else it is spread from a wider open group by a stated rule);
/// disabled elderly and 特困 persons rest on prevalences, usually assumed.
fn provenance(s: &toml::Value, ages: Option<&Table>, assumed: &[Assumption]) -> Vec<(String, Provenance, Provenance)> {
    let is_assumed = |key: &str| assumed.iter().any(|a| a.file == "scenario.toml" && a.key.starts_with(key));
    let counted = |key: &str| if is_assumed(key) { Provenance::Assumption } else { Provenance::Census };
    let county_table = toml_str(s, "population.age_structure_scope") == Some("county");
    let has_80 = ages.is_some_and(|t| t.rows().any(|r| r.num("age_from") == Some(80.0)));
    let aged60 = if county_table {
        Provenance::Census
    } else if toml_at(s, "population.aged60_share").is_some() {
        counted("population.aged60_share")
    } else {
        Provenance::Derived
    };
    let rate = |key: &str| if is_assumed(key) { Provenance::Assumption } else { Provenance::Derived };
    let d = Provenance::Derived;
    vec![
        ("residents".into(), counted("population.residents_2020"), d),
        ("aged60".into(), aged60, d),
        ("aged80".into(), if county_table && has_80 { Provenance::Census } else { d }, d),
        ("disabled_elderly".into(), rate("demand.disability_prevalence"), rate("demand.disability_prevalence")),
        ("tekun".into(), rate("demand.tekun_per_resident"), rate("demand.tekun_per_resident")),
    ]
}

fn read_json(path: &Path) -> Result<Option<Json>, LoadError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| LoadError::File { path: path.to_path_buf(), reason: e.to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LoadError::File { path: path.to_path_buf(), reason: e.to_string() }),
    }
}

/// The resolved scenario as a generic TOML tree: read key by key, so that a
/// section added to the scenario format does not stop an older folder from loading.
fn read_toml(path: &Path) -> Result<Option<toml::Value>, LoadError> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map(Some)
            .map_err(|e| LoadError::File { path: path.to_path_buf(), reason: e.to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LoadError::File { path: path.to_path_buf(), reason: e.to_string() }),
    }
}

fn toml_at<'a>(v: &'a toml::Value, path: &str) -> Option<&'a toml::Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

fn toml_num(v: &toml::Value, path: &str) -> Option<f64> {
    toml_at(v, path).and_then(|x| x.as_float().or(x.as_integer().map(|i| i as f64)))
}

fn toml_str<'a>(v: &'a toml::Value, path: &str) -> Option<&'a str> {
    toml_at(v, path).and_then(toml::Value::as_str)
}

fn county(s: &toml::Value, plan: Option<&Json>, manifest: Option<&Json>) -> County {
    let text = |k: &str| toml_str(s, &format!("meta.{k}")).unwrap_or("").to_string();
    let settings = manifest.and_then(|m| m.get("settings"));
    County {
        name: text("name"),
        pinyin: text("name_pinyin"),
        province: text("province"),
        plan_title: text("plan_title"),
        plan_document: text("plan_document"),
        base_year: toml_num(s, "meta.base_year").unwrap_or(2020.0) as u32,
        target_years: toml_at(s, "meta.target_years")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|y| y.as_integer()).map(|y| y as u32).collect())
            .unwrap_or_default(),
        plan_year: settings.and_then(|s| s.get("year")).and_then(Json::as_u64).map(|y| y as u32),
        plan_quantile: settings.and_then(|s| s.get("quantile")).and_then(Json::as_f64),
        census_residents: toml_num(s, "population.residents_2020"),
        feasible: plan.and_then(|p| p.get("feasible")).and_then(Json::as_bool),
        status: plan.and_then(|p| p.pointer("/plan/status")).and_then(Json::as_str).unwrap_or("").to_string(),
        gap: plan.and_then(|p| p.pointer("/plan/gap")).and_then(Json::as_f64),
    }
}

/// mean, p5, (p25), p50, (p75), p95 of a row.
fn band(r: &Row) -> Band {
    Band {
        mean: r.num0("mean"),
        p5: r.num0("p5"),
        p25: r.num("p25"),
        p50: r.num0("p50"),
        p75: r.num("p75"),
        p95: r.num0("p95"),
    }
}

fn year_of(r: &Row) -> Option<u32> {
    r.str("year").parse().ok()
}

fn county_series(t: &Table) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for r in t.rows() {
        let Some(year) = year_of(&r) else { continue };
        let metric = r.str("metric");
        match out.iter_mut().find(|s| s.metric == metric) {
            Some(s) => s.points.push((year, band(&r))),
            None => out.push(Series { metric: metric.to_string(), points: vec![(year, band(&r))] }),
        }
    }
    for s in &mut out {
        s.points.sort_by_key(|p| p.0);
    }
    out
}

/// First age of a group label (`85+` → 85, `1-4` → 1, `1–4` → 1).
fn group_start(label: &str) -> u32 {
    label.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap_or(u32::MAX)
}

fn pyramid(t: &Table) -> Pyramid {
    let mut groups: Vec<String> = Vec::new();
    let mut cells: HashMap<(u32, bool, String), Band> = HashMap::new();
    let mut years: Vec<u32> = Vec::new();
    for r in t.rows() {
        let Some(year) = year_of(&r) else { continue };
        let group = r.str("age_group").to_string();
        let male = matches!(r.str("sex"), "male" | "m" | "M" | "男");
        if !groups.contains(&group) {
            groups.push(group.clone());
        }
        if !years.contains(&year) {
            years.push(year);
        }
        cells.insert((year, male, group), band(&r));
    }
    groups.sort_by_key(|g| group_start(g));
    years.sort();
    let side = |y: u32, male: bool| -> Vec<Band> {
        groups.iter().map(|g| cells.get(&(y, male, g.clone())).copied().unwrap_or_default()).collect()
    };
    Pyramid { years: years.iter().map(|&y| (y, side(y, true), side(y, false))).collect(), groups }
}

fn town_rows(towns: &Table, facilities: Option<&Table>, demand: Option<&Table>, year: u32) -> Vec<Town> {
    let mut medians: HashMap<(&str, &str), f64> = HashMap::new();
    if let Some(t) = demand {
        for r in t.rows().filter(|r| year_of(r) == Some(year)) {
            medians.insert((r.str("town_code"), r.str("metric")), r.num0("p50"));
        }
    }
    let mut beds: HashMap<&str, f64> = HashMap::new();
    for r in facilities.iter().flat_map(|t| t.rows()) {
        *beds.entry(r.str("town_code")).or_default() += r.num0("beds");
    }
    towns
        .rows()
        .map(|r| {
            let code = r.str("code");
            let m = |metric: &str| medians.get(&(code, metric)).copied();
            Town {
                code: code.to_string(),
                name: r.str("name").to_string(),
                kind: r.str("kind").to_string(),
                residents_2020: r.num0("residents_2020"),
                residents_derived: r.flag("residents_derived"),
                lat: r.num("lat"),
                lon: r.num("lon"),
                aged60: m("aged60"),
                aged80: m("aged80"),
                disabled: m("disabled_elderly"),
                bed_demand: m("bed_demand"),
                existing_beds: beds.get(code).copied().unwrap_or(0.0),
                ..Town::default()
            }
        })
        .collect()
}

/// What the plan adds in each town, and the sites each town's demand goes to.
fn served(d: &mut ReportData) {
    let names: HashMap<&str, &str> = d.sites.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    for t in &mut d.towns {
        for s in d.sites.iter().filter(|s| s.town_code == t.code && !matches!(s.action, Action::Keep | Action::Close)) {
            t.planned_beds += s.beds;
            t.planned_places += s.places;
        }
        for a in d.assignments.iter().filter(|a| a.town_code == t.code && a.amount > 0.0) {
            let serving = Serving {
                family: a.family.clone(),
                site_id: a.site_id.clone(),
                site_name: names.get(a.site_id.as_str()).copied().unwrap_or(&a.site_id).to_string(),
                minutes: a.minutes,
            };
            // Phased plans repeat a flow in each period: show it once.
            if !t.serving.contains(&serving) {
                t.serving.push(serving);
            }
        }
    }
}

/// Columns of sites.csv that hold numbers (the rest are text, e.g. 12-digit codes).
pub const SITE_NUMBERS: [&str; 15] = [
    "beds",
    "nursing_beds",
    "places",
    "halls",
    "plots",
    "eco_plots",
    "land_m2",
    "converted_beds",
    "transferred_beds",
    "closed_units",
    "capital_wan",
    "cost_yuan_per_year",
    "option_group",
    "stability",
    "built_share",
];

fn site(r: &Row) -> Site {
    Site {
        id: r.str("id").to_string(),
        kind: r.str("type").to_string(),
        name: r.str("name").to_string(),
        town_code: r.str("town_code").to_string(),
        town_name: r.str("town_name").to_string(),
        action: Action::parse(r.str_any(&["action", "status"])).unwrap_or(Action::Keep),
        period: r.str("period").to_string(),
        beds: r.num0("beds"),
        nursing_beds: r.num0("nursing_beds"),
        // Today's sites.csv has no places column: a care centre's beds are its places.
        places: r.num("places").unwrap_or(if r.str("type") == "disabled_care_centre" { r.num0("beds") } else { 0.0 }),
        halls: r.num0("halls"),
        plots: r.num0("plots"),
        eco_plots: r.num0("eco_plots"),
        land_m2: r.num0("land_m2"),
        capital_wan: r.num("capital_wan"),
        properties: r.cells().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

fn assignment(r: &Row) -> Assignment {
    Assignment {
        period: r.str("period").to_string(),
        family: r.str("family").to_string(),
        town_code: r.str("town_code").to_string(),
        town_name: r.str("town_name").to_string(),
        site_id: r.str("site_id").to_string(),
        amount: r.num0("amount"),
        minutes: r.num("minutes"),
    }
}

fn grid_of(t: &Table, source: &str) -> Grid {
    let columns =
        t.headers.iter().enumerate().map(|(i, k)| (k.clone(), t.labels.get(i).cloned().unwrap_or_default())).collect();
    let rows = t.rows().map(|r| r.cells().map(|(_, v)| v.to_string()).collect()).collect();
    Grid { columns, rows, source: source.to_string() }
}

/// Chinese name of a facility type key.
pub fn type_zh(key: &str) -> &str {
    FacilityType::ALL.iter().find(|t| t.key() == key).map(|t| t.zh()).unwrap_or(key)
}

/// The 建设项目表 built from sites.csv when the plan has no projects.csv:
/// every site the plan changes, with the capacity columns that are used.
fn projects_from_sites(sites: &[Site]) -> Grid {
    type Cell = fn(&Site) -> String;
    let columns: [(&str, &str, Cell); 13] = [
        ("site_id", "编号", |s| s.id.clone()),
        ("project", "项目名称", |s| s.name.clone()),
        ("nature", "建设性质", |s| s.action.nature_zh().to_string()),
        ("type", "类型", |s| s.kind.clone()),
        ("town", "所在镇街", |s| s.town_name.clone()),
        ("beds", "床位", |s| fmt0(s.beds)),
        ("nursing_beds", "护理型床位", |s| fmt0(s.nursing_beds)),
        ("places", "集中照护床位", |s| fmt0(s.places)),
        ("halls", "治丧厅", |s| fmt0(s.halls)),
        ("plots", "墓位", |s| fmt0(s.plots)),
        ("land_m2", "用地面积(m²)", |s| fmt0(s.land_m2)),
        ("capital_wan", "投资(万元)", |s| s.capital_wan.map(|v| format!("{v:.1}")).unwrap_or_default()),
        ("period", "建设期", |s| s.period.clone()),
    ];
    let planned: Vec<&Site> = sites.iter().filter(|s| s.action != Action::Keep).collect();
    // The first five columns always; a capacity column only when some project uses it.
    let used: Vec<usize> =
        (0..columns.len()).filter(|&c| c < 5 || planned.iter().any(|s| !(columns[c].2)(s).is_empty())).collect();
    let mut grid = Grid {
        columns: std::iter::once(("no".to_string(), "序号".to_string()))
            .chain(used.iter().map(|&c| (columns[c].0.to_string(), columns[c].1.to_string())))
            .collect(),
        rows: Vec::new(),
        source: "sites.csv".to_string(),
    };
    for (i, s) in planned.iter().enumerate() {
        let mut row = vec![(i + 1).to_string()];
        row.extend(used.iter().map(|&c| (columns[c].2)(s)));
        grid.rows.push(row);
    }
    grid
}

/// A whole number, empty for zero (a table of capacities reads better without zeros).
pub fn fmt0(v: f64) -> String {
    if v.abs() < 0.5 {
        String::new()
    } else {
        format!("{v:.0}")
    }
}

fn period(r: &Row) -> Period {
    let year = |c: &str| r.num(c).map(|v| v as u32);
    Period {
        label: r.str("period").to_string(),
        start_year: year("start_year"),
        end_year: year("end_year"),
        capital_wan: r.num("capital_wan"),
        budget_wan: r.num("budget_wan"),
        beds: r.num("beds"),
        nursing_share: r.num("nursing_share"),
        norms_met: r.num("norms_met"),
        norms_short: r.num("norms_short"),
    }
}

/// Norm rows, and the rows of a town's demand that is not served (those
/// with a `cause`). A local norm (land in one 街道) names a town too, but no
/// cause: it is a norm row.
fn compliance(t: &Table) -> (Vec<Norm>, Vec<Unmet>) {
    let mut norms = Vec::new();
    let mut unmet = Vec::new();
    for r in t.rows() {
        if !r.str("cause").is_empty() {
            let (required, planned) = (r.num("required"), r.num("planned"));
            unmet.push(Unmet {
                period: r.str("period").to_string(),
                norm: r.str("norm").to_string(),
                meaning: r.str("meaning").to_string(),
                place: r.str("where").to_string(),
                required,
                shortfall: match (required, planned) {
                    (Some(q), Some(p)) => Some((q - p).max(0.0)),
                    _ => r.num("slack").map(f64::abs),
                },
                unit: r.str("unit").to_string(),
                cause: r.str("cause").to_string(),
            });
            continue;
        }
        norms.push(Norm {
            period: r.str("period").to_string(),
            year: year_of(&r),
            norm: r.str("norm").to_string(),
            meaning: r.str("meaning").to_string(),
            source: r.str("source").to_string(),
            binding: r.flag("binding"),
            province_default: r.flag("province_default"),
            base: r.str("base").to_string(),
            required: r.num("required"),
            planned: r.num("planned"),
            unit: r.str("unit").to_string(),
            met: r.flag("met"),
            slack: r.num("slack"),
        });
    }
    (norms, unmet)
}

/// Today's plan.json `shortfalls`: a town's demand the plan cannot serve has `where_`.
fn shortfall(v: &Json) -> Option<Unmet> {
    let place: Vec<&str> = v.get("where_")?.as_array()?.iter().filter_map(Json::as_str).collect();
    if place.is_empty() {
        return None;
    }
    let s = |k: &str| v.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    Some(Unmet {
        period: String::new(),
        norm: s("norm"),
        meaning: s("meaning"),
        place: place.join("、"),
        required: v.get("required").and_then(Json::as_f64),
        shortfall: v.get("shortfall").and_then(Json::as_f64),
        unit: s("unit"),
        cause: s("cause"),
    })
}

fn stability(t: &Table) -> Stability {
    let periods: Vec<String> = t.headers.iter().filter_map(|h| h.strip_prefix("share_")).map(str::to_string).collect();
    let mut st = Stability { periods, ..Stability::default() };
    for r in t.rows() {
        st.draws = st.draws.or(r.num("draws"));
        let by_period = st.periods.iter().map(|p| r.num(&format!("share_{p}"))).collect();
        let share = r.num("built_share").or(r.num("open_share")).unwrap_or(0.0);
        st.sites.push((r.str("candidate_id").to_string(), share, by_period));
    }
    st
}

fn backtest(r: &Row) -> Backtest {
    Backtest {
        group: r.str("group").to_string(),
        sex: r.str("sex").to_string(),
        p5: r.num("projected_p5"),
        p50: r.num("projected_p50"),
        p95: r.num("projected_p95"),
        census: r.num("census"),
        error: r.num("error"),
    }
}

fn json_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => "—".to_string(),
        other => other.to_string(),
    }
}

fn reproducibility(scenario: &toml::Value, simulate: Option<&Json>, plan: Option<&Json>) -> Reproducibility {
    let mut r = Reproducibility::default();
    for (name, m) in [("simulate", simulate), ("plan", plan)] {
        let Some(m) = m else { continue };
        let get = |k: &str| m.get(k).map(json_text).unwrap_or_default();
        if r.version.is_empty() {
            r.version = get("version");
        }
        r.seed = get("seed");
        r.draws = get("draws");
        let mut settings = vec![
            ("scenario".to_string(), get("scenario")),
            ("seed".to_string(), get("seed")),
            ("draws".to_string(), get("draws")),
            ("deterministic".to_string(), get("deterministic")),
        ];
        if let Some(Json::Object(s)) = m.get("settings") {
            settings.extend(s.iter().map(|(k, v)| (k.clone(), json_text(v))));
        }
        r.runs.push((name.to_string(), settings));
    }
    flatten("", scenario, &mut r.parameters);
    r
}

/// `a.b.c = value` lines of a TOML tree (arrays of numbers on one line).
fn flatten(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        toml::Value::Array(a) if a.iter().any(|x| x.is_table()) => {
            for (i, x) in a.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), x, out);
            }
        }
        toml::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::parse(Path::new("t.csv"), text, 0).unwrap()
    }

    #[test]
    fn todays_status_and_the_announced_action_read_alike() {
        let today = table("id,type,name,town_code,town_name,status,beds\nA,elderly_centre,甲,1,甲镇,expanded,60\n");
        let future = table("id,type,action,period,beds,capital_wan\nA,elderly_centre,expand,2021-2025,60,450\n");
        let a = site(&today.rows().next().unwrap());
        let b = site(&future.rows().next().unwrap());
        assert_eq!((a.action, b.action), (Action::Expand, Action::Expand));
        assert_eq!((a.beds, b.beds), (60.0, 60.0));
        assert_eq!((a.capital_wan, b.capital_wan), (None, Some(450.0)));
        assert_eq!(b.period, "2021-2025");
    }

    #[test]
    fn the_fifty_percent_band_is_read_only_when_written() {
        let s = county_series(&table("year,metric,mean,p5,p50,p95\n2025,aged60,10,8,10,12\n2020,aged60,9,9,9,9\n"));
        assert_eq!(s[0].points[0].0, 2020, "sorted by year");
        assert_eq!(s[0].at(2025).unwrap().p25, None);
        let s = county_series(&table("year,metric,mean,p5,p25,p50,p75,p95\n2025,aged60,10,8,9,10,11,12\n"));
        assert_eq!((s[0].points[0].1.p25, s[0].points[0].1.p75), (Some(9.0), Some(11.0)));
    }

    #[test]
    fn compliance_rows_with_a_cause_are_unmet_demand() {
        let t = table(
            "period,norm,meaning,source,required,planned,unit,met,slack,where,cause\n\
             2021-2025,nursing_bed_min_share,share,L1,100,120,beds,true,20,,\n\
             2021-2025,bed_demand,beds,,30,10,beds,false,-20,甲镇,no_site_within_limit\n\
             2021-2025,elderly_land_m2_per_resident_street,land,L2,500,800,m2,true,300,乙街道,\n",
        );
        let (norms, unmet) = compliance(&t);
        // The land row of one 街道 names its town but is a norm.
        assert_eq!(norms.len(), 2);
        assert_eq!(norms[1].norm, "elderly_land_m2_per_resident_street");
        assert!(norms[0].met && norms[0].source == "L1");
        assert_eq!(unmet.len(), 1);
        assert_eq!((unmet[0].place.as_str(), unmet[0].shortfall), ("甲镇", Some(20.0)));
        assert_eq!(unmet[0].cause, "no_site_within_limit");
    }

    #[test]
    fn stability_reads_todays_and_the_announced_columns() {
        let st = stability(&table("candidate_id,open_share,draws\nA,0.25,40\n"));
        assert_eq!((st.share("A"), st.draws), (Some(0.25), Some(40.0)));
        let st =
            stability(&table("candidate_id,built_share,draws,share_2021-2025,share_2026-2030\nA,0.5,40,0.4,0.1\n"));
        assert_eq!(st.periods, vec!["2021-2025", "2026-2030"]);
        assert_eq!(st.sites[0].2, vec![Some(0.4), Some(0.1)]);
    }

    #[test]
    fn pyramid_groups_are_ordered_by_age_whatever_the_row_order() {
        let p = pyramid(&table(
            "year,sex,age_group,mean,p5,p25,p50,p75,p95\n\
             2020,male,85+,1,1,1,1,1,1\n2020,female,0,2,2,2,2,2,2\n2020,male,1-4,3,3,3,3,3,3\n",
        ));
        assert_eq!(p.groups, vec!["0", "1-4", "85+"]);
        assert_eq!(p.years[0].1[2].p50, 1.0);
        assert_eq!(p.years[0].2[0].p50, 2.0);
    }
}
