//! The 2020 base population by town, sex and single year of age.
//!
//! Method (documented in the README):
//! 1. `age_structure.csv` groups are split into single years evenly within
//!    each closed group; an open group that starts below 100 is spread over
//!    its ages with a geometric decline of 20 % a year (an assumption: the
//!    survival of the very old), and 100+ stays whole.
//! 2. For a `reference` shape (e.g. the province), the sexes are rescaled to
//!    the county's sex ratio, then the bands 0–14, 15–59, 60–64 and 65+ to
//!    the county's census shares, keeping the shape inside each band.
//! 3. Each town takes the county shape; where towns.csv gives the town's 60+
//!    (and 65+) share, the bands under 60, 60–64 and 65+ are rescaled to it.
//! 4. Counts are the shares times the town's 2020 residents, so every town
//!    sums exactly to its census total.

use super::mortality::{AGES, OPEN};
use crate::scenario::{AgeGroup, AgeScope, Population, Town};

/// Population by sex (0 = male, 1 = female) and single year of age.
pub type Pyramid = [[f64; AGES]; 2];

/// Geometric decline per year of age inside an open group starting below 100.
const OPEN_GROUP_DECLINE: f64 = 0.8;

/// Expand grouped counts to single years 0..=100.
pub fn single_years(groups: &[AgeGroup]) -> Pyramid {
    let mut p = [[0.0; AGES]; 2];
    for g in groups {
        let from = (g.age_from as usize).min(OPEN);
        for (s, total) in [(0, g.male), (1, g.female)] {
            match g.age_to {
                Some(to) => {
                    let to = (to as usize).min(OPEN);
                    let n = (to - from + 1) as f64;
                    for a in from..=to {
                        p[s][a] += total / n;
                    }
                }
                None => {
                    let weights: Vec<f64> = (from..=OPEN).map(|a| OPEN_GROUP_DECLINE.powi((a - from) as i32)).collect();
                    let w: f64 = weights.iter().sum();
                    for (i, a) in (from..=OPEN).enumerate() {
                        p[s][a] += total * weights[i] / w;
                    }
                }
            }
        }
    }
    p
}

fn band_sum(p: &Pyramid, lo: usize, hi: usize) -> f64 {
    (lo..=hi).map(|a| p[0][a] + p[1][a]).sum()
}

fn scale_band(p: &mut Pyramid, lo: usize, hi: usize, target: f64) {
    let cur = band_sum(p, lo, hi);
    if cur > 0.0 {
        let f = target / cur;
        for s in p.iter_mut() {
            for v in &mut s[lo..=hi] {
                *v *= f;
            }
        }
    }
}

/// Normalise to shares summing to 1.
fn normalise(p: &mut Pyramid) {
    let t = band_sum(p, 0, OPEN);
    if t > 0.0 {
        for s in p.iter_mut() {
            for v in s.iter_mut() {
                *v /= t;
            }
        }
    }
}

/// County shape (shares summing to 1) from the scenario's age table.
pub fn county_shape(groups: &[AgeGroup], pop: &Population) -> Pyramid {
    let mut p = single_years(groups);
    normalise(&mut p);
    if pop.age_structure_scope == AgeScope::Reference {
        if let Some(sr) = pop.sex_ratio {
            let (m, f): (f64, f64) = (p[0].iter().sum(), p[1].iter().sum());
            let male_share = sr / (100.0 + sr);
            if m > 0.0 && f > 0.0 {
                p[0].iter_mut().for_each(|v| *v *= male_share / m);
                p[1].iter_mut().for_each(|v| *v *= (1.0 - male_share) / f);
            }
        }
        if let (Some(a60), Some(a65)) = (pop.aged60_share, pop.aged65_share) {
            match pop.aged0_14_share {
                Some(a014) => {
                    scale_band(&mut p, 0, 14, a014);
                    scale_band(&mut p, 15, 59, 1.0 - a014 - a60);
                }
                None => scale_band(&mut p, 0, 59, 1.0 - a60),
            }
            scale_band(&mut p, 60, 64, a60 - a65);
            scale_band(&mut p, 65, OPEN, a65);
        }
    }
    normalise(&mut p);
    p
}

/// Town 60+/65+ shares made consistent with the county census shares: where
/// town populations are derived by the split rule (or rounded), Σ residents ×
/// share need not give the county's published 60+ count, so every town's
/// share is scaled by one factor (per band) that restores it. The towns'
/// relative ageing is kept; a town without a share takes the county's.
pub fn calibrated_shares(towns: &[Town], pop: &Population) -> Vec<(Option<f64>, Option<f64>)> {
    let total: f64 = towns.iter().map(|t| t.residents_2020 as f64).sum();
    let factor = |county: Option<f64>, of: &dyn Fn(&Town) -> Option<f64>| -> f64 {
        match county {
            Some(c) if total > 0.0 && towns.iter().any(|t| of(t).is_some()) => {
                let implied: f64 = towns.iter().map(|t| t.residents_2020 as f64 * of(t).unwrap_or(c)).sum();
                if implied > 0.0 {
                    c * total / implied
                } else {
                    1.0
                }
            }
            _ => 1.0,
        }
    };
    let k60 = factor(pop.aged60_share, &|t| t.aged60_share);
    let k65 = factor(pop.aged65_share, &|t| t.aged65_share);
    towns
        .iter()
        .map(|t| {
            let a60 = t.aged60_share.map(|v| (v * k60).min(0.95));
            let a65 = t.aged65_share.map(|v| (v * k65).min(a60.unwrap_or(0.95)));
            (a60, a65)
        })
        .collect()
}

