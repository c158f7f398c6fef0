//! The two censuses (2010 and 2020) against the model: net migration fitted
//! by the cohort-residual method, and the mortality level checked against
//! the 2010 crude death rate.
//!
//! **Cohort residual.** The 2010 table, spread over single years by the
//! stationary population of the 2010 schedule, is projected ten years with
//! the model's own step (deaths at the 2010 level, improving by the central
//! drift; no migration) and with births of the 2010 crude birth rate × the
//! population of each year. That gives the 2020 population expected without
//! migration, by sex and 2020 age group; net migrants = census 2020 −
//! expected. The 2020 open group (85+) is compared with the survivors of the
//! whole 2010 75+ (75–79, 80–84 and 85+), so the 2010 80+ (90+ in 2020,
//! not in the table) needs no separate group.
//!
//! **Rates.** Each 2020 group's ratio census ÷ expected is annualised over
//! the migration steps its members lived through (10 for those alive in
//! 2010; a + 1 for a child aged a in 2020, born during the decade): rate =
//! ratio^(1/steps) − 1, net migrants per survivor and year, the form the
//! projection applies ([`super::project::step`]). A cohort's rate is applied
//! at the ages it had in mid-decade: 2020 age − 5 (so the 2020 group 5–9
//! gives ages 0–4, 10–14 gives 5–9, …, 85+ gives 80+; the 2020 groups 0 and
//! 1–4, born in the last five years, measure the births estimate only).
//! From `demography.migration.no_migration_from_age` on (75 in the bundled
//! scenarios) no rate is fitted: the very old rarely move county, so their
//! 2020 groups (80–84 and 85+, i.e. the 70+ of 2010) are left to mortality
//! and test it out of sample in the back-test.
//!
//! **Urban and rural towns.** The census gives 城镇 and 乡村 residents in
//! both years; their annual log growth rates differ by `gap`. That gap is
//! kept as a fixed yearly transfer of persons from rural-class to
//! urban-class towns: at each sex and age, urban-class towns gain τu and
//! rural-class towns lose τr of their 2020 population, with τu + τr = gap ×
//! the age profile (normalised to a population-weighted mean of 1) and the
//! transfers summing to zero in the county, so the county keeps exactly the
//! fitted rates every year. A fixed number, not a rate: a rate would
//! compound as the urban towns grow and add to the county's total.

use super::base::{bounds, single_years, stationary, Pyramid};
use super::mortality::{q_from_m, Schedule, AGES, OPEN};
use super::project::{step, total, MigrationRates, YearRates};
use crate::scenario::AgeGroup;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The fit of one 2020 age group (both sexes: index 0 male, 1 female).
#[derive(Debug, Clone, Serialize)]
pub struct FitGroup {
    /// The group's label in 2020 ("10-14", "85+").
    pub group: String,
    pub census_2020: [f64; 2],
    /// Survivors of 2010 (or of the decade's births) expected without migration.
    pub expected_2020: [f64; 2],
    /// census − expected.
    pub net_migrants: [f64; 2],
    /// Mean migration steps (years) the group lived through.
    pub exposure_years: [f64; 2],
    /// Annual net migration rate (per survivor and year).
    pub annual_rate: [f64; 2],
    /// Ages (during the projection) the rate is applied at, or none.
    pub applied_ages: Option<(usize, usize)>,
}

/// Net migration fitted to the two censuses.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationFit {
    pub groups: Vec<FitGroup>,
    /// Births 2010–2020 estimated from the 2010 crude birth rate.
    pub births: f64,
    /// Annual rates by sex and single year of age.
    #[serde(skip)]
    pub rate: MigrationRates,
    /// Urban-class and rural-class transfers, per year, as a share of the
    /// class's 2020 population (population-weighted over ages).
    pub class_shift: [f64; 2],
    /// The transfer by class (urban, rural), sex and age as a share of a
    /// town's 2020 population at that sex and age.
    #[serde(skip)]
    pub class_transfer: [MigrationRates; 2],
    /// Annual log growth of census urban minus rural residents 2010–2020.
    pub urban_rural_gap: Option<f64>,
    /// The age profile of the shifts, normalised to a mean of 1 over the 2020 base.
    #[serde(skip)]
    pub profile: [f64; AGES],
}

/// The 2010 schedule: the base-year one moved back `years` by the drift.
pub fn moved_back(m: &[Schedule; 2], drift: f64, years: f64) -> [Schedule; 2] {
    let f = (drift * years).exp();
    [m[0].map(|v| v * f), m[1].map(|v| v * f)]
}

