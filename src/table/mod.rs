//! The one way civplan reads a CSV file, for the scenario tables and the
//! `locate` inputs alike: bytes to UTF-8 text (or what the file is instead),
//! the header checked against the expected columns (or the separator it
//! uses instead of `,`), rows of trimmed cells with their line and byte
//! span, and typed rows through serde ([`Table::deserialize`]) where every
//! error names the file, line, column name, value and what was expected.
//!
//! Cells are trimmed of Unicode white space (Excel's trailing blanks, a
//! full-width space); rows whose every cell is empty (Excel's `,,,,` lines)
//! are skipped.

pub mod cell;
pub mod de;
pub mod text;

use crate::diag::{quoted, Problem};
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a table's header may hold.
#[derive(Debug, Clone, Copy)]
pub struct Schema<'a> {
    pub required: &'a [&'a str],
    pub optional: &'a [&'a str],
    /// Columns that are neither required nor optional: a problem, or ignored.
    pub refuse_unknown: bool,
    /// Compare column names ignoring case (`Weight` = `weight`).
    pub fold_case: bool,
}

impl<'a> Schema<'a> {
    /// A strict schema: exactly these columns (optional ones may be absent).
    pub const fn strict(required: &'a [&'a str], optional: &'a [&'a str]) -> Self {
        Schema { required, optional, refuse_unknown: true, fold_case: false }
    }
}

/// One data row: its 1-based line, trimmed cells and each cell's byte span
/// in the file's text.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
    pub spans: Vec<Range<usize>>,
}

/// A CSV file read into rows of cells.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Column names as written (trimmed; lower-cased with `fold_case`).
    pub headers: Vec<String>,
    header_spans: Vec<Range<usize>>,
    pub rows: Vec<Row>,
}

/// Separators a user's file may have instead of `,`.
const OTHER_SEPARATORS: [(char, &str); 5] = [
    ('，', "`，`, a full-width comma"),
    (';', "`;`, a semicolon (Excel in many locales)"),
    ('；', "`；`, a full-width semicolon"),
    ('\t', "tabs"),
    ('|', "`|`"),
];

impl Table {
    /// Read and check `path`; problems are pushed, `None` when no row can be read.
    pub fn read(path: &Path, schema: &Schema, problems: &mut Vec<Problem>) -> Option<Table> {
        match std::fs::read(path) {
            Ok(bytes) => Table::parse(path, &bytes, schema, problems),
            Err(e) => {
                problems.push(Problem::new(path, "(file)", "", format!("a readable file ({e})")));
                None
            }
        }
    }

