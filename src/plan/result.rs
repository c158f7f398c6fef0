//! The solved plan as a planner reads it: what is built where, when and how
//! big, with its capital; what happens to each existing facility; which
//! towns each site serves; compliance period by period; the money.

use super::demand::PlanDemand;
use super::evaluate::{compliance, round6, ComplianceRow};
use super::families::Family;
use super::horizon::Horizon;
use super::model::costs::existing_capital;
use super::model::decisions::{group_committed, land_price};
use super::robust::{Recourse, RobustReport, UnmetDemand};
use super::solve::Solved;
use crate::scenario::{FacilityType, Scenario};
use crate::solver::SolveStatus;
use good_lp::Solution;
use serde::Serialize;

/// What happens at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new facility (新建).
    New,
    /// More capacity at an existing facility (改扩建).
    Expand,
    /// Existing beds become nursing beds (改造).
    Convert,
    /// Government-run beds go to social operation (公建民营).
    Transfer,
    /// Closed or merged (撤并).
    Close,
    /// Kept as it is.
    Keep,
}

impl Action {
    pub fn key(self) -> &'static str {
        match self {
            Action::New => "new",
            Action::Expand => "expand",
            Action::Convert => "convert",
            Action::Transfer => "transfer",
            Action::Close => "close",
            Action::Keep => "keep",
        }
    }

    /// 建设性质, as a 建设项目表 writes it.
    pub fn zh(self) -> &'static str {
        match self {
            Action::New => "新建",
            Action::Expand => "改扩建",
            Action::Convert => "改造",
            Action::Transfer => "公建民营",
            Action::Close => "撤并",
            Action::Keep => "保留",
        }
    }
}

/// A candidate the plan builds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Built {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FacilityType,
    pub name: String,
    pub town_code: String,
    pub town_name: String,
    pub option_group: String,
    pub committed: bool,
    pub action: Action,
    pub period: String,
    /// First period it serves in (later than `period` with a lead time).
    pub serves_from: String,
    pub beds: f64,
    pub nursing_beds: f64,
    pub places: f64,
    pub halls: f64,
    pub plots: f64,
    pub eco_plots: f64,
    pub land_m2: f64,
    /// Capital charged, 万元: the plan's stated investment where it gives
    /// one, else the unit-cost estimate.
    pub capital_wan: f64,
    /// The unit-cost estimate, 万元 (to compare with the plan's own figure).
    pub estimate_wan: f64,
    /// The plan's stated investment, 万元.
    pub plan_investment_wan: Option<f64>,
    /// Annualised capital, yuan per year.
    pub cost_yuan_per_year: f64,
    pub funding: String,
}

/// A decision on an existing facility.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FacilityType,
    pub name: String,
    pub town_code: String,
    pub town_name: String,
    pub action: Action,
    pub period: String,
    /// Beds converted or handed over, or facilities closed.
    pub amount: f64,
    pub unit: &'static str,
    pub capital_wan: f64,
}

/// Part of a town's demand served by a site in a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    pub period: String,
    pub family: Family,
    pub town_code: String,
    pub town_name: String,
    pub site_id: String,
    pub amount: f64,
    /// Travel minutes (None: unknown, a town without coordinates).
    pub minutes: Option<f64>,
}

/// Existing facilities whose towns the plan does not give, assumed to be in
/// these towns for the coverage norms (a rule the report states).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    #[serde(rename = "type")]
    pub kind: FacilityType,
    pub towns: Vec<String>,
}

/// One period at a glance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodSummary {
    pub period: String,
    pub start_year: u32,
    pub end_year: u32,
    pub capital_wan: f64,
    pub budget_wan: Option<f64>,
    pub beds: f64,
    pub nursing_beds: f64,
    pub nursing_share: f64,
    pub places: f64,
    pub halls: f64,
    pub plots: f64,
    pub eco_plots: f64,
    pub land_m2: f64,
    pub norms_met: Vec<String>,
    pub norms_short: Vec<String>,
}