/// Stationary populations of both sexes.
pub fn stationary_both(m: &[Schedule; 2]) -> [[f64; AGES]; 2] {
    [stationary(&m[0]), stationary(&m[1])]
}

/// Expected deaths per 1,000 residents of `groups` under central rates `m`
/// (deaths = Σ population × m(x): the census counts approximate the year's
/// person-years).
pub fn crude_death_rate(groups: &[AgeGroup], m: &[Schedule; 2]) -> f64 {
    let p = single_years(groups, &stationary_both(m));
    let deaths: f64 = (0..2).map(|s| (0..AGES).map(|a| p[s][a] * m[s][a]).sum::<f64>()).sum();
    1000.0 * deaths / total(&p).max(1.0)
}

/// Project `pop` ten years closed to migration, with mortality `m`
/// improving by `drift` a year and births of `cbr` per 1,000 residents of
/// the actual county in each year (the census totals `residents` of 2010
/// and 2020, interpolated geometrically: births to migrants count too).
pub fn closed_decade(
    mut pop: Pyramid,
    m: &[Schedule; 2],
    drift: f64,
    cbr_per_1000: f64,
    residents: (f64, f64),
    male_birth_share: f64,
) -> (Pyramid, f64) {
    let mut births = 0.0;
    for t in 0..10 {
        let f = (-drift * t as f64).exp();
        let q = [m[0].map(|v| q_from_m(v * f)), m[1].map(|v| q_from_m(v * f))];
        let women: f64 = pop[1][15..50].iter().sum();
        // Mid-year t + 0.5 of the decade.
        let county = residents.0 * (residents.1 / residents.0.max(1.0)).powf((t as f64 + 0.5) / 10.0);
        let want = cbr_per_1000 / 1000.0 * county;
        let mut asfr = [0.0; AGES];
        if women > 0.0 {
            asfr[15..50].iter_mut().for_each(|v| *v = want / women);
        }
        births += step::<ChaCha8Rng>(&mut pop, &YearRates::new(q, asfr, male_birth_share), None, None).births;
    }
    (pop, births)
}

/// Fit annual net migration rates by sex and age to the 2010 and 2020
/// tables (module docs). `m2010` is the 2010 schedule, `drift` the central
/// improvement, `cbr_per_1000` the 2010 crude birth rate; no rate is fitted
/// at ages `no_migration_from` and over (they stay 0, and the 2020 groups
/// that would give them test mortality instead).
pub fn fit_migration(
    census_2010: &[AgeGroup],
    census_2020: &[AgeGroup],
    m2010: &[Schedule; 2],
    drift: f64,
    cbr_per_1000: f64,
    male_birth_share: f64,
    no_migration_from: Option<usize>,
) -> MigrationFit {
    let p10 = single_years(census_2010, &stationary_both(m2010));
    let sum = |t: &[AgeGroup]| t.iter().map(|g| g.male + g.female).sum::<f64>();
    let residents = (sum(census_2010), sum(census_2020));
    let (expected, births) = closed_decade(p10, m2010, drift, cbr_per_1000, residents, male_birth_share);
    let steps = |a: usize| ((a + 1).min(10)) as f64;
    let mut groups: Vec<FitGroup> = census_2020
        .iter()
        .map(|g| {
            let (lo, hi) = bounds(g);
            let census = [g.male, g.female];
            let mut e = [0.0; 2];
            let mut exposure = [0.0; 2];
            let mut rate = [0.0; 2];
            for s in 0..2 {
                e[s] = expected[s][lo..=hi].iter().sum();
                let w: f64 = (lo..=hi).map(|a| expected[s][a] * steps(a)).sum();
                exposure[s] = if e[s] > 0.0 { w / e[s] } else { steps(lo) };
                rate[s] =
                    if e[s] > 0.0 && census[s] > 0.0 { (census[s] / e[s]).powf(1.0 / exposure[s]) - 1.0 } else { 0.0 };
            }
            FitGroup {
                group: super::base::group_label(lo, hi),
                census_2020: census,
                expected_2020: e,
                net_migrants: [census[0] - e[0], census[1] - e[1]],
                exposure_years: exposure,
                annual_rate: rate,
                applied_ages: None,
            }
        })
        .collect();
    // A rate applies at mid-decade ages: 2020 age − 5.
    let mut rate = [[0.0; AGES]; 2];
    for a in 0..no_migration_from.unwrap_or(AGES).min(AGES) {
        let at = (a + 5).min(OPEN);
        if let Some(k) = census_2020.iter().position(|g| {
            let (lo, hi) = bounds(g);
            (lo..=hi).contains(&at)
        }) {
            for s in 0..2 {
                rate[s][a] = groups[k].annual_rate[s];
            }
            let ages = groups[k].applied_ages.get_or_insert((a, a));
            ages.1 = a;
        }
    }
    MigrationFit {
        groups,
        births,
        rate,
        class_shift: [0.0; 2],
        class_transfer: [[[0.0; AGES]; 2]; 2],
        urban_rural_gap: None,
        profile: [1.0; AGES],
    }
}

