//! The census-grounded population against numbers worked out independently:
//! the census tables themselves, a stationary population, and hand-made
//! broken inputs.

use civplan::demography::mortality::{AGES, OPEN};
use civplan::demography::project::{step, YearRates};
use civplan::demography::Projector;
use civplan::scenario::load;
use rand_chacha::ChaCha8Rng;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const COUNTIES: [&str; 5] = ["tongnan", "tongliang", "dianjiang", "anyue", "yubei"];

fn dir(c: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(c)
}

/// The census table as the shared data gives it, read independently of
/// the loader: (age_from, male, female) per row of the scenario's table.
fn table(path: &Path) -> Vec<(usize, Option<usize>, f64, f64)> {
    let text = fs::read_to_string(path).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].parse().unwrap(), r[1].parse().ok(), r[2].parse().unwrap(), r[3].parse().unwrap())
        })
        .collect()
}

#[test]
fn every_county_base_equals_its_census_table_cell_by_cell() {
    for c in COUNTIES {
        let s = load(&dir(c)).unwrap();
        let proj = Projector::new(&s);
        let rows = table(&dir(c).join("age_structure.csv"));
        assert_eq!(rows.len(), 19, "{c}: 19 census groups");
        for (name, base) in [("real", &proj.town_base[..]), ("whole", proj.town_base_whole())] {
            for &(from, to, male, female) in &rows {
                let hi = to.unwrap_or(OPEN);
                for (sex, want) in [(0, male), (1, female)] {
                    let got: f64 = base.iter().map(|p| p[sex][from..=hi].iter().sum::<f64>()).sum();
                    // Whole persons: exact; real: to round-off.
                    let tol = if name == "whole" { 0.0 } else { 1e-6 };
                    assert!(
                        (got - want).abs() <= tol,
                        "{c} {name}: sex {sex} ages {from}-{hi}: {got} vs census {want}"
                    );
                }
            }
            // Every town keeps its total.
            for (t, p) in s.towns.iter().zip(base) {
                let n: f64 = p.iter().flatten().sum();
                assert!((n - t.residents_2020 as f64).abs() < 1e-6, "{c} {name}: {} {n}", t.name);
            }
        }
        // 60+, 65+, 80+ as the census (潼南 80+: 6,484 + 7,269 + 4,559 + 5,906 = 24,218).
        let census = |from: usize| rows.iter().filter(|r| r.0 >= from).map(|r| r.2 + r.3).sum::<f64>();
        let base = |from: usize| {
            proj.town_base_whole()
                .iter()
                .map(|p| p[0][from..].iter().sum::<f64>() + p[1][from..].iter().sum::<f64>())
                .sum::<f64>()
        };
        for from in [60, 65, 80] {
            assert_eq!(base(from), census(from), "{c}: {from}+");
        }
        if c == "tongnan" {
            assert_eq!(census(80), 24_218.0);
            // The brief's census shares: 25.70 % and 20.08 %.
            assert!((census(60) / 688_115.0 - 0.2570).abs() < 5e-5 && (census(65) / 688_115.0 - 0.2008).abs() < 5e-5);
        }
        if c == "anyue" {
            assert!((census(60) / 950_939.0 - 0.2985).abs() < 5e-5 && (census(65) / 950_939.0 - 0.2400).abs() < 5e-5);
        }
    }
}

/// The 85+ group is spread over 85..100+ by the stationary population L_x
/// of the scenario's own (calibrated) life table: the single years decline
/// as L_{x+1}/L_x and sum to the group.
#[test]
fn the_85_plus_split_follows_the_life_table() {
    let s = load(&dir("tongnan")).unwrap();
    let proj = Projector::new(&s);
    let lx = civplan::demography::base::stationary(&proj.base_m[1]);
    let women: Vec<f64> = (85..AGES).map(|a| proj.town_base.iter().map(|p| p[1][a]).sum()).collect();
    assert!((women.iter().sum::<f64>() - 5_906.0).abs() < 1e-6);
    for a in 86..OPEN {
        let ratio = women[a - 85] / women[a - 86];
        assert!((ratio - lx[a] / lx[a - 1]).abs() < 1e-9, "age {a}");
    }
}

