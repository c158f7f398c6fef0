//! Outputs of `civplan plan`: sites.csv, assignments.csv, compliance.csv and
//! plan.json (everything, with solver statistics, the seed and the resolved
//! parameters), plus the short table printed for the planner.

use super::atomic::OutputDir;
use super::manifest::Manifest;
use crate::plan::capacity::{totals, Provision};
use crate::plan::compliance::{evaluate, site_nursing_row, street_land_row, ComplianceRow, DemandTotals};
use crate::plan::travel::TravelTimes;
use crate::plan::{Plan, PlanDemand, Stability};
use crate::scenario::{FacilityType, Scenario, TownKind};
use serde::Serialize;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Norm-by-norm compliance of the plan (existing + planned facilities).
pub fn compliance(s: &Scenario, p: &Plan) -> Vec<ComplianceRow> {
    let d = &p.demand;
    let t = PlanDemand::total;
    let deaths = t(&d.deaths);
    let demand = DemandTotals {
        residents: t(&d.residents),
        aged60: t(&d.aged60),
        bed_demand: t(&d.bed_demand),
        tekun_disabled: t(&d.tekun_disabled),
        tekun_disabled_willing: t(&d.tekun_disabled_willing),
        halls_needed: t(&d.halls_needed),
        eco_plots: t(&d.eco_plots),
        grave_plots: t(&d.grave_plots),
        cremation_rate: if deaths > 0.0 { t(&d.cremations) / deaths } else { 0.0 },
    };
    let mut prov = crate::plan::capacity::existing(s);
    for site in p.sites.iter().filter(|x| x.status != "existing") {
        let cand = s.candidates.iter().find(|c| c.id == site.id);
        let kind = cand.map(|c| c.kind).unwrap_or(FacilityType::CareInstitution);
        prov.push(Provision {
            kind,
            town: s.town_index(&site.town_code),
            // An expansion adds capacity, not a facility.
            count: if cand.is_some_and(|c| c.expands.is_some()) { 0.0 } else { 1.0 },
            beds: site.beds,
            nursing_beds: site.nursing_beds,
            government: false,
            land_m2: site.land_m2,
            grave_plots: site.plots - site.eco_plots,
            eco_plots: site.eco_plots,
            halls: site.halls,
        });
    }
    let tt = TravelTimes::from_scenario(s);
    let round = |v: f64| (v * 1e6).round() / 1e6 + 0.0;
    let norms = &s.config.norms;
    let mut rows = evaluate(norms, &demand, &totals(s, &tt, &prov));
    if let Some(n) = norms.elderly_land_m2_per_resident.as_ref().filter(|n| n.per_street) {
        for (t, town) in s.towns.iter().enumerate().filter(|(_, t)| t.kind == TownKind::Street) {
            let land: f64 =
                prov.iter().filter(|p| p.town == Some(t) && p.kind.is_elderly_land()).map(|p| p.land_m2).sum();
            rows.push(street_land_row(n, &town.name, d.residents[t], land));
        }
    }
    if let Some(n) = norms.nursing_bed_min_share.as_ref().filter(|n| n.per_site) {
        for site in p.sites.iter().filter(|x| x.status != "existing" && x.beds > 0.0) {
            let kind = s.candidates.iter().find(|c| c.id == site.id).map(|c| c.kind);
            if matches!(kind, Some(FacilityType::ElderlyCentre | FacilityType::CareInstitution)) {
                rows.push(site_nursing_row(n, &site.id, site.beds, site.nursing_beds));
            }
        }
    }
    rows.into_iter()
        .map(|mut r| {
            r.required = round(r.required);
            r.planned = round(r.planned);
            r.slack = round(r.slack);
            r
        })
        .collect()
}

fn csv_of<T: Serialize>(rows: &[T]) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

#[derive(Serialize)]
struct SiteRow<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    name: &'a str,
    town_code: &'a str,
    town_name: &'a str,
    status: &'a str,
    beds: f64,
    nursing_beds: f64,
    land_m2: f64,
    plots: f64,
    eco_plots: f64,
    halls: f64,
    cost_yuan_per_year: f64,
    towns_served: String,
}

/// The whole plan as one JSON document.
#[derive(Serialize)]
struct PlanJson<'a> {
    manifest: &'a Manifest,
    feasible: bool,
    plan: &'a Plan,
    compliance: &'a [ComplianceRow],
}

