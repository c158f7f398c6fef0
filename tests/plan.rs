//! The planning model on small instances whose optimum is worked out by
//! hand: each norm alone, an infeasible norm, and stability without spread.
//!
//! The base instance is the mini fixture with no service demand (zero
//! institutional take-up, no 特困 persons, no station funerals, no public
//! burials), so that only the norm under test can force a decision.

use civplan::demand::{simulate, SimOptions};
use civplan::locate::plan::{annuity_factor, plan, stability, PlanOptions};
use civplan::scenario::{load, Scenario};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Copy the fixture, zero the demand, keep only `norms` (TOML lines), apply edits.
fn instance(norms: &str, edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mini");
    fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for e in fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let mut toml = String::new();
    let mut in_norms = false;
    for line in fs::read_to_string(dir.join("scenario.toml")).unwrap().lines() {
        if line.starts_with('[') {
            in_norms = line == "[norms]";
            if in_norms {
                toml.push_str("[norms]\n");
                toml.push_str(norms);
                toml.push('\n');
                continue;
            }
        }
        if in_norms {
            continue;
        }
        // Every spread to zero: a distribution becomes its central value.
        let line = match (line.find("{ dist"), line.find("mean = ").or(line.find("mode = "))) {
            (Some(start), Some(m)) if !line.trim_start().starts_with('{') => {
                let v: String = line[m + 7..].chars().take_while(|c| *c != ',' && *c != ' ').collect();
                format!("{}{v}", &line[..start])
            }
            (Some(_), Some(m)) => {
                let v: String = line[m + 7..].chars().take_while(|c| *c != ',' && *c != ' ').collect();
                format!("  {v},")
            }
            _ => line.to_string(),
        };
        toml.push_str(&line);
        toml.push('\n');
    }
    for (k, v) in [
        ("disabled_institutional_share", "0.0"),
        ("able_institutional_share", "0.0"),
        ("tekun_per_resident", "0.0"),
        ("funeral_station_use_share", "0.0"),
        ("public_cemetery_share", "0.0"),
    ] {
        let start = toml.find(&format!("{k} = ")).unwrap();
        let end = start + toml[start..].find('\n').unwrap();
        toml.replace_range(start..end, &format!("{k} = {v}"));
    }
    toml = toml.replace("count_noise = true", "count_noise = false");
    fs::write(dir.join("scenario.toml"), toml).unwrap();
    for (file, old, new) in edits {
        let p = dir.join(file);
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.contains(old), "{file} lacks {old}");
        fs::write(&p, text.replacen(old, new, 1)).unwrap();
    }
    (tmp, dir)
}

fn run(dir: &Path) -> (Scenario, civplan::locate::plan::Plan) {
    let s = load(dir).unwrap();
    let sim = simulate(&s, &SimOptions { draws: 1, seed: 1, deterministic: true, progress: false });
    let p = plan(&s, &sim, 2025, 0.5, &PlanOptions::default()).unwrap();
    (s, p)
}

fn opened(p: &civplan::locate::plan::Plan) -> Vec<&str> {
    p.opened()
}

const LAND: &str = r#"elderly_land_m2_per_resident = { value = 0.2, source = "test" }"#;

#[test]
fn without_norms_nothing_is_built() {
    let (_t, dir) = instance("", &[]);
    let (_, p) = run(&dir);
    assert!(p.feasible());
    assert!(opened(&p).is_empty(), "{:?}", opened(&p));
    assert_eq!(p.build_cost_yuan_per_year, 0.0);
}

#[test]
fn land_norm_alone_opens_the_cheapest_site_with_exactly_the_missing_land() {
    // Existing land 2,000 + 2,400 = 4,400 m²; the norm asks 0.2 × residents
    // (≈ 6,000 m²), so ≈ 1,600 m² are missing. Land can come without beds, so
    // one site opens and takes exactly the gap: the cheaper of the two rural
    // centres (C2's fixed cost is raised to 2.5 M; C3, a care centre, costs 5 M).
    let (_t, dir) = instance(
        LAND,
        &[(
            "candidates.csv",
            "丙镇养老服务中心,500000102000,,60,3000,,,,",
            "丙镇养老服务中心,500000102000,,60,3000,,,2500000,",
        )],
    );
    let (s, p) = run(&dir);
    assert!(p.feasible());
    assert_eq!(opened(&p), vec!["C1"]);
    let need = 0.2 * p.demand.residents.iter().sum::<f64>() - 4_400.0;
    let c1 = p.sites.iter().find(|x| x.id == "C1").unwrap();
    assert!((c1.land_m2 - need).abs() < 1e-3, "land {} vs {need}", c1.land_m2);
    // Cost: annuity × (2,000,000 fixed + 300 yuan/m² rural land × need).
    let a = annuity_factor(s.config.costs.discount_rate, s.config.costs.lifetime_years);
    let cost = a * (2_000_000.0 + 300.0 * need);
    assert!((p.build_cost_yuan_per_year - cost).abs() < 1e-3 * cost, "{} vs {cost}", p.build_cost_yuan_per_year);
}