/// The mini fixture with tabulated mortality and fertility, no improvement,
/// a 2010 table and zero migration: a population that is stationary under
/// the model's own step (births = deaths) projects 2010 → 2020 to itself.
#[test]
fn a_stationary_population_projects_to_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("st");
    fs::create_dir_all(&d).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for e in fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    // qx rising with age to 0.6 at 100+.
    // As written to qx.csv (8 decimals), so the hand population uses the model's q.
    let q = |a: usize| format!("{:.8}", (0.0008 * (0.085 * a as f64).exp()).min(0.6)).parse::<f64>().unwrap();
    let mut qx = String::from("age,qx_male,qx_female\n");
    for a in 0..AGES {
        qx.push_str(&format!("{a},{},{}\n", q(a), q(a)));
    }
    fs::write(d.join("qx.csv"), qx).unwrap();
    // Stationary under the step: P(0) = B(1 − q0), P(a) = P(a−1)(1 − q(a−1)),
    // P(100) = P(99)(1 − q99) / q100, for each sex with half the births.
    let b = 500.0;
    let mut p = [0.0; AGES];
    p[0] = b * (1.0 - q(0));
    for a in 1..OPEN {
        p[a] = p[a - 1] * (1.0 - q(a - 1));
    }
    p[OPEN] = p[OPEN - 1] * (1.0 - q(OPEN - 1)) / q(OPEN);
    let women: f64 = p[15..50].iter().sum();
    let asfr = 2.0 * b / women;
    let mut f = String::from("age,asfr\n");
    for a in 15..50 {
        f.push_str(&format!("{a},{asfr:.12}\n"));
    }
    fs::write(d.join("asfr.csv"), f).unwrap();
    let total: f64 = 2.0 * p.iter().sum::<f64>();
    let mut toml = fs::read_to_string(d.join("scenario.toml")).unwrap();
    for (old, new) in [
        ("[population]", "[files]\nmortality_table = \"qx.csv\"\nfertility_table = \"asfr.csv\"\n\n[population]"),
        (
            "improvement_rate = { dist = \"triangular\", low = 0.005, mode = 0.015, high = 0.025 }",
            "improvement_rate = 0.0",
        ),
        ("improvement_volatility = 0.01", "improvement_volatility = 0.0"),
        ("tfr = { dist = \"triangular\", low = 0.85, mode = 1.15, high = 1.45 }", &format!("tfr = {}", asfr * 35.0)),
        ("tfr_volatility = 0.05", "tfr_volatility = 0.0"),
        (
            "sex_ratio_at_birth = { dist = \"triangular\", low = 107.0, mode = 111.3, high = 115.6 }",
            "sex_ratio_at_birth = 100.0",
        ),
        ("urban_rate = { dist = \"triangular\", low = 0.0, mode = 0.010, high = 0.020 }", "urban_rate = 0.0"),
        ("rural_rate = { dist = \"triangular\", low = -0.022, mode = -0.012, high = -0.002 }", "rural_rate = 0.0"),
    ] {
        assert!(toml.contains(old), "{old}");
        toml = toml.replace(old, new);
    }
    fs::write(d.join("scenario.toml"), toml).unwrap();
    let s = load(&d).unwrap();
    let mut proj = Projector::new(&s);
    proj.town_base = vec![[p, p]];
    proj.mig_base = [[[0.0; AGES]; 2]; 2];
    let mut rng = civplan::demand::draw_rng(1, 0);
    let draw = proj.sample_draw(&mut rng, true);
    let rates = proj.year_rates(&draw, &mut rng, true);
    let mut worst: f64 = 0.0;
    proj.project_town::<ChaCha8Rng>(0, &draw, &rates, None, |_, start, flows| {
        for row in start {
            for a in 0..AGES {
                worst = worst.max((row[a] - p[a]).abs() / p[a].max(1e-9));
            }
        }
        assert!((flows.births - flows.deaths).abs() < 1e-6 * total, "births {} deaths {}", flows.births, flows.deaths);
    });
    assert!(worst < 1e-9, "worst relative drift {worst:e}");
    // The same step, closed and by hand, from the 2010 schedule the
    // back-test uses (no drift: the 2010 level is the base one).
    let back = Projector::from_2010(&s);
    assert!(back.is_none(), "mini has no 2010 table");
    let yr = YearRates::new([std::array::from_fn(q), std::array::from_fn(q)], [0.0; AGES], 0.5);
    let mut one = [p, p];
    step::<ChaCha8Rng>(&mut one, &yr, None, None);
    assert!((one[0][50] - p[50]).abs() < 1e-9, "ages 1+ are stationary without births too");
}

fn civplan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_civplan"))
}

