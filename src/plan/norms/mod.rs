//! The norm registry: every norm civplan knows, one file each. A norm file
//! says what its `[norms]` key means, what its value is (a share, a count,
//! minutes …), which options it takes, and which [`Row`]s it adds in a
//! period. The model enforces those rows, the report evaluates the same rows
//! on the solved plan (compliance.csv, plan.json, the terminal summary), and
//! `describe` evaluates them on today's stock. A new norm is one file here
//! and one line in [`REGISTRY`].

pub mod beds_per_1000;
pub mod cemetery_radius;
pub mod centralised_care;
pub mod centre_coverage;
pub mod count;
pub mod cremation_rate;
pub mod disabled_care_centres;
pub mod eco_plots;
pub mod elderly_land;
pub mod elderly_land_per_street;
pub mod funeral_radius;
pub mod funeral_stations;
pub mod government_share;
pub mod limit;
pub mod nursing_share;
pub mod nursing_share_per_site;
pub mod public_cemeteries;
pub mod regional_radius;
pub mod service_radius;
pub mod total_beds;

use super::demand::PlanDemand;
use super::rows::Row;
use crate::limits::Unit;
use crate::scenario::{Basis, Norm, PopulationBase, Scenario};

/// Options a norm entry may carry beside `value` and `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormOption {
    /// `basis = "all" | "willing"`.
    Basis,
    /// `base = "resident" | "registered"`.
    Base,
    /// `per_site = true`.
    PerSite,
    /// `per_street = true`.
    PerStreet,
}

impl NormOption {
    pub fn key(self) -> &'static str {
        match self {
            NormOption::Basis => "basis",
            NormOption::Base => "base",
            NormOption::PerSite => "per_site",
            NormOption::PerStreet => "per_street",
        }
    }

    /// The option's value as written, when it is set.
    fn written(self, n: &Norm) -> Option<String> {
        match self {
            NormOption::Basis => n.basis.map(|b| format!("\"{}\"", if b == Basis::All { "all" } else { "willing" })),
            NormOption::Base => (n.base != PopulationBase::Resident).then(|| "\"registered\"".to_string()),
            NormOption::PerSite => n.per_site.then(|| "true".to_string()),
            NormOption::PerStreet => n.per_street.then(|| "true".to_string()),
        }
    }
}

/// What a norm sees when it writes its rows for one period.
pub struct NormCtx<'a> {
    pub s: &'a Scenario,
    pub norm: &'a Norm,
    /// The norm's value in this period.
    pub value: f64,
    /// The period's town demand.
    pub d: &'a PlanDemand,
}

impl NormCtx<'_> {
    /// Residents on the norm's population base.
    pub fn residents(&self) -> f64 {
        PlanDemand::total(&self.d.residents) * self.base_factor()
    }

    /// Residents aged 60+ on the norm's population base.
    pub fn aged60(&self) -> f64 {
        PlanDemand::total(&self.d.aged60) * self.base_factor()
    }

    /// 1 for residents; for the registered base, the plan's registered
    /// figure over the census residents of the base year, held constant.
    fn base_factor(&self) -> f64 {
        match self.norm.base {
            PopulationBase::Resident => 1.0,
            PopulationBase::Registered => self.s.registered_ratio_aged60().unwrap_or(1.0),
        }
    }
}

/// One norm.
pub trait NormDef: Sync {
    /// The `[norms]` key it reads.
    fn key(&self) -> &'static str;
    /// The key of its rows in reports (several definitions may read one
    /// entry: the per-site nursing share reads `nursing_bed_min_share`).
    fn row_key(&self) -> &'static str {
        self.key()
    }
    /// The norm in words.
    fn meaning(&self) -> &'static str;
    /// The unit of its `value` (and targets): their range, and whole
    /// numbers for counts of facilities.
    fn unit(&self) -> Unit;
    /// Options beside value and source it takes.
    fn options(&self) -> &'static [NormOption] {
        &[]
    }
    /// Whether this definition applies to the entry (a per-site row only
    /// with `per_site = true`).
    fn applies(&self, _n: &Norm) -> bool {
        true
    }
    /// Its rows in one period.
    fn rows(&self, cx: &NormCtx) -> Vec<Row>;
}

