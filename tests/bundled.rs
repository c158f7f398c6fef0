//! The five bundled county scenarios: each validates, reads back identically
//! after being written (round trip), and starts from its census figures.

use civplan::demand::{simulate, Metric, SimOptions};
use civplan::scenario::{load, save};
use std::path::Path;

const COUNTIES: [&str; 5] = ["tongnan", "tongliang", "dianjiang", "anyue", "yubei"];

fn dir(c: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(c)
}

#[test]
fn every_bundled_scenario_validates() {
    for c in COUNTIES {
        if let Err(e) = load(&dir(c)) {
            panic!("{c}:\n{}", e.render(false));
        }
    }
}

#[test]
fn a_scenario_written_and_read_back_is_identical() {
    for c in COUNTIES {
        let s = load(&dir(c)).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        save(&s, tmp.path()).unwrap();
        let back = load(tmp.path()).unwrap();
        assert_eq!(s, back, "{c}");
    }
}

#[test]
fn base_year_totals_and_ageing_equal_the_census_and_2025_stays_plausible() {
    for c in COUNTIES {
        let s = load(&dir(c)).unwrap();
        let sim = simulate(&s, &SimOptions { draws: 20, seed: 1, deterministic: false, progress: false });
        let want = s.config.population.residents_2020 as f64;
        let n = s.towns.len() as f64;
        for r in sim.county_values(0, Metric::Residents) {
            // Whole persons: each town rounds its three census bands (±1.5 a town).
            assert!((r - want).abs() <= 1.5 * n, "{c}: {r} vs {want}");
        }
        if let Some(a60) = s.config.population.aged60_share {
            for v in sim.county_values(0, Metric::Aged60Share) {
                assert!((v - a60).abs() < 0.002, "{c}: 60+ share {v} vs {a60}");
            }
        }
        // Five years on: between −10 % and +15 % of 2020 (the 2010–2020
        // censuses of these counties changed by −17 % (安岳) to +63 % (渝北)
        // over ten years, i.e. at most about ±5 % a year with migration).
        let y = sim.year_index(2025).unwrap();
        for r in sim.county_values(y, Metric::Residents) {
            let g = r / want - 1.0;
            assert!((-0.10..=0.15).contains(&g), "{c}: 2025 change {g}");
        }
    }
}
