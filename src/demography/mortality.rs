//! Mortality schedules: a parametric Siler-type hazard calibrated to the
//! scenario's life expectancy, or a tabulated qx; life-table functions.
//!
//! Ages are single years 0..=100, where 100 is the open group 100+.

/// Number of single-year ages, 0..=100 (100 = 100+).
pub const AGES: usize = 101;
/// Index of the open age group.
pub const OPEN: usize = 100;

/// Juvenile (A·e^{−B·x}) and background (C) terms of the Siler hazard.
/// Assumption: generic values giving m(1) ≈ 7e-4 and m(10) ≈ 3e-4, the order
/// of Chinese 2020 child mortality; they matter little for the elderly
/// demand civplan projects, and the e0 calibration absorbs the level.
const SILER_A: f64 = 0.001;
const SILER_B: f64 = 1.0;
const SILER_C: f64 = 0.0003;

/// Central death rates m(x) by single year of age, 0..=100.
pub type Schedule = [f64; AGES];

/// Parametric schedule for ages ≥ 1: m(x) = A·e^{−Bx} + C + G·e^{Hx};
/// age 0 from the infant death probability q0.
pub fn siler(q0: f64, gompertz_g: f64, gompertz_slope: f64) -> Schedule {
    let mut m = [0.0; AGES];
    m[0] = -(1.0 - q0).ln();
    for (x, mx) in m.iter_mut().enumerate().skip(1) {
        let a = x as f64;
        *mx = SILER_A * (-SILER_B * a).exp() + SILER_C + gompertz_g * (gompertz_slope * a).exp();
    }
    m
}

/// Death probability within a year at constant hazard m: q = 1 − e^{−m}.
pub fn q_from_m(m: f64) -> f64 {
    1.0 - (-m).exp()
}

/// Central rate from a death probability: m = −ln(1 − q).
pub fn m_from_q(q: f64) -> f64 {
    if q >= 1.0 {
        // The open group in a table may carry q = 1: everyone dies within
        // the year, which a finite hazard cannot express; use a rate whose
        // survival is 1e-9.
        -(1e-9f64).ln()
    } else {
        -(1.0 - q).ln()
    }
}

/// Life expectancy at birth from central rates: a life table with deaths at
/// mid-year (a_x = 0.5) and the open group's person-years l_100 / m_100.
pub fn life_expectancy(m: &Schedule) -> f64 {
    let mut l = 1.0;
    let mut t = 0.0;
    for &mx in m.iter().take(OPEN) {
        let q = q_from_m(mx);
        let d = l * q;
        t += l - 0.5 * d;
        l -= d;
    }
    t + l / m[OPEN].max(1e-12)
}

/// Find G so that the Siler schedule's life expectancy equals `e0`
/// (bisection on ln G; e0 falls as G rises).
pub fn calibrate_siler(e0: f64, q0: f64, slope: f64) -> Schedule {
    let (mut lo, mut hi) = ((1e-12f64).ln(), (1.0f64).ln());
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        let e = life_expectancy(&siler(q0, mid.exp(), slope));
        if e > e0 {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    siler(q0, (0.5 * (lo + hi)).exp(), slope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_hazard_life_expectancy_matches_closed_form() {
        // With m constant = μ, q = 1 − e^{−μ}, l_x = (1−q)^x, so
        // e0 = (1 − q/2)·(1 − (1−q)^100)/q + (1−q)^100/μ.
        let mu: f64 = 0.05;
        let m = [mu; AGES];
        let q = 1.0 - (-mu).exp();
        let expected = (1.0 - q / 2.0) * (1.0 - (1.0 - q).powi(100)) / q + (1.0 - q).powi(100) / mu;
        assert!((life_expectancy(&m) - expected).abs() < 1e-9);
        // And it is close to 1/μ = 20 as the continuous model says.
        assert!((life_expectancy(&m) - 20.0).abs() < 0.01);
    }

    #[test]
    fn calibration_hits_target_e0() {
        for (e0, q0) in [(76.0, 0.006), (81.5, 0.004), (70.0, 0.02)] {
            let m = calibrate_siler(e0, q0, 0.09);
            assert!((life_expectancy(&m) - e0).abs() < 0.05, "{e0}");
            // The schedule rises with age past childhood, as human mortality does.
            assert!(m[80] > m[60] && m[60] > m[40] && m[40] > m[20]);
        }
    }

    #[test]
    fn q_m_round_trip() {
        for q in [0.0, 0.001, 0.2, 0.9] {
            assert!((q_from_m(m_from_q(q)) - q).abs() < 1e-12);
        }
    }
}
