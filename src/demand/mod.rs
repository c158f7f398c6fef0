//! Population to service demand, and the Monte Carlo engine that runs the
//! projection draw by draw.
//!
//! Every draw has its own random stream: ChaCha8 seeded with the scenario
//! seed, stream number = draw index. Draws are independent, so they run in
//! parallel (rayon) and any one can be replayed alone; results are stored by
//! draw index, so they are byte-identical for any thread count.

pub mod metrics;

pub use metrics::{DemandDraw, Metric};

use crate::demography::Projector;
use crate::scenario::{Param, Scenario};
use indicatif::{ProgressBar, ProgressStyle};
use metrics::Carry;
use ndarray::{Array4, ArrayView1, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// How to run the Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimOptions {
    pub draws: usize,
    pub seed: u64,
    /// Every spread and noise term at zero; one central run.
    pub deterministic: bool,
    /// Show a progress bar (only on a terminal).
    pub progress: bool,
}

impl SimOptions {
    /// The scenario's own draws and seed.
    pub fn from_scenario(s: &Scenario) -> Self {
        SimOptions { draws: s.config.meta.draws, seed: s.config.meta.seed, deterministic: false, progress: false }
    }
}

/// Results of a Monte Carlo run: compact per-draw demand arrays, never
/// the draws' age pyramids.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Output years: the base year, then the target years.
    pub years: Vec<u32>,
    pub town_codes: Vec<String>,
    pub town_names: Vec<String>,
    pub options: SimOptions,
    /// Values by [draw, year, town, metric].
    pub values: Array4<f32>,
}

