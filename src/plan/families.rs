//! The demand families the planning model assigns, one row each: what a
//! family's capacity is, which facility types hold it, what a unit costs to
//! build and run, which Monte Carlo metric is its demand, which norm sets its
//! travel limit, and what unmet demand is priced at. A new family is one row
//! here (and one variant of [`Family`]) plus its data.

use super::demand::PlanDemand;
use crate::scenario::{Candidate, Costs, Facility, FacilityType, OperatingCosts, Scenario};
use serde::Serialize;

/// A demand family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Institutional elderly-care beds.
    Beds,
    /// Centralised-care places for disabled 特困 persons.
    Places,
    /// Funeral halls.
    Halls,
    /// Grave plots (ordinary and eco-burial) in public cemeteries.
    Plots,
}

/// Whether new capacity of a family has a nursing part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nursing {
    /// Not beds.
    None,
    /// A decision: some of the new beds are nursing beds.
    Chosen,
    /// Every unit is a nursing bed (a centralised-care place).
    All,
}

/// One family's row.
pub struct FamilyDef {
    pub family: Family,
    pub key: &'static str,
    pub zh: &'static str,
    /// Unit of capacity and demand.
    pub unit: &'static str,
    /// Facility types whose capacity serves this family.
    pub types: &'static [FacilityType],
    /// The candidates.csv column holding a candidate's largest size.
    pub max_column: &'static str,
    pub max: fn(&Candidate) -> f64,
    /// Capacity of an existing facility.
    pub existing: fn(&Facility) -> f64,
    /// Yuan per unit of new capacity (building, without land).
    pub unit_cost: fn(&Costs) -> f64,
    /// Yuan per unit and year of running it.
    pub operating: fn(&OperatingCosts) -> f64,
    pub nursing: Nursing,
    /// Cemeteries: eco-burial plots are part of the plots.
    pub eco: bool,
    /// May an existing facility of the family close (graves stay, so a
    /// cemetery never does).
    pub closable: bool,
    /// The norm whose value is the family's travel limit, minutes.
    pub radius_norm: Option<&'static str>,
    /// Each town's demand in a period (see [`FamilyDef::town_demand`]).
    pub demand: fn(&Scenario, &PlanDemand) -> Vec<f64>,
    /// Demand comes in whole units (persons, plots): each town's demand is
    /// rounded up, so that for given sites the assignment of whole demands to
    /// whole capacities has whole optima and the search branches on sites,
    /// not on fractions of a bed. Halls serve fractions of a town's funerals.
    pub whole_demand: bool,
    /// Key of the per-town demand rows in reports.
    pub demand_key: &'static str,
    /// Persons per unit of assigned demand (for the travel term): a bed is
    /// one person, a hall serves many funerals a year.
    pub persons_per_unit: fn(&Scenario) -> f64,
    /// Link each town's assignment to a candidate with its opening, x ≤
    /// demand × open, besides the site's capacity: the few large sites of
    /// places, halls and plots otherwise open a sliver each in the LP to sit
    /// near every town, and the search closes that gap one site at a time.
    pub tight_linking: Linking,
}

/// When a family's assignments are linked to their sites' openings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linking {
    Always,
    /// In a one-period plan of one demand only (not robust). Beds, whose every
    /// town reaches every site: the rows speed up one period's search several
    /// times, but grow the LP by a row per town, site and period (or draw),
    /// which slows a phased or robust plan more than they save.
    SinglePeriod,
}

impl Linking {
    /// Whether the rows apply to a model of `periods` periods, each with
    /// `draws` demands.
    pub fn applies(self, periods: usize, draws: usize) -> bool {
        self == Linking::Always || (periods == 1 && draws == 1)
    }
}

fn beds_cost(c: &Costs) -> f64 {
    c.bed_yuan
}

