//! Sections 3 and 4: population pyramids and fan charts, as inline SVG.

use super::i18n::{esc, metric, Lang};
use super::svg::{c, num, points, short, ticks};
use super::{absent, heading};
use crate::report::county::{Action, Band, ReportData, Series, FAN_METRICS};
use std::fmt::Write as _;

const MALE: &str = "#2f6fb3";
const FEMALE: &str = "#c2416b";
const BAND90: &str = "#b6d4f2";
const BAND50: &str = "#6fa8dc";
const MEDIAN: &str = "#0b3d75";
const PLANNED: &str = "#d1242f";

/// The county pyramid of the base year against the last target year.
pub fn pyramid(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 3, "人口金字塔", "Population pyramids");
    let Some(p) = d.pyramid.as_ref().filter(|p| !p.years.is_empty() && !p.groups.is_empty()) else {
        o.push_str(&absent(
            lang,
            "本文件夹没有 pyramid.csv（分性别、年龄组的县域人口），无法绘制人口金字塔。用新版 civplan simulate 重新模拟即可生成。",
            "This folder has no pyramid.csv (county population by sex and age group), so no pyramid can be drawn. \
             Re-run civplan simulate with a version that writes it.",
        ));
        return o;
    };
    let (first, last) = (&p.years[0], &p.years[p.years.len() - 1]);
    let (w, row, top, mid_gap) = (900.0, 17.0, 34.0, 56.0);
    let h = top + row * p.groups.len() as f64 + 44.0;
    let half = (w - mid_gap) / 2.0 - 20.0;
    let max = [first, last]
        .iter()
        .flat_map(|(_, m, f)| m.iter().chain(f.iter()))
        .map(|b| b.p95.max(b.p50))
        .fold(0.0, f64::max)
        .max(1.0);
    let cx = w / 2.0;
    let scale = |v: f64| v / max * half;
    let _ = writeln!(o, "<figure><svg width=\"{w}\" height=\"{}\" viewBox=\"0 0 {w} {}\" role=\"img\">", c(h), c(h));
    let _ = writeln!(
        o,
        "<text x=\"{}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" fill=\"{MALE}\">{}</text>\
         <text x=\"{}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" fill=\"{FEMALE}\">{}</text>",
        c(cx - mid_gap / 2.0 - half / 2.0),
        esc(&lang.inline("男", "Male")),
        c(cx + mid_gap / 2.0 + half / 2.0),
        esc(&lang.inline("女", "Female"))
    );
    for (i, g) in p.groups.iter().enumerate() {
        let y = top + row * (p.groups.len() - 1 - i) as f64;
        let _ = writeln!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">{}</text>",
            c(cx),
            c(y + row * 0.7),
            esc(g)
        );
        for (side, colour, base, later) in
            [(-1.0, MALE, &first.1[i], &last.1[i]), (1.0, FEMALE, &first.2[i], &last.2[i])]
        {
            let x0 = cx + side * mid_gap / 2.0;
            let bar = |v: f64| if side < 0.0 { (x0 - scale(v), scale(v)) } else { (x0, scale(v)) };
            let (bx, bw) = bar(base.p50);
            let _ = writeln!(
                o,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\" fill-opacity=\"0.25\"><title>{} {}: {}</title></rect>",
                c(bx),
                c(y + 2.0),
                c(bw),
                c(row - 4.0),
                first.0,
                esc(g),
                num(base.p50, 0)
            );
            let (lx, lw) = bar(later.p50);
            let _ = writeln!(
                o,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.6\"><title>{} {}: {} ({}–{})</title></rect>",
                c(lx),
                c(y + 4.0),
                c(lw),
                c(row - 8.0),
                last.0,
                esc(g),
                num(later.p50, 0),
                num(later.p5, 0),
                num(later.p95, 0)
            );
            // The band of the last year: a whisker p5–p95, thick p25–p75.
            let edge = |v: f64| x0 + side * scale(v);
            let ym = y + row / 2.0;
            let _ = writeln!(
                o,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#222\" stroke-width=\"1\"/>",
                c(edge(later.p5)),
                c(ym),
                c(edge(later.p95)),
                c(ym)
            );
            if let (Some(a), Some(b)) = (later.p25, later.p75) {
                let _ = writeln!(
                    o,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#222\" stroke-width=\"3.5\"/>",
                    c(edge(a)),
                    c(ym),
                    c(edge(b)),
                    c(ym)
                );
            }
        }
    }
    // Axis: persons, both ways from the middle.
    let axis_y = top + row * p.groups.len() as f64 + 6.0;
    for t in ticks(max, 4) {
        for side in [-1.0, 1.0] {
            let x = cx + side * (mid_gap / 2.0 + scale(t));
            let _ = writeln!(
                o,
                "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#999\"/><text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">{4}</text>",
                c(x),
                c(axis_y),
                c(axis_y + 4.0),
                c(axis_y + 16.0),
                short(t, lang == Lang::Zh)
            );
        }
    }
    o.push_str("</svg>\n");
    let has50 = last.1.iter().any(|b| b.p25.is_some());
    let _ = writeln!(
        o,
        "<figcaption>{}</figcaption></figure>",
        match lang {
            Lang::Zh => format!(
                "浅色实条：{} 年；空心条：{} 年中位数；横线：{} 年 90% 区间 (p5–p95){}。单位：人。",
                first.0,
                last.0,
                last.0,
                if has50 { "，粗线为 50% 区间 (p25–p75)" } else { "" }
            ),
            Lang::En => format!(
                "Shaded bars: {}; outlined bars: {} median; whiskers: {} 90 % band (p5–p95){}. Persons.",
                first.0,
                last.0,
                last.0,
                if has50 { ", thick part the 50 % band (p25–p75)" } else { "" }
            ),
        }
    );
    o
}