#[test]
fn cli_backtest_runs_end_to_end_on_a_bundled_county() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bt");
    let o = civplan()
        .args(["backtest", "--draws", "40", "--seed", "3", "--threads", "2", "--out"])
        .arg(&out)
        .arg(dir("tongnan"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("total") && err.contains("80+") && err.contains("in-sample"), "{err}");
    let csv = fs::read_to_string(out.join("backtest.csv")).unwrap();
    assert!(csv.starts_with("group,sex,projected_p5,projected_p50,projected_p95,census,error,relative_error\n"));
    // (19 groups + total, 60+, 65+, 80+) × (male, female, total) + header.
    assert_eq!(csv.lines().count(), 23 * 3 + 1);
    // The census column is the 2020 table: 潼南 85+ women 5,906, total 688,115.
    assert!(
        csv.contains("\n85+,female,")
            && csv.lines().any(|l| l.starts_with("85+,female,") && l.split(',').nth(5) == Some("5906"))
    );
    assert!(csv.lines().any(|l| l.starts_with("total,total,") && l.split(',').nth(5) == Some("688115")));
    let m: serde_json::Value = serde_json::from_slice(&fs::read(out.join("backtest.json")).unwrap()).unwrap();
    assert_eq!((m["seed"].as_u64(), m["draws"].as_u64()), (Some(3), Some(40)));
    assert_eq!(m["command"], "backtest");
    assert!(load(&out.join("inputs")).is_ok());
    // The same bytes with one thread.
    let out1 = tmp.path().join("bt1");
    let st = civplan()
        .args(["backtest", "-q", "--draws", "40", "--seed", "3", "--threads", "1", "--out"])
        .arg(&out1)
        .arg(dir("tongnan"))
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(fs::read(out1.join("backtest.csv")).unwrap(), csv.as_bytes());
}

/// A copy of 潼南 with one edit to one file.
fn broken(file: &str, edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("tn");
    fs::create_dir_all(&d).unwrap();
    for e in fs::read_dir(dir("tongnan")).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            fs::copy(e.path(), d.join(e.file_name())).unwrap();
        }
    }
    let text = fs::read_to_string(d.join(file)).unwrap();
    let changed = edit(text.clone());
    assert_ne!(text, changed, "the edit must change {file}");
    fs::write(d.join(file), changed).unwrap();
    (tmp, d)
}

fn refused(d: &Path) -> String {
    let out = d.parent().unwrap().join("out");
    for cmd in ["validate", "simulate", "backtest"] {
        let mut c = civplan();
        c.arg(cmd);
        if cmd != "validate" {
            c.arg("--out").arg(&out);
        }
        let o = c.arg(d).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(!out.exists(), "{cmd}: no partial output");
    }
    let o = civplan().arg("validate").arg(d).output().unwrap();
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_2010_table_that_does_not_sum_to_its_total_is_refused() {
    // One more boy aged 0 in 2010: the rows sum to 639,986, not 639,985.
    let (_t, d) = broken("census_2010.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(String::from).collect();
        let mut cells: Vec<String> = lines[1].split(',').map(String::from).collect();
        cells[2] = (cells[2].parse::<u64>().unwrap() + 1).to_string();
        lines[1] = cells.join(",");
        lines.join("\n") + "\n"
    });
    let err = refused(&d);
    assert!(err.contains("census_2010.csv:2:"), "{err}");
    assert!(err.contains("`total` = 639985: the sum of the rows' male + female (639986, off by 1)"), "{err}");
}

#[test]
fn a_mismatched_code_mapping_is_refused() {
    // The 2010 table is 潼南县 500223; map it to the 2020 code instead.
    let (_t, d) =
        broken("scenario.toml", |t| t.replace("census_code_2010 = \"500223\"", "census_code_2010 = \"500152\""));
    let err = refused(&d);
    assert!(err.contains("census_2010.csv:2:"), "{err}");
    assert!(
        err.contains("`code` = 500223: the county's 2010 census code 500152 (population.census_code_2010"),
        "{err}"
    );
    // And a 2020 table row with a stray code.
    let (_t, d) = broken("age_structure.csv", |t| t.replacen(",500152,688115,", ",500223,688115,", 1));
    let err = refused(&d);
    assert!(
        err.contains("age_structure.csv:2:") && err.contains("`code` = 500223: the county's 2020 census code 500152"),
        "{err}"
    );
}

/// The back-test replays the decade the migration rates were fitted on, so
/// `fitted_scale` (the doubt about the pace after 2020) does not enter it:
/// 渝北 with its own factor (triangular 0 / 0.1 / 1) and with the other
/// counties' (0.5 / 1 / 1.5) back-tests the same, draw for draw — while a
/// factor of about a tenth would leave its 2020 total far short of the census.
#[test]
fn the_back_test_applies_the_fitted_migration_at_its_own_pace() {
    use civplan::scenario::Param;
    let base = load(&dir("yubei")).unwrap();
    let with = |low, mode, high| {
        let mut s = base.clone();
        s.config.demography.migration.fitted_scale = Some(Param::Triangular { low, mode, high });
        let b = civplan::backtest::backtest(&s, 20, 3, false).unwrap();
        serde_json::to_string(&b.rows).unwrap()
    };
    let own = with(0.0, 0.1, 1.0);
    assert_eq!(own, with(0.5, 1.0, 1.5));
    let b = civplan::backtest::backtest(&base, 20, 3, false).unwrap();
    let total = b.rows.iter().find(|r| r.group == "total" && r.sex == "total").unwrap();
    // Census 2,191,493; at a tenth of the decade's +5 %/yr it would be ~1.4 million.
    assert!((total.projected_p50 / 2_191_493.0 - 1.0).abs() < 0.02, "{}", total.projected_p50);
}
