//! Reading a scenario folder: `scenario.toml` section by section (so one bad
//! section does not hide the others) and each CSV table through the shared
//! reader ([`crate::table`]), collecting every problem with its position.

use super::error::{Problem, ScenarioError};
use super::model::*;
use crate::table::{text, Schema, Table};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// Where a scenario's files come from: the disk, or texts in memory (the
/// fuzzers and tests).
pub(crate) enum Reader<'a> {
    Disk,
    Memory(&'a BTreeMap<PathBuf, Vec<u8>>),
}

impl Reader<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self {
            Reader::Disk => std::fs::read(path),
            Reader::Memory(m) => {
                m.get(path).cloned().ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "No such file or directory"))
            }
        }
    }

    /// The text of `path` when it exists and is text (None otherwise: the
    /// loader reports an unreadable table itself).
    pub fn text(&self, path: &Path) -> Option<String> {
        self.read(path).ok().and_then(|b| text::decode(&b).ok())
    }

    /// The bytes of `path`, or a problem saying why there are none.
    pub fn bytes(&self, path: &Path, problems: &mut Vec<Problem>) -> Option<Vec<u8>> {
        match self.read(path) {
            Ok(b) => Some(b),
            Err(e) => {
                problems.push(Problem::new(path, "(file)", "", format!("a readable file ({e})")));
                None
            }
        }
    }
}

/// A file's text, kept to attach excerpts to problems.
pub(crate) struct Source {
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl Source {
    pub fn read(path: &Path, files: &Reader, problems: &mut Vec<Problem>) -> Option<Source> {
        let bytes = files.bytes(path, problems)?;
        match text::decode(&bytes) {
            Ok(s) => Some(Source { path: path.to_path_buf(), text: Arc::from(s) }),
            Err(e) => {
                let p = Problem::new(path, "(file)", &e.found, e.expected);
                problems.push(match e.line {
                    Some(l) => p.at_line(l),
                    None => p,
                });
                None
            }
        }
    }

    pub fn problem(
        &self,
        key: impl Into<String>,
        value: impl AsRef<str>,
        expected: impl Into<String>,
        span: std::ops::Range<usize>,
    ) -> Problem {
        Problem::new(&self.path, key, value, expected).at(&self.text, span.start, span.end - span.start)
    }
}

const SECTIONS: &[&str] = &["meta", "files", "population", "demography", "demand", "norms", "costs", "travel", "plan"];

/// Parse scenario.toml into a [`Config`], or the list of problems.
pub(crate) fn read_config(src: &Source, problems: &mut Vec<Problem>) -> Option<Config> {
    let root = match DeTable::parse(&src.text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            problems.push(src.problem("(syntax)", "", format!("valid TOML: {}", e.message()), span));
            return None;
        }
    };
    let before = problems.len();
    for (key, value) in root.get_ref().iter() {
        if !SECTIONS.contains(&key.get_ref().as_ref()) {
            problems.push(src.problem(
                key.get_ref().to_string(),
                "",
                format!("a known section: one of {}", SECTIONS.join(", ")),
                key.span(),
            ));
        } else if !matches!(value.get_ref(), DeValue::Table(_)) {
            problems.push(src.problem(key.get_ref().to_string(), value.get_ref().type_str(), "a table", value.span()));
        }
    }
    let meta = section::<Meta>(src, &root, "meta", problems);
    let files = if root.get_ref().contains_key("files") {
        section::<Files>(src, &root, "files", problems)
    } else {
        Some(Files::default())
    };
    let population = section::<Population>(src, &root, "population", problems);
    let demography = section::<Demography>(src, &root, "demography", problems);
    let demand = section::<DemandParams>(src, &root, "demand", problems);
    let norms = section::<Norms>(src, &root, "norms", problems);
    let costs = section::<Costs>(src, &root, "costs", problems);
    let travel = section::<Travel>(src, &root, "travel", problems);
    let plan = if root.get_ref().contains_key("plan") {
        section::<PlanSettings>(src, &root, "plan", problems)
    } else {
        Some(PlanSettings::default())
    };
    if problems.len() > before {
        return None;
    }
    Some(Config {
        meta: meta?,
        files: files?,
        population: population?,
        demography: demography?,
        demand: demand?,
        norms: norms?,
        costs: costs?,
        travel: travel?,
        plan: plan?,
    })
}

