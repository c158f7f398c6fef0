//! `funeral_stations_min`: funeral service stations ≥ value (counting only facilities that provide capacity).

use super::{count, NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::rows::Row;
use crate::scenario::FacilityType;

pub struct FuneralStations;

impl NormDef for FuneralStations {
    fn key(&self) -> &'static str {
        "funeral_stations_min"
    }
    fn meaning(&self) -> &'static str {
        "funeral service stations ≥ value"
    }
    fn unit(&self) -> Unit {
        Unit::Facilities
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        count::at_least(self.key(), FacilityType::FuneralStation, "funeral service stations", cx)
    }
}
