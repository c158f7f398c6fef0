//! Demand metrics: what the projection of one town in one year turns into.
//! A new metric is one variant here, one row in [`Metric::ALL`], and one line
//! in [`compute`].

use crate::demography::base::Pyramid;
use crate::demography::project::{aged, total, Flows};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    Residents,
    Aged60,
    Aged65,
    Aged80,
    Aged60Share,
    Births,
    Deaths,
    NetMigration,
    DisabledElderly,
    BedDemand,
    NursingBedDemand,
    Tekun,
    TekunDisabled,
    TekunDisabledWilling,
    FuneralServices,
    HallsNeeded,
    Cremations,
    GravePlotsCum,
    EcoPlotsCum,
    CemeteryLandM2,
    ElderlyLandM2,
}

impl Metric {
    pub const ALL: [Metric; 21] = [
        Metric::Residents,
        Metric::Aged60,
        Metric::Aged65,
        Metric::Aged80,
        Metric::Aged60Share,
        Metric::Births,
        Metric::Deaths,
        Metric::NetMigration,
        Metric::DisabledElderly,
        Metric::BedDemand,
        Metric::NursingBedDemand,
        Metric::Tekun,
        Metric::TekunDisabled,
        Metric::TekunDisabledWilling,
        Metric::FuneralServices,
        Metric::HallsNeeded,
        Metric::Cremations,
        Metric::GravePlotsCum,
        Metric::EcoPlotsCum,
        Metric::CemeteryLandM2,
        Metric::ElderlyLandM2,
    ];

    pub const COUNT: usize = Self::ALL.len();

    pub fn index(self) -> usize {
        self as usize
    }

    /// Column value in the output tables.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Residents => "residents",
            Metric::Aged60 => "aged60",
            Metric::Aged65 => "aged65",
            Metric::Aged80 => "aged80",
            Metric::Aged60Share => "aged60_share",
            Metric::Births => "births",
            Metric::Deaths => "deaths",
            Metric::NetMigration => "net_migration",
            Metric::DisabledElderly => "disabled_elderly",
            Metric::BedDemand => "bed_demand",
            Metric::NursingBedDemand => "nursing_bed_demand",
            Metric::Tekun => "tekun",
            Metric::TekunDisabled => "tekun_disabled",
            Metric::TekunDisabledWilling => "tekun_disabled_willing",
            Metric::FuneralServices => "funeral_services",
            Metric::HallsNeeded => "halls_needed",
            Metric::Cremations => "cremations",
            Metric::GravePlotsCum => "grave_plots_cum",
            Metric::EcoPlotsCum => "eco_plots_cum",
            Metric::CemeteryLandM2 => "cemetery_land_m2",
            Metric::ElderlyLandM2 => "elderly_land_m2",
        }
    }

    pub fn from_key(key: &str) -> Option<Metric> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }

    /// What it means, for the README and `--help`.
    pub fn description(self) -> &'static str {
        match self {
            Metric::Residents => "residents at the start of the year",
            Metric::Aged60 => "residents aged 60+",
            Metric::Aged65 => "residents aged 65+",
            Metric::Aged80 => "residents aged 80+",
            Metric::Aged60Share => "60+ / residents (ageing ratio)",
            Metric::Births => "births during the year",
            Metric::Deaths => "deaths during the year",
            Metric::NetMigration => "net migrants during the year",
            Metric::DisabledElderly => "disabled (失能, incl. partly) persons aged 60+",
            Metric::BedDemand => "institutional elderly-care beds demanded",
            Metric::NursingBedDemand => "nursing beds demanded (disabled in institutions)",
            Metric::Tekun => "特困 persons",
            Metric::TekunDisabled => "disabled 特困 persons",
            Metric::TekunDisabledWilling => "disabled 特困 persons willing to be cared for centrally",
            Metric::FuneralServices => "funerals using a funeral service station during the year",
            Metric::HallsNeeded => "funeral halls needed (services / services per hall)",
            Metric::Cremations => "cremations during the year",
            Metric::GravePlotsCum => "ordinary grave plots needed in public cemeteries, cumulative from the base year",
            Metric::EcoPlotsCum => "eco-burial plots needed, cumulative from the base year",
            Metric::CemeteryLandM2 => "cemetery land for the cumulative plots, m²",
            Metric::ElderlyLandM2 => "elderly-service land required by the per-resident norm, m²",
        }
    }

    /// Whether a county total is the sum over towns (ratios are not).
    pub fn additive(self) -> bool {
        !matches!(self, Metric::Aged60Share)
    }
}

