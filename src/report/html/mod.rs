//! The county report as one self-contained HTML page: inline CSS and inline
//! SVG, no script, no font, no image or tile fetched from anywhere, so it
//! opens offline and prints on A4 with a page per section. Built from the
//! view model ([`ReportData`]) alone, one file per section.

mod charts;
mod glance;
pub mod i18n;
mod map;
mod notes;
pub mod svg;
mod tables;

pub use i18n::{esc, Lang};

use crate::report::county::ReportData;
use std::fmt::Write as _;

/// The `id` of every section, in page order (the browser check looks for each).
pub const SECTION_IDS: [&str; 12] = [
    "glance",
    "map",
    "pyramid",
    "fan",
    "towns",
    "projects",
    "compliance",
    "unmet",
    "stability",
    "backtest",
    "assumptions",
    "reproducibility",
];

/// What marks a page as civplan's own (so it may be replaced by a new one).
pub const GENERATOR: &str = "civplan";

pub(crate) const CSS: &str = r#"
:root { --ink: #1f2328; --muted: #59636e; --rule: #d0d7de; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  color: var(--ink); margin: 0 auto; padding: 24px 32px; max-width: 1340px; line-height: 1.45; font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--ink); padding-bottom: 3px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.en { display: block; font-size: 0.72em; font-weight: normal; color: var(--muted); }
h1 .en, h2 .en { display: inline; margin-left: 0.6em; }
.sub { color: var(--muted); margin: 0 0 12px; }
section { margin: 0 0 36px; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 12.5px; }
th, td { border: 1px solid var(--rule); padding: 3px 6px; vertical-align: top; }
th { background: var(--band); text-align: left; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.src { max-width: 460px; color: var(--muted); font-size: 11.5px; }
tr.short td { background: #fff1f0; }
.band { display: block; color: var(--muted); font-size: 11px; }
.tag { display: inline-block; font-size: 10.5px; padding: 0 4px; border-radius: 3px; border: 1px solid var(--rule); color: var(--muted); margin-left: 3px; white-space: nowrap; }
.tag.census { border-color: #2da44e; color: #1a7f37; }
.tag.derived { border-color: #bf8700; color: #9a6700; }
.tag.assumption { border-color: #cf222e; color: #a40e26; }
.ok { color: #1a7f37; font-weight: 600; }
.no { color: #cf222e; font-weight: 600; }
.note { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; margin: 6px 0 10px; }
.muted { color: var(--muted); }
.row { display: flex; gap: 18px; align-items: flex-start; flex-wrap: wrap; }
.grid3 { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px 18px; }
.grid3 figure, .row figure { margin: 0; }
figcaption { font-size: 12px; color: var(--muted); }
.side { flex: 1 1 260px; min-width: 240px; font-size: 12.5px; }
.side ul { padding-left: 18px; margin: 4px 0; }
.side ul.legend { list-style: none; padding: 0; }
.legend li { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.legend svg { flex: none; }
.cols { columns: 2; column-gap: 28px; font-size: 11.5px; }
.cols div { break-inside: avoid; border-bottom: 1px dotted var(--rule); }
.cols b { font-weight: 600; }
svg text { font-family: inherit; }
.bar { display: inline-block; height: 9px; background: #0969da; vertical-align: middle; }
@page { size: A4; margin: 12mm 10mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 10.5px; }
  section { break-before: page; page-break-before: always; margin: 0; }
  section:first-of-type { break-before: auto; page-break-before: auto; }
  table { font-size: 9px; }
  tr, figure, svg, .side { break-inside: avoid; page-break-inside: avoid; }
  svg { max-width: 100%; height: auto; }
  .grid3 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
"#;

/// The whole page.
pub fn render(d: &ReportData, lang: Lang) -> String {
    let c = &d.county;
    let mut o = String::with_capacity(256 * 1024);
    let title = format!("{} {}", c.name, lang.t("养老与殡葬设施规划报告", "elderly-care and funeral facility plan"));
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"{GENERATOR} {}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        lang.code(),
        esc(&d.reproducibility.version),
        esc(&title)
    );
    let _ = writeln!(
        o,
        "<header><h1>{}</h1><p class=\"sub\">{}{}{}</p></header>",
        lang.label(
            &format!("{} 养老与殡葬设施规划", c.name),
            &format!("{} — elderly-care and funeral facility plan", c.pinyin)
        ),
        esc(&c.plan_title),
        if c.plan_document.is_empty() { String::new() } else { format!(" ({})", esc(&c.plan_document)) },
        match c.plan_year {
            Some(y) => format!(
                " · {} {y}{}",
                lang.t("规划年份", "plan year"),
                c.plan_quantile
                    .map(|q| format!(", {} p{:.0}", lang.t("需求分位数", "demand at"), q * 100.0))
                    .unwrap_or_default()
            ),
            None => format!(" · {}", lang.t("本文件夹尚无规划 (仅模拟)", "no plan in this folder (simulation only)")),
        }
    );
    if !d.missing.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"note\">{}: {}</p>",
            lang.t(
                "本结果文件夹缺少以下文件，相应内容从略",
                "This results folder lacks these files; the sections that need them say so"
            ),
            d.missing.iter().map(|m| format!("<code>{}</code>", esc(m))).collect::<Vec<_>>().join(", ")
        );
    }
    // In the order of SECTION_IDS.
    let sections: [fn(&ReportData, Lang) -> String; 12] = [
        glance::render,
        map::render,
        charts::pyramid,
        charts::fans,
        tables::towns,
        tables::projects,
        tables::compliance,
        tables::unmet,
        tables::stability,
        tables::backtest,
        notes::assumptions,
        notes::reproducibility,
    ];
    for (id, section) in SECTION_IDS.iter().zip(sections) {
        let _ = writeln!(o, "<section id=\"{id}\">\n{}</section>", section(d, lang));
    }
    o.push_str("</body>\n</html>\n");
    o
}

/// A section heading.
fn heading(lang: Lang, n: usize, zh: &str, en: &str) -> String {
    format!("<h2>{n}. {}</h2>\n", lang.label(zh, en))
}

/// A table header cell (right-aligned for numbers).
fn th(lang: Lang, zh: &str, en: &str, numeric: bool) -> String {
    format!("<th{}>{}</th>", if numeric { " class=\"n\"" } else { "" }, lang.label(zh, en))
}

/// Header cells of (Chinese, English, numeric) columns.
fn head_cells(lang: Lang, columns: &[(&str, &str, bool)]) -> String {
    columns.iter().map(|(zh, en, n)| th(lang, zh, en, *n)).collect()
}

/// A table's opening and its header row.
fn table_head(lang: Lang, columns: &[(&str, &str, bool)]) -> String {
    format!("<table>\n<tr>{}</tr>\n", head_cells(lang, columns))
}

/// The note of a section that needs county.csv.
fn no_county_csv(lang: Lang) -> String {
    absent(lang, "缺少 county.csv：请先运行 civplan simulate。", "No county.csv: run civplan simulate first.")
}

/// A numeric cell; `—` when unknown.
fn td_num(v: Option<f64>, decimals: usize) -> String {
    format!("<td class=\"n\">{}</td>", v.map(|v| svg::num(v, decimals)).unwrap_or_else(|| "—".into()))
}

/// A note that a section has no data, and why.
fn absent(lang: Lang, zh: &str, en: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", esc(lang.t(zh, en)))
}
