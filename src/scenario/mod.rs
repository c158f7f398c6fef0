//! Read and validate inputs: a scenario folder holds `scenario.toml` and the
//! CSV tables it names. [`load`] returns a checked [`Scenario`] or every
//! problem found, each with file, line, key, value and what was expected.

pub mod assumptions;
mod error;
mod load;
mod model;
mod param;
mod validate;
mod write;

pub use error::{line_col, Problem, ScenarioError};
pub use model::*;
pub use param::{Param, ParamError};
pub use write::save;

use load::{read_config, read_csv, resolve, Csv, Reader, Source};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Column sets of each CSV table: (required, optional).
pub const TOWN_COLUMNS: (&[&str], &[&str]) = (
    &["code", "name", "kind", "residents_2020", "lat", "lon", "class", "source"],
    &[
        "aged60_share",
        "aged65_share",
        "residents_2010",
        "residents_derived",
        "resident_committees",
        "village_committees",
    ],
);
pub const AGE_COLUMNS: (&[&str], &[&str]) = (&["age_from", "age_to", "male", "female"], &["code", "total", "source"]);
pub const FACILITY_COLUMNS: (&[&str], &[&str]) = (
    &[
        "id",
        "type",
        "name",
        "town_code",
        "count",
        "beds",
        "nursing_beds",
        "land_m2",
        "grave_plots",
        "eco_plots",
        "halls",
        "operator",
        "source",
    ],
    &["convertible_beds", "transferable_beds", "close", "close_units", "period"],
);
pub const CANDIDATE_COLUMNS: (&[&str], &[&str]) = (
    &[
        "id",
        "type",
        "name",
        "town_code",
        "expands",
        "max_beds",
        "max_land_m2",
        "max_plots",
        "max_halls",
        "fixed_yuan",
        "committed",
        "source",
    ],
    &["option_group", "sizes", "capital_wan", "period", "funding"],
);
pub const TRAVEL_COLUMNS: (&[&str], &[&str]) = (&["from_code", "to_code", "minutes"], &[]);
pub const MORTALITY_COLUMNS: (&[&str], &[&str]) = (&["age", "qx_male", "qx_female"], &[]);
pub const FERTILITY_COLUMNS: (&[&str], &[&str]) = (&["age", "asfr"], &[]);

/// Load and validate the scenario in `path` (a folder, or its scenario.toml).
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_edited(path, |_| Ok(None))
}

/// Load and validate the scenario in `path` with its scenario.toml text
/// first changed by `edit` (None: unchanged), as `--set` overrides do: the
/// edited text is read and validated as the file itself would be, so a bad
/// value gets the usual located problem (in the edited text).
pub fn load_edited(
    path: &Path,
    edit: impl FnOnce(&str) -> Result<Option<String>, Box<Problem>>,
) -> Result<Scenario, ScenarioError> {
    let (dir, toml_path) = resolve(path)?;
    load_with(&dir, &toml_path, &Reader::Disk, edit)
}

