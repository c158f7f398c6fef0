//! `regional_radius_min`: the travel limit, minutes, of the places family: centralised-care demand (disabled 特困 persons) reaching a care centre
//! within value minutes. The model assigns each town only to sites within it.

use super::{limit, NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::families::Family;
use crate::plan::rows::Row;

pub struct RegionalRadius;

impl NormDef for RegionalRadius {
    fn key(&self) -> &'static str {
        "regional_radius_min"
    }
    fn meaning(&self) -> &'static str {
        "centralised-care demand (disabled 特困 persons) reaching a care centre within value minutes"
    }
    fn unit(&self) -> Unit {
        Unit::Minutes
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        limit::served_within(
            self.key(),
            Family::Places,
            "centralised-care demand (disabled 特困 persons) reaching a care centre",
            cx,
        )
    }
}