/// Every norm, in report order.
pub static REGISTRY: &[&dyn NormDef] = &[
    &elderly_land::ElderlyLand,
    &elderly_land_per_street::ElderlyLandPerStreet,
    &nursing_share::NursingShare,
    &nursing_share_per_site::NursingSharePerSite,
    &beds_per_1000::BedsPer1000,
    &total_beds::TotalBeds,
    &government_share::GovernmentShare,
    &centralised_care::CentralisedCare,
    &centre_coverage::CentreCoverage,
    &service_radius::ServiceRadius,
    &disabled_care_centres::DisabledCareCentres,
    &funeral_stations::FuneralStations,
    &public_cemeteries::PublicCemeteries,
    &eco_plots::EcoPlots,
    &regional_radius::RegionalRadius,
    &funeral_radius::FuneralRadius,
    &cemetery_radius::CemeteryRadius,
    &cremation_rate::CremationRate,
];

/// The definitions reading one `[norms]` key.
pub fn defs(key: &str) -> impl Iterator<Item = &'static dyn NormDef> + '_ {
    REGISTRY.iter().copied().filter(move |d| d.key() == key)
}

/// Every `[norms]` key civplan knows, each once, in registry order.
pub fn keys() -> Vec<&'static str> {
    let mut k: Vec<&'static str> = REGISTRY.iter().map(|d| d.key()).collect();
    k.dedup();
    k
}

/// The first year a norm is set for when its entry names none: the plan's
/// first target year.
pub fn default_year(s: &Scenario) -> u32 {
    s.config.meta.target_years.first().copied().unwrap_or(s.config.meta.base_year)
}

/// Every row of every norm that holds in a period whose demand is `d`
/// (the period ending in `d.year`).
pub fn rows(s: &Scenario, d: &PlanDemand) -> Vec<Row> {
    let first = default_year(s);
    let mut out = Vec::new();
    for def in REGISTRY {
        let Some(norm) = s.config.norms.get(def.key()) else { continue };
        if !def.applies(norm) {
            continue;
        }
        let Some(value) = norm.value_at(d.year, first) else { continue };
        out.extend(def.rows(&NormCtx { s, norm, value, d }));
    }
    out
}

/// Check every `[norms]` entry against the registry: a known key, a value of
/// the right kind, options the norm takes, targets by year. `push(path,
/// value, expected)` reports one problem.
pub fn validate(s_norms: &crate::scenario::Norms, mut push: impl FnMut(String, String, String)) {
    for (key, n) in s_norms.iter() {
        let defs: Vec<&dyn NormDef> = defs(key).collect();
        let Some(first) = defs.first() else {
            push(format!("norms.{key}"), String::new(), format!("a known norm: one of {}", keys().join(", ")));
            continue;
        };
        let mut values = vec![(format!("norms.{key}.value"), n.value)];
        values.extend(n.targets.iter().map(|(y, v)| (format!("norms.{key}.targets.{y}"), *v)));
        for (path, v) in values {
            let unit = first.unit();
            let bad = match crate::limits::check(unit, v) {
                Err(e) => Some(e),
                Ok(()) if unit == Unit::Facilities && v.fract() != 0.0 => Some("a whole number >= 0".into()),
                Ok(()) => None,
            };
            if let Some(expected) = bad {
                push(path, v.to_string(), expected);
            }
        }
        for y in n.targets.keys() {
            if !y.trim().parse::<u32>().is_ok_and(|y| (1990..=2100).contains(&y)) {
                push(
                    format!("norms.{key}.targets"),
                    format!("\"{y}\""),
                    "years as keys, e.g. targets = { \"2022\" = 0.5 }".into(),
                );
            }
        }
        if n.source.trim().is_empty() {
            push(
                format!("norms.{key}.source"),
                "\"\"".into(),
                "where the norm comes from (plan file and line, or the province default)".into(),
            );
        }
        for opt in [NormOption::Basis, NormOption::Base, NormOption::PerSite, NormOption::PerStreet] {
            let Some(written) = opt.written(n) else { continue };
            if !defs.iter().any(|d| d.options().contains(&opt)) {
                let mut takers: Vec<&str> =
                    REGISTRY.iter().filter(|d| d.options().contains(&opt)).map(|d| d.key()).collect();
                takers.dedup();
                push(
                    format!("norms.{key}.{}", opt.key()),
                    written,
                    format!("{} only on {}", opt.key(), takers.join(", ")),
                );
            }
        }
    }
}

/// The `[norms]` entry a row key comes from (None: a demand row).
pub fn entry_of(row_key: &str) -> Option<&'static str> {
    REGISTRY.iter().find(|d| d.row_key() == row_key).map(|d| d.key())
}
