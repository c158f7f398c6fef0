//! The county report end to end: the mini fixture simulated and planned into
//! a temporary folder with `plan --report`, then report.html, sites.geojson
//! and plan.xlsx checked against the CSV files they were built from (read
//! here independently); and, when Chromium is installed, the browser check
//! of scripts/check_report.sh, including that it catches an injected script
//! error and a missing section.

use calamine::{open_workbook, DataType, Reader, Xlsx};
use civplan::report::{html::SECTION_IDS, xlsx::SHEETS};
use geojson::{FeatureCollection, GeometryValue};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn civplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_civplan")).args(args).output().unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Simulate and plan the mini fixture into a temp folder, with the report.
fn mini_results() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mini");
    let (scenario, out_s) = (root().join("tests/fixtures/mini"), out.display().to_string());
    let sim = civplan(&["simulate", scenario.to_str().unwrap(), "--out", &out_s, "--quiet"]);
    assert!(sim.status.success(), "{}", String::from_utf8_lossy(&sim.stderr));
    let plan = civplan(&["plan", scenario.to_str().unwrap(), "--out", &out_s, "--quiet", "--report"]);
    assert!(matches!(plan.status.code(), Some(0 | 3)), "{}", String::from_utf8_lossy(&plan.stderr));
    (tmp, out)
}

/// The rows of a CSV file as maps column → cell.
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())
        .collect()
}

#[test]
fn the_page_holds_every_section_site_and_norm_and_nothing_from_the_network() {
    let (_tmp, dir) = mini_results();
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    for id in SECTION_IDS {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "section {id}");
    }
    let sites = rows(&dir.join("sites.csv"));
    assert!(sites.len() >= 5, "the mini plan has its 4 facilities and at least one site");
    for s in &sites {
        assert!(html.contains(&s["id"]), "site {} missing from the page", s["id"]);
    }
    let norms = rows(&dir.join("compliance.csv"));
    assert!(!norms.is_empty());
    for n in &norms {
        assert!(html.contains(&format!("<span class=\"en\">{}</span>", n["norm"])), "norm {}", n["norm"]);
        // The source line of the plan is quoted beside the norm.
        let quoted = n["source"].replace('&', "&amp;").replace('"', "&quot;").replace('\'', "&#39;");
        assert!(html.contains(&quoted), "source of {}", n["norm"]);
    }
    // No link, script, font, image or tile from anywhere.
    for scheme in ["http://", "https://", "src=\"//", "url(//"] {
        assert!(!html.contains(scheme), "the page refers to {scheme}");
    }
    assert!(!html.contains("<script"), "the page needs no script");
    // Every assumption of the fixture's scenario.toml is listed with its reasoning.
    let assumptions = rows(&dir.join("inputs/assumptions.csv"));
    assert!(assumptions.len() >= 40, "{}", assumptions.len());
    assert!(assumptions.iter().any(|a| a["key"] == "demography.fertility.tfr" && a["text"].contains("TFR 1.30")));
    assert!(html.contains("national 2020 census TFR 1.30"));
    // The map draws the three towns, in projected metres, with a scale bar and a north arrow.
    for town in ["甲街道", "乙镇", "丙镇"] {
        assert!(html.contains(&format!(">{town}</text>")), "{town} on the map");
    }
    assert!(html.contains("EPSG:32648") && html.contains("公里</text>") && html.contains(">北</text>"));
}

