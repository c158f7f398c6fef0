//! What a batch is: scenarios × variations, from the command line
//! (`--set KEY=V1,V2`, `--scale KEY=F1,F2`) or from a batch file
//! (`batches/<name>.toml`: `[[vary]]` dimensions and `[[case]]` lists), and
//! its runs, each named by its identity (scenario and variation values).

use super::overrides::{display, parse_value, split_key, split_list, toml_text, Override};
use crate::limits::{check_gap, check_int, check_time_limit, Unit};
use crate::plan::DEFAULT_GAP;
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

/// One dimension of variation; the runs are the product of all dimensions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    /// A key set to each of several values (TOML text).
    Set { key: String, values: Vec<String> },
    /// Every number at a key multiplied by each factor (a number, or each
    /// number of the table or array there: `plan.budget_wan` scales every
    /// period's budget).
    Scale { key: String, factors: Vec<f64> },
    /// Named cases, each setting its own keys.
    Cases(Vec<Case>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub name: String,
    /// (key, TOML text), in the order written.
    pub set: Vec<(String, String)>,
}

impl Dim {
    pub fn len(&self) -> usize {
        match self {
            Dim::Set { values, .. } => values.len(),
            Dim::Scale { factors, .. } => factors.len(),
            Dim::Cases(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column of comparison.csv holding this dimension's value.
    pub fn column(&self) -> String {
        match self {
            Dim::Set { key, .. } => key.clone(),
            Dim::Scale { key, .. } => format!("{key}:scale"),
            Dim::Cases(_) => "case".into(),
        }
    }

    /// Value `i` as a person reads it (strings without quotes).
    pub fn label(&self, i: usize) -> String {
        match self {
            Dim::Set { values, .. } => {
                parse_value(&values[i]).map(|v| display(&v)).unwrap_or_else(|_| values[i].clone())
            }
            Dim::Scale { factors, .. } => factors[i].to_string(),
            Dim::Cases(c) => c[i].name.clone(),
        }
    }

    /// A short name for folder names: the key's last part that says what
    /// it is (`norms.nursing_bed_min_share.value` → `nursing_bed_min_share`,
    /// `demand.disability_prevalence.5.mean` → `disability_prevalence.5`).
    fn short(&self) -> String {
        let key = match self {
            Dim::Set { key, .. } | Dim::Scale { key, .. } => key,
            Dim::Cases(_) => return String::new(),
        };
        let parts: Vec<&str> = key.split('.').collect();
        let mut i = parts.len() - 1;
        while i > 0 && matches!(parts[i], "value" | "mean") {
            i -= 1;
        }
        // An array index says nothing alone: keep the array's name with it.
        let from = if i > 0 && parts[i].parse::<usize>().is_ok() { i - 1 } else { i };
        parts[from..=i].join(".")
    }

    /// The part of a run's folder name for value `i`.
    fn slug(&self, i: usize) -> String {
        match self {
            Dim::Set { .. } => format!("{}={}", self.short(), self.label(i)),
            Dim::Scale { .. } => format!("{}=x{}", self.short(), self.label(i)),
            Dim::Cases(_) => self.label(i),
        }
    }
}

/// A scenario of the batch: its label (identity and folder name) and the
/// path it is read from, as given (relative to the working directory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub label: String,
    pub path: String,
}

/// A batch as defined, before any scenario is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    /// Sorted by label.
    pub scenarios: Vec<ScenarioRef>,
    pub dims: Vec<Dim>,
    /// Monte Carlo draws of every run (None: each scenario's own).
    pub draws: Option<usize>,
    /// Per HiGHS solve, seconds.
    pub time_limit_s: f64,
    /// Relative MIP gap of every solve (`civplan plan --gap`).
    #[serde(default = "default_gap")]
    pub gap: f64,
}

fn default_gap() -> f64 {
    DEFAULT_GAP
}

/// One run: a scenario and one value of each dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// `<scenario>/<values>`: the run's identity, and its folder under `runs/`.
    pub id: String,
    pub scenario: usize,
    /// Index of the value taken in each dimension.
    pub choice: Vec<usize>,
}

impl Run {
    pub fn folder(&self) -> String {
        format!("runs/{}", self.id)
    }
}

