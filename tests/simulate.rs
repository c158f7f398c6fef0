//! The Monte Carlo engine against numbers worked out independently: a
//! hand-written Leslie projection, life-table closed forms, and the census
//! inputs themselves.

use civplan::demand::{simulate, SimOptions};
use civplan::demography::base::Pyramid;
use civplan::demography::mortality::{life_expectancy, AGES, OPEN};
use civplan::demography::Projector;
use civplan::report::simulate::demand_csv;
use civplan::scenario::{load, Param, Scenario};
use rand_chacha::ChaCha8Rng;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn mini() -> Scenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")).unwrap()
}

/// The mini scenario with tabulated mortality and fertility, no mortality
/// improvement and fixed migration rates: a pure Leslie model.
fn leslie_scenario() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mini");
    fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for e in fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let mut toml = fs::read_to_string(dir.join("scenario.toml")).unwrap();
    for (old, new) in [
        ("[population]", "[files]\nmortality_table = \"qx.csv\"\nfertility_table = \"asfr.csv\"\n\n[population]"),
        (
            "improvement_rate = { dist = \"triangular\", low = 0.005, mode = 0.015, high = 0.025 }",
            "improvement_rate = 0.0",
        ),
        ("tfr = { dist = \"triangular\", low = 0.85, mode = 1.15, high = 1.45 }", "tfr = 1.5"),
        ("urban_rate = { dist = \"triangular\", low = 0.0, mode = 0.010, high = 0.020 }", "urban_rate = 0.01"),
        ("rural_rate = { dist = \"triangular\", low = -0.022, mode = -0.012, high = -0.002 }", "rural_rate = -0.02"),
        (
            "sex_ratio_at_birth = { dist = \"triangular\", low = 107.0, mode = 111.3, high = 115.6 }",
            "sex_ratio_at_birth = 110.0",
        ),
    ] {
        assert!(toml.contains(old), "{old}");
        toml = toml.replace(old, new);
    }
    fs::write(dir.join("scenario.toml"), toml).unwrap();
    // qx rising with age, distinct by sex; ASFR over 15–49 summing to 1.5.
    let mut qx = String::from("age,qx_male,qx_female\n");
    for a in 0..AGES {
        let m = (0.0005 * (0.085 * a as f64).exp()).min(0.6);
        qx.push_str(&format!("{a},{m:.6},{:.6}\n", m * 0.7));
    }
    qx = qx.replace("\n100,0.6", "\n100,1.0"); // nobody survives the open group's year beyond 100 for males
    fs::write(dir.join("qx.csv"), qx).unwrap();
    let mut asfr = String::from("age,asfr\n");
    for a in 15..50 {
        asfr.push_str(&format!("{a},{}\n", 1.5 / 35.0));
    }
    fs::write(dir.join("asfr.csv"), asfr).unwrap();
    (tmp, dir)
}

/// A Leslie projection written from the model's definition, independent of
/// `demography::project`: births from women at the start of the year; every
/// cohort survives with 1 − q(a) and moves up one year; 99-year-olds and the
/// open group 100+ merge; newborns survive with 1 − q(0); then net migration
/// rate × profile(a) is applied to each age after ageing.
fn leslie(
    mut p: Pyramid,
    qx: &[[f64; AGES]; 2],
    asfr: &[f64; AGES],
    boys: f64,
    mig: f64,
    prof: &[f64; AGES],
) -> Pyramid {
    let births: f64 = (0..AGES).map(|a| asfr[a] * p[1][a]).sum();
    for s in 0..2 {
        let old = p[s];
        let q = &qx[s];
        p[s][OPEN] = old[OPEN] * (1.0 - q[OPEN]) + old[OPEN - 1] * (1.0 - q[OPEN - 1]);
        for a in (1..OPEN).rev() {
            p[s][a] = old[a - 1] * (1.0 - q[a - 1]);
        }
        let newborn = if s == 0 { births * boys } else { births * (1.0 - boys) };
        p[s][0] = newborn * (1.0 - q[0]);
        for a in 0..AGES {
            p[s][a] = (p[s][a] * (1.0 + mig * prof[a])).max(0.0);
        }
    }
    p
}

