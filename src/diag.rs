//! Located problems in input files, shared by the scenario loader and the
//! `locate` readers: each names the file, the line and column, the key or
//! CSV column, the value as written and what was expected, and renders with
//! a short source excerpt (a 10 MB line still gives a short message).

use miette::{Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Longest value shown in a message, in characters.
pub const VALUE_CHARS: usize = 60;
/// Longest expectation shown, in characters.
pub const EXPECTED_CHARS: usize = 500;
/// Longest line shown in an excerpt, in characters.
const LINE_CHARS: usize = 160;

/// One thing wrong with the input.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line; None for a missing file or a whole-scenario check.
    pub line: Option<usize>,
    /// 1-based column in characters.
    pub column: Option<usize>,
    /// TOML key path (e.g. `norms.nursing_bed_min_share.value`) or CSV column.
    pub key: String,
    /// The offending value as written (empty when missing), at most
    /// [`VALUE_CHARS`] characters, control characters escaped.
    pub value: String,
    /// What was expected instead.
    pub expected: String,
    span: Option<(usize, usize)>,
    source: Option<Arc<str>>,
}

impl Problem {
    /// A problem with no position in a file (a missing file, a cross-file check).
    pub fn new(file: &Path, key: impl Into<String>, value: impl AsRef<str>, expected: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line: None,
            column: None,
            key: short(&key.into()),
            // Room for the quotes of a value already cut by [`quoted`].
            value: cut(value.as_ref(), VALUE_CHARS + 3),
            // Expectations may quote what the file holds (a header, an id).
            expected: cut(&expected.into(), EXPECTED_CHARS),
            span: None,
            source: None,
        }
    }

    /// Attach a byte span in `text` (the whole file); line and column follow.
    pub fn at(mut self, text: &Arc<str>, start: usize, len: usize) -> Self {
        let start = floor_boundary(text, start.min(text.len()));
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

    /// The same problem in another file name (e.g. the temp folder prefix removed).
    pub fn with_file(mut self, file: &Path) -> Self {
        self.file = file.to_path_buf();
        self
    }
}

/// A value for a message: at most [`VALUE_CHARS`] characters (then `…`),
/// with line breaks, tabs and other control characters escaped, so a cell
/// holding a line break or a 10 MB line still gives a one-line message.
pub fn short(s: &str) -> String {
    cut(s, VALUE_CHARS)
}

