//! Building the planning MILP; the formulation is in the docs of
//! [`crate::plan`]. [`decisions`] holds the variables, [`assign`] the sites
//! and assignments, [`quantities`] what the norms count, [`costs`] the
//! objective and budgets; this file puts them together and turns every row
//! into a constraint with a slack.

pub mod assign;
pub mod costs;
pub mod decisions;
pub mod quantities;

use super::demand::PlanDemand;
use super::families::Family;
use super::horizon::Horizon;
use super::norms;
use super::robust::Recourse;
use super::rows::{Lin, Qty, Row, Sense};
use super::travel::TravelTimes;
use crate::scenario::Scenario;
use crate::solver::blocks::Milp;
use assign::{Assign, Site};
use decisions::{CandidateVars, ExistingVars};
use good_lp::{constraint, variable, Expression, ProblemVariables, Variable};
use quantities::{Aux, Quantities};
use std::collections::BTreeMap;

/// How slacks are treated in one solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every row must hold; minimise cost.
    Hard,
    /// Slacks free; minimise their weighted, normalised sum plus
    /// [`ELASTIC_COST_WEIGHT`] × cost ÷ [`costs::reference`].
    Elastic,
}

/// The weight of cost in the elastic solve, as a share of a unit of
/// normalised shortfall when the plan costs as much as building every
/// candidate at its largest size in the first period (an upper bound of any
/// plan's capital). So shortfall comes first: to save the cost of one 8 M
/// yuan centre out of such a 2,000 M yuan bound (0.4 %), the plan would leave
/// at most 0.004 % of a family's county demand unmet (0.4 of 10,000 beds);
/// and cost is still resolved to about 0.01 % within HiGHS's relative gap of
/// 10⁻⁶ on the whole objective. The plan's cost is then resolved by a second
/// solve at no more shortfall in any row ([`super::solve`]).
pub const ELASTIC_COST_WEIGHT: f64 = 1e-2;

/// What the plan may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decisions {
    /// Build, expand, convert, transfer, close.
    All,
    /// Nothing: today's stock, used as well as it can be (`describe`).
    None,
}

/// Everything a model is built from.
pub struct Inputs<'a> {
    pub s: &'a Scenario,
    pub horizon: &'a Horizon,
    /// Town demand of each period.
    pub demand: &'a [PlanDemand],
    pub decisions: Decisions,
    /// Yuan per person-minute of travel per year.
    pub travel_weight: f64,
    /// The robust plan's second stage (one period only).
    pub recourse: Option<&'a Recourse>,
}

/// A row of the model: one norm (or demand) row in one period.
#[derive(Debug, Clone)]
pub struct ModelRow {
    pub period: usize,
    pub row: Row,
    /// Its slack (None for a row that is only evaluated).
    pub slack: Option<Variable>,
}

/// A budget row: capital spent in a period ≤ its budget.
#[derive(Debug, Clone)]
pub struct BudgetRow {
    pub period: usize,
    pub budget_yuan: f64,
    pub slack: Variable,
}

/// A second-stage unmet-demand variable of the robust plan.
#[derive(Debug, Clone)]
pub struct Unmet {
    pub family: Family,
    pub draw: usize,
    pub town: usize,
    pub var: Variable,
}

/// The model as built for one [`Mode`], with the handles to read it back.
pub struct Built {
    pub milp: Milp,
    pub rows: Vec<ModelRow>,
    pub budgets: Vec<BudgetRow>,
    pub cands: Vec<CandidateVars>,
    pub existing: Vec<ExistingVars>,
    pub sites: BTreeMap<Family, Vec<Site>>,
    pub assign: Vec<Assign>,
    pub unmet: Vec<Unmet>,
    pub quantities: Vec<Quantities>,
    pub costs: costs::Costs,
    pub tt: TravelTimes,
    /// The decision variables (existing stock, then candidates) come first,
    /// in the same order whatever the [`Mode`]: positions below this are the
    /// same variables in every model of the same inputs.
    pub decision_vars: usize,
    pub variables: usize,
    pub constraints: usize,
}

/// Weight of a budget overrun in the elastic solve, per unit of its
/// normalised slack: only a budget that even the committed projects exceed
/// is overrun, never traded against a norm.
const BUDGET_WEIGHT: f64 = 1e3;

