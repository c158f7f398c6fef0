//! Problems found in a scenario: each names the file, the line (and column),
//! the key or CSV column, the value and what was expected. All problems are
//! collected and reported together.

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One thing wrong with the input.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The file, as the user named it (scenario folder + file name).
    pub file: PathBuf,
    /// 1-based line (TOML line, or the CSV line of the row); None for a
    /// missing file or a whole-scenario check.
    pub line: Option<usize>,
    /// 1-based column in characters (TOML only).
    pub column: Option<usize>,
    /// TOML key path (e.g. `norms.nursing_bed_min_share.value`) or CSV column.
    pub key: String,
    /// The offending value as written (empty when missing).
    pub value: String,
    /// What was expected instead.
    pub expected: String,
    span: Option<(usize, usize)>,
    source: Option<Arc<str>>,
}

impl Problem {
    /// A problem with no position in a file (a missing file, a cross-file check).
    pub fn new(file: &Path, key: impl Into<String>, value: impl Into<String>, expected: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line: None,
            column: None,
            key: key.into(),
            value: value.into(),
            expected: expected.into(),
            span: None,
            source: None,
        }
    }

    /// Attach a byte span in `text` (the whole file); line and column follow.
    pub fn at(mut self, text: &Arc<str>, start: usize, len: usize) -> Self {
        let start = start.min(text.len());
        let (line, column) = line_col(text, start);
        self.line = Some(line);
        self.column = Some(column);
        self.span = Some((start, len.min(text.len() - start)));
        self.source = Some(text.clone());
        self
    }

    /// Attach a line number only (e.g. a CSV row whose bytes we do not know).
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// `file:line:col`, as editors and terminals understand it.
    pub fn location(&self) -> String {
        let mut s = self.file.display().to_string();
        if let Some(l) = self.line {
            s.push_str(&format!(":{l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(":{c}"));
            }
        }
        s
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: `{}`", self.location(), self.key)?;
        if !self.value.is_empty() {
            write!(f, " = {}", self.value)?;
        }
        write!(f, ": {}", self.expected)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        None
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        None
    }
}

/// A problem rendered with its source snippet (miette draws the excerpt).
#[derive(Debug)]
struct Rendered {
    message: String,
    label: String,
    source: NamedSource<Arc<str>>,
    span: (usize, usize),
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Rendered {}
impl Diagnostic for Rendered {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new(Some(self.label.clone()), self.span.0, self.span.1.max(1)))))
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario folder or its scenario.toml does not exist.
    #[error("scenario not found: {path} ({reason})")]
    NotFound { path: PathBuf, reason: String },
    /// One or more problems in the files.
    #[error("{} problem{} in scenario {}", problems.len(), if problems.len() == 1 { "" } else { "s" }, dir.display())]
    Invalid { dir: PathBuf, problems: Vec<Problem> },
}

impl ScenarioError {
    /// The problems, if any (empty for NotFound).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid { problems, .. } => problems,
            ScenarioError::NotFound { .. } => &[],
        }
    }

    /// Render for a terminal: one block per problem with its source excerpt,
    /// then a one-line summary. `fancy` draws boxes and colours.
    pub fn render(&self, fancy: bool) -> String {
        let mut out = String::new();
        let handler: Box<dyn miette::ReportHandler> = if fancy {
            Box::new(miette::GraphicalReportHandler::new())
        } else {
            Box::new(miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor()))
        };
        let graphical = |d: &dyn Diagnostic, out: &mut String| {
            struct Show<'a>(&'a dyn miette::ReportHandler, &'a dyn Diagnostic);
            impl fmt::Display for Show<'_> {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    self.0.debug(self.1, f)
                }
            }
            out.push_str(&Show(handler.as_ref(), d).to_string());
        };
        match self {
            ScenarioError::NotFound { .. } => out.push_str(&format!("error: {self}\n")),
            ScenarioError::Invalid { problems, .. } => {
                for p in problems {
                    match (&p.source, p.span) {
                        (Some(src), Some(span)) => {
                            let r = Rendered {
                                message: p.to_string(),
                                label: format!("expected {}", p.expected),
                                source: NamedSource::new(p.file.display().to_string(), src.clone()),
                                span,
                            };
                            graphical(&r, &mut out);
                        }
                        _ => graphical(p, &mut out),
                    }
                    out.push('\n');
                }
                out.push_str(&format!("error: {self}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let t = "a = 1\n名 = \"潼南\"\nx";
        let off = t.find('"').unwrap();
        assert_eq!(line_col(t, off), (2, 5));
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, t.len()), (3, 2));
    }

    #[test]
    fn display_names_file_line_key_value_expected() {
        let text: Arc<str> = Arc::from("a,b\n1,-2\n");
        let p = Problem::new(Path::new("s/towns.csv"), "b", "-2", "a non-negative number").at(&text, 6, 2);
        assert_eq!(p.to_string(), "s/towns.csv:2:3: `b` = -2: a non-negative number");
    }
}
