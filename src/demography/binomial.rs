//! Binomial death counts for a whole age row at once.
//!
//! Deaths are the Monte Carlo's hot loop: one Binomial(n, q) per sex, age,
//! town, year and draw (≈ 1.4 × 10⁸ for 1,000 draws of 安岳), most with a
//! mean below one. Drawn one cell at a time, by inversion, each cell costs a
//! data-dependent branch the CPU cannot predict (death or not), which was
//! ~85 % of the whole simulation. [`deaths_row`] draws a row of 101 ages in
//! lanes: all the uniforms at once, P(0) = (1 − q)^n by a branch-free exp,
//! then the inversion's search step by step over blocks of [`LANES`] ages,
//! stopping when every lane of the block has found its count. It is exact
//! inversion (x = #{k : F(k) < u}, F the binomial CDF), the same algorithm
//! as the one-cell sampler, only evaluated in a different order.

use super::mortality::AGES;
use rand::Rng;
use rand_distr::{Binomial, Distribution};

/// Cells with a mean at or above this, or q > 0.5, go to rand_distr's BTPE.
pub const INVERSION_MAX_MEAN: f64 = 20.0;

/// Ages handled together by the search (a multiple of the SIMD width):
/// three AVX2 vectors give the search's multiply-add chains enough
/// independent work to hide their latency (8 and 16 measured slower).
const LANES: usize = 12;

/// e^x for x ≤ 0, written so the compiler vectorises it (no libm call, no
/// branch): x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series to
/// r¹³ (truncation < 10⁻¹⁷ relative), 2^k put into the exponent bits.
/// Arguments below −700 give e^−700 (≈ 10⁻³⁰⁴): P(0) of such cells is zero
/// for every purpose, and they never reach the search anyway.
#[inline(always)]
fn exp_nonpositive(x: f64) -> f64 {
    const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 × 2⁵², rounds to an integer when added
                                                // ln 2 split as in fdlibm: k·LN2_HI is exact for |k| < 2¹¹.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    let x = x.clamp(-700.0, 0.0);
    let t = x * std::f64::consts::LOG2_E + SHIFT;
    let k = t - SHIFT;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Σ r^i / i!, i = 0..=13, by Estrin's scheme: pairs, then powers r², r⁴,
    // r⁸ (four dependent steps instead of Horner's thirteen).
    const C: [f64; 14] = {
        let mut c = [1.0; 14];
        let mut i = 2;
        while i < 14 {
            c[i] = c[i - 1] / i as f64;
            i += 1;
        }
        c
    };
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let pair = |i: usize| C[i] + C[i + 1] * r;
    let q0 = pair(0) + pair(2) * r2;
    let q1 = pair(4) + pair(6) * r2;
    let q2 = pair(8) + pair(10) * r2;
    let q3 = pair(12);
    let p = (q0 + q1 * r4) + (q2 + q3 * r4) * r8;
    // k is in the low bits of t; shift it into p's exponent.
    let k_bits = t.to_bits().wrapping_sub(SHIFT.to_bits());
    f64::from_bits(p.to_bits().wrapping_add(k_bits << 52))
}

/// ⌊x⌋ for 0 ≤ x < 2⁵¹ without a libm call or an integer conversion (so
/// it vectorises): adding and removing 2⁵² rounds to the nearest integer.
#[inline(always)]
pub(super) fn floor_nonnegative(x: f64) -> f64 {
    const TWO52: f64 = 4_503_599_627_370_496.0;
    let t = (x + TWO52) - TWO52;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// Deaths of one sex in one town-year: `out[a]` ~ Binomial(⌊n[a]⌋, q[a]) +
/// frac(n[a])·q[a] (the fraction of a person kept as its expected value, so
/// the count identity holds exactly), given `ln_survive[a]` = ln(1 − q[a]).
///
/// Consumes exactly [`AGES`] 32-bit words of `rng`, then one BTPE draw per
/// cell with a mean ≥ [`INVERSION_MAX_MEAN`] or q > 0.5, in age order.
pub fn deaths_row<R: Rng + ?Sized>(
    rng: &mut R,
    n: &[f64; AGES],
    q: &[f64; AGES],
    ln_survive: &[f64; AGES],
    out: &mut [f64; AGES],
) {
    let mut bits = [0u32; AGES];
    rng.fill(&mut bits[..]);
    // The BTPE cells, in age order.
    let mut big = search_row(&Row { bits: &bits, n, q, ln_survive }, out);
    while big != 0 {
        let i = big.trailing_zeros() as usize;
        big &= big - 1;
        let w = (n[i] as u64) as f64;
        out[i] = btpe(rng, w, q[i]) + (n[i] - w) * q[i];
    }
}

/// Whether a cell with `w` whole persons is drawn by BTPE rather than searched.
#[inline(always)]
fn is_btpe_cell(w: f64, q: f64) -> bool {
    (w > 0.0) & (q > 0.0) & (q < 1.0) & ((q > 0.5) | (w * q >= INVERSION_MAX_MEAN))
}

/// One age row's inputs to the search.
struct Row<'a> {
    /// The uniforms' random bits, one word per age.
    bits: &'a [u32; AGES],
    n: &'a [f64; AGES],
    q: &'a [f64; AGES],
    ln_survive: &'a [f64; AGES],
}

