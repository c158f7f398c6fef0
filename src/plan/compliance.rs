//! What each norm requires and whether a set of facilities meets it. One
//! function serves `describe` (existing facilities, today) and `plan`
//! (existing + planned, target year), so both read the norms alike.

use crate::scenario::{Norm, Norms};
use serde::Serialize;

/// Demand-side totals for the county in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct DemandTotals {
    pub residents: f64,
    pub aged60: f64,
    pub bed_demand: f64,
    pub tekun_disabled: f64,
    pub tekun_disabled_willing: f64,
    pub halls_needed: f64,
    pub eco_plots: f64,
    pub grave_plots: f64,
    /// The cremation rate the demand assumes for the year.
    pub cremation_rate: f64,
}

impl DemandTotals {
    /// County totals of one output year of a simulation, each metric at
    /// quantile `q` of its county total across draws (a deterministic run
    /// has one draw, so any q gives the central value).
    pub fn from_simulation(sim: &crate::demand::Simulation, year: usize, q: f64) -> Self {
        use crate::demand::{quantile_sorted, Metric};
        let at = |m: Metric| {
            let mut v = sim.county_values(year, m);
            v.sort_by(|a, b| a.total_cmp(b));
            quantile_sorted(&v, q)
        };
        let deaths = at(Metric::Deaths);
        DemandTotals {
            residents: at(Metric::Residents),
            aged60: at(Metric::Aged60),
            bed_demand: at(Metric::BedDemand),
            tekun_disabled: at(Metric::TekunDisabled),
            tekun_disabled_willing: at(Metric::TekunDisabledWilling),
            halls_needed: at(Metric::HallsNeeded),
            eco_plots: at(Metric::EcoPlotsCum),
            grave_plots: at(Metric::GravePlotsCum),
            cremation_rate: if deaths > 0.0 { at(Metric::Cremations) / deaths } else { 0.0 },
        }
    }
}

/// Supply-side totals: what the facilities provide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Capacity {
    pub beds: f64,
    pub nursing_beds: f64,
    pub government_beds: f64,
    pub land_m2: f64,
    /// 镇街 with a comprehensive elderly-care centre, and all 镇街.
    pub towns_with_centre: f64,
    pub towns: f64,
    pub disabled_care_centres: f64,
    pub disabled_care_places: f64,
    pub funeral_stations: f64,
    pub halls: f64,
    pub public_cemeteries: f64,
    pub eco_plots: f64,
    pub grave_plots: f64,
    /// Shares of residents within each radius of a facility of the tier
    /// (None when no facility of the tier has a known town).
    pub service_covered_share: Option<f64>,
    pub regional_covered_share: Option<f64>,
    pub funeral_covered_share: Option<f64>,
    pub cemetery_covered_share: Option<f64>,
}

/// One line of compliance.csv.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceRow {
    pub norm: String,
    pub meaning: String,
    pub source: String,
    pub binding: bool,
    pub province_default: bool,
    pub required: f64,
    pub planned: f64,
    pub unit: String,
    pub met: bool,
    /// planned − required for a minimum, required − planned for a maximum:
    /// negative = shortfall.
    pub slack: f64,
}

/// Tolerance for "met": solver round-off on large figures.
const TOL: f64 = 1e-6;

fn row(key: &str, n: &Norm, meaning: &str, required: f64, planned: f64, unit: &str, is_max: bool) -> ComplianceRow {
    let slack = if is_max { required - planned } else { planned - required };
    ComplianceRow {
        norm: key.to_string(),
        meaning: meaning.to_string(),
        source: n.source.clone(),
        binding: n.binding,
        province_default: n.province_default,
        required,
        planned,
        unit: unit.to_string(),
        met: slack >= -TOL * (1.0 + required.abs()),
        slack,
    }
}

/// The land norm in one 街道 (`per_street`): land located there ≥ norm ×
/// the street's residents.
pub fn street_land_row(n: &Norm, street: &str, residents: f64, land_m2: f64) -> ComplianceRow {
    let meaning = format!("elderly-service land in {street} ≥ norm × its residents");
    row("elderly_land_m2_per_resident_street", n, &meaning, n.value * residents, land_m2, "m2", false)
}

/// The nursing-bed share at one planned site (`per_site`), over the beds
/// the plan adds there.
pub fn site_nursing_row(n: &Norm, site: &str, beds: f64, nursing_beds: f64) -> ComplianceRow {
    let meaning = format!("nursing beds at {site} ≥ share × its new beds");
    row("nursing_bed_min_share_site", n, &meaning, n.value * beds, nursing_beds, "beds", false)
}

/// Places required by the centralised-care norm.
pub fn centralised_places_required(n: &Norm, d: &DemandTotals) -> f64 {
    let basis = if n.basis.as_deref() == Some("willing") { d.tekun_disabled_willing } else { d.tekun_disabled };
    n.value * basis
}

