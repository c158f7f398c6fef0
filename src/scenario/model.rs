//! The scenario as data: what `scenario.toml` and its CSV tables hold once
//! read. Field names carry their units (`_m2`, `_km`, `_share`, `_per_1000`,
//! `_yuan`, `_min`).

use super::param::Param;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario: one county, its towns, its people, its norms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub config: Config,
    pub towns: Vec<Town>,
    pub age_structure: Vec<AgeGroup>,
    pub facilities: Vec<Facility>,
    pub candidates: Vec<Candidate>,
    /// Optional travel-time overrides, minutes, keyed (from town code, to town code).
    pub travel_matrix: Vec<TravelTime>,
    /// Optional tabulated mortality (qx by sex and single year of age).
    pub mortality_table: Vec<MortalityRow>,
    /// Optional tabulated fertility (ASFR by single year of age).
    pub fertility_table: Vec<FertilityRow>,
    /// Optional 2010 census age table of the county (same groups and format
    /// as `age_structure`): with it, net migration is fitted to the two
    /// censuses and `civplan backtest` can run.
    #[serde(default)]
    pub census_2010: Vec<AgeGroup>,
    /// Every `ASSUMPTION` stated in the scenario's comments and source cells
    /// (saved as `inputs/assumptions.csv`).
    #[serde(skip)]
    pub assumptions: Vec<super::assumptions::Assumption>,
}

/// `scenario.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub meta: Meta,
    #[serde(default)]
    pub files: Files,
    pub population: Population,
    pub demography: Demography,
    pub demand: DemandParams,
    pub norms: Norms,
    pub costs: Costs,
    pub travel: Travel,
    /// Periods, budgets and the demand quantile of `civplan plan`.
    #[serde(default)]
    pub plan: PlanSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// County name in Chinese, e.g. 潼南区.
    pub name: String,
    /// Pinyin, e.g. Tongnan; also the output folder name in lower case.
    pub name_pinyin: String,
    pub province: String,
    /// Title of the plan the norms come from.
    pub plan_title: String,
    /// File name of the plan under shared/seeds.
    pub plan_file: String,
    /// Document number, e.g. 潼南府办发〔2022〕36号.
    pub plan_document: String,
    pub base_year: u32,
    pub target_years: Vec<u32>,
    /// Monte Carlo draws for `simulate`.
    pub draws: usize,
    pub seed: u64,
}

/// CSV tables next to scenario.toml. Paths are relative to the scenario folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Files {
    pub towns: String,
    pub age_structure: String,
    pub facilities: String,
    pub candidates: String,
    pub travel_matrix: Option<String>,
    pub mortality_table: Option<String>,
    pub fertility_table: Option<String>,
    /// The county's 2010 census age table (`age_from,age_to,male,female`
    /// with optional `code,total,source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub census_2010: Option<String>,
}

impl Default for Files {
    fn default() -> Self {
        Self {
            towns: "towns.csv".into(),
            age_structure: "age_structure.csv".into(),
            facilities: "facilities.csv".into(),
            candidates: "candidates.csv".into(),
            travel_matrix: None,
            mortality_table: None,
            fertility_table: None,
            census_2010: None,
        }
    }
}

/// How `age_structure.csv` relates to the county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeScope {
    /// Counts for this county: they must sum to the towns' residents.
    County,
    /// A reference shape (e.g. the province): rescaled to the county's
    /// census shares and town totals.
    Reference,
}

