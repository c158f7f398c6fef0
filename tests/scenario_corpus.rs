//! The broken-scenario corpus: each case breaks one thing in a copy of the
//! `tests/fixtures/mini` scenario and asserts the exact problem reported —
//! file, line, column, key, value and what was expected. Line and column
//! numbers were read off the fixture by hand (see the comment of each case).

use civplan::scenario::{load, ScenarioError};
use std::fs;
use std::path::{Path, PathBuf};

/// Copy the fixture to a temp dir and apply `edits` (file, old, new).
fn broken(edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mini");
    fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for e in fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    for (file, old, new) in edits {
        let p = dir.join(file);
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.contains(old), "fixture {file} lacks {old:?}");
        fs::write(&p, text.replacen(old, new, 1)).unwrap();
    }
    (tmp, dir)
}

/// Every problem as `file:line:col: key = value: expected`, with the temp
/// folder prefix removed.
fn problems(dir: &Path) -> Vec<String> {
    match load(dir) {
        Ok(_) => vec![],
        Err(ScenarioError::Invalid { problems, .. }) => {
            problems.iter().map(|p| p.to_string().replace(&format!("{}/", dir.display()), "")).collect()
        }
        Err(e) => vec![e.to_string().replace(&format!("{}/", dir.display()), "")],
    }
}

fn assert_reports(edits: &[(&str, &str, &str)], expected: &str) {
    let (_tmp, dir) = broken(edits);
    let got = problems(&dir);
    assert!(got.iter().any(|p| p == expected), "expected\n  {expected}\namong\n  {}", got.join("\n  "));
}

#[test]
fn the_fixture_itself_is_valid() {
    let (_tmp, dir) = broken(&[]);
    assert_eq!(problems(&dir), Vec::<String>::new());
}

// Each case: what is broken, and the one line a planner must see. Positions
// are (line, column in characters) of the offending text in the fixture.

#[test]
fn unknown_toml_key() {
    // Inserted above `speed_kmh`, which is line 102 of scenario.toml.
    assert_reports(
        &[("scenario.toml", "speed_kmh = 40.0", "speed_kph = 40.0\nspeed_kmh = 40.0")],
        "scenario.toml:102:1: `travel.speed_kph`: no such key (`speed_kph`; expected one of `detour_factor`, `speed_kmh`, `intra_town_min`)",
    );
}

#[test]
fn missing_toml_key() {
    // The [travel] header is line 100.
    assert_reports(
        &[("scenario.toml", "detour_factor = 1.4 ", "# detour_factor = 1.4 ")],
        "scenario.toml:100:1: `travel.detour_factor`: a value: this key is required",
    );
}

#[test]
fn wrong_toml_type() {
    // `draws = "many"`: the value starts in column 9 of line 12.
    assert_reports(
        &[("scenario.toml", "draws = 20 ", "draws = \"many\" ")],
        "scenario.toml:12:9: `meta.draws` = \"many\": string \"many\", expected usize",
    );
}

#[test]
fn norm_share_above_one() {
    assert_reports(
        &[("scenario.toml", "value = 0.60,", "value = 1.6,")],
        "scenario.toml:71:35: `norms.nursing_bed_min_share.value` = 1.6: a share in [0, 1]",
    );
}

#[test]
fn negative_speed() {
    assert_reports(
        &[("scenario.toml", "speed_kmh = 40.0", "speed_kmh = -40.0")],
        "scenario.toml:102:13: `travel.speed_kmh` = -40: a finite number > 0",
    );
}

#[test]
fn impossible_beta_prevalence() {
    // First item of `disability_prevalence`, line 47: `  { dist = "beta", mean = 1.06, ...`
    // — the mean's value starts in column 27.
    assert_reports(
        &[("scenario.toml", "mean = 0.06, sd = 0.015", "mean = 1.06, sd = 0.015")],
        "scenario.toml:47:27: `demand.disability_prevalence.0.mean` = 1.06: a beta mean in [0, 1]",
    );
}

#[test]
fn toml_syntax_error() {
    assert_reports(
        &[("scenario.toml", "name = \"测试县\"", "name = \"测试县")],
        "scenario.toml:4:12: `(syntax)`: valid TOML: invalid basic string, expected `\"`",
    );
}

#[test]
fn target_year_before_base_year() {
    assert_reports(
        &[("scenario.toml", "target_years = [2025, 2030, 2035]", "target_years = [2015, 2030]")],
        "scenario.toml:11:17: `meta.target_years.0` = 2015: a year after the base year 2020 and at most 50 years later",
    );
}

#[test]
fn missing_csv_column() {
    let (_t, dir) = broken(&[("towns.csv", ",class,", ",klass,")]);
    // Exactly the two header problems: nothing cascades from the unread table.
    assert_eq!(
        problems(&dir),
        vec![
            "towns.csv:1:1: `class`: a `class` column (required; header has: code,name,kind,residents_2020,lat,lon,aged60_share,aged65_share,klass,source)",
            "towns.csv:1:65: `klass`: a known column: one of code, name, kind, residents_2020, lat, lon, class, source, aged60_share, aged65_share, residents_2010, residents_derived",
        ]
    );
}

#[test]
fn duplicate_town_code() {
    assert_reports(
        &[("towns.csv", "500000102000,丙镇", "500000101000,丙镇")],
        "towns.csv:4:1: `code` = 500000101000: a unique town code (already used on line 3)",
    );
}

