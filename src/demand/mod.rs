//! Population to service demand, and the Monte Carlo engine that runs the
//! projection draw by draw.
//!
//! Every draw has its own random stream: ChaCha8 seeded with the scenario
//! seed, stream number = draw index. Draws are independent, so they run in
//! parallel (rayon) and any one can be replayed alone; results are stored by
//! draw index, so they are byte-identical for any thread count.

pub mod metrics;

pub use metrics::{DemandDraw, Metric};

use crate::demography::base::CENSUS_GROUPS;
use crate::demography::Projector;

/// Groups of the county pyramid.
const GROUPS: usize = CENSUS_GROUPS.len();
use crate::scenario::{Param, Scenario};
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

/// Results of a Monte Carlo run: compact per-draw demand arrays and the
/// county's age pyramid by census group, never the towns' pyramids.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Output years: the base year, then the target years.
    pub years: Vec<u32>,
    pub town_codes: Vec<String>,
    pub town_names: Vec<String>,
    /// Whether each town's base population was derived by the loader's
    /// split rule (not a published figure).
    pub town_derived: Vec<bool>,
    pub options: SimOptions,
    /// Values by [draw, year, town, metric].
    pub values: Array4<f32>,
    /// County population by [draw, year, sex, group of `CENSUS_GROUPS`].
    pub pyramid: Array4<f32>,
}

/// Mean and quantiles of a metric across draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
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
    let n = v.len();
    if n < 8 {
        let mut at = |q| quantile_select(&mut v, q);
        return Summary { mean, p5: at(0.05), p25: at(0.25), p50: at(0.5), p75: at(0.75), p95: at(0.95) };
    }
    // Nested selection: the median splits the values, p25 and p75 are found
    // within the halves, p5 and p95 within the outer quarters (each order
    // statistic lies in the part its index falls in), so the five quantiles
    // cost about 2.5 selections of the whole instead of five.
    let at = |q: f64| {
        let h = (n - 1) as f64 * q;
        (h, h.floor() as usize)
    };
    let (h50, i50) = at(0.5);
    let m50 = pick(&mut v, 0, n, i50, h50);
    let (h25, i25) = at(0.25);
    let m25 = pick(&mut v, 0, i50, i25, h25);
    let (h5, i5) = at(0.05);
    let m5 = pick(&mut v, 0, i25, i5, h5);
    let (h75, i75) = at(0.75);
    let m75 = pick(&mut v, i50 + 1, n, i75, h75);
    let (h95, i95) = at(0.95);
    let m95 = pick(&mut v, i75 + 1, n, i95, h95);
    Summary { mean, p5: m5, p25: m25, p50: m50, p75: m75, p95: m95 }
}

/// The type-7 quantile at position h (order statistic i = ⌊h⌋ and the next)
/// of `v`, whose elements below index `lo` are all ≤ and from `hi` on all ≥
/// those in `lo..hi`, with i in `lo..hi`: selects within `lo..hi` only and
/// leaves `v` partitioned at i.
fn pick(v: &mut [f64], lo: usize, hi: usize, i: usize, h: f64) -> f64 {
    let part = &mut v[lo..hi];
    let (_, x, right) = part.select_nth_unstable_by(i - lo, |a, b| a.total_cmp(b));
    let x = *x;
    if h == i as f64 {
        return x;
    }
    // The next order statistic: the least of what follows i in the part, or
    // the first element after it.
    let next = right.iter().copied().min_by(|a, b| a.total_cmp(b));
    let next = match (next, v.get(hi)) {
        (Some(a), _) => a,
        (None, Some(&b)) => b,
        (None, None) => x,
    };
    x + (h - i as f64) * (next - x)
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

    /// The county's population of one sex (0 male, 1 female) and census
    /// group (index into `CENSUS_GROUPS`) across draws.
    pub fn pyramid_values(&self, year: usize, sex: usize, group: usize) -> Vec<f64> {
        self.pyramid.slice(ndarray::s![.., year, sex, group]).iter().map(|&x| x as f64).collect()
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
        land_per_resident: s.config.norms.get("elderly_land_m2_per_resident").map(|n| n.value).unwrap_or(0.0),
    }
}

/// The random stream of one draw.
pub fn draw_rng(seed: u64, draw: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(draw as u64);
    rng
}

