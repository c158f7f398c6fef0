//! Outputs of `civplan plan`: `sites.csv` (every site and what happens to
//! it), `projects.csv` (the 建设项目表), `periods.csv`, `compliance.csv`,
//! `assignments.csv`, `plan.json` (everything, with solver statistics and
//! the manifest), `stability.csv` and `robust.csv` when asked for, and the
//! terminal summary. Every figure comes from the solved plan's compliance
//! rows and decisions, so the files cannot disagree.

use super::atomic::OutputDir;
use super::manifest::Manifest;
use crate::demand::SimOptions;
use crate::plan::result::{Built, Change};
use crate::plan::{Action, ComplianceRow, Plan, PlanOptions, Stability};
use crate::scenario::{Facility, Scenario};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// A CSV number as a person writes it: 20, 0.294118, 445 (not 20.0).
fn plain<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn plain_opt<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

fn csv_of<T: Serialize>(rows: &[T]) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// One line of sites.csv.
#[derive(Debug, Clone, Serialize)]
pub struct SiteRow {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub town_code: String,
    pub town_name: String,
    pub action: &'static str,
    pub period: String,
    pub option_group: String,
    #[serde(serialize_with = "plain")]
    pub beds: f64,
    #[serde(serialize_with = "plain")]
    pub nursing_beds: f64,
    #[serde(serialize_with = "plain")]
    pub places: f64,
    #[serde(serialize_with = "plain")]
    pub halls: f64,
    #[serde(serialize_with = "plain")]
    pub plots: f64,
    #[serde(serialize_with = "plain")]
    pub eco_plots: f64,
    #[serde(serialize_with = "plain")]
    pub land_m2: f64,
    #[serde(serialize_with = "plain")]
    pub converted_beds: f64,
    #[serde(serialize_with = "plain")]
    pub transferred_beds: f64,
    #[serde(serialize_with = "plain")]
    pub closed_units: f64,
    #[serde(serialize_with = "plain")]
    pub capital_wan: f64,
    #[serde(serialize_with = "plain")]
    pub cost_yuan_per_year: f64,
    pub towns_served: String,
}

/// Towns each site serves (any period, any family).
fn served_by(p: &Plan) -> BTreeMap<&str, Vec<&str>> {
    let mut m: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in &p.assignments {
        let v = m.entry(a.site_id.as_str()).or_default();
        if !v.contains(&a.town_code.as_str()) {
            v.push(&a.town_code);
        }
    }
    m
}

/// Every existing facility (with what happens to it) and every build.
pub fn site_rows(s: &Scenario, p: &Plan) -> Vec<SiteRow> {
    let served = served_by(p);
    let towns = |id: &str| served.get(id).map(|v| v.join(";")).unwrap_or_default();
    let mut out = Vec::new();
    for f in &s.facilities {
        let mine: Vec<&Change> = p.changes.iter().filter(|c| c.id == f.id).collect();
        let amount = |a: Action| mine.iter().filter(|c| c.action == a).map(|c| c.amount).sum::<f64>();
        let action = [Action::Close, Action::Convert, Action::Transfer]
            .into_iter()
            .find(|a| mine.iter().any(|c| c.action == *a))
            .unwrap_or(Action::Keep);
        let (town_code, town_name) = town(s, f);
        let places = if f.kind == crate::scenario::FacilityType::DisabledCareCentre { f.beds } else { 0.0 };
        out.push(SiteRow {
            id: f.id.clone(),
            kind: f.kind.key(),
            name: f.name.clone(),
            town_code,
            town_name,
            action: action.key(),
            period: mine.iter().find(|c| c.action == action).map(|c| c.period.clone()).unwrap_or_default(),
            option_group: String::new(),
            beds: f.beds,
            nursing_beds: f.nursing_beds,
            places,
            halls: f.halls,
            plots: f.grave_plots + f.eco_plots,
            eco_plots: f.eco_plots,
            land_m2: f.land_m2,
            converted_beds: amount(Action::Convert),
            transferred_beds: amount(Action::Transfer),
            closed_units: amount(Action::Close),
            capital_wan: mine.iter().map(|c| c.capital_wan).sum(),
            cost_yuan_per_year: 0.0,
            towns_served: towns(&f.id),
        });
    }
    for b in &p.builds {
        out.push(SiteRow {
            id: b.id.clone(),
            kind: b.kind.key(),
            name: b.name.clone(),
            town_code: b.town_code.clone(),
            town_name: b.town_name.clone(),
            action: b.action.key(),
            period: b.period.clone(),
            option_group: b.option_group.clone(),
            beds: b.beds,
            nursing_beds: b.nursing_beds,
            places: b.places,
            halls: b.halls,
            plots: b.plots,
            eco_plots: b.eco_plots,
            land_m2: b.land_m2,
            converted_beds: 0.0,
            transferred_beds: 0.0,
            closed_units: 0.0,
            capital_wan: b.capital_wan,
            cost_yuan_per_year: b.cost_yuan_per_year,
            towns_served: towns(&b.id),
        });
    }
    out
}

