//! The quantities norms count ([`Qty`]), per period, as expressions over the
//! decision variables: existing stock less what closes, plus what is built
//! and serving. The model reads them to build rows; the report evaluates
//! the same expressions on the solution.
//!
//! `Has(kind, t)` and `Covered` are capped at 1: the model uses a binary
//! `h ≤ Σ` (a row only ever asks for more of them), the evaluation
//! `min(1, Σ)`. Existing facilities of a type whose towns are not given are
//! assumed to be in the most populous towns that have no located one
//! ([`assumed_towns`]): a stated rule, which the report names, rather than a
//! placement the model would choose among many equal ones.

use super::super::families::{Family, FAMILIES};
use super::super::rows::Qty;
use super::super::travel::TravelTimes;
use super::decisions::{CandidateVars, ExistingVars};
use crate::scenario::{FacilityType, Operator, Scenario};
use good_lp::{constraint, variable, Constraint, Expression, ProblemVariables, Solution, Variable};
use std::collections::BTreeMap;

/// Whether candidate `j` adds a facility of its type (an expansion of a
/// facility of the same type adds capacity only).
pub fn adds_facility(s: &Scenario, j: usize) -> bool {
    let c = &s.candidates[j];
    match c.expands.as_ref().and_then(|id| s.facilities.iter().find(|f| &f.id == id)) {
        Some(f) => f.kind != c.kind,
        None => true,
    }
}

/// Whether an existing facility counts as one of its type: it holds
/// capacity of its family (community stations, which have none, always count).
pub fn provides(f: &crate::scenario::Facility) -> bool {
    match Family::of(f.kind) {
        Some(fam) => (fam.def().existing)(f) > 0.0,
        None => true,
    }
}

/// The quantities of one period.
#[derive(Debug, Clone, Default)]
pub struct Quantities {
    pub beds: Expression,
    pub nursing: Expression,
    pub government: Expression,
    pub places: Expression,
    pub eco: Expression,
    pub land: Expression,
    pub land_town: Vec<Expression>,
    pub count: BTreeMap<FacilityType, Expression>,
    /// Uncapped: facilities of the type in the town (placed ones included).
    pub has: BTreeMap<(FacilityType, usize), Expression>,
    pub served: BTreeMap<(Family, usize), Expression>,
    pub built: Vec<Expression>,
    pub built_nursing: Vec<Expression>,
    /// Towns assumed to hold the existing facilities of a type whose towns
    /// are not given.
    pub placed: BTreeMap<FacilityType, Vec<usize>>,
}

/// The towns assumed to hold the `n` existing facilities of `kind` whose
/// towns the plan does not give: the most populous towns (2020 residents;
/// ties by order in towns.csv) without a located facility of the type.
pub fn assumed_towns(s: &Scenario, kind: FacilityType, n: usize) -> Vec<usize> {
    let located: Vec<usize> = s
        .facilities
        .iter()
        .filter(|f| f.kind == kind)
        .filter_map(|f| f.town_code.as_deref().and_then(|c| s.town_index(c)))
        .collect();
    let mut towns: Vec<usize> = (0..s.towns.len()).filter(|t| !located.contains(t)).collect();
    towns.sort_by(|&a, &b| s.towns[b].residents_2020.cmp(&s.towns[a].residents_2020).then(a.cmp(&b)));
    towns.truncate(n);
    towns
}

/// The model's binaries for capped quantities, by period.
#[derive(Debug, Default)]
pub struct Aux {
    has: BTreeMap<(FacilityType, usize), Variable>,
    covered: BTreeMap<(FacilityType, u64, usize), Variable>,
}

impl Quantities {
    /// Quantities of period `q`. `placement` lists the types whose
    /// unlocated facilities the rows need placed in towns.
    pub fn build(
        s: &Scenario,
        q: usize,
        cands: &[CandidateVars],
        existing: &[ExistingVars],
        served: BTreeMap<(Family, usize), Expression>,
        placement: &[FacilityType],
    ) -> Self {
        let n = s.towns.len();
        let mut x = Quantities { land_town: vec![Expression::default(); n], served, ..Default::default() };
        let mut unlocated: BTreeMap<FacilityType, (Expression, u32)> = BTreeMap::new();
        for (e, f) in s.facilities.iter().enumerate() {
            let kept = existing[e].kept(f, q);
            let town = f.town_code.as_deref().and_then(|c| s.town_index(c));
            if f.kind.has_beds() {
                x.beds += kept.clone() * f.beds;
                x.nursing += kept.clone() * f.nursing_beds + existing[e].converted_by(q);
                if f.operator == Operator::Government {
                    x.government += kept.clone() * f.beds - existing[e].transferred_by(q);
                }
            }
            if Family::of(f.kind) == Some(Family::Places) {
                x.places += kept.clone() * f.beds;
            }
            x.eco += kept.clone() * f.eco_plots;
            if f.kind.is_elderly_land() {
                x.land += kept.clone() * f.land_m2;
                if let Some(t) = town {
                    x.land_town[t] += kept.clone() * f.land_m2;
                }
            }
            let units = kept * f.count as f64;
            if provides(f) {
                *x.count.entry(f.kind).or_default() += units.clone();
            }
            match town {
                Some(t) => *x.has.entry((f.kind, t)).or_default() += units,
                None => {
                    let u = unlocated.entry(f.kind).or_default();
                    u.0 += units;
                    u.1 += f.count;
                }
            }
        }
        for (j, c) in s.candidates.iter().enumerate() {
            let cv = &cands[j];
            let fam = Family::of(c.kind);
            let size = cv.size_in(q);
            if matches!(fam, Some(Family::Beds) | Some(Family::Places)) {
                x.beds += size.clone();
                x.nursing += cv.nursing_in(q);
            }
            if fam == Some(Family::Places) {
                x.places += size.clone();
            }
            x.eco += cv.eco_in(q);
            if c.kind.is_elderly_land() {
                x.land += cv.land_in(q);
                if let Some(t) = s.town_index(&c.town_code) {
                    x.land_town[t] += cv.land_in(q);
                }
            }
            if adds_facility(s, j) {
                *x.count.entry(c.kind).or_default() += cv.open_in(q);
                if let Some(t) = s.town_index(&c.town_code) {
                    *x.has.entry((c.kind, t)).or_default() += cv.open_in(q);
                }
            }
            x.built.push(cv.builds.iter().map(|b| b.size.clone()).sum());
            x.built_nursing.push(cv.builds.iter().map(|b| b.nursing.clone()).sum());
        }
        for kind in placement {
            let Some((units, count)) = unlocated.get(kind) else { continue };
            // Each assumed town holds one of them, less its share of closures.
            let towns = assumed_towns(s, *kind, *count as usize);
            for &t in &towns {
                *x.has.entry((*kind, t)).or_default() += units.clone() * (1.0 / *count as f64);
            }
            x.placed.insert(*kind, towns);
        }
        x
    }

