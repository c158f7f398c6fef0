//! `centralised_care_min_share`: centralised-care places ≥ value × disabled
//! 特困 persons (only the willing with `basis = "willing"`). The norm is
//! also the demand of the places family: each town's disabled 特困 persons
//! × value must be served within the regional travel limit, so the county
//! row is implied by the town rows and is reported, not enforced twice.

use super::{default_year, NormCtx, NormDef, NormOption};
use crate::limits::Unit;
use crate::plan::demand::PlanDemand;
use crate::plan::rows::{Lin, Qty, Row};
use crate::scenario::{Basis, Scenario};

pub struct CentralisedCare;

const KEY: &str = "centralised_care_min_share";

impl NormDef for CentralisedCare {
    fn key(&self) -> &'static str {
        KEY
    }
    fn meaning(&self) -> &'static str {
        "centralised-care places ≥ value × disabled 特困 persons (or the willing ones)"
    }
    fn unit(&self) -> Unit {
        Unit::Share
    }
    fn options(&self) -> &'static [NormOption] {
        &[NormOption::Basis]
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        let who = match cx.norm.basis.unwrap_or_default() {
            Basis::All => "disabled 特困 persons",
            Basis::Willing => "willing disabled 特困 persons",
        };
        let need = PlanDemand::total(&places_demand(cx.s, cx.d));
        vec![Row::at_least(
            KEY,
            format!("centralised-care places ≥ {:.0}% of {who}", cx.value * 100.0),
            "places",
            Lin::of(Qty::Places),
            Lin::constant(need),
        )
        .not_enforced()]
    }
}

/// Each town's demand for centralised-care places in the period ending in
/// `d.year`: the norm's basis × its value then (before the norm's first year,
/// its first value; without the norm, every willing disabled 特困 person).
pub fn places_demand(s: &Scenario, d: &PlanDemand) -> Vec<f64> {
    let norm = s.config.norms.get(KEY);
    let basis = norm.map(|n| n.basis.unwrap_or_default()).unwrap_or(Basis::Willing);
    let value = norm
        .map(|n| n.value_at(d.year, default_year(s)).unwrap_or_else(|| n.schedule(default_year(s))[0].1))
        .unwrap_or(1.0);
    let persons = match basis {
        Basis::All => &d.tekun_disabled,
        Basis::Willing => &d.tekun_disabled_willing,
    };
    persons.iter().map(|p| p * value).collect()
}
