//! `centre_coverage_min_share`: 镇街 with a comprehensive elderly-care centre
//! ≥ value × all 镇街 (rounded up to whole 镇街).

use super::{NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Qty, Row};
use crate::scenario::FacilityType;

pub struct CentreCoverage;

impl NormDef for CentreCoverage {
    fn key(&self) -> &'static str {
        "centre_coverage_min_share"
    }
    fn meaning(&self) -> &'static str {
        "镇街 with a comprehensive elderly-care centre ≥ value × all 镇街"
    }
    fn unit(&self) -> Unit {
        Unit::Share
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        let n = cx.s.towns.len();
        let required = (cx.value * n as f64 - 1e-9).ceil();
        let has = Lin::sum((0..n).map(|t| Lin::of(Qty::Has(FacilityType::ElderlyCentre, t))));
        vec![Row::at_least(
            self.key(),
            format!("镇街 with a comprehensive centre ≥ {:.0}% of {n}", cx.value * 100.0),
            "镇街",
            has,
            Lin::constant(required),
        )]
    }
}