#[test]
fn the_geojson_holds_each_site_town_and_located_assignment_in_wgs84() {
    let (_tmp, dir) = mini_results();
    let fc: FeatureCollection = fs::read_to_string(dir.join("sites.geojson")).unwrap().parse().unwrap();
    let mut count: HashMap<String, usize> = HashMap::new();
    for f in &fc.features {
        *count.entry(f.property("layer").unwrap().as_str().unwrap().to_string()).or_default() += 1;
    }
    let towns = rows(&dir.join("inputs/towns.csv"));
    let sites = rows(&dir.join("sites.csv"));
    let seat: HashMap<&str, (f64, f64)> = towns
        .iter()
        .filter(|t| !t["lat"].is_empty())
        .map(|t| (t["code"].as_str(), (t["lon"].parse().unwrap(), t["lat"].parse().unwrap())))
        .collect();
    let site_town: HashMap<&str, &str> = sites.iter().map(|s| (s["id"].as_str(), s["town_code"].as_str())).collect();
    // A phased plan's layout: the last period's assignments.
    let assignments = rows(&dir.join("assignments.csv"));
    let last = assignments.iter().map(|a| a["period"].clone()).max().unwrap();
    let located = assignments
        .iter()
        .filter(|a| a["period"] == last)
        .filter(|a| {
            seat.contains_key(a["town_code"].as_str())
                && site_town.get(a["site_id"].as_str()).is_some_and(|t| seat.contains_key(t))
        })
        .count();
    assert_eq!(count.get("site"), Some(&sites.len()));
    assert_eq!(count.get("town"), Some(&towns.len()));
    assert_eq!(count.get("assignment").copied().unwrap_or(0), located);
    assert!(located > 0);
    for f in fc.features.iter().filter(|f| f.property("layer").unwrap() == "site") {
        let id = f.property("id").unwrap().as_str().unwrap();
        let s = sites.iter().find(|s| s["id"] == id).unwrap();
        // Every column of sites.csv is a property.
        for column in s.keys() {
            assert!(f.contains_property(column), "{id}: {column}");
        }
        // At its town's seat, longitude first.
        let Some(GeometryValue::Point { coordinates }) = f.geometry.as_ref().map(|g| &g.value) else {
            panic!("{id} has no point")
        };
        assert_eq!((coordinates[0], coordinates[1]), seat[s["town_code"].as_str()], "{id}");
    }
}