/// Each town's demand of a family must be served (within its travel limit):
/// one row per town with demand, normalised by the county's demand so that a
/// large shortfall weighs more than a small one. A family without a travel
/// limit norm also gets its county row (the limit norms give theirs).
pub fn demand_rows(s: &Scenario, d: &PlanDemand) -> Vec<Row> {
    let mut out = Vec::new();
    for f in Family::ALL {
        let def = f.def();
        let demand = def.town_demand(s, d);
        let total = PlanDemand::total(&demand);
        let within = f.radius(s).map(|r| format!(" within {r} min")).unwrap_or_default();
        for (i, &dem) in demand.iter().enumerate().filter(|(_, v)| **v > 0.0) {
            out.push(
                Row::at_least(
                    def.demand_key,
                    format!("{} demand of {} served{within}", def.key, s.towns[i].name),
                    def.unit,
                    Lin::of(Qty::Served(f, i)),
                    Lin::constant(dem),
                )
                .in_town(i)
                .scaled(total),
            );
        }
        let limit_set = def.radius_norm.is_some_and(|k| s.config.norms.get(k).is_some());
        if !limit_set && total > 0.0 {
            let served = Lin::sum((0..demand.len()).map(|i| Lin::of(Qty::Served(f, i))));
            out.push(
                Row::at_least(
                    def.demand_key,
                    format!("{} demand served, county", def.key),
                    def.unit,
                    served,
                    Lin::constant(total),
                )
                .not_enforced(),
            );
        }
    }
    out
}

/// Every row of period `q`: the norms', then the demand rows (the robust
/// plan serves demand draw by draw instead, at a penalty).
pub fn period_rows(inp: &Inputs, d: &PlanDemand) -> Vec<Row> {
    let mut rows = norms::rows(inp.s, d);
    if inp.recourse.is_none() {
        rows.extend(demand_rows(inp.s, d));
    }
    rows
}

pub fn build(inp: &Inputs, mode: Mode) -> Built {
    build_with(inp, mode, false)
}

/// The travel-free bound of the model: the same rows and costs, but a
/// family without a travel limit serves each town from two pools: its stock
/// without a town at the intra-town time, and the located sites' pooled
/// capacity at the town's nearest one's minutes ([`assign::assign`], `pooled`).
/// Any plan of the model costs at least as much here, so the optimum here is
/// a lower bound of the model's (see [`super::solve`]).
pub fn build_bound(inp: &Inputs, mode: Mode) -> Built {
    build_with(inp, mode, true)
}