#[test]
fn swapped_coordinates() {
    // 乙镇 is line 3; lat starts at character 27.
    let (_t, dir) = broken(&[("towns.csv", "30.1000,106.1000", "106.1000,30.1000")]);
    assert_eq!(
        problems(&dir),
        vec![
            "towns.csv:3:27: `lat` = 106.1: a latitude inside China (18..54 °N); lat/lon swapped?",
            "towns.csv:3:36: `lon` = 30.1: a longitude inside China (73..135.5 °E); lat/lon swapped?",
        ]
    );
}

#[test]
fn non_finite_land() {
    assert_reports(
        &[("facilities.csv", "2400,,,,government", "NaN,,,,government")],
        "facilities.csv:3:48: `land_m2` = NaN: an area in m² in [0, 1e10]",
    );
}

#[test]
fn town_share_above_one() {
    assert_reports(&[("towns.csv", "0.30,0.24", "3.0,0.24")], "towns.csv:3:44: `aged60_share` = 3: a share in [0, 1]");
}

#[test]
fn aged65_above_aged60() {
    assert_reports(
        &[("towns.csv", "0.20,0.15", "0.20,0.25")],
        "towns.csv:2:53: `aged65_share` = 0.25: at most aged60_share (0.2)",
    );
}

#[test]
fn facility_in_unknown_town() {
    assert_reports(
        &[(
            "facilities.csv",
            "F2,care_institution,乙镇敬老院,500000101000",
            "F2,care_institution,乙镇敬老院,500000199000",
        )],
        "facilities.csv:3:27: `town_code` = 500000199000: a town code from towns.csv (or empty for county-wide stock)",
    );
}

#[test]
fn candidate_in_unknown_town() {
    assert_reports(
        &[(
            "candidates.csv",
            "C2,elderly_centre,丙镇养老服务中心,500000102000",
            "C2,elderly_centre,丙镇养老服务中心,500000109000",
        )],
        "candidates.csv:3:28: `town_code` = 500000109000: a town code from towns.csv",
    );
}

#[test]
fn candidate_expands_unknown_facility() {
    assert_reports(
        &[("candidates.csv", "500000101000,F2", "500000101000,F9")],
        "candidates.csv:4:46: `expands` = F9: the id of an existing facility in facilities.csv",
    );
}

#[test]
fn age_structure_not_summing_to_towns() {
    // 2,000 instead of 2,400 males aged 0–14: 29,600 against 30,000 (tolerance 0.5% = 150).
    assert_reports(
        &[("age_structure.csv", "0,14,2400", "0,14,2000")],
        "age_structure.csv:1: `male+female` = sum 29600: the towns' residents (30000) within 0.5% (age_structure_scope = \"county\")",
    );
}

#[test]
fn towns_not_summing_to_county_total() {
    assert_reports(
        &[("scenario.toml", "residents_2020 = 30000", "residents_2020 = 40000")],
        "towns.csv:1: `residents_2020` = sum 30000: towns summing to population.residents_2020 = 40000 within 0.5% (off by -10000)",
    );
}

#[test]
fn unknown_town_kind() {
    assert_reports(
        &[("towns.csv", "乙镇,town", "乙镇,village")],
        // Line 3 `500000101000,乙镇,village,…`: 12 digits, a comma, two characters, a comma → column 17.
        "towns.csv:3:17: `kind` = \"village\": one of `street`, `town`, `township`",
    );
}

#[test]
fn unknown_facility_type() {
    assert_reports(
        &[("facilities.csv", "F4,cemetery", "F4,graveyard")],
        // Line 5 `F4,graveyard,…`: the type starts in column 4.
        "facilities.csv:5:4: `type` = \"graveyard\": one of `elderly_centre`, `care_institution`, `community_station`, `disabled_care_centre`, `funeral_home`, `funeral_station`, `cemetery`",
    );
}

#[test]
fn more_nursing_beds_than_beds() {
    assert_reports(
        &[("facilities.csv", "1,50,30,2000", "1,50,60,2000")],
        "facilities.csv:2:47: `nursing_beds` = 60: at most beds (50)",
    );
}

#[test]
fn missing_file() {
    let (_t, dir) = broken(&[]);
    fs::remove_file(dir.join("candidates.csv")).unwrap();
    let got = problems(&dir);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("candidates.csv: `(file)`: a readable file ("), "{}", got[0]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let (_t, dir) = broken(&[
        ("scenario.toml", "speed_kmh = 40.0", "speed_kmh = -40.0"),
        ("towns.csv", "0.30,0.24", "3.0,0.24"),
        ("facilities.csv", "1,50,30,2000", "1,50,60,2000"),
    ]);
    let got = problems(&dir);
    assert_eq!(got.len(), 3, "{got:#?}");
}

#[test]
fn per_site_on_a_norm_that_has_no_sites() {
    // Line 72 is government_bed_share_max; `per_site = true` is inserted after
    // `value = 0.30, ` so its value starts in column 55.
    assert_reports(
        &[(
            "scenario.toml",
            "government_bed_share_max = { value = 0.30, ",
            "government_bed_share_max = { value = 0.30, per_site = true, ",
        )],
        "scenario.toml:72:55: `norms.government_bed_share_max.per_site` = true: per_site only on nursing_bed_min_share",
    );
}