#[test]
fn deterministic_projection_equals_a_hand_written_leslie_model_for_three_towns() {
    let (_t, dir) = leslie_scenario();
    let s = load(&dir).unwrap();
    let proj = Projector::new(&s);
    let mut rng = civplan::demand::draw_rng(1, 0);
    let draw = proj.sample_draw(&mut rng, true);
    let rates = proj.year_rates(&draw, &mut rng, true);
    // Inputs of the hand model, read from the files as written above.
    let mut qx = [[0.0; AGES]; 2];
    for r in &s.mortality_table {
        qx[0][r.age as usize] = r.qx_male;
        qx[1][r.age as usize] = r.qx_female;
    }
    let mut asfr = [0.0; AGES];
    for r in &s.fertility_table {
        asfr[r.age as usize] = r.asfr;
    }
    let boys = 110.0 / 210.0;
    let mut prof = [0.0; AGES];
    for (a, p) in prof.iter_mut().enumerate() {
        *p = s.config.demography.migration.age_profile[(a / 5).min(20)];
    }
    for town in 0..3 {
        let mig = if s.towns[town].class == civplan::scenario::TownClass::Urban { 0.01 } else { -0.02 };
        let mut expected = proj.town_base[town];
        let mut worst: f64 = 0.0;
        proj.project_town::<ChaCha8Rng>(town, &draw, &rates, None, |_, start, _| {
            for s in 0..2 {
                for a in 0..AGES {
                    let rel = (start[s][a] - expected[s][a]).abs() / expected[s][a].abs().max(1.0);
                    worst = worst.max(rel);
                }
            }
            expected = leslie(expected, &qx, &asfr, boys, mig, &prof);
        });
        assert!(worst < 1e-9, "town {town}: worst relative difference {worst:e}");
    }
}

#[test]
fn calibrated_schedules_reproduce_each_scenarios_life_expectancy() {
    for c in ["tongnan", "tongliang", "dianjiang", "anyue", "yubei"] {
        let s = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(c)).unwrap();
        let proj = Projector::new(&s);
        let m = &s.config.demography.mortality;
        for (sex, e0) in [(0, m.e0_male_years), (1, m.e0_female_years)] {
            let got = life_expectancy(&proj.base_m[sex]);
            assert!((got - e0).abs() < 0.05, "{c} sex {sex}: e0 {got} vs {e0}");
        }
    }
}

fn csv_with_threads(s: &Scenario, opts: &SimOptions, threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| demand_csv(&simulate(s, opts)))
}

#[test]
fn same_seed_gives_identical_bytes_with_one_or_two_threads() {
    let s = mini();
    let opts = SimOptions { draws: 24, seed: 7, deterministic: false, progress: false };
    let one = csv_with_threads(&s, &opts, 1);
    let two = csv_with_threads(&s, &opts, 2);
    assert_eq!(one, two);
    let other = csv_with_threads(&s, &SimOptions { seed: 8, ..opts }, 2);
    assert_ne!(one, other, "a different seed must give different draws");
}

#[test]
fn any_draw_replays_alone() {
    // Draw 5 of a 10-draw run equals draw 0 of … no: the stream is keyed by
    // draw index, so the first 6 draws of a 10-draw run equal a 6-draw run.
    let s = mini();
    let a = simulate(&s, &SimOptions { draws: 10, seed: 3, deterministic: false, progress: false });
    let b = simulate(&s, &SimOptions { draws: 6, seed: 3, deterministic: false, progress: false });
    for d in 0..6 {
        assert_eq!(a.values.index_axis(ndarray::Axis(0), d), b.values.index_axis(ndarray::Axis(0), d));
    }
}

