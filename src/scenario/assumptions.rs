//! The scenario's stated assumptions: every `ASSUMPTION` a scenario carries
//! in its `scenario.toml` comments and in the `source` cells of its CSV
//! tables, so a report can show the reader what is not data.
//!
//! The resolved `inputs/scenario.toml` written into every output folder has
//! no comments, so the assumptions are read from the original folder when the
//! scenario is loaded and saved beside the resolved inputs as
//! `assumptions.csv` (`file,line,key,text`). Loading a folder that already
//! holds an `assumptions.csv` (a resolved `inputs/`) reads it back instead, so
//! the list survives any number of load–save round trips.

use super::error::Problem;
use super::load::Reader;
use super::model::Files;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::Path;

/// The file an output folder's `inputs/` keeps the assumptions in.
pub const ASSUMPTIONS_FILE: &str = "assumptions.csv";

/// The marker a comment or source cell must contain to be an assumption.
const MARKER: &str = "ASSUMPTION";

/// One stated assumption: where it is written, what it is about, and its reasoning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumption {
    /// File name inside the scenario folder (`scenario.toml`, `candidates.csv`, …).
    pub file: String,
    /// 1-based line in that file (of the comment, or of the CSV row).
    pub line: usize,
    /// TOML key path (`demand.tfr`), or the CSV row's id (`candidates.csv` row `TN-C-EC-101`).
    pub key: String,
    /// The comment or source cell, as written.
    pub text: String,
}

/// The assumptions of the scenario in `dir`: read back from its
/// `assumptions.csv` when it has one, else extracted from the comments of
/// `scenario.toml` and the `source` cells of the tables `files` names.
pub(crate) fn extract(dir: &Path, files: &Files, io: &Reader, problems: &mut Vec<Problem>) -> Vec<Assumption> {
    let saved = dir.join(ASSUMPTIONS_FILE);
    if let Some(text) = io.text(&saved) {
        return parse(&text).unwrap_or_else(|e| {
            problems.push(Problem::new(&saved, "", "", format!("a readable file,line,key,text table ({e})")));
            Vec::new()
        });
    }
    let mut found = Vec::new();
    if let Some(text) = io.text(&dir.join("scenario.toml")) {
        found.extend(from_toml("scenario.toml", &text));
    }
    let tables = [&files.towns, &files.age_structure, &files.facilities, &files.candidates];
    let optional = [&files.travel_matrix, &files.mortality_table, &files.fertility_table, &files.census_2010];
    for name in tables.into_iter().chain(optional.into_iter().flatten()) {
        // A table that cannot be read is reported by the loader itself.
        if let Some(text) = io.text(&dir.join(name)) {
            found.extend(from_csv(name, &text));
        }
    }
    found
}

/// Write `assumptions.csv` (a header even when there are none, so a reader can
/// tell "none stated" from "not recorded").
pub fn write(path: &Path, rows: &[Assumption]) -> io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["file", "line", "key", "text"])?;
    for r in rows {
        w.write_record([r.file.as_str(), &r.line.to_string(), &r.key, &r.text])?;
    }
    w.flush()
}

/// Read an `assumptions.csv` written by [`write()`].
pub fn read(path: &Path) -> Result<Vec<Assumption>, csv::Error> {
    csv::Reader::from_path(path)?.deserialize().collect()
}

/// The rows of an `assumptions.csv` text.
fn parse(text: &str) -> Result<Vec<Assumption>, csv::Error> {
    csv::Reader::from_reader(text.as_bytes()).deserialize().collect()
}

/// Assumptions in TOML comments. An end-of-line comment belongs to the key
/// on its line (or to the array it continues); a block of whole-line comments
/// belongs to the next key. Comments before the first table header are the
/// file's preamble (which may describe the convention itself) and are skipped.
pub fn from_toml(file: &str, text: &str) -> Vec<Assumption> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut table = String::new();
    let mut seen_table = false;
    // The key whose multi-line array is open, and its bracket depth.
    let mut open: Option<(String, i32)> = None;
    // A block of whole-line comments waiting for the key it precedes: (first line, text).
    let mut block: Option<(usize, String)> = None;
    for (i, raw) in lines.iter().enumerate() {
        let (code, comment) = split_comment(raw);
        let code = code.trim();
        if code.is_empty() {
            match comment.filter(|_| seen_table) {
                Some(c) => {
                    let entry = block.get_or_insert((i + 1, String::new()));
                    if !entry.1.is_empty() {
                        entry.1.push(' ');
                    }
                    entry.1.push_str(c.trim());
                }
                // A blank line ends a block that named no key: it stays with the table.
                None => flush_block(&mut block, file, &table, &mut out),
            }
            continue;
        }
        if let Some((key, depth)) = open.as_mut() {
            *depth += bracket_balance(code);
            if let Some(c) = comment.filter(|c| c.contains(MARKER)) {
                out.push(Assumption { file: file.into(), line: i + 1, key: key.clone(), text: c.trim().into() });
            }
            if *depth <= 0 {
                open = None;
            }
            continue;
        }
        if code.starts_with('[') {
            flush_block(&mut block, file, &table, &mut out);
            table = code.trim_start_matches('[').trim_end_matches(']').trim().to_string();
            seen_table = true;
            continue;
        }
        let Some((k, value)) = code.split_once('=') else { continue };
        let name = k.trim().trim_matches('"').trim_matches('\'');
        let key = if table.is_empty() { name.to_string() } else { format!("{table}.{name}") };
        if let Some((line, text)) = block.take() {
            if text.contains(MARKER) {
                out.push(Assumption { file: file.into(), line, key: key.clone(), text });
            }
        }
        if let Some(c) = comment.filter(|c| c.contains(MARKER)) {
            out.push(Assumption { file: file.into(), line: i + 1, key: key.clone(), text: c.trim().into() });
        }
        let depth = bracket_balance(value);
        if depth > 0 {
            open = Some((key, depth));
        }
    }
    flush_block(&mut block, file, &table, &mut out);
    out
}

