//! `civplan describe`: a readable summary of a scenario — its towns and
//! people, the facilities it has today measured against each norm, and what
//! the norms ask for in the plan's first target year (central projection).

use crate::demand::{simulate, Metric, SimOptions};
use crate::demography::census::{DeathRateCheck, MigrationFit};
use crate::demography::Projector;
use crate::plan::{today, ComplianceRow, PlanDemand, PlanError, PlanOptions};
use crate::scenario::{village_unit_weights, AgeScope};
use crate::scenario::{FacilityType, Scenario, TownClass, TownKind};
use serde::Serialize;
use std::fmt::Write as _;

/// Everything `describe` prints, also available as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Description {
    pub county: String,
    pub county_pinyin: String,
    pub province: String,
    pub plan: String,
    pub towns: usize,
    pub streets: usize,
    pub towns_proper: usize,
    pub townships: usize,
    pub urban_towns: usize,
    pub residents_2020: u64,
    /// Towns whose 2020 residents were derived by the split rule.
    pub residents_derived_towns: usize,
    /// Towns with no public coordinate (reachable only from themselves).
    pub towns_without_coordinates: usize,
    pub aged60_share_2020: f64,
    /// The base population and how it was built.
    pub population: PopulationLine,
    /// Migration fitted to the 2010 and 2020 censuses (None: assumed rates).
    pub migration: Option<MigrationFit>,
    /// The model's 2010 crude death rate against the census one.
    pub death_rate: Option<DeathRateCheck>,
    pub facilities: Vec<FacilityLine>,
    pub today_year: u32,
    pub today: Vec<ComplianceRow>,
    pub target_year: u32,
    pub target: Vec<ComplianceRow>,
    pub target_demand: TargetDemand,
}

/// County demand in the first target year (central projection).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TargetDemand {
    pub residents: f64,
    pub aged60: f64,
    pub bed_demand: f64,
}

/// The base year's population: census counts, derived towns, registered base.
#[derive(Debug, Clone, Serialize)]
pub struct PopulationLine {
    /// "county" (the county's census table) or "reference" (a shape).
    pub age_structure_scope: &'static str,
    pub aged60: f64,
    pub aged65: f64,
    pub aged80: f64,
    /// Towns whose residents were derived, by name.
    pub derived_towns: Vec<String>,
    /// Persons per 居委会 and per 村委会 of the village-unit rule, if it applied.
    pub village_unit_weights: Option<(f64, f64)>,
    /// 特困 persons in the base year (central parameters).
    pub tekun: f64,
    /// Registered (户籍) 60+ from the plan, and registered ÷ resident 60+.
    pub registered_aged60: Option<u64>,
    pub registered_ratio_aged60: Option<f64>,
}

/// Existing stock of one facility type.
#[derive(Debug, Clone, Serialize)]
pub struct FacilityLine {
    pub kind: &'static str,
    pub zh: &'static str,
    pub count: u32,
    pub beds: f64,
    pub nursing_beds: f64,
    pub land_m2: f64,
    pub grave_plots: f64,
    pub eco_plots: f64,
    pub halls: f64,
}