/// The result of a plan run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub horizon: Horizon,
    pub quantile: Option<f64>,
    /// Each period's town demand.
    pub demand: Vec<PlanDemand>,
    pub builds: Vec<Built>,
    pub changes: Vec<Change>,
    pub assignments: Vec<Assignment>,
    pub placements: Vec<Placement>,
    pub compliance: Vec<ComplianceRow>,
    pub periods: Vec<PeriodSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robust: Option<RobustReport>,
    /// All capital, 万元.
    pub capital_wan: f64,
    /// Present value at the base year of everything the objective counts, yuan.
    pub objective_pv_yuan: f64,
    pub capital_pv_yuan: f64,
    pub operating_pv_yuan: f64,
    pub travel_pv_yuan: f64,
    pub unmet_pv_yuan: f64,
    /// Annualised capital of the plan's builds and decisions, yuan per year.
    pub build_cost_yuan_per_year: f64,
    pub status: SolveStatus,
    /// Relative MIP gap (0 when proven optimal).
    pub gap: f64,
    pub solves: usize,
    pub blocks: usize,
    pub variables: usize,
    pub constraints: usize,
}

impl Plan {
    /// Every row met.
    pub fn feasible(&self) -> bool {
        self.compliance.iter().all(|r| r.met)
    }

    /// The rows not met: the plan's shortfalls.
    pub fn shortfalls(&self) -> impl Iterator<Item = &ComplianceRow> {
        self.compliance.iter().filter(|r| !r.met)
    }

    /// (candidate id, period label) of every build.
    pub fn built(&self) -> impl Iterator<Item = (&str, &str)> {
        self.builds.iter().map(|b| (b.id.as_str(), b.period.as_str()))
    }
}

fn town_of(s: &Scenario, code: Option<&str>) -> (String, String) {
    code.and_then(|c| s.town_index(c)).map(|t| (s.towns[t].code.clone(), s.towns[t].name.clone())).unwrap_or_default()
}

/// The unit-cost estimate of building candidate `j` at `size` (with its
/// nursing beds and land), yuan: what civplan would charge without the
/// plan's own figure.
fn estimate(s: &Scenario, j: usize, size: f64, nursing: f64, land: f64) -> f64 {
    let c = &s.candidates[j];
    let costs = &s.config.costs;
    let Some(fam) = Family::of(c.kind) else { return 0.0 };
    let fixed = super::model::decisions::fixed_yuan(s, c);
    let extra = if nursing > 0.0 { costs.nursing_bed_extra_yuan * nursing } else { 0.0 };
    fixed + (fam.def().unit_cost)(costs) * size + extra + land_price(s, &c.town_code) * land
}