fn town(s: &Scenario, f: &Facility) -> (String, String) {
    f.town_code
        .as_deref()
        .and_then(|c| s.town_index(c))
        .map(|t| (s.towns[t].code.clone(), s.towns[t].name.clone()))
        .unwrap_or_default()
}

/// One line of the 建设项目表.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectRow {
    pub no: usize,
    pub project: String,
    pub nature: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub site_id: String,
    pub town: String,
    #[serde(serialize_with = "plain")]
    pub beds: f64,
    #[serde(serialize_with = "plain")]
    pub nursing_beds: f64,
    #[serde(serialize_with = "plain")]
    pub places: f64,
    #[serde(serialize_with = "plain")]
    pub halls: f64,
    #[serde(serialize_with = "plain")]
    pub plots: f64,
    #[serde(serialize_with = "plain")]
    pub eco_plots: f64,
    #[serde(serialize_with = "plain")]
    pub land_m2: f64,
    #[serde(serialize_with = "plain")]
    pub converted_beds: f64,
    #[serde(serialize_with = "plain")]
    pub transferred_beds: f64,
    #[serde(serialize_with = "plain")]
    pub closed_units: f64,
    #[serde(serialize_with = "plain")]
    pub capital_wan: f64,
    pub period: String,
    pub funding: String,
    #[serde(serialize_with = "plain_opt")]
    pub plan_investment_wan: Option<f64>,
}

/// The two header rows of projects.csv: Chinese, then the English keys.
pub const PROJECT_HEADERS: [(&str, &str); 20] = [
    ("序号", "no"),
    ("项目名称", "project"),
    ("建设性质", "nature"),
    ("设施类型", "type"),
    ("选址编号", "site_id"),
    ("所在镇街", "town"),
    ("床位(张)", "beds"),
    ("护理型床位(张)", "nursing_beds"),
    ("集中照护床位(张)", "places"),
    ("治丧厅(个)", "halls"),
    ("墓位(个)", "plots"),
    ("生态墓位(个)", "eco_plots"),
    ("用地(平方米)", "land_m2"),
    ("改造床位(张)", "converted_beds"),
    ("移交床位(张)", "transferred_beds"),
    ("撤并(所)", "closed_units"),
    ("总投资(万元)", "capital_wan"),
    ("建设年限", "period"),
    ("资金来源", "funding"),
    ("规划所列投资(万元)", "plan_investment_wan"),
];

