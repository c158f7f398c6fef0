//! The objective and what a period spends. Present value at the base year
//! (see [`crate::plan::horizon`]): capital (builds and decisions on existing
//! stock) as its annuity from its period to the horizon's end; running
//! costs and the travel burden year by year; in the robust plan, the
//! penalty of unmet demand.

use super::super::families::Family;
use super::decisions::{CandidateVars, ExistingVars};
use super::Inputs;
use crate::scenario::Scenario;
use good_lp::Expression;

/// The parts of the objective, and capital by period (yuan, undiscounted).
#[derive(Debug, Clone, Default)]
pub struct Costs {
    pub capital_by_period: Vec<Expression>,
    pub capital_pv: Expression,
    pub operating_pv: Expression,
    pub travel_pv: Expression,
    pub unmet_pv: Expression,
}

impl Costs {
    pub fn total(&self) -> Expression {
        self.capital_pv.clone() + self.operating_pv.clone() + self.travel_pv.clone() + self.unmet_pv.clone()
    }
}

/// Capital of the decisions on existing stock in period `p`, yuan.
pub fn existing_capital(s: &Scenario, existing: &[ExistingVars], p: usize) -> Expression {
    let c = &s.config.costs;
    existing
        .iter()
        .map(|x| {
            let mut e = Expression::default();
            if let Some(v) = x.convert[p] {
                e += c.convert_bed_yuan * v;
            }
            if let Some(t) = &x.transfer[p] {
                e += c.transfer_bed_yuan * t.clone();
            }
            if let Some(v) = x.close[p] {
                e += c.close_facility_yuan * v;
            }
            e
        })
        .sum()
}

/// Running costs of period `q`, yuan per year.
fn operating(s: &Scenario, cands: &[CandidateVars], existing: &[ExistingVars], q: usize) -> Expression {
    let o = &s.config.costs.operating;
    let fixed = |k| o.facility_yuan_per_year.get(&k).copied().unwrap_or(0.0);
    let mut e = Expression::default();
    for (x, f) in existing.iter().zip(&s.facilities) {
        let unit = Family::of(f.kind).map(|fam| (fam.def().operating)(o) * (fam.def().existing)(f)).unwrap_or(0.0);
        e += x.kept(f, q) * (unit + fixed(f.kind) * f.count as f64);
    }
    for (cv, c) in cands.iter().zip(&s.candidates) {
        if let Some(fam) = Family::of(c.kind) {
            e += (fam.def().operating)(o) * cv.size_in(q) + fixed(c.kind) * cv.open_in(q);
        }
    }
    e
}

/// The objective's parts for the model.
pub fn objective(
    inp: &Inputs,
    cands: &[CandidateVars],
    existing: &[ExistingVars],
    person_minutes: &[Expression],
    unmet_units: &[(Family, Expression)],
) -> Costs {
    let (s, h) = (inp.s, inp.horizon);
    let mut out = Costs::default();
    for p in 0..h.len() {
        let builds: Expression =
            cands.iter().flat_map(|c| c.builds.iter().filter(|b| b.period == p)).map(|b| b.capital.clone()).sum();
        let capital = builds + existing_capital(s, existing, p);
        out.capital_pv += h.capital_factor(p) * capital.clone();
        out.capital_by_period.push(capital);
        out.operating_pv += h.weight(p) * operating(s, cands, existing, p);
        out.travel_pv += h.weight(p) * inp.travel_weight * person_minutes[p].clone();
    }
    if let Some(rc) = inp.recourse {
        for (f, units) in unmet_units {
            out.unmet_pv += h.weight(0) * rc.penalty(s, h, *f) * units.clone();
        }
    }
    out
}

/// An upper bound of a plan's capital (yuan, present value): every candidate
/// built at its largest size, with its land, in the first period, and every
/// decision on existing stock taken in full; at least 1. The scale of cost
/// in the elastic objective.
pub fn reference(inp: &Inputs) -> f64 {
    let (s, h) = (inp.s, inp.horizon);
    let c = &s.config.costs;
    let cands: f64 = s
        .candidates
        .iter()
        .map(|cand| match (cand.capital_wan, Family::of(cand.kind)) {
            (Some(w), _) => w * 1e4,
            (None, Some(f)) => {
                let max = (f.def().max)(cand);
                let fixed = cand.fixed_yuan.unwrap_or_else(|| c.fixed_yuan.get(&cand.kind).copied().unwrap_or(0.0));
                fixed
                    + ((f.def().unit_cost)(c) + c.nursing_bed_extra_yuan) * max
                    + super::decisions::land_price(s, &cand.town_code) * cand.max_land_m2
            }
            (None, None) => 0.0,
        })
        .sum();
    let stock: f64 = s
        .facilities
        .iter()
        .map(|f| f.beds * (c.convert_bed_yuan + c.transfer_bed_yuan) + f.count as f64 * c.close_facility_yuan)
        .sum();
    ((cands + stock) * h.capital_factor(0)).max(1.0)
}