fn cut(s: &str, chars: usize) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == chars {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A cell's value quoted for a message: `"15,000"`.
pub fn quoted(s: &str) -> String {
    format!("\"{}\"", short(s))
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(text, offset.min(text.len()));
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

impl Diagnostic for Problem {}

/// A few lines of a file around a span, each cut to [`LINE_CHARS`]
/// characters, keeping the file's line numbers.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line of the file where `text` begins.
    first_line: usize,
    /// Offset of the span in `text`, and its 0-based column in characters
    /// in the file (miette would count bytes of the windowed line).
    focus: (usize, usize),
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let column =
            if before == 0 && after == 0 && span.offset() == self.focus.0 { self.focus.1 } else { inner.column() };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// Cut `line` to at most [`LINE_CHARS`] characters around byte range
/// `focus` (relative to the line); returns the text and the focus's new start.
fn window(line: &str, focus: std::ops::Range<usize>) -> (String, usize) {
    if line.chars().count() <= LINE_CHARS {
        return (line.to_string(), focus.start);
    }
    let margin = LINE_CHARS / 3;
    let mut start = focus.start.saturating_sub(margin * 4).min(line.len());
    start = floor_boundary(line, start);
    // Step forward to at most `margin` characters before the focus.
    let before: Vec<usize> = line[start..focus.start.max(start)].char_indices().map(|(i, _)| start + i).collect();
    if before.len() > margin {
        start = before[before.len() - margin];
    }
    let mut end = start;
    for (n, (i, c)) in line[start..].char_indices().enumerate() {
        if n >= LINE_CHARS {
            break;
        }
        end = start + i + c.len_utf8();
    }
    let mut out = String::new();
    let mut shift = 0;
    if start > 0 {
        out.push('…');
        shift = '…'.len_utf8();
    }
    out.push_str(&line[start..end]);
    if end < line.len() {
        out.push('…');
    }
    (out, focus.start.max(start) - start + shift)
}

/// The source excerpt of a problem: the line of its span (windowed) and
/// the lines either side; the span relative to the excerpt.
fn excerpt(name: &str, text: &str, span: (usize, usize)) -> (Excerpt, (usize, usize)) {
    let start = floor_boundary(text, span.0.min(text.len()));
    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[start..].find('\n').map(|i| start + i).unwrap_or(text.len());
    let prev_start = if line_start > 0 { text[..line_start - 1].rfind('\n').map(|i| i + 1).unwrap_or(0) } else { 0 };
    let next_end = if line_end < text.len() {
        text[line_end + 1..].find('\n').map(|i| line_end + 1 + i).unwrap_or(text.len())
    } else {
        line_end
    };
    let cut = |l: &str| window(l, 0..0).0;
    let mut out = String::new();
    let mut first_line = text[..line_start].matches('\n').count();
    if line_start > 0 {
        out.push_str(&cut(&text[prev_start..line_start - 1]));
        out.push('\n');
        first_line -= 1;
    }
    let focus_end = (start + span.1).min(line_end);
    let (line, rel) = window(&text[line_start..line_end], start - line_start..focus_end - line_start);
    let at = out.len() + rel;
    let len = (focus_end - start).min(line.len() - rel);
    out.push_str(&line);
    if line_end < text.len() {
        out.push('\n');
        out.push_str(&cut(&text[line_end + 1..next_end]));
    }
    let column = text[line_start..start].chars().count();
    (Excerpt { name: name.to_string(), text: out, first_line, focus: (at, column) }, (at, len))
}

/// A problem rendered with its source excerpt (miette draws it).
#[derive(Debug)]
struct Rendered {
    message: String,
    label: String,
    source: Excerpt,
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

/// Problems drawn in full; the rest are counted.
pub const RENDERED: usize = 200;

/// Render problems for a terminal: one block per problem with its source
/// excerpt (the first [`RENDERED`]; the rest are counted). `fancy` draws
/// colours.
pub fn render(problems: &[Problem], fancy: bool) -> String {
    // Plain output (a log, a pipe) keeps each message on one line, so it
    // can be searched; a terminal wraps to its width.
    let handler = if fancy {
        miette::GraphicalReportHandler::new()
    } else {
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor()).with_wrap_lines(false)
    };
    let mut out = String::new();
    let draw = |d: &dyn Diagnostic, out: &mut String| {
        let _ = handler.render_report(out, d);
    };
    for p in problems.iter().take(RENDERED) {
        match (&p.source, p.span) {
            (Some(src), Some(span)) => {
                let (source, span) = excerpt(&p.file.display().to_string(), src, span);
                let r = Rendered { message: p.to_string(), label: format!("expected {}", p.expected), source, span };
                draw(&r, &mut out);
            }
            _ => draw(p, &mut out),
        }
        out.push('\n');
    }
    if problems.len() > RENDERED {
        out.push_str(&format!("… and {} more problems, not shown: fix these first\n", problems.len() - RENDERED));
    }
    out
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

    #[test]
    fn values_are_short_and_on_one_line() {
        assert_eq!(short("15\n000"), "15\\n000");
        let long = "x".repeat(1000);
        assert_eq!(short(&long).chars().count(), VALUE_CHARS + 1);
        assert!(short(&long).ends_with('…'));
    }

    /// A problem on a 10 MB line renders in a few hundred bytes, with the
    /// file's own line number.
    #[test]
    fn a_huge_line_gives_a_short_excerpt() {
        let mut s = String::from("a,b\n1,2\n");
        let start = s.len();
        s.push_str(&"9".repeat(10_000_000));
        s.push_str(",x\n3,4\n");
        let text: Arc<str> = Arc::from(s);
        let p = Problem::new(Path::new("t.csv"), "a", quoted(&text[start..start + 10_000_000]), "a number")
            .at(&text, start, 10_000_000);
        let r = render(&[p], false);
        assert!(r.len() < 2_000, "{} bytes", r.len());
        assert!(r.contains("[t.csv:3:1]"), "{r}");
        assert!(r.contains(" 3 │"), "{r}");
    }

    #[test]
    fn a_long_line_is_windowed_around_the_span() {
        let line = format!("{},BAD,{}", "a".repeat(500), "b".repeat(500));
        let at = line.find("BAD").unwrap();
        let (w, rel) = window(&line, at..at + 3);
        assert!(w.chars().count() <= LINE_CHARS + 2);
        assert_eq!(&w[rel..rel + 3], "BAD");
        assert!(w.starts_with('…') && w.ends_with('…'));
    }
}
