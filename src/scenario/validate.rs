//! Checks of meaning (ranges, references, sums) after the files parsed.

use super::error::Problem;
use super::load::{span_of, Csv, Source};
use super::model::*;
use super::param::Param;
use crate::limits::{check, show, Unit};
use crate::table::Table;
use std::collections::{BTreeMap, BTreeSet};
use toml::de::DeTable;

pub(crate) struct Validator<'a> {
    pub problems: &'a mut Vec<Problem>,
}

/// Mainland China bounding box (with a margin): a coordinate outside it is a
/// swapped lat/lon or a typo.
const CHINA_LAT: (f64, f64) = (18.0, 54.0);
const CHINA_LON: (f64, f64) = (73.0, 135.5);

struct TomlCheck<'s, 'p> {
    src: &'s Source,
    root: Option<toml::Spanned<DeTable<'s>>>,
    problems: &'p mut Vec<Problem>,
}

impl TomlCheck<'_, '_> {
    fn push(&mut self, path: &str, value: impl ToString, expected: impl Into<String>) {
        let span = self.root.as_ref().and_then(|r| span_of(r.get_ref(), path));
        let p = match span {
            Some(s) => self.src.problem(path, value.to_string(), expected, s),
            None => Problem::new(&self.src.path, path, value.to_string(), expected),
        };
        self.problems.push(p);
    }

    /// A field-specific range, narrower than its unit's.
    fn range(&mut self, path: &str, v: f64, lo: f64, hi: f64, what: &str) {
        if !(v.is_finite() && v >= lo && v <= hi) {
            self.push(path, show(v), format!("{what} in [{lo}, {hi}]"));
        }
    }

    /// The unit's range ([`crate::limits::range`]); false when outside.
    fn unit(&mut self, path: &str, unit: Unit, v: f64) -> bool {
        match check(unit, v) {
            Ok(()) => true,
            Err(e) => {
                self.push(path, show(v), e);
                false
            }
        }
    }

    /// Strictly positive, within the unit's range.
    fn positive(&mut self, path: &str, unit: Unit, v: f64) {
        if !(v.is_finite() && v > 0.0) {
            self.push(path, show(v), "a finite number > 0");
        } else {
            self.unit(path, unit, v);
        }
    }

    /// A parameter whose definition makes sense (named by its key: `….low`)
    /// and whose every possible draw lies in [lo, hi].
    fn param(&mut self, path: &str, p: &Param, lo: f64, hi: f64, what: &str) {
        if let Err(e) = p.check() {
            let at = if e.key.is_empty() { path.to_string() } else { format!("{path}.{}", e.key) };
            self.push(&at, show(e.value), e.expected);
            return;
        }
        let (a, b) = p.support();
        if !(a >= lo && b <= hi) {
            // As written in the file (a distribution's inline table).
            let span = self.root.as_ref().and_then(|r| span_of(r.get_ref(), path));
            let shown = match (p, span.and_then(|sp| self.src.text.get(sp))) {
                (Param::Fixed(v), _) => show(*v),
                (_, Some(text)) if !text.contains('\n') => text.trim().to_string(),
                _ => format!("{p:?}"),
            };
            self.push(
                path,
                shown,
                format!("{what}: every draw in [{lo}, {hi}] (use a beta or a bounded distribution)"),
            );
        }
    }

    fn vec_len<T>(&mut self, path: &str, v: &[T], n: usize, what: &str) -> bool {
        if v.len() != n {
            self.push(path, format!("{} values", v.len()), format!("{n} values ({what})"));
            false
        } else {
            true
        }
    }
}

