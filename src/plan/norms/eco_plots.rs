//! `eco_burial_plots_min`: eco-burial (节地生态安葬) plots ≥ value.

use super::{NormCtx, NormDef};
use crate::limits::Unit;
use crate::plan::rows::{Lin, Qty, Row};

pub struct EcoPlots;

impl NormDef for EcoPlots {
    fn key(&self) -> &'static str {
        "eco_burial_plots_min"
    }
    fn meaning(&self) -> &'static str {
        "eco-burial plots ≥ value"
    }
    fn unit(&self) -> Unit {
        Unit::Facilities
    }
    fn rows(&self, cx: &NormCtx) -> Vec<Row> {
        vec![Row::at_least(
            self.key(),
            format!("eco-burial plots ≥ {}", cx.value),
            "plots",
            Lin::of(Qty::EcoPlots),
            Lin::constant(cx.value),
        )]
    }
}