pub const FAMILIES: [FamilyDef; 4] = [
    FamilyDef {
        family: Family::Beds,
        key: "beds",
        zh: "养老床位",
        unit: "beds",
        types: &[FacilityType::ElderlyCentre, FacilityType::CareInstitution],
        max_column: "max_beds",
        max: |c| c.max_beds,
        existing: |f| f.beds,
        unit_cost: beds_cost,
        operating: |o| o.bed_yuan_per_year,
        nursing: Nursing::Chosen,
        eco: false,
        closable: true,
        radius_norm: None,
        demand: |_, d| d.bed_demand.clone(),
        whole_demand: true,
        demand_key: "bed_demand",
        tight_linking: Linking::SinglePeriod,
        persons_per_unit: |_| 1.0,
    },
    FamilyDef {
        family: Family::Places,
        key: "places",
        zh: "集中照护床位",
        unit: "places",
        types: &[FacilityType::DisabledCareCentre],
        max_column: "max_beds",
        max: |c| c.max_beds,
        existing: |f| f.beds,
        unit_cost: beds_cost,
        operating: |o| o.bed_yuan_per_year,
        nursing: Nursing::All,
        eco: false,
        closable: true,
        radius_norm: Some("regional_radius_min"),
        demand: |s, d| super::norms::centralised_care::places_demand(s, d),
        whole_demand: true,
        demand_key: "place_demand",
        tight_linking: Linking::Always,
        persons_per_unit: |_| 1.0,
    },
    FamilyDef {
        family: Family::Halls,
        key: "halls",
        zh: "治丧厅",
        unit: "halls",
        types: &[FacilityType::FuneralHome, FacilityType::FuneralStation],
        max_column: "max_halls",
        max: |c| c.max_halls,
        existing: |f| f.halls,
        unit_cost: |c| c.hall_yuan,
        operating: |o| o.hall_yuan_per_year,
        nursing: Nursing::None,
        eco: false,
        closable: true,
        radius_norm: Some("funeral_radius_min"),
        demand: |_, d| d.halls_needed.clone(),
        whole_demand: false,
        demand_key: "hall_demand",
        tight_linking: Linking::Always,
        persons_per_unit: |s| s.config.demand.services_per_hall_per_year,
    },
    FamilyDef {
        family: Family::Plots,
        key: "plots",
        zh: "墓位",
        unit: "plots",
        types: &[FacilityType::Cemetery],
        max_column: "max_plots",
        max: |c| c.max_plots,
        existing: |f| f.grave_plots + f.eco_plots,
        unit_cost: |c| c.grave_plot_yuan,
        operating: |o| o.plot_yuan_per_year,
        nursing: Nursing::None,
        eco: true,
        closable: false,
        radius_norm: Some("cemetery_radius_min"),
        demand: |_, d| d.grave_plots.iter().zip(&d.eco_plots).map(|(g, e)| g + e).collect(),
        whole_demand: true,
        demand_key: "plot_demand",
        tight_linking: Linking::Always,
        persons_per_unit: |_| 1.0,
    },
];

impl FamilyDef {
    /// Each town's demand in a period, in whole units where the family's
    /// demand is countable (rounded up, less a hair of round-off first so
    /// that 60.0000001 stays 60).
    pub fn town_demand(&self, s: &Scenario, d: &PlanDemand) -> Vec<f64> {
        let v = (self.demand)(s, d);
        if self.whole_demand {
            v.into_iter().map(|x| (x - 1e-6).ceil().max(0.0)).collect()
        } else {
            v
        }
    }
}

impl Family {
    pub const ALL: [Family; 4] = [Family::Beds, Family::Places, Family::Halls, Family::Plots];

    pub fn def(self) -> &'static FamilyDef {
        FAMILIES.iter().find(|d| d.family == self).expect("every family has a row")
    }

    pub fn key(self) -> &'static str {
        self.def().key
    }

    /// The family a facility type's capacity serves (None: community
    /// stations, which hold land but no assigned capacity).
    pub fn of(kind: FacilityType) -> Option<Family> {
        FAMILIES.iter().find(|d| d.types.contains(&kind)).map(|d| d.family)
    }

    /// The family's travel limit in minutes, when its norm is set.
    pub fn radius(self, s: &Scenario) -> Option<f64> {
        self.def().radius_norm.and_then(|k| s.config.norms.get(k)).map(|n| n.value)
    }
}

/// Types whose beds the bed norms count (beds and centralised-care places).
pub fn bed_types() -> impl Iterator<Item = FacilityType> {
    FacilityType::ALL.into_iter().filter(|k| k.has_beds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_but_community_stations_serves_one_family() {
        for k in FacilityType::ALL {
            let n = FAMILIES.iter().filter(|d| d.types.contains(&k)).count();
            let want = if k == FacilityType::CommunityStation { 0 } else { 1 };
            assert_eq!(n, want, "{}", k.key());
        }
        for f in Family::ALL {
            assert_eq!(f.def().family, f);
        }
    }
}
