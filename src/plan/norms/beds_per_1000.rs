//! `beds_per_1000_elderly_min`: beds ≥ value per 1,000 persons aged 60+
//! (resident, or registered with `base = "registered"`).

use super::{NormCtx, NormDef, NormOption};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Qty, Row};
use crate::scenario::PopulationBase;

pub struct BedsPer1000;

impl NormDef for BedsPer1000 {
    fn key(&self) -> &'static str {
        "beds_per_1000_elderly_min"
    }
    fn meaning(&self) -> &'static str {
        "beds ≥ value per 1,000 persons aged 60+"
    }
    fn unit(&self) -> Unit {
        Unit::PerThousand
    }
    fn options(&self) -> &'static [NormOption] {
        &[NormOption::Base]
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        let who = match cx.norm.base {
            PopulationBase::Resident => "residents",
            PopulationBase::Registered => "registered persons",
        };
        vec![Row::at_least(
            self.key(),
            format!("beds ≥ {} per 1,000 {who} aged 60+", cx.value),
            "beds",
            Lin::of(Qty::Beds),
            Lin::constant(cx.value * cx.aged60() / 1000.0),
        )]
    }
}