/// One row per project and decision, by period, builds before decisions on
/// existing stock.
pub fn project_rows(s: &Scenario, p: &Plan) -> Vec<ProjectRow> {
    let period_no = |label: &str| p.horizon.periods.iter().position(|x| x.label == label).unwrap_or(usize::MAX);
    let from_build = |b: &Built| ProjectRow {
        no: 0,
        project: b.name.clone(),
        nature: b.action.zh(),
        kind: b.kind.zh(),
        site_id: b.id.clone(),
        town: b.town_name.clone(),
        beds: b.beds,
        nursing_beds: b.nursing_beds,
        places: b.places,
        halls: b.halls,
        plots: b.plots,
        eco_plots: b.eco_plots,
        land_m2: b.land_m2,
        converted_beds: 0.0,
        transferred_beds: 0.0,
        closed_units: 0.0,
        capital_wan: b.capital_wan,
        period: b.period.clone(),
        funding: b.funding.clone(),
        plan_investment_wan: b.plan_investment_wan,
    };
    let from_change = |c: &Change| {
        let amount = |a: Action| if c.action == a { c.amount } else { 0.0 };
        let what = match c.action {
            Action::Convert => "护理型床位改造",
            Action::Transfer => "公建民营",
            _ => "撤并",
        };
        ProjectRow {
            no: 0,
            project: format!("{} {what}", c.name),
            nature: c.action.zh(),
            kind: c.kind.zh(),
            site_id: c.id.clone(),
            town: c.town_name.clone(),
            beds: 0.0,
            nursing_beds: 0.0,
            places: 0.0,
            halls: 0.0,
            plots: 0.0,
            eco_plots: 0.0,
            land_m2: 0.0,
            converted_beds: amount(Action::Convert),
            transferred_beds: amount(Action::Transfer),
            closed_units: amount(Action::Close),
            capital_wan: c.capital_wan,
            period: c.period.clone(),
            funding: String::new(),
            plan_investment_wan: None,
        }
    };
    let _ = s;
    let mut rows: Vec<(usize, usize, ProjectRow)> = p
        .builds
        .iter()
        .map(|b| (period_no(&b.period), 0, from_build(b)))
        .chain(p.changes.iter().map(|c| (period_no(&c.period), 1, from_change(c))))
        .collect();
    rows.sort_by_key(|r| (r.0, r.1));
    rows.into_iter()
        .enumerate()
        .map(|(i, (_, _, mut r))| {
            r.no = i + 1;
            r
        })
        .collect()
}

fn projects_csv(rows: &[ProjectRow]) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    w.write_record(PROJECT_HEADERS.iter().map(|h| h.0)).map_err(io::Error::other)?;
    w.write_record(PROJECT_HEADERS.iter().map(|h| h.1)).map_err(io::Error::other)?;
    for r in rows {
        w.serialize(r).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// periods.csv: one row per period, with one met/short column per norm.
fn periods_csv(p: &Plan) -> io::Result<Vec<u8>> {
    let mut keys: Vec<&str> = Vec::new();
    for r in p.compliance.iter().filter(|r| !r.demand_row) {
        if !keys.contains(&r.norm.as_str()) {
            keys.push(&r.norm);
        }
    }
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let mut head: Vec<String> = [
        "period",
        "start_year",
        "end_year",
        "capital_wan",
        "budget_wan",
        "beds",
        "nursing_beds",
        "nursing_share",
        "places",
        "halls",
        "plots",
        "eco_plots",
        "land_m2",
        "norms_met",
        "norms_short",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    head.extend(keys.iter().map(|k| k.to_string()));
    w.write_record(&head).map_err(io::Error::other)?;
    for x in &p.periods {
        let mut rec = vec![
            x.period.clone(),
            x.start_year.to_string(),
            x.end_year.to_string(),
            x.capital_wan.to_string(),
            x.budget_wan.map(|b| b.to_string()).unwrap_or_default(),
            x.beds.to_string(),
            x.nursing_beds.to_string(),
            x.nursing_share.to_string(),
            x.places.to_string(),
            x.halls.to_string(),
            x.plots.to_string(),
            x.eco_plots.to_string(),
            x.land_m2.to_string(),
            x.norms_met.len().to_string(),
            x.norms_short.len().to_string(),
        ];
        for k in &keys {
            let v = if x.norms_short.iter().any(|n| n == k) {
                "short"
            } else if x.norms_met.iter().any(|n| n == k) {
                "met"
            } else {
                ""
            };
            rec.push(v.to_string());
        }
        w.write_record(&rec).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

#[derive(Serialize)]
struct AssignmentRow<'a> {
    period: &'a str,
    family: &'static str,
    town_code: &'a str,
    town_name: &'a str,
    site_id: &'a str,
    #[serde(serialize_with = "plain")]
    amount: f64,
    /// Empty when the distance is unknown (a town without coordinates).
    #[serde(serialize_with = "plain_opt")]
    minutes: Option<f64>,
}

/// One line of compliance.csv (the same row as in plan.json).
#[derive(Serialize)]
struct ComplianceLine<'a> {
    period: &'a str,
    year: u32,
    norm: &'a str,
    meaning: &'a str,
    source: &'a str,
    binding: bool,
    province_default: bool,
    base: &'a str,
    #[serde(serialize_with = "plain")]
    required: f64,
    #[serde(serialize_with = "plain")]
    planned: f64,
    unit: &'a str,
    met: bool,
    #[serde(serialize_with = "plain")]
    slack: f64,
    #[serde(rename = "where")]
    where_: &'a str,
    site: &'a str,
    cause: Option<crate::plan::Cause>,
}

impl<'a> From<&'a ComplianceRow> for ComplianceLine<'a> {
    fn from(r: &'a ComplianceRow) -> Self {
        ComplianceLine {
            period: &r.period,
            year: r.year,
            norm: &r.norm,
            meaning: &r.meaning,
            source: &r.source,
            binding: r.binding,
            province_default: r.province_default,
            base: &r.base,
            required: r.required,
            planned: r.planned,
            unit: &r.unit,
            met: r.met,
            slack: r.slack,
            where_: &r.where_,
            site: &r.site,
            cause: r.cause,
        }
    }
}

/// The whole plan as one JSON document.
#[derive(Serialize)]
struct PlanJson<'a> {
    manifest: &'a Manifest,
    feasible: bool,
    shortfalls: Vec<&'a ComplianceRow>,
    plan: &'a Plan,
    #[serde(skip_serializing_if = "Option::is_none")]
    stability: Option<&'a Stability>,
}