fn section<T: DeserializeOwned>(
    src: &Source,
    root: &toml::Spanned<DeTable<'_>>,
    name: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let Some(value) = root.get_ref().get(name) else {
        problems.push(
            Problem::new(&src.path, name, "", format!("a [{name}] section (it is required)")).at(&src.text, 0, 0),
        );
        return None;
    };
    if !matches!(value.get_ref(), DeValue::Table(_)) {
        return None;
    }
    match T::deserialize(ValueDeserializer::from(value.clone())) {
        Ok(v) => Some(v),
        Err(e) => {
            let mut span = e.span().unwrap_or_else(|| value.span());
            let mut key = key_path_at(root.get_ref(), span.start).unwrap_or_else(|| name.to_string());
            let msg = e.message();
            // An error inside an inline table (a distribution) carries the
            // table's span: name the key inside it that is at fault.
            let inner = inner_key(msg);
            if let (Some(k), Some(sub)) = (inner, span_of(root.get_ref(), &format!("{key}.{}", inner.unwrap_or("")))) {
                key = format!("{key}.{k}");
                span = sub;
            }
            let written = src.text.get(span.clone()).unwrap_or("").trim().to_string();
            let mut written = if written.contains('\n') { String::new() } else { written };
            if msg.starts_with("unknown field") {
                written.clear();
            }
            // A missing key has no span of its own: name it in the path.
            if let Some(field) = msg.strip_prefix("missing field ").map(|f| f.trim_matches('`')) {
                key = format!("{key}.{field}");
                written.clear();
            }
            problems.push(src.problem(key, written, explain_serde(msg), span));
            None
        }
    }
}

/// The key inside an inline table that a serde message is about: `dist`
/// for an unknown distribution, the key named by "unknown field `k`" or
/// "key `k` does not belong".
fn inner_key(msg: &str) -> Option<&str> {
    if msg.starts_with("unknown variant") {
        return Some("dist");
    }
    let named = msg.strip_prefix("unknown field `").or_else(|| msg.strip_prefix("key `"))?;
    named.split('`').next()
}

/// Turn serde's wording into "what was expected".
fn explain_serde(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        return format!("no such key ({rest})").replace(", expected", "; expected");
    }
    if msg.starts_with("missing field ") {
        return "a value: this key is required".to_string();
    }
    if msg.starts_with("unknown variant") {
        if let Some(i) = msg.find("expected ") {
            return msg[i + "expected ".len()..].to_string();
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        return rest.to_string();
    }
    msg.to_string()
}

/// The dotted key path of the innermost key or value containing `offset`.
pub(crate) fn key_path_at(root: &DeTable<'_>, offset: usize) -> Option<String> {
    fn walk(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
        let inside = |r: &std::ops::Range<usize>| r.start <= offset && offset < r.end.max(r.start + 1);
        for (k, v) in table.iter() {
            let (ks, vs) = (k.span(), v.span());
            path.push(k.get_ref().to_string());
            // A `[section]` table's span covers only its header, so descend
            // into every table rather than trusting its span.
            if let DeValue::Table(t) = v.get_ref() {
                if walk(t, offset, path) || inside(&ks) || inside(&vs) {
                    return true;
                }
            } else if inside(&ks) || inside(&vs) {
                if let DeValue::Array(a) = v.get_ref() {
                    for (i, item) in a.iter().enumerate() {
                        if inside(&item.span()) {
                            path.push(i.to_string());
                            if let DeValue::Table(t) = item.get_ref() {
                                walk(t, offset, path);
                            }
                            break;
                        }
                    }
                }
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::new();
    walk(root, offset, &mut path).then(|| path.join("."))
}

/// Byte span of the value at a dotted key path (array items by index).
pub(crate) fn span_of(root: &DeTable<'_>, path: &str) -> Option<std::ops::Range<usize>> {
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut cur = root.get(first)?;
    for p in parts {
        cur = match cur.get_ref() {
            DeValue::Table(t) => t.get(p)?,
            DeValue::Array(a) => a.get(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur.span())
}

/// A CSV table: the table as read and its rows as `T`, with their lines.
pub(crate) struct Csv<T> {
    pub table: Table,
    pub rows: Vec<(usize, T)>,
}

/// Read a CSV with a fixed set of columns. `required` columns must be
/// present; `optional` may be; any other column is a problem.
pub(crate) fn read_csv<T: DeserializeOwned>(
    path: &Path,
    files: &Reader,
    columns: (&[&str], &[&str]),
    problems: &mut Vec<Problem>,
) -> Option<Csv<T>> {
    let bytes = files.bytes(path, problems)?;
    let table = Table::parse(path, &bytes, &Schema::strict(columns.0, columns.1), problems)?;
    let rows = table.deserialize(problems);
    Some(Csv { table, rows })
}

/// The folder and its scenario.toml from a user-given path (folder or file).
pub(crate) fn resolve(path: &Path) -> Result<(PathBuf, PathBuf), ScenarioError> {
    let (dir, toml) = if path.is_dir() {
        (path.to_path_buf(), path.join("scenario.toml"))
    } else if path.is_file() {
        (path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".")), path.to_path_buf())
    } else {
        return Err(ScenarioError::NotFound {
            path: path.to_path_buf(),
            reason: "no such folder or file; give a scenario folder like scenarios/tongnan".into(),
        });
    };
    if !toml.is_file() {
        return Err(ScenarioError::NotFound { path: toml, reason: "the scenario folder has no scenario.toml".into() });
    }
    Ok((dir, toml))
}
