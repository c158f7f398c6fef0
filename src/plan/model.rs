//! Building and solving the planning MILP (see the module docs of
//! [`super`] for the formulation).

use super::features::{self, Ctx, Slack};
use super::*;
use crate::plan::travel::TravelTimes;
use crate::scenario::{FacilityType, TownClass};
use crate::solver::blocks::{BlockSolution, Milp, Values};
use crate::solver::SolveStatus;
use good_lp::{constraint, variable, Expression, ProblemVariables, Solution, Variable};
use std::collections::BTreeMap;

/// Why a plan could not be made (an infeasible plan is not an error: it is
/// a [`Plan`] with shortfalls).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("year {year} is not an output year of the simulation (years: {years:?})")]
    Year { year: u32, years: Vec<u32> },
    #[error("the solver failed: {0}")]
    Solver(String),
}

/// How slacks are bounded in one solve.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Every norm must hold.
    Hard,
    /// Slacks free; minimise their normalised sum.
    Elastic,
    /// Slacks bounded by the elastic optimum; minimise cost.
    Bounded(Vec<f64>),
}

/// The family a facility type's capacity serves.
pub(super) fn family_of(k: FacilityType) -> Option<Family> {
    match k {
        FacilityType::ElderlyCentre | FacilityType::CareInstitution => Some(Family::Beds),
        FacilityType::DisabledCareCentre => Some(Family::Places),
        FacilityType::FuneralHome | FacilityType::FuneralStation => Some(Family::Halls),
        FacilityType::Cemetery => Some(Family::Plots),
        FacilityType::CommunityStation => None,
    }
}

/// Capacity of an existing facility in its family's unit.
fn existing_capacity(f: &crate::scenario::Facility) -> f64 {
    match family_of(f.kind) {
        Some(Family::Beds) | Some(Family::Places) => f.beds,
        Some(Family::Halls) => f.halls,
        Some(Family::Plots) => f.grave_plots + f.eco_plots,
        None => 0.0,
    }
}

/// Persons per unit of assigned demand, for the travel term: a bed or a
/// place is one person; a hall serves `services_per_hall` funerals a year; a
/// plot is one burial.
fn persons_per_unit(s: &Scenario, f: Family) -> f64 {
    match f {
        Family::Halls => s.config.demand.services_per_hall_per_year,
        _ => 1.0,
    }
}

/// A site a town's demand may be assigned to.
struct AssignSite {
    id: String,
    town: Option<usize>,
    capacity: Expression,
}

/// What [`assign_block`] returns: the travel term, each town's (town,
/// served, demand) and the variables as (town, site index, variable).
type AssignBlock = (Expression, Vec<(usize, Expression, f64)>, Vec<(usize, usize, Variable)>);

/// One family's assignment of one demand vector to its sites: `x[i][k]`
/// per town and reachable site, `Σ_i x[i][k] ≤ capacity[k]`. Returns the
/// travel term, each town's (served, demand) and the variables as
/// (town, site index, variable).
#[allow(clippy::too_many_arguments)]
fn assign_block(
    s: &Scenario,
    tt: &TravelTimes,
    vars: &mut ProblemVariables,
    cons: &mut Vec<good_lp::Constraint>,
    sites: &[AssignSite],
    demand: &[f64],
    radius: Option<f64>,
    weight_per_unit_minute: f64,
) -> AssignBlock {
    let mut travel = Expression::default();
    let mut load: Vec<Expression> = vec![Expression::default(); sites.len()];
    let mut towns = Vec::new();
    let mut xs = Vec::new();
    for (i, &dem) in demand.iter().enumerate() {
        if dem <= 0.0 {
            continue;
        }
        let mut served = Expression::default();
        for (k, site) in sites.iter().enumerate() {
            let minutes = site.town.map(|t| tt.get(i, t)).unwrap_or(s.config.travel.intra_town_min);
            // Beyond the family's limit, or an unknown distance (a town
            // without coordinates) where the family has a limit.
            if radius.is_some_and(|r| !minutes.is_finite() || minutes > r + 1e-9) {
                continue;
            }
            // Without a limit any site may serve; an unknown distance is
            // charged as intra-town travel (reported as NaN minutes).
            let minutes = if minutes.is_finite() { minutes } else { s.config.travel.intra_town_min };
            let x = vars.add(variable().min(0.0).max(dem));
            served += x;
            load[k] += x;
            travel += weight_per_unit_minute * minutes * x;
            xs.push((i, k, x));
        }
        towns.push((i, served, dem));
    }
    for (k, site) in sites.iter().enumerate() {
        let l = std::mem::take(&mut load[k]);
        cons.push(constraint!(l <= site.capacity.clone()));
    }
    (travel, towns, xs)
}

