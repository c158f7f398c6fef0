//! The broken-scenario corpus: each case breaks one thing in a copy of the
//! `tests/fixtures/mini` scenario, the way a user plausibly would, and
//! asserts the exact problem reported — file, line, column, key or column
//! name, value and what was expected — both from the library
//! ([`civplan::scenario::load`]) and through the binary (`civplan simulate
//! --out DIR`: exit 2, the same line on stderr, nothing written anywhere).
//!
//! Line and column numbers were counted by hand in the fixture (each case
//! says how). Edits replace distinctive text, so a column added to a table
//! later moves only the columns to its right; the line numbers of each case
//! are in its comment so they can be re-read.
//!
//! Fixture lines used below:
//! * towns.csv 2 `500000001000,甲街道,street,15000,30.0000,106.0000,0.20,0.15,urban,test`
//!   (columns: code 1, name 14, kind 18, residents_2020 25, lat 31, lon 39,
//!   aged60_share 48, aged65_share 53); line 3 `500000101000,乙镇,town,9000,
//!   30.1000,106.1000,0.30,0.24,rural,test` (kind 17, residents 22, lat 27,
//!   lon 35, aged60_share 44, aged65_share 49).
//! * facilities.csv 2 `F1,elderly_centre,甲街道养老服务中心,500000001000,1,50,30,2000,…`
//!   (count 42, beds 44, nursing_beds 47, land_m2 50); line 3
//!   `F2,care_institution,乙镇敬老院,500000101000,1,80,20,2400,…` (town_code 27,
//!   count 40, beds 42, nursing_beds 45, land_m2 48).
//! * candidates.csv 2 `C1,elderly_centre,乙镇养老服务中心,500000101000,,60,3000,,,,,test`
//!   (town_code 28, max_beds 42, fixed_yuan 52, committed 53; line 3 C2 the
//!   same layout); line 4 `C3,disabled_care_centre,乙镇敬老院升级,500000101000,F2,…`
//!   (expands 46).

mod common;

use civplan::scenario::{load, ScenarioError};
use common::snapshot;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Copy the fixture to a temp dir and apply `edits` (file, old, new).
fn broken(edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mini");
    common::copy_mini(&dir);
    for (file, old, new) in edits {
        let p = dir.join(file);
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.contains(old), "fixture {file} lacks {old:?}");
        fs::write(&p, text.replacen(old, new, 1)).unwrap();
    }
    (tmp, dir)
}

/// The fixture with one file replaced by `bytes`.
fn with_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = broken(&[]);
    fs::write(dir.join(name), bytes).unwrap();
    (tmp, dir)
}

fn fixture_text(name: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini").join(name)).unwrap()
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

/// `civplan simulate <dir> --out <tmp>/out`: exit 2, every expected line on
/// stderr (the folder prefix removed), nothing created or changed.
/// Returns stderr.
fn cli_refuses(dir: &Path, expected: &[&str]) -> String {
    let tmp = dir.parent().unwrap();
    let before = snapshot(tmp);
    let out = tmp.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_civplan"))
        .args(["simulate", dir.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).replace(&format!("{}/", dir.display()), "");
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "expected on stderr\n  {e}\nin\n{stderr}");
    }
    assert!(stderr.contains("in scenario"), "{stderr}");
    assert_eq!(snapshot(tmp), before, "the refused run changed files");
    stderr
}

/// The problem is among those reported, by the library and the binary.
fn assert_reports(edits: &[(&str, &str, &str)], expected: &str) {
    let (_tmp, dir) = broken(edits);
    assert_reported(&dir, expected);
}

fn assert_reported(dir: &Path, expected: &str) {
    let got = problems(dir);
    assert!(got.iter().any(|p| p == expected), "expected\n  {expected}\namong\n  {}", got.join("\n  "));
    cli_refuses(dir, &[expected]);
}

/// Exactly these problems, in this order.
fn assert_exactly(dir: &Path, expected: &[&str]) {
    assert_eq!(problems(dir), expected);
    cli_refuses(dir, expected);
}