/// Round every cell to whole persons, keeping the rounded total of each age
/// band the census describes (0–59, 60–64, 65+) by largest remainder (ties to
/// the younger age, males first), so the base year still matches the census.
pub fn round_keeping_total(p: &mut Pyramid) {
    for (lo, hi) in [(0, 60), (60, 65), (65, AGES)] {
        let total: f64 = p.iter().map(|row| row[lo..hi].iter().sum::<f64>()).sum();
        let mut rest: Vec<(f64, usize, usize)> = Vec::with_capacity(2 * (hi - lo));
        let mut floor_sum = 0.0;
        for (s, row) in p.iter_mut().enumerate() {
            for (a, v) in row.iter_mut().enumerate().take(hi).skip(lo) {
                let f = v.floor();
                rest.push((*v - f, s, a));
                *v = f;
                floor_sum += f;
            }
        }
        let mut left = (total.round() - floor_sum).max(0.0) as usize;
        rest.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.2, x.1).cmp(&(y.2, y.1))));
        for &(_, s, a) in &rest {
            if left == 0 {
                break;
            }
            p[s][a] += 1.0;
            left -= 1;
        }
    }
}

/// A town's 2020 pyramid in persons.
pub fn town_pyramid(shape: &Pyramid, town: &Town, shares: (Option<f64>, Option<f64>)) -> Pyramid {
    let mut p = *shape;
    match shares {
        (Some(a60), Some(a65)) => {
            scale_band(&mut p, 0, 59, 1.0 - a60);
            scale_band(&mut p, 60, 64, a60 - a65);
            scale_band(&mut p, 65, OPEN, a65);
        }
        (Some(a60), None) => {
            scale_band(&mut p, 0, 59, 1.0 - a60);
            scale_band(&mut p, 60, OPEN, a60);
        }
        (None, Some(a65)) => {
            scale_band(&mut p, 0, 64, 1.0 - a65);
            scale_band(&mut p, 65, OPEN, a65);
        }
        (None, None) => {}
    }
    normalise(&mut p);
    let n = town.residents_2020 as f64;
    for s in p.iter_mut() {
        for v in s.iter_mut() {
            *v *= n;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{TownClass, TownKind};

    fn g(from: u32, to: Option<u32>, m: f64, f: f64) -> AgeGroup {
        AgeGroup { age_from: from, age_to: to, male: m, female: f }
    }

    #[test]
    fn even_split_within_groups() {
        let p = single_years(&[g(0, Some(4), 50.0, 40.0), g(5, Some(99), 950.0, 0.0), g(100, None, 3.0, 7.0)]);
        assert_eq!(p[0][0], 10.0);
        assert_eq!(p[1][4], 8.0);
        assert_eq!(p[0][50], 10.0);
        assert_eq!(p[0][100], 3.0);
        assert_eq!(p[1][100], 7.0);
    }

    #[test]
    fn open_group_below_100_declines_geometrically() {
        let p = single_years(&[g(0, Some(84), 0.0, 0.0), g(85, None, 100.0, 0.0)]);
        let total: f64 = p[0][85..].iter().sum();
        assert!((total - 100.0).abs() < 1e-9);
        assert!((p[0][86] / p[0][85] - 0.8).abs() < 1e-12);
    }

    #[test]
    fn town_rescaled_to_its_shares_and_total() {
        let shape = {
            let mut p = [[0.0; AGES]; 2];
            for a in 0..AGES {
                p[0][a] = 1.0;
                p[1][a] = 1.0;
            }
            normalise(&mut p);
            p
        };
        let town = Town {
            code: "500152001000".into(),
            name: "x".into(),
            kind: TownKind::Town,
            residents_2020: 10_000,
            residents_2010: None,
            residents_derived: false,
            lat: Some(30.0),
            lon: Some(105.0),
            aged60_share: Some(0.3),
            aged65_share: Some(0.25),
            class: TownClass::Rural,
            source: String::new(),
        };
        let p = town_pyramid(&shape, &town, (town.aged60_share, town.aged65_share));
        assert!((band_sum(&p, 0, OPEN) - 10_000.0).abs() < 1e-6);
        assert!((band_sum(&p, 60, OPEN) - 3_000.0).abs() < 1e-6);
        assert!((band_sum(&p, 65, OPEN) - 2_500.0).abs() < 1e-6);
    }
}