/// Write the plan into `dir` atomically (simulate's files are kept).
pub fn write(s: &Scenario, p: &Plan, dir: &Path, manifest: &Manifest, st: Option<&Stability>) -> io::Result<PathBuf> {
    let rows = compliance(s, p);
    let out = OutputDir::create(dir)?;
    let sites: Vec<SiteRow> = p
        .sites
        .iter()
        .map(|x| SiteRow {
            id: &x.id,
            kind: x.kind,
            name: &x.name,
            town_code: &x.town_code,
            town_name: &x.town_name,
            status: x.status,
            beds: x.beds,
            nursing_beds: x.nursing_beds,
            land_m2: x.land_m2,
            plots: x.plots,
            eco_plots: x.eco_plots,
            halls: x.halls,
            cost_yuan_per_year: x.cost_yuan_per_year,
            towns_served: x.towns_served.join(";"),
        })
        .collect();
    out.write("sites.csv", csv_of(&sites)?)?;
    out.write("assignments.csv", csv_of(&p.assignments)?)?;
    out.write("compliance.csv", csv_of(&rows)?)?;
    let json = PlanJson { manifest, feasible: p.feasible(), plan: p, compliance: &rows };
    let mut text = serde_json::to_string_pretty(&json).map_err(io::Error::other)?;
    text.push('\n');
    out.write("plan.json", text)?;
    let mut out = out;
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
            let mut text = String::from("candidate_id,open_share,draws\n");
            for (id, v) in &st.open_share {
                let _ = writeln!(text, "{id},{v:.6},{}", st.draws);
            }
            out.write("stability.csv", text)?;
        }
        None => out.discard_old("stability.csv"),
    }
    crate::scenario::save(s, &out.path("inputs"))?;
    out.commit(true)
}

/// The short table for the terminal.
pub fn summary(s: &Scenario, p: &Plan) -> String {
    let mut o = String::new();
    let q = p.demand.quantile.map(|q| format!(", demand at p{:.0}", q * 100.0)).unwrap_or_default();
    let _ = writeln!(
        o,
        "{} plan for {}{q}: {}{} ({} independent block(s), {} solve(s))",
        s.config.meta.name,
        p.demand.year,
        p.status,
        match p.gap * 100.0 {
            g if g <= 0.0 => String::new(),
            g if g < 0.01 => ", within 0.01 % of the best possible cost".to_string(),
            g => format!(", within {g:.2} % of the best possible cost"),
        },
        p.blocks,
        p.solves
    );
    let _ = writeln!(
        o,
        "cost: {:.0} yuan/year build (annualised) + {:.0} yuan/year travel{}",
        p.build_cost_yuan_per_year,
        p.travel_cost_yuan_per_year,
        if p.robust.is_some() { " (mean over the draws)" } else { "" }
    );
    let _ = writeln!(o, "\nsites opened or expanded:");
    let _ = writeln!(
        o,
        "  {:<18} {:<22} {:<10} {:>7} {:>7} {:>9} {:>7} {:>5}",
        "id", "type", "town", "beds", "nursing", "land m2", "plots", "halls"
    );
    for x in p.sites.iter().filter(|x| x.status != "existing") {
        let _ = writeln!(
            o,
            "  {:<18} {:<22} {:<10} {:>7.0} {:>7.0} {:>9.0} {:>7.0} {:>5.0}",
            x.id, x.kind, x.town_name, x.beds, x.nursing_beds, x.land_m2, x.plots, x.halls
        );
    }
    let _ = writeln!(o, "\nnorms:");
    for r in compliance(s, p) {
        let _ = writeln!(
            o,
            "  {:<30} {:<4} required {:>12.1} planned {:>12.1} {}",
            r.norm,
            if r.met { "met" } else { "NOT" },
            r.required,
            r.planned,
            r.unit
        );
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
    if !p.shortfalls.is_empty() {
        let _ = writeln!(o, "\nINFEASIBLE: these cannot be met with the candidate sites:");
        for sf in &p.shortfalls {
            let _ = writeln!(
                o,
                "  {}: {} — short by {:.1} {} (required {:.1}, best possible {:.1}){}",
                sf.norm,
                sf.meaning,
                sf.shortfall,
                sf.unit,
                sf.required,
                sf.achievable,
                if sf.source.is_empty() { String::new() } else { format!(" [{}]", sf.source) }
            );
        }
    }
    o
}
