//! `comparison.html`: the batch on one self-contained page, like the county
//! report (its CSS and SVG helpers; no script, nothing fetched, A4 print):
//! for each varied parameter, charts of the headline figures across its
//! values, one line per county, the other parameters at their first value;
//! then the comparison table. Built from the comparison's rows alone, so a
//! merged batch gives the same page as the batch run in one go.

use super::spec::Definition;
use crate::report::html::svg::{c, num, points, short, ticks};
use crate::report::html::{esc, CSS, GENERATOR};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Line colours by scenario (in label order), repeating past eight.
const COLOURS: [&str; 8] = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#1b7c83", "#e16f24", "#6e7781"];

/// A headline figure: column, how to read it from a row, Chinese and English label.
struct Figure {
    zh: &'static str,
    en: &'static str,
    value: fn(&BTreeMap<String, String>) -> Option<f64>,
}

fn cell(r: &BTreeMap<String, String>, k: &str) -> Option<f64> {
    r.get(k).and_then(|v| v.parse().ok())
}

const FIGURES: [Figure; 6] = [
    Figure { zh: "资本投入 (万元)", en: "capital, 万元", value: |r| cell(r, "capital_wan") },
    Figure {
        zh: "总现值 (万元)",
        en: "present value of all costs, 万元",
        value: |r| cell(r, "objective_pv_yuan").map(|v| v / 1e4),
    },
    Figure { zh: "床位 (期末)", en: "beds, end of the last period", value: |r| cell(r, "beds") },
    Figure {
        zh: "护理型床位 (期末)", en: "nursing beds, end of the last period", value: |r| cell(r, "nursing_beds")
    },
    Figure { zh: "集中照护床位 (期末)", en: "centralised-care places, end", value: |r| cell(r, "places") },
    Figure {
        zh: "未达标指标数",
        en: "norms not met",
        value: |r| {
            let ok = r.get("status").is_some_and(|s| s != "failed");
            ok.then(|| r.get("norms_short").map_or(0, |s| s.split(';').filter(|x| !x.is_empty()).count()) as f64)
        },
    },
];

/// The page.
pub fn render(def: &Definition, columns: &[String], rows: &[&BTreeMap<String, String>]) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title =
        if def.name.is_empty() { "civplan batch".to_string() } else { format!("civplan batch — {}", def.name) };
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"{GENERATOR} {}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        env!("CARGO_PKG_VERSION"),
        esc(&title)
    );
    let failed = rows.iter().filter(|r| r.get("status").is_some_and(|s| s == "failed")).count();
    let _ = writeln!(
        o,
        "<header><h1>批量比较<span class=\"en\">{}</span></h1><p class=\"sub\">{} runs: {} scenarios × {} variations{}</p></header>",
        esc(&title),
        rows.len(),
        def.scenarios.len(),
        def.dims.iter().map(|d| d.len()).product::<usize>(),
        if failed > 0 { format!("; <span class=\"no\">{failed} failed</span> (see the table)") } else { String::new() }
    );
    o.push_str(&parameters(def));
    let by_id: BTreeMap<&str, &BTreeMap<String, String>> =
        rows.iter().filter_map(|r| r.get("run").map(|id| (id.as_str(), *r))).collect();
    let runs = def.runs();
    for (di, d) in def.dims.iter().enumerate() {
        let others: Vec<String> = def
            .dims
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != di)
            .map(|(_, x)| format!("{} = {}", x.column(), x.label(0)))
            .collect();
        let _ = writeln!(
            o,
            "<section id=\"dim-{di}\">\n<h2>{}. {}<span class=\"en\">across its values{}</span></h2>\n<div class=\"grid3\">",
            di + 1,
            esc(&d.column()),
            if others.is_empty() { String::new() } else { format!("; others at {}", esc(&others.join(", "))) }
        );
        // Per scenario: the value of each figure at each value of this dimension.
        type Series<'a> = Vec<(String, Vec<Option<&'a BTreeMap<String, String>>>)>;
        let series: Series = def
            .scenarios
            .iter()
            .enumerate()
            .map(|(si, s)| {
                let pts = (0..d.len())
                    .map(|i| {
                        runs.iter()
                            .find(|r| {
                                r.scenario == si
                                    && r.choice.iter().enumerate().all(|(j, &v)| if j == di { v == i } else { v == 0 })
                            })
                            .and_then(|r| by_id.get(r.id.as_str()).copied())
                    })
                    .collect();
                (s.label.clone(), pts)
            })
            .collect();
        let labels: Vec<String> = (0..d.len()).map(|i| d.label(i)).collect();
        for f in &FIGURES {
            let lines: Vec<(String, Vec<Option<f64>>)> = series
                .iter()
                .map(|(name, pts)| (name.clone(), pts.iter().map(|r| r.and_then(|r| (f.value)(r))).collect()))
                .collect();
            if lines.iter().all(|(_, v)| v.iter().all(Option::is_none)) {
                continue;
            }
            let _ = writeln!(
                o,
                "<figure>{}<figcaption>{}<span class=\"en\">{}</span></figcaption></figure>",
                chart(&labels, &lines),
                esc(f.zh),
                esc(f.en)
            );
        }
        o.push_str("</div>\n");
        o.push_str(&legend(def));
        o.push_str("</section>\n");
    }
    o.push_str(&table(columns, rows));
    o.push_str("</body>\n</html>\n");
    o
}