/// Mean and quantiles of a metric across draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// Quantile q of sorted values, linear interpolation between order
/// statistics (Hyndman–Fan type 7, the R and NumPy default).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Quantile q of values in any order, the same type-7 value as
/// [`quantile_sorted`], by selection (O(n) instead of a sort); reorders `v`.
pub fn quantile_select(v: &mut [f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    let (_, x_lo, right) = v.select_nth_unstable_by(lo, |a, b| a.total_cmp(b));
    let x_lo = *x_lo;
    let x_hi = if hi == lo { x_lo } else { right.iter().copied().min_by(|a, b| a.total_cmp(b)).unwrap_or(x_lo) };
    x_lo + (h - lo as f64) * (x_hi - x_lo)
}

/// Summary of values (any order).
pub fn summarise(values: &[f64]) -> Summary {
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    let mut v = values.to_vec();
    let mut at = |q| quantile_select(&mut v, q);
    Summary { mean, p5: at(0.05), p50: at(0.5), p95: at(0.95) }
}

impl Simulation {
    pub fn draws(&self) -> usize {
        self.values.len_of(Axis(0))
    }

    pub fn year_index(&self, year: u32) -> Option<usize> {
        self.years.iter().position(|&y| y == year)
    }

    /// One town's metric across draws.
    pub fn town_values(&self, year: usize, town: usize, m: Metric) -> Vec<f64> {
        let v: ArrayView1<f32> = self.values.slice(ndarray::s![.., year, town, m.index()]);
        v.iter().map(|&x| x as f64).collect()
    }

    /// The county total (or, for the ageing ratio, the county ratio) per draw.
    pub fn county_values(&self, year: usize, m: Metric) -> Vec<f64> {
        (0..self.draws())
            .map(|d| {
                let row = self.values.slice(ndarray::s![d, year, .., ..]);
                let sum = |m: Metric| row.column(m.index()).iter().map(|&x| x as f64).sum::<f64>();
                if m.additive() {
                    sum(m)
                } else {
                    let r = sum(Metric::Residents);
                    if r > 0.0 {
                        sum(Metric::Aged60) / r
                    } else {
                        0.0
                    }
                }
            })
            .collect()
    }

    /// Quantile q of a town's metric across draws.
    pub fn town_quantile(&self, year: usize, town: usize, m: Metric, q: f64) -> f64 {
        quantile_select(&mut self.town_values(year, town, m), q)
    }
}

/// Demand parameters of one draw.
pub fn sample_demand<R: Rng + ?Sized>(s: &Scenario, rng: &mut R, deterministic: bool) -> DemandDraw {
    let q = &s.config.demand;
    let mut pick = |p: &Param| if deterministic { p.central() } else { p.sample(rng) };
    let mut disability = [0.0; 6];
    for (slot, p) in disability.iter_mut().zip(&q.disability_prevalence) {
        *slot = pick(p);
    }
    DemandDraw {
        disability,
        disabled_institutional: pick(&q.disabled_institutional_share),
        able_institutional: pick(&q.able_institutional_share),
        tekun_per_resident: pick(&q.tekun_per_resident),
        tekun_disabled: pick(&q.tekun_disabled_share),
        tekun_willing: pick(&q.tekun_willing_share),
        cremation: (pick(&q.cremation_rate_base), pick(&q.cremation_rate_final)),
        eco: (pick(&q.eco_burial_share_base), pick(&q.eco_burial_share_final)),
        station_use: pick(&q.funeral_station_use_share),
        public_cemetery: pick(&q.public_cemetery_share),
        services_per_hall: q.services_per_hall_per_year,
        grave_m2: q.grave_plot_m2,
        eco_m2: q.eco_plot_m2,
        land_per_resident: s.config.norms.elderly_land_m2_per_resident.as_ref().map(|n| n.value).unwrap_or(0.0),
    }
}

/// The random stream of one draw.
pub fn draw_rng(seed: u64, draw: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(draw as u64);
    rng
}

/// Run one draw into `slab` ([year, town, metric], flattened).
fn run_draw(s: &Scenario, proj: &Projector, years: &[u32], opts: &SimOptions, draw: usize, slab: &mut [f32]) {
    let mut rng = draw_rng(opts.seed, draw);
    let det = opts.deterministic;
    let demog = proj.sample_draw(&mut rng, det);
    let demand = sample_demand(s, &mut rng, det);
    let rates = proj.year_rates(&demog, &mut rng, det);
    let noisy = !det && proj.count_noise();
    let n_towns = s.towns.len();
    let span = (proj.last_year - proj.base_year).max(1) as f64;
    let mut out = [0.0; Metric::COUNT];
    for town in 0..n_towns {
        let mut carry = Carry::default();
        let mut visit =
            |year: u32, pop: &crate::demography::base::Pyramid, flows: &crate::demography::project::Flows| {
                let frac = (year - proj.base_year) as f64 / span;
                metrics::accumulate(flows, &demand, frac, &mut carry);
                // The full metrics only in the years reported (4 of 16).
                if let Some(y) = years.iter().position(|&t| t == year) {
                    metrics::fill(pop, flows, &demand, frac, &carry, &mut out);
                    debug_assert_eq!(crate::checks::pyramid(pop).and(crate::checks::demand_row(&out)), Ok(()));
                    let at = (y * n_towns + town) * Metric::COUNT;
                    for (dst, src) in slab[at..at + Metric::COUNT].iter_mut().zip(out.iter()) {
                        *dst = *src as f32;
                    }
                }
            };
        if noisy {
            proj.project_town(town, &demog, &rates, Some(&mut rng), &mut visit);
        } else {
            proj.project_town::<ChaCha8Rng>(town, &demog, &rates, None, &mut visit);
        }
    }
}

/// Run the Monte Carlo on a validated scenario.
pub fn simulate(s: &Scenario, opts: &SimOptions) -> Simulation {
    let mut opts = *opts;
    if opts.deterministic {
        opts.draws = 1;
    }
    let proj = Projector::new(s);
    let mut years = vec![s.config.meta.base_year];
    years.extend(s.config.meta.target_years.iter().copied());
    let n_towns = s.towns.len();
    let per_draw = years.len() * n_towns * Metric::COUNT;
    let mut data = vec![0f32; opts.draws * per_draw];
    let bar = if opts.progress && opts.draws > 1 {
        let b = ProgressBar::new(opts.draws as u64);
        b.set_style(
            ProgressStyle::with_template("{spinner} draws {pos}/{len} [{bar:30}] {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    data.par_chunks_mut(per_draw.max(1)).enumerate().for_each(|(d, slab)| {
        run_draw(s, &proj, &years, &opts, d, slab);
        bar.inc(1);
    });
    bar.finish_and_clear();
    let values = Array4::from_shape_vec((opts.draws, years.len(), n_towns, Metric::COUNT), data)
        .expect("shape matches the buffer");
    Simulation {
        years,
        town_codes: s.towns.iter().map(|t| t.code.clone()).collect(),
        town_names: s.towns.iter().map(|t| t.name.clone()).collect(),
        options: opts,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_known_sample() {
        // 1..=101: p50 = 51, p5 = 1 + 0.05×100 = 6, p95 = 96.
        let v: Vec<f64> = (1..=101).map(|x| x as f64).collect();
        let s = summarise(&v);
        assert_eq!((s.p5, s.p50, s.p95, s.mean), (6.0, 51.0, 96.0, 51.0));
        // Type 7 interpolates: quantile 0.5 of [1, 2] = 1.5.
        assert_eq!(quantile_sorted(&[1.0, 2.0], 0.5), 1.5);
        assert_eq!(quantile_select(&mut [2.0, 1.0], 0.5), 1.5);
        // 0.3 of [4, 1, 3, 2]: h = 0.9 between 1 and 2 → 1.9.
        assert!((quantile_select(&mut [4.0, 1.0, 3.0, 2.0], 0.3) - 1.9).abs() < 1e-12);
    }

    proptest::proptest! {
        /// Selection gives exactly the sorted-order quantile, ties and all.
        #[test]
        fn selection_equals_sorting(v in proptest::collection::vec(-1e6f64..1e6, 1..200), q in 0.0f64..=1.0) {
            let mut sorted = v.clone();
            sorted.sort_by(|a, b| a.total_cmp(b));
            let mut w = v.clone();
            proptest::prop_assert_eq!(quantile_select(&mut w, q).to_bits(), quantile_sorted(&sorted, q).to_bits());
        }
    }

    #[test]
    fn empirical_median_of_a_normal() {
        // 40,001 standard-normal draws: the median's standard error is
        // sqrt(π/2)/sqrt(n) ≈ 0.0063, so |p50| < 0.03 is a ~5-sigma band;
        // p95 should be near 1.6449 (se ≈ 0.0107; band 0.05).
        use rand_distr::{Distribution, StandardNormal};
        let mut rng = draw_rng(42, 0);
        let v: Vec<f64> = (0..40_001).map(|_| StandardNormal.sample(&mut rng)).collect();
        let s = summarise(&v);
        assert!(s.p50.abs() < 0.03, "{}", s.p50);
        assert!((s.p95 - 1.6449).abs() < 0.05, "{}", s.p95);
    }
}
