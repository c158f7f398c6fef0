//! `elderly_land_m2_per_resident` with `per_street = true`: in every 街道
//! the elderly-service land located there ≥ value m² × its residents. Stock
//! whose town the plan does not give cannot be placed in a street, so it does
//! not count here.

use super::{NormCtx, NormDef, NormOption};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Qty, Row};
use crate::scenario::{Norm, TownKind};

pub struct ElderlyLandPerStreet;

impl NormDef for ElderlyLandPerStreet {
    fn key(&self) -> &'static str {
        "elderly_land_m2_per_resident"
    }
    fn row_key(&self) -> &'static str {
        "elderly_land_m2_per_resident_street"
    }
    fn meaning(&self) -> &'static str {
        "elderly-service land in each 街道 ≥ value m² per resident of it"
    }
    fn unit(&self) -> Unit {
        Unit::SquareMetresPerPerson
    }
    fn options(&self) -> &'static [NormOption] {
        &[NormOption::PerStreet]
    }
    fn applies(&self, n: &Norm) -> bool {
        n.per_street
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        cx.s.towns
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TownKind::Street)
            .map(|(t, town)| {
                Row::at_least(
                    self.row_key(),
                    format!("elderly-service land in {} ≥ {} m² × its residents", town.name, cx.value),
                    "m2",
                    Lin::of(Qty::Land(Some(t))),
                    Lin::constant(cx.value * cx.d.residents[t]),
                )
                .in_town(t)
            })
            .collect()
    }
}