/// County-level 2020 census figures that shape the age structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub age_structure_scope: AgeScope,
    /// County 2020 residents from the census bulletin (checked against towns.csv).
    pub residents_2020: u64,
    /// County shares from the census bulletin; used to rescale a reference shape.
    pub aged0_14_share: Option<f64>,
    pub aged60_share: Option<f64>,
    pub aged65_share: Option<f64>,
    /// Males per 100 females, county census.
    pub sex_ratio: Option<f64>,
    /// County urban (城镇) residents, census. When towns lack both 2020 and
    /// 2010 figures, the county total is split by it: urban residents among
    /// the urban-class towns, the rest among the rural ones (see [`Town`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urban_residents_2020: Option<u64>,
    /// Relative tolerance when age_structure counts are checked against towns.
    #[serde(default = "default_tolerance")]
    pub sum_tolerance_share: f64,
    /// Census county code of 2020 (6 digits): the `code` of every row of
    /// `age_structure.csv` and the prefix of every town code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub census_code_2020: Option<String>,
    /// Census county code of 2010, the `code` of every row of the 2010 table
    /// (differs where the county was re-coded, e.g. 潼南县 500223 → 潼南区 500152).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub census_code_2010: Option<String>,
    /// 2010 census residents (the 2010 table must sum to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residents_2010: Option<u64>,
    /// 2010 census urban (城镇) residents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urban_residents_2010: Option<u64>,
    /// 2010 census registered population (户籍人口): data only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_residents_2010: Option<u64>,
    /// Registered (户籍) persons aged 60+ at the end of 2020, from the plan:
    /// data for norms that count registered elderly (see
    /// [`Scenario::registered_ratio_aged60`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_aged60_2020: Option<u64>,
    /// 2010 census crude birth rate, births per 1,000 residents (closes the
    /// youngest cohorts when migration is fitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crude_birth_rate_2010_per_1000: Option<f64>,
    /// 2010 census crude death rate, deaths per 1,000 residents (checks the
    /// mortality level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crude_death_rate_2010_per_1000: Option<f64>,
    /// 2020 census rural (乡村) residents: with `urban_residents_2020` it
    /// calibrates the village-unit rule of [`Town`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rural_residents_2020: Option<u64>,
}

fn default_tolerance() -> f64 {
    0.005
}

/// Mortality, fertility and migration, with their uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demography {
    pub mortality: Mortality,
    pub fertility: Fertility,
    pub migration: Migration,
    /// Males per 100 females at birth.
    pub sex_ratio_at_birth: Param,
    /// Deaths and migrants drawn as binomial/Poisson counts around their
    /// expectations (small-number noise).
    #[serde(default = "yes")]
    pub count_noise: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mortality {
    /// Life expectancy at birth, 2020, years.
    pub e0_male_years: f64,
    pub e0_female_years: f64,
    /// Infant death probability q0 (per birth), used by the parametric schedule.
    pub infant_q0_male: f64,
    pub infant_q0_female: f64,
    /// Gompertz slope of adult mortality (per year of age).
    pub gompertz_slope: f64,
    /// Lee–Carter drift: mean annual decline of log mortality (0.015 = 1.5 %/yr).
    pub improvement_rate: Param,
    /// Lee–Carter random-walk volatility of k(t) per year.
    pub improvement_volatility: f64,
    /// Relative gap between the model's 2010 crude death rate and the
    /// census one beyond which the gap counts as large and (unless
    /// `cdr_adjust = false`) the schedule's level is scaled to match
    /// (needs the 2010 table and `population.crude_death_rate_2010_per_1000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdr_tolerance_share: Option<f64>,
    /// Whether a gap beyond `cdr_tolerance_share` scales the level (default
    /// true); false reports the gap only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdr_adjust: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fertility {
    /// Long-run mean total fertility rate.
    pub tfr: Param,
    /// Mean reversion of the TFR path per year (0 = random walk, 1 = i.i.d.).
    pub tfr_reversion: f64,
    /// Year-to-year volatility of the TFR path.
    pub tfr_volatility: f64,
    /// Relative age schedule of fertility by five-year group 15–19 … 45–49
    /// (7 numbers; normalised). Ignored when a fertility table is given.
    pub age_schedule: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// Net migration per resident per year at profile 1, urban towns (only
    /// without a 2010 census table; with one the rates are fitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urban_rate: Option<Param>,
    /// Net migration per resident per year at profile 1, rural towns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rural_rate: Option<Param>,
    /// Multiplier of the census-fitted rates, drawn once per draw (with a
    /// 2010 census table; 1 if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted_scale: Option<Param>,
    /// No net migration is fitted at this age (at mid-decade) and over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_migration_from_age: Option<u32>,
    /// Relative intensity by five-year age group 0–4 … 95–99, 100+ (21 numbers).
    pub age_profile: Vec<f64>,
}

