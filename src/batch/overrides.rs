//! `--set KEY=VALUE`: a scenario.toml key, named by its dotted path, given
//! another TOML value before the file is read. The edit is made on the
//! document itself (toml_edit keeps every other line as written), and the
//! edited text then goes through the normal loader and validation, so a
//! key the schema does not have, or a value of the wrong type or range,
//! gets the same located error as if it had been written in the file.

use crate::scenario::{self, Problem, Scenario, ScenarioError};
use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, Item, Table, Value};

/// One override: a dotted key path into scenario.toml and a TOML value.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub key: String,
    pub value: toml::Value,
}

impl Override {
    /// `KEY=VALUE` as `civplan plan --set` and the replay commands write it.
    pub fn parse(arg: &str) -> Result<Override, String> {
        let (key, text) = split_key(arg)?;
        Ok(Override { key, value: parse_value(text.trim()).map_err(|e| format!("--set {arg}: {e}"))? })
    }

    /// `KEY=VALUE` with the value in TOML syntax (strings quoted).
    pub fn to_arg(&self) -> String {
        format!("{}={}", self.key, toml_text(&self.value))
    }
}

/// The key and the text after `=` of `KEY=...`.
pub fn split_key(arg: &str) -> Result<(String, &str), String> {
    let Some((key, text)) = arg.split_once('=') else {
        return Err(format!("--set {arg}: expected KEY=VALUE, e.g. plan.quantile=0.5"));
    };
    let key = key.trim();
    if key.is_empty() || key.split('.').any(|p| p.trim().is_empty()) {
        return Err(format!("--set {arg}: expected a dotted key path such as norms.nursing_bed_min_share.value"));
    }
    Ok((key.to_string(), text))
}

/// A value as TOML reads it (`0.55`, `true`, `"towns.csv"`, `[1, 2]`); a bare
/// word that is no TOML value is taken as a string, as a shell user means it.
pub fn parse_value(text: &str) -> Result<toml::Value, String> {
    if text.is_empty() {
        return Err("expected a value after `=`".into());
    }
    match toml::from_str::<toml::Table>(&format!("v = {text}")) {
        Ok(mut t) => t.remove("v").ok_or_else(|| "expected one value".into()),
        Err(e) if text.contains(['"', '\'', '[', ']', '{', '}', '=', '\n']) => {
            Err(format!("{text} is not a TOML value ({})", e.message()))
        }
        Err(_) => Ok(toml::Value::String(text.to_string())),
    }
}

/// Split a `--set` list at its top-level commas (not those inside quotes,
/// arrays or inline tables): `0.5,0.9` is two values, `[1,2]` one.
pub fn split_list(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, ch) in text.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// A value in TOML syntax.
pub fn toml_text(v: &toml::Value) -> String {
    v.to_string()
}

/// A value as a person reads it in a table: strings without their quotes.
pub fn display(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => toml_text(other),
    }
}

/// The text of scenario.toml with `overrides` applied in order, and notes on
/// keys they created that the file did not have (shown with a failed load,
/// where such a key is the likely cause).
pub fn apply(text: &str, overrides: &[Override]) -> Result<(String, Vec<String>), String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| e.message().to_string())?;
    let mut notes = Vec::new();
    for o in overrides {
        let path: Vec<&str> = o.key.split('.').map(str::trim).collect();
        let value: Value =
            toml_text(&o.value).parse().map_err(|e: toml_edit::TomlError| format!("{}: {}", o.key, e.message()))?;
        set_in_table(doc.as_table_mut(), &path, 0, value, o, &mut notes)?;
    }
    Ok((doc.to_string(), notes))
}

/// Keep a replaced value's surrounding spaces and comment.
fn keep_decor(old: &Value, mut new: Value) -> Value {
    *new.decor_mut() = old.decor().clone();
    new
}

fn created(notes: &mut Vec<String>, o: &Override, path: &[&str], at: usize, has: Vec<String>) {
    // One note per override, at the first level it created: the levels below are new with it.
    if notes.last().is_some_and(|n| n.starts_with(&format!("--set {}:", o.key))) {
        return;
    }
    notes.push(format!(
        "--set {}: scenario.toml has no `{}`; the override added it{}",
        o.key,
        path[..=at].join("."),
        if has.is_empty() { String::new() } else { format!(" (there: {})", has.join(", ")) }
    ));
}

