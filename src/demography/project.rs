//! One year of the cohort-component projection for one town.
//!
//! Population is counted at the start of each year; a step moves it to the
//! start of the next year and reports the year's flows:
//! 1. births = Σ ASFR(x) × women aged x (15–49) at the start of the year,
//!    split by the sex ratio at birth;
//! 2. deaths: each sex/age loses q(x) of its members (binomial draws when
//!    counts are noisy); infants die with q(0) in their first year;
//! 3. survivors age one year; the open group 100+ keeps its survivors;
//! 4. net migration = population × rate × age profile, after ageing, never
//!    taking a cohort below zero.
//!
//! So population(t+1) − population(t) = births − deaths + net migration,
//! exactly, in every step (a property test checks it).

use super::base::Pyramid;
use super::mortality::{AGES, OPEN};
use rand::Rng;
use rand_distr::{Binomial, Distribution, Poisson};

/// Rates for one year of one draw, shared by all towns.
#[derive(Debug, Clone)]
pub struct YearRates {
    /// Death probabilities q(x) by sex.
    pub q: [[f64; AGES]; 2],
    /// Births per woman at each age (zero outside 15–49).
    pub asfr: [f64; AGES],
    /// Share of births that are boys.
    pub male_birth_share: f64,
}

/// Flows of one year in one town.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Flows {
    pub births: f64,
    pub deaths: f64,
    pub net_migration: f64,
}

/// Binomial draw that accepts a non-integer population (the fraction is
/// kept as an expected value so the count identity holds exactly).
fn binomial<R: Rng + ?Sized>(rng: &mut R, n: f64, p: f64) -> f64 {
    if n <= 0.0 || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return n;
    }
    let whole = n.floor();
    let frac = n - whole;
    let k = if whole >= 1.0 {
        Binomial::new(whole as u64, p).map(|b| b.sample(rng) as f64).unwrap_or(whole * p)
    } else {
        0.0
    };
    k + frac * p
}

fn poisson<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    Poisson::new(mean).map(|d| d.sample(rng)).unwrap_or(mean)
}

/// Advance `pop` by one year. `rng = None` gives the expected-value
/// (deterministic) projection; `migration` is the town's net migration per
/// resident at profile 1 and `profile` its age pattern.
pub fn step<R: Rng + ?Sized>(
    pop: &mut Pyramid,
    rates: &YearRates,
    migration: f64,
    profile: &[f64; AGES],
    mut rng: Option<&mut R>,
) -> Flows {
    // 1. Births from women at the start of the year.
    let expected_births: f64 = (15..50).map(|a| rates.asfr[a] * pop[1][a]).sum();
    let (births, boys) = match rng.as_deref_mut() {
        Some(r) => {
            let b = poisson(r, expected_births);
            (b, binomial(r, b, rates.male_birth_share))
        }
        None => (expected_births, expected_births * rates.male_birth_share),
    };
    let newborn = [boys, births - boys];

    // 2–3. Deaths and ageing.
    let mut deaths = 0.0;
    for s in 0..2 {
        let q = &rates.q[s];
        let row = &mut pop[s];
        let mut survivors_open = 0.0;
        let mut carry = 0.0; // survivors of age a−1, moving to age a
        for a in 0..AGES {
            let n = row[a];
            let d = match rng.as_deref_mut() {
                Some(r) => binomial(r, n, q[a]),
                None => n * q[a],
            };
            deaths += d;
            let surv = n - d;
            if a == OPEN {
                survivors_open += surv;
            }
            row[a] = carry;
            carry = surv;
            if a == OPEN - 1 {
                survivors_open += carry;
                carry = 0.0;
            }
        }
        row[OPEN] = survivors_open;
        // Infants: born this year, survive with 1 − q(0).
        let infant_deaths = match rng.as_deref_mut() {
            Some(r) => binomial(r, newborn[s], q[0]),
            None => newborn[s] * q[0],
        };
        deaths += infant_deaths;
        row[0] = newborn[s] - infant_deaths;
    }

    // 4. Net migration, after ageing.
    let mut net = 0.0;
    if migration != 0.0 {
        for row in pop.iter_mut() {
            for a in 0..AGES {
                let mut m = row[a] * migration * profile[a];
                if rng.is_some() {
                    // Whole persons when counts are noisy.
                    m = m.round();
                }
                if m < -row[a] {
                    m = -row[a];
                }
                row[a] += m;
                net += m;
            }
        }
    }
    Flows { births, deaths, net_migration: net }
}