impl Validator<'_> {
    pub fn config(&mut self, src: &Source, c: &Config) {
        let root = DeTable::parse(&src.text).ok();
        let mut t = TomlCheck { src, root, problems: self.problems };
        let m = &c.meta;
        if m.name_pinyin.is_empty()
            || !m.name_pinyin.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
        {
            t.push("meta.name_pinyin", &m.name_pinyin, "ASCII letters and digits (it names the output folder)");
        }
        t.range("meta.base_year", m.base_year as f64, 1990.0, 2100.0, "a year");
        if m.target_years.is_empty() {
            t.push("meta.target_years", "[]", "at least one target year");
        }
        for (i, y) in m.target_years.iter().enumerate() {
            if *y <= m.base_year || *y > m.base_year + 50 {
                t.push(
                    &format!("meta.target_years.{i}"),
                    y,
                    format!("a year after the base year {} and at most 50 years later", m.base_year),
                );
            }
            if i > 0 && *y <= m.target_years[i - 1] {
                t.push(&format!("meta.target_years.{i}"), y, "target years in increasing order, each once");
            }
        }
        if let Err(e) = crate::limits::check_int(Unit::Draws, m.draws as u64) {
            t.push("meta.draws", m.draws, e);
        }

        let p = &c.population;
        t.positive("population.residents_2020", Unit::Persons, p.residents_2020 as f64);
        if let Some(u) = p.urban_residents_2020 {
            if t.unit("population.urban_residents_2020", Unit::Persons, u as f64) && u > p.residents_2020 {
                t.push(
                    "population.urban_residents_2020",
                    u,
                    format!("at most population.residents_2020 ({})", p.residents_2020),
                );
            }
        }
        for (k, v) in
            [("aged0_14_share", p.aged0_14_share), ("aged60_share", p.aged60_share), ("aged65_share", p.aged65_share)]
        {
            if let Some(v) = v {
                t.range(&format!("population.{k}"), v, 0.0, 1.0, "a share");
            }
        }
        if let (Some(a60), Some(a65)) = (p.aged60_share, p.aged65_share) {
            if a65 > a60 {
                t.push("population.aged65_share", a65, format!("at most aged60_share ({a60}): 65+ are part of 60+"));
            }
        }
        if let Some(sr) = p.sex_ratio {
            t.range("population.sex_ratio", sr, 50.0, 200.0, "males per 100 females");
        }
        t.range("population.sum_tolerance_share", p.sum_tolerance_share, 0.0, 0.2, "a relative tolerance");
        if p.age_structure_scope == AgeScope::Reference && (p.aged60_share.is_none() || p.aged65_share.is_none()) {
            t.push(
                "population.age_structure_scope",
                "\"reference\"",
                "aged60_share and aged65_share too: a reference shape is rescaled to the county's census shares",
            );
        }

        let d = &c.demography;
        t.range(
            "demography.mortality.e0_male_years",
            d.mortality.e0_male_years,
            30.0,
            95.0,
            "years of life expectancy",
        );
        t.range(
            "demography.mortality.e0_female_years",
            d.mortality.e0_female_years,
            30.0,
            95.0,
            "years of life expectancy",
        );
        t.range("demography.mortality.infant_q0_male", d.mortality.infant_q0_male, 0.0, 0.2, "a death probability");
        t.range("demography.mortality.infant_q0_female", d.mortality.infant_q0_female, 0.0, 0.2, "a death probability");
        t.range(
            "demography.mortality.gompertz_slope",
            d.mortality.gompertz_slope,
            0.03,
            0.2,
            "a Gompertz slope per year",
        );
        t.param("demography.mortality.improvement_rate", &d.mortality.improvement_rate, -0.1, 0.1, "an annual rate");
        t.range(
            "demography.mortality.improvement_volatility",
            d.mortality.improvement_volatility,
            0.0,
            0.5,
            "a volatility",
        );
        t.param("demography.fertility.tfr", &d.fertility.tfr, 0.0, 8.0, "a total fertility rate");
        t.range("demography.fertility.tfr_reversion", d.fertility.tfr_reversion, 0.0, 1.0, "a reversion share");
        t.range("demography.fertility.tfr_volatility", d.fertility.tfr_volatility, 0.0, 2.0, "a volatility");
        if t.vec_len("demography.fertility.age_schedule", &d.fertility.age_schedule, 7, "groups 15-19 .. 45-49") {
            for (i, v) in d.fertility.age_schedule.iter().enumerate() {
                t.unit(&format!("demography.fertility.age_schedule.{i}"), Unit::Factor, *v);
            }
            if d.fertility.age_schedule.iter().sum::<f64>() <= 0.0 {
                t.push("demography.fertility.age_schedule", "all zero", "a schedule with a positive sum");
            }
        }
        if t.vec_len("demography.migration.age_profile", &d.migration.age_profile, 21, "groups 0-4 .. 95-99, 100+") {
            for (i, v) in d.migration.age_profile.iter().enumerate() {
                t.unit(&format!("demography.migration.age_profile.{i}"), Unit::Factor, *v);
            }
        }
        t.param("demography.sex_ratio_at_birth", &d.sex_ratio_at_birth, 90.0, 130.0, "males per 100 females at birth");

        let q = &c.demand;
        if t.vec_len(
            "demand.disability_prevalence",
            &q.disability_prevalence,
            6,
            "60-64, 65-69, 70-74, 75-79, 80-84, 85+",
        ) {
            for (i, p) in q.disability_prevalence.iter().enumerate() {
                t.param(&format!("demand.disability_prevalence.{i}"), p, 0.0, 1.0, "a share");
            }
        }
        for (k, p) in [
            ("disabled_institutional_share", &q.disabled_institutional_share),
            ("able_institutional_share", &q.able_institutional_share),
            ("tekun_per_resident", &q.tekun_per_resident),
            ("tekun_disabled_share", &q.tekun_disabled_share),
            ("tekun_willing_share", &q.tekun_willing_share),
            ("cremation_rate_base", &q.cremation_rate_base),
            ("cremation_rate_final", &q.cremation_rate_final),
            ("eco_burial_share_base", &q.eco_burial_share_base),
            ("eco_burial_share_final", &q.eco_burial_share_final),
            ("funeral_station_use_share", &q.funeral_station_use_share),
            ("public_cemetery_share", &q.public_cemetery_share),
        ] {
            t.param(&format!("demand.{k}"), p, 0.0, 1.0, "a share");
        }
        t.positive("demand.services_per_hall_per_year", Unit::PerYear, q.services_per_hall_per_year);
        t.positive("demand.grave_plot_m2", Unit::SquareMetres, q.grave_plot_m2);
        t.positive("demand.eco_plot_m2", Unit::SquareMetres, q.eco_plot_m2);

        crate::plan::norms::validate(&c.norms, |path, value, expected| t.push(&path, value, expected));

        let k = &c.costs;
        for (key, v) in [
            ("bed_yuan", k.bed_yuan),
            ("nursing_bed_extra_yuan", k.nursing_bed_extra_yuan),
            ("land_urban_yuan_per_m2", k.land_urban_yuan_per_m2),
            ("land_rural_yuan_per_m2", k.land_rural_yuan_per_m2),
            ("grave_plot_yuan", k.grave_plot_yuan),
            ("hall_yuan", k.hall_yuan),
            ("travel_yuan_per_person_minute", k.travel_yuan_per_person_minute),
            ("convert_bed_yuan", k.convert_bed_yuan),
            ("transfer_bed_yuan", k.transfer_bed_yuan),
            ("close_facility_yuan", k.close_facility_yuan),
            ("operating.bed_yuan_per_year", k.operating.bed_yuan_per_year),
            ("operating.hall_yuan_per_year", k.operating.hall_yuan_per_year),
            ("operating.plot_yuan_per_year", k.operating.plot_yuan_per_year),
        ] {
            t.unit(&format!("costs.{key}"), Unit::Yuan, v);
        }
        for (kind, v) in &k.fixed_yuan {
            t.unit(&format!("costs.fixed_yuan.{}", kind.key()), Unit::Yuan, *v);
        }
        for (kind, v) in &k.operating.facility_yuan_per_year {
            t.unit(&format!("costs.operating.facility_yuan_per_year.{}", kind.key()), Unit::Yuan, *v);
        }
        t.range("costs.discount_rate", k.discount_rate, 0.0, 0.5, "an annual rate");
        t.positive("costs.lifetime_years", Unit::Years, k.lifetime_years);
        t.range("travel.detour_factor", c.travel.detour_factor, 1.0, 5.0, "road km per straight-line km");
        t.positive("travel.speed_kmh", Unit::KmPerHour, c.travel.speed_kmh);
        t.unit("travel.intra_town_min", Unit::Minutes, c.travel.intra_town_min);
        plan_settings(&mut t, c);
    }

    /// A problem at the cell of `col` on `line`.
    fn row(&mut self, t: &Table, line: usize, col: &str, value: impl ToString, expected: impl Into<String>) {
        let value = value.to_string();
        let p = match t.row_at(line) {
            Some(r) => t.problem(r, col, value, expected),
            None => Problem::new(&t.path, col, value, expected).at_line(line),
        };
        self.problems.push(p);
    }

    /// The unit's range; false when outside.
    fn unit(&mut self, t: &Table, line: usize, col: &str, unit: Unit, v: f64) -> bool {
        match check(unit, v) {
            Ok(()) => true,
            Err(e) => {
                self.row(t, line, col, show(v), e);
                false
            }
        }
    }

    pub fn towns(&mut self, rows: &Csv<Town>, cfg: Option<&Config>) {
        let src = &rows.table;
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        if rows.rows.is_empty() {
            self.problems.push(
                Problem::new(&src.path, "(rows)", "", "at least one town (the file has a header only)").at_line(1),
            );
        }
        for (line, t) in &rows.rows {
            let line = *line;
            if t.code.len() != 12 || !t.code.chars().all(|c| c.is_ascii_digit()) {
                let mut expected = "a 12-digit 统计用区划代码 (e.g. 500152001000)".to_string();
                if t.code.contains(['e', 'E']) && t.code.parse::<f64>().is_ok() {
                    expected.push_str(
                        "; this is scientific notation, as Excel shows long numbers after dropping their last \
digits: format the column as Text and re-enter the codes",
                    );
                }
                self.row(src, line, "code", &t.code, expected);
            }
            if let Some(first) = seen.insert(&t.code, line) {
                self.row(src, line, "code", &t.code, format!("a unique town code (already used on line {first})"));
            }
            if t.name.trim().is_empty() {
                self.row(src, line, "name", "\"\"", "the town's name");
            }
            if t.residents_2020 == 0 {
                self.row(
                    src,
                    line,
                    "residents_2020",
                    "",
                    "a positive 2020 resident population (empty cells are derived from population.residents_2020 only while the county total exceeds the towns given)",
                );
            } else if !t.residents_derived {
                self.unit(src, line, "residents_2020", Unit::Persons, t.residents_2020 as f64);
            }
            if let Some(r) = t.residents_2010 {
                self.unit(src, line, "residents_2010", Unit::Persons, r as f64);
            }
            match (t.lat, t.lon) {
                (Some(lat), Some(lon)) => {
                    if !(lat.is_finite() && (CHINA_LAT.0..=CHINA_LAT.1).contains(&lat)) {
                        self.row(
                            src,
                            line,
                            "lat",
                            show(lat),
                            format!("a latitude inside China ({}..{} °N); lat/lon swapped?", CHINA_LAT.0, CHINA_LAT.1),
                        );
                    }
                    if !(lon.is_finite() && (CHINA_LON.0..=CHINA_LON.1).contains(&lon)) {
                        self.row(
                            src,
                            line,
                            "lon",
                            show(lon),
                            format!("a longitude inside China ({}..{} °E); lat/lon swapped?", CHINA_LON.0, CHINA_LON.1),
                        );
                    }
                }
                (None, None) => {}
                (Some(_), None) => self.row(src, line, "lon", "", "a longitude, since lat is given (both or neither)"),
                (None, Some(_)) => self.row(src, line, "lat", "", "a latitude, since lon is given (both or neither)"),
            }
            if let Some(v) = t.aged60_share {
                self.unit(src, line, "aged60_share", Unit::Share, v);
            }
            if let Some(v) = t.aged65_share {
                self.unit(src, line, "aged65_share", Unit::Share, v);
                if let Some(a60) = t.aged60_share {
                    if v > a60 {
                        self.row(src, line, "aged65_share", v, format!("at most aged60_share ({a60})"));
                    }
                }
            }
        }
        if let Some(cfg) = cfg {
            let sum: u64 = rows.rows.iter().fold(0u64, |s, (_, t)| s.saturating_add(t.residents_2020));
            let want = cfg.population.residents_2020;
            let tol = cfg.population.sum_tolerance_share;
            if want > 0 && !rows.rows.is_empty() && (sum as f64 - want as f64).abs() > tol * want as f64 {
                self.problems.push(
                    Problem::new(
                        &src.path,
                        "residents_2020",
                        format!("sum {sum}"),
                        format!(
                            "towns summing to population.residents_2020 = {want} within {:.1}% (off by {})",
                            tol * 100.0,
                            sum as i128 - want as i128
                        ),
                    )
                    .at_line(1),
                );
            }
        }
    }

    pub fn ages(&mut self, rows: &Csv<AgeGroup>, cfg: Option<&Config>, town_total: u64) {
        let src = &rows.table;
        let mut next = 0u32;
        let mut open_seen = false;
        for (line, g) in &rows.rows {
            let line = *line;
            let from_ok = self.unit(src, line, "age_from", Unit::Age, g.age_from as f64);
            let to_ok = g.age_to.is_none_or(|to| self.unit(src, line, "age_to", Unit::Age, to as f64));
            if open_seen {
                self.row(src, line, "age_from", g.age_from, "no group after the open-ended one");
            }
            if from_ok && g.age_from != next {
                self.row(src, line, "age_from", g.age_from, format!("{next} (groups must be contiguous from age 0)"));
            }
            match g.age_to {
                Some(to) if to_ok && to < g.age_from => {
                    self.row(src, line, "age_to", to, format!("an age >= age_from ({})", g.age_from))
                }
                Some(to) => next = to.saturating_add(1),
                None => open_seen = true,
            }
            self.unit(src, line, "male", Unit::Persons, g.male);
            self.unit(src, line, "female", Unit::Persons, g.female);
        }
        if !rows.rows.is_empty() && !open_seen {
            let line = rows.rows.last().map(|r| r.0).unwrap_or(1);
            self.row(src, line, "age_to", "", "the last group open-ended (empty age_to, e.g. 100+)");
        }
        if let Some(last) = rows.rows.iter().rev().find(|(_, g)| g.age_to.is_none()) {
            if last.1.age_from > 100 {
                self.row(src, last.0, "age_from", last.1.age_from, "an open group starting at 100 or below");
            }
        }
        if let Some(cfg) = cfg {
            if cfg.population.age_structure_scope == AgeScope::County && town_total > 0 {
                let sum: f64 = rows.rows.iter().map(|(_, g)| g.male + g.female).sum();
                let tol = cfg.population.sum_tolerance_share;
                if (sum - town_total as f64).abs() > tol * town_total as f64 {
                    self.problems.push(
                        Problem::new(
                            &src.path,
                            "male+female",
                            format!("sum {sum:.0}"),
                            format!(
                                "the towns' residents ({town_total}) within {:.1}% (age_structure_scope = \"county\")",
                                tol * 100.0
                            ),
                        )
                        .at_line(1),
                    );
                }
            }
        }
    }

    /// An id that is given and not already used on an earlier line.
    fn unique_id<'a>(&mut self, t: &Table, line: usize, id: &'a str, what: &str, seen: &mut BTreeMap<&'a str, usize>) {
        if id.trim().is_empty() {
            self.row(t, line, "id", "\"\"", what);
        }
        if let Some(first) = seen.insert(id, line) {
            self.row(t, line, "id", id, format!("a unique id (already used on line {first})"));
        }
    }

    pub fn facilities(&mut self, rows: &Csv<Facility>, towns: &[String]) {
        let src = &rows.table;
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (line, f) in &rows.rows {
            let line = *line;
            self.unique_id(src, line, &f.id, "a facility id", &mut seen);
            if let Some(code) = &f.town_code {
                if !towns.is_empty() && !towns.iter().any(|t| t == code) {
                    self.row(
                        src,
                        line,
                        "town_code",
                        code,
                        "a town code from towns.csv (or empty for county-wide stock)",
                    );
                }
            }
            let mut ok = true;
            for (col, unit, v) in [
                ("beds", Unit::Beds, f.beds),
                ("nursing_beds", Unit::Beds, f.nursing_beds),
                ("land_m2", Unit::SquareMetres, f.land_m2),
                ("grave_plots", Unit::Plots, f.grave_plots),
                ("eco_plots", Unit::Plots, f.eco_plots),
                ("halls", Unit::Halls, f.halls),
            ] {
                ok &= self.unit(src, line, col, unit, v);
            }
            if ok && f.nursing_beds > f.beds {
                self.row(src, line, "nursing_beds", show(f.nursing_beds), format!("at most beds ({})", show(f.beds)));
            }
            if f.count == 0 {
                self.row(src, line, "count", 0, "at least 1 facility");
            } else {
                self.unit(src, line, "count", Unit::Facilities, f.count as f64);
            }
            if f.beds > 0.0 && !f.kind.has_beds() {
                self.row(
                    src,
                    line,
                    "beds",
                    show(f.beds),
                    format!("0 for a {} (it holds no elderly-care beds)", f.kind.key()),
                );
            }
        }
    }

    pub fn candidates(&mut self, rows: &Csv<Candidate>, towns: &[String], facilities: Option<&Csv<Facility>>) {
        let src = &rows.table;
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        // Each id's first line (named when a candidate reuses the id) and its
        // last row (a duplicated id is refused in facilities.csv already).
        let mut fac: BTreeMap<&str, (usize, &Facility)> = BTreeMap::new();
        for (l, f) in facilities.iter().flat_map(|r| &r.rows) {
            fac.entry(f.id.as_str()).and_modify(|e| e.1 = f).or_insert((*l, f));
        }
        for (line, c) in &rows.rows {
            let line = *line;
            self.unique_id(src, line, &c.id, "a candidate id", &mut seen);
            if let Some((fline, _)) = fac.get(c.id.as_str()) {
                self.row(
                    src,
                    line,
                    "id",
                    &c.id,
                    format!("an id not already used by an existing facility (facilities.csv line {fline} has it)"),
                );
            }
            if !towns.is_empty() && !towns.contains(&c.town_code) {
                self.row(src, line, "town_code", &c.town_code, "a town code from towns.csv");
            }
            if let (Some(e), Some(_)) = (&c.expands, facilities) {
                match fac.get(e.as_str()).map(|(_, f)| f) {
                    None => self.row(src, line, "expands", e, "the id of an existing facility in facilities.csv"),
                    Some(f) if f.town_code.as_deref() != Some(c.town_code.as_str()) => self.row(
                        src,
                        line,
                        "expands",
                        e,
                        format!(
                            "a facility in the candidate's town {} (it is in {})",
                            c.town_code,
                            f.town_code.as_deref().unwrap_or("no town")
                        ),
                    ),
                    _ => {}
                }
            }
            for (col, unit, v) in [
                ("max_beds", Unit::Beds, c.max_beds),
                ("max_land_m2", Unit::SquareMetres, c.max_land_m2),
                ("max_plots", Unit::Plots, c.max_plots),
                ("max_halls", Unit::Halls, c.max_halls),
            ] {
                self.unit(src, line, col, unit, v);
            }
            if let Some(v) = c.fixed_yuan {
                self.unit(src, line, "fixed_yuan", Unit::Yuan, v);
            }
            let (cap_col, cap) = c.capacity_column();
            if cap <= 0.0 && cap.is_finite() {
                self.row(src, line, cap_col, cap, format!("a positive capacity for a {} candidate", c.kind.key()));
            }
        }
    }

    /// The planning columns of `facilities.csv` and `candidates.csv`: each
    /// decision only where it can happen, sizes within the candidate's
    /// maximum, one type per option group, dates within the simulated years.
    pub fn decisions(&mut self, fac: Option<&Csv<Facility>>, cand: Option<&Csv<Candidate>>, cfg: &Config) {
        let (first, last) =
            (cfg.meta.base_year + 1, cfg.meta.target_years.last().copied().unwrap_or(cfg.meta.base_year));
        let dates =
            format!("a period within {first}-{last}, the years simulated (e.g. \"{first}-{}\")", (first + 4).min(last));
        let closable = |k: FacilityType| crate::plan::Family::of(k).is_some_and(|f| f.def().closable);
        if let Some(rows) = fac {
            let src = &rows.table;
            for (line, f) in &rows.rows {
                let line = *line;
                if let Some(p) = f.period.filter(|p| p.from < first || p.to > last) {
                    self.row(src, line, "period", p, dates.as_str());
                }
                let rule = f.close_rule();
                if rule != CloseRule::Keep && !closable(f.kind) {
                    self.row(
                        src,
                        line,
                        "close",
                        rule.key(),
                        format!("keep: a {} is not closed by the plan (its graves stay)", f.kind.key()),
                    );
                }
                if let Some(u) = f.close_units {
                    if rule != CloseRule::Committed {
                        self.row(
                            src,
                            line,
                            "close_units",
                            u,
                            "empty unless close = committed (the units the plan closes)",
                        );
                    } else if u == 0 || u > f.count {
                        self.row(src, line, "close_units", u, format!("1..{} (the row's count)", f.count));
                    }
                }
                if f.period.is_some() && rule != CloseRule::Committed {
                    self.row(
                        src,
                        line,
                        "period",
                        f.period.map(|p| p.to_string()).unwrap_or_default(),
                        "empty unless close = committed (the period of the closure)",
                    );
                }
                if let Some(b) = f.convertible_beds {
                    let room = f.beds - f.nursing_beds;
                    if b > room {
                        self.row(
                            src,
                            line,
                            "convertible_beds",
                            show(b),
                            format!("at most beds − nursing_beds ({})", show(room)),
                        );
                    }
                }
                if let Some(b) = f.transferable_beds {
                    if f.operator != Operator::Government && b > 0.0 {
                        self.row(
                            src,
                            line,
                            "transferable_beds",
                            show(b),
                            format!(
                                "0 or empty: only government-run beds are handed to social operators (operator is {})",
                                f.operator.key()
                            ),
                        );
                    } else if b > f.beds {
                        self.row(src, line, "transferable_beds", show(b), format!("at most beds ({})", show(f.beds)));
                    }
                }
            }
        }
        let Some(rows) = cand else { return };
        let src = &rows.table;
        let mut groups: BTreeMap<&str, (usize, FacilityType)> = BTreeMap::new();
        for (line, c) in &rows.rows {
            let line = *line;
            if let Some(p) = c.period.filter(|p| p.from < first || p.to > last) {
                self.row(src, line, "period", p, dates.as_str());
            }
            if let Some(g) = c.option_group.as_deref() {
                match groups.get(g) {
                    Some(&(at, kind)) if kind != c.kind => self.row(
                        src,
                        line,
                        "option_group",
                        g,
                        format!(
                            "sites of one project: the group's type is {} (line {at}), this row's {}",
                            kind.key(),
                            c.kind.key()
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        groups.insert(g, (line, c.kind));
                    }
                }
            }
            let (col, max) = c.capacity_column();
            if let Some(sz) = &c.sizes {
                if sz.min() == 0 {
                    self.row(src, line, "sizes", sz, "sizes of at least 1 (a site that opens provides capacity)");
                } else if max > 0.0 && sz.max() as f64 > max {
                    self.row(src, line, "sizes", sz, format!("sizes up to {col} ({})", show(max)));
                }
                if c.capital_wan.is_some() && sz.single().is_none() {
                    self.row(
                        src,
                        line,
                        "sizes",
                        sz,
                        "one size when capital_wan is given (the plan's investment is for one project size)",
                    );
                }
            }
            if let Some(w) = c.capital_wan {
                self.unit(src, line, "capital_wan", Unit::Yuan, w * 1e4);
            }
        }
    }

    /// A census age table (2020: `age_structure.csv` in county scope; 2010:
    /// `files.census_2010`): its `code` cells against the scenario's code
    /// mapping, its rows against its published `total` and the county totals.
    pub fn census_table(&mut self, rows: &Csv<AgeGroup>, cfg: &Config, year: u32, other: Option<&Csv<AgeGroup>>) {
        let src = &rows.table;
        let p = &cfg.population;
        let (mapped, key) = match year {
            2010 => (p.census_code_2010.as_deref(), "population.census_code_2010"),
            _ => (p.census_code_2020.as_deref(), "population.census_code_2020"),
        };
        for (line, g) in &rows.rows {
            if let Some(code) = &g.code {
                match mapped {
                    Some(m) if m == code => {}
                    Some(m) => self.row(
                        src,
                        *line,
                        "code",
                        code,
                        format!(
                            "the county's {year} census code {m} ({key}; a re-coded county maps its old code there)"
                        ),
                    ),
                    None => {
                        self.row(src, *line, "code", code, format!("a {key} mapping in scenario.toml naming this code"))
                    }
                }
            }
        }
        let sum: f64 = rows.rows.iter().map(|(_, g)| g.male + g.female).sum();
        let mut published = None;
        for (line, g) in &rows.rows {
            match (g.total, published) {
                (Some(t), None) => published = Some((t, *line)),
                (Some(t), Some((first, l))) if t != first => {
                    self.row(src, *line, "total", t, format!("the same total on every row ({first} on line {l})"))
                }
                _ => {}
            }
        }
        if let Some((t, line)) = published {
            if (sum - t as f64).abs() > 0.5 {
                self.row(
                    src,
                    line,
                    "total",
                    t,
                    format!("the sum of the rows' male + female ({sum:.0}, off by {:.0})", sum - t as f64),
                );
            }
        }
        let want = match year {
            2010 => p.residents_2010,
            _ => (p.age_structure_scope == AgeScope::County && published.is_some()).then_some(p.residents_2020),
        };
        if let (Some(w), Some((t, line))) = (want, published) {
            if t != w {
                let k = if year == 2010 { "population.residents_2010" } else { "population.residents_2020" };
                self.row(src, line, "total", t, format!("{k} = {w}"));
            }
        }
        if let Some(o) = other {
            let bounds = |r: &Csv<AgeGroup>| r.rows.iter().map(|(_, g)| (g.age_from, g.age_to)).collect::<Vec<_>>();
            if bounds(rows) != bounds(o) {
                let line = rows.rows.first().map(|r| r.0).unwrap_or(1);
                self.row(src, line, "age_from", "groups", "the same age groups as the 2020 table (age_structure)");
            }
            for (line, g) in &rows.rows {
                let five = g.age_to.is_none_or(|to| to == g.age_from + 4 && g.age_from % 5 == 0);
                if g.age_from >= 10 && !five {
                    self.row(
                        src,
                        *line,
                        "age_to",
                        g.age_to.map(|v| v.to_string()).unwrap_or_default(),
                        format!(
                            "five-year groups from age 10 ({}-{}): a cohort moves two groups in ten years",
                            g.age_from,
                            g.age_from + 4
                        ),
                    );
                }
            }
        }
    }

    /// Keys that go with a 2010 census table (fitted migration) or without it
    /// (assumed rates).
    pub fn census_config(&mut self, src: &Source, c: &Config) {
        let root = DeTable::parse(&src.text).ok();
        let mut t = TomlCheck { src, root, problems: self.problems };
        let p = &c.population;
        let mig = &c.demography.migration;
        for (k, v) in [("census_code_2020", &p.census_code_2020), ("census_code_2010", &p.census_code_2010)] {
            if let Some(code) = v {
                if code.len() != 6 || !code.chars().all(|ch| ch.is_ascii_digit()) {
                    t.push(
                        &format!("population.{k}"),
                        format!("\"{code}\""),
                        "a 6-digit county code (e.g. \"500152\")",
                    );
                }
            }
        }
        for (k, v) in [
            ("crude_birth_rate_2010_per_1000", p.crude_birth_rate_2010_per_1000),
            ("crude_death_rate_2010_per_1000", p.crude_death_rate_2010_per_1000),
        ] {
            if let Some(v) = v {
                t.range(&format!("population.{k}"), v, 0.0, 100.0, "a rate per 1,000 residents");
            }
        }
        if let Some(v) = c.demography.mortality.cdr_tolerance_share {
            t.range("demography.mortality.cdr_tolerance_share", v, 0.0, 1.0, "a relative tolerance");
        }
        if c.files.census_2010.is_some() {
            if p.age_structure_scope != AgeScope::County {
                t.push(
                    "population.age_structure_scope",
                    "\"reference\"",
                    "\"county\" with files.census_2010: both census tables are the county's own",
                );
            }
            for (k, v) in
                [("census_code_2010", p.census_code_2010.is_none()), ("census_code_2020", p.census_code_2020.is_none())]
            {
                if v {
                    t.push(
                        &format!("population.{k}"),
                        "",
                        "the county's census code of that year (files.census_2010 is set)",
                    );
                }
            }
            if p.crude_birth_rate_2010_per_1000.is_none() {
                t.push(
                    "population.crude_birth_rate_2010_per_1000",
                    "",
                    "the 2010 census crude birth rate: it closes the cohorts born 2010-2020 when migration is fitted",
                );
            }
            for (k, v) in [("urban_rate", &mig.urban_rate), ("rural_rate", &mig.rural_rate)] {
                if v.is_some() {
                    t.push(&format!("demography.migration.{k}"), "set", "no assumed rate: with files.census_2010 the rates are fitted to the two censuses (use fitted_scale for their uncertainty)");
                }
            }
            if let Some(a) = mig.no_migration_from_age {
                t.range("demography.migration.no_migration_from_age", a as f64, 0.0, 100.0, "an age");
            }
            if let Some(f) = &mig.fitted_scale {
                t.param("demography.migration.fitted_scale", f, 0.0, 5.0, "a multiplier of the fitted rates");
            }
        } else {
            for (k, v) in [("urban_rate", &mig.urban_rate), ("rural_rate", &mig.rural_rate)] {
                match v {
                    None => t.push(
                        &format!("demography.migration.{k}"),
                        "",
                        "a net migration rate (or files.census_2010 to fit the rates)",
                    ),
                    Some(v) => t.param(&format!("demography.migration.{k}"), v, -1.0, 1.0, "a rate per resident"),
                }
            }
            if mig.fitted_scale.is_some() {
                t.push(
                    "demography.migration.fitted_scale",
                    "set",
                    "files.census_2010: there are no fitted rates to scale without it",
                );
            }
        }
    }

    pub fn travel(&mut self, rows: &Csv<TravelTime>, towns: &[String]) {
        let src = &rows.table;
        let mut seen = BTreeSet::new();
        for (line, r) in &rows.rows {
            for (col, code) in [("from_code", &r.from_code), ("to_code", &r.to_code)] {
                if !towns.is_empty() && !towns.iter().any(|t| t == code) {
                    self.row(src, *line, col, code, "a town code from towns.csv");
                }
            }
            self.unit(src, *line, "minutes", Unit::Minutes, r.minutes);
            if !seen.insert((r.from_code.clone(), r.to_code.clone())) {
                self.row(
                    src,
                    *line,
                    "to_code",
                    &r.to_code,
                    format!("one row per pair (from {} to {} is repeated)", r.from_code, r.to_code),
                );
            }
        }
    }

    pub fn mortality(&mut self, rows: &Csv<MortalityRow>) {
        let src = &rows.table;
        for (i, (line, r)) in rows.rows.iter().enumerate() {
            if r.age != i as u32 {
                self.row(src, *line, "age", r.age, format!("{i} (one row per single year of age 0..100, in order)"));
            }
            for (col, q) in [("qx_male", r.qx_male), ("qx_female", r.qx_female)] {
                if !(q.is_finite() && (0.0..=1.0).contains(&q)) {
                    self.row(src, *line, col, show(q), "a death probability in [0, 1]");
                }
            }
        }
        if rows.rows.len() != 101 {
            let line = rows.rows.last().map(|r| r.0).unwrap_or(1);
            self.problems.push(
                Problem::new(
                    &src.path,
                    "age",
                    format!("{} rows", rows.rows.len()),
                    "101 rows, ages 0..100 (100 = 100+)",
                )
                .at_line(line),
            );
        }
    }

    pub fn fertility(&mut self, rows: &Csv<FertilityRow>) {
        let src = &rows.table;
        let mut seen = BTreeSet::new();
        for (line, r) in &rows.rows {
            if !(15..=49).contains(&r.age) {
                self.row(src, *line, "age", r.age, "an age of mother in 15..49");
            }
            if !seen.insert(r.age) {
                self.row(src, *line, "age", r.age, "each age once");
            }
            if !(r.asfr.is_finite() && (0.0..=1.0).contains(&r.asfr)) {
                self.row(src, *line, "asfr", show(r.asfr), "births per woman per year in [0, 1]");
            }
        }
    }
}

