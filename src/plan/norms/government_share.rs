//! `government_bed_share_max`: government-run beds ≤ value × all beds. New
//! beds are planned as socially run (公建民营 or private), as the plans
//! direct; existing government beds count until they close or are handed
//! to social operation.

use super::{NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Qty, Row};

pub struct GovernmentShare;

impl NormDef for GovernmentShare {
    fn key(&self) -> &'static str {
        "government_bed_share_max"
    }
    fn meaning(&self) -> &'static str {
        "government-run beds ≤ value × all beds"
    }
    fn unit(&self) -> Unit {
        Unit::Share
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        vec![Row::at_most(
            self.key(),
            format!("government-run beds ≤ {:.0}% of all beds (new beds socially run)", cx.value * 100.0),
            "beds",
            Lin::of(Qty::GovernmentBeds),
            Lin::of(Qty::Beds).times(cx.value),
        )]
    }
}
