//! `funeral_radius_min`: the travel limit, minutes, of the halls family: funeral demand reaching a funeral station or home
//! within value minutes. The model assigns each town only to sites within it.

use super::{limit, NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::families::Family;
use crate::plan::rows::Row;

pub struct FuneralRadius;

impl NormDef for FuneralRadius {
    fn key(&self) -> &'static str {
        "funeral_radius_min"
    }
    fn meaning(&self) -> &'static str {
        "funeral demand reaching a funeral station or home within value minutes"
    }
    fn unit(&self) -> Unit {
        Unit::Minutes
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        limit::served_within(self.key(), Family::Halls, "funeral demand reaching a funeral station or home", cx)
    }
}
