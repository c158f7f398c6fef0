//! `civplan describe`: a readable summary of a scenario — its towns and
//! people, the facilities it has today measured against each norm, and what
//! the norms ask for in the plan's first target year (central projection).

use crate::demand::{simulate, SimOptions};
use crate::plan::{today, ComplianceRow, PlanDemand, PlanError, PlanOptions};
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
    pub facilities: Vec<FacilityLine>,
    pub today_year: u32,
    pub today: Vec<ComplianceRow>,
    pub target_year: u32,
    pub target: Vec<ComplianceRow>,
    pub target_demand: TargetDemand,
    /// The plan's registered (户籍) persons aged 60+ in the base year, and the
    /// census residents aged 60+, where the plan gives the former.
    pub registered_aged60: Option<(u64, f64)>,
}

/// County demand in the first target year (central projection).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TargetDemand {
    pub residents: f64,
    pub aged60: f64,
    pub bed_demand: f64,
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
        facilities,
        today_year: sim.years[0],
        today: now.compliance.into_iter().filter(|r| !r.demand_row).collect(),
        target_year: sim.years[target_idx],
        target: then.compliance.into_iter().filter(|r| !r.demand_row).collect(),
        target_demand,
        registered_aged60: s.config.population.registered_aged60_2020.zip(s.resident_aged60_2020()),
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
    if d.towns_without_coordinates > 0 {
        let _ = writeln!(
            o,
            "  note: {} towns have no public coordinate; travel to and from them is unknown (only their own seat counts as within reach)",
            d.towns_without_coordinates
        );
    }
    if let Some((reg, res)) = d.registered_aged60 {
        let _ = writeln!(
            o,
            "  registered (户籍) 60+ in the plan: {}; census residents 60+: {} (norms with base = \"registered\" count the former, scaled by the projection)",
            group(reg as i64),
            group(res.round() as i64)
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
