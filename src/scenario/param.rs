//! Uncertain parameters: a plain number is fixed; a table names a
//! distribution. Each Monte Carlo draw samples every parameter once.
//!
//! ```toml
//! tfr = 1.05                                         # fixed
//! tfr = { dist = "normal", mean = 1.05, sd = 0.10 }  # normal
//! share = { dist = "beta", mean = 0.2, sd = 0.03 }   # beta, by mean and sd
//! x = { dist = "uniform", low = 1.0, high = 2.0 }
//! x = { dist = "triangular", low = 1.0, mode = 1.2, high = 2.0 }
//! ```

use rand::Rng;
use rand_distr::{Beta, Distribution, Normal, Triangular, Uniform};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A parameter that may be uncertain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    /// A fixed value.
    Fixed(f64),
    /// Normal(mean, sd). Used for rates that may be negative (migration, drift).
    Normal { mean: f64, sd: f64 },
    /// Beta with the given mean and standard deviation: for shares in (0, 1).
    Beta { mean: f64, sd: f64 },
    /// Uniform on [low, high].
    Uniform { low: f64, high: f64 },
    /// Triangular on [low, high] with the given mode.
    Triangular { low: f64, mode: f64, high: f64 },
}

impl Param {
    /// The central value: the mean (or the mode of a triangular), used by
    /// `--deterministic` runs and by describe.
    pub fn central(&self) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Normal { mean, .. } | Param::Beta { mean, .. } => mean,
            Param::Uniform { low, high } => 0.5 * (low + high),
            Param::Triangular { low, mode, high } => (low + mode + high) / 3.0,
        }
    }

    /// Smallest and largest value the parameter can take (normal: ±∞).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Param::Fixed(v) => (v, v),
            Param::Normal { sd: 0.0, mean } => (mean, mean),
            Param::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Param::Beta { mean, sd: 0.0 } => (mean, mean),
            Param::Beta { .. } => (0.0, 1.0),
            Param::Uniform { low, high } | Param::Triangular { low, high, .. } => (low, high),
        }
    }

    /// Why this parameter's definition is impossible, if it is: the key of
    /// the distribution at fault (`low`, `sd`, …; empty for a plain number)
    /// and what it should be.
    pub fn check(&self) -> Result<(), ParamError> {
        let err = |key: &'static str, value: f64, expected: String| Err(ParamError { key, value, expected });
        let finite =
            |v: f64, key: &'static str| if v.is_finite() { Ok(()) } else { err(key, v, "a finite number".into()) };
        match *self {
            Param::Fixed(v) => finite(v, ""),
            Param::Normal { mean, sd } => {
                finite(mean, "mean")?;
                finite(sd, "sd")?;
                if sd < 0.0 {
                    return err("sd", sd, "an sd >= 0".into());
                }
                Ok(())
            }
            Param::Beta { mean, sd } => {
                finite(mean, "mean")?;
                finite(sd, "sd")?;
                if !(0.0..=1.0).contains(&mean) {
                    return err("mean", mean, "a beta mean in [0, 1]".into());
                }
                if sd < 0.0 {
                    return err("sd", sd, "an sd >= 0".into());
                }
                if sd > 0.0 && sd * sd >= mean * (1.0 - mean) {
                    return err(
                        "sd",
                        sd,
                        format!(
                            "a beta with mean {mean} needs sd < sqrt(mean*(1-mean)) = {:.4}",
                            (mean * (1.0 - mean)).sqrt()
                        ),
                    );
                }
                Ok(())
            }
            Param::Uniform { low, high } => {
                finite(low, "low")?;
                finite(high, "high")?;
                if low > high {
                    return err("low", low, format!("low <= high ({high})"));
                }
                Ok(())
            }
            Param::Triangular { low, mode, high } => {
                finite(low, "low")?;
                finite(mode, "mode")?;
                finite(high, "high")?;
                if low > high {
                    return err("low", low, format!("low <= mode <= high (high is {high})"));
                }
                if mode < low {
                    return err("mode", mode, format!("low <= mode <= high (low is {low})"));
                }
                if mode > high {
                    return err("mode", mode, format!("low <= mode <= high (high is {high})"));
                }
                Ok(())
            }
        }
    }

    /// Draw one value. Degenerate distributions (sd 0, low = high) return
    /// their single value without consuming randomness differently, so a
    /// run with all spreads at zero is exactly the central projection.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Normal { mean, sd } => {
                if sd == 0.0 {
                    return mean;
                }
                Normal::new(mean, sd).map(|d| d.sample(rng)).unwrap_or(mean)
            }
            Param::Beta { mean, sd } => {
                if sd == 0.0 || mean <= 0.0 || mean >= 1.0 {
                    return mean;
                }
                let k = mean * (1.0 - mean) / (sd * sd) - 1.0;
                Beta::new(mean * k, (1.0 - mean) * k).map(|d| d.sample(rng)).unwrap_or(mean)
            }
            Param::Uniform { low, high } => {
                if low == high {
                    return low;
                }
                Uniform::new_inclusive(low, high).map(|d| d.sample(rng)).unwrap_or(low)
            }
            Param::Triangular { low, mode, high } => {
                if low == high {
                    return low;
                }
                Triangular::new(low, high, mode).map(|d| d.sample(rng)).unwrap_or(mode)
            }
        }
    }

    /// The same parameter with every spread removed.
    pub fn to_fixed(&self) -> Param {
        Param::Fixed(self.central())
    }
}

