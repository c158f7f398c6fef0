//! `public_cemeteries_min`: public-welfare cemeteries (urban and rural) ≥ value (counting only facilities that provide capacity).

use super::{count, NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::rows::Row;
use crate::scenario::FacilityType;

pub struct PublicCemeteries;

impl NormDef for PublicCemeteries {
    fn key(&self) -> &'static str {
        "public_cemeteries_min"
    }
    fn meaning(&self) -> &'static str {
        "public-welfare cemeteries (urban and rural) ≥ value"
    }
    fn unit(&self) -> Unit {
        Unit::Facilities
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        count::at_least(self.key(), FacilityType::Cemetery, "public-welfare cemeteries (urban and rural)", cx)
    }
}