    /// Check the bytes of a table named `path` (the name is only shown).
    pub fn parse(path: &Path, bytes: &[u8], schema: &Schema, problems: &mut Vec<Problem>) -> Option<Table> {
        let text: Arc<str> = match text::decode(bytes) {
            Ok(t) => Arc::from(t),
            Err(e) => {
                let p = Problem::new(path, "(file)", &e.found, e.expected);
                problems.push(match e.line {
                    Some(l) => p.at_line(l),
                    None => p,
                });
                return None;
            }
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::None)
            .from_reader(text.as_bytes());
        let mut records = rdr.records();
        let header_end = text.find(['\n', '\r']).unwrap_or(text.len());
        let header = match records.next() {
            Some(Ok(h)) => h,
            Some(Err(e)) => {
                problems.push(Problem::new(path, "(header)", "", format!("a CSV header line ({e})")).at_line(1));
                return None;
            }
            None => {
                problems.push(
                    Problem::new(path, "(header)", "", "a header line naming the columns (the file is empty)")
                        .at_line(1),
                );
                return None;
            }
        };
        let header_spans = field_spans(&text, 0, header.len());
        let headers: Vec<String> = header
            .iter()
            .map(|h| if schema.fold_case { h.trim().to_lowercase() } else { h.trim().to_string() })
            .collect();
        let mut table = Table { path: path.to_path_buf(), text: text.clone(), headers, header_spans, rows: Vec::new() };
        if !table.check_header(schema, header_end, problems) {
            return None;
        }
        for rec in records {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                    problems
                        .push(Problem::new(path, "(row)", "", format!("a well-formed CSV row ({e})")).at_line(line));
                    break;
                }
            };
            let pos = rec.position().cloned().unwrap_or_else(csv::Position::new);
            let (line, start) = (pos.line() as usize, pos.byte() as usize);
            let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
            if cells.iter().all(String::is_empty) {
                continue;
            }
            if cells.len() != table.headers.len() {
                let end = text[start..].find(['\n', '\r']).map(|i| start + i).unwrap_or(text.len());
                let mut expected =
                    format!("{} fields like the header (this row has {})", table.headers.len(), cells.len());
                if let Some((_, name)) = OTHER_SEPARATORS.iter().find(|(c, _)| text[start..end].contains(*c)) {
                    if cells.len() < table.headers.len() {
                        expected.push_str(&format!("; it is separated by {name}: civplan reads `,` only"));
                    }
                } else if cells.len() > table.headers.len() {
                    expected.push_str("; a `,` inside a value needs the value in double quotes, as in \"15,000\"");
                }
                problems.push(Problem::new(path, "(row)", "", expected).at(&text, start, end - start));
                continue;
            }
            let spans = field_spans(&text, start, cells.len());
            table.rows.push(Row { line, cells, spans });
        }
        Some(table)
    }

    /// Required columns present, no unknown or repeated column; the
    /// separator named when it is not `,`.
    fn check_header(&self, schema: &Schema, header_end: usize, problems: &mut Vec<Problem>) -> bool {
        let header_line = &self.text[..header_end];
        let want = schema.required.len() + schema.optional.len();
        if self.headers.len() == 1 && want > 1 {
            if let Some((_, name)) = OTHER_SEPARATORS.iter().find(|(c, _)| header_line.contains(*c)) {
                problems.push(
                    Problem::new(
                        &self.path,
                        "(header)",
                        quoted(header_line),
                        format!(
                            "columns separated by `,` (this file is separated by {name}): save it as “CSV UTF-8 \
(comma delimited)”, or replace the separator by `,`"
                        ),
                    )
                    .at(&self.text, 0, header_end),
                );
                return false;
            }
        }
        let mut ok = true;
        for col in schema.required {
            if !self.headers.iter().any(|h| h == col) {
                problems.push(
                    Problem::new(
                        &self.path,
                        *col,
                        "",
                        format!("a `{col}` column (required; header has: {})", self.headers.join(",")),
                    )
                    .at(&self.text, 0, header_end),
                );
                ok = false;
            }
        }
        let mut seen = BTreeSet::new();
        for (k, h) in self.headers.iter().enumerate() {
            let span = self.header_spans.get(k).cloned().unwrap_or(0..0);
            let known = schema.required.contains(&h.as_str()) || schema.optional.contains(&h.as_str());
            if !known && schema.refuse_unknown {
                let mut names: Vec<&str> = schema.required.to_vec();
                names.extend_from_slice(schema.optional);
                let mut expected = format!("a known column: one of {}", names.join(", "));
                if let Some((_, name)) = OTHER_SEPARATORS.iter().find(|(c, _)| h.contains(*c)) {
                    expected.push_str(&format!(" (the name holds {name}: columns are separated by `,`)"));
                }
                problems.push(Problem::new(&self.path, h, "", expected).at(&self.text, span.start, span.len()));
                ok = false;
            }
            if !seen.insert(h.as_str()) {
                problems.push(Problem::new(&self.path, h, "", "each column once (it appears twice in the header)").at(
                    &self.text,
                    span.start,
                    span.len(),
                ));
                ok = false;
            }
        }
        ok
    }

    /// Index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The cell of `row` in column `name` (empty when the column is absent).
    pub fn cell<'a>(&self, row: &'a Row, name: &str) -> &'a str {
        self.column(name).and_then(|k| row.cells.get(k)).map(String::as_str).unwrap_or("")
    }

    /// The row on `line`.
    pub fn row_at(&self, line: usize) -> Option<&Row> {
        self.rows.binary_search_by_key(&line, |r| r.line).ok().map(|i| &self.rows[i])
    }

    /// A problem located at a cell (by column name; the row start when the
    /// column is absent), showing `value`.
    pub fn problem(&self, row: &Row, column: &str, value: impl AsRef<str>, expected: impl Into<String>) -> Problem {
        let span = self.column(column).and_then(|k| row.spans.get(k).cloned()).unwrap_or_else(|| {
            let start = row.spans.first().map(|s| s.start).unwrap_or(0);
            start..start
        });
        Problem::new(&self.path, column, value, expected).at(&self.text, span.start, span.len())
    }

    /// [`Table::problem`] showing the cell as written, quoted.
    pub fn cell_problem(&self, row: &Row, column: &str, expected: impl Into<String>) -> Problem {
        self.problem(row, column, quoted(self.cell(row, column)), expected)
    }

    /// Every row as a `T` (serde, by column name), with its line; a row
    /// that does not deserialize is a problem at the cell that failed.
    pub fn deserialize<T: DeserializeOwned>(&self, problems: &mut Vec<Problem>) -> Vec<(usize, T)> {
        let mut out = Vec::with_capacity(self.rows.len());
        for row in &self.rows {
            match T::deserialize(de::RowDeserializer { headers: &self.headers, cells: &row.cells }) {
                Ok(v) => out.push((row.line, v)),
                Err(e) => {
                    let column = e.column.and_then(|k| self.headers.get(k)).map(String::as_str).unwrap_or("(row)");
                    problems.push(self.cell_problem(row, column, e.expected));
                }
            }
        }
        out
    }
}

