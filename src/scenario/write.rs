//! Writing a scenario back to a folder: scenario.toml plus its CSV tables.
//! Used for the resolved inputs recorded in every output folder, and for the
//! round-trip test (written and read back, a scenario is unchanged).

use super::model::Scenario;
use super::*;
use serde::Serialize;
use std::io;
use std::path::Path;

/// Write `scenario` into `dir` using the file names of its `[files]` section.
pub fn save(scenario: &Scenario, dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let toml = toml::to_string_pretty(&scenario.config).map_err(io::Error::other)?;
    std::fs::write(dir.join("scenario.toml"), toml)?;
    let f = &scenario.config.files;
    write_csv(&dir.join(&f.towns), &scenario.towns, TOWN_COLUMNS)?;
    write_csv(&dir.join(&f.age_structure), &scenario.age_structure, AGE_COLUMNS)?;
    write_csv(&dir.join(&f.facilities), &scenario.facilities, FACILITY_COLUMNS)?;
    write_csv(&dir.join(&f.candidates), &scenario.candidates, CANDIDATE_COLUMNS)?;
    if let Some(p) = &f.travel_matrix {
        write_csv(&dir.join(p), &scenario.travel_matrix, TRAVEL_COLUMNS)?;
    }
    if let Some(p) = &f.mortality_table {
        write_csv(&dir.join(p), &scenario.mortality_table, MORTALITY_COLUMNS)?;
    }
    if let Some(p) = &f.fertility_table {
        write_csv(&dir.join(p), &scenario.fertility_table, FERTILITY_COLUMNS)?;
    }
    if let Some(p) = &f.census_2010 {
        write_csv(&dir.join(p), &scenario.census_2010, AGE_COLUMNS)?;
    }
    // The comments that state them are not in the resolved scenario.toml.
    assumptions::write(&dir.join(assumptions::ASSUMPTIONS_FILE), &scenario.assumptions)?;
    Ok(())
}

fn write_csv<T: Serialize>(path: &Path, rows: &[T], columns: (&[&str], &[&str])) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut w = csv::Writer::from_path(path)?;
    if rows.is_empty() {
        // serde writes the header with the first row; an empty table still needs one.
        w.write_record(columns.0.iter().chain(columns.1))?;
    }
    for r in rows {
        w.serialize(r).map_err(io::Error::other)?;
    }
    w.flush()
}