fn parameters(def: &Definition) -> String {
    let mut o = String::from("<section id=\"parameters\">\n<h2>变量<span class=\"en\">What varies</span></h2>\n<table>\n<tr><th>parameter</th><th>values</th></tr>\n");
    for d in &def.dims {
        let values: Vec<String> = (0..d.len()).map(|i| d.label(i)).collect();
        let _ = writeln!(o, "<tr><td><code>{}</code></td><td>{}</td></tr>", esc(&d.column()), esc(&values.join(" · ")));
        if let super::Dim::Cases(cases) = d {
            for case in cases {
                let set: Vec<String> = case.set.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                let _ = writeln!(
                    o,
                    "<tr><td class=\"muted\">{}</td><td class=\"muted\">{}</td></tr>",
                    esc(&case.name),
                    esc(&set.join(", "))
                );
            }
        }
    }
    let scenarios: Vec<String> = def.scenarios.iter().map(|s| format!("{} ({})", s.label, s.path)).collect();
    let _ = writeln!(o, "<tr><td>scenarios</td><td>{}</td></tr>", esc(&scenarios.join(" · ")));
    let _ = writeln!(
        o,
        "<tr><td>draws · seed</td><td>{} · each scenario's own seed (runs of a scenario share their draws)</td></tr>\n</table>\n</section>",
        def.draws.map(|d| d.to_string()).unwrap_or_else(|| "each scenario's own".into())
    );
    o
}

fn legend(def: &Definition) -> String {
    let items: Vec<String> = def
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "<li><svg width=\"18\" height=\"8\"><line x1=\"0\" y1=\"4\" x2=\"18\" y2=\"4\" stroke=\"{}\" stroke-width=\"2.5\"/></svg>{}</li>",
                COLOURS[i % COLOURS.len()],
                esc(&s.label)
            )
        })
        .collect();
    format!("<ul class=\"legend row\">{}</ul>\n", items.join(""))
}