/// Summarise a validated scenario. Runs the central (deterministic)
/// projection, and evaluates every norm on today's stock (used as well as it
/// can be, by the planning model with no decisions) for the base year and
/// the first target year.
pub fn describe(s: &Scenario) -> Result<Description, PlanError> {
    let sim = simulate(s, &SimOptions { deterministic: true, progress: false, ..SimOptions::from_scenario(s) });
    // Output years are the base year then the target years; the first
    // target year is the plan's horizon (2025 for the 14th Five-Year plans).
    let target_idx = if sim.years.len() > 1 { 1 } else { 0 };
    let opts = PlanOptions::default();
    let now = today(s, &sim, sim.years[0], &opts)?;
    let then = today(s, &sim, sim.years[target_idx], &opts)?;
    let d = &then.demand[0];
    let target_demand = TargetDemand {
        residents: PlanDemand::total(&d.residents),
        aged60: PlanDemand::total(&d.aged60),
        bed_demand: PlanDemand::total(&d.bed_demand),
    };
    let today_demand = &now.demand[0];
    let residents_today = PlanDemand::total(&today_demand.residents);
    let count_kind = |k: TownKind| s.towns.iter().filter(|t| t.kind == k).count();
    let facilities = FacilityType::ALL
        .iter()
        .filter_map(|&k| {
            let rows: Vec<_> = s.facilities.iter().filter(|f| f.kind == k).collect();
            (!rows.is_empty()).then(|| FacilityLine {
                kind: k.key(),
                zh: k.zh(),
                count: rows.iter().map(|f| f.count).sum(),
                beds: rows.iter().map(|f| f.beds).sum(),
                nursing_beds: rows.iter().map(|f| f.nursing_beds).sum(),
                land_m2: rows.iter().map(|f| f.land_m2).sum(),
                grave_plots: rows.iter().map(|f| f.grave_plots).sum(),
                eco_plots: rows.iter().map(|f| f.eco_plots).sum(),
                halls: rows.iter().map(|f| f.halls).sum(),
            })
        })
        .collect();
    let proj = Projector::new(s);
    let base = |m: Metric| sim.county_values(0, m)[0];
    let p = &s.config.population;
    let population = PopulationLine {
        age_structure_scope: match p.age_structure_scope {
            AgeScope::County => "county",
            AgeScope::Reference => "reference",
        },
        aged60: base(Metric::Aged60),
        aged65: base(Metric::Aged65),
        aged80: base(Metric::Aged80),
        derived_towns: s.towns.iter().filter(|t| t.residents_derived).map(|t| t.name.clone()).collect(),
        village_unit_weights: (s.towns.iter().any(|t| t.residents_derived)
            && s.towns.iter().all(|t| t.residents_2010.is_none()))
        .then(|| {
            let rows: Vec<(usize, crate::scenario::Town)> = s.towns.iter().cloned().enumerate().collect();
            village_unit_weights(&rows, p.urban_residents_2020, p.rural_residents_2020)
        })
        .flatten(),
        tekun: base(Metric::Tekun),
        registered_aged60: p.registered_aged60_2020,
        registered_ratio_aged60: s.registered_ratio_aged60(),
    };
    let m = &s.config.meta;
    Ok(Description {
        county: m.name.clone(),
        county_pinyin: m.name_pinyin.clone(),
        province: m.province.clone(),
        plan: format!("{} ({})", m.plan_title, m.plan_document),
        towns: s.towns.len(),
        streets: count_kind(TownKind::Street),
        towns_proper: count_kind(TownKind::Town),
        townships: count_kind(TownKind::Township),
        urban_towns: s.towns.iter().filter(|t| t.class == TownClass::Urban).count(),
        residents_2020: s.residents_2020(),
        residents_derived_towns: s.towns.iter().filter(|t| t.residents_derived).count(),
        towns_without_coordinates: s.towns.iter().filter(|t| t.lat.is_none()).count(),
        aged60_share_2020: if residents_today > 0.0 {
            PlanDemand::total(&today_demand.aged60) / residents_today
        } else {
            0.0
        },
        population,
        migration: proj.migration_fit.clone(),
        death_rate: proj.death_rate_check.clone(),
        facilities,
        today_year: sim.years[0],
        today: now.compliance.into_iter().filter(|r| !r.demand_row).collect(),
        target_year: sim.years[target_idx],
        target: then.compliance.into_iter().filter(|r| !r.demand_row).collect(),
        target_demand,
    })
}

fn fmt_num(v: f64) -> String {
    if v.abs() >= 100.0 || v == v.round() {
        group(v.round() as i64)
    } else {
        format!("{v:.2}")
    }
}