/// What is wrong with a distribution: the key inside it at fault (empty
/// for a plain number), its value and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    pub key: &'static str,
    pub value: f64,
    pub expected: String,
}

impl Default for Param {
    fn default() -> Self {
        Param::Fixed(0.0)
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Fixed(v)
    }
}

impl Serialize for Param {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match *self {
            Param::Fixed(v) => s.serialize_f64(v),
            Param::Normal { mean, sd } => {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("dist", "normal")?;
                m.serialize_entry("mean", &mean)?;
                m.serialize_entry("sd", &sd)?;
                m.end()
            }
            Param::Beta { mean, sd } => {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("dist", "beta")?;
                m.serialize_entry("mean", &mean)?;
                m.serialize_entry("sd", &sd)?;
                m.end()
            }
            Param::Uniform { low, high } => {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("dist", "uniform")?;
                m.serialize_entry("low", &low)?;
                m.serialize_entry("high", &high)?;
                m.end()
            }
            Param::Triangular { low, mode, high } => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("dist", "triangular")?;
                m.serialize_entry("low", &low)?;
                m.serialize_entry("mode", &mode)?;
                m.serialize_entry("high", &high)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ParamVisitor)
    }
}

struct ParamVisitor;

const PARAM_KEYS: &[&str] = &["dist", "mean", "sd", "low", "mode", "high"];