impl Definition {
    /// Every run, in identity order: by scenario label, then by the values'
    /// order in each dimension. Row order, shard assignment and seeds never
    /// depend on where a run falls in a loop.
    pub fn runs(&self) -> Vec<Run> {
        let mut choices: Vec<Vec<usize>> = vec![vec![]];
        for d in &self.dims {
            choices =
                choices.into_iter().flat_map(|c| (0..d.len()).map(move |i| [c.clone(), vec![i]].concat())).collect();
        }
        let mut out = Vec::new();
        for (si, s) in self.scenarios.iter().enumerate() {
            for c in &choices {
                out.push(Run { id: format!("{}/{}", s.label, self.slug(c)), scenario: si, choice: c.clone() });
            }
        }
        out
    }

    fn slug(&self, choice: &[usize]) -> String {
        if self.dims.is_empty() {
            return "base".into();
        }
        let text: Vec<String> = self.dims.iter().zip(choice).map(|(d, &i)| d.slug(i)).collect();
        safe_name(&text.join(","))
    }

    /// (column, value) of each dimension for a run, then the keys the cases
    /// set (empty where the run's case does not set them).
    pub fn values(&self, run: &Run) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> =
            self.dims.iter().zip(&run.choice).map(|(d, &i)| (d.column(), d.label(i))).collect();
        for key in self.case_keys() {
            let v = self
                .dims
                .iter()
                .zip(&run.choice)
                .filter_map(|(d, &i)| match d {
                    Dim::Cases(c) => c[i].set.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()),
                    _ => None,
                })
                .next_back()
                .map(|v| parse_value(&v).map(|v| display(&v)).unwrap_or(v))
                .unwrap_or_default();
            out.push((key, v));
        }
        out
    }

    /// Keys set by any case, in the order first written.
    pub fn case_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for d in &self.dims {
            if let Dim::Cases(cases) = d {
                for c in cases {
                    for (k, _) in &c.set {
                        if !keys.contains(k) {
                            keys.push(k.clone());
                        }
                    }
                }
            }
        }
        keys
    }

    /// The sets of a run (scales are resolved against each scenario later).
    pub fn sets(&self, run: &Run) -> Vec<Override> {
        let mut out = Vec::new();
        for (d, &i) in self.dims.iter().zip(&run.choice) {
            match d {
                Dim::Set { key, values } => out.push(Override {
                    key: key.clone(),
                    value: parse_value(&values[i]).expect("values were parsed when the batch was defined"),
                }),
                Dim::Cases(c) => out.extend(c[i].set.iter().map(|(k, v)| Override {
                    key: k.clone(),
                    value: parse_value(v).expect("values were parsed when the batch was defined"),
                })),
                Dim::Scale { .. } => {}
            }
        }
        out
    }

    /// (key, factor) of each scale of a run.
    pub fn scales(&self, run: &Run) -> Vec<(String, f64)> {
        self.dims
            .iter()
            .zip(&run.choice)
            .filter_map(|(d, &i)| match d {
                Dim::Scale { key, factors } => Some((key.clone(), factors[i])),
                _ => None,
            })
            .collect()
    }
}

/// A folder-safe name: letters, digits and `._=,+-x` kept, others `_`; a long
/// name is cut and given a hash of the whole so it stays unique.
fn safe_name(text: &str) -> String {
    let clean: String =
        text.chars().map(|c| if c.is_alphanumeric() || "._=,+-".contains(c) { c } else { '_' }).collect();
    if clean.chars().count() <= 120 {
        return clean;
    }
    let head: String = clean.chars().take(100).collect();
    format!("{head}~{}", &super::fingerprint::hash_json(text)[..12])
}

/// `batches/<name>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchFile {
    name: Option<String>,
    scenarios: Vec<String>,
    draws: Option<usize>,
    time_limit: Option<f64>,
    gap: Option<f64>,
    #[serde(default)]
    vary: Vec<VaryEntry>,
    #[serde(default)]
    case: Vec<CaseEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VaryEntry {
    key: String,
    values: Option<Vec<toml::Value>>,
    scale: Option<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseEntry {
    name: String,
    #[serde(default)]
    set: toml::Table,
}

/// Settings from the command line, which win over the batch file's.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    /// Scenario folders (or their scenario.toml), or one batch file.
    pub inputs: Vec<PathBuf>,
    pub sets: Vec<String>,
    pub scales: Vec<String>,
    pub draws: Option<usize>,
    pub time_limit_s: Option<f64>,
    pub gap: Option<f64>,
    pub name: Option<String>,
}