/// Population → service demand, with uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandParams {
    /// Disability (失能, incl. partly disabled) prevalence by age group of the
    /// elderly: 60–64, 65–69, 70–74, 75–79, 80–84, 85+ (6 parameters).
    pub disability_prevalence: Vec<Param>,
    /// Share of disabled elderly who need an institutional (nursing) bed.
    pub disabled_institutional_share: Param,
    /// Share of non-disabled 60+ who take an institutional bed.
    pub able_institutional_share: Param,
    /// 特困 persons per resident.
    pub tekun_per_resident: Param,
    /// Share of 特困 persons who are disabled.
    pub tekun_disabled_share: Param,
    /// Share of disabled 特困 persons willing to be cared for centrally.
    pub tekun_willing_share: Param,
    /// Cremation rate in the base year and in the last target year (linear between).
    pub cremation_rate_base: Param,
    pub cremation_rate_final: Param,
    /// Share of cremated remains buried by eco-burial (节地生态安葬), base and final.
    pub eco_burial_share_base: Param,
    pub eco_burial_share_final: Param,
    /// Share of deaths whose funeral uses a funeral service station.
    pub funeral_station_use_share: Param,
    /// Funeral services one hall can give per year.
    pub services_per_hall_per_year: f64,
    /// Cemetery land per ordinary grave plot, m² (incl. paths and greening).
    pub grave_plot_m2: f64,
    /// Land per eco-burial plot, m².
    pub eco_plot_m2: f64,
    /// Share of deaths buried in a public-welfare cemetery (vs commercial or elsewhere).
    pub public_cemetery_share: Param,
}

/// The county's norms, each from its plan (or a province default, marked),
/// by key. Every norm is optional: a plan that is silent leaves it out. The
/// keys, their meaning and validation are the planning model's norm registry
/// (`crate::plan::norms`), one file per norm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Norms(pub BTreeMap<String, Norm>);

impl Norms {
    pub fn get(&self, key: &str) -> Option<&Norm> {
        self.0.get(key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Norm> {
        self.0.get_mut(key)
    }

    /// Every norm that is set, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Norm)> {
        self.0.iter().map(|(k, n)| (k.as_str(), n))
    }
}

/// Which disabled 特困 persons the centralised-care norm counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Every disabled 特困 person.
    #[default]
    All,
    /// Only those willing to be cared for centrally (有意愿的).
    Willing,
}

/// Which population a per-person norm counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PopulationBase {
    /// Census residents (常住人口), as projected.
    #[default]
    Resident,
    /// Registered persons (户籍人口): the resident projection scaled by the
    /// plan's own registered figure for the base year.
    Registered,
}

/// One norm: a value and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Norm {
    pub value: f64,
    /// Where it comes from: plan file and line, with the quote.
    pub source: String,
    /// 约束性 (binding) or 预期性 (expected) in the plan; civplan enforces both
    /// but reports the kind.
    #[serde(default)]
    pub binding: bool,
    /// The plan is silent and a province-level default applies.
    #[serde(default)]
    pub province_default: bool,
    /// For centralised care: all disabled 特困 persons or the willing ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// For per-person norms: resident (default) or registered population.
    #[serde(default, skip_serializing_if = "is_default")]
    pub base: PopulationBase,
    /// The year the plan sets `value` for (default: the first target year).
    /// The norm holds in every period ending in or after its first year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    /// Other years' values (interim targets, or later ones), by year: a
    /// period uses the value of the latest year at or before its end.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, f64>,
    /// Nursing-bed share only: hold it at every planned site with beds too,
    /// not only county-wide.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_site: bool,
    /// Elderly-service land only: hold it in every 街道 (town kind street) too,
    /// from the land of the facilities located there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_street: bool,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

