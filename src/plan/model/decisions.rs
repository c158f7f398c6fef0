//! The decision variables: what may be built where, when and how big, and
//! what may happen to each existing facility in each period.
//!
//! Candidate `j` may be built once, in one allowed period `p` (its `period`
//! column, or any; a committed project's group in its period, else the
//! first): `open[j,p]` ∈ {0,1}. Its size is whole units of its family:
//! * sizes `a;b;c`: one binary per size, Σ = `open[j,p]`, size = Σ a·z_a;
//! * sizes `lo..hi/step` (default `1..max`): an integer k ≤ K·`open[j,p]`,
//!   size = lo·`open[j,p]` + step·k;
//!
//! so an open facility is never empty and a closed one holds nothing. Beds
//! have an integer nursing part ≤ size (a centralised-care place is a nursing
//! bed), a cemetery an integer eco-burial part ≤ size. Land lies between the
//! candidate's land per unit × size and its maximum land (× open).
//!
//! Existing facility `e` (a row of `count` facilities): `close[e,p]` ∈
//! {0..count} units in period p (each takes count⁻¹ of its capacity, beds and
//! land with it), `convert[e,p]` beds into nursing beds, `transfer[e,p]`
//! government-run beds to social operation (a single facility is handed
//! over whole). A facility that closes is not converted, transferred or
//! expanded (one binary `closing[e]` excludes them), which keeps every
//! quantity linear.

use super::super::families::{Family, Nursing};
use super::super::horizon::Horizon;
use super::Decisions;
use crate::scenario::{Candidate, CloseRule, Facility, Operator, Scenario, Sizes, TownClass};
use good_lp::{constraint, variable, Constraint, Expression, ProblemVariables, Variable};

/// Building candidate `j` in one period.
#[derive(Debug, Clone)]
pub struct Build {
    pub period: usize,
    /// First period it serves in (its period, or later with a lead time).
    pub serves_from: Option<usize>,
    pub open: Variable,
    pub size: Expression,
    /// The integers that set the size (one binary per listed size, or the
    /// step count of a range; none for a single size).
    pub size_vars: Vec<Variable>,
    pub nursing: Expression,
    pub eco: Expression,
    pub land: Expression,
    /// Capital, yuan.
    pub capital: Expression,
}

/// Every way a candidate may be built (one entry per allowed period).
#[derive(Debug, Clone, Default)]
pub struct CandidateVars {
    pub builds: Vec<Build>,
}

impl CandidateVars {
    /// Builds that serve in period `q`.
    pub fn serving(&self, q: usize) -> impl Iterator<Item = &Build> {
        self.builds.iter().filter(move |b| b.serves_from.is_some_and(|s| s <= q))
    }

    /// 1 when it is built and serving in `q`.
    pub fn open_in(&self, q: usize) -> Expression {
        self.serving(q).map(|b| Expression::from(b.open)).sum()
    }

    pub fn size_in(&self, q: usize) -> Expression {
        self.serving(q).map(|b| b.size.clone()).sum()
    }

    pub fn nursing_in(&self, q: usize) -> Expression {
        self.serving(q).map(|b| b.nursing.clone()).sum()
    }

    pub fn eco_in(&self, q: usize) -> Expression {
        self.serving(q).map(|b| b.eco.clone()).sum()
    }

    pub fn land_in(&self, q: usize) -> Expression {
        self.serving(q).map(|b| b.land.clone()).sum()
    }

    /// Built in any period.
    pub fn built(&self) -> Expression {
        self.builds.iter().map(|b| Expression::from(b.open)).sum()
    }
}

/// Decisions on one existing facility, per period (None: not allowed).
#[derive(Debug, Clone, Default)]
pub struct ExistingVars {
    pub close: Vec<Option<Variable>>,
    pub convert: Vec<Option<Variable>>,
    /// Beds handed over in the period.
    pub transfer: Vec<Option<Expression>>,
    pub transfer_var: Vec<Option<Variable>>,
    /// 1 when any unit closes in any period.
    pub closing: Option<Variable>,
}

fn cumulative(v: &[Option<Variable>], q: usize) -> Expression {
    v.iter().take(q + 1).flatten().map(|x| Expression::from(*x)).sum()
}

impl ExistingVars {
    /// Units closed by the end of period `q` (a closure counts from its period on).
    pub fn closed_by(&self, q: usize) -> Expression {
        cumulative(&self.close, q)
    }

    pub fn converted_by(&self, q: usize) -> Expression {
        cumulative(&self.convert, q)
    }

    pub fn transferred_by(&self, q: usize) -> Expression {
        self.transfer.iter().take(q + 1).flatten().cloned().sum()
    }

    /// Share of the facility still open in `q`: 1 − closed / count.
    pub fn kept(&self, f: &Facility, q: usize) -> Expression {
        1.0 - self.closed_by(q) * (1.0 / f.count.max(1) as f64)
    }
}

/// The land price of a town, yuan per m².
pub fn land_price(s: &Scenario, town_code: &str) -> f64 {
    let c = &s.config.costs;
    match s.town_index(town_code).map(|t| s.towns[t].class) {
        Some(TownClass::Urban) => c.land_urban_yuan_per_m2,
        _ => c.land_rural_yuan_per_m2,
    }
}

