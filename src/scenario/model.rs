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
    /// Net migration per resident per year at profile 1, urban towns.
    pub urban_rate: Param,
    /// Net migration per resident per year at profile 1, rural towns.
    pub rural_rate: Param,
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

/// The county's norms, each from its plan (or a province default, marked).
/// Every norm is optional: a plan that is silent leaves it out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Norms {
    /// Elderly-service land per resident, m².
    pub elderly_land_m2_per_resident: Option<Norm>,
    /// Minimum nursing beds / all institutional beds.
    pub nursing_bed_min_share: Option<Norm>,
    /// Minimum institutional beds per 1,000 residents aged 60+.
    pub beds_per_1000_elderly_min: Option<Norm>,
    /// Minimum total institutional beds in the county.
    pub total_beds_min: Option<Norm>,
    /// Centralised places / disabled 特困 persons (of the willing if `basis = "willing"`).
    pub centralised_care_min_share: Option<Norm>,
    /// Share of 镇街 with a comprehensive elderly-care centre.
    pub centre_coverage_min_share: Option<Norm>,
    /// Minimum number of concentrated care centres for disabled 特困 persons.
    pub disabled_care_centres_min: Option<Norm>,
    /// Maximum government-run share of beds.
    pub government_bed_share_max: Option<Norm>,
    /// Minimum number of funeral service stations.
    pub funeral_stations_min: Option<Norm>,
    /// Minimum number of public-welfare cemeteries (rural + urban).
    pub public_cemeteries_min: Option<Norm>,
    /// Minimum eco-burial plots.
    pub eco_burial_plots_min: Option<Norm>,
    /// Service radius of community/town tiers, minutes of travel.
    pub service_radius_min: Option<Norm>,
    /// Travel limit to a regional centre (disabled-care centre), minutes.
    pub regional_radius_min: Option<Norm>,
    /// Travel limit to a funeral service station, minutes.
    pub funeral_radius_min: Option<Norm>,
    /// Travel limit to a public cemetery, minutes.
    pub cemetery_radius_min: Option<Norm>,
    /// Target cremation rate.
    pub cremation_rate_min: Option<Norm>,
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
    /// For centralised care: "all" disabled 特困 persons or the "willing" ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// The year the plan sets it for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    /// Nursing-bed share only: hold it at every planned site with beds too,
    /// not only county-wide.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_site: bool,
    /// Elderly-service land only: hold it in every 街道 (town kind street) too,
    /// from the land of the facilities located there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_street: bool,
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
    pub fixed_yuan: BTreeMap<String, f64>,
    /// Annualisation: discount rate and life of the asset.
    pub discount_rate: f64,
    pub lifetime_years: f64,
    /// Weight of one person-minute of travel per year, yuan.
    pub travel_yuan_per_person_minute: f64,
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
/// total not covered by the other towns (1) in proportion to `residents_2010`
/// (the 2010 census) where every such town has one, else (2) by town class:
/// `population.urban_residents_2020` less the known urban towns, evenly over
/// the urban-class towns, the rest evenly over the rural ones, else (3)
/// evenly over all of them; and sets `residents_derived`. Coordinates may be
/// empty where no public source gives them: such a town is reachable only
/// from itself unless the travel matrix says otherwise.
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
    /// A project the plan names: must open.
    #[serde(deserialize_with = "csvfield::false_if_empty")]
    pub committed: bool,
    pub source: String,
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
