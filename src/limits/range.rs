//! The range every number civplan reads must lie in, by unit.
//!
//! A number is accepted when it is finite and inside its unit's range. The
//! ranges are magnitudes no real county input reaches (a county of a billion
//! persons, a facility of a million beds), chosen so that everything the
//! models compute from them stays far inside what `f64` and HiGHS handle
//! (HiGHS treats 10²⁰ as infinite and degrades well before). A number outside
//! is a typo, a unit error (m² for km², fen for yuan) or an Excel artefact,
//! and is refused with its file, line, column and the range.
//!
//! Field-specific checks (a share of 60+ at most 1, a latitude inside China)
//! come on top of these; this module is the floor every field shares. New
//! fields call [`check`] with their unit:
//!
//! ```
//! use civplan::limits::{check, Unit};
//! assert!(check(Unit::Beds, 120.0).is_ok());
//! assert_eq!(check(Unit::Beds, 1e308).unwrap_err(), "a number of beds in [0, 1e6]");
//! assert_eq!(check(Unit::Share, f64::NAN).unwrap_err(), "a share in [0, 1]");
//! ```

use std::fmt::Write as _;

/// What a number measures, which fixes the range it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Residents, elderly, people in an age group.
    Persons,
    /// Institutional beds or centralised-care places.
    Beds,
    /// Funeral halls.
    Halls,
    /// Grave or eco-burial plots.
    Plots,
    /// A number of facilities.
    Facilities,
    /// Land, m².
    SquareMetres,
    /// Land per resident, m².
    SquareMetresPerPerson,
    /// Money, yuan (a cost, a price per unit, a fixed cost).
    Yuan,
    /// Travel time or a service radius, minutes.
    Minutes,
    /// Distance, km.
    Km,
    /// Speed, km per hour.
    KmPerHour,
    /// A share or probability in [0, 1].
    Share,
    /// An annual rate that may be negative (net migration, mortality drift).
    Rate,
    /// A count per 1,000 (beds per 1,000 elderly).
    PerThousand,
    /// A count per year (funeral services one hall gives).
    PerYear,
    /// Latitude, degrees.
    Latitude,
    /// Longitude, degrees.
    Longitude,
    /// A projected coordinate (x or y), any unit of length.
    Projected,
    /// A calendar year.
    Year,
    /// A duration in years (the life of a building).
    Years,
    /// An age in years.
    Age,
    /// A dimensionless multiplier (a penalty factor).
    Factor,
    /// A time limit, seconds.
    Seconds,
    /// Threads to run on (0 = one per core).
    Threads,
    /// Monte Carlo draws (stability draws, robust scenarios).
    Draws,
    /// `civplan locate`: a demand weight or a site capacity.
    Weight,
    /// `civplan locate`: an assignment cost, distance or time, a radius.
    Cost,
}

impl Unit {
    /// Every unit, in documentation order.
    pub const ALL: [Unit; 27] = [
        Unit::Persons,
        Unit::Beds,
        Unit::Halls,
        Unit::Plots,
        Unit::Facilities,
        Unit::SquareMetres,
        Unit::SquareMetresPerPerson,
        Unit::Yuan,
        Unit::Minutes,
        Unit::Km,
        Unit::KmPerHour,
        Unit::Share,
        Unit::Rate,
        Unit::PerThousand,
        Unit::PerYear,
        Unit::Latitude,
        Unit::Longitude,
        Unit::Projected,
        Unit::Year,
        Unit::Years,
        Unit::Age,
        Unit::Factor,
        Unit::Seconds,
        Unit::Threads,
        Unit::Draws,
        Unit::Weight,
        Unit::Cost,
    ];