/// Fan charts of the county's elderly, disabled, 特困, deaths and bed demand.
pub fn fans(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 4, "预测区间图", "Fan charts");
    if d.series.is_empty() {
        o.push_str(&super::no_county_csv(lang));
        return o;
    }
    let has50 = d.series.iter().flat_map(|s| &s.points).any(|(_, b)| b.p25.is_some() && b.p75.is_some());
    let _ = writeln!(
        o,
        "<p class=\"muted\">{}</p>\n<div class=\"grid3\">",
        match (lang, has50) {
            (Lang::Zh, true) => "深色线：中位数；深色带：50% 区间 (p25–p75)；浅色带：90% 区间 (p5–p95)。",
            (Lang::Zh, false) =>
                "深色线：中位数；浅色带：90% 区间 (p5–p95)。county.csv 未提供 p25/p75，故未画 50% 区间。",
            (Lang::En, true) => "Line: median; dark band: 50 % (p25–p75); light band: 90 % (p5–p95).",
            (Lang::En, false) =>
                "Line: median; band: 90 % (p5–p95). county.csv has no p25/p75 columns, so the 50 % band is not drawn.",
        }
    );
    for key in FAN_METRICS {
        let Some(s) = d.series.iter().find(|s| s.metric == key) else { continue };
        let planned = if key == "bed_demand" { planned_beds(d) } else { Vec::new() };
        let (zh, en) = metric(key);
        let _ =
            writeln!(o, "<figure>{}<figcaption>{}</figcaption></figure>", fan(s, &planned, lang), lang.label(zh, en));
    }
    o.push_str("</div>\n");
    if d.series.iter().any(|s| s.metric == "bed_demand") {
        let _ = writeln!(
            o,
            "<p class=\"muted\">{}</p>",
            lang.t(
                "床位需求图中的红色阶梯线为现有床位加规划床位（按规划期末计）。",
                "In the bed-demand chart the red steps are existing plus planned beds (at the end of each plan period)."
            )
        );
    }
    o
}

/// Existing plus planned beds: (year, beds) steps. From periods.csv when the
/// plan is phased, else the base year's stock and the plan year's total.
fn planned_beds(d: &ReportData) -> Vec<(u32, f64)> {
    let existing: f64 = d.sites.iter().filter(|s| s.action == Action::Keep).map(|s| s.beds).sum();
    let mut steps = vec![(d.county.base_year, existing)];
    let phased: Vec<(u32, f64)> = d.periods.iter().filter_map(|p| Some((p.end_year?, p.beds?))).collect();
    if !phased.is_empty() {
        steps.extend(phased);
    } else if let Some(y) = d.county.plan_year {
        let added: f64 =
            d.sites.iter().filter(|s| matches!(s.action, Action::New | Action::Expand)).map(|s| s.beds).sum();
        steps.push((y, existing + added));
    }
    if d.sites.is_empty() {
        steps.clear();
    }
    steps
}

