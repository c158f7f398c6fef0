//! Projection: a cohort-component model by town, sex and single year of age,
//! with Lee–Carter mortality improvement, a mean-reverting TFR path and net
//! migration fitted to the 2010 and 2020 censuses (or assumed class rates),
//! its uncertainty drawn once per Monte Carlo draw.

pub mod base;
mod binomial;
pub mod census;
pub mod mortality;
pub mod project;

use base::{calibrated_shares, census_base, county_shape, stationary, town_pyramid, Pyramid};
use census::{crude_death_rate, fit_migration, moved_back, DeathRateCheck, MigrationFit};
use mortality::{calibrate_siler, life_expectancy, m_from_q, q_from_m, Schedule, AGES, OPEN};
use project::{step, Flows, MigrationRates, TownMigration, YearRates};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::scenario::{AgeScope, Scenario, TownClass};

/// Year of the earlier census table (`files.census_2010`).
pub const CENSUS_2010: u32 = 2010;

/// Everything about the population that does not change between draws.
#[derive(Debug, Clone)]
pub struct Projector {
    /// Base-year central death rates by sex.
    pub base_m: [Schedule; 2],
    /// Fertility age shape: f(x, t) = shape(x) × TFR(t).
    pub fert_shape: [f64; AGES],
    /// Net migration by town class (urban, rural), sex and age at a draw
    /// multiplier of 1: the fitted rates with the class shift, or the
    /// assumed age profile (times the class rate the draw picks).
    pub mig_base: [MigrationRates; 2],
    /// Each town's yearly urban/rural transfer in persons at a draw
    /// multiplier of 1 (zero without a fit).
    pub mig_persons: Vec<MigrationRates>,
    /// Base-year pyramids by town.
    pub town_base: Vec<Pyramid>,
    /// The same in whole persons, keeping each town's total and (county
    /// scope) every census cell: the start of every noisy draw.
    town_base_whole: Vec<Pyramid>,
    pub town_urban: Vec<bool>,
    pub base_year: u32,
    /// Last year whose flows are needed (the last target year).
    pub last_year: u32,
    /// Migration fitted to the two censuses, if the scenario has both.
    pub migration_fit: Option<MigrationFit>,
    /// The 2010 crude death rate check, if the scenario gives the census one.
    pub death_rate_check: Option<DeathRateCheck>,
    demography: crate::scenario::Demography,
}

/// Demographic parameters of one draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemogDraw {
    /// Lee–Carter drift: annual decline of log mortality.
    pub improvement: f64,
    /// Long-run TFR of this draw.
    pub tfr_mean: f64,
    /// Boys per 100 girls at birth.
    pub srb: f64,
    /// Multiplier of `Projector::mig_base`, urban and rural towns: the
    /// fitted rates' scale, or the assumed net migration rate at profile 1.
    pub migration: [f64; 2],
}

/// The scenario's schedule by sex before any level adjustment.
fn scenario_schedule(s: &Scenario) -> [Schedule; 2] {
    if s.mortality_table.len() == AGES {
        let mut m = [[0.0; AGES]; 2];
        for r in &s.mortality_table {
            m[0][r.age as usize] = m_from_q(r.qx_male);
            m[1][r.age as usize] = m_from_q(r.qx_female);
        }
        m
    } else {
        let mo = &s.config.demography.mortality;
        [
            calibrate_siler(mo.e0_male_years, mo.infant_q0_male, mo.gompertz_slope),
            calibrate_siler(mo.e0_female_years, mo.infant_q0_female, mo.gompertz_slope),
        ]
    }
}

/// Share of births that are boys at the central sex ratio at birth.
fn central_boys_share(s: &Scenario) -> f64 {
    let srb = s.config.demography.sex_ratio_at_birth.central();
    srb / (100.0 + srb)
}