/// The deaths of every cell of a row but the BTPE cells (whose whole part
/// is left at 0), from their uniforms' bits, and the BTPE cells as a bit mask (bit a for age a).
/// Compiled twice: with AVX2 (4 lanes of f64) where the CPU has it,
/// and for baseline x86-64 (2 lanes) where not. Both do the same IEEE
/// operations in the same order (no fused multiply-add), so the counts are
/// the same bytes on either path.
fn search_row(row: &Row, out: &mut [f64; AGES]) -> u128 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { search_row_avx2(row, out) };
        }
    }
    search_row_generic(row, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn search_row_avx2(row: &Row, out: &mut [f64; AGES]) -> u128 {
    search_row_generic(row, out)
}

#[inline(always)]
fn search_row_generic(row: &Row, out: &mut [f64; AGES]) -> u128 {
    let Row { bits, n, q, ln_survive } = *row;
    const FULL: usize = AGES / LANES * LANES;
    let mut btpe_cells = 0u128;
    for b in (0..FULL).step_by(LANES) {
        let lanes = |x: &[f64; AGES]| -> [f64; LANES] { x[b..b + LANES].try_into().unwrap() };
        let ub: [u32; LANES] = bits[b..b + LANES].try_into().unwrap();
        let (o, bt) = search_block(&lanes(n), &lanes(q), &lanes(ln_survive), &ub);
        out[b..b + LANES].copy_from_slice(&o);
        btpe_cells |= (bt as u128) << b;
    }
    // The last ages, padded with nobody at q = 0.
    let m = AGES - FULL;
    let (mut nb, mut qb, mut lb, mut ub) = ([0.0; LANES], [0.0; LANES], [0.0; LANES], [0u32; LANES]);
    nb[..m].copy_from_slice(&n[FULL..]);
    qb[..m].copy_from_slice(&q[FULL..]);
    lb[..m].copy_from_slice(&ln_survive[FULL..]);
    ub[..m].copy_from_slice(&bits[FULL..]);
    let (o, bt) = search_block(&nb, &qb, &lb, &ub);
    out[FULL..].copy_from_slice(&o[..m]);
    btpe_cells | (bt as u128) << FULL
}

/// One block of [`LANES`] ages, branch-free except for the search's
/// stopping tests: x = #{k : F(k) < u}, F(k) = P(0) + … + P(k), with P(0) =
/// (1 − q)^n and P(k) = P(k−1)·((n+1)s/k − s), s = q/(1 − q). Returns the
/// deaths (BTPE cells' whole part left at 0) and its BTPE cells as a bit mask.
#[inline(always)]
fn search_block(nb: &[f64; LANES], qb: &[f64; LANES], lb: &[f64; LANES], ub: &[u32; LANES]) -> ([f64; LANES], u32) {
    let (mut w, mut u, mut e, mut bt) = ([0.0; LANES], [0.0; LANES], [0.0; LANES], [false; LANES]);
    let mut maybe_some = [false; LANES];
    for l in 0..LANES {
        let wl = floor_nonnegative(nb[l].max(0.0));
        let ql = qb[l];
        let searchable = (wl > 0.0) & (ql > 0.0) & (ql <= 0.5) & (wl * ql < INVERSION_MAX_MEAN);
        bt[l] = is_btpe_cell(wl, ql);
        // 32 random bits → [0, 1) on a grid of 2⁻³²: the bits as the top of
        // the mantissa of a number in [1, 2). Half the generator's work of 64
        // bits; a death count's probabilities move by at most 2⁻³².
        let uniform = f64::from_bits(((ub[l] as u64) << 20) | 0x3ff0_0000_0000_0000) - 1.0;
        // Cells not searched get u = −1: F(0) ≥ 0 stops them at once.
        u[l] = if searchable { uniform } else { -1.0 };
        w[l] = wl;
        e[l] = wl * if searchable { lb[l] } else { 0.0 };
        // P(0) = e^e ≥ 1 + e: u ≤ 1 + e already means no deaths.
        maybe_some[l] = u[l] > 1.0 + e[l];
    }
    let btpe_cells = bt.iter().enumerate().fold(0u32, |m, (l, &b)| m | (b as u32) << l);

    let mut x = [0.0; LANES];
    // Most blocks of young ages have no deaths at all: skip the exp and the search.
    if maybe_some.iter().fold(false, |any, &m| any | m) {
        let (mut r, mut s, mut a) = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
        for l in 0..LANES {
            let qs = if u[l] >= 0.0 { qb[l] } else { 0.0 };
            r[l] = exp_nonpositive(e[l]);
            s[l] = qs / (1.0 - qs);
            a[l] = (w[l] + 1.0) * s[l];
        }
        let mut f = r;
        let mut k = 0.0;
        loop {
            let mut more = [false; LANES];
            for l in 0..LANES {
                // Past k = n the mass is exhausted: round-off cannot add deaths.
                more[l] = (u[l] > f[l]) & (k < w[l]);
                x[l] += if more[l] { 1.0 } else { 0.0 };
            }
            if !more.iter().fold(false, |any, &m| any | m) {
                break;
            }
            k += 1.0;
            // A division off the lanes' dependency chain (cheaper here than recip's table).
            let inv_k = 1.0 / k;
            for l in 0..LANES {
                r[l] *= a[l] * inv_k - s[l];
                f[l] += r[l];
            }
        }
    }

    let mut o = [0.0; LANES];
    for l in 0..LANES {
        let (nl, ql) = (nb[l], qb[l]);
        // Two selects rather than an if-else chain, which compiled to branches.
        let drawn = x[l] + (nl - w[l]) * ql;
        let drawn = if ql >= 1.0 { nl } else { drawn };
        o[l] = if (nl <= 0.0) | (ql <= 0.0) { 0.0 } else { drawn };
    }
    (o, btpe_cells)
}

/// 1/k for the one-cell inversion's recurrence, from a table for small k.
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

/// Binomial(n, p) for a whole `n`, one cell, given `ln_q = ln(1 − p)`: the
/// same inversion as [`deaths_row`] (BINV, Kachitvichyanukul & Schmeiser
/// 1988, the algorithm rand_distr itself uses for small means) for the few
/// single draws outside the age rows (boys among births, infant deaths).
/// rand_distr's `Binomial::new` computes (1 − p)^n with a `powf` on every
/// call; here ln(1 − p) comes precomputed.
pub fn binomial_whole<R: Rng + ?Sized>(rng: &mut R, n: f64, p: f64, ln_q: f64) -> f64 {
    if n <= 0.0 || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return n;
    }
    if n * p >= INVERSION_MAX_MEAN || p > 0.5 {
        return btpe(rng, n, p);
    }
    let mut u: f64 = rng.random();
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

/// Binomial draw that accepts a non-integer population (the fraction is
/// kept as an expected value so the count identity holds exactly).
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: f64, p: f64, ln_q: f64) -> f64 {
    if n <= 0.0 || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return n;
    }
    // n ≥ 0 here: the integer conversion is floor() without a libm call.
    let whole = (n as u64) as f64;
    binomial_whole(rng, whole, p, ln_q) + (n - whole) * p
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn exp_matches_libm_to_two_ulp() {
        let mut x = -700.0;
        while x <= 0.0 {
            let (got, want) = (exp_nonpositive(x), x.exp());
            assert!((got - want).abs() <= 2.0 * f64::EPSILON * want, "exp({x}) = {got}, libm {want}");
            x += 0.0137;
        }
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert!(exp_nonpositive(-1e6) > 0.0 && exp_nonpositive(-1e6) < 1e-300);
    }

    /// Exact Binomial(n, p) pmf by the log-gamma-free product, for small n.
    fn pmf(n: u64, p: f64) -> Vec<f64> {
        let mut out = vec![(1.0 - p).powi(n as i32)];
        for k in 1..=n {
            let prev = out[k as usize - 1];
            out.push(prev * (n - k + 1) as f64 / k as f64 * p / (1.0 - p));
        }
        out
    }

    /// Every cell kind in one row: empty, fractional, tiny means, a mean of
    /// ~10, the BTPE range and q > 0.5, q = 1. Each cell's counts over many
    /// rows must follow its own binomial: the frequency of every count
    /// within 5 standard errors of the exact pmf, and the fractional part
    /// added as its expected value.
    #[test]
    fn row_counts_follow_each_cells_binomial() {
        let mut n = [0.0f64; AGES];
        let mut q = [0.0f64; AGES];
        let cells: [(usize, f64, f64); 9] = [
            (0, 0.0, 0.3),    // nobody
            (1, 12.0, 0.0),   // nobody dies
            (2, 40.0, 0.002), // mean 0.08
            (3, 7.5, 0.1),    // 7 whole persons + half a person
            (50, 30.0, 0.05), // mean 1.5
            (80, 25.0, 0.4),  // mean 10
            (90, 200.0, 0.2), // mean 40: BTPE
            (95, 6.0, 0.7),   // q > 0.5: BTPE
            (100, 3.0, 1.0),  // everybody
        ];
        for &(i, ni, qi) in &cells {
            n[i] = ni;
            q[i] = qi;
        }
        let ln: [f64; AGES] = std::array::from_fn(|i| f64::ln_1p(-q[i]));
        let reps = 40_000;
        let mut counts: Vec<Vec<f64>> = vec![Vec::new(); AGES];
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut out = [0.0; AGES];
        for _ in 0..reps {
            deaths_row(&mut rng, &n, &q, &ln, &mut out);
            for &(i, _, _) in &cells {
                counts[i].push(out[i]);
            }
        }
        for &(i, ni, qi) in &cells {
            let whole = ni.floor();
            let frac_part = (ni - whole) * qi;
            let xs = &counts[i];
            assert!(xs.iter().all(|&x| x >= 0.0 && x <= ni), "cell {i} out of range");
            if qi == 0.0 || ni == 0.0 {
                assert!(xs.iter().all(|&x| x == 0.0));
                continue;
            }
            if qi == 1.0 {
                assert!(xs.iter().all(|&x| x == ni));
                continue;
            }
            let exact = pmf(whole as u64, qi);
            for (k, &pk) in exact.iter().enumerate() {
                let freq = xs.iter().filter(|&&x| x == k as f64 + frac_part).count() as f64 / reps as f64;
                let se = (pk * (1.0 - pk) / reps as f64).sqrt().max(1.0 / reps as f64);
                assert!((freq - pk).abs() <= 5.0 * se, "cell {i}: P({k}) = {pk:.5}, observed {freq:.5}");
            }
        }
    }

    /// The AVX2 build of the search and the baseline one give the same bytes
    /// (so results do not depend on the CPU), on rows of every kind of cell.
    #[test]
    fn avx2_and_baseline_searches_agree() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for _ in 0..2_000 {
            let n: [f64; AGES] = std::array::from_fn(|_| {
                let v: f64 = rng.random::<f64>() * 400.0;
                if rng.random::<f64>() < 0.1 {
                    0.0
                } else {
                    v
                }
            });
            let q: [f64; AGES] = std::array::from_fn(|a| (0.0002 * (0.09 * a as f64).exp()).min(1.0));
            let ln: [f64; AGES] = std::array::from_fn(|a| f64::ln_1p(-q[a]));
            let mut bits = [0u32; AGES];
            rng.fill(&mut bits[..]);
            let (mut a, mut b) = ([0.0; AGES], [0.0; AGES]);
            let row = Row { bits: &bits, n: &n, q: &q, ln_survive: &ln };
            let big_a = search_row(&row, &mut a);
            let big_b = search_row_generic(&row, &mut b);
            assert_eq!(big_a, big_b);
            assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits));
        }
    }

    #[test]
    fn row_uses_a_fixed_number_of_words_when_nothing_is_large() {
        // With no BTPE cell, a row consumes exactly AGES words: two rows
        // drawn from one stream equal rows drawn from a stream advanced by AGES.
        let n = [50.0; AGES];
        let q = [0.01; AGES];
        let ln: [f64; AGES] = std::array::from_fn(|i| f64::ln_1p(-q[i]));
        let mut one = ChaCha8Rng::seed_from_u64(3);
        let (mut a, mut b) = ([0.0; AGES], [0.0; AGES]);
        deaths_row(&mut one, &n, &q, &ln, &mut a);
        deaths_row(&mut one, &n, &q, &ln, &mut b);
        let mut two = ChaCha8Rng::seed_from_u64(3);
        let mut skip = [0u32; AGES];
        two.fill(&mut skip[..]);
        let mut c = [0.0; AGES];
        deaths_row(&mut two, &n, &q, &ln, &mut c);
        assert_eq!(b, c);
        assert_ne!(a, b);
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
}
