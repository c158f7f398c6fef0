//! CSV tables read by column name, so that a column added, moved or not yet
//! written by another stage changes nothing here: a missing column reads as
//! empty, and the caller decides what empty means.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A CSV file held in memory with its header.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub path: PathBuf,
    pub headers: Vec<String>,
    /// Labels of a second header row (the first, when a file has two: e.g.
    /// projects.csv's Chinese labels above its English keys).
    pub labels: Vec<String>,
    rows: Vec<(usize, csv::StringRecord)>,
    index: HashMap<String, usize>,
}

/// A table that exists but cannot be read: the file and the reason.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct TableError {
    pub path: String,
    pub line: Option<u64>,
    pub reason: String,
}

impl Table {
    /// Read `path`; `Ok(None)` when the file does not exist. With
    /// `label_rows = 1` the first line is a row of labels and the second the keys.
    pub fn read(path: &Path, label_rows: usize) -> Result<Option<Table>, TableError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(TableError { path: path.display().to_string(), line: None, reason: e.to_string() }),
        };
        Self::parse(path, &text, label_rows).map(Some)
    }

    /// Parse CSV text (header on the first line after `label_rows` label lines).
    pub fn parse(path: &Path, text: &str, label_rows: usize) -> Result<Table, TableError> {
        let err = |line: Option<u64>, reason: String| TableError { path: path.display().to_string(), line, reason };
        let mut r =
            csv::ReaderBuilder::new().has_headers(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut records = r.records();
        let mut labels = Vec::new();
        for _ in 0..label_rows {
            if let Some(rec) = records.next() {
                labels = rec.map_err(|e| err(None, e.to_string()))?.iter().map(|s| s.trim().to_string()).collect();
            }
        }
        let headers: Vec<String> = match records.next() {
            Some(rec) => rec.map_err(|e| err(Some(1), e.to_string()))?.iter().map(|s| s.trim().to_string()).collect(),
            None => Vec::new(),
        };
        let mut rows = Vec::new();
        for rec in records {
            let rec = rec.map_err(|e| err(e.position().map(|p| p.line()), e.to_string()))?;
            let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
            rows.push((line, rec));
        }
        let index = headers.iter().enumerate().map(|(i, h)| (h.clone(), i)).collect();
        Ok(Table { path: path.to_path_buf(), headers, labels, rows, index })
    }

    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, rec)| Row { table: self, rec, line: *line })
    }
}

/// One row of a [`Table`], read by column name.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    table: &'a Table,
    rec: &'a csv::StringRecord,
    pub line: usize,
}

impl<'a> Row<'a> {
    /// The cell, trimmed; empty when the column does not exist.
    pub fn str(&self, column: &str) -> &'a str {
        self.table.index.get(column).and_then(|&i| self.rec.get(i)).map(str::trim).unwrap_or("")
    }

    /// The first of `columns` that exists in the table (a renamed column).
    pub fn str_any(&self, columns: &[&str]) -> &'a str {
        columns.iter().find(|c| self.table.has(c)).map(|c| self.str(c)).unwrap_or("")
    }

    /// A finite number; `None` for an empty, missing, `inf` or unreadable cell.
    pub fn num(&self, column: &str) -> Option<f64> {
        self.str(column).parse::<f64>().ok().filter(|v| v.is_finite())
    }

    /// A number, 0 when absent.
    pub fn num0(&self, column: &str) -> f64 {
        self.num(column).unwrap_or(0.0)
    }

    pub fn flag(&self, column: &str) -> bool {
        matches!(self.str(column), "true" | "yes" | "1" | "True" | "TRUE")
    }

    /// Every cell with its column name, in file order.
    pub fn cells(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        let rec = self.rec;
        self.table.headers.iter().enumerate().map(move |(i, h)| (h.as_str(), rec.get(i).unwrap_or("").trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_read_by_name_and_missing_columns_read_empty() {
        let t = Table::parse(Path::new("x.csv"), "b,a\n2,inf\n,3\n", 0).unwrap();
        let rows: Vec<Row> = t.rows().collect();
        assert_eq!(rows[0].num("b"), Some(2.0));
        assert_eq!(rows[0].num("a"), None, "inf is not a distance");
        assert_eq!(rows[1].num0("b"), 0.0);
        assert_eq!(rows[1].str("period"), "");
        assert_eq!(rows[1].str_any(&["action", "a"]), "3");
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn two_header_rows_give_labels_and_keys() {
        let t = Table::parse(Path::new("p.csv"), "序号,项目\nno,project\n1,甲\n", 1).unwrap();
        assert_eq!(t.labels, vec!["序号", "项目"]);
        assert_eq!(t.headers, vec!["no", "project"]);
        assert_eq!(t.rows().next().unwrap().str("project"), "甲");
    }

    #[test]
    fn a_ragged_row_is_an_error_with_its_line() {
        let e = Table::parse(Path::new("s.csv"), "a,b\n1,2\n3\n", 0).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.to_string().starts_with("s.csv:3: "), "{e}");
    }
}
