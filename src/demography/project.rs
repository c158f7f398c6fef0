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

/// 1/k for the inversion's recurrence, from a table for small k (a
/// division per step was the loop's critical path).
fn recip(k: f64) -> f64 {
    const N: usize = 64;
    const TABLE: [f64; N] = {
        let mut t = [0.0; N];
        let mut i = 1;
        while i < N {
            t[i] = 1.0 / i as f64;
            i += 1;
        }
        t
    };
    let i = k as usize;
    if i < N {
        TABLE[i]
    } else {
        1.0 / k
    }
}

/// Means below this use inversion; above it, rand_distr's BTPE.
const INVERSION_MAX_MEAN: f64 = 20.0;

/// Binomial(n, p) for a whole `n`, given `ln_q = ln(1 − p)`.
///
/// Small means use inversion by sequential search (BINV, Kachitvichyanukul
/// & Schmeiser 1988, the algorithm rand_distr itself uses for small means):
/// P(0) = (1 − p)^n = exp(n·ln_q), P(k) = P(k−1)·((n+1)·s/k − s) with
/// s = p/(1 − p). rand_distr's `Binomial::new` computes (1 − p)^n with a
/// `powf` on every call, which was a third of the whole Monte Carlo's time
/// (perf, 安岳); here ln(1 − p) is computed once per year, age and sex for
/// all towns. Large means and p > 0.5 go to rand_distr (BTPE).
#[inline(always)]
fn binomial_whole<R: Rng + ?Sized>(rng: &mut R, n: f64, p: f64, ln_q: f64) -> f64 {
    if n <= 0.0 || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return n;
    }
    if n * p >= INVERSION_MAX_MEAN || p > 0.5 {
        return btpe(rng, n, p);
    }
    let u: f64 = rng.random();
    // e^y ≥ 1 + y, so u ≤ 1 + n·ln_q already means u ≤ P(0): no deaths, and
    // no exp() for most small cells (same draw as the full search).
    if u <= 1.0 + n * ln_q {
        return 0.0;
    }
    inversion(u, n, p, ln_q)
}

/// The sequential search of [`binomial_whole`] past the zero-deaths test,
/// out of line so the common path above stays small enough to inline
/// (2.59 s → 2.51 s for 1,000 draws of 安岳).
#[inline(never)]
fn inversion(mut u: f64, n: f64, p: f64, ln_q: f64) -> f64 {
    let s = p / (1.0 - p);
    let a = (n + 1.0) * s;
    let mut r = (n * ln_q).exp();
    let mut x = 0.0;
    while u > r {
        u -= r;
        x += 1.0;
        if x >= n {
            // Round-off left u above the whole mass: the tail is all at n.
            return n;
        }
        r *= a * recip(x) - s;
    }
    x
}

/// Large means and p > 0.5: rand_distr's BTPE (about 1 % of cells).
#[cold]
#[inline(never)]
fn btpe<R: Rng + ?Sized>(rng: &mut R, n: f64, p: f64) -> f64 {
    Binomial::new(n as u64, p).map(|b| b.sample(rng) as f64).unwrap_or(n * p)
}

/// Flows of one year in one town.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Flows {
    pub births: f64,
    pub deaths: f64,
    pub net_migration: f64,
}

/// `x.round()` for |x| < 2^52 through an integer conversion: the same value
/// (half away from zero), inlined instead of a libm call per cell.
fn round_half_away(x: f64) -> f64 {
    let a = x.abs();
    let t = (a as u64) as f64;
    // a − t is exact (Sterbenz), so the half is compared without round-off.
    let r = if a - t >= 0.5 { t + 1.0 } else { t };
    r.copysign(x)
}

/// Binomial draw that accepts a non-integer population (the fraction is
/// kept as an expected value so the count identity holds exactly).
#[inline(always)]
fn binomial<R: Rng + ?Sized>(rng: &mut R, n: f64, p: f64, ln_q: f64) -> f64 {
    if n <= 0.0 || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return n;
    }
    // n ≥ 0 here; the integer conversion is floor() without a libm call.
    let whole = (n as u64) as f64;
    let frac = n - whole;
    binomial_whole(rng, whole, p, ln_q) + frac * p
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
            (b, binomial(r, b, rates.male_birth_share, (-rates.male_birth_share).ln_1p()))
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
        let mut survivors_open = 0.0;
        let mut carry = 0.0; // survivors of age a−1, moving to age a
        for a in 0..AGES {
            let n = row[a];
            let d = match rng.as_deref_mut() {
                Some(r) => binomial(r, n, q[a], ln_q[a]),
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
            Some(r) => binomial(r, newborn[s], q[0], ln_q[0]),
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
                    m = round_half_away(m);
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
        YearRates::new([[0.0; AGES]; 2], [0.0; AGES], 0.5)
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
        let mut q = [[0.0; AGES]; 2];
        q[0][OPEN] = 0.4;
        let r = YearRates::new(q, [0.0; AGES], 0.5);
        step::<ChaCha8Rng>(&mut p, &r, 0.0, &[1.0; AGES], None);
        assert!((p[0][OPEN] - 600.0).abs() < 1e-9);
    }

    #[test]
    fn round_half_away_equals_round() {
        for x in [0.0, 0.49999999999999994, 0.5, 1.5, 2.5, -0.5, -1.5, -2.4999, 7.0, -7.0, 1e15 + 0.5, -3.7, 123.456] {
            assert_eq!(round_half_away(x), x.round(), "{x}");
        }
    }

    /// Mean, variance and P(0) of the sampler against the binomial's own
    /// np, np(1 − p) and (1 − p)^n, on both paths (inversion and BTPE) and at
    /// p > 0.5. With 200,000 draws the standard error of the mean is
    /// sqrt(np(1 − p)/200,000); the bands are 5 standard errors.
    #[test]
    fn binomial_sampler_matches_the_binomial_moments() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for (n, p) in [(100.0, 0.002), (40.0, 0.1), (150.0, 0.12), (5000.0, 0.01), (30.0, 0.7), (1.0, 0.3)] {
            let ln_q = f64::ln_1p(-p);
            let k = 200_000;
            let xs: Vec<f64> = (0..k).map(|_| binomial_whole(&mut rng, n, p, ln_q)).collect();
            let mean = xs.iter().sum::<f64>() / k as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
            let (m, v) = (n * p, n * p * (1.0 - p));
            let se = (v / k as f64).sqrt();
            assert!((mean - m).abs() < 5.0 * se, "n {n} p {p}: mean {mean} vs {m}");
            // Var of the sample variance ≈ (μ4 − σ⁴)/k ≤ (3σ⁴ + σ²)/k for a binomial.
            let se_v = ((3.0 * v * v + v) / k as f64).sqrt();
            assert!((var - v).abs() < 5.0 * se_v, "n {n} p {p}: var {var} vs {v}");
            let p0 = xs.iter().filter(|&&x| x == 0.0).count() as f64 / k as f64;
            let want = (1.0 - p).powf(n);
            let se0 = (want * (1.0 - want) / k as f64).sqrt().max(1e-6);
            assert!((p0 - want).abs() < 5.0 * se0, "n {n} p {p}: P(0) {p0} vs {want}");
            assert!(xs.iter().all(|&x| x >= 0.0 && x <= n && x.fract() == 0.0));
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
