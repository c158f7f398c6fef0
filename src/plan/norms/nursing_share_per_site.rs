//! `nursing_bed_min_share` with `per_site = true`: at every new or expanded
//! centre or institution, nursing beds ≥ value × the beds the plan adds
//! there. Always feasible (nursing ≤ beds, value ≤ 1).

use super::{NormCtx, NormDef, NormOption};
use crate::limits::Unit;
use crate::plan::families::Family;
use crate::plan::rows::{Lin, Qty, Row};
use crate::scenario::Norm;

pub struct NursingSharePerSite;

impl NormDef for NursingSharePerSite {
    fn key(&self) -> &'static str {
        "nursing_bed_min_share"
    }
    fn row_key(&self) -> &'static str {
        "nursing_bed_min_share_site"
    }
    fn meaning(&self) -> &'static str {
        "nursing beds at each planned site ≥ value × the beds added there"
    }
    fn unit(&self) -> Unit {
        Unit::Share
    }
    fn options(&self) -> &'static [NormOption] {
        &[NormOption::PerSite]
    }
    fn applies(&self, n: &Norm) -> bool {
        n.per_site
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        cx.s.candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| Family::of(c.kind) == Some(Family::Beds))
            .map(|(j, c)| {
                Row::at_least(
                    self.row_key(),
                    format!("nursing beds at {} ≥ {:.0}% of its new beds", c.id, cx.value * 100.0),
                    "beds",
                    Lin::of(Qty::BuiltNursing(j)),
                    Lin::of(Qty::Built(j)).times(cx.value),
                )
                .at_site(j)
            })
            .collect()
    }
}
