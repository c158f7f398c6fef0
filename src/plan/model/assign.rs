//! Sites and the assignment of each town's demand to them: per period and
//! family, `x[i,k] ≥ 0` for every site `k` town `i` reaches within the
//! family's travel limit, `Σ_i x[i,k] ≤ capacity[k]` in that period.
//!
//! A family's sites are its located existing facilities, one pseudo-site for
//! its existing stock whose towns the plan does not give (every town may use
//! it, at the intra-town time, since that stock exists somewhere in the
//! county), and its candidates. A town without coordinates reaches only its
//! own town (and the pseudo-site); where the family has no travel limit it
//! may still use any site, charged at the intra-town time and reported with
//! an unknown distance.

use super::super::families::Family;
use super::super::travel::TravelTimes;
use super::decisions::{CandidateVars, ExistingVars};
use crate::scenario::Scenario;
use good_lp::{constraint, variable, Constraint, Expression, IntoAffineExpression, ProblemVariables, Variable};

/// Where a site's capacity comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteSource {
    Existing(usize),
    /// Existing facilities of the family without a town.
    Unlocated(Vec<usize>),
    Candidate(usize),
}

/// A place a family's demand may be served.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    pub town: Option<usize>,
    pub source: SiteSource,
}

/// The id of the pseudo-site for stock without a town.
pub const UNLOCATED: &str = "(existing, location not given)";

/// A family's sites.
pub fn sites(s: &Scenario, f: Family) -> Vec<Site> {
    let mut out = Vec::new();
    let mut unlocated = Vec::new();
    for (e, fac) in s.facilities.iter().enumerate().filter(|(_, x)| Family::of(x.kind) == Some(f)) {
        match fac.town_code.as_deref().and_then(|t| s.town_index(t)) {
            Some(t) => out.push(Site { id: fac.id.clone(), town: Some(t), source: SiteSource::Existing(e) }),
            None => unlocated.push(e),
        }
    }
    if !unlocated.is_empty() {
        out.push(Site { id: UNLOCATED.into(), town: None, source: SiteSource::Unlocated(unlocated) });
    }
    for (j, c) in s.candidates.iter().enumerate().filter(|(_, c)| Family::of(c.kind) == Some(f)) {
        out.push(Site { id: c.id.clone(), town: s.town_index(&c.town_code), source: SiteSource::Candidate(j) });
    }
    out
}

/// A site's capacity in period `q`.
pub fn capacity(
    s: &Scenario,
    f: Family,
    site: &Site,
    cands: &[CandidateVars],
    existing: &[ExistingVars],
    q: usize,
) -> Expression {
    let of = |e: usize| {
        let fac = &s.facilities[e];
        existing[e].kept(fac, q) * (f.def().existing)(fac)
    };
    match &site.source {
        SiteSource::Existing(e) => of(*e),
        SiteSource::Unlocated(es) => es.iter().map(|&e| of(e)).sum(),
        SiteSource::Candidate(j) => cands[*j].size_in(q),
    }
}

/// Travel minutes from town `i` to a site, and whether the distance is known.
pub fn minutes(s: &Scenario, tt: &TravelTimes, i: usize, site: &Site) -> (f64, bool) {
    match site.town {
        Some(t) => {
            let m = tt.get(i, t);
            if m.is_finite() {
                (m, true)
            } else {
                (s.config.travel.intra_town_min, false)
            }
        }
        None => (s.config.travel.intra_town_min, true),
    }
}

/// Whether town `i` may use a site under the family's travel limit.
pub fn reachable(s: &Scenario, tt: &TravelTimes, i: usize, site: &Site, radius: Option<f64>) -> bool {
    let (m, known) = minutes(s, tt, i, site);
    match radius {
        None => true,
        Some(r) => known && m <= r + 1e-9,
    }
}

/// One assignment variable.
#[derive(Debug, Clone)]
pub struct Assign {
    pub period: usize,
    pub family: Family,
    pub town: usize,
    /// Index into the family's sites.
    pub site: usize,
    /// Robust plans: the draw (index into the recourse draws).
    pub draw: Option<usize>,
    pub var: Variable,
    pub minutes: f64,
    pub known: bool,
}

/// What one assignment block gives: each town's served expression, the
/// travel term (person-minutes), and the variables.
pub struct Assigned {
    pub served: Vec<Expression>,
    pub person_minutes: Expression,
    pub vars: Vec<Assign>,
}

