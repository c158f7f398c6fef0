//! `nursing_bed_min_share`: nursing beds ≥ value × all beds, county-wide.
//! Converting existing beds (护理型床位改造) and building nursing beds both
//! count.

use super::{NormCtx, NormDef, NormOption};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Qty, Row};

pub struct NursingShare;

impl NormDef for NursingShare {
    fn key(&self) -> &'static str {
        "nursing_bed_min_share"
    }
    fn meaning(&self) -> &'static str {
        "nursing beds ≥ value × all beds"
    }
    fn unit(&self) -> Unit {
        Unit::Share
    }
    fn options(&self) -> &'static [NormOption] {
        &[NormOption::PerSite]
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        vec![Row::at_least(
            self.key(),
            format!("nursing beds ≥ {:.0}% of all beds", cx.value * 100.0),
            "beds",
            Lin::of(Qty::NursingBeds),
            Lin::of(Qty::Beds).times(cx.value),
        )]
    }
}