impl Norm {
    /// The norm's values by year: `value` at its year (or `default_year`),
    /// and every entry of `targets` (whose keys parse as years; the loader
    /// checks them).
    pub fn schedule(&self, default_year: u32) -> Vec<(u32, f64)> {
        let mut v: Vec<(u32, f64)> = vec![(self.year.unwrap_or(default_year), self.value)];
        v.extend(self.targets.iter().filter_map(|(y, x)| y.trim().parse().ok().map(|y| (y, *x))));
        v.sort_by_key(|p| p.0);
        v.dedup_by_key(|p| p.0);
        v
    }

    /// The value that holds in a period ending in `end_year`: that of the
    /// latest year at or before it; None before the norm's first year.
    pub fn value_at(&self, end_year: u32, default_year: u32) -> Option<f64> {
        self.schedule(default_year).into_iter().take_while(|(y, _)| *y <= end_year).last().map(|(_, v)| v)
    }
}

/// Build and land costs (yuan); assumptions unless cited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    pub bed_yuan: f64,
    /// Extra for making a bed a nursing bed (equipment, fit-out).
    pub nursing_bed_extra_yuan: f64,
    pub land_urban_yuan_per_m2: f64,
    pub land_rural_yuan_per_m2: f64,
    pub grave_plot_yuan: f64,
    pub hall_yuan: f64,
    /// Fixed cost of opening a facility, by facility type.
    pub fixed_yuan: BTreeMap<FacilityType, f64>,
    /// Annualisation: discount rate and life of the asset.
    pub discount_rate: f64,
    pub lifetime_years: f64,
    /// Weight of one person-minute of travel per year, yuan.
    pub travel_yuan_per_person_minute: f64,
    /// Converting an existing bed into a nursing bed (护理型床位改造).
    #[serde(default)]
    pub convert_bed_yuan: f64,
    /// Handing one government-run bed to social operation (公建民营):
    /// tendering and contracts.
    #[serde(default)]
    pub transfer_bed_yuan: f64,
    /// Closing or merging one existing facility (撤并): moving its residents.
    #[serde(default)]
    pub close_facility_yuan: f64,
    /// Yearly running costs (optional): what closing saves and deferring a
    /// build postpones.
    #[serde(default)]
    pub operating: OperatingCosts,
}

/// Yearly running costs of facilities, yuan per year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct OperatingCosts {
    /// Per bed or centralised-care place.
    pub bed_yuan_per_year: f64,
    pub hall_yuan_per_year: f64,
    pub plot_yuan_per_year: f64,
    /// Per facility, by type (staff, utilities that do not scale with size).
    pub facility_yuan_per_year: BTreeMap<FacilityType, f64>,
}

/// `[plan]`: how `civplan plan` splits the horizon and spends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlanSettings {
    /// Planning periods as `"2021-2025"`, consecutive from the year after the
    /// base year. Empty: one period ending at each target year.
    pub periods: Vec<YearSpan>,
    /// Quantile of each town's demand across draws that the plan must serve.
    pub quantile: f64,
    /// Capital that may be spent in a period, 万元, by period label; a period
    /// without an entry is not capped.
    pub budget_wan: BTreeMap<String, f64>,
    /// Years from the end of a build's period until it serves, by type.
    pub lead_time_years: BTreeMap<FacilityType, u32>,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings { periods: vec![], quantile: 0.9, budget_wan: BTreeMap::new(), lead_time_years: BTreeMap::new() }
    }
}

/// A span of whole years, written `"2021-2025"` (or `"2025"` for one year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearSpan {
    pub from: u32,
    pub to: u32,
}

impl YearSpan {
    pub fn label(&self) -> String {
        if self.from == self.to {
            self.from.to_string()
        } else {
            format!("{}-{}", self.from, self.to)
        }
    }

    pub fn years(&self) -> u32 {
        self.to + 1 - self.from
    }
}

impl std::fmt::Display for YearSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl std::str::FromStr for YearSpan {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let year = |x: &str| x.trim().parse::<u32>().map_err(|_| format!("a period like \"2021-2025\", not {t:?}"));
        let (from, to) = match t.split_once('-') {
            Some((a, b)) => (year(a)?, year(b)?),
            None => (year(t)?, year(t)?),
        };
        if to < from {
            return Err(format!("a period whose last year is not before its first (got {t:?})"));
        }
        Ok(YearSpan { from, to })
    }
}