/// Load and validate a scenario held in memory: `files` maps each file name
/// (`scenario.toml`, `towns.csv`, …, as `[files]` names them) to its bytes.
/// Problems name the files as `dir/<name>`. The same checks as [`load`];
/// the fuzzers and tests use it.
pub fn load_from_memory(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<Scenario, ScenarioError> {
    let by_path: BTreeMap<PathBuf, Vec<u8>> = files.iter().map(|(k, v)| (dir.join(k), v.clone())).collect();
    load_with(dir, &dir.join("scenario.toml"), &Reader::Memory(&by_path), |_| Ok(None))
}

fn load_with(
    dir: &Path,
    toml_path: &Path,
    io: &Reader,
    edit: impl FnOnce(&str) -> Result<Option<String>, Box<Problem>>,
) -> Result<Scenario, ScenarioError> {
    let mut problems = Vec::new();
    let invalid = |problems| ScenarioError::Invalid { dir: dir.to_path_buf(), problems };
    let Some(mut toml_src) = Source::read(toml_path, io, &mut problems) else {
        return Err(invalid(problems));
    };
    match edit(&toml_src.text) {
        Ok(Some(text)) => toml_src.text = text.into(),
        Ok(None) => {}
        Err(p) => return Err(invalid(vec![*p])),
    }
    let config = read_config(&toml_src, &mut problems);
    // Without a readable config we still check the default CSV names, so a
    // user sees every problem at once.
    let files = config.as_ref().map(|c| c.files.clone()).unwrap_or_default();

    let before_towns = problems.len();
    let mut towns = read_csv::<Town>(&dir.join(&files.towns), io, TOWN_COLUMNS, &mut problems);
    // A towns table that did not read cleanly would make every reference to
    // a town, and every sum over towns, look wrong: check those only when
    // it read cleanly, so the report names the real fault.
    let towns_clean = towns.is_some() && problems.len() == before_towns;
    if let (Some(t), Some(cfg)) = (towns.as_mut(), config.as_ref()) {
        let p = &cfg.population;
        derive_residents(&mut t.rows, p.residents_2020, p.urban_residents_2020, p.rural_residents_2020);
    }
    let ages = read_csv::<AgeGroup>(&dir.join(&files.age_structure), io, AGE_COLUMNS, &mut problems);
    let before_facilities = problems.len();
    let facilities = read_csv::<Facility>(&dir.join(&files.facilities), io, FACILITY_COLUMNS, &mut problems);
    // As for towns: candidates' references to facilities only against a
    // facilities table that read cleanly.
    let facilities_clean = facilities.is_some() && problems.len() == before_facilities;
    let candidates = read_csv::<Candidate>(&dir.join(&files.candidates), io, CANDIDATE_COLUMNS, &mut problems);
    fn optional<T: serde::de::DeserializeOwned>(
        dir: &Path,
        name: &Option<String>,
        io: &Reader,
        cols: (&[&str], &[&str]),
        problems: &mut Vec<Problem>,
    ) -> Option<Csv<T>> {
        name.as_ref().and_then(|n| read_csv(&dir.join(n), io, cols, problems))
    }
    let travel: Option<Csv<TravelTime>> = optional(dir, &files.travel_matrix, io, TRAVEL_COLUMNS, &mut problems);
    let mortality: Option<Csv<MortalityRow>> =
        optional(dir, &files.mortality_table, io, MORTALITY_COLUMNS, &mut problems);
    let fertility: Option<Csv<FertilityRow>> =
        optional(dir, &files.fertility_table, io, FERTILITY_COLUMNS, &mut problems);
    let census_2010: Option<Csv<AgeGroup>> = optional(dir, &files.census_2010, io, AGE_COLUMNS, &mut problems);

    let mut v = validate::Validator { problems: &mut problems };
    if let Some(cfg) = &config {
        v.config(&toml_src, cfg);
    }
    if let Some(t) = &towns {
        if towns_clean || !t.rows.is_empty() {
            v.towns(t, config.as_ref().filter(|_| towns_clean));
        }
    }
    let towns = if towns_clean { towns } else { None };
    let town_codes: Vec<String> =
        towns.as_ref().map(|t| t.rows.iter().map(|(_, t)| t.code.clone()).collect()).unwrap_or_default();
    if let Some(a) = &ages {
        let total: u64 = towns
            .as_ref()
            .map(|t| t.rows.iter().fold(0u64, |s, (_, t)| s.saturating_add(t.residents_2020)))
            .unwrap_or(0);
        v.ages(a, config.as_ref(), total);
    }
    if let Some(f) = &facilities {
        v.facilities(f, &town_codes);
    }
    if let Some(c) = &candidates {
        v.candidates(c, &town_codes, facilities.as_ref().filter(|_| facilities_clean));
    }
    if let Some(t) = &travel {
        v.travel(t, &town_codes);
    }
    if let Some(m) = &mortality {
        v.mortality(m);
    }
    if let Some(f) = &fertility {
        v.fertility(f);
    }
    if let Some(cfg) = config.as_ref() {
        v.decisions(facilities.as_ref(), candidates.as_ref(), cfg);
        if let Some(a) = &ages {
            v.census_table(a, cfg, 2020, None);
        }
        if let Some(c) = &census_2010 {
            v.ages(c, None, 0);
            v.census_table(c, cfg, 2010, ages.as_ref());
        }
        v.census_config(&toml_src, cfg);
    }

    // The reasons of every ASSUMPTION, from the files as written (the
    // resolved scenario.toml that output folders keep has no comments).
    let assumptions =
        config.as_ref().map(|c| assumptions::extract(dir, &c.files, io, &mut problems)).unwrap_or_default();

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
        census_2010: into_vec(census_2010),
        assumptions,
    })
}

fn into_vec<T>(csv: Option<Csv<T>>) -> Vec<T> {
    csv.map(|c| c.rows.into_iter().map(|(_, x)| x).collect()).unwrap_or_default()
}

