//! One year of the cohort-component projection for one town.
//!
//! Population is counted at the start of each year; a step moves it to the
//! start of the next year and reports the year's flows:
//! 1. births = Σ ASFR(x) × women aged x (15–49) at the start of the year,
//!    split by the sex ratio at birth (independent Poisson counts of boys
//!    and girls when counts are noisy);
//! 2. deaths: each sex/age loses q(x) of its members (binomial draws when
//!    counts are noisy); infants die with q(0) in their first year;
//! 3. survivors age one year; the open group 100+ keeps its survivors;
//! 4. net migration = population × rate(sex, age) + a fixed number of
//!    persons(sex, age), after ageing, never taking a cohort below zero (the
//!    rates are fitted to two censuses, or an assumed class rate × age
//!    profile; the persons are the urban/rural transfer: [`super::Projector`]).
//!
//! So population(t+1) − population(t) = births − deaths + net migration,
//! exactly, in every step (a property test checks it).

use super::base::Pyramid;
use super::binomial::{binomial, deaths_row, floor_nonnegative};
use super::mortality::{AGES, OPEN};
use rand::Rng;
use rand_distr::{Distribution, Poisson};

/// Rates for one year of one draw, shared by all towns.
#[derive(Debug, Clone)]
pub struct YearRates {
    /// Death probabilities q(x) by sex.
    pub q: [[f64; AGES]; 2],
    /// ln(1 − q(x)) by sex, for the binomial sampler (computed once here,
    /// not once per town and cell).
    ln_survive: [[f64; AGES]; 2],
    /// Births per woman at each age (zero outside 15–49).
    pub asfr: [f64; AGES],
    /// Share of births that are boys.
    pub male_birth_share: f64,
}

impl YearRates {
    pub fn new(q: [[f64; AGES]; 2], asfr: [f64; AGES], male_birth_share: f64) -> Self {
        let mut ln_survive = [[0.0; AGES]; 2];
        for (l, q) in ln_survive.iter_mut().zip(&q) {
            for (l, &q) in l.iter_mut().zip(q) {
                *l = (-q).ln_1p();
            }
        }
        YearRates { q, ln_survive, asfr, male_birth_share }
    }
}

/// Flows of one year in one town.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Flows {
    pub births: f64,
    pub deaths: f64,
    pub net_migration: f64,
}

/// `x.round()` (half away from zero) for |x| < 2⁵¹, without a libm call or
/// an integer conversion, so the migration loop vectorises.
#[inline(always)]
fn round_half_away(x: f64) -> f64 {
    let a = x.abs();
    let t = floor_nonnegative(a);
    // a − t is exact (Sterbenz), so the half is compared without round-off.
    let r = if a - t >= 0.5 { t + 1.0 } else { t };
    r.copysign(x)
}

/// Σ xs in four interleaved partial sums, a fixed order (the same bytes on
/// every machine) that the compiler can vectorise.
#[inline(always)]
fn sum(xs: &[f64; AGES]) -> f64 {
    let mut acc = [0.0; 4];
    let mut chunks = xs.chunks_exact(4);
    for c in &mut chunks {
        for l in 0..4 {
            acc[l] += c[l];
        }
    }
    let tail: f64 = chunks.remainder().iter().sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

fn poisson<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    Poisson::new(mean).map(|d| d.sample(rng)).unwrap_or(mean)
}

/// Net migrants per survivor and year, by sex and age (after ageing).
pub type MigrationRates = [[f64; AGES]; 2];

/// One town's net migration in a year: `rate` × the cell plus `persons`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TownMigration {
    pub rate: MigrationRates,
    /// Net migrants by sex and age regardless of the cell's size.
    pub persons: MigrationRates,
}