impl Serialize for YearSpan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for YearSpan {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// Travel-time model when no matrix is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Travel {
    /// Road distance / straight-line distance.
    pub detour_factor: f64,
    pub speed_kmh: f64,
    /// Minutes from a town's population to its own seat (intra-town access).
    pub intra_town_min: f64,
}

/// Kinds of 镇/乡/街道.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum TownKind {
    Street,
    Town,
    Township,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum TownClass {
    Urban,
    Rural,
}

/// One row of `towns.csv`.
///
/// Where the 2020 census figure of a town is not published, `residents_2020`
/// may be left empty: the loader then splits the part of the county's 2020
/// total not covered by the other towns, and sets `residents_derived`, by
/// the first rule whose data every such town has:
/// 1. its `residents_2010` (the 2010 census shares);
/// 2. its village-level units: weight = a × `resident_committees` + b ×
///    `village_committees`, where a = census urban (城镇) residents ÷ the
///    county's 居委会 and b = census rural (乡村) residents ÷ its 村委会
///    (`population.urban_residents_2020`, `rural_residents_2020`), i.e. a
///    居委会 carries the county's urban residents per unit and a 村委会 its
///    rural ones;
/// 3. by town class: `population.urban_residents_2020` less the known urban
///    towns, evenly over the urban-class towns, the rest evenly over the
///    rural ones;
/// 4. evenly.
///
/// Coordinates may be empty where no public source gives them: such a town
/// is reachable only from itself unless the travel matrix says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Town {
    pub code: String,
    pub name: String,
    pub kind: TownKind,
    #[serde(deserialize_with = "csvfield::zero_u64_if_empty")]
    pub residents_2020: u64,
    /// 2010 census residents, the basis of the split when 2020 is missing.
    #[serde(default)]
    pub residents_2010: Option<u64>,
    /// True when residents_2020 was derived by the 2010-share rule.
    #[serde(default)]
    pub residents_derived: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub aged60_share: Option<f64>,
    pub aged65_share: Option<f64>,
    pub class: TownClass,
    pub source: String,
    /// 居委会/社区 in the town (NBS code list), for the village-unit rule.
    #[serde(default)]
    pub resident_committees: Option<u32>,
    /// 村委会 in the town.
    #[serde(default)]
    pub village_committees: Option<u32>,
}

/// One row of `age_structure.csv`: a five-year (or single-year) group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeGroup {
    pub age_from: u32,
    /// Last age of the group; empty for the open group (e.g. 100+).
    pub age_to: Option<u32>,
    pub male: f64,
    pub female: f64,
    /// Census county code of the table (checked against the scenario's mapping).
    #[serde(default)]
    pub code: Option<String>,
    /// The table's published total (every row the same; the rows must sum to it).
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default)]
    pub source: Option<String>,
}

/// Facility types civplan plans. A new type is one variant here plus its
/// row in [`FacilityType::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacilityType {
    /// 镇街养老服务中心 (comprehensive centre, may hold beds).
    ElderlyCentre,
    /// 养老机构 incl. 敬老院: institutional beds.
    CareInstitution,
    /// 村(社区)养老服务站.
    CommunityStation,
    /// 失能特困人员集中照护中心.
    DisabledCareCentre,
    /// 殡仪馆.
    FuneralHome,
    /// 殡仪服务站 / 集中治丧服务点.
    FuneralStation,
    /// 公益性公墓 (urban or rural).
    Cemetery,
}

impl FacilityType {
    pub const ALL: [FacilityType; 7] = [
        FacilityType::ElderlyCentre,
        FacilityType::CareInstitution,
        FacilityType::CommunityStation,
        FacilityType::DisabledCareCentre,
        FacilityType::FuneralHome,
        FacilityType::FuneralStation,
        FacilityType::Cemetery,
    ];