/// Byte spans of the first `n` fields of the record starting at `start`,
/// each trimmed of white space (quotes kept), as the csv crate splits them
/// (RFC 4180: `,` separates; a `"` opening a field quotes it, `""` inside
/// escapes a quote; a `"` elsewhere is an ordinary character).
fn field_spans(text: &str, start: usize, n: usize) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut spans = Vec::with_capacity(n);
    let mut i = start.min(b.len());
    for _ in 0..n {
        let field_start = i;
        if i < b.len() && b[i] == b'"' {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if i + 1 < b.len() && b[i + 1] == b'"' {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < b.len() && b[i] != b',' && b[i] != b'\n' && b[i] != b'\r' {
            i += 1;
        }
        let i_end = i.min(b.len());
        let raw = &text[field_start..i_end];
        let lead = raw.len() - raw.trim_start().len();
        let trail = raw.len() - raw.trim_end().len();
        let s = field_start + lead;
        spans.push(s..(i_end - trail).max(s));
        if i < b.len() && b[i] == b',' {
            i += 1;
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const SCHEMA: Schema = Schema::strict(&["id", "beds"], &["note"]);

    fn parse(text: &str) -> (Option<Table>, Vec<String>) {
        let mut problems = Vec::new();
        let t = Table::parse(Path::new("t.csv"), text.as_bytes(), &SCHEMA, &mut problems);
        (t, problems.iter().map(|p| p.to_string()).collect())
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct R {
        id: String,
        beds: u32,
        note: Option<String>,
    }

    #[test]
    fn spans_point_at_the_cells() {
        let text = "id,beds\n a ,\"1,5\" \nb,\"x\"\"y\"\n";
        let spans = field_spans(text, 8, 2);
        assert_eq!(&text[spans[0].clone()], "a");
        assert_eq!(&text[spans[1].clone()], "\"1,5\"");
        // A quote after a space does not open a quoted field; an
        // unterminated quote runs to the end, never beyond.
        let odd = "a, \"b,c\n\"open to the end";
        assert_eq!(field_spans(odd, 0, 3).iter().map(|r| &odd[r.clone()]).collect::<Vec<_>>(), ["a", "\"b", "c"]);
        let end = odd.find("\n").unwrap() + 1;
        assert_eq!(field_spans(odd, end, 3), [end..odd.len(), odd.len()..odd.len(), odd.len()..odd.len()]);
        let start = text.find("b,").unwrap();
        let spans = field_spans(text, start, 2);
        assert_eq!(&text[spans[1].clone()], "\"x\"\"y\"");
    }

    #[test]
    fn a_quoted_thousands_separator_is_located() {
        let (t, p) = parse("id,beds\nA,\"15,000\"\n");
        let mut problems = Vec::new();
        let rows: Vec<(usize, R)> = t.unwrap().deserialize(&mut problems);
        assert!(rows.is_empty() && p.is_empty());
        assert_eq!(
            problems[0].to_string(),
            "t.csv:2:3: `beds` = \"15,000\": a whole number >= 0 (without thousands separators: write 15000)"
        );
    }

    #[test]
    fn separators_other_than_comma_are_named() {
        let (_, p) = parse("id;beds\nA;1\n");
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with(
                "t.csv:1:1: `(header)` = \"id;beds\": columns separated by `,` (this file is separated by `;`"
            ),
            "{p:?}"
        );
        let (_, p) = parse("id，beds\n");
        assert!(p[0].contains("full-width comma"), "{p:?}");
    }

    #[test]
    fn rows_of_the_wrong_length_and_blank_rows() {
        let (t, p) = parse("id,beds\nA,1\n,\nB,2,3\nC\n");
        let t = t.unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(
            p,
            [
                "t.csv:4:1: `(row)`: 2 fields like the header (this row has 3); a `,` inside a value needs the value \
in double quotes, as in \"15,000\"",
                "t.csv:5:1: `(row)`: 2 fields like the header (this row has 1)",
            ]
        );
    }

    #[test]
    fn unicode_spaces_are_trimmed() {
        let (t, _) = parse("id,beds\nA\u{3000},7 \n");
        assert_eq!(t.unwrap().rows[0].cells, ["A", "7"]);
    }

    #[test]
    fn an_empty_file_and_a_missing_column() {
        assert_eq!(parse("").1, ["t.csv:1: `(header)`: a header line naming the columns (the file is empty)"]);
        assert_eq!(parse("id,size\n").1.len(), 2);
    }
}
