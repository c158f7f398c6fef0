//! Compliance: every row of the model evaluated on the solved plan — the
//! norms as the model enforced them, each town's demand, and why demand
//! that is not served is not.

use super::families::Family;
use super::model::assign::{reachable, Site};
use super::model::{Built, ModelRow};
use super::norms;
use super::rows::Sense;
use super::travel::TravelTimes;
use crate::scenario::{PopulationBase, Scenario};
use good_lp::Solution;
use serde::Serialize;

/// Why a town's demand is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// No site of the family (existing or candidate) within the travel limit.
    NoSiteWithinLimit,
    /// The town has no coordinates, and no site in itself.
    NoCoordinates,
    /// Sites are within reach but cannot hold more.
    CapacityLimit,
}

/// One line of compliance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceRow {
    pub period: String,
    pub year: u32,
    pub norm: String,
    pub meaning: String,
    pub source: String,
    pub binding: bool,
    pub province_default: bool,
    /// The population a per-person norm counts (`registered`), when not residents.
    pub base: String,
    pub required: f64,
    pub planned: f64,
    pub unit: String,
    pub met: bool,
    /// planned − required for a minimum, required − planned for a maximum:
    /// negative = shortfall.
    pub slack: f64,
    /// A local row: the town.
    #[serde(rename = "where")]
    pub where_: String,
    /// A per-site row: the candidate.
    pub site: String,
    pub cause: Option<Cause>,
    /// A town's demand row (listed when it is not met).
    #[serde(skip)]
    pub demand_row: bool,
}

/// Tolerance for "met": solver round-off on large figures.
const TOL: f64 = 1e-6;

/// Round to 6 decimals so files do not show round-off noise (and never −0).
pub fn round6(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Why town `i`'s demand of family `f` is not fully served.
pub fn cause(s: &Scenario, tt: &TravelTimes, f: Family, i: usize, sites: &[Site]) -> Cause {
    let radius = f.radius(s);
    if sites.iter().any(|site| reachable(s, tt, i, site, radius)) {
        Cause::CapacityLimit
    } else if s.towns[i].lat.is_none() {
        Cause::NoCoordinates
    } else {
        Cause::NoSiteWithinLimit
    }
}

/// Evaluate one model row on a solution.
pub fn row(s: &Scenario, b: &Built, r: &ModelRow, sol: &impl Solution, period: &str, year: u32) -> ComplianceRow {
    let q = &b.quantities[r.period];
    let value = |l: &super::rows::Lin| l.eval(|x| q.value(x, &b.tt, sol));
    let (planned, required) = (value(&r.row.lhs), value(&r.row.rhs));
    let slack = match r.row.sense {
        Sense::AtLeast => planned - required,
        Sense::AtMost => required - planned,
    };
    let met = slack >= -TOL * (1.0 + required.abs());
    let entry = norms::entry_of(r.row.key).and_then(|k| s.config.norms.get(k));
    let demand_row = entry.is_none() && r.row.town.is_some();
    let cause = match (met, demand_row, r.row.lhs.terms.first()) {
        (false, true, Some((_, super::rows::Qty::Served(f, i)))) => Some(cause(s, &b.tt, *f, *i, &b.sites[f])),
        _ => None,
    };
    ComplianceRow {
        period: period.to_string(),
        year,
        norm: r.row.key.to_string(),
        meaning: r.row.meaning.clone(),
        source: entry.map(|n| n.source.clone()).unwrap_or_else(|| "demand (Monte Carlo)".into()),
        binding: entry.is_some_and(|n| n.binding),
        province_default: entry.is_some_and(|n| n.province_default),
        base: match entry.map(|n| n.base) {
            Some(PopulationBase::Registered) => "registered".into(),
            _ => String::new(),
        },
        required: round6(required),
        planned: round6(planned),
        unit: r.row.unit.to_string(),
        met,
        slack: round6(slack),
        where_: r.row.town.map(|t| s.towns[t].name.clone()).unwrap_or_default(),
        site: r.row.site.map(|j| s.candidates[j].id.clone()).unwrap_or_default(),
        cause,
        demand_row,
    }
}

/// Every row worth reporting: all norm rows (a per-site row only where the
/// site is built) and each town's demand row that is not met.
pub fn compliance(s: &Scenario, b: &Built, sol: &impl Solution, periods: &[(String, u32)]) -> Vec<ComplianceRow> {
    b.rows
        .iter()
        .filter(|r| r.row.site.is_none_or(|j| b.cands[j].built().eval_with(sol) > 0.5))
        .map(|r| row(s, b, r, sol, &periods[r.period].0, periods[r.period].1))
        .filter(|c| !c.demand_row || !c.met)
        .collect()
}