    pub fn key(self) -> &'static str {
        match self {
            FacilityType::ElderlyCentre => "elderly_centre",
            FacilityType::CareInstitution => "care_institution",
            FacilityType::CommunityStation => "community_station",
            FacilityType::DisabledCareCentre => "disabled_care_centre",
            FacilityType::FuneralHome => "funeral_home",
            FacilityType::FuneralStation => "funeral_station",
            FacilityType::Cemetery => "cemetery",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            FacilityType::ElderlyCentre => "镇街养老服务中心",
            FacilityType::CareInstitution => "养老机构",
            FacilityType::CommunityStation => "村(社区)养老服务站",
            FacilityType::DisabledCareCentre => "失能特困人员集中照护中心",
            FacilityType::FuneralHome => "殡仪馆",
            FacilityType::FuneralStation => "殡仪服务站",
            FacilityType::Cemetery => "公益性公墓",
        }
    }

    /// Types whose beds count as institutional elderly-care beds.
    pub fn has_beds(self) -> bool {
        matches!(self, FacilityType::ElderlyCentre | FacilityType::CareInstitution | FacilityType::DisabledCareCentre)
    }

    /// Types whose land counts as elderly-service land (the 0.2 m² norm).
    pub fn is_elderly_land(self) -> bool {
        self.has_beds() || self == FacilityType::CommunityStation
    }
}

/// Who runs a facility (for the government-run bed-share cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// 公办 and run by government.
    Government,
    /// 公建民营: public-built, privately run (counts as socially run).
    PublicPrivate,
    /// 社会办.
    Private,
    /// Not known.
    Unknown,
}

impl Operator {
    pub fn key(self) -> &'static str {
        match self {
            Operator::Government => "government",
            Operator::PublicPrivate => "public_private",
            Operator::Private => "private",
            Operator::Unknown => "unknown",
        }
    }
}

/// One row of `facilities.csv`: an existing facility, or an aggregate of
/// `count` facilities whose town is not known (town_code empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FacilityType,
    pub name: String,
    /// Empty: county-wide stock whose location the plan does not give.
    pub town_code: Option<String>,
    #[serde(deserialize_with = "csvfield::one_if_empty")]
    pub count: u32,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub beds: f64,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub nursing_beds: f64,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub land_m2: f64,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub grave_plots: f64,
    /// Eco-burial (节地生态安葬) plots, counted apart from ordinary graves.
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub eco_plots: f64,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub halls: f64,
    pub operator: Operator,
    pub source: String,
    /// Beds that may be converted into nursing beds (empty: every bed that
    /// is not one yet; 0: none).
    #[serde(default)]
    pub convertible_beds: Option<f64>,
    /// Government-run beds that may be handed to social operation (empty:
    /// all beds of a government-run facility; 0: none).
    #[serde(default)]
    pub transferable_beds: Option<f64>,
    /// Whether the plan may close or merge it (撤并); empty: see
    /// [`CloseRule::default_for`].
    #[serde(default)]
    pub close: Option<CloseRule>,
    /// With `close = committed`: how many of the row's `count` facilities
    /// close (empty: all of them).
    #[serde(default)]
    pub close_units: Option<u32>,
    /// With `close = committed`: the period it closes in (empty: the first).
    #[serde(default)]
    pub period: Option<YearSpan>,
}

/// Whether an existing facility may close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseRule {
    /// Locked open: the plan keeps it.
    Keep,
    /// The model may close or merge it, its residents served elsewhere.
    Allowed,
    /// The plan closes it (`close_units` of its `count`).
    Committed,
}

impl CloseRule {
    pub fn key(self) -> &'static str {
        match self {
            CloseRule::Keep => "keep",
            CloseRule::Allowed => "allowed",
            CloseRule::Committed => "committed",
        }
    }

    /// When the column is empty: care facilities and funeral stations may
    /// close; funeral homes, cemeteries (whose graves stay) and community
    /// stations are kept.
    pub fn default_for(kind: FacilityType) -> CloseRule {
        match kind {
            FacilityType::ElderlyCentre
            | FacilityType::CareInstitution
            | FacilityType::DisabledCareCentre
            | FacilityType::FuneralStation => CloseRule::Allowed,
            FacilityType::FuneralHome | FacilityType::Cemetery | FacilityType::CommunityStation => CloseRule::Keep,
        }
    }
}

