//! The report's view model: plain data for each section, filled by
//! [`super::load`] from a results folder. The HTML, GeoJSON and xlsx writers
//! read only these structs, never the files, so a change of output format
//! lands in the loader alone.

use crate::scenario::assumptions::Assumption;

/// Everything a county report shows.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    pub county: County,
    /// County totals by metric and year (county.csv).
    pub series: Vec<Series>,
    /// Where each county figure comes from: (metric, base year, projection years).
    pub provenance: Vec<(String, Provenance, Provenance)>,
    /// County population by sex and age group (pyramid.csv), when written.
    pub pyramid: Option<Pyramid>,
    pub towns: Vec<Town>,
    /// Existing facilities and planned sites (sites.csv).
    pub sites: Vec<Site>,
    /// Each town's demand at the sites serving it: in a phased plan, those of
    /// its last period (the layout the plan arrives at).
    pub assignments: Vec<Assignment>,
    /// The period of `assignments` (empty for a plan without periods).
    pub assignments_period: String,
    /// The 建设项目表: from projects.csv when present, else built from sites.
    pub projects: Grid,
    /// Plan periods (periods.csv), when written.
    pub periods: Vec<Period>,
    /// County-wide norms, each with its source line.
    pub compliance: Vec<Norm>,
    /// Demand that cannot be served, by town and family.
    pub unmet: Vec<Unmet>,
    /// Share of Monte Carlo draws in which each site is built (stability.csv).
    pub stability: Option<Stability>,
    /// Back-test of the projection against the 2020 census (backtest.csv).
    pub backtest: Vec<Backtest>,
    /// The scenario's stated assumptions (inputs/assumptions.csv); `None`
    /// when the folder predates the file.
    pub assumptions: Option<Vec<Assumption>>,
    pub travel: TravelModel,
    /// Travel limit in minutes by facility type key, from the norms.
    pub radius_min: Vec<(String, f64)>,
    pub reproducibility: Reproducibility,
    /// What the folder lacks, said once in the report (file name → why it matters).
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct County {
    /// Chinese name, e.g. 潼南区.
    pub name: String,
    pub pinyin: String,
    pub province: String,
    pub plan_title: String,
    pub plan_document: String,
    pub base_year: u32,
    pub target_years: Vec<u32>,
    /// The year the plan was solved for (plan.json settings), if planned.
    pub plan_year: Option<u32>,
    /// The quantile of each town's demand the plan was sized for.
    pub plan_quantile: Option<f64>,
    /// Census residents of the base year, `[population] residents_2020`.
    pub census_residents: Option<f64>,
    /// Whether the plan meets every norm (plan.json `feasible`).
    pub feasible: Option<bool>,
    /// Solver status and relative gap (plan.json).
    pub status: String,
    pub gap: Option<f64>,
}

/// Where a figure comes from, as the reader must be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// A census count.
    Census,
    /// Computed from data by a stated rule or the projection model.
    Derived,
    /// Rests on a stated assumption (e.g. an assumed prevalence).
    Assumption,
}

/// One quantity's band in one year.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Band {
    pub mean: f64,
    pub p5: f64,
    /// The 50 % band, when the file has it.
    pub p25: Option<f64>,
    pub p50: f64,
    pub p75: Option<f64>,
    pub p95: f64,
}

impl Band {
    /// A spread-free value (a census count, a fixed input).
    pub fn exact(v: f64) -> Band {
        Band { mean: v, p5: v, p25: Some(v), p50: v, p75: Some(v), p95: v }
    }
}

/// A county metric over the years.
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// The metric key of county.csv (`aged60`, `bed_demand`, …).
    pub metric: String,
    pub points: Vec<(u32, Band)>,
}

impl Series {
    pub fn at(&self, year: u32) -> Option<Band> {
        self.points.iter().find(|(y, _)| *y == year).map(|(_, b)| *b)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Pyramid {
    /// Age group labels from youngest to oldest (`0`, `1-4`, …, `85+`).
    pub groups: Vec<String>,
    /// (year, male bands by group, female bands by group).
    pub years: Vec<(u32, Vec<Band>, Vec<Band>)>,
}

#[derive(Debug, Clone, Default)]
pub struct Town {
    pub code: String,
    pub name: String,
    /// `street`, `town` or `township`.
    pub kind: String,
    pub residents_2020: f64,
    /// The 2020 figure was derived by the scenario's stated rule, not counted.
    pub residents_derived: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Plan-year medians from demand.csv.
    pub aged60: Option<f64>,
    pub aged80: Option<f64>,
    pub disabled: Option<f64>,
    pub bed_demand: Option<f64>,
    /// Beds of the existing facilities located in this town.
    pub existing_beds: f64,
    /// Beds and care places the plan adds in this town.
    pub planned_beds: f64,
    pub planned_places: f64,
    /// The sites its demand is assigned to.
    pub serving: Vec<Serving>,
}

/// One site serving a town, for one family of demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Serving {
    pub family: String,
    pub site_id: String,
    pub site_name: String,
    pub minutes: Option<f64>,
}

/// What the plan does at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    New,
    Expand,
    Convert,
    Transfer,
    Close,
    Keep,
}

