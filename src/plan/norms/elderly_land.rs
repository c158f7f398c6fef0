//! `elderly_land_m2_per_resident`: elderly-service land (centres, care
//! institutions, community stations) ≥ value m² × residents, county-wide.

use super::{NormCtx, NormDef, NormOption};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Qty, Row};

pub struct ElderlyLand;

impl NormDef for ElderlyLand {
    fn key(&self) -> &'static str {
        "elderly_land_m2_per_resident"
    }
    fn meaning(&self) -> &'static str {
        "elderly-service land ≥ value m² per resident"
    }
    fn unit(&self) -> Unit {
        Unit::SquareMetresPerPerson
    }
    fn options(&self) -> &'static [NormOption] {
        &[NormOption::Base, NormOption::PerStreet]
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        let need = cx.value * cx.residents();
        vec![Row::at_least(
            self.key(),
            format!("elderly-service land ≥ {} m² × residents", cx.value),
            "m2",
            Lin::of(Qty::Land(None)),
            Lin::constant(need),
        )]
    }
}
