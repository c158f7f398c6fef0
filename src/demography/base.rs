//! The 2020 base population by town, sex and single year of age.
//!
//! Method (documented in the README, "Base population"):
//! 1. Single years within every age group follow the stationary population
//!    L_x of the scenario's life table for that sex (the persons-years lived
//!    at each age by a cohort subject to that mortality), so the open group
//!    (85+ in a census table) is split by survival, not by a fixed rule, and
//!    every group keeps its total exactly.
//! 2. County scope (a census table): the town × sex × age-group cells are
//!    fitted by iterative proportional fitting (IPF) to the towns' totals
//!    and the county's sex × group cells, with each town's published 60+/65+
//!    shares (铜梁) as a further margin first; the whole-person base of noisy
//!    draws is a controlled rounding of those cells that keeps both margins
//!    exactly (every town's total and every census cell), then each cell's
//!    single years by largest remainder. So the county base equals the census
//!    table cell by cell, in persons.
//! 3. Reference scope (a shape, e.g. the province): the sexes are rescaled
//!    to the county's sex ratio, the bands 0–14, 15–59, 60–64 and 65+ to its
//!    census shares; each town takes the shape rescaled to its own 60+/65+
//!    shares and its total.

use super::mortality::{q_from_m, Schedule, AGES, OPEN};
use crate::scenario::{AgeGroup, AgeScope, Population, Town};

/// Population by sex (0 = male, 1 = female) and single year of age.
pub type Pyramid = [[f64; AGES]; 2];

/// The census's 19 groups (0, 1–4, 5–9, …, 80–84, 85+) as inclusive ages,
/// the groups of `pyramid.csv` and of the 2010 → 2020 comparisons.
pub const CENSUS_GROUPS: [(usize, usize); 19] = [
    (0, 0),
    (1, 4),
    (5, 9),
    (10, 14),
    (15, 19),
    (20, 24),
    (25, 29),
    (30, 34),
    (35, 39),
    (40, 44),
    (45, 49),
    (50, 54),
    (55, 59),
    (60, 64),
    (65, 69),
    (70, 74),
    (75, 79),
    (80, 84),
    (85, OPEN),
];

/// Label of an inclusive age range: "0", "1-4", "85+".
pub fn group_label(lo: usize, hi: usize) -> String {
    match (lo, hi) {
        (l, h) if h >= OPEN && l < OPEN => format!("{l}+"),
        (l, h) if l == h => format!("{l}"),
        (l, h) => format!("{l}-{h}"),
    }
}

/// Stationary population L_x of a schedule (radix 1): person-years lived at
/// each age, deaths at mid-year (a_x = 0.5), and T_100 = l_100 / m_100 for
/// the open group, as in [`super::mortality::life_expectancy`].
pub fn stationary(m: &Schedule) -> [f64; AGES] {
    let mut lx = [0.0; AGES];
    let mut l = 1.0;
    for (x, &mx) in m.iter().enumerate().take(OPEN) {
        let d = l * q_from_m(mx);
        lx[x] = l - 0.5 * d;
        l -= d;
    }
    lx[OPEN] = l / m[OPEN].max(1e-12);
    lx
}

/// Inclusive ages of a table row (an open group runs to 100+).
pub fn bounds(g: &AgeGroup) -> (usize, usize) {
    let from = (g.age_from as usize).min(OPEN);
    (from, g.age_to.map(|t| (t as usize).min(OPEN)).unwrap_or(OPEN))
}

/// Weights of the single years `lo..=hi` within a group, by L_x, summing to 1.
fn within(lx: &[f64; AGES], lo: usize, hi: usize) -> Vec<f64> {
    let w: f64 = lx[lo..=hi].iter().sum();
    if w > 0.0 {
        lx[lo..=hi].iter().map(|v| v / w).collect()
    } else {
        vec![1.0 / (hi - lo + 1) as f64; hi - lo + 1]
    }
}

