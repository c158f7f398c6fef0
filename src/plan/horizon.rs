//! The planning horizon: its periods and how money is discounted across them.
//!
//! A build (or a decision on existing stock) happens in one period. Its
//! capital counts against that period's budget in full; in the objective it
//! is charged as an equivalent annual cost (annuity × capital, from the
//! asset's life and the discount rate) for every year from the start of the
//! period to the end of the horizon, discounted to the base year. So building
//! later is cheaper by the years it is not yet paid for, and an asset built
//! near the end of the horizon is not treated as free. Running costs and the
//! travel burden of a period are charged for each of its years, discounted.

use crate::scenario::{Scenario, YearSpan};
use serde::Serialize;

/// One planning period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub span: YearSpan,
    pub label: String,
}

/// The periods of a plan and the discounting between them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Horizon {
    pub base_year: u32,
    pub periods: Vec<Period>,
    pub discount_rate: f64,
    /// Yearly payment per yuan of capital over the asset's life.
    pub annuity: f64,
}

/// Annuity factor: yearly payment per yuan of capital.
pub fn annuity(rate: f64, years: f64) -> f64 {
    if rate <= 0.0 {
        1.0 / years.max(1.0)
    } else {
        rate / (1.0 - (1.0 + rate).powf(-years))
    }
}

impl Horizon {
    /// The scenario's periods (`[plan] periods`, else one period ending at
    /// each target year), or one period ending at `year` (a single-period plan).
    pub fn from_scenario(s: &Scenario, year: Option<u32>) -> Self {
        let base = s.config.meta.base_year;
        let spans: Vec<YearSpan> = match year {
            Some(y) => vec![YearSpan { from: base + 1, to: y.max(base + 1) }],
            None if !s.config.plan.periods.is_empty() => s.config.plan.periods.clone(),
            None => {
                let mut from = base + 1;
                s.config
                    .meta
                    .target_years
                    .iter()
                    .map(|&to| {
                        let span = YearSpan { from, to };
                        from = to + 1;
                        span
                    })
                    .collect()
            }
        };
        Self::new(base, spans, s.config.costs.discount_rate, s.config.costs.lifetime_years)
    }

    pub fn new(base_year: u32, spans: Vec<YearSpan>, discount_rate: f64, lifetime_years: f64) -> Self {
        Horizon {
            base_year,
            periods: spans.into_iter().map(|span| Period { label: span.label(), span }).collect(),
            discount_rate,
            annuity: annuity(discount_rate, lifetime_years),
        }
    }

    pub fn len(&self) -> usize {
        self.periods.len()
    }

    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }

    /// The last year of each period: the year whose demand the period plans for.
    pub fn end_years(&self) -> Vec<u32> {
        self.periods.iter().map(|p| p.span.to).collect()
    }

    /// Discount factor of a year: (1 + r)^−(year − base year).
    pub fn discount(&self, year: u32) -> f64 {
        (1.0 + self.discount_rate).powi(-(year as i32 - self.base_year as i32))
    }

    /// Present value of one yuan a year over the years of period `q`.
    pub fn weight(&self, q: usize) -> f64 {
        let s = self.periods[q].span;
        (s.from..=s.to).map(|y| self.discount(y)).sum()
    }

    /// Present value of one yuan of capital spent in period `p`: its annuity
    /// from the period's first year to the horizon's last.
    pub fn capital_factor(&self, p: usize) -> f64 {
        (p..self.len()).map(|q| self.weight(q)).sum::<f64>() * self.annuity
    }

    /// The first period in which a build of period `p` serves, with a lead
    /// time of `lead` years after the end of `p` (None: not within the horizon).
    pub fn serves_from(&self, p: usize, lead: u32) -> Option<usize> {
        let ready = self.periods[p].span.to + lead;
        (p..self.len()).find(|&q| self.periods[q].span.to >= ready)
    }

    /// The period a scenario's dated decision falls in: the one holding the
    /// span's last year, the year by which the plan has it done (so a
    /// "2021-2025" project lies in a single 2021-2030 period too). None: after
    /// the horizon.
    pub fn index_of(&self, span: &YearSpan) -> Option<usize> {
        self.periods.iter().position(|p| p.span.from <= span.to && span.to <= p.span.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dated_decision_falls_in_the_period_of_its_last_year() {
        let h = h();
        assert_eq!(h.index_of(&YearSpan { from: 2021, to: 2025 }), Some(0));
        assert_eq!(h.index_of(&YearSpan { from: 2024, to: 2027 }), Some(1));
        assert_eq!(h.index_of(&YearSpan { from: 2031, to: 2035 }), None);
        let one = Horizon::new(2020, vec![YearSpan { from: 2021, to: 2030 }], 0.04, 30.0);
        assert_eq!(one.index_of(&YearSpan { from: 2021, to: 2025 }), Some(0));
    }

    fn h() -> Horizon {
        Horizon::new(2020, vec![YearSpan { from: 2021, to: 2025 }, YearSpan { from: 2026, to: 2030 }], 0.04, 30.0)
    }

    #[test]
    fn discounting_by_hand() {
        let h = h();
        // 1.04^-1 + … + 1.04^-5 = 4.4518223 (annuity-immediate of 5 years at 4 %).
        assert!((h.weight(0) - 4.451_822_331).abs() < 1e-8);
        // Period 2 is the same five years five years later: × 1.04^-5 = 0.8219271.
        assert!((h.weight(1) - 4.451_822_331 * 0.821_927_107).abs() < 1e-8);
        // Capital in period 1 pays the annuity for ten years, in period 2 for five.
        assert!((h.capital_factor(0) - h.annuity * (h.weight(0) + h.weight(1))).abs() < 1e-12);
        assert!(h.capital_factor(1) < h.capital_factor(0));
        // 30-year annuity at 4 %: 0.04 / (1 − 1.04^-30) = 0.0578301.
        assert!((h.annuity - 0.057_830_099).abs() < 1e-8);
    }

    #[test]
    fn lead_times_push_service_into_later_periods() {
        let h = h();
        assert_eq!(h.serves_from(0, 0), Some(0));
        assert_eq!(h.serves_from(0, 3), Some(1));
        assert_eq!(h.serves_from(1, 1), None);
    }
}
