//! `cemetery_radius_min`: the travel limit, minutes, of the plots family: burial demand reaching a public cemetery
//! within value minutes. The model assigns each town only to sites within it.

use super::{limit, NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::families::Family;
use crate::plan::rows::Row;

pub struct CemeteryRadius;

impl NormDef for CemeteryRadius {
    fn key(&self) -> &'static str {
        "cemetery_radius_min"
    }
    fn meaning(&self) -> &'static str {
        "burial demand reaching a public cemetery within value minutes"
    }
    fn unit(&self) -> Unit {
        Unit::Minutes
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        limit::served_within(self.key(), Family::Plots, "burial demand reaching a public cemetery", cx)
    }
}