/// Read a solved model into a [`Plan`].
pub fn read(s: &Scenario, h: &Horizon, demand: &[PlanDemand], rc: Option<&Recourse>, solved: Solved) -> Plan {
    let Solved { built: b, values: sol, solves, blocks } = solved;
    let label = |p: usize| h.periods[p].label.clone();
    let whole = |v: f64| v.round() + 0.0;

    let mut builds = Vec::new();
    for (j, c) in s.candidates.iter().enumerate() {
        for bd in b.cands[j].builds.iter().filter(|bd| sol.value(bd.open) > 0.5) {
            let fam = Family::of(c.kind).expect("candidates have a family");
            let size = whole(bd.size.eval_with(&sol));
            let nursing = whole(bd.nursing.eval_with(&sol));
            let land = round6(bd.land.eval_with(&sol));
            let capital = bd.capital.eval_with(&sol);
            let (town_code, town_name) = town_of(s, Some(&c.town_code));
            let beds_like = matches!(fam, Family::Beds | Family::Places);
            builds.push(Built {
                id: c.id.clone(),
                kind: c.kind,
                name: c.name.clone(),
                town_code,
                town_name,
                option_group: c.option_group.clone().unwrap_or_default(),
                committed: group_committed(s, c),
                action: if c.expands.is_some() { Action::Expand } else { Action::New },
                period: label(bd.period),
                serves_from: bd.serves_from.map(label).unwrap_or_else(|| "after the horizon".into()),
                beds: if beds_like { size } else { 0.0 },
                nursing_beds: if beds_like { nursing } else { 0.0 },
                places: if fam == Family::Places { size } else { 0.0 },
                halls: if fam == Family::Halls { size } else { 0.0 },
                plots: if fam == Family::Plots { size } else { 0.0 },
                eco_plots: whole(bd.eco.eval_with(&sol)),
                land_m2: land,
                capital_wan: round6(capital / 1e4),
                estimate_wan: round6(estimate(s, j, size, nursing, land) / 1e4),
                plan_investment_wan: c.capital_wan,
                cost_yuan_per_year: round6(h.annuity * capital),
                funding: c.funding.clone().unwrap_or_default(),
            });
        }
    }

    let costs = &s.config.costs;
    let mut changes = Vec::new();
    for (e, f) in s.facilities.iter().enumerate() {
        let x = &b.existing[e];
        let (town_code, town_name) = town_of(s, f.town_code.as_deref());
        for p in 0..h.len() {
            let mut push = |action, amount: f64, unit, yuan: f64| {
                if amount > 0.5 {
                    changes.push(Change {
                        id: f.id.clone(),
                        kind: f.kind,
                        name: f.name.clone(),
                        town_code: town_code.clone(),
                        town_name: town_name.clone(),
                        action,
                        period: label(p),
                        amount: whole(amount),
                        unit,
                        capital_wan: round6(whole(amount) * yuan / 1e4),
                    });
                }
            };
            if let Some(v) = x.close[p] {
                push(Action::Close, sol.value(v), "facilities", costs.close_facility_yuan);
            }
            if let Some(v) = x.convert[p] {
                push(Action::Convert, sol.value(v), "beds", costs.convert_bed_yuan);
            }
            if let Some(t) = &x.transfer[p] {
                push(Action::Transfer, t.eval_with(&sol), "beds", costs.transfer_bed_yuan);
            }
        }
    }

    let mut assignments = Vec::new();
    for a in b.assign.iter().filter(|a| a.draw.is_none()) {
        let v = sol.value(a.var);
        if v > 1e-6 {
            assignments.push(Assignment {
                period: label(a.period),
                family: a.family,
                town_code: s.towns[a.town].code.clone(),
                town_name: s.towns[a.town].name.clone(),
                site_id: b.sites[&a.family][a.site].id.clone(),
                amount: round6(v),
                minutes: a.known.then(|| round6(a.minutes)),
            });
        }
    }
    if let Some(rc) = rc {
        assignments.extend(mean_assignments(s, &b, &sol, rc, h));
    }

    let placements = b.quantities.first().map_or_else(Vec::new, |qt| {
        qt.placed
            .iter()
            .map(|(kind, towns)| Placement {
                kind: *kind,
                towns: towns.iter().map(|&t| s.towns[t].name.clone()).collect(),
            })
            .collect()
    });

    let periods_meta: Vec<(String, u32)> = h.periods.iter().map(|p| (p.label.clone(), p.span.to)).collect();
    let compliance = compliance(s, &b, &sol, &periods_meta);

    let family_capacity = |f: Family, q: usize| -> f64 {
        b.sites[&f]
            .iter()
            .map(|site| super::model::assign::capacity(s, f, site, &b.cands, &b.existing, q).eval_with(&sol))
            .sum()
    };
    let periods = (0..h.len())
        .map(|q| {
            let qt = &b.quantities[q];
            let beds = qt.beds.eval_with(&sol);
            let nursing = qt.nursing.eval_with(&sol);
            let rows: Vec<&ComplianceRow> =
                compliance.iter().filter(|r| r.period == h.periods[q].label && !r.demand_row).collect();
            let mut met: Vec<String> = rows.iter().filter(|r| r.met).map(|r| r.norm.clone()).collect();
            let mut short: Vec<String> = rows.iter().filter(|r| !r.met).map(|r| r.norm.clone()).collect();
            met.dedup();
            short.dedup();
            met.retain(|k| !short.contains(k));
            PeriodSummary {
                period: label(q),
                start_year: h.periods[q].span.from,
                end_year: h.periods[q].span.to,
                capital_wan: round6(b.costs.capital_by_period[q].eval_with(&sol) / 1e4),
                budget_wan: s.config.plan.budget_wan.get(&h.periods[q].label).copied(),
                beds: round6(beds),
                nursing_beds: round6(nursing),
                nursing_share: if beds > 0.0 { round6(nursing / beds) } else { 0.0 },
                places: round6(qt.places.eval_with(&sol)),
                halls: round6(family_capacity(Family::Halls, q)),
                plots: round6(family_capacity(Family::Plots, q)),
                eco_plots: round6(qt.eco.eval_with(&sol)),
                land_m2: round6(qt.land.eval_with(&sol)),
                norms_met: met,
                norms_short: short,
            }
        })
        .collect();

    let robust = rc.map(|rc| robust_report(s, h, &b, &sol, rc));
    let capital: f64 = b.costs.capital_by_period.iter().map(|e| e.eval_with(&sol)).sum();
    let decisions: f64 = (0..h.len()).map(|p| existing_capital(s, &b.existing, p).eval_with(&sol)).sum();
    debug_assert!(decisions <= capital + 1e-6);
    let pv = |e: &good_lp::Expression| round6(e.eval_with(&sol));
    Plan {
        horizon: h.clone(),
        quantile: demand.first().and_then(|d| d.quantile),
        demand: demand.to_vec(),
        builds,
        changes,
        assignments,
        placements,
        compliance,
        periods,
        robust,
        capital_wan: round6(capital / 1e4),
        objective_pv_yuan: pv(&b.costs.total()),
        capital_pv_yuan: pv(&b.costs.capital_pv),
        operating_pv_yuan: pv(&b.costs.operating_pv),
        travel_pv_yuan: pv(&b.costs.travel_pv),
        unmet_pv_yuan: pv(&b.costs.unmet_pv),
        build_cost_yuan_per_year: round6(h.annuity * capital),
        status: sol.status,
        gap: sol.gap,
        solves,
        blocks,
        variables: b.variables,
        constraints: b.constraints,
    }
}