impl<'de> Visitor<'de> for ParamVisitor {
    type Value = Param;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, or a table { dist = \"normal\"|\"beta\"|\"uniform\"|\"triangular\", ... }")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Param, E> {
        Ok(Param::Fixed(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Param, E> {
        Ok(Param::Fixed(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Param, E> {
        Ok(Param::Fixed(v as f64))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Param, A::Error> {
        let mut dist: Option<String> = None;
        let (mut mean, mut sd, mut low, mut mode, mut high) = (None, None, None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "dist" => {
                    dist = Some(map.next_value()?);
                    continue;
                }
                "mean" => &mut mean,
                "sd" => &mut sd,
                "low" => &mut low,
                "mode" => &mut mode,
                "high" => &mut high,
                other => return Err(de::Error::unknown_field(other, PARAM_KEYS)),
            };
            *slot = Some(map.next_value::<f64>()?);
        }
        let need = |v: Option<f64>, name: &'static str| v.ok_or_else(|| de::Error::missing_field(name));
        let reject = |v: Option<f64>, name: &'static str, dist: &str| match v {
            Some(_) => Err(de::Error::custom(format!("key `{name}` does not belong to a {dist} distribution"))),
            None => Ok(()),
        };
        let p = match dist.as_deref() {
            Some("normal") => {
                reject(low, "low", "normal")?;
                reject(mode, "mode", "normal")?;
                reject(high, "high", "normal")?;
                Param::Normal { mean: need(mean, "mean")?, sd: need(sd, "sd")? }
            }
            Some("beta") => {
                reject(low, "low", "beta")?;
                reject(mode, "mode", "beta")?;
                reject(high, "high", "beta")?;
                Param::Beta { mean: need(mean, "mean")?, sd: need(sd, "sd")? }
            }
            Some("uniform") => {
                reject(mean, "mean", "uniform")?;
                reject(sd, "sd", "uniform")?;
                reject(mode, "mode", "uniform")?;
                Param::Uniform { low: need(low, "low")?, high: need(high, "high")? }
            }
            Some("triangular") => {
                reject(mean, "mean", "triangular")?;
                reject(sd, "sd", "triangular")?;
                Param::Triangular { low: need(low, "low")?, mode: need(mode, "mode")?, high: need(high, "high")? }
            }
            Some(other) => return Err(de::Error::unknown_variant(other, &["normal", "beta", "uniform", "triangular"])),
            None => return Err(de::Error::missing_field("dist")),
        };
        // Whether the numbers make sense (low <= high, a beta's sd) is
        // checked with the key's full path by the validator (Param::check).
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[derive(Deserialize)]
    struct W {
        p: Param,
    }

    fn parse(s: &str) -> Result<Param, String> {
        toml::from_str::<W>(s).map(|w| w.p).map_err(|e| e.message().to_string())
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(parse("p = 3").unwrap(), Param::Fixed(3.0));
        assert_eq!(parse("p = 0.25").unwrap(), Param::Fixed(0.25));
        assert_eq!(
            parse("p = { dist = \"beta\", mean = 0.2, sd = 0.05 }").unwrap(),
            Param::Beta { mean: 0.2, sd: 0.05 }
        );
        assert_eq!(
            parse("p = { dist = \"triangular\", low = 1, mode = 2, high = 4 }").unwrap(),
            Param::Triangular { low: 1.0, mode: 2.0, high: 4.0 }
        );
    }

    #[test]
    fn rejects_bad_forms() {
        assert!(parse("p = { mean = 1, sd = 1 }").unwrap_err().contains("dist"));
        assert!(parse("p = { dist = \"gamma\", mean = 1 }").unwrap_err().contains("gamma"));
        assert!(parse("p = { dist = \"normal\", mean = 1, sd = 1, low = 0 }").unwrap_err().contains("low"));
        assert!(parse("p = \"x\"").is_err());
    }

    /// Impossible numbers parse, and `check` names the key at fault.
    #[test]
    fn check_names_the_key_at_fault() {
        let key = |s: &str| parse(s).unwrap().check().unwrap_err().key;
        assert_eq!(key("p = { dist = \"beta\", mean = 0.5, sd = 0.6 }"), "sd");
        assert_eq!(key("p = { dist = \"beta\", mean = 1.5, sd = 0.1 }"), "mean");
        assert_eq!(key("p = { dist = \"triangular\", low = 3, mode = 2, high = 1 }"), "low");
        assert_eq!(key("p = { dist = \"triangular\", low = 1, mode = 5, high = 4 }"), "mode");
        assert_eq!(key("p = { dist = \"uniform\", low = -inf, high = 1 }"), "low");
        assert_eq!(key("p = nan"), "");
        let e = parse("p = { dist = \"uniform\", low = 2, high = 1 }").unwrap().check().unwrap_err();
        assert_eq!(e, ParamError { key: "low", value: 2.0, expected: "low <= high (1)".into() });
        assert!(parse("p = { dist = \"beta\", mean = 0.2, sd = 0.05 }").unwrap().check().is_ok());
    }

    #[test]
    fn beta_sample_mean_matches() {
        // Mean of 20,000 Beta(mean 0.3, sd 0.05) draws: standard error
        // 0.05/sqrt(20000) = 0.00035, so 0.3 ± 0.002 is a > 5-sigma band.
        let p = Param::Beta { mean: 0.3, sd: 0.05 };
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 20_000;
        let m: f64 = (0..n).map(|_| p.sample(&mut rng)).sum::<f64>() / n as f64;
        assert!((m - 0.3).abs() < 0.002, "{m}");
    }

    #[test]
    fn zero_spread_is_central() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(Param::Normal { mean: 2.0, sd: 0.0 }.sample(&mut rng), 2.0);
        assert_eq!(Param::Beta { mean: 0.4, sd: 0.0 }.sample(&mut rng), 0.4);
    }

    #[test]
    fn serialises_back() {
        let p = Param::Beta { mean: 0.2, sd: 0.05 };
        let s = toml::to_string(&std::collections::BTreeMap::from([("p", p)])).unwrap();
        assert_eq!(parse(&s).unwrap(), p);
    }
}