impl Facility {
    pub fn close_rule(&self) -> CloseRule {
        self.close.unwrap_or_else(|| CloseRule::default_for(self.kind))
    }
}

/// One row of `candidates.csv`: a place where a facility of `type` may be
/// built or an existing one expanded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FacilityType,
    pub name: String,
    pub town_code: String,
    /// Existing facility this candidate expands (empty for a new build).
    pub expands: Option<String>,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub max_beds: f64,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub max_land_m2: f64,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub max_plots: f64,
    #[serde(deserialize_with = "csvfield::zero_if_empty")]
    pub max_halls: f64,
    /// Overrides the type's fixed cost in `[costs.fixed_yuan]`.
    pub fixed_yuan: Option<f64>,
    /// A project the plan names: must open (one site of its option group).
    #[serde(deserialize_with = "csvfield::false_if_empty")]
    pub committed: bool,
    pub source: String,
    /// Alternative sites (or designs) of one project share a group: at most
    /// one is built, exactly one when the project is committed.
    #[serde(default)]
    pub option_group: Option<String>,
    /// Sizes it may be built at, in its family's unit (beds, places, halls,
    /// plots): `60`, `30;60;100`, `20..100` or `20..100/10`. Empty: any whole
    /// number from 1 to its maximum.
    #[serde(default)]
    pub sizes: Option<Sizes>,
    /// The project's total investment as the plan states it, 万元: charged
    /// instead of the unit-cost formula (one size only).
    #[serde(default)]
    pub capital_wan: Option<f64>,
    /// The period it may be built in (a committed project: is built in);
    /// empty: any period (a committed project: the first).
    #[serde(default)]
    pub period: Option<YearSpan>,
    /// 资金来源, as the plan gives it.
    #[serde(default)]
    pub funding: Option<String>,
}

impl Candidate {
    /// The column holding the candidate's capacity in its type's unit, and
    /// its value: plots for a cemetery, halls for funeral sites, land for a
    /// community station, else beds.
    pub fn capacity_column(&self) -> (&'static str, f64) {
        match self.kind {
            FacilityType::Cemetery => ("max_plots", self.max_plots),
            FacilityType::FuneralStation | FacilityType::FuneralHome => ("max_halls", self.max_halls),
            FacilityType::CommunityStation => ("max_land_m2", self.max_land_m2),
            _ => ("max_beds", self.max_beds),
        }
    }
}

/// The sizes a candidate may be built at, in whole units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sizes {
    /// Module sizes, ascending, each once.
    List(Vec<u32>),
    /// Any `lo + k × step` up to `hi`.
    Range { lo: u32, hi: u32, step: u32 },
}

impl Sizes {
    pub fn min(&self) -> u32 {
        match self {
            Sizes::List(v) => v[0],
            Sizes::Range { lo, .. } => *lo,
        }
    }

    pub fn max(&self) -> u32 {
        match self {
            Sizes::List(v) => *v.last().expect("a size list is never empty"),
            Sizes::Range { lo, hi, step } => lo + (hi - lo) / step * step,
        }
    }

    /// The one size, when there is exactly one.
    pub fn single(&self) -> Option<u32> {
        (self.min() == self.max()).then(|| self.min())
    }
}

impl std::fmt::Display for Sizes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Sizes::List(v) => {
                let parts: Vec<String> = v.iter().map(u32::to_string).collect();
                f.write_str(&parts.join(";"))
            }
            Sizes::Range { lo, hi, step: 1 } => write!(f, "{lo}..{hi}"),
            Sizes::Range { lo, hi, step } => write!(f, "{lo}..{hi}/{step}"),
        }
    }
}