/// Second-stage variables of one family in the robust model: per draw, the
/// unmet demand of each town and the assignments.
type RobustVars = (Family, Vec<(Vec<(usize, Variable)>, Vec<(Family, usize, String, Option<usize>, Variable)>)>);

/// The planning model as built for one [`Mode`], with the handles the
/// report reads back from a solution.
struct Built {
    milp: Milp,
    slacks: Vec<Slack>,
    open: Vec<Variable>,
    cap: Vec<Variable>,
    nursing: Vec<Variable>,
    land: Vec<Variable>,
    eco: Vec<Option<Variable>>,
    assign_vars: Vec<(Family, usize, String, Option<usize>, Variable)>,
    robust_vars: Vec<RobustVars>,
    build: Expression,
    travel: Expression,
    unmet_cost: Expression,
    variables: usize,
    constraints: usize,
}

/// The raw solution of one model.
struct Solved {
    status: SolveStatus,
    gap: f64,
    slack_values: Vec<f64>,
    slacks: Vec<Slack>,
    open: Vec<f64>,
    cap: Vec<f64>,
    nursing: Vec<f64>,
    land: Vec<f64>,
    eco: Vec<f64>,
    assignments: Vec<(Family, usize, String, Option<usize>, f64)>,
    build_cost: f64,
    travel_cost: f64,
    /// Robust model: each family's total unmet demand in each draw.
    unmet: Vec<(Family, Vec<f64>)>,
    unmet_cost: f64,
    variables: usize,
    constraints: usize,
    blocks: usize,
}

/// Annuity factor: yearly payment per yuan of capital.
pub fn annuity(rate: f64, years: f64) -> f64 {
    if rate <= 0.0 {
        1.0 / years.max(1.0)
    } else {
        rate / (1.0 - (1.0 + rate).powf(-years))
    }
}

