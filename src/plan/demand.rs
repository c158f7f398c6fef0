//! Town demand for one planning period: each town's Monte Carlo demand in the
//! period's last year, at a quantile of the draws or of one draw.

use crate::demand::{Metric, Simulation};
use serde::Serialize;

/// Town demand in one year, one value per town.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDemand {
    pub year: u32,
    /// The quantile of the draws used (None when one draw is used).
    pub quantile: Option<f64>,
    pub residents: Vec<f64>,
    pub aged60: Vec<f64>,
    pub bed_demand: Vec<f64>,
    pub nursing_bed_demand: Vec<f64>,
    pub tekun_disabled: Vec<f64>,
    pub tekun_disabled_willing: Vec<f64>,
    pub halls_needed: Vec<f64>,
    pub grave_plots: Vec<f64>,
    pub eco_plots: Vec<f64>,
    pub deaths: Vec<f64>,
    pub cremations: Vec<f64>,
}

impl PlanDemand {
    fn build(sim: &Simulation, year: usize, q: Option<f64>, value: impl Fn(usize, Metric) -> f64) -> Self {
        let n = sim.town_codes.len();
        let col = |m: Metric| (0..n).map(|t| value(t, m)).collect::<Vec<f64>>();
        PlanDemand {
            year: sim.years[year],
            quantile: q,
            residents: col(Metric::Residents),
            aged60: col(Metric::Aged60),
            bed_demand: col(Metric::BedDemand),
            nursing_bed_demand: col(Metric::NursingBedDemand),
            tekun_disabled: col(Metric::TekunDisabled),
            tekun_disabled_willing: col(Metric::TekunDisabledWilling),
            halls_needed: col(Metric::HallsNeeded),
            grave_plots: col(Metric::GravePlotsCum),
            eco_plots: col(Metric::EcoPlotsCum),
            deaths: col(Metric::Deaths),
            cremations: col(Metric::Cremations),
        }
    }

    /// Each town's demand at quantile `q` of the draws (town by town: the
    /// county total of town quantiles is a conservative county figure).
    pub fn at_quantile(sim: &Simulation, year: usize, q: f64) -> Self {
        Self::build(sim, year, Some(q), |t, m| sim.town_quantile(year, t, m, q))
    }

    /// The demand of one draw (for `--stability` and `--robust`).
    pub fn of_draw(sim: &Simulation, year: usize, draw: usize) -> Self {
        Self::build(sim, year, None, |t, m| sim.values[[draw, year, t, m.index()]] as f64)
    }

    pub fn total(v: &[f64]) -> f64 {
        v.iter().sum()
    }

    /// The cremation rate the demand assumes (cremations ÷ deaths).
    pub fn cremation_rate(&self) -> f64 {
        let deaths = Self::total(&self.deaths);
        if deaths > 0.0 {
            Self::total(&self.cremations) / deaths
        } else {
            0.0
        }
    }
}
