//! Which runs of a batch can share one Monte Carlo simulation.
//!
//! [`simulation_input`] is the scenario a batch run hands to
//! [`crate::demand::simulate`]: the plan's simulation scenario
//! ([`crate::plan::simulation_scenario`]: its target years and every
//! period's end year) with every part the simulation does not read set to a
//! neutral value. The batch simulates exactly that scenario, and
//! [`sim_key`] hashes exactly that scenario and the simulation options, so
//! two runs share a simulation only when the simulation is given the same
//! data. Parts are blanked by naming what is *not* an input (costs, travel,
//! facilities, candidates, plan settings, norms other than the land norm's
//! value, the demand model reads); a new field anywhere else is hashed, and
//! a new field of a blanked struct stops the build until it is placed here.
//! A test checks that simulating the projection gives the same simulation
//! as simulating the whole scenario.

use crate::demand::SimOptions;
use crate::plan::{simulation_scenario, PlanOptions};
use crate::scenario::{Costs, Files, Norm, OperatingCosts, PlanSettings, Scenario, Travel};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The norm whose value the demand model reads (the `elderly_land_m2`
/// metric is residents × this value).
pub const LAND_NORM: &str = "elderly_land_m2_per_resident";

/// The scenario the simulation of a plan run is given, with everything it
/// does not read blanked.
pub fn simulation_input(s: &Scenario, opts: &PlanOptions) -> Scenario {
    let mut x = simulation_scenario(s, opts);
    let meta = &mut x.config.meta;
    // Names and documents label outputs; draws and seed come in SimOptions.
    for text in [
        &mut meta.name,
        &mut meta.name_pinyin,
        &mut meta.province,
        &mut meta.plan_title,
        &mut meta.plan_file,
        &mut meta.plan_document,
    ] {
        text.clear();
    }
    meta.draws = 0;
    meta.seed = 0;
    // File names only say where the tables were read from.
    x.config.files = Files::default();
    x.config.costs = Costs {
        bed_yuan: 0.0,
        nursing_bed_extra_yuan: 0.0,
        land_urban_yuan_per_m2: 0.0,
        land_rural_yuan_per_m2: 0.0,
        grave_plot_yuan: 0.0,
        hall_yuan: 0.0,
        fixed_yuan: Default::default(),
        discount_rate: 0.0,
        lifetime_years: 0.0,
        travel_yuan_per_person_minute: 0.0,
        convert_bed_yuan: 0.0,
        transfer_bed_yuan: 0.0,
        close_facility_yuan: 0.0,
        operating: OperatingCosts::default(),
    };
    x.config.travel = Travel { detour_factor: 0.0, speed_kmh: 0.0, intra_town_min: 0.0 };
    x.config.plan = PlanSettings::default();
    let land = x.config.norms.get(LAND_NORM).map(|n| n.value);
    x.config.norms.0.clear();
    if let Some(value) = land {
        x.config.norms.0.insert(
            LAND_NORM.to_string(),
            Norm {
                value,
                source: String::new(),
                binding: false,
                province_default: false,
                basis: None,
                base: Default::default(),
                year: None,
                targets: Default::default(),
                per_site: false,
                per_street: false,
            },
        );
    }
    x.facilities.clear();
    x.candidates.clear();
    x.travel_matrix.clear();
    x.assumptions.clear();
    x
}

/// SHA-256 of a value's JSON, as lower-case hex.
pub fn hash_json<T: Serialize + ?Sized>(v: &T) -> String {
    let bytes = serde_json::to_vec(v).expect("civplan's types serialise to JSON");
    hex(&Sha256::digest(&bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of a simulation: its input scenario and its options (draws,
/// seed, deterministic; not the progress bar).
pub fn sim_key(input: &Scenario, sim: &SimOptions) -> String {
    hash_json(&(input, sim.draws, sim.seed, sim.deterministic))
}

/// A scenario's content: every value it was read as (not where it was read from).
pub fn content(s: &Scenario) -> String {
    hash_json(&(s, &s.assumptions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::overrides::{load, Override};
    use crate::demand::simulate;
    use std::path::Path;

    fn mini(sets: &[&str]) -> Scenario {
        let o: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini"), &o).unwrap()
    }

    fn key(sets: &[&str]) -> String {
        let s = mini(sets);
        let opts = PlanOptions::default();
        sim_key(&simulation_input(&s, &opts), &SimOptions::from_scenario(&s))
    }

    #[test]
    fn planning_keys_share_a_simulation_and_demography_keys_do_not() {
        let base = key(&[]);
        for planning in [
            "norms.nursing_bed_min_share.value=0.55",
            "plan.quantile=0.5",
            "costs.bed_yuan=120000",
            "plan.budget_wan.2021-2025=5000",
            "travel.speed_kmh=30",
            "meta.name=\"另一个县\"",
            // Ends in 2030, a target year already simulated.
            "plan.periods=[\"2021-2030\", \"2031-2035\"]",
        ] {
            assert_eq!(key(&[planning]), base, "{planning} should share the simulation");
        }
        for demography in [
            "demand.tekun_per_resident=0.007",
            "demography.fertility.tfr=1.3",
            "meta.seed=1",
            "meta.draws=7",
            "norms.elderly_land_m2_per_resident.value=0.3",
            // 2028 is not a target year: the plan needs its demand simulated.
            "plan.periods=[\"2021-2028\", \"2029-2035\"]",
        ] {
            assert_ne!(key(&[demography]), base, "{demography} changes the simulation");
        }
    }

    #[test]
    fn the_projection_simulates_like_the_whole_scenario() {
        let s = mini(&[]);
        let opts = PlanOptions::default();
        let sim = SimOptions { draws: 4, ..SimOptions::from_scenario(&s) };
        let whole = simulate(&simulation_scenario(&s, &opts), &sim);
        let projected = simulate(&simulation_input(&s, &opts), &sim);
        assert_eq!(whole.years, projected.years);
        assert_eq!(whole.town_codes, projected.town_codes);
        assert_eq!(whole.town_derived, projected.town_derived);
        assert_eq!(whole.values, projected.values);
        assert_eq!(whole.pyramid, projected.pyramid);
    }
}