#[test]
fn the_workbook_reads_back_with_its_sheets_and_rows() {
    let (_tmp, dir) = mini_results();
    let mut book: Xlsx<_> = open_workbook(dir.join("plan.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), SHEETS.map(String::from).to_vec());
    // projects.csv: Chinese labels, then the English keys, then one row per project and decision.
    let planned = fs::read_to_string(dir.join("projects.csv")).unwrap().lines().count() - 2;
    assert!(planned > 0);
    let towns = rows(&dir.join("inputs/towns.csv")).len();
    // Compliance: the norm rows (those without a cause; unserved demand has its own table).
    let norms = rows(&dir.join("compliance.csv")).iter().filter(|r| r["cause"].is_empty()).count();
    for (sheet, data_rows) in [(SHEETS[0], planned), (SHEETS[1], towns), (SHEETS[2], norms)] {
        let range = book.worksheet_range(sheet).unwrap();
        assert_eq!(range.height(), 1 + data_rows, "{sheet}");
    }
    let towns_sheet = book.worksheet_range(SHEETS[1]).unwrap();
    assert_eq!(towns_sheet.get((0, 1)).unwrap().to_string(), "镇街");
    assert_eq!(towns_sheet.get((1, 1)).unwrap().to_string(), "甲街道");
    assert_eq!(towns_sheet.get((1, 3)).unwrap().get_float(), Some(15000.0), "numbers are numbers");
}

#[test]
fn english_goes_where_asked_and_a_file_civplan_did_not_write_is_never_replaced() {
    let (tmp, dir) = mini_results();
    let en = tmp.path().join("en/report.html");
    let out = civplan(&["report", dir.to_str().unwrap(), "--lang", "en", "--out", en.to_str().unwrap(), "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = fs::read_to_string(&en).unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("Plan map") && !html.contains("规划布局图"));
    assert!(tmp.path().join("en/sites.geojson").is_file() && tmp.path().join("en/plan.xlsx").is_file());
    // Written again over its own files: fine.
    let again = civplan(&["report", dir.to_str().unwrap(), "--quiet"]);
    assert!(again.status.success());

    let theirs = tmp.path().join("theirs");
    fs::create_dir_all(&theirs).unwrap();
    fs::write(theirs.join("report.html"), "<p>the county's own page</p>").unwrap();
    let refused = civplan(&["report", dir.to_str().unwrap(), "--out", theirs.join("report.html").to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("was not written by civplan"));
    assert_eq!(fs::read_to_string(theirs.join("report.html")).unwrap(), "<p>the county's own page</p>");
    assert!(!theirs.join("sites.geojson").exists() && !theirs.join("plan.xlsx").exists(), "nothing written");
    let leftovers: Vec<_> = fs::read_dir(&theirs).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");

    let empty = tmp.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    let not_results = civplan(&["report", empty.to_str().unwrap()]);
    assert_eq!(not_results.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&not_results.stderr).contains("not a civplan results folder"));
}

#[test]
fn the_browser_check_knows_every_section() {
    let script = fs::read_to_string(root().join("scripts/check_report.sh")).unwrap();
    let line = script.lines().find(|l| l.starts_with("SECTIONS=")).unwrap();
    let ids: HashSet<&str> = line.trim_start_matches("SECTIONS=").trim_matches('"').split_whitespace().collect();
    assert_eq!(ids, SECTION_IDS.into_iter().collect());
}

/// Run scripts/check_report.sh; (success, stdout).
fn browser_check(args: &[&str]) -> (bool, String) {
    let out = Command::new("bash").arg(root().join("scripts/check_report.sh")).args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn every_report_renders_in_chromium_without_a_console_message_or_a_missing_section() {
    if Command::new("chromium").arg("--version").output().is_err() {
        eprintln!(
            "note: chromium is not on PATH; the browser check is skipped (apt-get install chromium fonts-noto-cjk)"
        );
        return;
    }
    let (tmp, dir) = mini_results();
    // The fresh mini report with its screenshot and PDF (into a temp folder, so
    // the committed results are never rewritten) ...
    let shots = tmp.path().join("shots");
    let mini = dir.join("report.html").display().to_string();
    let (ok, log) = browser_check(&["--out", shots.to_str().unwrap(), &mini]);
    assert!(ok, "{log}");
    for f in ["report.png", "report.pdf"] {
        let p = shots.join("mini").join(f);
        assert!(fs::metadata(&p).map(|m| m.len() > 10_000).unwrap_or(false), "{}", p.display());
    }
    // ... and every committed county report rendered and checked (capturing
    // them too would double the time for nothing the mini report does not show).
    let committed: Vec<String> = ["tongnan", "tongliang", "dianjiang", "anyue", "yubei"]
        .iter()
        .map(|c| root().join("results").join(c).join("report.html"))
        .filter(|r| r.is_file())
        .map(|r| r.display().to_string())
        .collect();
    if !committed.is_empty() {
        let mut args = vec!["--no-capture"];
        args.extend(committed.iter().map(String::as_str));
        let (ok, log) = browser_check(&args);
        assert!(ok, "{log}");
    }
    // The check must catch a script error and a missing section.
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    let broken = tmp.path().join("broken/report.html");
    fs::create_dir_all(broken.parent().unwrap()).unwrap();
    fs::write(&broken, html.replace("</body>", "<script>undefinedFunction();</script></body>")).unwrap();
    let (ok, log) = browser_check(&["--no-capture", broken.to_str().unwrap()]);
    assert!(!ok && log.contains("console:") && log.contains("undefinedFunction"), "{log}");
    fs::write(&broken, html.replace("<section id=\"unmet\">", "<section>")).unwrap();
    let (ok, log) = browser_check(&["--no-capture", broken.to_str().unwrap()]);
    assert!(!ok && log.contains("missing section #unmet"), "{log}");
}