/// How a plan run was asked for, beyond its [`PlanOptions`]: what
/// `plan.json`'s manifest records.
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    /// The scenario as the user named it.
    pub scenario_arg: String,
    /// `--stability N`.
    pub stability: Option<usize>,
    /// `--robust`: (draws, unmet-penalty factor).
    pub robust: Option<(usize, f64)>,
    /// `--set KEY=VALUE` overrides of scenario.toml, in order.
    pub overrides: Vec<String>,
}

/// The manifest of a plan run. `civplan plan` and every run of `civplan
/// batch` build it here, so a batch run and its replay write the same bytes.
pub fn manifest(s: &Scenario, opts: &PlanOptions, sim: &SimOptions, run: &RunSettings) -> Manifest {
    let mut m =
        Manifest::new("plan", &run.scenario_arg, &s.config.meta.name_pinyin, sim.seed, sim.draws, sim.deterministic);
    let horizon = opts.horizon(s);
    m.settings = serde_json::json!({
        "periods": horizon.periods.iter().map(|p| p.label.clone()).collect::<Vec<_>>(),
        "quantile": opts.quantile(s),
        "travel_yuan_per_person_minute": opts.travel_weight.unwrap_or(s.config.costs.travel_yuan_per_person_minute),
        "mip_rel_gap": opts.solve.mip_rel_gap,
        "time_limit_s": opts.solve.time_limit_s,
        "highs_threads": opts.solve.threads,
        "stability_draws": run.stability,
        "robust": run.robust.is_some(),
        "robust_draws": run.robust.map(|r| r.0),
        "unmet_penalty_factor": run.robust.map(|r| r.1),
        "nursing_per_site": s.config.norms.get("nursing_bed_min_share").is_some_and(|n| n.per_site),
        "land_per_street": s.config.norms.get("elderly_land_m2_per_resident").is_some_and(|n| n.per_street),
    });
    // Only when given, so plans without overrides keep their bytes.
    if !run.overrides.is_empty() {
        m.settings["overrides"] = serde_json::json!(run.overrides);
    }
    m
}

