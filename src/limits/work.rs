//! Work-size limits: a run that would not fit in memory is refused before it
//! starts, from an estimate of what it will hold, instead of aborting with
//! "memory allocation failed" minutes later.
//!
//! The estimates are upper bounds from what each stage allocates:
//!
//! * the Monte Carlo keeps every draw's demand: draws × output years × towns
//!   × [`METRICS`] values of 4 bytes (measured: 安岳 10,000 draws, 155 MB of
//!   values, 164 MB resident);
//! * a plan model holds its variables in good_lp and HiGHS at most
//!   [`BYTES_PER_VARIABLE`] each (measured: 铜梁's robust model, 122,187
//!   variables, 299 MB resident, 2.4 kB each), with up to 4 families × towns
//!   × (candidates + facilities + 1) assignment variables per draw it
//!   assigns, and a towns × towns travel-time matrix;
//! * a classic model holds the demand × site cost matrix and, except the
//!   uncapacitated p-median (Benders), one assignment variable per pair.
//!
//! The limit is the smaller of 8 GiB and three quarters of the machine's
//! memory (Linux: `MemTotal` in /proc/meminfo), or `CIVPLAN_MEMORY_LIMIT_MB`
//! when set.

use std::fmt;

/// Values kept per draw, year and town (the demand metrics).
pub const METRICS: usize = crate::demand::Metric::COUNT;

/// Bytes one MILP variable costs at most in good_lp + HiGHS (see the module docs).
pub const BYTES_PER_VARIABLE: f64 = 4096.0;

/// The limit when neither the environment nor the machine says otherwise.
pub const DEFAULT_LIMIT_BYTES: f64 = 8.0 * GIB;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The memory civplan lets one run use, and where that figure comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub bytes: f64,
    pub source: String,
}

impl Budget {
    /// `CIVPLAN_MEMORY_LIMIT_MB`, else min(8 GiB, ¾ of the machine's memory).
    pub fn from_env() -> Self {
        if let Some(mb) = std::env::var("CIVPLAN_MEMORY_LIMIT_MB").ok().and_then(|v| v.trim().parse::<f64>().ok()) {
            if mb.is_finite() && mb > 0.0 {
                // MB as memory is counted: MiB.
                return Budget { bytes: mb * 1024.0 * 1024.0, source: "set by CIVPLAN_MEMORY_LIMIT_MB".into() };
            }
        }
        match machine_memory() {
            Some(total) if 0.75 * total < DEFAULT_LIMIT_BYTES => Budget {
                bytes: 0.75 * total,
                source: format!(
                    "three quarters of this machine's {}; CIVPLAN_MEMORY_LIMIT_MB changes it",
                    human(total)
                ),
            },
            _ => Budget {
                bytes: DEFAULT_LIMIT_BYTES,
                source: "civplan's default; CIVPLAN_MEMORY_LIMIT_MB changes it".into(),
            },
        }
    }

    /// `Ok` when the parts together fit; else a message naming the request,
    /// each part, the limit and the largest `count` that would fit.
    pub fn check(&self, request: &str, parts: &[Part], scale: Option<Scale>) -> Result<(), LimitError> {
        let total: f64 = parts.iter().map(|p| p.bytes).sum();
        if total.is_finite() && total <= self.bytes {
            return Ok(());
        }
        let fit = scale.and_then(|s| {
            let fixed = total - s.bytes_per_unit * s.count as f64;
            let n = ((self.bytes - fixed) / s.bytes_per_unit).floor();
            (n >= 1.0).then_some((s.what, n as u64))
        });
        Err(LimitError {
            request: request.to_string(),
            needed: total,
            parts: parts.to_vec(),
            budget: self.clone(),
            fit,
        })
    }
}

/// One part of a run's memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub bytes: f64,
    /// How it is counted, e.g. "1,000 draws × 4 years × 46 towns × 21 metrics × 4 bytes".
    pub how: String,
}

/// How the run grows with the number the user chose, to say what would fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The option, e.g. "--draws".
    pub what: &'static str,
    pub count: u64,
    pub bytes_per_unit: f64,
}

/// A run that would not fit.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitError {
    pub request: String,
    pub needed: f64,
    pub parts: Vec<Part>,
    pub budget: Budget,
    /// The largest value of the option that fits.
    pub fit: Option<(&'static str, u64)>,
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.parts.iter().map(|p| format!("{} for {}", human(p.bytes), p.how)).collect();
        write!(
            f,
            "{}: needs about {} of memory ({}), more than the limit of {} ({})",
            self.request,
            human(self.needed),
            parts.join(" + "),
            human(self.budget.bytes),
            self.budget.source
        )?;
        match self.fit {
            Some((what, n)) => write!(f, "; use {what} {n} or less"),
            None => write!(f, "; make the instance smaller"),
        }
    }
}

impl std::error::Error for LimitError {}

/// The Monte Carlo's per-draw results.
pub fn simulation(draws: u64, years: usize, towns: usize) -> Part {
    let bytes = draws as f64 * years as f64 * towns as f64 * METRICS as f64 * 4.0;
    Part {
        bytes,
        how: format!(
            "{} draws × {years} years × {} towns × {METRICS} metrics × 4 bytes",
            group(draws),
            group(towns as u64)
        ),
    }
}