/// Advance `pop` by one year. `rng = None` gives the expected-value
/// (deterministic) projection; `migration` is the town's net migration by
/// sex and age (None: a closed population).
pub fn step<R: Rng + ?Sized>(
    pop: &mut Pyramid,
    rates: &YearRates,
    migration: Option<&TownMigration>,
    mut rng: Option<&mut R>,
) -> Flows {
    // 1. Births from women at the start of the year.
    let expected_births: f64 = (15..50).map(|a| rates.asfr[a] * pop[1][a]).sum();
    let (births, boys) = match rng.as_deref_mut() {
        Some(r) => {
            // Boys and girls as independent Poisson counts: the same joint law
            // as a Poisson total split binomially by the boys' share, and two
            // cheap draws instead of a Poisson and a BTPE binomial.
            let boys = poisson(r, expected_births * rates.male_birth_share);
            let girls = poisson(r, expected_births * (1.0 - rates.male_birth_share));
            (boys + girls, boys)
        }
        None => (expected_births, expected_births * rates.male_birth_share),
    };
    let newborn = [boys, births - boys];

    // 2–3. Deaths and ageing.
    let mut deaths = 0.0;
    for s in 0..2 {
        let q = &rates.q[s];
        let ln_q = &rates.ln_survive[s];
        let row = &mut pop[s];
        let mut dead = [0.0; AGES];
        match rng.as_deref_mut() {
            Some(r) => deaths_row(r, row, q, ln_q, &mut dead),
            None => {
                for a in 0..AGES {
                    dead[a] = row[a] * q[a];
                }
            }
        }
        // Survivors age one year; the open group keeps its own survivors.
        let mut surv = [0.0; AGES];
        for a in 0..AGES {
            surv[a] = row[a] - dead[a];
        }
        deaths += sum(&dead);
        row[1..OPEN].copy_from_slice(&surv[..OPEN - 1]);
        row[OPEN] = surv[OPEN - 1] + surv[OPEN];
        // Infants: born this year, survive with 1 − q(0).
        let infant_deaths = match rng.as_deref_mut() {
            Some(r) => binomial(r, newborn[s], q[0], ln_q[0]),
            None => newborn[s] * q[0],
        };
        deaths += infant_deaths;
        row[0] = newborn[s] - infant_deaths;
    }

    // 4. Net migration, after ageing.
    let mut net = 0.0;
    if let Some(mig) = migration {
        let whole_persons = rng.is_some();
        for ((row, rate), persons) in pop.iter_mut().zip(&mig.rate).zip(&mig.persons) {
            net += migrate_row(row, rate, persons, whole_persons);
        }
    }
    Flows { births, deaths, net_migration: net }
}

/// Apply one row's net migration (never taking a cell below zero) and
/// return it. The AVX2 build is picked at run time where the CPU has it; it
/// does the same IEEE operations, so the same bytes.
fn migrate_row(row: &mut [f64; AGES], rate: &[f64; AGES], persons: &[f64; AGES], whole_persons: bool) -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { migrate_row_avx2(row, rate, persons, whole_persons) };
        }
    }
    migrate_row_generic(row, rate, persons, whole_persons)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn migrate_row_avx2(
    row: &mut [f64; AGES],
    rate: &[f64; AGES],
    persons: &[f64; AGES],
    whole_persons: bool,
) -> f64 {
    migrate_row_generic(row, rate, persons, whole_persons)
}