impl Projector {
    pub fn new(s: &Scenario) -> Self {
        let d = &s.config.demography;
        let drift = d.mortality.improvement_rate.central();
        let back = (s.config.meta.base_year as f64 - CENSUS_2010 as f64).max(0.0);
        let mut base_m = scenario_schedule(s);
        // The mortality level against the 2010 crude death rate.
        let death_rate_check = match (s.census_2010.is_empty(), s.config.population.crude_death_rate_2010_per_1000) {
            (false, Some(census)) => {
                let model = crude_death_rate(&s.census_2010, &moved_back(&base_m, drift, back));
                let gap = model / census - 1.0;
                let tol = d.mortality.cdr_tolerance_share;
                let large = tol.is_some_and(|t| gap.abs() > t);
                let adjust = large && d.mortality.cdr_adjust.unwrap_or(true) && model > 0.0;
                let scale = if adjust { census / model } else { 1.0 };
                base_m = [base_m[0].map(|v| v * scale), base_m[1].map(|v| v * scale)];
                Some(DeathRateCheck {
                    census_per_1000: census,
                    model_per_1000: model,
                    gap_share: gap,
                    tolerance_share: tol,
                    large,
                    scale,
                    e0_years: [life_expectancy(&base_m[0]), life_expectancy(&base_m[1])],
                })
            }
            _ => None,
        };
        let lx = [stationary(&base_m[0]), stationary(&base_m[1])];
        let mut fert_shape = [0.0; AGES];
        if !s.fertility_table.is_empty() {
            // Tabulated rates reproduce exactly at the central TFR.
            let central = d.fertility.tfr.central().max(1e-12);
            for r in &s.fertility_table {
                fert_shape[r.age as usize] = r.asfr / central;
            }
        } else {
            let sum: f64 = d.fertility.age_schedule.iter().sum();
            for (g, w) in d.fertility.age_schedule.iter().enumerate() {
                for a in 0..5 {
                    fert_shape[15 + 5 * g + a] = w / sum / 5.0;
                }
            }
        }
        let mut profile = [0.0; AGES];
        for (a, v) in profile.iter_mut().enumerate() {
            *v = d.migration.age_profile[(a / 5).min(20)];
        }
        let pop = &s.config.population;
        let (town_base, town_base_whole) = if pop.age_structure_scope == AgeScope::County {
            let total: f64 = s.age_structure.iter().map(|g| g.male + g.female).sum();
            let share = |from: u32| s.census_aged_2020(from).map(|n| n / total.max(1.0));
            let shares = calibrated_shares(&s.towns, (share(60), share(65)));
            let b = census_base(&s.age_structure, &s.towns, &shares, &lx);
            (b.real, b.whole)
        } else {
            let shape = county_shape(&s.age_structure, pop, &lx);
            let real: Vec<Pyramid> = s
                .towns
                .iter()
                .zip(calibrated_shares(&s.towns, (pop.aged60_share, pop.aged65_share)))
                .map(|(t, sh)| town_pyramid(&shape, t, sh))
                .collect();
            let whole = real
                .iter()
                .map(|p| {
                    let mut p = *p;
                    base::round_keeping_total(&mut p);
                    p
                })
                .collect();
            (real, whole)
        };
        let town_urban: Vec<bool> = s.towns.iter().map(|t| t.class == TownClass::Urban).collect();
        let migration_fit = (!s.census_2010.is_empty()).then(|| {
            let cbr = pop.crude_birth_rate_2010_per_1000.unwrap_or(0.0);
            let fit = fit_migration(
                &s.census_2010,
                &s.age_structure,
                &moved_back(&base_m, drift, back),
                drift,
                cbr,
                central_boys_share(s),
                d.migration.no_migration_from_age.map(|a| a as usize),
            );
            let split = |total: Option<u64>, urban: Option<u64>| match (total, urban) {
                (Some(t), Some(u)) if u <= t => Some((u, t - u)),
                _ => None,
            };
            match (
                split(pop.residents_2010, pop.urban_residents_2010),
                split(Some(pop.residents_2020), pop.urban_residents_2020),
            ) {
                (Some((u10, r10)), Some((u20, r20))) => {
                    let towns: Vec<(Pyramid, bool)> =
                        town_base.iter().copied().zip(town_urban.iter().copied()).collect();
                    fit.with_class_shift((u10, u20), (r10, r20), &towns, &profile)
                }
                _ => fit,
            }
        });
        let mig_base = match &migration_fit {
            Some(f) => [f.rate, f.rate],
            None => [[profile; 2], [profile; 2]],
        };
        let mig_persons = town_base
            .iter()
            .zip(&town_urban)
            .map(|(p, &u)| migration_fit.as_ref().map(|f| f.town_transfer(u, p)).unwrap_or([[0.0; AGES]; 2]))
            .collect();
        Projector {
            base_m,
            fert_shape,
            mig_base,
            mig_persons,
            town_base,
            town_base_whole,
            town_urban,
            base_year: s.config.meta.base_year,
            last_year: *s.config.meta.target_years.last().unwrap_or(&s.config.meta.base_year),
            migration_fit,
            death_rate_check,
            demography: d.clone(),
        }
    }

