//! `disabled_care_centres_min`: concentrated care centres for disabled 特困 persons ≥ value (counting only facilities that provide capacity).

use super::{count, NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::rows::Row;
use crate::scenario::FacilityType;

pub struct DisabledCareCentres;

impl NormDef for DisabledCareCentres {
    fn key(&self) -> &'static str {
        "disabled_care_centres_min"
    }
    fn meaning(&self) -> &'static str {
        "concentrated care centres for disabled 特困 persons ≥ value"
    }
    fn unit(&self) -> Unit {
        Unit::Facilities
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        count::at_least(
            self.key(),
            FacilityType::DisabledCareCentre,
            "concentrated care centres for disabled 特困 persons",
            cx,
        )
    }
}