#[inline(always)]
fn migrate_row_generic(row: &mut [f64; AGES], rate: &[f64; AGES], persons: &[f64; AGES], whole_persons: bool) -> f64 {
    let mut moved = [0.0; AGES];
    for a in 0..AGES {
        let m = row[a] * rate[a] + persons[a];
        // Whole persons when counts are noisy.
        let m = if whole_persons { round_half_away(m) } else { m };
        // Never below zero (a plain comparison: f64::max's NaN rule costs a blend per cell).
        moved[a] = if m < -row[a] { -row[a] } else { m };
        row[a] += moved[a];
    }
    sum(&moved)
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
        YearRates::new([[0.0; AGES]; 2], [0.0; AGES], 0.5)
    }

    /// 1,000 women aged 30 at ASFR 0.2 and no deaths: births ~ Poisson(200)
    /// split with boys' share 0.52, so boys ~ Poisson(104) and girls ~
    /// Poisson(96), independent (the Poisson splitting theorem): means and
    /// variances 104 and 96, covariance 0, over 20,000 steps (5-se bands:
    /// mean ±0.36, variance ±5.1, covariance ±3.5).
    #[test]
    fn births_split_into_independent_poisson_boys_and_girls() {
        let mut asfr = [0.0; AGES];
        asfr[30] = 0.2;
        let rates = YearRates::new([[0.0; AGES]; 2], asfr, 0.52);
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let k = 20_000;
        let (mut boys, mut girls) = (Vec::with_capacity(k), Vec::with_capacity(k));
        for _ in 0..k {
            let mut p = [[0.0; AGES]; 2];
            p[1][30] = 1000.0;
            let f = step(&mut p, &rates, None, Some(&mut rng));
            assert_eq!(f.births, p[0][0] + p[1][0]);
            boys.push(p[0][0]);
            girls.push(p[1][0]);
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let (mb, mg) = (mean(&boys), mean(&girls));
        let var = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
        let cov = boys.iter().zip(&girls).map(|(b, g)| (b - mb) * (g - mg)).sum::<f64>() / (k - 1) as f64;
        assert!((mb - 104.0).abs() < 0.36 && (mg - 96.0).abs() < 0.36, "means {mb} {mg}");
        assert!((var(&boys, mb) - 104.0).abs() < 5.1 && (var(&girls, mg) - 96.0).abs() < 5.1);
        assert!(cov.abs() < 3.5, "covariance {cov}");
    }

    #[test]
    fn no_events_means_every_cohort_ages_one_year() {
        let mut p = [[0.0; AGES]; 2];
        for a in 0..AGES {
            p[0][a] = a as f64 + 1.0;
            p[1][a] = 2.0 * a as f64 + 1.0;
        }
        let before = p;
        let f = step::<ChaCha8Rng>(&mut p, &zero_rates(), None, None);
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
        let mut q = [[0.0; AGES]; 2];
        q[0][OPEN] = 0.4;
        let r = YearRates::new(q, [0.0; AGES], 0.5);
        step::<ChaCha8Rng>(&mut p, &r, None, None);
        assert!((p[0][OPEN] - 600.0).abs() < 1e-9);
    }

    /// The AVX2 build of the migration row and the baseline one give the
    /// same bytes, in and out, for rounded and unrounded migration.
    #[test]
    fn avx2_and_baseline_migration_agree() {
        use rand::{Rng, SeedableRng};
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for i in 0..2_000 {
            let row: [f64; AGES] = std::array::from_fn(|_| (rng.random::<f64>() * 300.0).floor());
            let r = (rng.random::<f64>() - 0.6) * 0.2;
            let rate: [f64; AGES] = std::array::from_fn(|_| r * rng.random::<f64>() * 3.0);
            let (mut a, mut b) = (row, row);
            let persons: [f64; AGES] = std::array::from_fn(|_| (rng.random::<f64>() - 0.5) * 20.0);
            let na = migrate_row(&mut a, &rate, &persons, i % 2 == 0);
            let nb = migrate_row_generic(&mut b, &rate, &persons, i % 2 == 0);
            assert_eq!(na.to_bits(), nb.to_bits());
            assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits));
            assert!(a.iter().all(|&v| v >= 0.0));
        }
    }

    #[test]
    fn round_half_away_equals_round() {
        for x in [0.0, 0.49999999999999994, 0.5, 1.5, 2.5, -0.5, -1.5, -2.4999, 7.0, -7.0, 1e15 + 0.5, -3.7, 123.456] {
            assert_eq!(round_half_away(x), x.round(), "{x}");
        }
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
            let mut qs = [[0.0; AGES]; 2];
            for s in 0..2 { for a in 0..AGES { qs[s][a] = q * (a as f64 / 100.0); } }
            qs[0][OPEN] = 0.9; qs[1][OPEN] = 0.9;
            let mut f = [0.0; AGES];
            for a in 15..50 { f[a] = asfr; }
            let r = YearRates::new(qs, f, 0.5);
            let mut rate = [[mig; AGES]; 2];
            rate[0][90] = 3.0 * mig; // strong emigration at one age: the floor at 0 binds
            rate[1][90] = 3.0 * mig;
            let mut persons = [[0.0; AGES]; 2];
            persons[0][40] = -600.0; // more leavers than persons: the floor binds
            persons[1][40] = 25.0;
            let rate = TownMigration { rate, persons };
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let before = total(&p);
            let f = if noisy {
                step(&mut p, &r, Some(&rate), Some(&mut rng))
            } else {
                step::<ChaCha8Rng>(&mut p, &r, Some(&rate), None)
            };
            let after = total(&p);
            prop_assert!((after - before - (f.births - f.deaths + f.net_migration)).abs() < 1e-6 * (1.0 + before));
            for s in 0..2 { for a in 0..AGES { prop_assert!(p[s][a] >= 0.0, "negative at {} {}", s, a); } }
        }
    }
}