    /// The county from its 2010 census to the base year, for the back-test:
    /// one population (the county's, no town classes) starting from the
    /// 2010 table, with the 2010 mortality level (the base-year schedule
    /// moved back by the central drift) and the fitted county rates.
    pub fn from_2010(s: &Scenario) -> Option<Self> {
        let full = Self::new(s);
        let fit = full.migration_fit.as_ref()?;
        let drift = full.demography.mortality.improvement_rate.central();
        let back = (full.base_year as f64 - CENSUS_2010 as f64).max(0.0);
        let m2010 = moved_back(&full.base_m, drift, back);
        let lx = census::stationary_both(&m2010);
        let real = base::single_years(&s.census_2010, &lx);
        let whole = base::whole_persons_by_group(&s.census_2010, &lx);
        Some(Projector {
            base_m: m2010,
            mig_base: [fit.rate, fit.rate],
            mig_persons: vec![[[0.0; AGES]; 2]],
            town_base: vec![real],
            town_base_whole: vec![whole],
            town_urban: vec![false],
            base_year: CENSUS_2010,
            last_year: full.base_year,
            ..full
        })
    }

    /// The base-year pyramids in whole persons (the start of noisy draws).
    pub fn town_base_whole(&self) -> &[Pyramid] {
        &self.town_base_whole
    }

    /// Whether deaths and births are drawn as counts.
    pub fn count_noise(&self) -> bool {
        self.demography.count_noise
    }

    /// Draw this draw's demographic parameters (central values if deterministic).
    pub fn sample_draw<R: Rng + ?Sized>(&self, rng: &mut R, deterministic: bool) -> DemogDraw {
        let d = &self.demography;
        let pick = |p: &crate::scenario::Param, rng: &mut R| if deterministic { p.central() } else { p.sample(rng) };
        DemogDraw {
            improvement: pick(&d.mortality.improvement_rate, rng),
            tfr_mean: pick(&d.fertility.tfr, rng).max(0.0),
            srb: pick(&d.sex_ratio_at_birth, rng),
            migration: match (&self.migration_fit, &d.migration.urban_rate, &d.migration.rural_rate) {
                (Some(_), _, _) => {
                    let f = d.migration.fitted_scale.as_ref().map(|p| pick(p, rng)).unwrap_or(1.0);
                    [f, f]
                }
                (None, Some(u), Some(r)) => [pick(u, rng), pick(r, rng)],
                _ => [0.0, 0.0],
            },
        }
    }

    /// The draw with the fitted migration rates at their own pace (factor
    /// 1): the back-test replays the decade they were fitted on, where
    /// `fitted_scale`, the doubt about the pace after 2020, does not apply.
    pub fn at_fitted_pace(&self, mut d: DemogDraw) -> DemogDraw {
        if self.migration_fit.is_some() {
            d.migration = [1.0, 1.0];
        }
        d
    }