impl MigrationFit {
    /// Set the urban/rural transfers (module docs) from the census urban
    /// and rural residents of 2010 and 2020, the 2020 town pyramids with
    /// their class (true = urban) and the age profile by single year.
    pub fn with_class_shift(
        mut self,
        urban: (u64, u64),
        rural: (u64, u64),
        towns: &[(Pyramid, bool)],
        profile: &[f64; AGES],
    ) -> Self {
        let mut class_pop = [[[0.0; AGES]; 2]; 2];
        for (p, is_urban) in towns {
            let c = if *is_urban { 0 } else { 1 };
            for s in 0..2 {
                for a in 0..AGES {
                    class_pop[c][s][a] += p[s][a];
                }
            }
        }
        let everyone: f64 = class_pop.iter().flatten().flatten().sum();
        let weighted: f64 =
            (0..AGES).map(|a| (0..2).map(|c| class_pop[c][0][a] + class_pop[c][1][a]).sum::<f64>() * profile[a]).sum();
        let has = |c: usize| class_pop[c].iter().flatten().sum::<f64>() > 0.0;
        if urban.0 == 0 || rural.0 == 0 || urban.1 == 0 || rural.1 == 0 || !has(0) || !has(1) || weighted <= 0.0 {
            return self;
        }
        // The profile with a population-weighted mean of 1.
        let mean = weighted / everyone;
        self.profile = profile.map(|v| v / mean);
        let gap = ((urban.1 as f64 / urban.0 as f64).ln() - (rural.1 as f64 / rural.0 as f64).ln()) / 10.0;
        let mut moved = [0.0; 2];
        for s in 0..2 {
            for a in 0..AGES {
                let (u, r) = (class_pop[0][s][a], class_pop[1][s][a]);
                if u + r > 0.0 {
                    let g = gap * self.profile[a];
                    self.class_transfer[0][s][a] = g * r / (u + r);
                    self.class_transfer[1][s][a] = -g * u / (u + r);
                    moved[0] += self.class_transfer[0][s][a] * u;
                    moved[1] += self.class_transfer[1][s][a] * r;
                }
            }
        }
        let size = |c: usize| class_pop[c].iter().flatten().sum::<f64>();
        self.class_shift = [moved[0] / size(0), moved[1] / size(1)];
        self.urban_rural_gap = Some(gap);
        self
    }

    /// The yearly transfer of a town of class `urban` (at scale 1), in
    /// persons by sex and age, from its 2020 pyramid.
    pub fn town_transfer(&self, urban: bool, base: &Pyramid) -> MigrationRates {
        let t = &self.class_transfer[if urban { 0 } else { 1 }];
        std::array::from_fn(|s| std::array::from_fn(|a| t[s][a] * base[s][a]))
    }
}

/// The model's 2010 crude death rate against the census.
#[derive(Debug, Clone, Serialize)]
pub struct DeathRateCheck {
    pub census_per_1000: f64,
    /// With the scenario's schedule moved back to 2010, before any scaling.
    pub model_per_1000: f64,
    /// model ÷ census − 1.
    pub gap_share: f64,
    /// The gap beyond which it counts as large.
    pub tolerance_share: Option<f64>,
    /// |gap| > tolerance.
    pub large: bool,
    /// Factor applied to m(x) at every age (1 when within tolerance).
    pub scale: f64,
    /// Life expectancy at birth (male, female) of the base-year schedule used.
    pub e0_years: [f64; 2],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(from: u32, to: Option<u32>, m: f64, f: f64) -> AgeGroup {
        AgeGroup { age_from: from, age_to: to, male: m, female: f, code: None, total: None, source: None }
    }

    /// Constant hazard μ at every age: the model's CDR of any population is
    /// 1,000 μ exactly.
    #[test]
    fn crude_death_rate_of_a_constant_hazard_is_mu() {
        let m = [[0.012; AGES]; 2];
        let cdr = crude_death_rate(&[g(0, Some(59), 500.0, 520.0), g(60, None, 90.0, 130.0)], &m);
        assert!((cdr - 12.0).abs() < 1e-9, "{cdr}");
    }