/// Fill empty `residents_2020` cells by the rules documented on [`Town`]:
/// 2010 shares, else village-level units weighted by the census urban and
/// rural residents per unit, else the urban/rural class split, else an even
/// split; always by largest remainder so the towns sum exactly to the county
/// total. Towns with a 2020 figure are never touched.
fn derive_residents(rows: &mut [(usize, Town)], county_total: u64, urban_total: Option<u64>, rural_total: Option<u64>) {
    // Saturating sums: the ranges are checked after this, on what the file holds.
    let known: u64 = rows.iter().fold(0u64, |s, (_, t)| s.saturating_add(t.residents_2020));
    let missing: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].1.residents_2020 == 0).collect();
    if missing.is_empty() || known >= county_total {
        return;
    }
    let remaining = county_total - known;
    let all_have_2010 = missing.iter().all(|&i| rows[i].1.residents_2010.unwrap_or(0) > 0);
    let units = village_unit_weights(rows, urban_total, rural_total);
    let groups: Vec<(u64, Vec<(usize, f64)>)> = if all_have_2010 {
        let w = missing.iter().map(|&i| (i, rows[i].1.residents_2010.unwrap_or(0) as f64)).collect();
        vec![(remaining, w)]
    } else if let Some((a, b)) = units.filter(|_| missing.iter().all(|&i| has_units(&rows[i].1))) {
        let w = missing
            .iter()
            .map(|&i| {
                let t = &rows[i].1;
                (i, a * t.resident_committees.unwrap_or(0) as f64 + b * t.village_committees.unwrap_or(0) as f64)
            })
            .collect::<Vec<_>>();
        if w.iter().all(|x| x.1 > 0.0) {
            vec![(remaining, w)]
        } else {
            vec![(remaining, missing.iter().map(|&i| (i, 1.0)).collect())]
        }
    } else {
        let of_class = |c: TownClass| -> Vec<(usize, f64)> {
            missing.iter().filter(|&&i| rows[i].1.class == c).map(|&i| (i, 1.0)).collect()
        };
        let (urban, rural) = (of_class(TownClass::Urban), of_class(TownClass::Rural));
        let known_urban: u64 = rows
            .iter()
            .filter(|(_, t)| t.class == TownClass::Urban)
            .fold(0u64, |s, (_, t)| s.saturating_add(t.residents_2020));
        match urban_total {
            Some(u) if !urban.is_empty() && !rural.is_empty() && u > known_urban && u - known_urban < remaining => {
                let urban_left = u - known_urban;
                vec![(urban_left, urban), (remaining - urban_left, rural)]
            }
            _ => vec![(remaining, missing.iter().map(|&i| (i, 1.0)).collect())],
        }
    };
    for (total, weights) in groups {
        for (i, n) in largest_remainder(total, &weights) {
            rows[i].1.residents_2020 = n;
            rows[i].1.residents_derived = true;
        }
    }
}

fn has_units(t: &Town) -> bool {
    t.resident_committees.is_some() && t.village_committees.is_some()
}

/// Persons per 居委会 (a) and per 村委会 (b): the county's census urban
/// residents over all its 居委会, its rural residents over all its 村委会.
/// None unless every town has both counts and the census split is given.
pub fn village_unit_weights(
    rows: &[(usize, Town)],
    urban_total: Option<u64>,
    rural_total: Option<u64>,
) -> Option<(f64, f64)> {
    let (u, r) = (urban_total?, rural_total?);
    if rows.is_empty() || !rows.iter().all(|(_, t)| has_units(t)) {
        return None;
    }
    let rc: u64 = rows.iter().map(|(_, t)| t.resident_committees.unwrap_or(0) as u64).sum();
    let vc: u64 = rows.iter().map(|(_, t)| t.village_committees.unwrap_or(0) as u64).sum();
    (rc > 0 && vc > 0).then(|| (u as f64 / rc as f64, r as f64 / vc as f64))
}