/// Demand parameters of one draw (each drawn once per draw).
#[derive(Debug, Clone, PartialEq)]
pub struct DemandDraw {
    pub disability: [f64; 6],
    pub disabled_institutional: f64,
    pub able_institutional: f64,
    pub tekun_per_resident: f64,
    pub tekun_disabled: f64,
    pub tekun_willing: f64,
    pub cremation: (f64, f64),
    pub eco: (f64, f64),
    pub station_use: f64,
    pub public_cemetery: f64,
    pub services_per_hall: f64,
    pub grave_m2: f64,
    pub eco_m2: f64,
    /// Elderly-service land norm, m² per resident (0 if the plan has none).
    pub land_per_resident: f64,
}

/// Running totals a town carries from year to year (cumulative burials).
#[derive(Debug, Clone, Copy, Default)]
pub struct Carry {
    pub grave_plots: f64,
    pub eco_plots: f64,
}

/// Share of the way from the base year to the last year, for linear paths.
pub fn path(base: f64, last: f64, frac: f64) -> f64 {
    base + (last - base) * frac.clamp(0.0, 1.0)
}

/// All metrics of one town in one year. `frac` is how far the year is along
/// the base → last-target path (for the cremation and eco-burial targets).
/// The same as [`accumulate`] then [`fill`].
pub fn compute(
    p: &Pyramid,
    flows: &Flows,
    d: &DemandDraw,
    frac: f64,
    carry: &mut Carry,
    out: &mut [f64; Metric::COUNT],
) {
    accumulate(flows, d, frac, carry);
    fill(p, flows, d, frac, carry, out);
}

/// Add one year's burials to the cumulative grave and eco-burial plots:
/// needed every year, while [`fill`] is needed only in the years reported.
pub fn accumulate(flows: &Flows, d: &DemandDraw, frac: f64, carry: &mut Carry) {
    let cremation = path(d.cremation.0, d.cremation.1, frac);
    let eco = path(d.eco.0, d.eco.1, frac);
    let buried_public = flows.deaths * d.public_cemetery;
    carry.eco_plots += buried_public * cremation * eco;
    carry.grave_plots += buried_public * (1.0 - cremation * eco);
}

