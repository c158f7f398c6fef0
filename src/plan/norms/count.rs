//! What the count norms share: facilities of one type that provide capacity
//! (existing ones not closed, new ones built and serving; an expansion adds
//! capacity, not a facility) ≥ value.

use super::NormCtx;
use crate::plan::rows::{Lin, Qty, Row};
use crate::scenario::FacilityType;

pub fn at_least(key: &'static str, kind: FacilityType, what: &str, cx: &NormCtx) -> Vec<Row> {
    vec![Row::at_least(
        key,
        format!("{what} ≥ {}", cx.value),
        "facilities",
        Lin::of(Qty::Count(kind)),
        Lin::constant(cx.value),
    )]
}