    /// The closed range `[low, high]` a value of this unit may take.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Unit::Persons => (0.0, 1e9),
            Unit::Beds => (0.0, 1e6),
            Unit::Halls => (0.0, 1e4),
            Unit::Plots => (0.0, 1e8),
            Unit::Facilities => (0.0, 1e5),
            Unit::SquareMetres => (0.0, 1e10),
            Unit::SquareMetresPerPerson => (0.0, 1e3),
            Unit::Yuan => (0.0, 1e12),
            Unit::Minutes => (0.0, 1e4),
            Unit::Km => (0.0, 2e4),
            Unit::KmPerHour => (0.0, 1e3),
            Unit::Share => (0.0, 1.0),
            Unit::Rate => (-1.0, 1.0),
            Unit::PerThousand => (0.0, 1e3),
            Unit::PerYear => (0.0, 1e5),
            Unit::Latitude => (-90.0, 90.0),
            Unit::Longitude => (-180.0, 180.0),
            Unit::Projected => (-1e8, 1e8),
            Unit::Year => (1900.0, 2200.0),
            Unit::Years => (0.0, 500.0),
            Unit::Age => (0.0, 150.0),
            Unit::Factor => (0.0, 1e6),
            Unit::Seconds => (0.0, 1e7),
            Unit::Threads => (0.0, 1024.0),
            Unit::Draws => (1.0, 1e6),
            Unit::Weight => (0.0, 1e9),
            Unit::Cost => (0.0, 1e9),
        }
    }

    /// What a value of this unit is, as the start of "expected …".
    pub fn phrase(self) -> &'static str {
        match self {
            Unit::Persons => "a number of persons",
            Unit::Beds => "a number of beds",
            Unit::Halls => "a number of halls",
            Unit::Plots => "a number of plots",
            Unit::Facilities => "a number of facilities",
            Unit::SquareMetres => "an area in m²",
            Unit::SquareMetresPerPerson => "m² per resident",
            Unit::Yuan => "an amount in yuan",
            Unit::Minutes => "a time in minutes",
            Unit::Km => "a distance in km",
            Unit::KmPerHour => "a speed in km/h",
            Unit::Share => "a share",
            Unit::Rate => "an annual rate",
            Unit::PerThousand => "a number per 1,000",
            Unit::PerYear => "a number per year",
            Unit::Latitude => "a latitude in degrees",
            Unit::Longitude => "a longitude in degrees",
            Unit::Projected => "a projected coordinate",
            Unit::Year => "a year",
            Unit::Years => "a number of years",
            Unit::Age => "an age in years",
            Unit::Factor => "a factor",
            Unit::Seconds => "a time in seconds",
            Unit::Threads => "a number of threads",
            Unit::Draws => "a number of draws",
            Unit::Weight => "a demand weight or capacity",
            Unit::Cost => "a cost (distance or time)",
        }
    }

    /// Why the range ends where it does (for the README table).
    pub fn why(self) -> &'static str {
        match self {
            Unit::Persons => "hundreds of times the largest county",
            Unit::Beds => "a thousand times the largest care institution",
            Unit::Halls => "a hundred times the largest funeral home",
            Unit::Plots => "a hundred times the largest cemetery",
            Unit::Facilities => "more facilities than a county has villages",
            Unit::SquareMetres => "10,000 km², larger than most counties",
            Unit::SquareMetresPerPerson => "a thousand times the 0.2 m² norm",
            Unit::Yuan => "a trillion yuan, far beyond a county budget",
            Unit::Minutes => "about a week of travel",
            Unit::Km => "half the Earth's circumference",
            Unit::KmPerHour => "faster than any road or rail",
            Unit::Share => "a share of a whole",
            Unit::Rate => "a whole population gained or lost in a year",
            Unit::PerThousand => "one per person",
            Unit::PerYear => "more than one every 6 minutes",
            Unit::Latitude => "the poles",
            Unit::Longitude => "the date line",
            Unit::Projected => "10⁸ m, beyond any projected grid",
            Unit::Year => "calendar years civplan can project",
            Unit::Years => "longer than any building lasts",
            Unit::Age => "older than anyone has lived",
            Unit::Factor => "a million times its unit (a penalty factor, a relative weight)",
            Unit::Seconds => "about 4 months",
            Unit::Threads => "more cores than a machine has",
            Unit::Draws => "Monte Carlo error below 0.1 % long before",
            Unit::Weight => "keeps weight × cost below 10¹⁸ in HiGHS",
            Unit::Cost => "keeps weight × cost below 10¹⁸ in HiGHS",
        }
    }

    /// "a number of beds in [0, 1e6]".
    pub fn expected(self) -> String {
        let (lo, hi) = self.bounds();
        format!("{} in [{}, {}]", self.phrase(), bound(lo), bound(hi))
    }
}

/// `Ok` when `value` is finite and within `unit`'s range; else what was
/// expected ("a number of beds in [0, 1e6]").
pub fn check(unit: Unit, value: f64) -> Result<(), String> {
    let (lo, hi) = unit.bounds();
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(unit.expected())
    }
}

/// A time limit per solve: seconds > 0 (a limit of 0 would stop every solve
/// before it starts) within [`Unit::Seconds`]'s range.
pub fn check_time_limit(value: f64) -> Result<(), String> {
    if value.is_nan() || value <= 0.0 {
        return Err(format!("{} > 0", Unit::Seconds.phrase()));
    }
    check(Unit::Seconds, value)
}