fn set_in_table(
    t: &mut Table,
    path: &[&str],
    at: usize,
    value: Value,
    o: &Override,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let key = path[at];
    let last = at + 1 == path.len();
    if t.get(key).is_none() {
        created(notes, o, path, at, t.iter().map(|(k, _)| k.to_string()).collect());
        if last {
            t.insert(key, Item::Value(value));
            return Ok(());
        }
        let mut sub = Table::new();
        sub.set_implicit(true);
        t.insert(key, Item::Table(sub));
    }
    let item = t.get_mut(key).expect("present or just inserted");
    if last {
        *item = match item {
            Item::Value(old) => Item::Value(keep_decor(old, value)),
            _ => Item::Value(value),
        };
        return Ok(());
    }
    set_in_item(item, path, at + 1, value, o, notes)
}

fn set_in_item(
    item: &mut Item,
    path: &[&str],
    at: usize,
    value: Value,
    o: &Override,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    match item {
        Item::Table(t) => set_in_table(t, path, at, value, o, notes),
        Item::Value(v) => set_in_value(v, path, at, value, o, notes),
        Item::ArrayOfTables(a) => {
            let i = index(path, at, a.len())?;
            let t = a.get_mut(i).expect("index checked");
            if at + 1 == path.len() {
                return Err(format!("`{}` is a table; set one of its keys", path[..=at].join(".")));
            }
            set_in_table(t, path, at + 1, value, o, notes)
        }
        Item::None => Err(format!("`{}` has no value", path[..at].join("."))),
    }
}

fn set_in_value(
    v: &mut Value,
    path: &[&str],
    at: usize,
    value: Value,
    o: &Override,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let last = at + 1 == path.len();
    match v {
        Value::InlineTable(t) => {
            let key = path[at];
            if t.get(key).is_none() {
                created(notes, o, path, at, t.iter().map(|(k, _)| k.to_string()).collect());
                if last {
                    t.insert(key, value);
                    return Ok(());
                }
                t.insert(key, Value::InlineTable(Default::default()));
            }
            let inner = t.get_mut(key).expect("present or just inserted");
            if last {
                *inner = keep_decor(inner, value);
                Ok(())
            } else {
                set_in_value(inner, path, at + 1, value, o, notes)
            }
        }
        Value::Array(a) => {
            let i = index(path, at, a.len())?;
            if last {
                a.replace(i, value);
                Ok(())
            } else {
                set_in_value(a.get_mut(i).expect("index checked"), path, at + 1, value, o, notes)
            }
        }
        other => Err(format!(
            "`{}` is a {} ({}), not a table: `{}` cannot be set inside it",
            path[..at].join("."),
            other.type_name(),
            other.to_string().trim(),
            path.join(".")
        )),
    }
}

/// An array index in a key path (`demand.disability_prevalence.0`).
fn index(path: &[&str], at: usize, len: usize) -> Result<usize, String> {
    let p = path[at];
    match p.parse::<usize>() {
        Ok(i) if i < len => Ok(i),
        Ok(i) => Err(format!("`{}`: index {i}, but the array has {len} items (0..{})", path[..at].join("."), len)),
        Err(_) => Err(format!("`{}` is an array: expected an index 0..{len}, not `{p}`", path[..at].join("."))),
    }
}

/// scenario.toml of a scenario path (a folder, or the file itself).
pub fn toml_path(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("scenario.toml")
    } else {
        path.to_path_buf()
    }
}

/// A scenario that could not be loaded with its overrides: the loader's
/// error, and notes on keys the overrides created.
#[derive(Debug)]
pub struct LoadFailure {
    pub error: ScenarioError,
    pub notes: Vec<String>,
}

impl LoadFailure {
    /// For a terminal (`fancy`: colours and boxes) or a file (plain).
    pub fn render(&self, fancy: bool) -> String {
        let mut s = self.error.render(fancy);
        for n in &self.notes {
            s.push_str(&format!("note: {n}\n"));
        }
        s
    }