/// One fan chart: x = year, y = value (from 0).
fn fan(s: &Series, planned: &[(u32, f64)], lang: Lang) -> String {
    let (w, h, left, right, top, bottom) = (400.0, 230.0, 50.0, 12.0, 12.0, 26.0);
    let years: Vec<u32> = s.points.iter().map(|p| p.0).collect();
    let (y0, y1) = (years[0] as f64, *years.last().unwrap_or(&years[0]) as f64);
    let max = s.points.iter().map(|p| p.1.p95).chain(planned.iter().map(|p| p.1)).fold(0.0, f64::max) * 1.05;
    let yt = ticks(max, 4);
    let ymax = *yt.last().unwrap_or(&1.0);
    let x = |year: f64| left + (year - y0) / (y1 - y0).max(1.0) * (w - left - right);
    let y = |v: f64| top + (1.0 - v / ymax) * (h - top - bottom);
    let mut o = format!("<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\">\n");
    for t in &yt {
        let (ty, label) = (c(y(*t)), short(*t, lang == Lang::Zh));
        let _ = writeln!(
            o,
            "<line x1=\"{x0}\" y1=\"{ty}\" x2=\"{x1}\" y2=\"{ty}\" stroke=\"#e5e5e5\"/><text x=\"{lx}\" y=\"{ly}\" text-anchor=\"end\" font-size=\"10\" fill=\"#555\">{label}</text>",
            x0 = c(left),
            x1 = c(w - right),
            lx = c(left - 4.0),
            ly = c(y(*t) + 3.5),
        );
    }
    for &yr in &years {
        let _ = writeln!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">{yr}</text>",
            c(x(yr as f64)),
            c(h - 8.0)
        );
    }
    let band = |lo: fn(&Band) -> Option<f64>, hi: fn(&Band) -> Option<f64>| -> Option<Vec<(f64, f64)>> {
        let upper: Vec<(f64, f64)> =
            s.points.iter().map(|(yr, b)| hi(b).map(|v| (x(*yr as f64), y(v)))).collect::<Option<_>>()?;
        let lower: Vec<(f64, f64)> =
            s.points.iter().rev().map(|(yr, b)| lo(b).map(|v| (x(*yr as f64), y(v)))).collect::<Option<_>>()?;
        Some(upper.into_iter().chain(lower).collect())
    };
    if let Some(p) = band(|b| Some(b.p5), |b| Some(b.p95)) {
        let _ = writeln!(o, "<polygon points=\"{}\" fill=\"{BAND90}\"/>", points(&p));
    }
    if let Some(p) = band(|b| b.p25, |b| b.p75) {
        let _ = writeln!(o, "<polygon points=\"{}\" fill=\"{BAND50}\"/>", points(&p));
    }
    let median: Vec<(f64, f64)> = s.points.iter().map(|(yr, b)| (x(*yr as f64), y(b.p50))).collect();
    let _ =
        writeln!(o, "<polyline points=\"{}\" fill=\"none\" stroke=\"{MEDIAN}\" stroke-width=\"2\"/>", points(&median));
    for (yr, b) in &s.points {
        let _ = writeln!(
            o,
            "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{MEDIAN}\"><title>{yr}: {} ({}–{})</title></circle>",
            c(x(*yr as f64)),
            c(y(b.p50)),
            num(b.p50, 0),
            num(b.p5, 0),
            num(b.p95, 0)
        );
    }
    if !planned.is_empty() {
        let mut steps = Vec::new();
        for (i, (yr, v)) in planned.iter().enumerate() {
            if i > 0 {
                steps.push((x(*yr as f64), y(planned[i - 1].1)));
            }
            steps.push((x(*yr as f64), y(*v)));
        }
        steps.push((x(y1), y(planned[planned.len() - 1].1)));
        let _ = writeln!(
            o,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{PLANNED}\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>",
            points(&steps)
        );
        for (yr, v) in planned {
            let _ = writeln!(
                o,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{PLANNED}\"><title>{yr}: {} {}</title></circle>",
                c(x(*yr as f64)),
                c(y(*v)),
                num(*v, 0),
                esc(lang.t("张床位（现有+规划）", "beds (existing + planned)"))
            );
        }
    }
    o.push_str("</svg>");
    o
}
