//! `service_radius_min`: every resident within value minutes of a 镇街
//! centre (the 15-minute circle).

use super::{NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::demand::PlanDemand;
use crate::plan::rows::{Lin, Qty, Row};
use crate::scenario::FacilityType;

pub struct ServiceRadius;

impl NormDef for ServiceRadius {
    fn key(&self) -> &'static str {
        "service_radius_min"
    }
    fn meaning(&self) -> &'static str {
        "every resident within value minutes of a 镇街 centre"
    }
    fn unit(&self) -> Unit {
        Unit::Minutes
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        let r = &cx.d.residents;
        let covered = Lin::sum((0..r.len()).map(|i| {
            Lin::of(Qty::Covered { kind: FacilityType::ElderlyCentre, minutes: cx.value, town: i }).times(r[i])
        }));
        let total = PlanDemand::total(r);
        vec![Row::at_least(
            self.key(),
            format!("residents within {} min of a 镇街 centre", cx.value),
            "residents",
            covered,
            Lin::constant(total),
        )]
    }
}