/// Bytes per draw of [`simulation`].
pub fn simulation_per_draw(years: usize, towns: usize) -> f64 {
    years as f64 * towns as f64 * METRICS as f64 * 4.0
}

/// Assignment variables of one draw of the plan model, at most.
pub fn plan_variables_per_draw(towns: usize, sites: usize) -> f64 {
    4.0 * towns as f64 * (sites as f64 + 1.0) + 4.0 * towns as f64
}

/// A plan model assigning `draws` draws (1 for a plan, 1 + K for a robust
/// plan), with its travel-time matrix; `copies` models at once (stability
/// solves run one per thread).
pub fn plan_model(towns: usize, sites: usize, draws: u64, copies: usize) -> Part {
    let vars = plan_variables_per_draw(towns, sites) * draws as f64 + 8.0 * sites as f64;
    let bytes = (vars * BYTES_PER_VARIABLE + 8.0 * (towns as f64).powi(2)) * copies.max(1) as f64;
    let copies = if copies > 1 { format!(" × {copies} models at once") } else { String::new() };
    Part {
        bytes,
        how: format!(
            "a plan model of about {} variables ({} towns × {} sites × {} draw(s)){copies}",
            group(vars as u64),
            group(towns as u64),
            group(sites as u64),
            group(draws)
        ),
    }
}

/// A classic model on `n` demand points and `m` sites; `assignment` when
/// the formulation has a variable per pair.
pub fn locate_model(n: usize, m: usize, assignment: bool, pairs_of_sites: bool) -> Part {
    let pairs = n as f64 * m as f64;
    let mut bytes = 8.0 * pairs;
    if assignment {
        bytes += pairs * BYTES_PER_VARIABLE;
    } else {
        // Benders keeps a sorted cost list per point and its cuts.
        bytes += pairs * 32.0;
    }
    if pairs_of_sites {
        bytes += (m as f64).powi(2) * (8.0 + 256.0);
    }
    Part { bytes, how: format!("{} demand points × {} sites", group(n as u64), group(m as u64)) }
}

/// The demand × site cost matrix of a classic model.
pub fn cost_matrix(n: usize, m: usize) -> Part {
    Part {
        bytes: 8.0 * n as f64 * m as f64,
        how: format!("a cost matrix of {} × {} pairs × 8 bytes", group(n as u64), group(m as u64)),
    }
}

/// 1,234,567.
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 14.4 GiB, 300.0 MiB (binary units, as memory is counted).
pub fn human(bytes: f64) -> String {
    const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if !bytes.is_finite() {
        return "more than can be counted".into();
    }
    let mut v = bytes;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{v:.0} bytes")
    } else if u == UNITS.len() - 1 && v >= 1024.0 {
        format!("{:.1e} bytes", bytes)
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Total memory of this machine (Linux), bytes.
fn machine_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(gib: f64) -> Budget {
        Budget { bytes: gib * GIB, source: "a test".into() }
    }

    #[test]
    fn a_run_that_fits_passes() {
        let p = simulation(1000, 4, 46);
        // 1,000 × 4 × 46 × 21 × 4 = 15,456,000 bytes.
        assert_eq!(p.bytes, 15_456_000.0);
        assert!(budget(1.0).check("--draws 1000", &[p], None).is_ok());
    }

    #[test]
    fn a_run_too_large_says_what_would_fit() {
        // 10⁶ draws of 46 towns: 15,456,000,000 bytes = 14.39 GiB against
        // 8 GiB = 8,589,934,592 bytes; / 15,456 bytes per draw = 555,766.99: 555,766 draws fit.
        let p = simulation(1_000_000, 4, 46);
        let scale = Scale { what: "--draws", count: 1_000_000, bytes_per_unit: simulation_per_draw(4, 46) };
        let e = budget(8.0).check("--draws 1000000", &[p], Some(scale)).unwrap_err();
        assert_eq!(e.fit, Some(("--draws", 555_766)));
        assert_eq!(
            e.to_string(),
            "--draws 1000000: needs about 14.4 GiB of memory (14.4 GiB for 1,000,000 draws × 4 years × 46 towns × 21 \
metrics × 4 bytes), more than the limit of 8.0 GiB (a test); use --draws 555766 or less"
        );
    }

    #[test]
    fn grouping_and_sizes() {
        assert_eq!(group(0), "0");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(human(999.0), "999 bytes");
        assert_eq!(human(15_456_000.0), "14.7 MiB");
        assert_eq!(human(8.0 * GIB), "8.0 GiB");
        assert_eq!(human(f64::INFINITY), "more than can be counted");
    }

    #[test]
    fn the_default_budget_is_at_most_8_gib() {
        let b = Budget::from_env();
        assert!(b.bytes > 0.0);
        if std::env::var("CIVPLAN_MEMORY_LIMIT_MB").is_err() {
            assert!(b.bytes <= DEFAULT_LIMIT_BYTES);
        }
    }
}