/// Total persons in a pyramid.
pub fn total(p: &Pyramid) -> f64 {
    p[0].iter().sum::<f64>() + p[1].iter().sum::<f64>()
}

/// Persons aged `from` and over.
pub fn aged(p: &Pyramid, from: usize) -> f64 {
    p[0][from..].iter().sum::<f64>() + p[1][from..].iter().sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn zero_rates() -> YearRates {
        YearRates { q: [[0.0; AGES]; 2], asfr: [0.0; AGES], male_birth_share: 0.5 }
    }

    #[test]
    fn no_events_means_every_cohort_ages_one_year() {
        let mut p = [[0.0; AGES]; 2];
        for a in 0..AGES {
            p[0][a] = a as f64 + 1.0;
            p[1][a] = 2.0 * a as f64 + 1.0;
        }
        let before = p;
        let f = step::<ChaCha8Rng>(&mut p, &zero_rates(), 0.0, &[1.0; AGES], None);
        assert_eq!(f, Flows::default());
        assert_eq!(p[0][0], 0.0);
        for a in 1..OPEN {
            assert_eq!(p[0][a], before[0][a - 1]);
            assert_eq!(p[1][a], before[1][a - 1]);
        }
        // 100+ = survivors of 99 plus the 100+ already there.
        assert_eq!(p[0][OPEN], before[0][99] + before[0][OPEN]);
    }

    #[test]
    fn open_group_keeps_its_survivors() {
        let mut p = [[0.0; AGES]; 2];
        p[0][OPEN] = 1000.0;
        let mut r = zero_rates();
        r.q[0][OPEN] = 0.4;
        step::<ChaCha8Rng>(&mut p, &r, 0.0, &[1.0; AGES], None);
        assert!((p[0][OPEN] - 600.0).abs() < 1e-9);
    }

    fn arb_pyramid() -> impl Strategy<Value = Pyramid> {
        prop::collection::vec(0u32..500, 2 * AGES).prop_map(|v| {
            let mut p = [[0.0; AGES]; 2];
            for (i, x) in v.into_iter().enumerate() {
                p[i / AGES][i % AGES] = x as f64;
            }
            p
        })
    }

    proptest! {
        #[test]
        fn balance_holds_and_nothing_goes_negative(
            pop in arb_pyramid(),
            q in 0.0f64..0.5,
            asfr in 0.0f64..0.2,
            mig in -0.5f64..0.2,
            seed in 0u64..1000,
            noisy in any::<bool>(),
        ) {
            let mut p = pop;
            let mut r = zero_rates();
            for s in 0..2 { for a in 0..AGES { r.q[s][a] = q * (a as f64 / 100.0); } }
            r.q[0][OPEN] = 0.9; r.q[1][OPEN] = 0.9;
            for a in 15..50 { r.asfr[a] = asfr; }
            let mut profile = [1.0; AGES];
            profile[90] = 3.0; // strong emigration at one age: the floor at 0 binds
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let before = total(&p);
            let f = if noisy {
                step(&mut p, &r, mig, &profile, Some(&mut rng))
            } else {
                step::<ChaCha8Rng>(&mut p, &r, mig, &profile, None)
            };
            let after = total(&p);
            prop_assert!((after - before - (f.births - f.deaths + f.net_migration)).abs() < 1e-6 * (1.0 + before));
            for s in 0..2 { for a in 0..AGES { prop_assert!(p[s][a] >= 0.0, "negative at {} {}", s, a); } }
        }
    }
}