fn flush_block(block: &mut Option<(usize, String)>, file: &str, table: &str, out: &mut Vec<Assumption>) {
    if let Some((line, text)) = block.take().filter(|(_, t)| t.contains(MARKER)) {
        out.push(Assumption { file: file.into(), line, key: table.to_string(), text });
    }
}

/// Split a TOML line into code and comment at the first `#` outside a string.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return (&line[..i], Some(&line[i + 1..])),
            None => {}
        }
    }
    (line, None)
}

/// Opening minus closing brackets outside strings (multi-line arrays).
fn bracket_balance(code: &str) -> i32 {
    let mut quote: Option<char> = None;
    let mut depth = 0;
    for c in code.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '[' => depth += 1,
            None if c == ']' => depth -= 1,
            None => {}
        }
    }
    depth
}

/// Assumptions in a CSV table's `source` column, keyed by the row's id (its
/// `id` or `code` column, else its row number).
pub fn from_csv(file: &str, text: &str) -> Vec<Assumption> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let Ok(headers) = r.headers().cloned() else { return Vec::new() };
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let Some(source) = col("source") else { return Vec::new() };
    let id = col("id").or(col("code"));
    let mut out = Vec::new();
    for (n, rec) in r.records().enumerate() {
        let Ok(rec) = rec else { continue };
        let cell = rec.get(source).unwrap_or("");
        if cell.contains(MARKER) {
            let line = rec.position().map(|p| p.line() as usize).unwrap_or(n + 2);
            let key = id.and_then(|i| rec.get(i)).map(str::to_string).unwrap_or_else(|| format!("row {}", n + 1));
            out.push(Assumption { file: file.into(), line, key, text: cell.to_string() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = "\
# Preamble: every figure is cited or marked ASSUMPTION.

[meta]
draws = 1000                # ASSUMPTION: enough for stable p5/p95
seed = 7                    # any fixed number would do
name = \"a # not a comment\"  # ASSUMPTION: quoted hash
[demand]
# ASSUMPTIONS, see ASSUMPTIONS.md: prevalence by age,
# from the national pattern.
prevalence = [
  0.06,
  0.09,   # ASSUMPTION: inside the array
]
after = 1.0   # ASSUMPTION
";

    #[test]
    fn toml_comments_with_the_marker_are_found_with_their_keys_and_lines() {
        let got = from_toml("scenario.toml", TOML);
        let view: Vec<(usize, &str, &str)> = got.iter().map(|a| (a.line, a.key.as_str(), a.text.as_str())).collect();
        assert_eq!(
            view,
            vec![
                (4, "meta.draws", "ASSUMPTION: enough for stable p5/p95"),
                (6, "meta.name", "ASSUMPTION: quoted hash"),
                (
                    8,
                    "demand.prevalence",
                    "ASSUMPTIONS, see ASSUMPTIONS.md: prevalence by age, from the national pattern."
                ),
                (12, "demand.prevalence", "ASSUMPTION: inside the array"),
                (14, "demand.after", "ASSUMPTION"),
            ]
        );
    }

    #[test]
    fn a_comment_block_before_a_blank_line_stays_with_its_table() {
        let got = from_toml("s.toml", "[costs]\n# ASSUMPTIONS unless cited\n\nbed = 1\n");
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].line, got[0].key.as_str()), (2, "costs"));
    }

    #[test]
    fn csv_source_cells_with_the_marker_are_found_by_row_id_and_line() {
        let text = "id,name,source\nA,甲,plan L3\nB,\"乙, 丙\",\"size ASSUMPTION\"\n";
        let got = from_csv("candidates.csv", text);
        assert_eq!(
            got,
            vec![Assumption {
                file: "candidates.csv".into(),
                line: 3,
                key: "B".into(),
                text: "size ASSUMPTION".into()
            }]
        );
    }

    #[test]
    fn written_and_read_back_the_list_is_unchanged() {
        let tmp = tempfile::tempdir().unwrap();
        let rows = from_toml("scenario.toml", TOML);
        let path = tmp.path().join(ASSUMPTIONS_FILE);
        write(&path, &rows).unwrap();
        assert_eq!(read(&path).unwrap(), rows);
        write(&path, &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "file,line,key,text\n");
    }
}
