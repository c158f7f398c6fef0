//! The planning model on small instances whose optimum is worked out by
//! hand: each norm alone, an infeasible norm, and stability without spread.
//!
//! The base instance is the mini fixture with no service demand (zero
//! institutional take-up, no 特困 persons, no station funerals, no public
//! burials), so that only the norm under test can force a decision.

use civplan::demand::{simulate, SimOptions};
use civplan::plan::{annuity_factor, plan, stability, PlanOptions};
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

fn run(dir: &Path) -> (Scenario, civplan::plan::Plan) {
    let s = load(dir).unwrap();
    let sim = simulate(&s, &SimOptions { draws: 1, seed: 1, deterministic: true, progress: false });
    let p = plan(&s, &sim, 2025, 0.5, &PlanOptions::default()).unwrap();
    (s, p)
}

fn opened(p: &civplan::plan::Plan) -> Vec<&str> {
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

/// The model falls into independent blocks (beds with places; plots), and a
/// norm that cannot be met in one block leaves the other's plan as it would
/// be alone. Land at 1 m² per resident cannot be met: the elastic and
/// bounded solves take every m² there is, C1, C2 and C3 open with their full
/// land and no beds (land can come without beds), at annuity × (2 M + 2 M +
/// 5 M fixed + 10,000 m² × 300 yuan of rural land) = annuity × 12 M. Two
/// public cemeteries are required and one exists,
/// so C4 opens, empty (no burials), at annuity × its fixed 610,000 yuan. Only
/// the beds block is solved three times: 2 blocks + 2 re-solves = 4 solves.
#[test]
fn a_shortfall_in_one_block_leaves_the_other_blocks_plan_alone() {
    let norms = r#"elderly_land_m2_per_resident = { value = 1.0, source = "plan L1" }
public_cemeteries_min = { value = 2, source = "plan L2" }"#;
    let (_t, dir) = instance(norms, &[]);
    let (s, p) = run(&dir);
    assert_eq!(p.blocks, 2);
    assert_eq!(p.solves, 4);
    assert_eq!(p.shortfalls.len(), 1, "{:#?}", p.shortfalls);
    assert_eq!(p.shortfalls[0].norm, "elderly_land_m2_per_resident");
    assert!((p.shortfalls[0].achievable - 14_400.0).abs() < 1e-3);
    assert_eq!(opened(&p), vec!["C1", "C2", "C3", "C4"]);
    let a = annuity_factor(s.config.costs.discount_rate, s.config.costs.lifetime_years);
    let want = a * (12_000_000.0 + 610_000.0);
    assert!((p.build_cost_yuan_per_year - want).abs() < 1e-6 * want, "{} vs {want}", p.build_cost_yuan_per_year);
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

/// The government cap forces 130 new beds; F2's nursing beds are raised to
/// 80 so the county-wide nursing share (110 of 130 today) needs only
/// 0.6 × 260 − 110 = 46 more, which C3's places (nursing by definition)
/// already give.
fn cap_and_nursing(per_site: bool) -> (tempfile::TempDir, PathBuf) {
    let flag = if per_site { ", per_site = true" } else { "" };
    let norms = format!(
        "government_bed_share_max = {{ value = 0.5, source = \"test\" }}\n\
         nursing_bed_min_share = {{ value = 0.6, source = \"test\"{flag} }}"
    );
    instance(
        &norms,
        &[("facilities.csv", "乙镇敬老院,500000101000,1,80,20,2400", "乙镇敬老院,500000101000,1,80,80,2400")],
    )
}

#[test]
fn nursing_share_per_site_makes_each_new_centre_sixty_percent_nursing() {
    // 130 new beds: C1 + C2 hold only 120, so C3 (100 places at 100,000 +
    // 20,000 nursing + 40 m² × 300 = 132,000 each, fixed 5 M) opens with one
    // rural centre (C1 or C2, fixed 2 M, 115,000 per plain bed, 20,000 more
    // per nursing bed) — the two are identical here, so either may open.
    // County-wide only: cost 7 M + k × 115,000 + (130 − k) × 132,000 falls
    // with k, so k = 60 plain beds, C3 70 places: 23.14 M, no nursing beds at
    // the centre. Per site: the centre needs 0.6 k nursing beds, 127,000 per
    // bed on average, still below 132,000, so k = 60 with 36 nursing beds:
    // 7 M + 60 × 127,000 + 70 × 132,000 = 23.86 M.
    for (per_site, total, centre_nursing) in [(false, 23_140_000.0, 0.0), (true, 23_860_000.0, 36.0)] {
        let (_t, dir) = cap_and_nursing(per_site);
        let (s, p) = run(&dir);
        assert!(p.feasible(), "per_site {per_site}: {:#?}", p.shortfalls);
        let a = annuity_factor(s.config.costs.discount_rate, s.config.costs.lifetime_years);
        let cost = a * total;
        assert!((p.build_cost_yuan_per_year - cost).abs() < 1e-6 * cost, "{} vs {cost}", p.build_cost_yuan_per_year);
        let centre = p.sites.iter().find(|x| x.status != "existing" && x.kind == "elderly_centre").unwrap();
        assert!((centre.beds - 60.0).abs() < 1e-4, "{}", centre.beds);
        assert!((centre.nursing_beds - centre_nursing).abs() < 1e-4, "{}", centre.nursing_beds);
        let c3 = p.sites.iter().find(|x| x.id == "C3").unwrap();
        assert!((c3.beds - 70.0).abs() < 1e-4, "{}", c3.beds);
        let rows = civplan::report::plan::compliance(&s, &p);
        let site_rows: Vec<_> = rows.iter().filter(|r| r.norm == "nursing_bed_min_share_site").collect();
        assert_eq!(site_rows.len(), usize::from(per_site), "{rows:#?}");
        assert!(site_rows.iter().all(|r| r.met && (r.required - 36.0).abs() < 1e-4));
    }
}

#[test]
fn land_per_street_without_a_site_in_the_street_reports_the_street_shortfall() {
    // 甲街道 is the only street; its only elderly-service land is F1's
    // 2,000 m² and no candidate lies in it, so the street falls short by
    // exactly 0.2 × its residents − 2,000 while the county-wide norm is met.
    let norm = r#"elderly_land_m2_per_resident = { value = 0.2, source = "test", per_street = true }"#;
    let (_t, dir) = instance(norm, &[]);
    let (s, p) = run(&dir);
    assert!(!p.feasible());
    assert_eq!(p.shortfalls.len(), 1, "{:#?}", p.shortfalls);
    let sf = &p.shortfalls[0];
    assert_eq!(sf.norm, "elderly_land_m2_per_resident_street");
    assert_eq!(sf.where_, vec!["甲街道".to_string()]);
    let want = 0.2 * p.demand.residents[0] - 2_000.0;
    assert!(want > 0.0);
    assert!((sf.shortfall - want).abs() < 1e-3, "{} vs {want}", sf.shortfall);
    assert!((sf.achievable - 2_000.0).abs() < 1e-3, "{}", sf.achievable);
    let rows = civplan::report::plan::compliance(&s, &p);
    let county = rows.iter().find(|r| r.norm == "elderly_land_m2_per_resident").unwrap();
    assert!(county.met, "{county:?}");
    let street = rows.iter().find(|r| r.norm == "elderly_land_m2_per_resident_street").unwrap();
    assert!(!street.met && (street.slack + want).abs() < 1e-3, "{street:?}");

    // The same from the CLI flag on a scenario without per_street.
    let (_t2, dir2) = instance(LAND, &[]);
    let out = dir2.parent().unwrap().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_civplan"))
        .args(["plan", "--deterministic", "--land-per-street", "--quiet", "--out"])
        .arg(&out)
        .arg(&dir2)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = fs::read_to_string(out.join("compliance.csv")).unwrap();
    assert!(csv.contains("elderly_land_m2_per_resident_street") && csv.contains("甲街道"), "{csv}");
}

#[test]
fn land_per_street_opens_a_street_site_that_then_takes_all_the_missing_land() {
    // A candidate centre C5 in 甲街道 (urban land 1,200 yuan/m²). County-wide
    // alone, the cheapest 1,600-odd m² come from a rural centre (2 M fixed +
    // 300/m²). Per street, C5 must open for 0.2 × r甲 − 2,000 ≈ 1,000 m²;
    // the remaining county gap (≈ 600 m²) then costs ≈ 720,000 at C5 against
    // 2 M + 180,000 at a rural centre, so C5 takes all 0.2 × R − 4,400 m².
    let norm = r#"elderly_land_m2_per_resident = { value = 0.2, source = "test", per_street = true }"#;
    let (_t, dir) = instance(
        norm,
        &[("candidates.csv", "C4,", "C5,elderly_centre,甲街道养老服务中心二,500000001000,,60,3000,,,,,test\nC4,")],
    );
    let (_, p) = run(&dir);
    assert!(p.feasible(), "{:#?}", p.shortfalls);
    assert_eq!(opened(&p), vec!["C5"]);
    let total: f64 = p.demand.residents.iter().sum();
    let want = (0.2 * total - 4_400.0).max(0.2 * p.demand.residents[0] - 2_000.0);
    let c5 = p.sites.iter().find(|x| x.id == "C5").unwrap();
    assert!((c5.land_m2 - want).abs() < 1e-3, "{} vs {want}", c5.land_m2);
}

/// Two draws with hand-set bed demand (100 and 200 beds; 130 exist): the
/// robust plan builds for the second draw only when unmet demand is dear.
#[test]
fn robust_plan_builds_for_the_bad_draw_only_when_unmet_demand_is_dear() {
    use civplan::plan::{solve_robust, PlanDemand, Recourse};
    let (_t, dir) = instance("", &[]);
    let s = load(&dir).unwrap();
    let sim = simulate(&s, &SimOptions { draws: 1, seed: 1, deterministic: true, progress: false });
    let y = sim.year_index(2025).unwrap();
    let base = PlanDemand::of_draw(&sim, y, 0);
    let with_beds = |beds: [f64; 3]| PlanDemand { bed_demand: beds.to_vec(), ..base.clone() };
    let draws = vec![with_beds([60.0, 40.0, 0.0]), with_beds([120.0, 80.0, 0.0])];
    let a = annuity_factor(s.config.costs.discount_rate, s.config.costs.lifetime_years);
    // Penalty per unmet bed = F × a × (100,000 + 20,000); a new plain bed at
    // C1 or C2 costs a × 115,000 (+ a × 2 M per centre). Draw 2 lacks 70 beds
    // and weighs 1/2.
    // F = 10: saving 0.5 × 1.2 M = 600,000 a per bed ≫ 115,000 a: C1 (60) and
    // C2 (10 beds: 10 × 485,000 a > 2 M a) both open; nothing unmet.
    // F = 1: saving 60,000 a < 115,000 a per bed: nothing built; unmet 0 and
    // 70 → expected 35, worst 70 in draw 1.
    for (factor, built, expected, worst) in [(10.0, 70.0, 0.0, 0.0), (1.0, 0.0, 35.0, 70.0)] {
        let rc = Recourse { draws: draws.clone(), draw_ids: vec![0, 1], penalty_factor: factor };
        let p = solve_robust(&s, &base, &rc, &PlanOptions::default()).unwrap();
        let new_beds: f64 = p.sites.iter().filter(|x| x.status != "existing").map(|x| x.beds).sum();
        assert!((new_beds - built).abs() < 1e-4, "F {factor}: {new_beds}");
        let build = if built > 0.0 { a * (4_000_000.0 + built * 115_000.0) } else { 0.0 };
        assert!((p.build_cost_yuan_per_year - build).abs() < 1e-6 * (1.0 + build), "{}", p.build_cost_yuan_per_year);
        let r = p.robust.as_ref().unwrap();
        let beds = r.families.iter().find(|f| f.family.key() == "beds").unwrap();
        assert!((beds.penalty_yuan_per_unit - factor * a * 120_000.0).abs() < 1e-3);
        assert!((beds.expected - expected).abs() < 1e-4, "{beds:?}");
        assert!((beds.worst - worst).abs() < 1e-4, "{beds:?}");
        assert_eq!(beds.draws_short, usize::from(worst > 0.0));
        if worst > 0.0 {
            assert_eq!(beds.worst_draw, 1);
            assert!((r.unmet_cost_yuan_per_year - 35.0 * beds.penalty_yuan_per_unit).abs() < 1e-3);
        }
    }
}

#[test]
fn robust_plan_from_the_cli_writes_expected_and_worst_unmet_demand() {
    let norm = r#"nursing_bed_min_share = { value = 0.6, source = "test" }"#;
    let (_t, dir) = instance(norm, &[]);
    let out = dir.parent().unwrap().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_civplan"))
        .args(["plan", "--robust", "--scenarios", "4", "--quiet", "--out"])
        .arg(&out)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = fs::read_to_string(out.join("robust.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("family,expected_unmet,worst_unmet,worst_draw,draws_short,draws,penalty_yuan_per_unit")
    );
    // No service demand in this instance: nothing is ever unmet.
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(rows.iter().all(|r| r.split(',').nth(1) == Some("0") && r.split(',').nth(5) == Some("4")), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(json["manifest"]["settings"]["robust_draws"], 4);
    // The nursing norm still binds as in the deterministic plan: 70 beds.
    let beds: f64 = json["plan"]["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] != "existing")
        .map(|x| x["nursing_beds"].as_f64().unwrap())
        .sum();
    assert!((beds - 70.0).abs() < 1e-4, "{beds}");
}