/// Assign `demand` (by town) of family `f` in period `q` to `sites` with
/// their capacities. `pooled`: the travel-free bound's assignment instead
/// (see `pool`).
#[allow(clippy::too_many_arguments)]
pub fn assign(
    s: &Scenario,
    tt: &TravelTimes,
    f: Family,
    q: usize,
    draw: Option<usize>,
    sites: &[Site],
    caps: &[Expression],
    opens: &[Option<Expression>],
    demand: &[f64],
    pooled: bool,
    vars: &mut ProblemVariables,
    cons: &mut Vec<Constraint>,
) -> Assigned {
    let radius = f.radius(s);
    let persons = (f.def().persons_per_unit)(s);
    if pooled && radius.is_none() {
        return pool(s, tt, sites, caps, demand, persons, vars, cons);
    }
    let mut load = vec![Expression::default(); sites.len()];
    let mut served = vec![Expression::default(); demand.len()];
    let mut person_minutes = Expression::default();
    let mut out = Vec::new();
    for (i, &dem) in demand.iter().enumerate() {
        if dem <= 0.0 {
            continue;
        }
        for (k, site) in sites.iter().enumerate() {
            if !reachable(s, tt, i, site, radius) {
                continue;
            }
            let (m, known) = minutes(s, tt, i, site);
            let x = vars.add(variable().min(0.0).max(dem));
            if let Some(open) = &opens[k] {
                cons.push(constraint!(x <= dem * open.clone()));
            }
            served[i] += x;
            load[k] += x;
            person_minutes += persons * m * x;
            out.push(Assign { period: q, family: f, town: i, site: k, draw, var: x, minutes: m, known });
        }
    }
    for (l, cap) in load.into_iter().zip(caps) {
        if (&l).linear_coefficients().next().is_some() {
            cons.push(constraint!(l <= cap.clone()));
        }
    }
    Assigned { served, person_minutes, vars: out }
}

/// The assignment of a family without a travel limit in the travel-free
/// bound: a relaxation of [`assign`] whose columns are the towns', not the
/// towns' × sites'. Two pools: the stock without a town, which every town
/// uses at the intra-town time, and the located sites, charged at the
/// town's nearest. Town i sends `u[i] ≤ d[i]` to the first and `y[i] ≤
/// d[i]` to the second, each pool at most its capacity (`Σ_i u[i] ≤ cap_U`,
/// `Σ_i y[i] ≤ Σ_k cap_k`). Any flows of [`assign`] give such u and y at no
/// more cost (each town's minutes to a located site are at least its
/// nearest's), so the bound's optimum is at most the model's; it is exact
/// when the towns are served at their nearest sites. (One pool of all the
/// capacity would charge every town the intra-town time wherever there is
/// stock without a town, and so leave out nearly all travel.)
#[allow(clippy::too_many_arguments)]
fn pool(
    s: &Scenario,
    tt: &TravelTimes,
    sites: &[Site],
    caps: &[Expression],
    demand: &[f64],
    persons: f64,
    vars: &mut ProblemVariables,
    cons: &mut Vec<Constraint>,
) -> Assigned {
    let (unlocated, located): (Vec<usize>, Vec<usize>) = (0..sites.len()).partition(|&k| sites[k].town.is_none());
    let mut served = vec![Expression::default(); demand.len()];
    let mut person_minutes = Expression::default();
    let (mut to_unlocated, mut to_located) = (Expression::default(), Expression::default());
    for (i, &dem) in demand.iter().enumerate() {
        if dem <= 0.0 {
            continue;
        }
        if !unlocated.is_empty() {
            let u = vars.add(variable().min(0.0).max(dem));
            served[i] += u;
            to_unlocated += u;
            person_minutes += persons * s.config.travel.intra_town_min * u;
        }
        let nearest = located.iter().map(|&k| minutes(s, tt, i, &sites[k]).0).fold(f64::INFINITY, f64::min);
        if nearest.is_finite() {
            let y = vars.add(variable().min(0.0).max(dem));
            served[i] += y;
            to_located += y;
            person_minutes += persons * nearest * y;
        }
    }
    for (pool, members) in [(to_unlocated, &unlocated), (to_located, &located)] {
        if (&pool).linear_coefficients().next().is_some() {
            let cap: Expression = members.iter().map(|&k| caps[k].clone()).sum();
            cons.push(constraint!(pool <= cap));
        }
    }
    Assigned { served, person_minutes, vars: Vec::new() }
}