/// Write the plan into `dir` atomically (simulate's files are kept).
pub fn write(s: &Scenario, p: &Plan, dir: &Path, manifest: &Manifest, st: Option<&Stability>) -> io::Result<PathBuf> {
    let mut out = OutputDir::create(dir)?;
    out.write("sites.csv", csv_of(&site_rows(s, p))?)?;
    out.write("projects.csv", projects_csv(&project_rows(s, p))?)?;
    out.write("periods.csv", periods_csv(p)?)?;
    let compliance: Vec<ComplianceLine> = p.compliance.iter().map(ComplianceLine::from).collect();
    out.write("compliance.csv", csv_of(&compliance)?)?;
    let assignments: Vec<AssignmentRow> = p
        .assignments
        .iter()
        .map(|a| AssignmentRow {
            period: &a.period,
            family: a.family.key(),
            town_code: &a.town_code,
            town_name: &a.town_name,
            site_id: &a.site_id,
            amount: a.amount,
            minutes: a.minutes,
        })
        .collect();
    out.write("assignments.csv", csv_of(&assignments)?)?;
    let json =
        PlanJson { manifest, feasible: p.feasible(), shortfalls: p.shortfalls().collect(), plan: p, stability: st };
    let mut text = serde_json::to_string_pretty(&json).map_err(io::Error::other)?;
    text.push('\n');
    out.write("plan.json", text)?;
    match &p.robust {
        Some(r) => {
            let mut text =
                String::from("family,expected_unmet,worst_unmet,worst_draw,draws_short,draws,penalty_yuan_per_unit\n");
            for f in &r.families {
                let _ = writeln!(
                    text,
                    "{},{},{},{},{},{},{}",
                    f.family.key(),
                    f.expected,
                    f.worst,
                    f.worst_draw,
                    f.draws_short,
                    r.draws,
                    f.penalty_yuan_per_unit
                );
            }
            out.write("robust.csv", text)?;
        }
        None => out.discard_old("robust.csv"),
    }
    match st {
        Some(st) => {
            let mut text = String::from("candidate_id,built_share");
            for label in &st.periods {
                let _ = write!(text, ",share_{label}");
            }
            text.push_str(",draws\n");
            for (id, v, by) in &st.built {
                let _ = write!(text, "{id},{v:.6}");
                for x in by {
                    let _ = write!(text, ",{x:.6}");
                }
                let _ = writeln!(text, ",{}", st.draws);
            }
            out.write("stability.csv", text)?;
        }
        None => out.discard_old("stability.csv"),
    }
    crate::scenario::save(s, &out.path("inputs"))?;
    out.commit(true)
}

fn fmt_gap(gap: f64) -> String {
    match gap * 100.0 {
        g if g <= 0.0 => String::new(),
        g if g < 0.01 => ", within 0.01 % of the best possible cost".to_string(),
        g => format!(", within {g:.2} % of the best possible cost"),
    }
}