fn build(s: &Scenario, d: &PlanDemand, recourse: Option<&Recourse>, opts: &PlanOptions, mode: &Mode) -> Built {
    let tt = TravelTimes::from_scenario(s);
    let c = &s.config.costs;
    let a = annuity(c.discount_rate, c.lifetime_years);
    let weight = opts.travel_weight.unwrap_or(c.travel_yuan_per_person_minute);
    let mut vars = ProblemVariables::new();

    // Candidate decisions.
    let mut open = Vec::new();
    let mut cap = Vec::new();
    let mut nursing = Vec::new();
    let mut land = Vec::new();
    let mut eco = Vec::new();
    let mut cons = Vec::new();
    let mut build = Expression::default();
    for cand in &s.candidates {
        let o = if cand.committed { vars.add(variable().binary().min(1)) } else { vars.add(variable().binary()) };
        let max_cap = match family_of(cand.kind) {
            Some(Family::Beds) | Some(Family::Places) => cand.max_beds,
            Some(Family::Halls) => cand.max_halls,
            Some(Family::Plots) => cand.max_plots,
            None => 0.0,
        };
        let k = vars.add(variable().min(0.0).max(max_cap));
        let l = vars.add(variable().min(0.0).max(cand.max_land_m2));
        cons.push(constraint!(k <= max_cap * o));
        cons.push(constraint!(l <= cand.max_land_m2 * o));
        if max_cap > 0.0 && cand.max_land_m2 > 0.0 {
            // Land grows with capacity in the candidate's own ratio.
            cons.push(constraint!(l >= (cand.max_land_m2 / max_cap) * k));
        }
        let nu = if family_of(cand.kind) == Some(Family::Beds) {
            let v = vars.add(variable().min(0.0).max(max_cap));
            cons.push(constraint!(v <= k));
            v
        } else {
            // Places for disabled persons are nursing beds by definition.
            k
        };
        let e = if cand.kind == FacilityType::Cemetery {
            let v = vars.add(variable().min(0.0).max(max_cap));
            cons.push(constraint!(v <= k));
            Some(v)
        } else {
            None
        };
        let town = s.town_index(&cand.town_code).unwrap_or(0);
        let land_price = match s.towns[town].class {
            TownClass::Urban => c.land_urban_yuan_per_m2,
            TownClass::Rural => c.land_rural_yuan_per_m2,
        };
        let fixed = cand.fixed_yuan.unwrap_or_else(|| c.fixed_yuan.get(cand.kind.key()).copied().unwrap_or(0.0));
        let unit = match family_of(cand.kind) {
            Some(Family::Beds) | Some(Family::Places) => c.bed_yuan,
            Some(Family::Halls) => c.hall_yuan,
            Some(Family::Plots) => c.grave_plot_yuan,
            None => 0.0,
        };
        let extra = if family_of(cand.kind).is_some_and(|f| f == Family::Beds || f == Family::Places) {
            c.nursing_bed_extra_yuan
        } else {
            0.0
        };
        build += a * (fixed * o + unit * k + extra * nu + land_price * l);
        open.push(o);
        cap.push(k);
        nursing.push(nu);
        land.push(l);
        eco.push(e);
    }

    // Assignment of each family's town demand to sites within its limit.
    let n_norms = &s.config.norms;
    let places_share = n_norms.centralised_care_min_share.as_ref();
    let willing = places_share.is_none_or(|p| p.basis.as_deref() == Some("willing"));
    let places_value = places_share.map(|p| p.value).unwrap_or(1.0);
    let demand_of = |f: Family, d: &PlanDemand| -> Vec<f64> {
        match f {
            Family::Beds => d.bed_demand.clone(),
            Family::Places => {
                let basis = if willing { &d.tekun_disabled_willing } else { &d.tekun_disabled };
                basis.iter().map(|v| v * places_value).collect()
            }
            Family::Halls => d.halls_needed.clone(),
            Family::Plots => d.grave_plots.iter().zip(&d.eco_plots).map(|(g, e)| g + e).collect(),
        }
    };
    let radius_of = |f: Family| -> Option<f64> {
        match f {
            Family::Beds => None,
            Family::Places => n_norms.regional_radius_min.as_ref().map(|n| n.value),
            Family::Halls => n_norms.funeral_radius_min.as_ref().map(|n| n.value),
            Family::Plots => n_norms.cemetery_radius_min.as_ref().map(|n| n.value),
        }
    };
    let mut ctx = Ctx::new(s, d, mode.clone());
    let mut travel = Expression::default();
    let mut assign_vars: Vec<(Family, usize, String, Option<usize>, Variable)> = Vec::new();
    let mut robust_vars: Vec<RobustVars> = Vec::new();
    let mut unmet_cost = Expression::default();
    for f in Family::ALL {
        let mut sites: Vec<AssignSite> = Vec::new();
        let mut unlocated = 0.0;
        for fac in s.facilities.iter().filter(|x| family_of(x.kind) == Some(f)) {
            match fac.town_code.as_deref().and_then(|t| s.town_index(t)) {
                Some(t) => sites.push(AssignSite {
                    id: fac.id.clone(),
                    town: Some(t),
                    capacity: Expression::from(existing_capacity(fac)),
                }),
                None => unlocated += existing_capacity(fac),
            }
        }
        if unlocated > 0.0 {
            sites.push(AssignSite {
                id: "(existing, location not given)".into(),
                town: None,
                capacity: Expression::from(unlocated),
            });
        }
        for (j, cand) in s.candidates.iter().enumerate() {
            if family_of(cand.kind) == Some(f) {
                sites.push(AssignSite {
                    id: cand.id.clone(),
                    town: s.town_index(&cand.town_code),
                    capacity: cap[j].into(),
                });
            }
        }
        let radius = radius_of(f);
        let block = |vars: &mut ProblemVariables, cons: &mut Vec<good_lp::Constraint>, demand: &[f64]| {
            assign_block(s, &tt, vars, cons, &sites, demand, radius, weight * persons_per_unit(s, f))
        };
        match recourse {
            None => {
                let (t, unmet, x) = block(&mut vars, &mut cons, &demand_of(f, d));
                travel += t;
                assign_vars.extend(x.into_iter().map(|(i, k, x)| (f, i, sites[k].id.clone(), sites[k].town, x)));
                ctx.family_demand(&mut vars, f, unmet, radius);
            }
            Some(rc) => {
                // Second stage: each draw assigns its own demand to the shared
                // capacities; what cannot be served is unmet, at a penalty.
                let share = 1.0 / rc.draws.len() as f64;
                let penalty = rc.penalty(s, f);
                let mut per_draw = Vec::new();
                for dk in &rc.draws {
                    let (t, served, x) = block(&mut vars, &mut cons, &demand_of(f, dk));
                    travel += share * t;
                    let mut unmet_k = Vec::new();
                    for (i, served_i, demand_i) in served {
                        let u = vars.add(variable().min(0.0).max(demand_i));
                        cons.push(constraint!(served_i + u >= demand_i));
                        unmet_cost += share * penalty * u;
                        unmet_k.push((i, u));
                    }
                    let x = x.into_iter().map(|(i, k, x)| (f, i, sites[k].id.clone(), sites[k].town, x)).collect();
                    per_draw.push((unmet_k, x));
                }
                robust_vars.push((f, per_draw));
            }
        }
    }

    // Norm features.
    ctx.open = open.clone();
    ctx.cap = cap.clone();
    ctx.nursing = nursing.clone();
    ctx.land = land.clone();
    ctx.eco = eco.clone();
    features::add_all(&mut ctx, &mut vars);

    let n_vars = vars.len();
    let objective = match mode {
        Mode::Elastic => ctx.normalised_slack_sum(),
        _ => build.clone() + travel.clone() + unmet_cost.clone(),
    };
    let n_cons = cons.len() + ctx.constraints.len();
    cons.append(&mut ctx.constraints);
    Built {
        milp: Milp { vars, objective, constraints: cons },
        slacks: std::mem::take(&mut ctx.slacks),
        open,
        cap,
        nursing,
        land,
        eco,
        assign_vars,
        robust_vars,
        build,
        travel,
        unmet_cost,
        variables: n_vars,
        constraints: n_cons,
    }
}