#[test]
fn nursing_share_alone_builds_one_hundred_nursing_beds_at_the_two_centres() {
    // Existing beds 50 + 80 = 130 with 30 + 20 = 50 nursing. New nursing beds
    // n: 50 + n ≥ 0.6 (130 + n) ⇔ n ≥ 28/0.4 = 70. Per bed: 100,000 + 20,000
    // nursing + land (C1, C2: 3,000/60 = 50 m² × 300 = 15,000; C3: 40 m² ×
    // 300 = 12,000). Options: C1 alone (60 ≤ 70: not enough); C1 + C2 (fixed
    // 2 M + 2 M, 70 × 135,000 = 9.45 M, total 13.45 M); C3 alone (5 M + 70 ×
    // 132,000 = 14.24 M). Optimum: C1 + C2, 70 nursing beds in all.
    let norm = r#"nursing_bed_min_share = { value = 0.6, source = "test" }"#;
    let (_t, dir) = instance(norm, &[]);
    let (s, p) = run(&dir);
    assert!(p.feasible());
    let mut o = opened(&p);
    o.sort();
    assert_eq!(o, vec!["C1", "C2"]);
    let new_nursing: f64 = p.sites.iter().filter(|x| x.status != "existing").map(|x| x.nursing_beds).sum();
    assert!((new_nursing - 70.0).abs() < 1e-4, "{new_nursing}");
    let a = annuity_factor(s.config.costs.discount_rate, s.config.costs.lifetime_years);
    let cost = a * (4_000_000.0 + 70.0 * 135_000.0);
    assert!((p.build_cost_yuan_per_year - cost).abs() < 1e-4 * cost, "{} vs {cost}", p.build_cost_yuan_per_year);
}

#[test]
fn coverage_norm_alone_opens_a_centre_in_each_town_without_one() {
    // 甲 has a centre (F1); 100% coverage needs 乙 (C1) and 丙 (C2).
    let norm = r#"centre_coverage_min_share = { value = 1.0, source = "test" }"#;
    let (_t, dir) = instance(norm, &[]);
    let (_, p) = run(&dir);
    let mut o = opened(&p);
    o.sort();
    assert_eq!(o, vec!["C1", "C2"]);
}

#[test]
fn government_share_cap_forces_socially_run_beds() {
    // 130 existing beds all government-run; cap 50%: 130 ≤ 0.5 (130 + n) ⇔
    // n ≥ 130 new (socially run) beds; the candidates hold 60 + 60 + 100.
    let norm = r#"government_bed_share_max = { value = 0.5, source = "test" }"#;
    let (_t, dir) = instance(norm, &[]);
    let (_, p) = run(&dir);
    assert!(p.feasible());
    let new_beds: f64 = p.sites.iter().filter(|x| x.status != "existing").map(|x| x.beds).sum();
    assert!((new_beds - 130.0).abs() < 1e-4, "{new_beds}");
}

#[test]
fn an_impossible_land_norm_reports_the_norm_and_the_exact_shortfall() {
    // 1 m² per resident: ≈ 30,000 m² required; at most 4,400 existing + 3,000
    // + 3,000 + 4,000 (C1, C2, C3) = 14,400 m² of elderly-service land exist.
    let norm = r#"elderly_land_m2_per_resident = { value = 1.0, source = "plan L1" }"#;
    let (_t, dir) = instance(norm, &[]);
    let (_, p) = run(&dir);
    assert!(!p.feasible());
    assert_eq!(p.shortfalls.len(), 1, "{:#?}", p.shortfalls);
    let sf = &p.shortfalls[0];
    assert_eq!(sf.norm, "elderly_land_m2_per_resident");
    assert_eq!(sf.source, "plan L1");
    let required: f64 = p.demand.residents.iter().sum();
    assert!((sf.required - required).abs() < 1e-3);
    assert!((sf.achievable - 14_400.0).abs() < 1e-3, "{}", sf.achievable);
    assert!((sf.shortfall - (required - 14_400.0)).abs() < 1e-3);

    // The CLI says so and exits 3, writing the report.
    let out = dir.parent().unwrap().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_civplan"))
        .args(["plan", "--deterministic", "--out"])
        .arg(&out)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("INFEASIBLE") && text.contains("elderly_land_m2_per_resident"), "{text}");
    for f in ["sites.csv", "assignments.csv", "compliance.csv", "plan.json"] {
        assert!(out.join(f).exists(), "{f}");
    }
}

#[test]
fn stability_without_spread_opens_the_same_sites_in_every_draw() {
    let norm = r#"nursing_bed_min_share = { value = 0.6, source = "test" }"#;
    let (_t, dir) = instance(norm, &[]);
    let s = load(&dir).unwrap();
    // Not --deterministic: 8 real draws, but every spread and noise is zero.
    let sim = simulate(&s, &SimOptions { draws: 8, seed: 1, deterministic: false, progress: false });
    let st = stability(&s, &sim, 2025, 8, &PlanOptions::default()).unwrap();
    for (id, share) in &st.open_share {
        let want = if id == "C1" || id == "C2" { 1.0 } else { 0.0 };
        assert_eq!(*share, want, "{id}");
    }
}