impl std::str::FromStr for Sizes {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bad = || format!("sizes as `60`, `30;60;100`, `20..100` or `20..100/10` (whole numbers >= 1), not {t:?}");
        let whole = |x: &str| x.trim().parse::<u32>().ok().filter(|&v| v >= 1).ok_or_else(bad);
        if let Some((lo, rest)) = t.split_once("..") {
            let (hi, step) = match rest.split_once('/') {
                Some((h, st)) => (whole(h)?, whole(st)?),
                None => (whole(rest)?, 1),
            };
            let lo = whole(lo)?;
            if hi < lo {
                return Err(bad());
            }
            return Ok(Sizes::Range { lo, hi, step });
        }
        let mut v: Vec<u32> = t.split(';').map(whole).collect::<Result<_, _>>()?;
        v.sort_unstable();
        v.dedup();
        Ok(Sizes::List(v))
    }
}

impl Serialize for Sizes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sizes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// One row of the optional travel-time matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TravelTime {
    pub from_code: String,
    pub to_code: String,
    pub minutes: f64,
}

/// One row of the optional mortality table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MortalityRow {
    pub age: u32,
    pub qx_male: f64,
    pub qx_female: f64,
}

/// One row of the optional fertility table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FertilityRow {
    pub age: u32,
    pub asfr: f64,
}

impl Scenario {
    /// Town index by code.
    pub fn town_index(&self, code: &str) -> Option<usize> {
        self.towns.iter().position(|t| t.code == code)
    }

    /// Sum of the towns' 2020 residents.
    pub fn residents_2020(&self) -> u64 {
        self.towns.iter().map(|t| t.residents_2020).sum()
    }

    /// County census residents aged `from`+ in 2020, from a county-scope
    /// age table whose groups start at `from` (None otherwise).
    pub fn census_aged_2020(&self, from: u32) -> Option<f64> {
        if self.config.population.age_structure_scope != AgeScope::County
            || !self.age_structure.iter().any(|g| g.age_from == from)
        {
            return None;
        }
        Some(self.age_structure.iter().filter(|g| g.age_from >= from).map(|g| g.male + g.female).sum())
    }

    /// Registered (户籍) 60+ ÷ census resident 60+ in 2020, where the plan
    /// gives the registered figure. Norms that count registered elderly scale
    /// the resident projection by it, holding the ratio constant over the
    /// projection (an ASSUMPTION: the registered and resident elderly grow
    /// alike; README, "Population base").
    pub fn registered_ratio_aged60(&self) -> Option<f64> {
        let reg = self.config.population.registered_aged60_2020? as f64;
        let resident = self
            .census_aged_2020(60)
            .or_else(|| self.config.population.aged60_share.map(|s| s * self.residents_2020() as f64))?;
        (resident > 0.0).then(|| reg / resident)
    }
}

/// CSV cells where empty means a default (0 capacity, 1 facility, false),
/// parsed by the shared cell parsers ([`crate::table::cell`]) so they give
/// the same messages, with hints, as every other cell. The reader attaches
/// the column to the errors raised here.
mod csvfield {
    use crate::table::cell;
    use serde::de::{Deserialize, Deserializer, Error};

    fn cell<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(String::deserialize(d)?.trim().to_string())
    }

    pub fn zero_if_empty<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let s = cell(d)?;
        if s.is_empty() {
            return Ok(0.0);
        }
        cell::number(&s).map_err(|e| D::Error::custom(format!("{e}; or empty for 0")))
    }

    pub fn one_if_empty<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let s = cell(d)?;
        if s.is_empty() {
            return Ok(1);
        }
        cell::integer(&s, 0, u32::MAX as i128)
            .map(|v| v as u32)
            .map_err(|e| D::Error::custom(format!("{e}; or empty for 1")))
    }

    pub fn zero_u64_if_empty<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let s = cell(d)?;
        if s.is_empty() {
            return Ok(0);
        }
        cell::integer(&s, 0, u64::MAX as i128)
            .map(|v| v as u64)
            .map_err(|e| D::Error::custom(format!("{e}; or empty to derive it")))
    }

    pub fn false_if_empty<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let s = cell(d)?;
        if s.is_empty() {
            return Ok(false);
        }
        cell::boolean(&s).map_err(|e| D::Error::custom(format!("{e}; or empty for false")))
    }
}
