//! `total_beds_min`: all institutional beds ≥ value.

use super::{NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Qty, Row};

pub struct TotalBeds;

impl NormDef for TotalBeds {
    fn key(&self) -> &'static str {
        "total_beds_min"
    }
    fn meaning(&self) -> &'static str {
        "institutional beds ≥ value"
    }
    fn unit(&self) -> Unit {
        Unit::Beds
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        vec![Row::at_least(
            self.key(),
            format!("institutional beds ≥ {}", cx.value),
            "beds",
            Lin::of(Qty::Beds),
            Lin::constant(cx.value),
        )]
    }
}