/// Run one draw into `slab` ([year, town, metric], flattened) and its
/// county pyramid into `pyr` ([year, sex, group], flattened).
fn run_draw(
    s: &Scenario,
    proj: &Projector,
    years: &[u32],
    opts: &SimOptions,
    draw: usize,
    slab: &mut [f32],
    pyr: &mut [f32],
) {
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
            |year: u32, pop: Option<&crate::demography::base::Pyramid>, flows: &crate::demography::project::Flows| {
                let frac = (year - proj.base_year) as f64 / span;
                metrics::accumulate(flows, &demand, frac, &mut carry);
                // The full metrics only in the years reported (4 of 16).
                if let (Some(y), Some(pop)) = (years.iter().position(|&t| t == year), pop) {
                    metrics::fill(pop, flows, &demand, frac, &carry, &mut out);
                    debug_assert_eq!(crate::checks::pyramid(pop).and(crate::checks::demand_row(&out)), Ok(()));
                    for (sex, row) in pop.iter().enumerate() {
                        let at = (y * 2 + sex) * GROUPS;
                        for (k, &(lo, hi)) in CENSUS_GROUPS.iter().enumerate() {
                            pyr[at + k] += row[lo..=hi].iter().sum::<f64>() as f32;
                        }
                    }
                    let at = (y * n_towns + town) * Metric::COUNT;
                    for (dst, src) in slab[at..at + Metric::COUNT].iter_mut().zip(out.iter()) {
                        *dst = *src as f32;
                    }
                }
            };
        let report = |year: u32| years.contains(&year);
        if noisy {
            proj.project_town_reporting(town, &demog, &rates, Some(&mut rng), report, &mut visit);
        } else {
            proj.project_town_reporting::<ChaCha8Rng>(town, &demog, &rates, None, report, &mut visit);
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
    let per_pyr = years.len() * 2 * GROUPS;
    let mut pyr = vec![0f32; opts.draws * per_pyr];
    let bar = crate::progress::counter(opts.draws, "draws", opts.progress);
    data.par_chunks_mut(per_draw.max(1)).zip(pyr.par_chunks_mut(per_pyr)).enumerate().for_each(|(d, (slab, p))| {
        run_draw(s, &proj, &years, &opts, d, slab, p);
        bar.inc(1);
    });
    bar.finish_and_clear();
    let values = Array4::from_shape_vec((opts.draws, years.len(), n_towns, Metric::COUNT), data)
        .expect("shape matches the buffer");
    let pyramid = Array4::from_shape_vec((opts.draws, years.len(), 2, GROUPS), pyr).expect("shape matches the buffer");
    Simulation {
        years,
        town_codes: s.towns.iter().map(|t| t.code.clone()).collect(),
        town_names: s.towns.iter().map(|t| t.name.clone()).collect(),
        town_derived: s.towns.iter().map(|t| t.residents_derived).collect(),
        options: opts,
        values,
        pyramid,
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
        // p25 = 1 + 0.25 × 100 = 26, p75 = 76.
        assert_eq!((s.p25, s.p75), (26.0, 76.0));
        // Type 7 interpolates: quantile 0.5 of [1, 2] = 1.5.
        assert_eq!(quantile_sorted(&[1.0, 2.0], 0.5), 1.5);
        assert_eq!(quantile_select(&mut [2.0, 1.0], 0.5), 1.5);
        // 0.3 of [4, 1, 3, 2]: h = 0.9 between 1 and 2 → 1.9.
        assert!((quantile_select(&mut [4.0, 1.0, 3.0, 2.0], 0.3) - 1.9).abs() < 1e-12);
    }

    proptest::proptest! {
        /// The nested five-quantile summary equals the sorted-order quantiles.
        #[test]
        fn summary_equals_sorting(v in proptest::collection::vec(-1e3f64..1e3, 1..300)) {
            let mut sorted = v.clone();
            sorted.sort_by(|a, b| a.total_cmp(b));
            let s = summarise(&v);
            for (got, q) in [(s.p5, 0.05), (s.p25, 0.25), (s.p50, 0.5), (s.p75, 0.75), (s.p95, 0.95)] {
                proptest::prop_assert_eq!(got.to_bits(), quantile_sorted(&sorted, q).to_bits());
            }
        }

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