impl Built {
    /// Read the plan's quantities from the values of every variable.
    fn read(self, sol: &Values, blocks: usize) -> Solved {
        let mut slacks = self.slacks;
        for sl in &mut slacks {
            // Shares of planned totals: what is required depends on the plan.
            sl.required = sol.eval(&sl.rhs);
        }
        Solved {
            status: sol.status,
            gap: sol.gap,
            slack_values: slacks.iter().map(|sl| sol.value(sl.var).max(0.0)).collect(),
            slacks,
            open: self.open.iter().map(|v| sol.value(*v)).collect(),
            cap: self.cap.iter().map(|v| sol.value(*v)).collect(),
            nursing: self.nursing.iter().map(|v| sol.value(*v)).collect(),
            land: self.land.iter().map(|v| sol.value(*v)).collect(),
            eco: self.eco.iter().map(|v| v.map(|v| sol.value(v)).unwrap_or(0.0)).collect(),
            assignments: if self.robust_vars.is_empty() {
                self.assign_vars.into_iter().map(|(f, i, id, t, x)| (f, i, id, t, sol.value(x))).collect()
            } else {
                mean_assignments(&self.robust_vars, sol)
            },
            unmet: self
                .robust_vars
                .iter()
                .map(|(f, per)| {
                    (*f, per.iter().map(|(u, _)| u.iter().map(|(_, v)| sol.value(*v).max(0.0)).sum()).collect())
                })
                .collect(),
            unmet_cost: sol.eval(&self.unmet_cost),
            build_cost: sol.eval(&self.build),
            travel_cost: sol.eval(&self.travel),
            variables: self.variables,
            constraints: self.constraints,
            blocks,
        }
    }
}