/// A candidate's fixed cost: its own `fixed_yuan`, else its type's — a new
/// facility's. An expansion builds on a site that stands, so without its
/// own figure it pays only for what it adds.
pub fn fixed_yuan(s: &Scenario, c: &Candidate) -> f64 {
    c.fixed_yuan.unwrap_or_else(|| match c.expands {
        Some(_) => 0.0,
        None => s.config.costs.fixed_yuan.get(&c.kind).copied().unwrap_or(0.0),
    })
}

/// The sizes a candidate may take: its `sizes`, else any whole number up
/// to its maximum.
pub fn sizes_of(c: &Candidate) -> Option<Sizes> {
    if let Some(s) = &c.sizes {
        return Some(s.clone());
    }
    let fam = Family::of(c.kind)?;
    let max = (fam.def().max)(c).floor();
    (max >= 1.0).then_some(Sizes::Range { lo: 1, hi: max as u32, step: 1 })
}

/// The periods a candidate may be built in.
fn allowed_periods(h: &Horizon, c: &Candidate, committed: bool) -> Vec<usize> {
    match c.period.as_ref() {
        Some(span) => h.index_of(span).into_iter().collect(),
        None if committed => vec![0],
        None => (0..h.len()).collect(),
    }
}

/// Whether a candidate's project is committed: it or any candidate of its group.
pub fn group_committed(s: &Scenario, c: &Candidate) -> bool {
    c.committed
        || c.option_group
            .as_ref()
            .is_some_and(|g| s.candidates.iter().any(|o| o.committed && o.option_group.as_deref() == Some(g.as_str())))
}

/// Variables of every candidate, with their linking rows.
pub fn candidates(
    s: &Scenario,
    h: &Horizon,
    decisions: Decisions,
    vars: &mut ProblemVariables,
    cons: &mut Vec<Constraint>,
) -> Vec<CandidateVars> {
    let costs = &s.config.costs;
    s.candidates
        .iter()
        .map(|c| {
            let (Decisions::All, Some(fam), Some(sizes)) = (decisions, Family::of(c.kind), sizes_of(c)) else {
                return CandidateVars::default();
            };
            let def = fam.def();
            let lead = s.config.plan.lead_time_years.get(&c.kind).copied().unwrap_or(0);
            let max = sizes.max() as f64;
            let land_per_unit = if c.max_land_m2 > 0.0 { c.max_land_m2 / max } else { 0.0 };
            let fixed = fixed_yuan(s, c);
            let price = land_price(s, &c.town_code);
            let builds = allowed_periods(h, c, group_committed(s, c))
                .into_iter()
                .map(|p| {
                    let open = vars.add(variable().binary());
                    let (size, size_vars) = match &sizes {
                        Sizes::List(v) if v.len() == 1 => (v[0] as f64 * open, vec![]),
                        Sizes::List(v) => {
                            let z: Vec<Variable> = v.iter().map(|_| vars.add(variable().binary())).collect();
                            let one: Expression = z.iter().map(|x| Expression::from(*x)).sum();
                            cons.push(constraint!(one == open));
                            (z.iter().zip(v).map(|(x, &a)| a as f64 * *x).sum(), z)
                        }
                        Sizes::Range { lo, hi, step } => {
                            let steps = ((hi - lo) / step) as f64;
                            if steps == 0.0 {
                                (*lo as f64 * open, vec![])
                            } else {
                                let k = vars.add(variable().integer().min(0.0).max(steps));
                                cons.push(constraint!(k <= steps * open));
                                (*lo as f64 * open + *step as f64 * k, vec![k])
                            }
                        }
                    };
                    let nursing = match def.nursing {
                        Nursing::Chosen => {
                            let n = vars.add(variable().integer().min(0.0).max(max));
                            cons.push(constraint!(n <= size.clone()));
                            Expression::from(n)
                        }
                        Nursing::All => size.clone(),
                        Nursing::None => Expression::default(),
                    };
                    let eco = if def.eco {
                        let e = vars.add(variable().integer().min(0.0).max(max));
                        cons.push(constraint!(e <= size.clone()));
                        Expression::from(e)
                    } else {
                        Expression::default()
                    };
                    let land = if c.max_land_m2 > 0.0 {
                        let l = vars.add(variable().min(0.0).max(c.max_land_m2));
                        cons.push(constraint!(l <= c.max_land_m2 * open));
                        cons.push(constraint!(l >= land_per_unit * size.clone()));
                        Expression::from(l)
                    } else {
                        Expression::default()
                    };
                    let capital = match c.capital_wan {
                        Some(w) => w * 1e4 * open,
                        None => {
                            let extra = match def.nursing {
                                Nursing::None => 0.0,
                                _ => costs.nursing_bed_extra_yuan,
                            };
                            fixed * open
                                + (def.unit_cost)(costs) * size.clone()
                                + extra * nursing.clone()
                                + price * land.clone()
                        }
                    };
                    Build {
                        period: p,
                        serves_from: h.serves_from(p, lead),
                        open,
                        size,
                        size_vars,
                        nursing,
                        eco,
                        land,
                        capital,
                    }
                })
                .collect();
            CandidateVars { builds }
        })
        .collect()
}