    /// One line per problem, for a CSV cell or a log line.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = match &self.error {
            ScenarioError::Invalid { problems, .. } => problems.iter().map(|p| p.to_string()).collect(),
            e => vec![e.to_string()],
        };
        parts.extend(self.notes.iter().map(|n| format!("note: {n}")));
        parts.join("; ")
    }
}

/// Load and validate a scenario with `overrides` applied to its
/// scenario.toml before it is read.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, LoadFailure> {
    if overrides.is_empty() {
        return scenario::load(path).map_err(|error| LoadFailure { error, notes: Vec::new() });
    }
    let file = toml_path(path);
    let mut notes = Vec::new();
    let result = scenario::load_edited(path, |text| match apply(text, overrides) {
        Ok((edited, n)) => {
            notes = n;
            Ok(Some(edited))
        }
        Err(msg) => {
            let keys: Vec<String> = overrides.iter().map(Override::to_arg).collect();
            Err(Box::new(Problem::new(&file, keys.join(" "), "", msg)))
        }
    });
    result.map_err(|error| LoadFailure { error, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(arg: &str) -> Override {
        Override::parse(arg).unwrap()
    }

    #[test]
    fn values_are_toml_and_bare_words_are_strings() {
        assert_eq!(o("plan.quantile=0.5").value, toml::Value::Float(0.5));
        assert_eq!(o("meta.draws=200").value, toml::Value::Integer(200));
        assert_eq!(o("x.per_site=true").value, toml::Value::Boolean(true));
        assert_eq!(o("files.towns=towns2.csv").value, toml::Value::String("towns2.csv".into()));
        assert_eq!(o("files.towns=\"a,b.csv\"").value, toml::Value::String("a,b.csv".into()));
        assert!(Override::parse("plan.quantile").is_err());
        assert!(Override::parse("=1").is_err());
        assert!(Override::parse("a..b=1").is_err());
        assert!(Override::parse("a=[1,").is_err());
    }

    #[test]
    fn lists_split_at_top_level_commas_only() {
        assert_eq!(split_list("0.5,0.9"), vec!["0.5", "0.9"]);
        assert_eq!(split_list("[1,2],[3]"), vec!["[1,2]", "[3]"]);
        assert_eq!(split_list("\"a,b\",c"), vec!["\"a,b\"", "c"]);
        assert_eq!(split_list("{ a = 1, b = 2 }"), vec!["{ a = 1, b = 2 }"]);
    }

    #[test]
    fn edits_keep_the_rest_of_the_file_and_its_comments() {
        let text = "[meta]\nseed = 1 # the plan's date\n\n[norms]\nshare = { value = 0.6, source = \"L1\" }\n\n[demand]\np = [0.1, 0.2]\n";
        let (out, notes) = apply(text, &[o("norms.share.value=0.65"), o("demand.p.1=0.3"), o("meta.seed=7")]).unwrap();
        assert_eq!(
            out,
            "[meta]\nseed = 7 # the plan's date\n\n[norms]\nshare = { value = 0.65, source = \"L1\" }\n\n[demand]\np = [0.1, 0.3]\n"
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn a_missing_table_is_created_and_noted() {
        let text = "[meta]\nseed = 1\n";
        let (out, notes) = apply(text, &[o("plan.budget_wan.2021-2025=100")]).unwrap();
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(parsed["plan"]["budget_wan"]["2021-2025"].as_integer(), Some(100));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("no `plan`"), "{notes:?}");
    }

    #[test]
    fn setting_inside_a_number_or_past_an_array_is_refused_with_the_key() {
        let text = "[costs]\nbed_yuan = 1.0\np = [1, 2]\n";
        let e = apply(text, &[o("costs.bed_yuan.x=1")]).unwrap_err();
        assert!(e.contains("`costs.bed_yuan` is a float") && e.contains("costs.bed_yuan.x"), "{e}");
        let e = apply(text, &[o("costs.p.2=1")]).unwrap_err();
        assert!(e.contains("index 2") && e.contains("2 items"), "{e}");
    }
}
