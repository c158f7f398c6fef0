//! Projection: a cohort-component model by town, sex and single year of age,
//! with Lee–Carter mortality improvement, a mean-reverting TFR path and
//! class-level migration shocks drawn once per Monte Carlo draw.

pub mod base;
mod binomial;
pub mod mortality;
pub mod project;

use base::{calibrated_shares, county_shape, town_pyramid, Pyramid};
use mortality::{calibrate_siler, m_from_q, q_from_m, Schedule, AGES, OPEN};
use project::{step, Flows, YearRates};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::scenario::{Scenario, TownClass};

/// Everything about the population that does not change between draws.
#[derive(Debug, Clone)]
pub struct Projector {
    /// Base-year central death rates by sex.
    pub base_m: [Schedule; 2],
    /// Fertility age shape: f(x, t) = shape(x) × TFR(t).
    pub fert_shape: [f64; AGES],
    /// Migration intensity by single year of age.
    pub mig_profile: [f64; AGES],
    /// 2020 pyramids by town.
    pub town_base: Vec<Pyramid>,
    /// The same in whole persons, keeping each town's census total (the
    /// start of every noisy draw; rounded once here, not once per draw).
    town_base_whole: Vec<Pyramid>,
    pub town_urban: Vec<bool>,
    pub base_year: u32,
    /// Last year whose flows are needed (the last target year).
    pub last_year: u32,
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
    /// Net migration rate (per resident per year at profile 1), urban and rural.
    pub migration: [f64; 2],
}

impl Projector {
    pub fn new(s: &Scenario) -> Self {
        let d = &s.config.demography;
        let base_m = if s.mortality_table.len() == AGES {
            let mut m = [[0.0; AGES]; 2];
            for r in &s.mortality_table {
                m[0][r.age as usize] = m_from_q(r.qx_male);
                m[1][r.age as usize] = m_from_q(r.qx_female);
            }
            m
        } else {
            let mo = &d.mortality;
            [
                calibrate_siler(mo.e0_male_years, mo.infant_q0_male, mo.gompertz_slope),
                calibrate_siler(mo.e0_female_years, mo.infant_q0_female, mo.gompertz_slope),
            ]
        };
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
        let mut mig_profile = [0.0; AGES];
        for (a, v) in mig_profile.iter_mut().enumerate() {
            *v = d.migration.age_profile[(a / 5).min(20)];
        }
        let shape = county_shape(&s.age_structure, &s.config.population);
        let town_base: Vec<Pyramid> = s
            .towns
            .iter()
            .zip(calibrated_shares(&s.towns, &s.config.population))
            .map(|(t, sh)| town_pyramid(&shape, t, sh))
            .collect();
        let town_base_whole = town_base
            .iter()
            .map(|p| {
                let mut p = *p;
                base::round_keeping_total(&mut p);
                p
            })
            .collect();
        Projector {
            base_m,
            fert_shape,
            mig_profile,
            town_base,
            town_base_whole,
            town_urban: s.towns.iter().map(|t| t.class == TownClass::Urban).collect(),
            base_year: s.config.meta.base_year,
            last_year: *s.config.meta.target_years.last().unwrap_or(&s.config.meta.base_year),
            demography: d.clone(),
        }
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
            migration: [pick(&d.migration.urban_rate, rng), pick(&d.migration.rural_rate, rng)],
        }
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
        mut rng: Option<&mut R>,
        mut visit: impl FnMut(u32, &Pyramid, &Flows),
    ) {
        // Whole persons when counts are noisy, keeping the town's census total.
        let mut pop = if rng.is_some() { self.town_base_whole[town] } else { self.town_base[town] };
        let mig = draw.migration[if self.town_urban[town] { 0 } else { 1 }];
        for (i, r) in rates.iter().enumerate() {
            let year = self.base_year + i as u32;
            let start = pop;
            let flows = step(&mut pop, r, mig, &self.mig_profile, rng.as_deref_mut());
            visit(year, &start, &flows);
        }
    }
}

/// Ages of the open group and single years, re-exported for users.
pub const OPEN_AGE: usize = OPEN;