    /// Rates for each year base..=last of one draw: the Lee–Carter index
    /// k(t+1) = k(t) + drift + σε with log m(x,t) = log m(x,base) − k(t)
    /// (age-neutral b(x) = 1), and TFR(t+1) = TFR(t) + r(μ − TFR(t)) + σε.
    pub fn year_rates<R: Rng + ?Sized>(&self, draw: &DemogDraw, rng: &mut R, deterministic: bool) -> Vec<YearRates> {
        let d = &self.demography;
        let n = (self.last_year - self.base_year + 1) as usize;
        let mut out = Vec::with_capacity(n);
        let (mut k, mut tfr): (f64, f64) = (0.0, draw.tfr_mean);
        let male_birth_share = draw.srb / (100.0 + draw.srb);
        for _ in 0..n {
            let mut q = [[0.0; AGES]; 2];
            let factor = (-k).exp();
            for s in 0..2 {
                for a in 0..AGES {
                    q[s][a] = q_from_m(self.base_m[s][a] * factor);
                }
            }
            let mut asfr = [0.0; AGES];
            for a in 15..50 {
                asfr[a] = self.fert_shape[a] * tfr;
            }
            out.push(YearRates::new(q, asfr, male_birth_share));
            let (e1, e2): (f64, f64) =
                if deterministic { (0.0, 0.0) } else { (StandardNormal.sample(rng), StandardNormal.sample(rng)) };
            k += draw.improvement + d.mortality.improvement_volatility * e1;
            tfr = (tfr + d.fertility.tfr_reversion * (draw.tfr_mean - tfr) + d.fertility.tfr_volatility * e2)
                .clamp(0.0, 8.0);
        }
        out
    }

    /// Project one town from the base year, calling `visit(year, population
    /// at the start of year, flows during year)` for every year base..=last.
    pub fn project_town<R: Rng + ?Sized>(
        &self,
        town: usize,
        draw: &DemogDraw,
        rates: &[YearRates],
        rng: Option<&mut R>,
        mut visit: impl FnMut(u32, &Pyramid, &Flows),
    ) {
        self.project_town_reporting(town, draw, rates, rng, |_| true, |y, p, f| visit(y, p.expect("every year"), f));
    }

    /// [`Self::project_town`], with the start-of-year population kept (one
    /// copy of the pyramid) only in the years `report` asks for: other years'
    /// visits get `None` and their flows.
    pub fn project_town_reporting<R: Rng + ?Sized>(
        &self,
        town: usize,
        draw: &DemogDraw,
        rates: &[YearRates],
        mut rng: Option<&mut R>,
        report: impl Fn(u32) -> bool,
        mut visit: impl FnMut(u32, Option<&Pyramid>, &Flows),
    ) {
        // Whole persons when counts are noisy, keeping the town's census cells.
        let mut pop = if rng.is_some() { self.town_base_whole[town] } else { self.town_base[town] };
        let class = if self.town_urban[town] { 0 } else { 1 };
        let k = draw.migration[class];
        let scaled = |m: &MigrationRates| m.map(|row| row.map(|v| v * k));
        let mig = TownMigration { rate: scaled(&self.mig_base[class]), persons: scaled(&self.mig_persons[town]) };
        let any = mig.rate.iter().chain(&mig.persons).flatten().any(|&v| v != 0.0);
        let mig = (k != 0.0 && any).then_some(&mig);
        let mut start = [[0.0; AGES]; 2];
        for (i, r) in rates.iter().enumerate() {
            let year = self.base_year + i as u32;
            let keep = report(year);
            if keep {
                start = pop;
            }
            let flows = step(&mut pop, r, mig, rng.as_deref_mut());
            visit(year, keep.then_some(&start), &flows);
        }
    }
}

/// Ages of the open group and single years, re-exported for users.
pub const OPEN_AGE: usize = OPEN;
