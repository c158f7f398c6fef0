//! The committed plans of the five bundled counties (`results/<county>/`,
//! written by `civplan plan`) read as a county government would check them:
//! the norms compliance.csv says are not met are exactly the shortfalls of
//! plan.json; every site built provides capacity of its family; no project
//! (option group) is built twice; capacities are whole; no file holds an
//! infinite or undefined number.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

const COUNTIES: [&str; 5] = ["tongnan", "tongliang", "dianjiang", "anyue", "yubei"];

fn dir(county: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("results").join(county)
}

/// Rows of a CSV file as maps column → cell; `skip` header lines before the keys.
fn rows(path: &Path, skip: usize) -> Vec<HashMap<String, String>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body: String = text.lines().skip(skip).map(|l| format!("{l}\n")).collect();
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())
        .collect()
}

fn num(r: &HashMap<String, String>, k: &str) -> f64 {
    let v = r.get(k).unwrap_or_else(|| panic!("no column {k}"));
    if v.is_empty() {
        0.0
    } else {
        v.parse().unwrap_or_else(|_| panic!("{k} = {v:?} is not a number"))
    }
}

#[test]
fn unmet_norms_in_compliance_are_exactly_the_shortfalls_of_plan_json() {
    for c in COUNTIES {
        let key = |norm: &str, period: &str, place: &str, site: &str| format!("{period} {norm} {place} {site}");
        let mut csv: Vec<String> = rows(&dir(c).join("compliance.csv"), 0)
            .iter()
            .filter(|r| r["met"] == "false")
            .map(|r| key(&r["norm"], &r["period"], &r["where"], &r["site"]))
            .collect();
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir(c).join("plan.json")).unwrap()).unwrap();
        let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
        let mut short: Vec<String> = json["shortfalls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| key(&s(&r["norm"]), &s(&r["period"]), &s(&r["where"]), &s(&r["site"])))
            .collect();
        csv.sort();
        short.sort();
        assert_eq!(csv, short, "{c}");
        assert_eq!(json["feasible"].as_bool(), Some(short.is_empty()), "{c}");
    }
}

#[test]
fn every_site_built_provides_capacity_and_no_project_is_built_twice() {
    for c in COUNTIES {
        let sites = rows(&dir(c).join("sites.csv"), 0);
        let mut groups: BTreeMap<String, usize> = BTreeMap::new();
        for s in sites.iter().filter(|s| s["action"] == "new" || s["action"] == "expand") {
            let capacity = match s["type"].as_str() {
                "elderly_centre" | "care_institution" => num(s, "beds"),
                "disabled_care_centre" => num(s, "places"),
                "funeral_home" | "funeral_station" => num(s, "halls"),
                "cemetery" => num(s, "plots"),
                other => panic!("{c}: a {other} is not built by the plan"),
            };
            assert!(capacity >= 1.0, "{c}: {} is built with no capacity", s["id"]);
            if !s["option_group"].is_empty() {
                *groups.entry(s["option_group"].clone()).or_default() += 1;
            }
        }
        for (g, n) in groups {
            assert_eq!(n, 1, "{c}: option group {g} is built {n} times");
        }
    }
}

#[test]
fn capacities_are_whole_numbers() {
    for c in COUNTIES {
        let whole =
            ["beds", "nursing_beds", "places", "halls", "plots", "eco_plots", "converted_beds", "transferred_beds"];
        for (file, skip) in [("sites.csv", 0), ("projects.csv", 1)] {
            for r in rows(&dir(c).join(file), skip) {
                for k in whole {
                    let v = num(&r, k);
                    assert_eq!(v, v.round(), "{c} {file}: {k} = {v}");
                }
            }
        }
        for r in rows(&dir(c).join("periods.csv"), 0) {
            for k in ["beds", "nursing_beds", "places", "halls", "plots"] {
                let v = num(&r, k);
                assert_eq!(v, v.round(), "{c} periods.csv {}: {k} = {v}", r["period"]);
            }
        }
    }
}

#[test]
fn no_output_file_holds_an_infinite_or_undefined_number() {
    for c in COUNTIES {
        for e in fs::read_dir(dir(c)).unwrap() {
            let p = e.unwrap().path();
            match p.extension().and_then(|x| x.to_str()) {
                Some("csv") => {
                    let text = fs::read_to_string(&p).unwrap();
                    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
                    for rec in r.records() {
                        for cell in rec.unwrap().iter() {
                            let l = cell.trim().to_ascii_lowercase();
                            assert!(
                                !matches!(l.as_str(), "inf" | "-inf" | "+inf" | "nan" | "infinity" | "-infinity"),
                                "{}: {cell}",
                                p.display()
                            );
                        }
                    }
                }
                Some("json") => {
                    let text = fs::read_to_string(&p).unwrap();
                    assert!(!text.contains("Infinity") && !text.contains("NaN"), "{}", p.display());
                }
                _ => {}
            }
        }
    }
}
