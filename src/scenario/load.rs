//! Reading a scenario folder: `scenario.toml` section by section (so one bad
//! section does not hide the others) and each CSV row by row, collecting
//! every problem with its position.

use super::error::{Problem, ScenarioError};
use super::model::*;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// A file's text, kept to attach excerpts to problems.
pub(crate) struct Source {
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl Source {
    pub fn read(path: &Path, problems: &mut Vec<Problem>) -> Option<Source> {
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(mut s) => {
                    if s.starts_with('\u{feff}') {
                        s.drain(..3);
                    }
                    Some(Source { path: path.to_path_buf(), text: Arc::from(s) })
                }
                Err(e) => {
                    problems.push(Problem::new(
                        path,
                        "(file)",
                        format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
                        "a UTF-8 text file",
                    ));
                    None
                }
            },
            Err(e) => {
                problems.push(Problem::new(path, "(file)", "", format!("a readable file ({e})")));
                None
            }
        }
    }

    pub fn problem(
        &self,
        key: impl Into<String>,
        value: impl Into<String>,
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
            let span = e.span().unwrap_or_else(|| value.span());
            let mut key = key_path_at(root.get_ref(), span.start).unwrap_or_else(|| name.to_string());
            let written = src.text.get(span.clone()).unwrap_or("").trim().to_string();
            let mut written = if written.len() > 60 || written.contains('\n') { String::new() } else { written };
            let msg = e.message();
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

/// Turn serde's wording into "what was expected".
fn explain_serde(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        return format!("no such key ({rest})").replace(", expected", "; expected");
    }
    if msg.starts_with("missing field ") {
        return "a value: this key is required".to_string();
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
                if walk(t, offset, path) || inside(&ks) {
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

/// A CSV table: parsed rows with their 1-based line numbers.
pub(crate) struct Rows<T> {
    pub rows: Vec<(usize, T)>,
}

/// Read a CSV with a fixed set of columns. `required` columns must be
/// present; `optional` may be; any other column is a problem.
pub(crate) fn read_csv<T: DeserializeOwned>(
    src: &Source,
    required: &[&str],
    optional: &[&str],
    problems: &mut Vec<Problem>,
) -> Rows<T> {
    let mut out = Rows { rows: Vec::new() };
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(src.text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(Problem::new(&src.path, "(header)", "", format!("a CSV header line ({e})")).at_line(1));
            return out;
        }
    };
    let header_len = src.text.find('\n').unwrap_or(src.text.len());
    let mut header_ok = true;
    for col in required {
        if !headers.iter().any(|h| h == *col) {
            problems.push(
                Problem::new(
                    &src.path,
                    *col,
                    "",
                    format!(
                        "a `{col}` column (required; header has: {})",
                        headers.iter().collect::<Vec<_>>().join(",")
                    ),
                )
                .at(&src.text, 0, header_len),
            );
            header_ok = false;
        }
    }
    let mut seen = BTreeSet::new();
    for h in headers.iter() {
        if !required.contains(&h) && !optional.contains(&h) {
            let mut known: Vec<&str> = required.to_vec();
            known.extend_from_slice(optional);
            let start = src.text[..header_len].find(h).unwrap_or(0);
            problems.push(src.problem(
                h,
                "",
                format!("a known column: one of {}", known.join(", ")),
                start..start + h.len(),
            ));
            header_ok = false;
        }
        if !seen.insert(h.to_string()) {
            problems.push(Problem::new(&src.path, h, "", "each column once").at(&src.text, 0, header_len));
            header_ok = false;
        }
    }
    if !header_ok {
        return out;
    }
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let pos = record.position().cloned().unwrap_or_else(csv::Position::new);
                // Missing optional columns deserialize as empty (None).
                match record.deserialize::<T>(Some(&headers)) {
                    Ok(row) => out.rows.push((pos.line() as usize, row)),
                    Err(err) => {
                        let csv::ErrorKind::Deserialize { err: e, .. } = err.kind() else {
                            problems.push(
                                Problem::new(&src.path, "(row)", "", format!("a readable row ({err})"))
                                    .at_line(pos.line() as usize),
                            );
                            continue;
                        };
                        // Enum errors carry no field index: find the cell
                        // holding the unknown variant named in the message.
                        let field = e.field().map(|i| i as usize).or_else(|| match e.kind() {
                            csv::DeserializeErrorKind::Message(m) => {
                                m.split('`').nth(1).and_then(|bad| record.iter().position(|cell| cell == bad))
                            }
                            _ => None,
                        });
                        let (col, value) = match field {
                            Some(i) => {
                                (headers.get(i).unwrap_or("?").to_string(), record.get(i).unwrap_or("").to_string())
                            }
                            None => ("(row)".to_string(), String::new()),
                        };
                        let start =
                            pos.byte() as usize + field.and_then(|i| record.range(i)).map(|r| r.start).unwrap_or(0);
                        let expected = csv_expected(e.kind(), &value);
                        problems.push(src.problem(col, quote(&value), expected, start..start + value.len()));
                    }
                }
            }
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("{expected_len} fields like the header (this row has {len})")
                    }
                    _ => format!("a well-formed CSV row ({e})"),
                };
                problems.push(Problem::new(&src.path, "(row)", "", msg).at_line(line));
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
            }
        }
    }
    out
}

fn quote(v: &str) -> String {
    format!("\"{v}\"")
}

fn csv_expected(kind: &csv::DeserializeErrorKind, value: &str) -> String {
    use csv::DeserializeErrorKind as K;
    match kind {
        K::ParseInt(_) => "a whole number".into(),
        K::ParseFloat(_) => "a number".into(),
        K::ParseBool(_) => "true or false".into(),
        K::UnexpectedEndOfRow => "a value (the row ends early)".into(),
        K::Message(m) if value.is_empty() => format!("a value ({m})"),
        K::Message(m) => {
            if let Some(i) = m.find("expected ") {
                m[i + "expected ".len()..].to_string()
            } else {
                m.clone()
            }
        }
        other => format!("{other:?}"),
    }
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