    /// Three ten-year groups 0–9, 10–19, 20+, with no deaths and no births:
    /// in ten years 2010's 0–9 become 2020's 10–19 and 10+ become 20+. Put in
    /// +300 men and −200 women aged 10–19, +1,000 men aged 20+ in 2020: the
    /// residual recovers them, and the annual rate compounds to the ratio.
    #[test]
    fn cohort_residual_recovers_the_migration_put_in() {
        let zero = [[0.0; AGES]; 2];
        let c2010 = [g(0, Some(9), 1000.0, 900.0), g(10, Some(19), 800.0, 700.0), g(20, None, 3000.0, 3100.0)];
        // 2020: 0–9 are the decade's births (none here: CBR 0).
        let c2020 = [g(0, Some(9), 0.0, 0.0), g(10, Some(19), 1300.0, 700.0), g(20, None, 4800.0, 3800.0)];
        let fit = fit_migration(&c2010, &c2020, &zero, 0.0, 0.0, 0.5, None);
        let gr = &fit.groups;
        assert!((gr[1].expected_2020[0] - 1000.0).abs() < 1e-9 && (gr[1].expected_2020[1] - 900.0).abs() < 1e-9);
        assert!((gr[1].net_migrants[0] - 300.0).abs() < 1e-9);
        assert!((gr[1].net_migrants[1] + 200.0).abs() < 1e-9);
        assert!((gr[2].net_migrants[0] - 1000.0).abs() < 1e-9 && gr[2].net_migrants[1].abs() < 1e-9);
        // (1 + r)^10 = 1,300 / 1,000.
        assert!(((1.0 + gr[1].annual_rate[0]).powi(10) - 1.3).abs() < 1e-12);
        assert!(((1.0 + gr[2].annual_rate[0]).powi(10) - 4800.0 / 3800.0).abs() < 1e-12);
        // 10–19 in 2020 were 5–14 in mid-decade: the rate applies there.
        assert_eq!(gr[1].applied_ages, Some((5, 14)));
        assert_eq!(fit.rate[0][9], gr[1].annual_rate[0]);
    }

    /// With known survival (constant q = 0.1 a year): survivors after ten
    /// years are 0.9¹⁰ of the cohort, and the residual is census − that.
    #[test]
    fn cohort_residual_with_known_survival() {
        let q: f64 = 0.1;
        let m = [[-(1.0 - q).ln(); AGES]; 2];
        let c2010 = [g(0, Some(9), 0.0, 0.0), g(10, Some(19), 1000.0, 1000.0), g(20, None, 0.0, 0.0)];
        let surv = 1000.0 * (1.0 - q).powi(10);
        let c2020 = [g(0, Some(9), 0.0, 0.0), g(10, Some(19), 0.0, 0.0), g(20, None, surv + 250.0, surv - 100.0)];
        let fit = fit_migration(&c2010, &c2020, &m, 0.0, 0.0, 0.5, None);
        let top = &fit.groups[2];
        assert!((top.expected_2020[0] - surv).abs() < 1e-6, "{}", top.expected_2020[0]);
        assert!((top.net_migrants[0] - 250.0).abs() < 1e-6 && (top.net_migrants[1] + 100.0).abs() < 1e-6);
    }

    /// The class transfers differ by the census gap at every age and cancel
    /// in the county.
    #[test]
    fn class_transfers_keep_the_county_total() {
        let fit = MigrationFit {
            groups: vec![],
            births: 0.0,
            rate: [[0.0; AGES]; 2],
            class_shift: [0.0; 2],
            class_transfer: [[[0.0; AGES]; 2]; 2],
            urban_rural_gap: None,
            profile: [1.0; AGES],
        };
        let mut urban = [[0.0; AGES]; 2];
        let mut rural = [[0.0; AGES]; 2];
        urban[0][30] = 600.0;
        rural[0][30] = 400.0;
        // Urban 100 → 200, rural 400 → 200 over ten years.
        let f = fit.with_class_shift((100, 200), (400, 200), &[(urban, true), (rural, false)], &[1.0; AGES]);
        let gap = (2.0f64.ln() - 0.5f64.ln()) / 10.0;
        assert!((f.class_transfer[0][0][30] - f.class_transfer[1][0][30] - gap).abs() < 1e-12);
        let (tu, tr) = (f.town_transfer(true, &urban), f.town_transfer(false, &rural));
        // Gap × 600 × 400 / 1,000 persons a year, each way.
        assert!((tu[0][30] - gap * 240.0).abs() < 1e-9 && (tu[0][30] + tr[0][30]).abs() < 1e-9);
    }
}
