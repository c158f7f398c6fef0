//! `cremation_rate_min`: the cremation rate the demand model assumes ≥
//! value. A check of the demand assumptions, not a decision: reported, never
//! a model row.

use super::{NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Row};

pub struct CremationRate;

impl NormDef for CremationRate {
    fn key(&self) -> &'static str {
        "cremation_rate_min"
    }
    fn meaning(&self) -> &'static str {
        "cremation rate assumed by the demand model ≥ value"
    }
    fn unit(&self) -> Unit {
        Unit::Share
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        vec![Row::at_least(
            self.key(),
            format!("cremation rate assumed by the demand model ≥ {:.0}%", cx.value * 100.0),
            "share",
            Lin::constant(cx.d.cremation_rate()),
            Lin::constant(cx.value),
        )
        .not_enforced()]
    }
}