/// Expand grouped counts to single years 0..=100, within each group by the
/// sex's stationary population `lx` (group totals kept exactly).
pub fn single_years(groups: &[AgeGroup], lx: &[[f64; AGES]; 2]) -> Pyramid {
    let mut p = [[0.0; AGES]; 2];
    for g in groups {
        let (lo, hi) = bounds(g);
        for (s, total) in [(0, g.male), (1, g.female)] {
            for (a, w) in (lo..=hi).zip(within(&lx[s], lo, hi)) {
                p[s][a] += total * w;
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
pub fn county_shape(groups: &[AgeGroup], pop: &Population, lx: &[[f64; AGES]; 2]) -> Pyramid {
    let mut p = single_years(groups, lx);
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
pub fn calibrated_shares(towns: &[Town], county: (Option<f64>, Option<f64>)) -> Vec<(Option<f64>, Option<f64>)> {
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
    let k60 = factor(county.0, &|t| t.aged60_share);
    let k65 = factor(county.1, &|t| t.aged65_share);
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

/// The county-scope base: every town's pyramid, in persons (real, for the
/// deterministic projection) and in whole persons (the start of every noisy
/// draw), fitted to the towns' totals and the census table's cells.
#[derive(Debug, Clone)]
pub struct CensusBase {
    pub real: Vec<Pyramid>,
    pub whole: Vec<Pyramid>,
}

/// One margin of the town × cell fit: the cells of `town` in `cells` sum to `target`.
struct Margin {
    town: usize,
    cells: Vec<usize>,
    target: f64,
}

/// Fit the towns' pyramids to the census table (module docs, step 2).
/// `shares` are the towns' calibrated 60+/65+ shares; `lx` the stationary
/// population by sex that spreads each group over its single years.
pub fn census_base(
    groups: &[AgeGroup],
    towns: &[Town],
    shares: &[(Option<f64>, Option<f64>)],
    lx: &[[f64; AGES]; 2],
) -> CensusBase {
    let g = groups.len();
    // Cells j = sex × group: j = s × g + k.
    let mut col: Vec<f64> = (0..2 * g).map(|j| if j < g { groups[j].male } else { groups[j - g].female }).collect();
    let row: Vec<f64> = towns.iter().map(|t| t.residents_2020 as f64).collect();
    let total: f64 = row.iter().sum();
    let table: f64 = col.iter().sum();
    // A table within the tolerance of the towns' total (user scenarios):
    // scaled to it, so the margins agree. A census table already does.
    let whole_cols = if (table - total).abs() > 0.5 && table > 0.0 {
        col.iter_mut().for_each(|c| *c *= total / table);
        let w: Vec<(usize, f64)> = col.iter().copied().enumerate().collect();
        largest_remainder(total.round() as u64, &w)
    } else {
        col.iter().map(|c| c.round()).collect()
    };
    let from = |j: usize| groups[j % g].age_from as usize;
    let cells_where = |f: &dyn Fn(usize) -> bool| (0..2 * g).filter(|&j| f(from(j))).collect::<Vec<_>>();
    let mut margins = Vec::new();
    for (i, sh) in shares.iter().enumerate() {
        let t = row[i];
        let bands: Vec<(Vec<usize>, f64)> = match *sh {
            (Some(a60), Some(a65)) => vec![
                (cells_where(&|a| a < 60), t * (1.0 - a60)),
                (cells_where(&|a| (60..65).contains(&a)), t * (a60 - a65)),
                (cells_where(&|a| a >= 65), t * a65),
            ],
            (Some(a60), None) => {
                vec![(cells_where(&|a| a < 60), t * (1.0 - a60)), (cells_where(&|a| a >= 60), t * a60)]
            }
            (None, Some(a65)) => {
                vec![(cells_where(&|a| a < 65), t * (1.0 - a65)), (cells_where(&|a| a >= 65), t * a65)]
            }
            (None, None) => vec![],
        };
        for (cells, target) in bands {
            if !cells.is_empty() {
                margins.push(Margin { town: i, cells, target });
            }
        }
    }
    let totals: Vec<Margin> =
        (0..towns.len()).map(|i| Margin { town: i, cells: (0..2 * g).collect(), target: row[i] }).collect();
    // Start from independence: town share × county cell.
    let mut x: Vec<Vec<f64>> = row.iter().map(|t| col.iter().map(|c| t * c / total.max(1.0)).collect()).collect();
    if !margins.is_empty() {
        ipf(&mut x, &margins, &col, 500);
    }
    // Then exactly onto the town totals and the census cells (both margins
    // agree, so this converges; the share margins shaped the start).
    ipf(&mut x, &totals, &col, 10_000);
    let whole_rows: Vec<f64> = row.iter().map(|t| t.round()).collect();
    let xi = controlled_rounding(&x, &whole_rows, &whole_cols);
    let mut real = vec![[[0.0; AGES]; 2]; towns.len()];
    let mut whole = vec![[[0.0; AGES]; 2]; towns.len()];
    for (j, grp) in groups.iter().cycle().take(2 * g).enumerate() {
        let s = j / g;
        let (lo, hi) = bounds(grp);
        let w = within(&lx[s], lo, hi);
        for i in 0..towns.len() {
            for (k, a) in (lo..=hi).enumerate() {
                real[i][s][a] += x[i][j] * w[k];
            }
            let parts: Vec<(usize, f64)> = w.iter().copied().enumerate().collect();
            for (k, n) in largest_remainder(xi[i][j] as u64, &parts).into_iter().enumerate() {
                whole[i][s][lo + k] += n;
            }
        }
    }
    CensusBase { real, whole }
}

/// [`single_years`] in whole persons: each group's (rounded) count split
/// over its single years by largest remainder, so every group keeps its total.
pub fn whole_persons_by_group(groups: &[AgeGroup], lx: &[[f64; AGES]; 2]) -> Pyramid {
    let mut p = [[0.0; AGES]; 2];
    for g in groups {
        let (lo, hi) = bounds(g);
        for (s, n) in [(0, g.male), (1, g.female)] {
            let parts: Vec<(usize, f64)> = within(&lx[s], lo, hi).into_iter().enumerate().collect();
            for (k, v) in largest_remainder(n.round().max(0.0) as u64, &parts).into_iter().enumerate() {
                p[s][lo + k] += v;
            }
        }
    }
    p
}

/// Iterative proportional fitting of `x` (town × cell): scale each margin's
/// cells to its target, then each cell column to `col`, until both hold to
/// 1e-10 relative or `iterations` run out.
fn ipf(x: &mut [Vec<f64>], margins: &[Margin], col: &[f64], iterations: usize) {
    for _ in 0..iterations {
        for m in margins {
            let cur: f64 = m.cells.iter().map(|&j| x[m.town][j]).sum();
            if cur > 0.0 {
                let f = m.target / cur;
                m.cells.iter().for_each(|&j| x[m.town][j] *= f);
            }
        }
        let mut worst: f64 = 0.0;
        for (j, &c) in col.iter().enumerate() {
            let cur: f64 = x.iter().map(|r| r[j]).sum();
            if cur > 0.0 {
                worst = worst.max((cur - c).abs() / c.max(1.0));
                let f = c / cur;
                x.iter_mut().for_each(|r| r[j] *= f);
            }
        }
        let rows_worst = margins.iter().fold(0.0f64, |w, m| {
            let cur: f64 = m.cells.iter().map(|&j| x[m.town][j]).sum();
            w.max((cur - m.target).abs() / m.target.max(1.0))
        });
        if worst < 1e-12 && rows_worst < 1e-10 {
            break;
        }
    }
}

/// Round a non-negative matrix whose row and column sums are (close to) the
/// integers `rows` and `cols` to whole numbers with exactly those sums, every
/// entry moving to its floor or its ceiling (such a rounding always exists:
/// the bounded transportation polytope is integral). Largest fractional parts
/// are rounded up first; augmenting paths settle what that greedy pass leaves.
pub fn controlled_rounding(x: &[Vec<f64>], rows: &[f64], cols: &[f64]) -> Vec<Vec<f64>> {
    let (n, m) = (x.len(), cols.len());
    let mut out: Vec<Vec<f64>> = x.iter().map(|r| r.iter().map(|v| v.max(0.0).floor()).collect()).collect();
    let mut up = vec![vec![false; m]; n];
    let mut r_left: Vec<i64> = (0..n).map(|i| rows[i] as i64 - out[i].iter().sum::<f64>() as i64).collect();
    let mut c_left: Vec<i64> = (0..m).map(|j| cols[j] as i64 - out.iter().map(|r| r[j]).sum::<f64>() as i64).collect();
    let mut order: Vec<(usize, usize)> = (0..n).flat_map(|i| (0..m).map(move |j| (i, j))).collect();
    let frac = |i: usize, j: usize| x[i][j].max(0.0) - x[i][j].max(0.0).floor();
    order.sort_by(|a, b| frac(b.0, b.1).total_cmp(&frac(a.0, a.1)).then(a.cmp(b)));
    for &(i, j) in &order {
        if r_left[i] > 0 && c_left[j] > 0 && frac(i, j) > 0.0 {
            up[i][j] = true;
            r_left[i] -= 1;
            c_left[j] -= 1;
        }
    }
    // Augmenting paths: from a row that still needs a unit, raise a cell of a
    // column; if that column is full, a row holding it up lowers it and
    // continues from there; until a column that needs a unit is reached.
    // Raising only cells with a fractional part keeps every entry at its
    // floor or ceiling; any cell may rise only if round-off left no such path.
    let mut any_cell = false;
    while let Some(start) = (0..n).find(|&i| r_left[i] > 0) {
        let mut col_from: Vec<Option<usize>> = vec![None; m];
        let mut row_from: Vec<Option<usize>> = vec![None; n];
        let mut queue = std::collections::VecDeque::from([start]);
        let mut end = None;
        'bfs: while let Some(i) = queue.pop_front() {
            for j in 0..m {
                if up[i][j] || col_from[j].is_some() || !(any_cell || frac(i, j) > 0.0) {
                    continue;
                }
                col_from[j] = Some(i);
                if c_left[j] > 0 {
                    end = Some(j);
                    break 'bfs;
                }
                for i2 in 0..n {
                    if up[i2][j] && i2 != start && row_from[i2].is_none() {
                        row_from[i2] = Some(j);
                        queue.push_back(i2);
                    }
                }
            }
        }
        let Some(mut j) = end else {
            if any_cell {
                break;
            }
            any_cell = true;
            continue;
        };
        c_left[j] -= 1;
        r_left[start] -= 1;
        loop {
            let i = col_from[j].expect("every column on the path was reached from a row");
            up[i][j] = true;
            if i == start {
                break;
            }
            j = row_from[i].expect("every row on the path was reached from a column");
            up[i][j] = false;
        }
    }
    for i in 0..n {
        for j in 0..m {
            if up[i][j] {
                out[i][j] += 1.0;
            }
        }
    }
    out
}

/// Split `total` whole persons over weights by largest remainder (ties to
/// the earlier index), so the parts sum to `total`.
pub fn largest_remainder(total: u64, weights: &[(usize, f64)]) -> Vec<f64> {
    let sum: f64 = weights.iter().map(|w| w.1).sum();
    let mut parts: Vec<(f64, f64)> = weights
        .iter()
        .map(|&(_, w)| {
            let exact = if sum > 0.0 { total as f64 * w / sum } else { 0.0 };
            (exact.floor(), exact - exact.floor())
        })
        .collect();
    let mut left = total.saturating_sub(parts.iter().map(|p| p.0 as u64).sum::<u64>());
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| parts[b].1.total_cmp(&parts[a].1).then(a.cmp(&b)));
    for k in order.into_iter().cycle().take(parts.len() * 2) {
        if left == 0 {
            break;
        }
        parts[k].0 += 1.0;
        left -= 1;
    }
    parts.into_iter().map(|p| p.0).collect()
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
        AgeGroup { age_from: from, age_to: to, male: m, female: f, code: None, total: None, source: None }
    }

    fn town(n: u64, a60: Option<f64>, a65: Option<f64>) -> Town {
        Town {
            code: "500152001000".into(),
            name: "x".into(),
            kind: TownKind::Town,
            residents_2020: n,
            residents_2010: None,
            residents_derived: false,
            lat: Some(30.0),
            lon: Some(105.0),
            aged60_share: a60,
            aged65_share: a65,
            class: TownClass::Rural,
            source: String::new(),
            resident_committees: None,
            village_committees: None,
        }
    }

    #[test]
    fn flat_survival_splits_groups_evenly() {
        let lx = [[1.0; AGES]; 2];
        let p = single_years(&[g(0, Some(4), 50.0, 40.0), g(5, Some(99), 950.0, 0.0), g(100, None, 3.0, 7.0)], &lx);
        assert_eq!(p[0][0], 10.0);
        assert_eq!(p[1][4], 8.0);
        assert_eq!(p[0][50], 10.0);
        assert_eq!(p[0][100], 3.0);
        assert_eq!(p[1][100], 7.0);
    }

    /// Constant hazard μ: l_x = e^{−μx}, so L_{x+1}/L_x = e^{−μ} below 100;
    /// the 85+ split keeps that ratio and sums to the group.
    #[test]
    fn open_group_split_by_the_stationary_population() {
        let mu: f64 = 0.1;
        let lx = stationary(&[mu; AGES]);
        let p = single_years(&[g(0, Some(84), 0.0, 0.0), g(85, None, 100.0, 60.0)], &[lx, lx]);
        let total: f64 = p[0][85..].iter().sum();
        assert!((total - 100.0).abs() < 1e-9);
        assert!((p[1][85..].iter().sum::<f64>() - 60.0).abs() < 1e-9);
        assert!((p[0][86] / p[0][85] - (-mu).exp()).abs() < 1e-12);
        // T_100 = l_100 / μ against L_99 = l_99 (1 − q/2), q = 1 − e^{−μ}.
        let q = 1.0 - (-mu).exp();
        let want = (-100.0 * mu).exp() / mu / ((-99.0 * mu).exp() * (1.0 - q / 2.0));
        assert!((p[0][100] / p[0][99] - want).abs() < 1e-9);
    }

    /// Two towns, two groups × two sexes: the fit keeps both towns' totals
    /// and every census cell, in persons and in whole persons, and a town's
    /// 60+ share shapes it.
    #[test]
    fn census_base_keeps_town_totals_and_census_cells_exactly() {
        let groups = [g(0, Some(59), 601.0, 598.0), g(60, None, 200.0, 201.0)];
        let towns = [town(1000, Some(0.35), None), town(600, None, None)];
        let shares = [(Some(0.35), None), (None, None)];
        let lx = [[1.0; AGES]; 2];
        let b = census_base(&groups, &towns, &shares, &lx);
        for base in [&b.real, &b.whole] {
            for (i, t) in towns.iter().enumerate() {
                let n: f64 = base[i].iter().flatten().sum();
                assert!((n - t.residents_2020 as f64).abs() < 1e-6, "town {i}: {n}");
            }
            for (s, lo, hi, want) in [(0, 0, 59, 601.0), (1, 0, 59, 598.0), (0, 60, 100, 200.0), (1, 60, 100, 201.0)] {
                let n: f64 = base.iter().map(|p| p[s][lo..=hi].iter().sum::<f64>()).sum();
                assert!((n - want).abs() < 1e-6, "cell {s} {lo}: {n}");
            }
        }
        for p in &b.whole {
            assert!(p.iter().flatten().all(|v| v.fract() == 0.0));
        }
        // County 60+ is 401 of 1,600; town 0 holds its 35 % (350), town 1 the rest.
        let a60: f64 = b.real[0].iter().map(|r| r[60..].iter().sum::<f64>()).sum();
        assert!((a60 - 350.0).abs() < 1e-6, "{a60}");
    }

    proptest::proptest! {
        /// A 4 × 5 matrix with integer margins (whole numbers moved around
        /// fractional cycles, which keep every row and column sum) rounds to
        /// whole numbers with the same margins, each entry to its floor or ceiling.
        #[test]
        fn controlled_rounding_keeps_both_margins(
            k in proptest::collection::vec(2u32..40, 20),
            cycles in proptest::collection::vec((0usize..4, 0usize..4, 0usize..5, 0usize..5, 0.01f64..0.45), 1..4),
        ) {
            let mut x: Vec<Vec<f64>> = k.chunks(5).map(|c| c.iter().map(|&v| v as f64).collect()).collect();
            for &(i1, i2, j1, j2, e) in &cycles {
                if i1 != i2 && j1 != j2 {
                    x[i1][j1] += e; x[i2][j2] += e; x[i1][j2] -= e; x[i2][j1] -= e;
                }
            }
            let rows: Vec<f64> = k.chunks(5).map(|c| c.iter().map(|&v| v as f64).sum()).collect();
            let cols: Vec<f64> = (0..5).map(|j| (0..4).map(|i| k[i * 5 + j] as f64).sum()).collect();
            let out = controlled_rounding(&x, &rows, &cols);
            for (i, r) in out.iter().enumerate() {
                proptest::prop_assert_eq!(r.iter().sum::<f64>(), rows[i]);
                for (j, v) in r.iter().enumerate() {
                    proptest::prop_assert!(v.fract() == 0.0 && (v - x[i][j]).abs() < 1.0);
                }
            }
            for (j, c) in cols.iter().enumerate() {
                proptest::prop_assert_eq!(out.iter().map(|r| r[j]).sum::<f64>(), *c);
            }
        }
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
        let town = town(10_000, Some(0.3), Some(0.25));
        let p = town_pyramid(&shape, &town, (town.aged60_share, town.aged65_share));
        assert!((band_sum(&p, 0, OPEN) - 10_000.0).abs() < 1e-6);
        assert!((band_sum(&p, 60, OPEN) - 3_000.0).abs() < 1e-6);
        assert!((band_sum(&p, 65, OPEN) - 2_500.0).abs() < 1e-6);
    }
}