    fn has_inner(&self, kind: FacilityType, t: usize) -> Expression {
        self.has.get(&(kind, t)).cloned().unwrap_or_default()
    }

    /// Towns within `minutes` of town `i`.
    fn reach(tt: &TravelTimes, i: usize, minutes: f64) -> impl Iterator<Item = usize> + '_ {
        (0..tt.n).filter(move |&t| tt.get(i, t) <= minutes + 1e-9)
    }

    /// A quantity as an expression for a model row (capped ones through `aux`).
    pub fn expr(
        &self,
        q: &Qty,
        tt: &TravelTimes,
        aux: &mut Aux,
        vars: &mut ProblemVariables,
        cons: &mut Vec<Constraint>,
    ) -> Expression {
        let mut has = |kind: FacilityType, t: usize, vars: &mut ProblemVariables, cons: &mut Vec<Constraint>| {
            *aux.has.entry((kind, t)).or_insert_with(|| {
                let h = vars.add(variable().binary());
                cons.push(constraint!(h <= self.has_inner(kind, t)));
                h
            })
        };
        match *q {
            Qty::Has(kind, t) => has(kind, t, vars, cons).into(),
            Qty::Covered { kind, minutes, town } => {
                let key = (kind, minutes.to_bits(), town);
                if let Some(c) = aux.covered.get(&key) {
                    return (*c).into();
                }
                let reach: Vec<usize> = Self::reach(tt, town, minutes).collect();
                let sum: Expression = reach.into_iter().map(|t| Expression::from(has(kind, t, vars, cons))).sum();
                let c = vars.add(variable().binary());
                cons.push(constraint!(c <= sum));
                aux.covered.insert(key, c);
                c.into()
            }
            _ => self.linear(q),
        }
    }

    fn linear(&self, q: &Qty) -> Expression {
        match *q {
            Qty::Beds => self.beds.clone(),
            Qty::NursingBeds => self.nursing.clone(),
            Qty::GovernmentBeds => self.government.clone(),
            Qty::Places => self.places.clone(),
            Qty::EcoPlots => self.eco.clone(),
            Qty::Land(None) => self.land.clone(),
            Qty::Land(Some(t)) => self.land_town[t].clone(),
            Qty::Count(kind) => self.count.get(&kind).cloned().unwrap_or_default(),
            Qty::Served(f, i) => self.served.get(&(f, i)).cloned().unwrap_or_default(),
            Qty::Built(j) => self.built[j].clone(),
            Qty::BuiltNursing(j) => self.built_nursing[j].clone(),
            Qty::Has(..) | Qty::Covered { .. } => unreachable!("capped quantities go through expr"),
        }
    }

    /// A quantity's value on a solution (capped ones by `min(1, Σ)`).
    pub fn value(&self, q: &Qty, tt: &TravelTimes, sol: &impl Solution) -> f64 {
        let has = |kind, t| self.has_inner(kind, t).eval_with(sol).min(1.0);
        match *q {
            Qty::Has(kind, t) => has(kind, t),
            Qty::Covered { kind, minutes, town } => {
                Self::reach(tt, town, minutes).map(|t| has(kind, t)).sum::<f64>().min(1.0)
            }
            _ => self.linear(q).eval_with(sol),
        }
    }
}

/// The types whose unlocated facilities a set of rows asks to place.
pub fn placement_kinds<'a>(rows: impl Iterator<Item = &'a super::super::rows::Row>) -> Vec<FacilityType> {
    let mut kinds = Vec::new();
    for r in rows {
        for (_, q) in r.lhs.terms.iter().chain(&r.rhs.terms) {
            if let Qty::Has(k, _) | Qty::Covered { kind: k, .. } = q {
                if !kinds.contains(k) {
                    kinds.push(*k);
                }
            }
        }
    }
    kinds
}

/// Every family, for iteration in table order.
pub fn families() -> impl Iterator<Item = Family> {
    FAMILIES.iter().map(|d| d.family)
}