/// `[plan]`: periods consecutive from the year after the base year, ending
/// by the last target year (the simulation's horizon); budgets by period
/// label; a quantile in [0, 1].
fn plan_settings(t: &mut TomlCheck, c: &Config) {
    let p = &c.plan;
    let m = &c.meta;
    t.range("plan.quantile", p.quantile, 0.0, 1.0, "a quantile");
    let last = m.target_years.last().copied().unwrap_or(m.base_year);
    let mut next = m.base_year + 1;
    for (i, span) in p.periods.iter().enumerate() {
        let path = format!("plan.periods.{i}");
        if span.from != next {
            t.push(
                &path,
                format!("\"{span}\""),
                format!(
                    "a period starting in {next} (periods are consecutive from the year after the base year {})",
                    m.base_year
                ),
            );
        }
        if span.to > last {
            t.push(
                &path,
                format!("\"{span}\""),
                format!("a period ending by the last target year {last} (the simulation's horizon)"),
            );
        }
        next = span.to + 1;
    }
    let labels: Vec<String> = if p.periods.is_empty() {
        let mut from = m.base_year + 1;
        m.target_years
            .iter()
            .map(|&to| {
                let l = YearSpan { from, to }.label();
                from = to + 1;
                l
            })
            .collect()
    } else {
        p.periods.iter().map(YearSpan::label).collect()
    };
    for (label, v) in &p.budget_wan {
        let path = format!("plan.budget_wan.{label}");
        if !labels.contains(label) {
            t.push(&path, v, format!("a period of the plan: one of {}", labels.join(", ")));
        } else if !(v.is_finite() && *v >= 0.0) {
            t.push(&path, v, "万元 >= 0");
        }
    }
    for (kind, v) in &p.lead_time_years {
        if *v > 30 {
            t.push(&format!("plan.lead_time_years.{}", kind.key()), v, "years in 0..30");
        }
    }
}
