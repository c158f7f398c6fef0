//! Read and validate inputs: a scenario folder holds `scenario.toml` and the
//! CSV tables it names. [`load`] returns a checked [`Scenario`] or every
//! problem found, each with file, line, key, value and what was expected.

mod error;
mod load;
mod model;
mod param;
mod validate;
mod write;

pub use error::{line_col, Problem, ScenarioError};
pub use model::*;
pub use param::Param;
pub use write::save;

use load::{read_config, read_csv, resolve, Source};
use std::path::Path;

/// Column sets of each CSV table: (required, optional).
pub const TOWN_COLUMNS: (&[&str], &[&str]) = (
    &["code", "name", "kind", "residents_2020", "lat", "lon", "class", "source"],
    &["aged60_share", "aged65_share"],
);
pub const AGE_COLUMNS: (&[&str], &[&str]) = (&["age_from", "age_to", "male", "female"], &[]);
pub const FACILITY_COLUMNS: (&[&str], &[&str]) = (
    &[
        "id", "type", "name", "town_code", "count", "beds", "nursing_beds", "land_m2", "grave_plots", "halls",
        "operator", "source",
    ],
    &[],
);
pub const CANDIDATE_COLUMNS: (&[&str], &[&str]) = (
    &[
        "id", "type", "name", "town_code", "expands", "max_beds", "max_land_m2", "max_plots", "max_halls",
        "fixed_yuan", "committed", "source",
    ],
    &[],
);
pub const TRAVEL_COLUMNS: (&[&str], &[&str]) = (&["from_code", "to_code", "minutes"], &[]);
pub const MORTALITY_COLUMNS: (&[&str], &[&str]) = (&["age", "qx_male", "qx_female"], &[]);
pub const FERTILITY_COLUMNS: (&[&str], &[&str]) = (&["age", "asfr"], &[]);

/// Load and validate the scenario in `path` (a folder, or its scenario.toml).
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let (dir, toml_path) = resolve(path)?;
    let mut problems = Vec::new();
    let invalid = |problems| ScenarioError::Invalid {
        dir: dir.clone(),
        problems,
    };
    let Some(toml_src) = Source::read(&toml_path, &mut problems) else {
        return Err(invalid(problems));
    };
    let config = read_config(&toml_src, &mut problems);
    // Without a readable config we still check the default CSV names, so a
    // user sees every problem at once.
    let files = config.as_ref().map(|c| c.files.clone()).unwrap_or_default();

    type Cols = (&'static [&'static str], &'static [&'static str]);
    let table = |name: &str, cols: Cols, problems: &mut Vec<Problem>| {
        Source::read(&dir.join(name), problems).map(|src| (src, cols))
    };
    let towns_src = table(&files.towns, TOWN_COLUMNS, &mut problems);
    let towns = towns_src
        .as_ref()
        .map(|(s, c)| read_csv::<Town>(s, c.0, c.1, &mut problems));
    let ages_src = table(&files.age_structure, AGE_COLUMNS, &mut problems);
    let ages = ages_src
        .as_ref()
        .map(|(s, c)| read_csv::<AgeGroup>(s, c.0, c.1, &mut problems));
    let fac_src = table(&files.facilities, FACILITY_COLUMNS, &mut problems);
    let facilities = fac_src
        .as_ref()
        .map(|(s, c)| read_csv::<Facility>(s, c.0, c.1, &mut problems));
    let cand_src = table(&files.candidates, CANDIDATE_COLUMNS, &mut problems);
    let candidates = cand_src
        .as_ref()
        .map(|(s, c)| read_csv::<Candidate>(s, c.0, c.1, &mut problems));
    let optional = |name: &Option<String>, cols: Cols, problems: &mut Vec<Problem>| {
        name.as_ref().and_then(|n| table(n, cols, problems))
    };
    let travel_src = optional(&files.travel_matrix, TRAVEL_COLUMNS, &mut problems);
    let travel = travel_src
        .as_ref()
        .map(|(s, c)| read_csv::<TravelTime>(s, c.0, c.1, &mut problems));
    let mort_src = optional(&files.mortality_table, MORTALITY_COLUMNS, &mut problems);
    let mortality = mort_src
        .as_ref()
        .map(|(s, c)| read_csv::<MortalityRow>(s, c.0, c.1, &mut problems));
    let fert_src = optional(&files.fertility_table, FERTILITY_COLUMNS, &mut problems);
    let fertility = fert_src
        .as_ref()
        .map(|(s, c)| read_csv::<FertilityRow>(s, c.0, c.1, &mut problems));

    let mut v = validate::Validator { problems: &mut problems };
    if let Some(cfg) = &config {
        v.config(&toml_src, cfg);
    }
    if let (Some((src, _)), Some(rows)) = (&towns_src, &towns) {
        v.towns(src, rows, config.as_ref());
    }
    let town_codes: Vec<String> = towns
        .as_ref()
        .map(|r| r.rows.iter().map(|(_, t)| t.code.clone()).collect())
        .unwrap_or_default();
    if let (Some((src, _)), Some(rows)) = (&ages_src, &ages) {
        let total: u64 = towns
            .as_ref()
            .map(|r| r.rows.iter().map(|(_, t)| t.residents_2020).sum())
            .unwrap_or(0);
        v.ages(src, rows, config.as_ref(), total);
    }
    if let (Some((src, _)), Some(rows)) = (&fac_src, &facilities) {
        v.facilities(src, rows, &town_codes);
    }
    if let (Some((src, _)), Some(rows)) = (&cand_src, &candidates) {
        v.candidates(src, rows, &town_codes, facilities.as_ref());
    }
    if let (Some((src, _)), Some(rows)) = (&travel_src, &travel) {
        v.travel(src, rows, &town_codes);
    }
    if let (Some((src, _)), Some(rows)) = (&mort_src, &mortality) {
        v.mortality(src, rows);
    }
    if let (Some((src, _)), Some(rows)) = (&fert_src, &fertility) {
        v.fertility(src, rows);
    }

    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(Scenario {
        config: config.expect("no problems means the config parsed"),
        towns: into_vec(towns),
        age_structure: into_vec(ages),
        facilities: into_vec(facilities),
        candidates: into_vec(candidates),
        travel_matrix: into_vec(travel),
        mortality_table: into_vec(mortality),
        fertility_table: into_vec(fertility),
    })
}

fn into_vec<T>(rows: Option<load::Rows<T>>) -> Vec<T> {
    rows.map(|r| r.rows.into_iter().map(|(_, x)| x).collect())
        .unwrap_or_default()
}
