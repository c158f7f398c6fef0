//! Numbers that cannot be right, whatever the input: a negative population,
//! a 60+ share above 1, more nursing beds than beds, an assignment beyond
//! its family's travel limit. The hot paths check them with `debug_assert!`
//! (free in release builds); `tests/bundled_outputs.rs` checks the same
//! relations on every committed result.

use crate::demand::Metric;
use crate::demography::base::Pyramid;
use crate::plan::Plan;
use crate::scenario::Scenario;

/// Room for floating-point round-off in a comparison of `a <= b`.
fn le(a: f64, b: f64) -> bool {
    a <= b + 1e-9 * b.abs().max(1.0)
}

/// Every cell of an age pyramid is a finite count >= 0.
pub fn pyramid(p: &Pyramid) -> Result<(), String> {
    for (sex, row) in p.iter().enumerate() {
        for (age, &v) in row.iter().enumerate() {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("population of sex {sex}, age {age} is {v}"));
            }
        }
    }
    Ok(())
}

/// The relations between a town-year's demand metrics (one draw).
pub fn demand_row(row: &[f64; Metric::COUNT]) -> Result<(), String> {
    use Metric as M;
    let v = |m: M| row[m.index()];
    if let Some(m) = Metric::ALL.iter().find(|&&m| !v(m).is_finite()) {
        return Err(format!("{} is {}", m.key(), v(*m)));
    }
    for m in Metric::ALL {
        if m != M::NetMigration && v(m) < 0.0 {
            return Err(format!("{} is negative: {}", m.key(), v(m)));
        }
    }
    let share = v(M::Aged60Share);
    if share > 1.0 {
        return Err(format!("the 60+ share is {share}, above 1"));
    }
    let at_most = [
        (M::Aged80, M::Aged65),
        (M::Aged65, M::Aged60),
        (M::Aged60, M::Residents),
        (M::DisabledElderly, M::Aged60),
        (M::NursingBedDemand, M::BedDemand),
        (M::BedDemand, M::Aged60),
        (M::TekunDisabled, M::Tekun),
        (M::TekunDisabledWilling, M::TekunDisabled),
        (M::FuneralServices, M::Deaths),
        (M::Cremations, M::Deaths),
    ];
    for (a, b) in at_most {
        if !le(v(a), v(b)) {
            return Err(format!("{} = {} exceeds {} = {}", a.key(), v(a), b.key(), v(b)));
        }
    }
    Ok(())
}

/// A plan's builds, changes and assignments: sizes whole and >= 0, nursing
/// beds within beds, eco plots within plots, assignments >= 0 and within
/// their family's travel limit.
pub fn plan(s: &Scenario, p: &Plan) -> Result<(), String> {
    for b in &p.builds {
        for (what, v) in [
            ("beds", b.beds),
            ("nursing_beds", b.nursing_beds),
            ("places", b.places),
            ("halls", b.halls),
            ("plots", b.plots),
            ("eco_plots", b.eco_plots),
        ] {
            if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0) {
                return Err(format!("build {}: {what} is {v}, expected a whole number >= 0", b.id));
            }
        }
        if !(b.land_m2.is_finite() && b.land_m2 >= 0.0) {
            return Err(format!("build {}: land_m2 is {}", b.id, b.land_m2));
        }
        if b.nursing_beds > b.beds {
            return Err(format!("build {}: {} nursing beds of {} beds", b.id, b.nursing_beds, b.beds));
        }
        if b.eco_plots > b.plots {
            return Err(format!("build {}: {} eco plots of {} plots", b.id, b.eco_plots, b.plots));
        }
    }
    for c in &p.changes {
        if !(c.amount.is_finite() && c.amount > 0.0) {
            return Err(format!("{:?} of {}: amount {}", c.action, c.id, c.amount));
        }
    }
    for a in &p.assignments {
        if !(a.amount.is_finite() && a.amount >= -1e-6) {
            return Err(format!("{} of {} to {} is {}", a.family.key(), a.town_code, a.site_id, a.amount));
        }
        if let (Some(limit), Some(m)) = (a.family.radius(s), a.minutes) {
            if !m.is_finite() || m > limit + 1e-6 {
                return Err(format!(
                    "{} of {} assigned to {} at {m} minutes, beyond the limit of {limit}",
                    a.family.key(),
                    a.town_code,
                    a.site_id
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> [f64; Metric::COUNT] {
        let mut r = [0.0; Metric::COUNT];
        for (m, v) in [
            (Metric::Residents, 1000.0),
            (Metric::Aged60, 300.0),
            (Metric::Aged65, 200.0),
            (Metric::Aged80, 50.0),
            (Metric::Aged60Share, 0.3),
            (Metric::DisabledElderly, 40.0),
            (Metric::BedDemand, 10.0),
            (Metric::NursingBedDemand, 6.0),
            (Metric::Deaths, 9.0),
            (Metric::Cremations, 6.0),
        ] {
            r[m.index()] = v;
        }
        r
    }

    #[test]
    fn a_sound_row_passes_and_each_fault_is_named() {
        assert_eq!(demand_row(&row()), Ok(()));
        let mut r = row();
        r[Metric::Aged60Share.index()] = 1.2;
        assert_eq!(demand_row(&r).unwrap_err(), "the 60+ share is 1.2, above 1");
        let mut r = row();
        r[Metric::NursingBedDemand.index()] = 11.0;
        assert_eq!(demand_row(&r).unwrap_err(), "nursing_bed_demand = 11 exceeds bed_demand = 10");
        let mut r = row();
        r[Metric::Residents.index()] = -1.0;
        assert_eq!(demand_row(&r).unwrap_err(), "residents is negative: -1");
        let mut r = row();
        r[Metric::NetMigration.index()] = -5.0;
        assert_eq!(demand_row(&r), Ok(()));
    }

    #[test]
    fn a_negative_cell_of_a_pyramid_is_named() {
        let mut p: Pyramid = [[1.0; crate::demography::mortality::AGES]; 2];
        assert!(pyramid(&p).is_ok());
        p[1][80] = -0.5;
        assert_eq!(pyramid(&p).unwrap_err(), "population of sex 1, age 80 is -0.5");
    }
}