/// Mean over the draws of each (family, town, site) assignment.
fn mean_assignments(robust: &[RobustVars], sol: &impl Solution) -> Vec<(Family, usize, String, Option<usize>, f64)> {
    let mut acc: BTreeMap<(Family, usize, String), (Option<usize>, f64)> = BTreeMap::new();
    let mut out = Vec::new();
    for (_, per) in robust {
        let k = per.len().max(1) as f64;
        acc.clear();
        for (_, xs) in per {
            for (f, i, id, t, x) in xs {
                let e = acc.entry((*f, *i, id.clone())).or_insert((*t, 0.0));
                e.1 += sol.value(*x) / k;
            }
        }
        out.extend(std::mem::take(&mut acc).into_iter().map(|((f, i, id), (t, v))| (f, i, id, t, v)));
    }
    out
}

/// Solve the plan: hard first; if infeasible, elastic to measure each
/// shortfall, then least cost within those shortfalls. The model is solved
/// as its independent blocks ([`crate::solver::blocks`]), and only the blocks
/// that cannot meet every norm are solved again elastically.
pub fn solve_plan(s: &Scenario, d: &PlanDemand, opts: &PlanOptions) -> Result<Plan, PlanError> {
    solve_with(s, d, None, opts)
}

/// The two-stage stochastic plan (sample average approximation): the norms
/// hold on `d` (the quantile demand) as in [`solve_plan`]; the sites and
/// sizes are shared by every draw of `rc`, each draw assigns its own demand
/// and pays `rc`'s penalty for what it cannot serve; the objective is build
/// cost + the mean over draws of travel and penalty.
pub fn solve_robust(s: &Scenario, d: &PlanDemand, rc: &Recourse, opts: &PlanOptions) -> Result<Plan, PlanError> {
    solve_with(s, d, Some(rc), opts)
}