/// Is this input a batch file (a .toml that is not a scenario.toml)?
pub fn is_batch_file(p: &Path) -> bool {
    p.is_file() && p.extension().is_some_and(|e| e == "toml") && p.file_name().is_some_and(|n| n != "scenario.toml")
}

/// The definition from the command line and, if given, a batch file.
/// Errors name the argument or the file and key.
pub fn define(cl: &CommandLine, default_time_limit_s: f64) -> Result<Definition, String> {
    let files: Vec<&PathBuf> = cl.inputs.iter().filter(|p| is_batch_file(p)).collect();
    let mut name = None;
    let mut dims = Vec::new();
    let mut draws = None;
    let mut time_limit = None;
    let mut gap = None;
    let mut paths: Vec<String> = Vec::new();
    match files.as_slice() {
        [] => paths.extend(cl.inputs.iter().map(|p| normalise(p))),
        [file] if cl.inputs.len() == 1 => {
            let f = read_file(file)?;
            let base = file.parent().unwrap_or(Path::new(""));
            paths.extend(f.scenarios.iter().map(|s| normalise(&base.join(s))));
            name = f.name;
            draws = f.draws;
            time_limit = f.time_limit;
            gap = f.gap;
            for (i, v) in f.vary.into_iter().enumerate() {
                dims.push(vary_dim(v).map_err(|e| format!("{}: vary.{i}: {e}", file.display()))?);
            }
            if !f.case.is_empty() {
                let mut cases = Vec::new();
                for (i, c) in f.case.into_iter().enumerate() {
                    let mut set = Vec::new();
                    flatten("", &toml::Value::Table(c.set), &mut set);
                    if cases.iter().any(|x: &Case| x.name == c.name) {
                        return Err(format!("{}: case.{i}.name = {:?}: each case name once", file.display(), c.name));
                    }
                    cases.push(Case { name: c.name, set });
                }
                dims.push(Dim::Cases(cases));
            }
        }
        _ => return Err("give either scenario folders or one batch file (batches/<name>.toml), not both".into()),
    }
    for arg in &cl.sets {
        let (key, text) = split_key(arg)?;
        let mut values = Vec::new();
        for item in split_list(text) {
            let v = parse_value(item.trim()).map_err(|e| format!("--set {arg}: {e}"))?;
            values.push(toml_text(&v));
        }
        dims.push(Dim::Set { key, values });
    }
    for arg in &cl.scales {
        let (key, text) = split_key(arg).map_err(|e| e.replace("--set", "--scale"))?;
        let mut factors = Vec::new();
        for item in split_list(text) {
            let f: f64 = item.trim().parse().map_err(|_| format!("--scale {arg}: {item:?} is not a number"))?;
            factors.push(f);
        }
        dims.push(Dim::Scale { key, factors });
    }
    for d in &dims {
        if d.is_empty() {
            return Err(format!("{}: no values to vary", d.column()));
        }
        if let Dim::Scale { key, factors } = d {
            if let Some(f) = factors.iter().find(|f| !(f.is_finite() && **f >= 0.0)) {
                return Err(format!("scale of {key}: {f}: expected a finite factor >= 0"));
            }
        }
        let labels: Vec<String> = (0..d.len()).map(|i| d.label(i)).collect();
        if let Some(dup) = labels.iter().enumerate().find(|(i, l)| labels[..*i].contains(l)) {
            return Err(format!("{}: the value {} is listed twice", d.column(), dup.1));
        }
    }
    let columns: Vec<String> = dims.iter().map(Dim::column).collect();
    if let Some(dup) = columns.iter().enumerate().find(|(i, c)| columns[..*i].contains(c)) {
        return Err(format!("{} is varied twice; give all its values in one list", dup.1));
    }
    if paths.is_empty() {
        return Err("no scenarios: give scenario folders, or a batch file with `scenarios = [...]`".into());
    }
    let mut scenarios: Vec<ScenarioRef> =
        paths.iter().map(|p| ScenarioRef { label: label_of(p), path: p.clone() }).collect();
    scenarios.sort_by(|a, b| a.label.cmp(&b.label));
    for w in scenarios.windows(2) {
        if w[0].label == w[1].label {
            return Err(format!(
                "two scenarios are named {} ({} and {}): a run is known by its scenario's folder name, so give them distinct names",
                w[0].label, w[0].path, w[1].path
            ));
        }
    }
    let time_limit_s = cl.time_limit_s.or(time_limit).unwrap_or(default_time_limit_s);
    // The same ranges as `civplan plan --time-limit`, `--gap` and `--draws` (crate::limits).
    check_time_limit(time_limit_s).map_err(|e| format!("time limit {time_limit_s}: expected {e}"))?;
    let gap = cl.gap.or(gap).unwrap_or(DEFAULT_GAP);
    check_gap(gap).map_err(|e| format!("gap {gap}: expected {e}"))?;
    let draws = cl.draws.or(draws);
    if let Some(d) = draws {
        check_int(Unit::Draws, d as u64).map_err(|e| format!("draws {d}: expected {e}"))?;
    }
    Ok(Definition { name: cl.name.clone().or(name).unwrap_or_default(), scenarios, dims, draws, time_limit_s, gap })
}