/// Split `total` persons over `(key, weight)` in proportion to the weights,
/// rounding by largest remainder (ties to the earlier row) so parts sum to `total`.
fn largest_remainder(total: u64, weights: &[(usize, f64)]) -> Vec<(usize, u64)> {
    let sum: f64 = weights.iter().map(|w| w.1).sum();
    let mut parts: Vec<(usize, u64, f64)> = weights
        .iter()
        .map(|&(i, w)| {
            let exact = total as f64 * w / sum;
            (i, exact.floor() as u64, exact - exact.floor())
        })
        .collect();
    let mut left = total.saturating_sub(parts.iter().fold(0u64, |s, p| s.saturating_add(p.1)));
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| parts[b].2.total_cmp(&parts[a].2).then(a.cmp(&b)));
    for k in order {
        if left == 0 {
            break;
        }
        parts[k].1 = parts[k].1.saturating_add(1);
        left -= 1;
    }
    parts.into_iter().map(|(i, n, _)| (i, n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town(r2020: u64, r2010: Option<u64>) -> (usize, Town) {
        town_of(r2020, r2010, TownClass::Rural)
    }

    fn town_of(r2020: u64, r2010: Option<u64>, class: TownClass) -> (usize, Town) {
        (
            2,
            Town {
                code: String::new(),
                name: String::new(),
                kind: TownKind::Town,
                residents_2020: r2020,
                residents_2010: r2010,
                residents_derived: false,
                lat: Some(30.0),
                lon: Some(106.0),
                aged60_share: None,
                aged65_share: None,
                class,
                source: String::new(),
                resident_committees: None,
                village_committees: None,
            },
        )
    }

    fn with_units(mut t: (usize, Town), rc: u32, vc: u32) -> (usize, Town) {
        t.1.resident_committees = Some(rc);
        t.1.village_committees = Some(vc);
        t
    }

    #[test]
    fn village_units_weighted_by_census_urban_and_rural_residents_per_unit() {
        // County 10,000: 6,000 urban, 4,000 rural. Units (居委会, 村委会):
        // A (3, 0), B (1, 4), C (0, 4): 4 and 8 in all, so a 居委会 carries
        // 6,000 / 4 = 1,500 and a 村委会 4,000 / 8 = 500 persons.
        // Weights A 4,500, B 1,500 + 2,000 = 3,500, C 2,000 (sum 10,000).
        let mut rows = vec![
            with_units(town_of(0, None, TownClass::Urban), 3, 0),
            with_units(town_of(0, None, TownClass::Rural), 1, 4),
            with_units(town_of(0, None, TownClass::Rural), 0, 4),
        ];
        assert_eq!(village_unit_weights(&rows, Some(6000), Some(4000)), Some((1500.0, 500.0)));
        derive_residents(&mut rows, 10_000, Some(6000), Some(4000));
        let v: Vec<u64> = rows.iter().map(|r| r.1.residents_2020).collect();
        assert_eq!(v, vec![4500, 3500, 2000]);
        // A published at 5,000: B and C share the other 5,000 as 3,500 : 2,000,
        // i.e. 3,181.8 and 1,818.2, rounded to 3,182 and 1,818.
        let mut rows = vec![
            with_units(town_of(5000, None, TownClass::Urban), 3, 0),
            with_units(town_of(0, None, TownClass::Rural), 1, 4),
            with_units(town_of(0, None, TownClass::Rural), 0, 4),
        ];
        derive_residents(&mut rows, 10_000, Some(6000), Some(4000));
        let v: Vec<u64> = rows.iter().map(|r| r.1.residents_2020).collect();
        assert_eq!(v, vec![5000, 3182, 1818]);
        assert!(!rows[0].1.residents_derived && rows[1].1.residents_derived);
    }

    #[test]
    fn missing_2020_figures_split_by_2010_shares() {
        // County 1,000; town A known 400; B and C share 600 as 2010's 1:2.
        let mut rows = vec![town(400, Some(999)), town(0, Some(100)), town(0, Some(200))];
        derive_residents(&mut rows, 1000, None, None);
        assert_eq!(rows[0].1.residents_2020, 400);
        assert!(!rows[0].1.residents_derived);
        assert_eq!((rows[1].1.residents_2020, rows[2].1.residents_2020), (200, 400));
        assert!(rows[1].1.residents_derived && rows[2].1.residents_derived);
    }

    #[test]
    fn largest_remainder_keeps_the_exact_total() {
        // 100 split 1:1:1 → 33.33 each; one town gets the extra person.
        let mut rows = vec![town(0, Some(1)), town(0, Some(1)), town(0, Some(1))];
        derive_residents(&mut rows, 100, None, None);
        let v: Vec<u64> = rows.iter().map(|r| r.1.residents_2020).collect();
        assert_eq!(v.iter().sum::<u64>(), 100);
        assert_eq!(v, vec![34, 33, 33]);
    }

    #[test]
    fn without_2010_figures_urban_and_rural_residents_split_by_class() {
        // County 1,000 of whom 700 urban; urban town A known at 300, so
        // urban B gets 700 − 300 = 400 and rural C, D share 1,000 − 700 = 300.
        let mut rows = vec![
            town_of(300, None, TownClass::Urban),
            town_of(0, None, TownClass::Urban),
            town_of(0, None, TownClass::Rural),
            town_of(0, None, TownClass::Rural),
        ];
        derive_residents(&mut rows, 1000, Some(700), None);
        let v: Vec<u64> = rows.iter().map(|r| r.1.residents_2020).collect();
        assert_eq!(v, vec![300, 400, 150, 150]);
    }

    #[test]
    fn without_any_basis_the_remainder_is_split_evenly() {
        let mut rows = vec![town_of(0, None, TownClass::Urban), town_of(0, None, TownClass::Rural)];
        derive_residents(&mut rows, 1001, None, None);
        assert_eq!((rows[0].1.residents_2020, rows[1].1.residents_2020), (501, 500));
    }
}