fn solve_with(s: &Scenario, d: &PlanDemand, rc: Option<&Recourse>, opts: &PlanOptions) -> Result<Plan, PlanError> {
    use rayon::prelude::*;
    let hard = build(s, d, rc, opts, &Mode::Hard);
    let blocks = hard.milp.blocks();
    // Blocks are independent and each solve is deterministic, so solving
    // them in parallel changes nothing but the wall time.
    let solve_all = |m: &Milp, which: &[usize]| -> Result<Vec<Option<BlockSolution>>, PlanError> {
        which
            .par_iter()
            .map(|&b| m.solve_block(&blocks[b], &opts.solve).map_err(|e| PlanError::Solver(e.to_string())))
            .collect()
    };
    let all: Vec<usize> = (0..blocks.len()).collect();
    let mut solved = solve_all(&hard.milp, &all)?;
    let short: Vec<usize> = all.iter().copied().filter(|&b| solved[b].is_none()).collect();
    let built = if short.is_empty() {
        hard
    } else {
        // The elastic model has the same variables and rows, so the same
        // blocks; those that met every norm keep their hard solution.
        let elastic = build(s, d, rc, opts, &Mode::Elastic);
        debug_assert_eq!(elastic.milp.blocks(), blocks);
        let mut least: Vec<BlockSolution> = blocks.iter().map(BlockSolution::zeros).collect();
        for (&b, sol) in short.iter().zip(solve_all(&elastic.milp, &short)?) {
            least[b] = sol.ok_or_else(|| {
                PlanError::Solver("the elastic model is infeasible (a bug: every norm has a slack)".into())
            })?;
        }
        let least = elastic.milp.gather(&blocks, &least);
        // A little room above the elastic optimum for solver round-off.
        let bounds = elastic.slacks.iter().map(|sl| least.value(sl.var).max(0.0) * (1.0 + 1e-9) + 1e-6).collect();
        let bounded = build(s, d, rc, opts, &Mode::Bounded(bounds));
        for (&b, sol) in short.iter().zip(solve_all(&bounded.milp, &short)?) {
            solved[b] =
                Some(sol.ok_or_else(|| {
                    PlanError::Solver("the bounded model is infeasible after the elastic solve".into())
                })?);
        }
        bounded
    };
    let solves = blocks.len() + 2 * short.len();
    let solved: Vec<_> = solved.into_iter().map(|x| x.expect("every block solved")).collect();
    let values = built.milp.gather(&blocks, &solved);
    let plan = report(s, d, rc, built.read(&values, blocks.len()), solves);
    debug_assert_eq!(crate::checks::plan(s, &plan), Ok(()));
    Ok(plan)
}