fn read_file(file: &Path) -> Result<BatchFile, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: cannot read ({e})", file.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

fn vary_dim(v: VaryEntry) -> Result<Dim, String> {
    match (v.values, v.scale) {
        (Some(values), None) => Ok(Dim::Set { key: v.key, values: values.iter().map(toml_text).collect() }),
        (None, Some(factors)) => Ok(Dim::Scale { key: v.key, factors }),
        _ => Err(format!("key = {:?}: expected either `values = [...]` or `scale = [...]`", v.key)),
    }
}

/// A case's `set` table as (dotted key, TOML text): quoted dotted keys
/// (`"plan.quantile" = 0.5`) and nested tables (`plan.quantile = 0.5`) alike.
fn flatten(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, x, out);
            }
        }
        other => out.push((prefix.to_string(), toml_text(other))),
    }
}

/// A path without `.` and `a/..` parts and without a trailing `/`, so the
/// same folder is always named the same way.
pub fn normalise(p: &Path) -> String {
    let mut parts: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let out: PathBuf = parts.iter().collect();
    if out.as_os_str().is_empty() {
        ".".into()
    } else {
        out.display().to_string()
    }
}

/// A scenario's label: its folder's name (`scenarios/tongnan` → `tongnan`).
fn label_of(path: &str) -> String {
    let p = Path::new(path);
    let p = if p.file_name().is_some_and(|n| n == "scenario.toml") { p.parent().unwrap_or(p) } else { p };
    safe_name(&p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(sets: &[&str]) -> Definition {
        let cl = CommandLine {
            inputs: vec!["scenarios/b/".into(), "scenarios/a".into()],
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        define(&cl, 300.0).unwrap()
    }

    #[test]
    fn runs_are_the_product_in_identity_order() {
        let d = def(&["norms.nursing_bed_min_share.value=0.55,0.6", "plan.quantile=0.5,0.9"]);
        let ids: Vec<String> = d.runs().into_iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), 8);
        assert_eq!(ids[0], "a/nursing_bed_min_share=0.55,plan.quantile=0.5".replace("plan.", ""));
        assert_eq!(ids[3], "a/nursing_bed_min_share=0.6,quantile=0.9");
        assert_eq!(ids[4], "b/nursing_bed_min_share=0.55,quantile=0.5");
        assert_eq!(d.scenarios[0].path, "scenarios/a");
        assert_eq!(d.scenarios[1].path, "scenarios/b");
    }

    #[test]
    fn bad_definitions_are_refused_with_the_argument() {
        let cl = |sets: &[&str]| CommandLine {
            inputs: vec!["x/a".into()],
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        assert!(define(&cl(&["plan.quantile=0.5,0.5"]), 300.0).unwrap_err().contains("listed twice"));
        assert!(define(&cl(&["plan.quantile=0.5", "plan.quantile=0.9"]), 300.0).unwrap_err().contains("varied twice"));
        assert!(define(&cl(&["plan.quantile"]), 300.0).unwrap_err().contains("KEY=VALUE"));
        let two = CommandLine { inputs: vec!["x/a".into(), "y/a".into()], ..Default::default() };
        assert!(define(&two, 300.0).unwrap_err().contains("two scenarios are named a"));
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise(Path::new("batches/../scenarios/tongnan/")), "scenarios/tongnan");
        assert_eq!(normalise(Path::new("./scenarios/x")), "scenarios/x");
        assert_eq!(normalise(Path::new("../a")), "../a");
    }
}