/// The programme for the terminal, period by period.
pub fn summary(s: &Scenario, p: &Plan) -> String {
    let mut o = String::new();
    let q = p.quantile.map(|q| format!(", demand at p{:.0}", q * 100.0)).unwrap_or_default();
    let periods: Vec<&str> = p.horizon.periods.iter().map(|x| x.label.as_str()).collect();
    let _ = writeln!(
        o,
        "{} plan for {}{q}: {}{} ({} block(s), {} solve(s))",
        s.config.meta.name,
        periods.join(", "),
        p.status,
        fmt_gap(p.gap),
        p.blocks,
        p.solves
    );
    let _ = writeln!(
        o,
        "capital {:.0} 万元; present value {:.0} 万元 (capital {:.0}, running {:.0}, travel {:.0}{})",
        p.capital_wan,
        p.objective_pv_yuan / 1e4,
        p.capital_pv_yuan / 1e4,
        p.operating_pv_yuan / 1e4,
        p.travel_pv_yuan / 1e4,
        if p.robust.is_some() { format!(", unmet {:.0}", p.unmet_pv_yuan / 1e4) } else { String::new() }
    );
    let stated: Vec<&Built> = p.builds.iter().filter(|b| b.plan_investment_wan.is_some()).collect();
    if !stated.is_empty() {
        let plan_total: f64 = stated.iter().filter_map(|b| b.plan_investment_wan).sum();
        let est: f64 = stated.iter().map(|b| b.estimate_wan).sum();
        let _ = writeln!(
            o,
            "the plan's own investment for the {} projects it prices: {plan_total:.0} 万元 (civplan's unit costs would give {est:.0} 万元)",
            stated.len()
        );
    }
    for (k, period) in p.horizon.periods.iter().enumerate() {
        let x = &p.periods[k];
        let budget = x.budget_wan.map(|b| format!(" of a budget of {b:.0}")).unwrap_or_default();
        let _ = writeln!(o, "\n{} — capital {:.0} 万元{budget}", period.label, x.capital_wan);
        let builds: Vec<&Built> = p.builds.iter().filter(|b| b.period == period.label).collect();
        let changes: Vec<&Change> = p.changes.iter().filter(|c| c.period == period.label).collect();
        if builds.is_empty() && changes.is_empty() {
            let _ = writeln!(o, "  nothing built or changed");
        }
        for b in &builds {
            let size = match (b.beds, b.halls, b.plots) {
                (beds, _, _) if beds > 0.0 => format!("{beds:.0} beds ({:.0} nursing)", b.nursing_beds),
                (_, halls, _) if halls > 0.0 => format!("{halls:.0} halls"),
                (_, _, plots) => format!("{plots:.0} plots ({:.0} eco)", b.eco_plots),
            };
            let _ = writeln!(
                o,
                "  {:<6} {:<16} {:<24} {:<8} {size}, {:.0} 万元",
                b.action.zh(),
                b.id,
                b.kind.zh(),
                b.town_name,
                b.capital_wan
            );
        }
        for c in &changes {
            let _ = writeln!(
                o,
                "  {:<6} {:<16} {:<24} {:<8} {:.0} {}, {:.0} 万元",
                c.action.zh(),
                c.id,
                c.kind.zh(),
                c.town_name,
                c.amount,
                c.unit,
                c.capital_wan
            );
        }
        let _ = writeln!(
            o,
            "  beds {:.0} ({:.1} % nursing), places {:.0}, halls {:.0}, plots {:.0}",
            x.beds,
            x.nursing_share * 100.0,
            x.places,
            x.halls,
            x.plots
        );
        for r in p.compliance.iter().filter(|r| r.period == period.label && !r.demand_row) {
            let _ = writeln!(
                o,
                "  {:<36} {:<4} required {:>12.1} planned {:>12.1} {}{}",
                r.norm,
                if r.met { "met" } else { "NOT" },
                r.required,
                r.planned,
                r.unit,
                if r.where_.is_empty() { String::new() } else { format!(" ({})", r.where_) }
            );
        }
    }
    if let Some(r) = &p.robust {
        let _ = writeln!(
            o,
            "\nrobust plan over {} draws (unmet demand at {} × the annualised unit cost; mean penalty {:.0} yuan/year):",
            r.draws, r.penalty_factor, r.unmet_cost_yuan_per_year
        );
        for f in &r.families {
            let _ = writeln!(
                o,
                "  {:<7} unmet: expected {:>10.1}  worst {:>10.1}{}  short in {} of {} draws",
                f.family.key(),
                f.expected,
                f.worst,
                if f.worst > 0.0 { format!(" (draw {})", f.worst_draw) } else { String::new() },
                f.draws_short,
                r.draws
            );
        }
    }
    for pl in &p.placements {
        let _ = writeln!(
            o,
            "\nassumed: the existing {} whose towns the plan does not give are in {} (the most populous towns without one)",
            pl.kind.zh(),
            pl.towns.join(", ")
        );
    }
    let short: Vec<&ComplianceRow> = p.shortfalls().collect();
    if !short.is_empty() {
        let _ = writeln!(o, "\nNOT MET ({} rows): the best the candidates allow:", short.len());
        for r in short {
            let cause = r
                .cause
                .map(|c| {
                    format!(
                        " — {}",
                        serde_json::to_value(c).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {} {}: {} — short by {:.1} {} (required {:.1}, planned {:.1}){cause}{}",
                r.period,
                r.norm,
                r.meaning,
                -r.slack,
                r.unit,
                r.required,
                r.planned,
                if r.source.is_empty() { String::new() } else { format!(" [{}]", r.source) }
            );
        }
    }
    o
}