#[test]
fn base_year_equals_the_census_inputs() {
    // Mini's county table: 30,000 residents, 60+ = 1,000 + 1,000 + 2,300 +
    // 2,500 = 6,800, 65+ = 4,800: every draw starts from them exactly.
    let s = mini();
    let sim = simulate(&s, &SimOptions { draws: 5, seed: 1, deterministic: false, progress: false });
    let county = |m| sim.county_values(0, m);
    use civplan::demand::Metric as M;
    for d in 0..5 {
        assert_eq!(county(M::Residents)[d], 30_000.0);
        assert_eq!(county(M::Aged60)[d], 6_800.0);
        assert_eq!(county(M::Aged65)[d], 4_800.0);
    }
    // Town shares shape the towns: 甲 (20 % of 15,000) and 乙 (30 % of 9,000)
    // imply 3,000 + 2,700 + 6,000 × 6,800 / 30,000 = 7,060 aged 60+, so both
    // shares are scaled by 6,800 / 7,060 and 丙 (no share) takes the rest:
    // 甲 2,889.52, 乙 2,600.57, 丙 1,309.92 (by hand).
    let det = simulate(&s, &SimOptions { draws: 1, seed: 1, deterministic: true, progress: false });
    let k = 6_800.0 / 7_060.0;
    for (t, want) in [(0, 3_000.0 * k), (1, 2_700.0 * k), (2, 6_800.0 - 5_700.0 * k)] {
        let got = det.town_values(0, t, M::Aged60)[0];
        assert!((got - want).abs() < 0.01, "town {t}: {got} vs {want}");
    }
}

#[test]
fn deterministic_mode_has_no_spread() {
    let s = mini();
    let sim = simulate(&s, &SimOptions { draws: 50, seed: 1, deterministic: true, progress: false });
    assert_eq!(sim.draws(), 1);
    let csv = demand_csv(&sim);
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[5], f[7], "p5 = p95 in {line}");
    }
}

#[test]
fn params_with_zero_spread_are_their_central_value() {
    let mut rng = civplan::demand::draw_rng(1, 0);
    let p = Param::Beta { mean: 0.3, sd: 0.0 };
    assert_eq!(p.sample(&mut rng), 0.3);
}

fn civplan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_civplan"))
}

#[test]
fn cli_simulate_writes_tables_manifest_and_inputs_identically_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let run = |threads: &str, out: &Path| {
        let st = civplan()
            .args([
                "simulate",
                "--draws",
                "12",
                "--seed",
                "5",
                "--keep-draws",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(out)
            .arg(&fixture)
            .status()
            .unwrap();
        assert!(st.success());
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run("1", &a);
    run("2", &b);
    for f in [
        "demand.csv",
        "county.csv",
        "pyramid.csv",
        "draws.csv",
        "simulate.json",
        "inputs/scenario.toml",
        "inputs/towns.csv",
    ] {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(x == y, "{f} differs between 1 and 2 threads");
    }
    // 3 towns × 4 years (2020, 2025, 2030, 2035) × 21 metrics + header.
    let demand = fs::read_to_string(a.join("demand.csv")).unwrap();
    assert_eq!(demand.lines().count(), 3 * 4 * 21 + 1);
    assert!(demand.starts_with("town_code,town_name,year,metric,mean,p5,p25,p50,p75,p95,residents_derived\n"));
    // The county pyramid: 4 years × 2 sexes × 19 census groups + header.
    let pyramid = fs::read_to_string(a.join("pyramid.csv")).unwrap();
    assert_eq!(pyramid.lines().count(), 4 * 2 * 19 + 1);
    assert!(pyramid.starts_with("year,sex,age_group,mean,p5,p25,p50,p75,p95\n2020,male,0,"));
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(a.join("simulate.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 5);
    assert_eq!(manifest["draws"], 12);
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    // The resolved inputs read back as a valid scenario.
    assert!(load(&a.join("inputs")).is_ok());
}

#[test]
fn cli_bad_scenario_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad");
    fs::create_dir_all(&bad).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for e in fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), bad.join(e.file_name())).unwrap();
    }
    let t = fs::read_to_string(bad.join("towns.csv")).unwrap().replace("0.30,0.24", "3.0,0.24");
    fs::write(bad.join("towns.csv"), t).unwrap();
    let out = tmp.path().join("out");
    let o = civplan().args(["simulate", "--quiet", "--out"]).arg(&out).arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("towns.csv:3:44: `aged60_share` = 3: a share in [0, 1]"), "{err}");
    assert!(!out.exists(), "no partial output");
    let v = civplan().arg("validate").arg(&bad).output().unwrap();
    assert_eq!(v.status.code(), Some(2));
}