impl Action {
    pub const ALL: [Action; 6] =
        [Action::New, Action::Expand, Action::Convert, Action::Transfer, Action::Close, Action::Keep];

    /// Today's `status` values and the planned `action` values alike.
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "new" => Action::New,
            "expand" | "expanded" => Action::Expand,
            "convert" | "converted" => Action::Convert,
            "transfer" | "transferred" => Action::Transfer,
            "close" | "closed" => Action::Close,
            "keep" | "kept" | "existing" => Action::Keep,
            _ => return None,
        })
    }

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

    /// 建设性质 of the 建设项目表.
    pub fn nature_zh(self) -> &'static str {
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

/// One row of sites.csv.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    /// Facility type key (`elderly_centre`, …).
    pub kind: String,
    pub name: String,
    /// Empty for county-wide stock whose town the plan does not give.
    pub town_code: String,
    pub town_name: String,
    pub action: Action,
    /// Plan period label (`2021-2025`), empty when not phased.
    pub period: String,
    pub beds: f64,
    pub nursing_beds: f64,
    pub places: f64,
    pub halls: f64,
    pub plots: f64,
    pub eco_plots: f64,
    pub land_m2: f64,
    pub capital_wan: Option<f64>,
    /// Every column of the row as written (the GeoJSON carries them all).
    pub properties: Vec<(String, String)>,
}

/// A flow of one family's demand from a town to a site.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub period: String,
    /// `beds`, `places`, `halls` or `plots`.
    pub family: String,
    pub town_code: String,
    pub town_name: String,
    pub site_id: String,
    pub amount: f64,
    /// `None` when the distance is unknown.
    pub minutes: Option<f64>,
}

/// A table shown as it is: column keys with Chinese labels, and text cells.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// (key, Chinese label).
    pub columns: Vec<(String, String)>,
    pub rows: Vec<Vec<String>>,
    /// Where the rows come from (`projects.csv`, or `sites.csv` when built).
    pub source: String,
}

/// One period of a phased plan (periods.csv).
#[derive(Debug, Clone, Default)]
pub struct Period {
    pub label: String,
    pub start_year: Option<u32>,
    pub end_year: Option<u32>,
    pub capital_wan: Option<f64>,
    pub budget_wan: Option<f64>,
    /// Beds at the end of the period, existing and planned (compliance is judged on totals).
    pub beds: Option<f64>,
    pub nursing_share: Option<f64>,
    pub norms_met: Option<f64>,
    pub norms_short: Option<f64>,
}

/// One norm of the plan against the planned provision.
#[derive(Debug, Clone, Default)]
pub struct Norm {
    pub period: String,
    pub year: Option<u32>,
    pub norm: String,
    pub meaning: String,
    /// The plan's own line (file, line, quote).
    pub source: String,
    pub binding: bool,
    pub province_default: bool,
    pub base: String,
    pub required: Option<f64>,
    pub planned: Option<f64>,
    pub unit: String,
    pub met: bool,
    pub slack: Option<f64>,
}

/// Demand that the plan cannot serve.
#[derive(Debug, Clone, Default)]
pub struct Unmet {
    pub period: String,
    pub norm: String,
    pub meaning: String,
    /// The town (or towns) where it falls short.
    pub place: String,
    pub required: Option<f64>,
    pub shortfall: Option<f64>,
    pub unit: String,
    /// `no_site_within_limit`, `no_coordinates`, `capacity_limit`; empty when the plan does not say.
    pub cause: String,
}

#[derive(Debug, Clone, Default)]
pub struct Stability {
    pub draws: Option<f64>,
    /// Period labels of the `share_<period>` columns.
    pub periods: Vec<String>,
    /// (candidate id, share of draws that build it, shares by period).
    pub sites: Vec<(String, f64, Vec<Option<f64>>)>,
}

impl Stability {
    pub fn share(&self, id: &str) -> Option<f64> {
        self.sites.iter().find(|s| s.0 == id).map(|s| s.1)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Backtest {
    pub group: String,
    pub sex: String,
    pub p5: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub census: Option<f64>,
    pub error: Option<f64>,
}

/// Minutes between towns = intra_town_min + km × detour ÷ speed × 60.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TravelModel {
    pub detour_factor: f64,
    pub speed_kmh: f64,
    pub intra_town_min: f64,
}

impl Default for TravelModel {
    fn default() -> Self {
        TravelModel { detour_factor: 1.0, speed_kmh: 1.0, intra_town_min: 0.0 }
    }
}

impl TravelModel {
    /// Straight-line radius in km reached within `minutes` (0 when the
    /// intra-town access alone takes longer).
    pub fn radius_km(&self, minutes: f64) -> f64 {
        ((minutes - self.intra_town_min) / 60.0 * self.speed_kmh / self.detour_factor).max(0.0)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Reproducibility {
    pub version: String,
    pub seed: String,
    pub draws: String,
    /// Which commands wrote the folder, with their settings (key, value).
    pub runs: Vec<(String, Vec<(String, String)>)>,
    /// The resolved scenario parameters, flattened (`demand.tfr.mode` = 1.15).
    pub parameters: Vec<(String, String)>,
}