/// One chart: x = the parameter's values (evenly spaced), y from 0; one
/// line per scenario, broken where a run failed.
fn chart(labels: &[String], lines: &[(String, Vec<Option<f64>>)]) -> String {
    let (w, h, left, right, top, bottom) = (400.0, 230.0, 56.0, 16.0, 12.0, 30.0);
    let max = lines.iter().flat_map(|(_, v)| v.iter().flatten()).fold(0.0f64, |m, v| m.max(*v)) * 1.05;
    let yt = ticks(max, 4);
    let ymax = *yt.last().unwrap_or(&1.0);
    let n = labels.len();
    let x = |i: usize| {
        if n <= 1 {
            (left + w - right) / 2.0
        } else {
            left + i as f64 / (n - 1) as f64 * (w - left - right)
        }
    };
    let y = |v: f64| top + (1.0 - v / ymax) * (h - top - bottom);
    let mut o = format!("<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\">\n");
    for t in &yt {
        let _ = writeln!(
            o,
            "<line x1=\"{}\" y1=\"{ty}\" x2=\"{}\" y2=\"{ty}\" stroke=\"#e5e5e5\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\" fill=\"#555\">{}</text>",
            c(left),
            c(w - right),
            c(left - 4.0),
            c(y(*t) + 3.5),
            short(*t, true),
            ty = c(y(*t)),
        );
    }
    for (i, l) in labels.iter().enumerate() {
        let _ = writeln!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">{}</text>",
            c(x(i)),
            c(h - 10.0),
            esc(l)
        );
    }
    for (k, (name, vals)) in lines.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let mut segment: Vec<(f64, f64)> = Vec::new();
        let flush = |seg: &mut Vec<(f64, f64)>, o: &mut String| {
            if seg.len() > 1 {
                let _ = writeln!(
                    o,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
                    points(seg)
                );
            }
            seg.clear();
        };
        for (i, v) in vals.iter().enumerate() {
            match v {
                Some(v) => segment.push((x(i), y(*v))),
                None => flush(&mut segment, &mut o),
            }
        }
        flush(&mut segment, &mut o);
        for (i, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                let _ = writeln!(
                    o,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{colour}\"><title>{}, {}: {}</title></circle>",
                    c(x(i)),
                    c(y(*v)),
                    esc(name),
                    esc(&labels[i]),
                    num(*v, 1)
                );
            }
        }
    }
    o.push_str("</svg>");
    o
}

/// The columns shown on the page (comparison.csv has them all).
fn shown(columns: &[String]) -> Vec<&String> {
    let start = columns.iter().position(|c| c.starts_with("sites.") || c == "beds").unwrap_or(columns.len());
    let head = columns[..start].iter().filter(|c| *c != "scenario");
    let tail = columns[start..].iter().filter(|c| {
        super::comparison::CAPACITY.contains(&c.as_str())
            || ["capital_wan", "objective_pv_yuan", "norms_short", "status", "gap", "exit_status", "error"]
                .contains(&c.as_str())
            || c.starts_with("unmet.")
    });
    head.chain(tail).collect()
}

fn table(columns: &[String], rows: &[&BTreeMap<String, String>]) -> String {
    let cols = shown(columns);
    let mut o = String::from(
        "<section id=\"table\">\n<h2>比较表<span class=\"en\">Comparison (comparison.csv has every column: sites by type and action, capital by period, each norm)</span></h2>\n<table>\n<tr>",
    );
    for col in &cols {
        let _ = write!(o, "<th>{}</th>", esc(col));
    }
    o.push_str("</tr>\n");
    for r in rows {
        let bad = r.get("exit_status").is_some_and(|s| s != "0");
        let _ = write!(o, "<tr{}>", if bad { " class=\"short\"" } else { "" });
        for col in &cols {
            let v = r.get(*col).map(String::as_str).unwrap_or("");
            let numeric = super::comparison::CAPACITY.contains(&col.as_str())
                || ["capital_wan", "objective_pv_yuan", "gap"].contains(&col.as_str())
                || col.starts_with("unmet.");
            match v.parse::<f64>() {
                Ok(x) if numeric => {
                    let decimals = if x.fract() == 0.0 || x.abs() >= 100.0 { 0 } else { 4 };
                    let _ = write!(o, "<td class=\"n\">{}</td>", num(x, decimals));
                }
                _ => {
                    let _ = write!(o, "<td>{}</td>", esc(v));
                }
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n</section>\n");
    o
}