/// Mean over the draws of each (town, site) assignment of the robust plan.
fn mean_assignments(
    s: &Scenario,
    b: &super::model::Built,
    sol: &impl Solution,
    rc: &Recourse,
    h: &Horizon,
) -> Vec<Assignment> {
    let k = rc.draws.len().max(1) as f64;
    // (period, family, town, site) → (mean amount, distance known, minutes).
    type Key = (usize, Family, usize, usize);
    let mut acc: std::collections::BTreeMap<Key, (f64, bool, f64)> = Default::default();
    for a in b.assign.iter().filter(|a| a.draw.is_some()) {
        let e = acc.entry((a.period, a.family, a.town, a.site)).or_insert((0.0, a.known, a.minutes));
        e.0 += sol.value(a.var) / k;
    }
    acc.into_iter()
        .filter(|(_, (v, _, _))| *v > 1e-6)
        .map(|((q, f, i, site), (v, known, m))| Assignment {
            period: h.periods[q].label.clone(),
            family: f,
            town_code: s.towns[i].code.clone(),
            town_name: s.towns[i].name.clone(),
            site_id: b.sites[&f][site].id.clone(),
            amount: round6(v),
            minutes: known.then(|| round6(m)),
        })
        .collect()
}

fn robust_report(
    s: &Scenario,
    h: &Horizon,
    b: &super::model::Built,
    sol: &impl Solution,
    rc: &Recourse,
) -> RobustReport {
    let families = Family::ALL
        .into_iter()
        .map(|f| {
            let mut per = vec![0.0; rc.draws.len()];
            for u in b.unmet.iter().filter(|u| u.family == f) {
                per[u.draw] += sol.value(u.var).max(0.0);
            }
            let k = per.len().max(1) as f64;
            let (worst_draw, worst) =
                per.iter().enumerate().fold((0, 0.0), |best, (i, &v)| if v > best.1 + 1e-9 { (i, v) } else { best });
            UnmetDemand {
                family: f,
                penalty_yuan_per_unit: round6(rc.penalty(s, h, f)),
                expected: round6(per.iter().sum::<f64>() / k),
                worst: round6(worst),
                worst_draw: rc.draw_ids.get(worst_draw).copied().unwrap_or(worst_draw),
                draws_short: per.iter().filter(|&&v| v > 1e-6).count(),
            }
        })
        .collect();
    RobustReport {
        draws: rc.draws.len(),
        penalty_factor: rc.penalty_factor,
        unmet_cost_yuan_per_year: round6(b.costs.unmet_pv.eval_with(sol) / h.weight(0)),
        families,
    }
}