#[test]
fn the_fixture_itself_is_valid() {
    let (_tmp, dir) = broken(&[]);
    assert_eq!(problems(&dir), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// scenario.toml: keys, types, syntax, ranges.

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
fn nan_speed() {
    // TOML's `nan`: line 102, value in column 13.
    assert_reports(
        &[("scenario.toml", "speed_kmh = 40.0", "speed_kmh = nan")],
        "scenario.toml:102:13: `travel.speed_kmh` = NaN: a finite number > 0",
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
fn draws_of_ten_to_the_twelve_in_the_scenario() {
    // Line 12 `draws = 1000000000000`: the value in column 9.
    assert_reports(
        &[("scenario.toml", "draws = 20 ", "draws = 1000000000000 ")],
        "scenario.toml:12:9: `meta.draws` = 1000000000000: a number of draws in [1, 1e6]",
    );
}

#[test]
fn a_huge_cost() {
    // Line 81 `bed_yuan = 1e308`: the value in column 12.
    assert_reports(
        &[("scenario.toml", "bed_yuan = 100000.0", "bed_yuan = 1e308")],
        "scenario.toml:81:12: `costs.bed_yuan` = 1e308: an amount in yuan in [0, 1e12]",
    );
}

#[test]
fn a_service_radius_of_a_million_minutes() {
    // Line 77 `service_radius_min = { value = 1e6, …`: 18 + ` = { ` + `value = ` → column 32.
    assert_reports(
        &[("scenario.toml", "service_radius_min = { value = 15,", "service_radius_min = { value = 1e6,")],
        "scenario.toml:77:32: `norms.service_radius_min.value` = 1000000: a time in minutes in [0, 10000]",
    );
}

#[test]
fn a_fractional_number_of_cemeteries() {
    // Line 76 `public_cemeteries_min = { value = 3.5, …`: the value in column 35.
    assert_reports(
        &[("scenario.toml", "public_cemeteries_min = { value = 34,", "public_cemeteries_min = { value = 3.5,")],
        "scenario.toml:76:35: `norms.public_cemeteries_min.value` = 3.5: a whole number >= 0",
    );
}

#[test]
fn more_urban_residents_than_residents() {
    // A new line 18 `urban_residents_2020 = 40000`: the value in column 24.
    assert_reports(
        &[("scenario.toml", "residents_2020 = 30000\n", "residents_2020 = 30000\nurban_residents_2020 = 40000\n")],
        "scenario.toml:18:24: `population.urban_residents_2020` = 40000: at most population.residents_2020 (30000)",
    );
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

// ---------------------------------------------------------------------------
// Distributions: every error names the key inside the distribution.

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
fn a_beta_sd_too_large_for_its_mean() {
    // Fourth item, line 50 `  { dist = "beta", mean = 0.24, sd = 0.5 }`: sd's value in column 38;
    // sqrt(0.24 × 0.76) = 0.42708.
    assert_reports(
        &[("scenario.toml", "mean = 0.24, sd = 0.04", "mean = 0.24, sd = 0.5")],
        "scenario.toml:50:38: `demand.disability_prevalence.3.sd` = 0.5: a beta with mean 0.24 needs sd < sqrt(mean*(1-mean)) = 0.4271",
    );
}

#[test]
fn a_triangular_low_above_high() {
    // Line 33 `tfr = { dist = "triangular", low = 1.5, …`: low's value in column 36.
    assert_reports(
        &[("scenario.toml", "tfr = { dist = \"triangular\", low = 0.85", "tfr = { dist = \"triangular\", low = 1.5")],
        "scenario.toml:33:36: `demography.fertility.tfr.low` = 1.5: low <= mode <= high (high is 1.45)",
    );
}

#[test]
fn a_distribution_bound_of_minus_infinity() {
    // Line 29 `improvement_rate = { dist = "triangular", low = -inf, …`: column 49.
    assert_reports(
        &[(
            "scenario.toml",
            "improvement_rate = { dist = \"triangular\", low = 0.005",
            "improvement_rate = { dist = \"triangular\", low = -inf",
        )],
        "scenario.toml:29:49: `demography.mortality.improvement_rate.low` = -inf: a finite number",
    );
}

#[test]
fn an_unknown_distribution() {
    // Line 58 `tekun_willing_share = { dist = "gamma", …`: "gamma" in column 32.
    assert_reports(
        &[("scenario.toml", "tekun_willing_share = { dist = \"beta\"", "tekun_willing_share = { dist = \"gamma\"")],
        "scenario.toml:58:32: `demand.tekun_willing_share.dist` = \"gamma\": one of `normal`, `beta`, `uniform`, `triangular`",
    );
}

#[test]
fn a_triangular_without_its_mode() {
    // Line 20: the inline table starts in column 22 (after `sex_ratio_at_birth = `).
    assert_reports(
        &[(
            "scenario.toml",
            "sex_ratio_at_birth = { dist = \"triangular\", low = 107.0, mode = 111.3,",
            "sex_ratio_at_birth = { dist = \"triangular\", low = 107.0,",
        )],
        "scenario.toml:20:22: `demography.sex_ratio_at_birth.mode`: a value: this key is required",
    );
}

#[test]
fn a_key_that_does_not_belong_to_the_distribution() {
    // Line 33 `tfr = { dist = "normal", mean = 1.1, sd = 0.1, low = 3 }`: low's value in column 54.
    assert_reports(
        &[(
            "scenario.toml",
            "tfr = { dist = \"triangular\", low = 0.85, mode = 1.15, high = 1.45 }",
            "tfr = { dist = \"normal\", mean = 1.1, sd = 0.1, low = 3 }",
        )],
        "scenario.toml:33:54: `demography.fertility.tfr.low` = 3: key `low` does not belong to a normal distribution",
    );
}

#[test]
fn an_unbounded_normal_where_a_bounded_value_is_needed() {
    // Line 33: the inline table in column 7, shown as written.
    assert_reports(
        &[("scenario.toml", "tfr = { dist = \"triangular\", low = 0.85, mode = 1.15, high = 1.45 }", "tfr = { dist = \"normal\", mean = 1.1, sd = 0.1 }")],
        "scenario.toml:33:7: `demography.fertility.tfr` = { dist = \"normal\", mean = 1.1, sd = 0.1 }: a total fertility rate: every draw in [0, 8] (use a beta or a bounded distribution)",
    );
}

#[test]
fn a_misspelt_key_of_a_distribution() {
    // Line 67 `public_cemetery_share = { dist = "beta", mena = 0.70, …`: the value of `mena` in column 49.
    assert_reports(
        &[("scenario.toml", "public_cemetery_share = { dist = \"beta\", mean", "public_cemetery_share = { dist = \"beta\", mena")],
        "scenario.toml:67:49: `demand.public_cemetery_share.mena`: no such key (`mena`; expected one of `dist`, `mean`, `sd`, `low`, `mode`, `high`)",
    );
}

// ---------------------------------------------------------------------------
// CSV headers, files and encodings.

#[test]
fn missing_csv_column() {
    let (_t, dir) = broken(&[("towns.csv", ",class,", ",klass,")]);
    // Exactly the two header problems: nothing cascades from the unread table.
    assert_exactly(
        &dir,
        &[
            "towns.csv:1:1: `class`: a `class` column (required; header has: code,name,kind,residents_2020,lat,lon,aged60_share,aged65_share,klass,source)",
            "towns.csv:1:65: `klass`: a known column: one of code, name, kind, residents_2020, lat, lon, class, source, aged60_share, aged65_share, residents_2010, residents_derived, resident_committees, village_committees",
        ],
    );
}

#[test]
fn missing_file() {
    let (_t, dir) = broken(&[]);
    fs::remove_file(dir.join("candidates.csv")).unwrap();
    let got = problems(&dir);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("candidates.csv: `(file)`: a readable file ("), "{}", got[0]);
    cli_refuses(&dir, &["candidates.csv: `(file)`: a readable file ("]);
}

#[test]
fn an_empty_towns_file() {
    let (_t, dir) = with_file("towns.csv", b"");
    assert_reported(&dir, "towns.csv:1: `(header)`: a header line naming the columns (the file is empty)");
}

#[test]
fn a_header_only_towns_file() {
    let header = fixture_text("towns.csv").lines().next().unwrap().to_string() + "\n";
    let (_t, dir) = with_file("towns.csv", header.as_bytes());
    assert_reported(&dir, "towns.csv:1: `(rows)`: at least one town (the file has a header only)");
}

#[test]
fn towns_saved_as_utf16() {
    // Excel's "Unicode Text": UTF-16 LE with a byte-order mark.
    let mut bytes = vec![0xFF, 0xFE];
    for u in fixture_text("towns.csv").encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let (_t, dir) = with_file("towns.csv", &bytes);
    assert_reported(
        &dir,
        "towns.csv: `(file)` = UTF-16 LE text (Excel's “Unicode Text”): UTF-8 text: save it as “CSV UTF-8 (comma delimited)” in Excel, or convert it: iconv -f UTF-16LE -t UTF-8",
    );
}

#[test]
fn facilities_saved_as_gb18030() {
    // The fixture's facilities.csv encoded by Python's gb18030 codec; the
    // first Chinese name is on line 2.
    let bytes =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/facilities_gb18030.csv")).unwrap();
    let (_t, dir) = with_file("facilities.csv", &bytes);
    assert_reported(
        &dir,
        "facilities.csv:2: `(file)` = GB18030/GBK text (what Excel saves on Chinese Windows): UTF-8 text: save it as “CSV UTF-8 (comma delimited)” in Excel, or convert it: iconv -f GB18030 -t UTF-8",
    );
}

#[test]
fn an_excel_workbook_named_csv() {
    let (_t, dir) = with_file("candidates.csv", b"PK\x03\x04\x14\x00\x06\x00xl/workbook.xml");
    assert_reported(
        &dir,
        "candidates.csv: `(file)` = an Excel workbook (.xlsx) or another zip file: UTF-8 text: save it as “CSV UTF-8 (comma delimited)” in Excel",
    );
}

#[test]
fn full_width_commas_as_separators() {
    // The header shown to 60 characters, then `…`.
    let text = fixture_text("towns.csv").replace(',', "，");
    let (_t, dir) = with_file("towns.csv", text.as_bytes());
    assert_reported(
        &dir,
        "towns.csv:1:1: `(header)` = \"code，name，kind，residents_2020，lat，lon，aged60_share，aged65_sh…\": columns separated by `,` (this file is separated by `，`, a full-width comma): save it as “CSV UTF-8 (comma delimited)”, or replace the separator by `,`",
    );
}

#[test]
fn semicolons_as_separators() {
    let text = fixture_text("facilities.csv").replace(',', ";");
    let (_t, dir) = with_file("facilities.csv", text.as_bytes());
    assert_reported(
        &dir,
        "facilities.csv:1:1: `(header)` = \"id;type;name;town_code;count;beds;nursing_beds;land_m2;grave…\": columns separated by `,` (this file is separated by `;`, a semicolon (Excel in many locales)): save it as “CSV UTF-8 (comma delimited)”, or replace the separator by `,`",
    );
}

#[test]
fn tabs_as_separators() {
    // The tabs of the header are shown escaped.
    let text = fixture_text("age_structure.csv").replace(',', "\t");
    let (_t, dir) = with_file("age_structure.csv", text.as_bytes());
    assert_reported(
        &dir,
        "age_structure.csv:1:1: `(header)` = \"age_from\\tage_to\\tmale\\tfemale\": columns separated by `,` (this file is separated by tabs): save it as “CSV UTF-8 (comma delimited)”, or replace the separator by `,`",
    );
}

#[test]
fn one_full_width_comma_in_the_header() {
    // `code,name,kind,residents_2020,lat,lon,` is 38 characters: the merged name starts in column 39.
    assert_reports(
        &[("towns.csv", "aged60_share,aged65_share", "aged60_share，aged65_share")],
        "towns.csv:1:39: `aged60_share，aged65_share`: a known column: one of code, name, kind, residents_2020, lat, lon, class, source, aged60_share, aged65_share, residents_2010, residents_derived, resident_committees, village_committees (the name holds `，`, a full-width comma: columns are separated by `,`)",
    );
}

#[test]
fn lat_and_lon_columns_swapped_in_the_header() {
    // Line 2: `lat` now holds 106.0000 (column 39), `lon` 30.0000 (column 31).
    let (_t, dir) = broken(&[("towns.csv", ",lat,lon,", ",lon,lat,")]);
    assert_reported(&dir, "towns.csv:2:39: `lat` = 106: a latitude inside China (18..54 °N); lat/lon swapped?");
    assert!(problems(&dir).contains(
        &"towns.csv:2:31: `lon` = 30: a longitude inside China (73..135.5 °E); lat/lon swapped?".to_string()
    ));
}

// ---------------------------------------------------------------------------
// CSV cells: every field type gives file, line, column, value, expectation.

#[test]
fn a_thousands_separator_in_a_count_of_persons() {
    // Line 2: the quoted cell starts in column 25.
    assert_reports(
        &[("towns.csv", "street,15000,", "street,\"15,000\",")],
        "towns.csv:2:25: `residents_2020` = \"15,000\": a whole number >= 0 (without thousands separators: write 15000); or empty to derive it",
    );
}

#[test]
fn an_integer_too_large_for_its_type() {
    // facilities line 2: count in column 42; 2^32 does not fit a u32.
    assert_reports(
        &[("facilities.csv", "500000001000,1,50,30,2000", "500000001000,4294967296,50,30,2000")],
        "facilities.csv:2:42: `count` = \"4294967296\": a whole number at most 4294967295; or empty for 1",
    );
}

#[test]
fn a_negative_count() {
    // facilities line 3: count in column 40.
    assert_reports(
        &[("facilities.csv", "500000101000,1,80,20,2400", "500000101000,-1,80,20,2400")],
        "facilities.csv:3:40: `count` = \"-1\": a whole number >= 0; or empty for 1",
    );
}

#[test]
fn committed_maybe() {
    // candidates line 2: committed in column 53.
    assert_reports(
        &[("candidates.csv", "500000101000,,60,3000,,,,,test", "500000101000,,60,3000,,,,maybe,test")],
        "candidates.csv:2:53: `committed` = \"maybe\": true or false (also yes/no, 1/0); or empty for false",
    );
}

#[test]
fn a_quoted_cell_with_a_line_break() {
    // facilities line 3: beds in column 42, holding `8`, a line break, `0`.
    assert_reports(
        &[("facilities.csv", "500000101000,1,80,20", "500000101000,1,\"8\n0\",20")],
        "facilities.csv:3:42: `beds` = \"8\\n0\": a number (the cell holds a line break: a quoted value spans lines); or empty for 0",
    );
}

#[test]
fn a_ten_megabyte_line_gives_a_short_message() {
    // facilities line 3: a 10 MB beds cell; the value is cut to 60 characters.
    let big = "x".repeat(10_000_000);
    let (_t, dir) = broken(&[("facilities.csv", "500000101000,1,80,20", &format!("500000101000,1,{big},20"))]);
    let expected = format!("facilities.csv:3:42: `beds` = \"{}…\": a number; or empty for 0", "x".repeat(60));
    assert_eq!(problems(&dir), std::slice::from_ref(&expected));
    let stderr = cli_refuses(&dir, &[&expected]);
    assert!(stderr.len() < 2_000, "{} bytes of messages for one problem", stderr.len());
}

#[test]
fn excel_not_available() {
    assert_reports(
        &[("facilities.csv", "500000101000,1,80,20", "500000101000,1,#N/A,20")],
        "facilities.csv:3:42: `beds` = \"#N/A\": a number (`#N/A` is an Excel error value: fill in the figure, or leave the cell empty where the column allows it); or empty for 0",
    );
}

#[test]
fn excel_division_by_zero() {
    // towns line 3: aged60_share in column 44 (an optional number).
    assert_reports(
        &[("towns.csv", "0.30,0.24", "#DIV/0!,0.24")],
        "towns.csv:3:44: `aged60_share` = \"#DIV/0!\": a number (`#DIV/0!` is an Excel error value: fill in the figure, or leave the cell empty where the column allows it)",
    );
}

#[test]
fn a_share_written_as_a_percentage() {
    // towns line 2: aged60_share in column 48.
    assert_reports(
        &[("towns.csv", "0.20,0.15", "20%,0.15")],
        "towns.csv:2:48: `aged60_share` = \"20%\": a number (write a share as a decimal: 0.2 for 20%)",
    );
}

#[test]
fn a_decimal_comma() {
    // towns line 2: aged65_share, quoted, in column 53.
    assert_reports(
        &[("towns.csv", "0.20,0.15", "0.20,\"0,15\"")],
        "towns.csv:2:53: `aged65_share` = \"0,15\": a number (with a decimal point: write 0.15)",
    );
}

#[test]
fn a_unit_after_the_number() {
    assert_reports(
        &[("facilities.csv", "500000101000,1,80,20", "500000101000,1,80床,20")],
        "facilities.csv:3:42: `beds` = \"80床\": a number (a bare number without a unit: write 80); or empty for 0",
    );
}

#[test]
fn a_town_code_in_scientific_notation() {
    // Excel shows 500000001000 as 5.00000E+11 and saves it so: line 2, column 1.
    assert_reports(
        &[("towns.csv", "500000001000,甲街道", "5.00000E+11,甲街道")],
        "towns.csv:2:1: `code` = 5.00000E+11: a 12-digit 统计用区划代码 (e.g. 500152001000); this is scientific notation, as Excel shows long numbers after dropping their last digits: format the column as Text and re-enter the codes",
    );
}

#[test]
fn trailing_and_full_width_spaces_are_trimmed() {
    // Spaces Excel leaves, and a full-width space, around cells: accepted.
    let (_t, dir) = broken(&[
        ("towns.csv", "乙镇,town,", "乙镇 ,town  ,"),
        ("towns.csv", "street,15000", "street\u{3000},15000"),
        ("facilities.csv", "F1,elderly_centre", "F1 , elderly_centre "),
    ]);
    assert_eq!(problems(&dir), Vec::<String>::new());
}

#[test]
fn blank_rows_at_the_end_are_skipped() {
    // Excel's rows of empty cells after the data: accepted.
    let (_t, dir) =
        broken(&[("towns.csv", "106.0000,,,rural,test\n", "106.0000,,,rural,test\n,,,,,,,,,\n,,,,,,,,,\n")]);
    assert_eq!(problems(&dir), Vec::<String>::new());
}

#[test]
fn non_finite_land() {
    assert_reports(
        &[("facilities.csv", "2400,,,,government", "NaN,,,,government")],
        "facilities.csv:3:48: `land_m2` = NaN: an area in m² in [0, 1e10]",
    );
}

#[test]
fn a_facility_of_1e308_beds() {
    // facilities line 2: beds in column 44.
    assert_reports(
        &[("facilities.csv", "500000001000,1,50,30,2000", "500000001000,1,1e308,30,2000")],
        "facilities.csv:2:44: `beds` = 1e308: a number of beds in [0, 1e6]",
    );
}

#[test]
fn a_candidate_fixed_cost_of_1e30() {
    // candidates line 3: fixed_yuan in column 52.
    assert_reports(
        &[("candidates.csv", "500000102000,,60,3000,,,,,test", "500000102000,,60,3000,,,1e30,,test")],
        "candidates.csv:3:52: `fixed_yuan` = 1e30: an amount in yuan in [0, 1e12]",
    );
}

#[test]
fn twenty_billion_residents() {
    // towns line 2: residents_2020 in column 25.
    assert_reports(
        &[("towns.csv", "street,15000,", "street,20000000000,")],
        "towns.csv:2:25: `residents_2020` = 20000000000: a number of persons in [0, 1e9]",
    );
}

#[test]
fn an_age_group_ending_at_four_billion() {
    // age_structure line 3 `15,4294967295,…`: age_to in column 4 (no overflow).
    assert_reports(
        &[("age_structure.csv", "15,59,", "15,4294967295,")],
        "age_structure.csv:3:4: `age_to` = 4294967295: an age in years in [0, 150]",
    );
}

#[test]
fn an_age_group_that_leaves_a_gap() {
    // age_structure line 3 `16,59,…`: 15 was expected, column 1.
    assert_reports(
        &[("age_structure.csv", "15,59,", "16,59,")],
        "age_structure.csv:3:1: `age_from` = 16: 15 (groups must be contiguous from age 0)",
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
    // 乙镇 is line 3; lat starts at character 27, and lon, after the 8 characters of 106.1000, at 36.
    let (_t, dir) = broken(&[("towns.csv", "30.1000,106.1000", "106.1000,30.1000")]);
    assert_exactly(
        &dir,
        &[
            "towns.csv:3:27: `lat` = 106.1: a latitude inside China (18..54 °N); lat/lon swapped?",
            "towns.csv:3:36: `lon` = 30.1: a longitude inside China (73..135.5 °E); lat/lon swapped?",
        ],
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

// ---------------------------------------------------------------------------
// References between files, sums.

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
fn candidate_expands_a_facility_in_another_town() {
    // C3 (line 4) moved to 丙镇 while F2 is in 乙镇.
    assert_reports(
        &[("candidates.csv", "乙镇敬老院升级,500000101000,F2", "乙镇敬老院升级,500000102000,F2")],
        "candidates.csv:4:46: `expands` = F2: a facility in the candidate's town 500000102000 (it is in 500000101000)",
    );
}

#[test]
fn an_id_used_in_two_files() {
    // candidates line 2 gets F1, the id of facilities line 2.
    assert_reports(
        &[("candidates.csv", "C1,elderly_centre", "F1,elderly_centre")],
        "candidates.csv:2:1: `id` = F1: an id not already used by an existing facility (facilities.csv line 2 has it)",
    );
}

#[test]
fn a_facility_id_used_twice() {
    assert_reports(
        &[("facilities.csv", "F2,care_institution", "F1,care_institution")],
        "facilities.csv:3:1: `id` = F1: a unique id (already used on line 2)",
    );
}

#[test]
fn a_travel_matrix_with_gaps() {
    // travel.csv, named in a new [files] section. Line 3 lacks its minutes
    // field; line 4 has an empty one (column 27: 12 + 1 + 12 + 1 + 1); line 5
    // names an unknown town (column 14); line 6 repeats the pair of line 2;
    // line 7 says a billion minutes.
    let (_t, dir) =
        broken(&[("scenario.toml", "\n[population]", "\n[files]\ntravel_matrix = \"travel.csv\"\n\n[population]")]);
    fs::write(
        dir.join("travel.csv"),
        "from_code,to_code,minutes\n\
500000001000,500000101000,25\n\
500000101000,500000001000\n\
500000101000,500000102000,\n\
500000101000,500000109000,30\n\
500000001000,500000101000,26\n\
500000102000,500000001000,1e9\n",
    )
    .unwrap();
    assert_exactly(
        &dir,
        &[
            "travel.csv:3:1: `(row)`: 3 fields like the header (this row has 2)",
            "travel.csv:4:27: `minutes` = \"\": a number",
            "travel.csv:5:14: `to_code` = 500000109000: a town code from towns.csv",
            "travel.csv:6:14: `to_code` = 500000101000: one row per pair (from 500000001000 to 500000101000 is repeated)",
            "travel.csv:7:27: `minutes` = 1000000000: a time in minutes in [0, 10000]",
        ],
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
fn every_problem_is_reported_at_once() {
    let (_t, dir) = broken(&[
        ("scenario.toml", "speed_kmh = 40.0", "speed_kmh = -40.0"),
        ("towns.csv", "0.30,0.24", "3.0,0.24"),
        ("facilities.csv", "1,50,30,2000", "1,50,60,2000"),
    ]);
    let got = problems(&dir);
    assert_eq!(got.len(), 3, "{got:#?}");
    cli_refuses(&dir, &["error: 3 problems in scenario"]);
}
