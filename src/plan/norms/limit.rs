//! What the travel-limit norms share: a family's demand must be served
//! within the limit (the model only assigns a town to sites within it), so
//! the county row — demand served within the limit ≥ demand — is implied by
//! the family's town rows and is reported, not enforced twice.

use super::NormCtx;
use crate::plan::demand::PlanDemand;
use crate::plan::families::Family;
use crate::plan::rows::{Lin, Qty, Row};

pub fn served_within(key: &'static str, f: Family, what: &str, cx: &NormCtx) -> Vec<Row> {
    let demand = f.def().town_demand(cx.s, cx.d);
    let served = Lin::sum((0..demand.len()).map(|i| Lin::of(Qty::Served(f, i))));
    vec![Row::at_least(
        key,
        format!("{what} served within {} min", cx.value),
        f.def().unit,
        served,
        Lin::constant(PlanDemand::total(&demand)),
    )
    .not_enforced()]
}