/// Every option group (a lone candidate is its own group): at most one
/// build, exactly one when committed. An expansion is never built at a
/// facility that closes.
pub fn group_rows(s: &Scenario, cands: &[CandidateVars], existing: &[ExistingVars], cons: &mut Vec<Constraint>) {
    let mut done = std::collections::BTreeSet::new();
    for (j, c) in s.candidates.iter().enumerate() {
        if cands[j].builds.is_empty() {
            continue;
        }
        let members: Vec<usize> = match &c.option_group {
            Some(g) if !done.insert(g.clone()) => continue,
            Some(g) => (0..s.candidates.len()).filter(|&k| s.candidates[k].option_group.as_ref() == Some(g)).collect(),
            None => vec![j],
        };
        let built: Expression = members.iter().map(|&k| cands[k].built()).sum();
        if group_committed(s, c) {
            cons.push(constraint!(built == 1.0));
        } else {
            cons.push(constraint!(built <= 1.0));
        }
    }
    for (j, c) in s.candidates.iter().enumerate() {
        let Some(e) = c.expands.as_ref().and_then(|id| s.facilities.iter().position(|f| &f.id == id)) else {
            continue;
        };
        if let Some(y) = existing[e].closing {
            let built = cands[j].built();
            cons.push(constraint!(built + y <= 1.0));
        }
    }
}

/// Variables of every existing facility, with their linking rows.
pub fn existing(
    s: &Scenario,
    h: &Horizon,
    decisions: Decisions,
    vars: &mut ProblemVariables,
    cons: &mut Vec<Constraint>,
) -> Vec<ExistingVars> {
    let n = h.len();
    s.facilities
        .iter()
        .map(|f| {
            let mut x = ExistingVars {
                close: vec![None; n],
                convert: vec![None; n],
                transfer: vec![None; n],
                transfer_var: vec![None; n],
                closing: None,
            };
            if decisions == Decisions::None {
                return x;
            }
            let count = f.count as f64;
            // A plan cannot close a facility it cannot name: stock without a
            // town closes only where the plan commits to it.
            let located = f.town_code.as_deref().and_then(|c| s.town_index(c)).is_some();
            let closable = Family::of(f.kind).is_some_and(|fam| fam.def().closable);
            match (closable, f.close_rule()) {
                (true, CloseRule::Allowed) if !located => {}
                (true, CloseRule::Allowed) => {
                    for slot in x.close.iter_mut() {
                        *slot = Some(vars.add(variable().integer().min(0.0).max(count)));
                    }
                }
                // A committed closure dated after the horizon does not happen in it.
                (true, CloseRule::Committed) => {
                    if let Some(p) = f.period.as_ref().map_or(Some(0), |sp| h.index_of(sp)) {
                        let units = f.close_units.unwrap_or(f.count) as f64;
                        x.close[p] = Some(vars.add(variable().integer().min(units).max(units)));
                    }
                }
                _ => {}
            }
            if x.close.iter().any(Option::is_some) {
                let y = vars.add(variable().binary());
                let total = x.closed_by(n - 1);
                cons.push(constraint!(total.clone() <= count * y));
                cons.push(constraint!(total <= count));
                x.closing = Some(y);
            }
            let keep = |y: Option<Variable>, cap: f64| -> Expression {
                match y {
                    Some(y) => cap - cap * y,
                    None => Expression::from(cap),
                }
            };
            if f.kind.has_beds() {
                let convertible =
                    f.convertible_beds.unwrap_or(f.beds - f.nursing_beds).clamp(0.0, f.beds - f.nursing_beds);
                if convertible >= 1.0 {
                    let mut total = Expression::default();
                    for slot in x.convert.iter_mut() {
                        let v = vars.add(variable().integer().min(0.0).max(convertible.floor()));
                        total += v;
                        *slot = Some(v);
                    }
                    cons.push(constraint!(total <= keep(x.closing, convertible.floor())));
                }
                let transferable = if f.operator == Operator::Government {
                    f.transferable_beds.unwrap_or(f.beds).clamp(0.0, f.beds)
                } else {
                    0.0
                };
                if transferable >= 1.0 {
                    let whole = f.count == 1 && transferable >= f.beds;
                    let mut total = Expression::default();
                    for (slot, var) in x.transfer.iter_mut().zip(x.transfer_var.iter_mut()) {
                        let (e, v) = if whole {
                            let w = vars.add(variable().binary());
                            (f.beds * w, w)
                        } else {
                            let t = vars.add(variable().integer().min(0.0).max(transferable.floor()));
                            (Expression::from(t), t)
                        };
                        total += e.clone();
                        *slot = Some(e);
                        *var = Some(v);
                    }
                    cons.push(constraint!(total <= keep(x.closing, transferable.floor())));
                }
            }
            x
        })
        .collect()
}