fn build_with(inp: &Inputs, mode: Mode, pooled: bool) -> Built {
    let s = inp.s;
    let h = inp.horizon;
    let tt = TravelTimes::from_scenario(s);
    let mut vars = ProblemVariables::new();
    let mut cons = Vec::new();

    let existing = decisions::existing(s, h, inp.decisions, &mut vars, &mut cons);
    let cands = decisions::candidates(s, h, inp.decisions, &mut vars, &mut cons);
    let decision_vars = vars.len();
    decisions::group_rows(s, &cands, &existing, &mut cons);

    let rows: Vec<(usize, Row)> =
        (0..h.len()).flat_map(|q| period_rows(inp, &inp.demand[q]).into_iter().map(move |r| (q, r))).collect();
    let placement = quantities::placement_kinds(rows.iter().map(|(_, r)| r));

    // Sites and assignments, family by family and period by period.
    let sites: BTreeMap<Family, Vec<Site>> = Family::ALL.into_iter().map(|f| (f, assign::sites(s, f))).collect();
    let mut assigns = Vec::new();
    let mut unmet = Vec::new();
    let mut person_minutes = vec![Expression::default(); h.len()];
    let mut unmet_units: Vec<(Family, Expression)> = Vec::new();
    let mut served_by_period = vec![BTreeMap::new(); h.len()];
    let mut capacity: BTreeMap<(usize, Family), Expression> = BTreeMap::new();
    for q in 0..h.len() {
        for f in Family::ALL {
            let fs = &sites[&f];
            let caps: Vec<Expression> =
                fs.iter().map(|site| assign::capacity(s, f, site, &cands, &existing, q)).collect();
            capacity.insert((q, f), caps.iter().cloned().sum());
            let link = f.def().tight_linking.applies(inp.horizon.len(), inp.recourse.map_or(1, |rc| rc.draws.len()));
            let opens: Vec<Option<Expression>> = fs
                .iter()
                .map(|site| match site.source {
                    assign::SiteSource::Candidate(j) if link => Some(cands[j].open_in(q)),
                    _ => None,
                })
                .collect();
            match inp.recourse {
                None => {
                    let demand = f.def().town_demand(s, &inp.demand[q]);
                    let a =
                        assign::assign(s, &tt, f, q, None, fs, &caps, &opens, &demand, pooled, &mut vars, &mut cons);
                    person_minutes[q] += a.person_minutes;
                    for (i, e) in a.served.into_iter().enumerate() {
                        served_by_period[q].insert((f, i), e);
                    }
                    assigns.extend(a.vars);
                }
                Some(rc) => {
                    // Each draw assigns its own demand to the shared capacity;
                    // what it cannot serve is unmet, at a penalty.
                    let share = 1.0 / rc.draws.len().max(1) as f64;
                    let mut mean_served = vec![Expression::default(); s.towns.len()];
                    let mut units = Expression::default();
                    for (k, dk) in rc.draws.iter().enumerate() {
                        let demand = f.def().town_demand(s, dk);
                        let a = assign::assign(
                            s,
                            &tt,
                            f,
                            q,
                            Some(k),
                            fs,
                            &caps,
                            &opens,
                            &demand,
                            pooled,
                            &mut vars,
                            &mut cons,
                        );
                        person_minutes[q] += share * a.person_minutes;
                        for (i, served) in a.served.into_iter().enumerate() {
                            if demand[i] <= 0.0 {
                                continue;
                            }
                            let u = vars.add(variable().min(0.0).max(demand[i]));
                            cons.push(constraint!(served.clone() + u >= demand[i]));
                            units += share * u;
                            mean_served[i] += share * served;
                            unmet.push(Unmet { family: f, draw: k, town: i, var: u });
                        }
                        assigns.extend(a.vars);
                    }
                    for (i, e) in mean_served.into_iter().enumerate() {
                        served_by_period[q].insert((f, i), e);
                    }
                    unmet_units.push((f, units));
                }
            }
        }
    }
    let quantities: Vec<Quantities> = served_by_period
        .into_iter()
        .enumerate()
        .map(|(q, served)| Quantities::build(s, q, &cands, &existing, served, &placement))
        .collect();

    // Rows with slacks.
    let mut weighted: Vec<(Variable, f64)> = Vec::new();
    let mut slack = |vars: &mut ProblemVariables, weight: f64| {
        let v = match mode {
            Mode::Hard => vars.add(variable().min(0.0).max(0.0)),
            Mode::Elastic => vars.add(variable().min(0.0)),
        };
        weighted.push((v, weight));
        v
    };
    let mut aux: Vec<Aux> = (0..h.len()).map(|_| Aux::default()).collect();
    let mut model_rows = Vec::with_capacity(rows.len());
    // (period, family) → Σ demand and Σ slack of its town rows.
    let mut towns_short: BTreeMap<(usize, Family), (f64, Expression)> = BTreeMap::new();
    for (q, row) in rows {
        if !row.enforced {
            model_rows.push(ModelRow { period: q, row, slack: None });
            continue;
        }
        let mut side = |l: &Lin, vars: &mut ProblemVariables, cons: &mut Vec<good_lp::Constraint>| {
            let mut e = Expression::from(l.constant);
            for (k, qty) in &l.terms {
                e += *k * quantities[q].expr(qty, &tt, &mut aux[q], vars, cons);
            }
            e
        };
        let lhs = side(&row.lhs, &mut vars, &mut cons);
        let rhs = side(&row.rhs, &mut vars, &mut cons);
        let sv = slack(&mut vars, 1.0 / row.scale);
        cons.push(match row.sense {
            Sense::AtLeast => constraint!(lhs + sv >= rhs),
            Sense::AtMost => constraint!(lhs - sv <= rhs),
        });
        if let (Some(_), [(_, Qty::Served(f, _))]) = (row.town, row.lhs.terms.as_slice()) {
            let e = towns_short.entry((q, *f)).or_default();
            e.0 += row.rhs.constant;
            e.1 += sv;
        }
        model_rows.push(ModelRow { period: q, row, slack: Some(sv) });
    }

    // Implied by the town rows (Σ served ≤ Σ capacity), but stated: a
    // family's capacity covers its county demand, less the towns' shortfalls.
    // On this row HiGHS finds the cover cuts (so many sites must open) that
    // the town rows hide, and the bound no longer creeps up one
    // fractionally opened site at a time.
    for ((q, f), (demand, short)) in towns_short {
        let cap = capacity[&(q, f)].clone();
        cons.push(constraint!(cap + short >= demand));
    }

    let costs = costs::objective(inp, &cands, &existing, &person_minutes, &unmet_units);
    let mut budgets = Vec::new();
    for (q, p) in h.periods.iter().enumerate() {
        let Some(wan) = s.config.plan.budget_wan.get(&p.label) else { continue };
        let budget_yuan = wan * 1e4;
        let sv = slack(&mut vars, BUDGET_WEIGHT / budget_yuan.max(1.0));
        let spent = costs.capital_by_period[q].clone();
        cons.push(constraint!(spent - sv <= budget_yuan));
        budgets.push(BudgetRow { period: q, budget_yuan, slack: sv });
    }

    let objective = match mode {
        Mode::Hard => costs.total(),
        Mode::Elastic => {
            let shortfall: Expression = weighted.iter().map(|(v, w)| *w * *v).sum();
            shortfall + (ELASTIC_COST_WEIGHT / costs::reference(inp)) * costs.total()
        }
    };
    let variables = vars.len();
    let constraints = cons.len();
    Built {
        milp: Milp { vars, objective, constraints: cons },
        rows: model_rows,
        budgets,
        cands,
        existing,
        sites,
        assign: assigns,
        unmet,
        quantities,
        costs,
        tt,
        decision_vars,
        variables,
        constraints,
    }
}

impl Built {
    /// What is built where and how big: every build's open binary and its
    /// size integers, which fix the plan's capacities.
    pub fn sizing(&self) -> Vec<Variable> {
        self.cands
            .iter()
            .flat_map(|c| &c.builds)
            .flat_map(|b| std::iter::once(b.open).chain(b.size_vars.iter().copied()))
            .collect()
    }
}