/// Evaluate every norm the county has.
pub fn evaluate(norms: &Norms, d: &DemandTotals, c: &Capacity) -> Vec<ComplianceRow> {
    let mut out = Vec::new();
    if let Some(n) = &norms.elderly_land_m2_per_resident {
        out.push(row(
            "elderly_land_m2_per_resident",
            n,
            "elderly-service land ≥ norm × residents",
            n.value * d.residents,
            c.land_m2,
            "m2",
            false,
        ));
    }
    if let Some(n) = &norms.nursing_bed_min_share {
        out.push(row(
            "nursing_bed_min_share",
            n,
            "nursing beds ≥ share × all beds",
            n.value * c.beds,
            c.nursing_beds,
            "beds",
            false,
        ));
    }
    if let Some(n) = &norms.beds_per_1000_elderly_min {
        out.push(row(
            "beds_per_1000_elderly_min",
            n,
            "beds ≥ norm per 1,000 residents aged 60+",
            n.value * d.aged60 / 1000.0,
            c.beds,
            "beds",
            false,
        ));
    }
    if let Some(n) = &norms.total_beds_min {
        out.push(row("total_beds_min", n, "total institutional beds", n.value, c.beds, "beds", false));
    }
    if let Some(n) = &norms.centralised_care_min_share {
        let what = if n.basis.as_deref() == Some("willing") {
            "centralised places ≥ share × willing disabled 特困 persons"
        } else {
            "centralised places ≥ share × disabled 特困 persons"
        };
        out.push(row(
            "centralised_care_min_share",
            n,
            what,
            centralised_places_required(n, d),
            c.disabled_care_places,
            "places",
            false,
        ));
    }
    if let Some(n) = &norms.centre_coverage_min_share {
        out.push(row(
            "centre_coverage_min_share",
            n,
            "镇街 with a comprehensive elderly-care centre",
            (n.value * c.towns).ceil(),
            c.towns_with_centre,
            "镇街",
            false,
        ));
    }
    if let Some(n) = &norms.disabled_care_centres_min {
        out.push(row(
            "disabled_care_centres_min",
            n,
            "concentrated care centres for disabled 特困 persons",
            n.value,
            c.disabled_care_centres,
            "centres",
            false,
        ));
    }
    if let Some(n) = &norms.government_bed_share_max {
        out.push(row(
            "government_bed_share_max",
            n,
            "government-run beds ≤ share × all beds",
            n.value * c.beds,
            c.government_beds,
            "beds",
            true,
        ));
    }
    if let Some(n) = &norms.funeral_stations_min {
        out.push(row(
            "funeral_stations_min",
            n,
            "funeral service stations",
            n.value,
            c.funeral_stations,
            "stations",
            false,
        ));
    }
    if let Some(n) = &norms.public_cemeteries_min {
        out.push(row(
            "public_cemeteries_min",
            n,
            "public-welfare cemeteries",
            n.value,
            c.public_cemeteries,
            "cemeteries",
            false,
        ));
    }
    if let Some(n) = &norms.eco_burial_plots_min {
        out.push(row("eco_burial_plots_min", n, "eco-burial plots", n.value, c.eco_plots, "plots", false));
    }
    let radius = |key: &str, n: &Norm, share: Option<f64>, what: &str, out: &mut Vec<ComplianceRow>| {
        let mut r = row(key, n, what, 1.0, share.unwrap_or(0.0), "share of residents", false);
        r.meaning = match share {
            Some(_) => format!("{what} within {} min", n.value),
            None => format!("{what} within {} min (not evaluable: no facility of this tier has a known town)", n.value),
        };
        out.push(r);
    };
    if let Some(n) = &norms.service_radius_min {
        radius("service_radius_min", n, c.service_covered_share, "residents served by a 镇街 centre", &mut out);
    }
    if let Some(n) = &norms.regional_radius_min {
        radius(
            "regional_radius_min",
            n,
            c.regional_covered_share,
            "residents reaching a disabled-care centre",
            &mut out,
        );
    }
    if let Some(n) = &norms.funeral_radius_min {
        radius(
            "funeral_radius_min",
            n,
            c.funeral_covered_share,
            "residents reaching a funeral service station",
            &mut out,
        );
    }
    if let Some(n) = &norms.cemetery_radius_min {
        radius("cemetery_radius_min", n, c.cemetery_covered_share, "residents reaching a public cemetery", &mut out);
    }
    if let Some(n) = &norms.cremation_rate_min {
        out.push(row(
            "cremation_rate_min",
            n,
            "cremation rate assumed by the demand model",
            n.value,
            d.cremation_rate,
            "share",
            false,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(v: f64) -> Norm {
        Norm {
            value: v,
            source: "test".into(),
            binding: true,
            province_default: false,
            basis: None,
            year: Some(2025),
            per_site: false,
            per_street: false,
        }
    }

    #[test]
    fn minimums_and_maximums() {
        let norms = Norms {
            elderly_land_m2_per_resident: Some(norm(0.2)),
            nursing_bed_min_share: Some(norm(0.6)),
            government_bed_share_max: Some(norm(0.4)),
            ..Default::default()
        };
        let d = DemandTotals { residents: 100_000.0, ..Default::default() };
        let c = Capacity {
            land_m2: 19_000.0,
            beds: 1000.0,
            nursing_beds: 600.0,
            government_beds: 450.0,
            ..Default::default()
        };
        let rows = evaluate(&norms, &d, &c);
        // Land: 0.2 × 100,000 = 20,000 required, 19,000 planned: short 1,000.
        assert_eq!((rows[0].required, rows[0].met, rows[0].slack), (20_000.0, false, -1000.0));
        // Nursing: 600 of 1,000 = exactly 60 %: met.
        assert!(rows[1].met);
        // Government share: cap 400 of 1,000, 450 run by government: 50 over.
        assert_eq!((rows[2].met, rows[2].slack), (false, -50.0));
    }
}