fn report(s: &Scenario, d: &PlanDemand, rc: Option<&Recourse>, r: Solved, solves: usize) -> Plan {
    let c = &s.config.costs;
    let a = annuity(c.discount_rate, c.lifetime_years);
    let town = |t: Option<usize>| t.map(|t| (s.towns[t].code.clone(), s.towns[t].name.clone())).unwrap_or_default();
    let mut served: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut assignments = Vec::new();
    let tt = TravelTimes::from_scenario(s);
    for (f, i, id, t, x) in &r.assignments {
        if *x > 1e-6 {
            served.entry(id.clone()).or_default().push(s.towns[*i].code.clone());
            assignments.push(PlanAssignment {
                family: *f,
                town_code: s.towns[*i].code.clone(),
                town_name: s.towns[*i].name.clone(),
                site_id: id.clone(),
                amount: round6(*x),
                minutes: round6(t.map(|t| tt.get(*i, t)).unwrap_or(s.config.travel.intra_town_min)),
            });
        }
    }
    for v in served.values_mut() {
        v.dedup();
    }
    let mut sites = Vec::new();
    for f in &s.facilities {
        let (code, name) = town(f.town_code.as_deref().and_then(|t| s.town_index(t)));
        sites.push(PlannedSite {
            id: f.id.clone(),
            kind: f.kind.key(),
            name: f.name.clone(),
            town_code: code,
            town_name: name,
            status: "existing",
            beds: f.beds,
            nursing_beds: f.nursing_beds,
            land_m2: f.land_m2,
            plots: f.grave_plots + f.eco_plots,
            eco_plots: f.eco_plots,
            halls: f.halls,
            cost_yuan_per_year: 0.0,
            towns_served: served.get(&f.id).cloned().unwrap_or_default(),
        });
    }
    for (j, cand) in s.candidates.iter().enumerate() {
        if r.open[j] < 0.5 {
            continue;
        }
        let ti = s.town_index(&cand.town_code);
        let (code, name) = town(ti);
        let fam = family_of(cand.kind);
        let k = r.cap[j];
        let land_price = match ti.map(|t| s.towns[t].class) {
            Some(TownClass::Urban) => c.land_urban_yuan_per_m2,
            _ => c.land_rural_yuan_per_m2,
        };
        let fixed = cand.fixed_yuan.unwrap_or_else(|| c.fixed_yuan.get(cand.kind.key()).copied().unwrap_or(0.0));
        let (unit, extra) = match fam {
            Some(Family::Beds) | Some(Family::Places) => (c.bed_yuan, c.nursing_bed_extra_yuan),
            Some(Family::Halls) => (c.hall_yuan, 0.0),
            Some(Family::Plots) => (c.grave_plot_yuan, 0.0),
            None => (0.0, 0.0),
        };
        let cost = a * (fixed + unit * k + extra * r.nursing[j] + land_price * r.land[j]);
        let beds_like = matches!(fam, Some(Family::Beds) | Some(Family::Places));
        sites.push(PlannedSite {
            id: cand.id.clone(),
            kind: cand.kind.key(),
            name: cand.name.clone(),
            town_code: code,
            town_name: name,
            status: if cand.expands.is_some() { "expanded" } else { "new" },
            beds: if beds_like { round6(k) } else { 0.0 },
            nursing_beds: if beds_like { round6(r.nursing[j]) } else { 0.0 },
            land_m2: round6(r.land[j]),
            plots: if fam == Some(Family::Plots) { round6(k) } else { 0.0 },
            eco_plots: round6(r.eco[j]),
            halls: if fam == Some(Family::Halls) { round6(k) } else { 0.0 },
            cost_yuan_per_year: round6(cost),
            towns_served: served.get(&cand.id).cloned().unwrap_or_default(),
        });
    }
    let shortfalls = r
        .slacks
        .iter()
        .zip(&r.slack_values)
        .filter(|(sl, v)| **v > 1e-6 * sl.scale.max(1.0))
        .map(|(sl, v)| Shortfall {
            norm: sl.key.clone(),
            meaning: sl.meaning.clone(),
            source: sl.source.clone(),
            required: round6(sl.required),
            // A "≥" norm's left side is a sum of non-negative quantities;
            // the slack's round-off room can take it a hair below zero.
            achievable: round6(if sl.is_max { sl.required + v } else { (sl.required - v).max(0.0) }),
            shortfall: round6(*v),
            unit: sl.unit.clone(),
            where_: sl.town.map(|t| vec![s.towns[t].name.clone()]).unwrap_or_default(),
        })
        .collect();
    Plan {
        demand: d.clone(),
        sites,
        assignments,
        shortfalls,
        robust: rc.map(|rc| RobustReport {
            draws: rc.draws.len(),
            penalty_factor: rc.penalty_factor,
            unmet_cost_yuan_per_year: round6(r.unmet_cost),
            families: r
                .unmet
                .iter()
                .map(|(f, per)| {
                    let k = per.len().max(1) as f64;
                    let (worst_draw, worst) =
                        per.iter().enumerate().fold((0, 0.0), |b, (i, &v)| if v > b.1 + 1e-9 { (i, v) } else { b });
                    UnmetDemand {
                        family: *f,
                        penalty_yuan_per_unit: round6(rc.penalty(s, *f)),
                        expected: round6(per.iter().sum::<f64>() / k),
                        worst: round6(worst),
                        worst_draw: rc.draw_ids.get(worst_draw).copied().unwrap_or(worst_draw),
                        draws_short: per.iter().filter(|&&v| v > 1e-6).count(),
                    }
                })
                .collect(),
        }),
        build_cost_yuan_per_year: round6(r.build_cost),
        travel_cost_yuan_per_year: round6(r.travel_cost),
        objective: round6(r.build_cost + r.travel_cost),
        status: r.status,
        gap: r.gap,
        solves,
        blocks: r.blocks,
        variables: r.variables,
        constraints: r.constraints,
    }
}

/// Round solver output to 6 decimals so files do not show round-off noise.
fn round6(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}