/// A relative MIP gap: in [0, 1) (a gap of 1 would accept any plan).
pub fn check_gap(value: f64) -> Result<(), String> {
    if (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err("a relative gap in [0, 1)".into())
    }
}

/// [`check`] for an integer (counts, years, draws).
pub fn check_int(unit: Unit, value: u64) -> Result<(), String> {
    // Every bound is below 2^53, so the comparison in f64 is exact for
    // values up to the bound and any larger value fails it.
    check(unit, value as f64)
}

/// A bound as written in messages: plain up to 10⁵, else `1e6`, `2e4`.
fn bound(v: f64) -> String {
    if v.abs() < 1e5 || v == 0.0 {
        return show(v);
    }
    let exp = v.abs().log10().floor();
    let mant = v / 10f64.powf(exp);
    if (mant - mant.round()).abs() < 1e-9 {
        format!("{}e{}", mant.round(), exp)
    } else {
        format!("{v:e}")
    }
}

/// A number as shown in a message: as written by Rust for ordinary
/// magnitudes, in scientific notation for huge or tiny ones (so 1e308 is
/// not printed as 309 digits).
pub fn show(v: f64) -> String {
    if v.is_finite() && v != 0.0 && (v.abs() >= 1e15 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        let mut s = String::new();
        let _ = write!(s, "{v}");
        s
    }
}

/// The README table of ranges (kept in step by a test).
pub fn markdown_table() -> String {
    let mut s = String::from("| unit | range | why the range ends there |\n|---|---|---|\n");
    for u in Unit::ALL {
        let (lo, hi) = u.bounds();
        let _ = writeln!(s, "| {} | [{}, {}] | {} |", u.phrase(), bound(lo), bound(hi), u.why());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_outside_and_non_finite() {
        assert!(check(Unit::Beds, 0.0).is_ok());
        assert!(check(Unit::Beds, 1e6).is_ok());
        assert!(check(Unit::Beds, 1e6 + 1.0).is_err());
        assert!(check(Unit::Beds, -1.0).is_err());
        assert!(check(Unit::Beds, f64::INFINITY).is_err());
        assert!(check(Unit::Beds, f64::NAN).is_err());
        assert!(check(Unit::Rate, -0.5).is_ok());
        assert!(check(Unit::Latitude, -90.0).is_ok());
        assert!(check(Unit::Projected, -1e308).is_err());
        assert!(check_int(Unit::Draws, 0).is_err());
        assert!(check_int(Unit::Draws, 1_000_000).is_ok());
        assert!(check_int(Unit::Draws, u64::MAX).is_err());
    }

    #[test]
    fn messages_name_the_unit_and_range() {
        assert_eq!(Unit::Beds.expected(), "a number of beds in [0, 1e6]");
        assert_eq!(Unit::Km.expected(), "a distance in km in [0, 20000]");
        assert_eq!(Unit::Yuan.expected(), "an amount in yuan in [0, 1e12]");
        assert_eq!(Unit::Year.expected(), "a year in [1900, 2200]");
        assert_eq!(Unit::Projected.expected(), "a projected coordinate in [-1e8, 1e8]");
        assert_eq!(Unit::Share.expected(), "a share in [0, 1]");
    }

    #[test]
    fn huge_numbers_are_shown_short() {
        assert_eq!(show(1e308), "1e308");
        assert_eq!(show(-2.5e20), "-2.5e20");
        assert_eq!(show(106.1), "106.1");
        assert_eq!(show(f64::NAN), "NaN");
        assert_eq!(show(f64::NEG_INFINITY), "-inf");
        assert_eq!(show(1e-9), "1e-9");
    }

    /// The README's table is this module's (a new unit or range updates both).
    #[test]
    fn the_readme_shows_these_ranges() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&markdown_table()),
            "README.md's range table differs from limits::range::markdown_table()"
        );
    }

    /// The worst product the locate models form stays below HiGHS's
    /// infinity (10²⁰) with a margin of 100.
    #[test]
    fn locate_products_stay_finite_for_highs() {
        let w = Unit::Weight.bounds().1;
        let c = Unit::Cost.bounds().1;
        assert!(w * c <= 1e18);
        // The largest Euclidean distance between two projected points.
        let p = Unit::Projected.bounds().1;
        assert!((2.0 * p) * std::f64::consts::SQRT_2 <= c);
    }
}