/// 1234567 → 1,234,567.
fn group(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn compliance_table(out: &mut String, rows: &[ComplianceRow]) {
    let _ = writeln!(out, "  {:<30} {:>12} {:>12}  {:<6} unit / meaning", "norm", "required", "existing", "met");
    for r in rows {
        let met = if r.met { "yes" } else { "NO" };
        let show = |v: f64| if r.unit.starts_with("share") { format!("{:.1}%", v * 100.0) } else { fmt_num(v) };
        let tag = if r.province_default { " [province default]" } else { "" };
        let _ = writeln!(
            out,
            "  {:<30} {:>12} {:>12}  {:<6} {} — {}{}",
            r.norm,
            show(r.required),
            show(r.planned),
            met,
            r.unit,
            r.meaning,
            tag
        );
    }
}

fn pct(v: f64) -> String {
    format!("{:+.2}%", v * 100.0)
}

/// The population, migration and mortality part of the summary.
fn render_population(o: &mut String, d: &Description) {
    let p = &d.population;
    let r = d.residents_2020 as f64;
    let share = |v: f64| if r > 0.0 { 100.0 * v / r } else { 0.0 };
    let _ = writeln!(
        o,
        "  base: {} ({}); 60+ {} ({:.2}%), 65+ {} ({:.2}%), 80+ {} ({:.2}% of residents, {:.1}% of 60+)",
        if p.age_structure_scope == "county" {
            "the county's census table, sex × age group"
        } else {
            "a reference shape rescaled to the county's shares"
        },
        if p.age_structure_scope == "county" { "exact in every draw" } else { "approximate" },
        group(p.aged60.round() as i64),
        share(p.aged60),
        group(p.aged65.round() as i64),
        share(p.aged65),
        group(p.aged80.round() as i64),
        share(p.aged80),
        if p.aged60 > 0.0 { 100.0 * p.aged80 / p.aged60 } else { 0.0 },
    );
    if let (Some(reg), Some(ratio)) = (p.registered_aged60, p.registered_ratio_aged60) {
        let _ = writeln!(
            o,
            "  registered (户籍) 60+: {} (the plan's figure) = {:.3} × the resident 60+; norms on the registered base scale resident projections by it",
            group(reg as i64),
            ratio
        );
    }
    let _ = writeln!(o, "  特困 persons {}: {} (central)", d.today_year, fmt_num(p.tekun));
    if !p.derived_towns.is_empty() {
        let rule = match p.village_unit_weights {
            Some((a, b)) => format!("village-unit rule: {} per 居委会, {} per 村委会", fmt_num(a), fmt_num(b)),
            None => "split rule".into(),
        };
        let _ = writeln!(o, "  derived town residents ({rule}): {}", p.derived_towns.join(", "));
    }
    if let Some(c) = &d.death_rate {
        let verdict = match (c.large, c.scale != 1.0) {
            (true, true) => format!("large gap: m(x) scaled by {:.3}", c.scale),
            (true, false) => "large gap; level not adjusted (demography.mortality.cdr_adjust = false)".into(),
            _ => "within tolerance".into(),
        };
        let _ = writeln!(
            o,
            "  mortality: 2010 crude death rate, model {:.2}‰ vs census {:.2}‰ (gap {}; {verdict}); e0 {:.2} (m) / {:.2} (f)",
            c.model_per_1000,
            c.census_per_1000,
            pct(c.gap_share),
            c.e0_years[0],
            c.e0_years[1]
        );
    }
    if let Some(f) = &d.migration {
        let _ = writeln!(
            o,
            "  migration fitted to the 2010 and 2020 censuses (cohort residual; annual rate per survivor, applied at mid-decade ages):"
        );
        let _ = writeln!(o, "    {:<7} {:>9} {:>9} {:>10} {:>10}  ages", "2020", "male", "female", "net m", "net f");
        for g in &f.groups {
            let ages = match g.applied_ages {
                Some((lo, hi)) => crate::demography::base::group_label(lo, hi),
                None => "-".into(),
            };
            let _ = writeln!(
                o,
                "    {:<7} {:>9} {:>9} {:>10} {:>10}  {}",
                g.group,
                pct(g.annual_rate[0]),
                pct(g.annual_rate[1]),
                group(g.net_migrants[0].round() as i64),
                group(g.net_migrants[1].round() as i64),
                ages
            );
        }
        if let Some(gap) = f.urban_rural_gap {
            let _ = writeln!(
                o,
                "    urban/rural: census 城镇 vs 乡村 growth gap {}/yr → a fixed yearly transfer: urban-class towns {}, rural-class {} of their 2020 residents (by age profile; nets to zero)",
                pct(gap),
                pct(f.class_shift[0]),
                pct(f.class_shift[1])
            );
        }
    }
}

/// The summary as text for the terminal.
pub fn render(d: &Description) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} ({}), {}", d.county, d.county_pinyin, d.province);
    let _ = writeln!(o, "plan: {}", d.plan);
    let _ = writeln!(
        o,
        "towns: {} 镇街 ({} 街道, {} 镇, {} 乡; {} urban)",
        d.towns, d.streets, d.towns_proper, d.townships, d.urban_towns
    );
    let _ = writeln!(
        o,
        "residents {}: {}, aged 60+: {:.2}%",
        d.today_year,
        group(d.residents_2020 as i64),
        d.aged60_share_2020 * 100.0
    );
    if d.residents_derived_towns > 0 {
        let _ = writeln!(
            o,
            "  note: {} of {} towns have no published 2020 figure; their residents are derived from the county total (see the scenario's SOURCES.md)",
            d.residents_derived_towns, d.towns
        );
    }
    render_population(&mut o, d);
    if d.towns_without_coordinates > 0 {
        let _ = writeln!(
            o,
            "  note: {} towns have no public coordinate; travel to and from them is unknown (only their own seat counts as within reach)",
            d.towns_without_coordinates
        );
    }
    let _ = writeln!(o, "\nexisting facilities:");
    for f in &d.facilities {
        let mut parts = vec![format!("{} × {} ({})", f.count, f.kind, f.zh)];
        for (v, unit) in [
            (f.beds, "beds"),
            (f.nursing_beds, "nursing beds"),
            (f.land_m2, "m² land"),
            (f.grave_plots, "grave plots"),
            (f.eco_plots, "eco plots"),
            (f.halls, "halls"),
        ] {
            if v > 0.0 {
                parts.push(format!("{} {unit}", fmt_num(v)));
            }
        }
        let _ = writeln!(o, "  {}", parts.join(", "));
    }
    let _ = writeln!(
        o,
        "\nnorms against existing facilities, {} (census base; stock used as well as it can be):",
        d.today_year
    );
    compliance_table(&mut o, &d.today);
    let _ = writeln!(
        o,
        "\nwhat the norms ask for in {} (central projection: {} residents, {} aged 60+, {} beds demanded):",
        d.target_year,
        group(d.target_demand.residents.round() as i64),
        group(d.target_demand.aged60.round() as i64),
        group(d.target_demand.bed_demand.round() as i64)
    );
    compliance_table(&mut o, &d.target);
    o
}

#[cfg(test)]
mod tests {
    use super::group;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(group(-1000), "-1,000");
        assert_eq!(group(999), "999");
    }
}
