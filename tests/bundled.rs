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
fn base_year_equals_the_census_and_2025_follows_the_decade() {
    for c in COUNTIES {
        let s = load(&dir(c)).unwrap();
        let sim = simulate(&s, &SimOptions { draws: 20, seed: 1, deterministic: false, progress: false });
        let want = s.config.population.residents_2020 as f64;
        let census =
            |from: u32| s.age_structure.iter().filter(|g| g.age_from >= from).map(|g| g.male + g.female).sum::<f64>();
        for (m, from) in [(Metric::Residents, 0), (Metric::Aged60, 60), (Metric::Aged65, 65), (Metric::Aged80, 80)] {
            for v in sim.county_values(0, m) {
                // Whole persons that keep every census cell: exact.
                assert_eq!(v, census(from), "{c}: {} in 2020", m.key());
            }
        }
        assert_eq!(census(0), want, "{c}: the table sums to the census total");
        // Five years on: within 0.75 × the 2010–2020 change (half the decade
        // at up to 1.5 × its rates, the fitted scale's range) ± 5 points for
        // fertility and noise. 2010–2020: −17 % (安岳) to +63 % (渝北).
        let p2010 = s.config.population.residents_2010.unwrap() as f64;
        let decade = want / p2010 - 1.0;
        let (lo, hi) = ((0.75 * decade).min(0.0) - 0.05, (0.75 * decade).max(0.0) + 0.05);
        let y = sim.year_index(2025).unwrap();
        for r in sim.county_values(y, Metric::Residents) {
            let g = r / want - 1.0;
            assert!((lo..=hi).contains(&g), "{c}: 2025 change {g} outside [{lo}, {hi}]");
        }
    }
}
