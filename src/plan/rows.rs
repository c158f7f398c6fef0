//! The language norms are written in: linear rows over named quantities of
//! the plan in one period. A norm returns [`Row`]s; the model turns each into
//! a constraint with a slack, and the same row, evaluated on the solved plan,
//! is its line of compliance. So the model and the report read one
//! definition and cannot disagree.

use super::families::Family;
use crate::scenario::FacilityType;
use serde::Serialize;

/// A quantity of the plan in one period, as the norms count it: existing
/// stock (less what closes), plus what is built and serving by then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Qty {
    /// Beds of every bed-holding type (centralised-care places included).
    Beds,
    NursingBeds,
    /// Beds run by government (new beds are socially run; transfers leave).
    GovernmentBeds,
    /// Centralised-care places for disabled 特困 persons.
    Places,
    /// Eco-burial plots.
    EcoPlots,
    /// Elderly-service land, m²: the county, or what is located in one town.
    Land(Option<usize>),
    /// Facilities of a type that provide capacity (an expansion adds none).
    Count(FacilityType),
    /// 1 when town `t` has a facility of the type (at most 1; existing
    /// facilities whose town is not given may be placed where they help).
    Has(FacilityType, usize),
    /// 1 when town `town` reaches a town that has a facility of the type
    /// within `minutes` (at most 1).
    Covered {
        kind: FacilityType,
        minutes: f64,
        town: usize,
    },
    /// A family's demand of town `t` served by the plan's sites.
    Served(Family, usize),
    /// Capacity and nursing beds built at candidate `j` (whatever period).
    Built(usize),
    BuiltNursing(usize),
}

/// `Σ coef × quantity + constant`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lin {
    pub terms: Vec<(f64, Qty)>,
    pub constant: f64,
}

impl Lin {
    pub fn of(q: Qty) -> Lin {
        Lin { terms: vec![(1.0, q)], constant: 0.0 }
    }

    pub fn constant(c: f64) -> Lin {
        Lin { terms: vec![], constant: c }
    }

    pub fn times(mut self, k: f64) -> Lin {
        for t in &mut self.terms {
            t.0 *= k;
        }
        self.constant *= k;
        self
    }

    pub fn plus(mut self, other: Lin) -> Lin {
        self.terms.extend(other.terms);
        self.constant += other.constant;
        self
    }

    pub fn sum(items: impl IntoIterator<Item = Lin>) -> Lin {
        items.into_iter().fold(Lin::default(), Lin::plus)
    }

    /// Evaluate with a value for each quantity.
    pub fn eval(&self, mut value: impl FnMut(&Qty) -> f64) -> f64 {
        self.constant + self.terms.iter().map(|(k, q)| k * value(q)).sum::<f64>()
    }
}

/// `≥` or `≤`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sense {
    AtLeast,
    AtMost,
}

/// One row of a norm in one period: `lhs ≥ rhs` or `lhs ≤ rhs`. `lhs` is what
/// the plan provides ("planned"), `rhs` what the norm requires.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: &'static str,
    /// The row in words, with its figures (e.g. "nursing beds ≥ 60 % of all beds").
    pub meaning: String,
    pub unit: &'static str,
    pub lhs: Lin,
    pub sense: Sense,
    pub rhs: Lin,
    /// A local row: the town it is about.
    pub town: Option<usize>,
    /// A per-site row: the candidate it is about (reported only when built).
    pub site: Option<usize>,
    /// What a unit of shortfall weighs in the elastic solve is 1 / scale.
    pub scale: f64,
    /// False for a row the model enforces through other rows (e.g. a county
    /// total of town rows): evaluated and reported, not added twice.
    pub enforced: bool,
}

impl Row {
    pub fn new(key: &'static str, meaning: String, unit: &'static str, lhs: Lin, sense: Sense, rhs: Lin) -> Row {
        let scale = rhs.constant.abs().max(1.0);
        Row { key, meaning, unit, lhs, sense, rhs, town: None, site: None, scale, enforced: true }
    }

    pub fn at_least(key: &'static str, meaning: String, unit: &'static str, lhs: Lin, rhs: Lin) -> Row {
        Row::new(key, meaning, unit, lhs, Sense::AtLeast, rhs)
    }

    pub fn at_most(key: &'static str, meaning: String, unit: &'static str, lhs: Lin, rhs: Lin) -> Row {
        Row::new(key, meaning, unit, lhs, Sense::AtMost, rhs)
    }

    pub fn in_town(mut self, t: usize) -> Row {
        self.town = Some(t);
        self
    }

    pub fn at_site(mut self, j: usize) -> Row {
        self.site = Some(j);
        self
    }

    pub fn scaled(mut self, scale: f64) -> Row {
        self.scale = scale.abs().max(1.0);
        self
    }

    pub fn not_enforced(mut self) -> Row {
        self.enforced = false;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_forms_evaluate_by_hand() {
        // 0.6 × beds − nursing + 5 with beds 100, nursing 50 → 60 − 50 + 5 = 15.
        let l = Lin::of(Qty::Beds).times(0.6).plus(Lin::of(Qty::NursingBeds).times(-1.0)).plus(Lin::constant(5.0));
        let v = l.eval(|q| match q {
            Qty::Beds => 100.0,
            Qty::NursingBeds => 50.0,
            _ => f64::NAN,
        });
        assert!((v - 15.0).abs() < 1e-12);
    }
}
