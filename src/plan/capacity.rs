//! What a set of facilities provides, as norm-comparable totals.

use super::compliance::Capacity;
use super::travel::TravelTimes;
use crate::scenario::{FacilityType, Operator, Scenario};
use std::collections::BTreeSet;

/// A facility reduced to what the norms count: where it is and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Provision {
    pub kind: FacilityType,
    /// Town index; None for county-wide stock of unknown location.
    pub town: Option<usize>,
    pub count: f64,
    pub beds: f64,
    pub nursing_beds: f64,
    pub government: bool,
    pub land_m2: f64,
    pub grave_plots: f64,
    pub eco_plots: f64,
    pub halls: f64,
}

/// The existing facilities of a scenario as provisions.
pub fn existing(s: &Scenario) -> Vec<Provision> {
    s.facilities
        .iter()
        .map(|f| Provision {
            kind: f.kind,
            town: f.town_code.as_deref().and_then(|c| s.town_index(c)),
            count: f.count as f64,
            beds: f.beds,
            nursing_beds: f.nursing_beds,
            government: f.operator == Operator::Government,
            land_m2: f.land_m2,
            grave_plots: f.grave_plots,
            eco_plots: f.eco_plots,
            halls: f.halls,
        })
        .collect()
}

/// Share of residents within `radius` minutes of a located facility of one
/// of `kinds` (None when no such facility has a known town).
fn covered_share(
    s: &Scenario,
    tt: &TravelTimes,
    prov: &[Provision],
    kinds: &[FacilityType],
    radius: f64,
) -> Option<f64> {
    let sites: Vec<usize> = prov.iter().filter(|p| kinds.contains(&p.kind)).filter_map(|p| p.town).collect();
    if sites.is_empty() {
        return None;
    }
    let total: f64 = s.towns.iter().map(|t| t.residents_2020 as f64).sum();
    let covered: f64 = s
        .towns
        .iter()
        .enumerate()
        .filter(|(i, _)| sites.iter().any(|&j| tt.get(*i, j) <= radius + 1e-9))
        .map(|(_, t)| t.residents_2020 as f64)
        .sum();
    Some(if total > 0.0 { covered / total } else { 0.0 })
}

/// Totals the norms compare against, for the given provisions. Residents
/// weights for coverage use the 2020 census.
pub fn totals(s: &Scenario, tt: &TravelTimes, prov: &[Provision]) -> Capacity {
    let mut c = Capacity { towns: s.towns.len() as f64, ..Default::default() };
    let mut centre_towns = BTreeSet::new();
    let mut unlocated_centres = 0.0;
    for p in prov {
        if p.kind.has_beds() {
            c.beds += p.beds;
            c.nursing_beds += p.nursing_beds;
            if p.government {
                c.government_beds += p.beds;
            }
        }
        match p.kind {
            FacilityType::ElderlyCentre => match p.town {
                Some(t) => {
                    centre_towns.insert(t);
                }
                None => unlocated_centres += p.count,
            },
            FacilityType::DisabledCareCentre => {
                c.disabled_care_centres += p.count;
                c.disabled_care_places += p.beds;
            }
            FacilityType::FuneralStation => {
                c.funeral_stations += p.count;
                c.halls += p.halls;
            }
            FacilityType::FuneralHome => c.halls += p.halls,
            FacilityType::Cemetery => {
                c.public_cemeteries += p.count;
                c.grave_plots += p.grave_plots;
                c.eco_plots += p.eco_plots;
            }
            _ => {}
        }
        if p.kind.is_elderly_land() {
            c.land_m2 += p.land_m2;
        }
    }
    c.towns_with_centre = (centre_towns.len() as f64 + unlocated_centres).min(c.towns);
    let n = &s.config.norms;
    let radius = |r: &Option<crate::scenario::Norm>| r.as_ref().map(|n| n.value);
    if let Some(r) = radius(&n.service_radius_min) {
        c.service_covered_share = covered_share(s, tt, prov, &[FacilityType::ElderlyCentre], r);
    }
    if let Some(r) = radius(&n.regional_radius_min) {
        c.regional_covered_share = covered_share(s, tt, prov, &[FacilityType::DisabledCareCentre], r);
    }
    if let Some(r) = radius(&n.funeral_radius_min) {
        c.funeral_covered_share =
            covered_share(s, tt, prov, &[FacilityType::FuneralStation, FacilityType::FuneralHome], r);
    }
    if let Some(r) = radius(&n.cemetery_radius_min) {
        c.cemetery_covered_share = covered_share(s, tt, prov, &[FacilityType::Cemetery], r);
    }
    c
}