/// The metrics of one town in one year, given the plots accumulated to it.
pub fn fill(p: &Pyramid, flows: &Flows, d: &DemandDraw, frac: f64, carry: &Carry, out: &mut [f64; Metric::COUNT]) {
    let residents = total(p);
    let a60 = aged(p, 60);
    // Disabled elderly by the six age groups 60–64 … 85+.
    let groups = [(60, 64), (65, 69), (70, 74), (75, 79), (80, 84), (85, 100)];
    let disabled: f64 = groups
        .iter()
        .zip(d.disability.iter())
        .map(|(&(lo, hi), prev)| prev * (lo..=hi).map(|a| p[0][a] + p[1][a]).sum::<f64>())
        .sum();
    let in_institution = disabled * d.disabled_institutional;
    let tekun = residents * d.tekun_per_resident;
    let tekun_disabled = tekun * d.tekun_disabled;
    let cremation = path(d.cremation.0, d.cremation.1, frac);
    let deaths = flows.deaths;
    let services = deaths * d.station_use;

    use Metric as M;
    out[M::Residents.index()] = residents;
    out[M::Aged60.index()] = a60;
    out[M::Aged65.index()] = aged(p, 65);
    out[M::Aged80.index()] = aged(p, 80);
    out[M::Aged60Share.index()] = if residents > 0.0 { a60 / residents } else { 0.0 };
    out[M::Births.index()] = flows.births;
    out[M::Deaths.index()] = deaths;
    out[M::NetMigration.index()] = flows.net_migration;
    out[M::DisabledElderly.index()] = disabled;
    out[M::BedDemand.index()] = in_institution + (a60 - disabled).max(0.0) * d.able_institutional;
    out[M::NursingBedDemand.index()] = in_institution;
    out[M::Tekun.index()] = tekun;
    out[M::TekunDisabled.index()] = tekun_disabled;
    out[M::TekunDisabledWilling.index()] = tekun_disabled * d.tekun_willing;
    out[M::FuneralServices.index()] = services;
    out[M::HallsNeeded.index()] = services / d.services_per_hall;
    out[M::Cremations.index()] = deaths * cremation;
    out[M::GravePlotsCum.index()] = carry.grave_plots;
    out[M::EcoPlotsCum.index()] = carry.eco_plots;
    out[M::CemeteryLandM2.index()] = carry.grave_plots * d.grave_m2 + carry.eco_plots * d.eco_m2;
    out[M::ElderlyLandM2.index()] = residents * d.land_per_resident;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demography::mortality::AGES;

    fn draw() -> DemandDraw {
        DemandDraw {
            disability: [0.05, 0.08, 0.12, 0.2, 0.3, 0.5],
            disabled_institutional: 0.2,
            able_institutional: 0.01,
            tekun_per_resident: 0.01,
            tekun_disabled: 0.3,
            tekun_willing: 0.5,
            cremation: (0.6, 0.9),
            eco: (0.1, 0.3),
            station_use: 0.5,
            public_cemetery: 0.8,
            services_per_hall: 300.0,
            grave_m2: 2.0,
            eco_m2: 0.5,
            land_per_resident: 0.2,
        }
    }

    #[test]
    fn hand_computed_town() {
        // 100 persons at every age 0..=100 (half male, half female): 10,100
        // residents; 60+ = 41 ages × 100 = 4,100.
        let mut p = [[0.0; AGES]; 2];
        for a in 0..AGES {
            p[0][a] = 50.0;
            p[1][a] = 50.0;
        }
        let flows = Flows { births: 10.0, deaths: 120.0, net_migration: -5.0 };
        let mut carry = Carry::default();
        let mut out = [0.0; Metric::COUNT];
        compute(&p, &flows, &draw(), 0.5, &mut carry, &mut out);
        // Disabled: 500×(.05+.08+.12+.2+.3) + 1600×.5 = 375 + 800 = 1,175.
        assert!((out[Metric::DisabledElderly.index()] - 1175.0).abs() < 1e-9);
        // Beds: 1175×.2 + (4100−1175)×.01 = 235 + 29.25 = 264.25.
        assert!((out[Metric::BedDemand.index()] - 264.25).abs() < 1e-9);
        assert!((out[Metric::NursingBedDemand.index()] - 235.0).abs() < 1e-9);
        // 特困: 101; disabled 30.3; willing 15.15.
        assert!((out[Metric::TekunDisabledWilling.index()] - 15.15).abs() < 1e-9);
        // Halfway: cremation .75, eco .2. Public burials 96: eco 96×.75×.2 = 14.4,
        // ordinary 81.6; land 81.6×2 + 14.4×.5 = 170.4.
        assert!((out[Metric::EcoPlotsCum.index()] - 14.4).abs() < 1e-9);
        assert!((out[Metric::GravePlotsCum.index()] - 81.6).abs() < 1e-9);
        assert!((out[Metric::CemeteryLandM2.index()] - 170.4).abs() < 1e-9);
        // Halls: 60 services / 300 = 0.2. Land: 0.2 × 10,100 = 2,020 m².
        assert!((out[Metric::HallsNeeded.index()] - 0.2).abs() < 1e-12);
        assert!((out[Metric::ElderlyLandM2.index()] - 2020.0).abs() < 1e-9);
        // Cumulative: a second identical year doubles the plots.
        compute(&p, &flows, &draw(), 0.5, &mut carry, &mut out);
        assert!((out[Metric::EcoPlotsCum.index()] - 28.8).abs() < 1e-9);
    }

    #[test]
    fn keys_round_trip() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_key(m.key()), Some(m));
            assert_eq!(Metric::ALL[m.index()], m);
        }
    }
}
