//! The county's norms as model features: each function reads one norm of
//! the scenario and, when the county has it, adds one linear constraint with
//! a slack to the planning model. A new norm is one function here and one
//! line in [`add_all`].
//!
//! Slacks are fixed at zero in the hard solve, free (and minimised, each
//! divided by its required amount) in the elastic solve, and bounded by the
//! elastic optimum in the final solve; a positive slack is a shortfall.

use super::model::Mode;
use super::{Family, PlanDemand};
use crate::plan::travel::TravelTimes;
use crate::scenario::{FacilityType, Norm, Operator, Scenario};
use good_lp::{constraint, variable, Constraint, Expression, IntoAffineExpression, ProblemVariables, Variable};

/// One slack: a norm (or a town's demand) that may fall short.
#[derive(Debug, Clone)]
pub struct Slack {
    pub key: String,
    pub meaning: String,
    pub source: String,
    pub unit: String,
    /// What is required (evaluated at the solution when it depends on it).
    pub required: f64,
    pub rhs: Expression,
    pub is_max: bool,
    /// Normalisation in the elastic objective.
    pub scale: f64,
    pub town: Option<usize>,
    pub var: Variable,
}

/// What the features see: the scenario, the demand and the model's
/// decision variables (one per candidate, in `s.candidates` order).
pub struct Ctx<'a> {
    pub s: &'a Scenario,
    pub d: &'a PlanDemand,
    pub mode: Mode,
    pub open: Vec<Variable>,
    pub cap: Vec<Variable>,
    pub nursing: Vec<Variable>,
    pub land: Vec<Variable>,
    pub eco: Vec<Option<Variable>>,
    pub constraints: Vec<Constraint>,
    pub slacks: Vec<Slack>,
    has_centre: Option<Vec<Variable>>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(s: &'a Scenario, d: &'a PlanDemand, mode: Mode) -> Self {
        Ctx {
            s,
            d,
            mode,
            open: vec![],
            cap: vec![],
            nursing: vec![],
            land: vec![],
            eco: vec![],
            constraints: vec![],
            slacks: vec![],
            has_centre: None,
        }
    }

    fn slack_var(&mut self, vars: &mut ProblemVariables) -> Variable {
        let i = self.slacks.len();
        match &self.mode {
            Mode::Hard => vars.add(variable().min(0.0).max(0.0)),
            Mode::Elastic => vars.add(variable().min(0.0)),
            Mode::Bounded(b) => vars.add(variable().min(0.0).max(b.get(i).copied().unwrap_or(0.0))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        vars: &mut ProblemVariables,
        key: &str,
        norm: Option<&Norm>,
        meaning: String,
        unit: &str,
        lhs: Expression,
        rhs: Expression,
        is_max: bool,
        town: Option<usize>,
    ) {
        let sv = self.slack_var(vars);
        let required = rhs.clone().constant();
        let c = if is_max { constraint!(lhs - sv <= rhs.clone()) } else { constraint!(lhs + sv >= rhs.clone()) };
        self.constraints.push(c);
        self.slacks.push(Slack {
            key: key.to_string(),
            meaning,
            source: norm.map(|n| n.source.clone()).unwrap_or_else(|| "demand (Monte Carlo)".into()),
            unit: unit.to_string(),
            required,
            rhs,
            is_max,
            scale: required.abs().max(1.0),
            town,
            var: sv,
        });
    }

    /// The elastic objective: every slack relative to what it is short of.
    pub(super) fn normalised_slack_sum(&self) -> Expression {
        self.slacks.iter().map(|s| s.var * (1.0 / s.scale)).sum()
    }

    /// A family's demand, town by town: served ≥ demand − unmet.
    pub(super) fn family_demand(
        &mut self,
        vars: &mut ProblemVariables,
        f: Family,
        towns: Vec<(usize, Expression, f64)>,
        radius: Option<f64>,
    ) {
        let n = &self.s.config.norms;
        let (key, norm, what) = match f {
            Family::Beds => ("bed_demand", None, "institutional beds for the town's demand".to_string()),
            Family::Places => (
                "centralised_care_min_share",
                n.centralised_care_min_share.as_ref(),
                "centralised-care places for the town's disabled 特困 persons".to_string(),
            ),
            Family::Halls => ("funeral_hall_demand", None, "funeral halls for the town's deaths".to_string()),
            Family::Plots => {
                ("grave_plot_demand", None, "grave and eco-burial plots for the town's burials".to_string())
            }
        };
        let what = match radius {
            Some(r) => format!("{what}, within {r} min"),
            None => what,
        };
        for (i, served, demand) in towns {
            let name = &self.s.towns[i].name;
            self.add(vars, key, norm, format!("{what} ({name})"), f.key(), served, demand.into(), false, Some(i));
        }
    }

    fn existing_sum(&self, kinds: &[FacilityType], f: impl Fn(&crate::scenario::Facility) -> f64) -> f64 {
        self.s.facilities.iter().filter(|x| kinds.contains(&x.kind)).map(f).sum()
    }

    fn cand_sum(&self, kinds: &[FacilityType], v: &[Variable]) -> Expression {
        self.s
            .candidates
            .iter()
            .zip(v)
            .filter(|(c, _)| kinds.contains(&c.kind))
            .map(|(_, x)| Expression::from(*x))
            .sum()
    }

    /// All beds (existing + new), as the bed norms count them.
    fn total_beds(&self) -> Expression {
        let kinds = bed_kinds();
        self.cand_sum(&kinds, &self.cap.clone()) + self.existing_sum(&kinds, |f| f.beds)
    }

    /// `has_centre[t]`: town t has a 镇街 centre (new, located existing, or
    /// one of the existing centres whose town the plan does not name).
    fn has_centre(&mut self, vars: &mut ProblemVariables) -> Vec<Variable> {
        if let Some(h) = &self.has_centre {
            return h.clone();
        }
        let s = self.s;
        let unlocated: f64 = s
            .facilities
            .iter()
            .filter(|f| f.kind == FacilityType::ElderlyCentre && f.town_code.is_none())
            .map(|f| f.count as f64)
            .sum();
        let mut h = Vec::new();
        let mut u_sum = Expression::default();
        for town in &s.towns {
            let located = s
                .facilities
                .iter()
                .any(|f| f.kind == FacilityType::ElderlyCentre && f.town_code.as_deref() == Some(town.code.as_str()));
            let ht = vars.add(variable().binary());
            if !located {
                let u = vars.add(variable().binary());
                u_sum += u;
                let opened: Expression = s
                    .candidates
                    .iter()
                    .zip(&self.open)
                    .filter(|(c, _)| c.kind == FacilityType::ElderlyCentre && c.town_code == town.code)
                    .map(|(_, o)| Expression::from(*o))
                    .sum();
                self.constraints.push(constraint!(ht <= opened + u));
            }
            h.push(ht);
        }
        self.constraints.push(constraint!(u_sum <= unlocated));
        self.has_centre = Some(h.clone());
        h
    }
}

fn bed_kinds() -> [FacilityType; 3] {
    [FacilityType::ElderlyCentre, FacilityType::CareInstitution, FacilityType::DisabledCareCentre]
}

/// Elderly-service land ≥ norm × residents (county-wide).
fn elderly_land(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.elderly_land_m2_per_resident.clone() else { return };
    let kinds: Vec<FacilityType> = FacilityType::ALL.into_iter().filter(|k| k.is_elderly_land()).collect();
    let lhs = ctx.cand_sum(&kinds, &ctx.land.clone()) + ctx.existing_sum(&kinds, |f| f.land_m2);
    let rhs = n.value * PlanDemand::total(&ctx.d.residents);
    let what = format!("elderly-service land ≥ {} m² × residents", n.value);
    ctx.add(vars, "elderly_land_m2_per_resident", Some(&n), what, "m2", lhs, rhs.into(), false, None);
}

/// With `per_street`: in every 街道, the elderly-service land
/// located there (existing facilities with a town, plus candidates in the
/// town) ≥ norm × the town's residents. Existing land whose town the plan
/// does not give cannot be placed in a street, so it does not count here.
fn elderly_land_per_street(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.elderly_land_m2_per_resident.clone().filter(|n| n.per_street) else { return };
    let s = ctx.s;
    for (t, town) in s.towns.iter().enumerate() {
        if town.kind != crate::scenario::TownKind::Street {
            continue;
        }
        let planned: Expression = s
            .candidates
            .iter()
            .zip(&ctx.land)
            .filter(|(c, _)| c.kind.is_elderly_land() && c.town_code == town.code)
            .map(|(_, l)| Expression::from(*l))
            .sum();
        let existing: f64 = s
            .facilities
            .iter()
            .filter(|f| f.kind.is_elderly_land() && f.town_code.as_deref() == Some(town.code.as_str()))
            .map(|f| f.land_m2)
            .sum();
        let rhs = n.value * ctx.d.residents[t];
        let what = format!("elderly-service land in {} ≥ {} m² × its residents", town.name, n.value);
        ctx.add(
            vars,
            "elderly_land_m2_per_resident_street",
            Some(&n),
            what,
            "m2",
            planned + existing,
            rhs.into(),
            false,
            Some(t),
        );
    }
}

/// Nursing beds ≥ share × all beds.
fn nursing_share(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.nursing_bed_min_share.clone() else { return };
    let kinds = bed_kinds();
    let lhs = ctx.cand_sum(&kinds, &ctx.nursing.clone()) + ctx.existing_sum(&kinds, |f| f.nursing_beds);
    let rhs = n.value * ctx.total_beds();
    let what = format!("nursing beds ≥ {:.0}% of all beds", n.value * 100.0);
    ctx.add(vars, "nursing_bed_min_share", Some(&n), what, "beds", lhs, rhs, false, None);
}

/// With `per_site`: at every planned site with beds, nursing beds ≥ share ×
/// the beds the plan adds there. Always satisfiable (nursing ≤ beds, share ≤
/// 1), so a plain constraint, not a norm that can fall short.
fn nursing_share_per_site(ctx: &mut Ctx, _vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.nursing_bed_min_share.clone().filter(|n| n.per_site) else { return };
    for (j, c) in ctx.s.candidates.iter().enumerate() {
        if c.kind == FacilityType::ElderlyCentre || c.kind == FacilityType::CareInstitution {
            let (nu, k) = (ctx.nursing[j], ctx.cap[j]);
            ctx.constraints.push(constraint!(nu >= n.value * k));
        }
    }
}

/// Beds ≥ norm per 1,000 residents aged 60+.
fn beds_per_1000(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.beds_per_1000_elderly_min.clone() else { return };
    let rhs = n.value * PlanDemand::total(&ctx.d.aged60) / 1000.0;
    let what = format!("beds ≥ {} per 1,000 residents aged 60+", n.value);
    let lhs = ctx.total_beds();
    ctx.add(vars, "beds_per_1000_elderly_min", Some(&n), what, "beds", lhs, rhs.into(), false, None);
}

/// Total beds ≥ a number.
fn total_beds(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.total_beds_min.clone() else { return };
    let lhs = ctx.total_beds();
    ctx.add(
        vars,
        "total_beds_min",
        Some(&n),
        "total institutional beds".into(),
        "beds",
        lhs,
        n.value.into(),
        false,
        None,
    );
}

/// Government-run beds ≤ share × all beds. New beds are planned as socially
/// run (公建民营 or private), as the plans direct, so only the existing
/// government-run beds count on the left.
fn government_share(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.government_bed_share_max.clone() else { return };
    let gov: f64 = ctx
        .s
        .facilities
        .iter()
        .filter(|f| f.kind.has_beds() && f.operator == Operator::Government)
        .map(|f| f.beds)
        .sum();
    let rhs = n.value * ctx.total_beds();
    let what = format!("government-run beds ≤ {:.0}% of all beds (new beds socially run)", n.value * 100.0);
    ctx.add(vars, "government_bed_share_max", Some(&n), what, "beds", gov.into(), rhs, true, None);
}

/// 镇街 with a comprehensive centre ≥ share × all 镇街.
fn centre_coverage(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.centre_coverage_min_share.clone() else { return };
    let h = ctx.has_centre(vars);
    let lhs: Expression = h.iter().map(|v| Expression::from(*v)).sum();
    let required = (n.value * ctx.s.towns.len() as f64 - 1e-9).ceil();
    let what = format!("镇街 with a comprehensive centre ≥ {:.0}% of {}", n.value * 100.0, ctx.s.towns.len());
    ctx.add(vars, "centre_coverage_min_share", Some(&n), what, "镇街", lhs, required.into(), false, None);
}

/// Every resident within the service radius of a 镇街 centre.
fn service_radius(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.service_radius_min.clone() else { return };
    let h = ctx.has_centre(vars);
    let tt = TravelTimes::from_scenario(ctx.s);
    let mut lhs = Expression::default();
    for i in 0..ctx.s.towns.len() {
        let cov = vars.add(variable().binary());
        let reach: Expression =
            (0..ctx.s.towns.len()).filter(|&t| tt.get(i, t) <= n.value + 1e-9).map(|t| Expression::from(h[t])).sum();
        ctx.constraints.push(constraint!(cov <= reach));
        lhs += ctx.d.residents[i] * cov;
    }
    let total = PlanDemand::total(&ctx.d.residents);
    let what = format!("residents within {} min of a 镇街 centre", n.value);
    ctx.add(vars, "service_radius_min", Some(&n), what, "residents", lhs, total.into(), false, None);
}

/// A minimum number of facilities of one type (existing + opened).
fn count_min(
    ctx: &mut Ctx,
    vars: &mut ProblemVariables,
    key: &str,
    n: Option<Norm>,
    kinds: &[FacilityType],
    what: &str,
) {
    let Some(n) = n else { return };
    let existing: f64 = ctx.s.facilities.iter().filter(|f| kinds.contains(&f.kind)).map(|f| f.count as f64).sum();
    let opened: Expression = ctx
        .s
        .candidates
        .iter()
        .zip(&ctx.open)
        .filter(|(c, _)| kinds.contains(&c.kind) && c.expands.is_none())
        .map(|(_, o)| Expression::from(*o))
        .sum();
    ctx.add(
        vars,
        key,
        Some(&n),
        format!("{what} ≥ {}", n.value),
        "facilities",
        opened + existing,
        n.value.into(),
        false,
        None,
    );
}

/// Eco-burial plots ≥ a number.
fn eco_plots(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let Some(n) = ctx.s.config.norms.eco_burial_plots_min.clone() else { return };
    let new: Expression = ctx.eco.iter().flatten().map(|v| Expression::from(*v)).sum();
    let existing: f64 = ctx.s.facilities.iter().map(|f| f.eco_plots).sum();
    let what = format!("eco-burial plots ≥ {}", n.value);
    ctx.add(vars, "eco_burial_plots_min", Some(&n), what, "plots", new + existing, n.value.into(), false, None);
}

/// Every norm feature of the model, in report order.
pub(super) fn add_all(ctx: &mut Ctx, vars: &mut ProblemVariables) {
    let n = ctx.s.config.norms.clone();
    elderly_land(ctx, vars);
    elderly_land_per_street(ctx, vars);
    nursing_share(ctx, vars);
    nursing_share_per_site(ctx, vars);
    beds_per_1000(ctx, vars);
    total_beds(ctx, vars);
    government_share(ctx, vars);
    centre_coverage(ctx, vars);
    service_radius(ctx, vars);
    count_min(
        ctx,
        vars,
        "disabled_care_centres_min",
        n.disabled_care_centres_min,
        &[FacilityType::DisabledCareCentre],
        "concentrated care centres for disabled 特困 persons",
    );
    count_min(
        ctx,
        vars,
        "funeral_stations_min",
        n.funeral_stations_min,
        &[FacilityType::FuneralStation],
        "funeral service stations",
    );
    count_min(
        ctx,
        vars,
        "public_cemeteries_min",
        n.public_cemeteries_min,
        &[FacilityType::Cemetery],
        "public-welfare cemeteries",
    );
    eco_plots(ctx, vars);
}
