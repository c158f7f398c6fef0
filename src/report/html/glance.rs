//! Section 1, the county at a glance: the people the plan is for, in the
//! census year and each target year with the p5–p95 band, and where each
//! figure comes from.

use super::i18n::{metric, provenance, Lang};
use super::{heading, svg};
use crate::report::county::{Band, Provenance, ReportData};
use std::fmt::Write as _;

pub fn render(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 1, "县域概况", "The county at a glance");
    if d.series.is_empty() {
        o.push_str(&super::no_county_csv(lang));
        return o;
    }
    let c = &d.county;
    let years: Vec<u32> = std::iter::once(c.base_year).chain(c.target_years.iter().copied()).collect();
    let _ = write!(o, "<table>\n<tr>{}", super::th(lang, "指标", "Figure", false));
    for &y in &years {
        let (zh, en) = if y == c.base_year {
            (format!("{y} 年（七普）"), format!("{y} (census year)"))
        } else {
            (format!("{y} 年 中位数 (p5–p95)"), format!("{y} median (p5–p95)"))
        };
        o.push_str(&super::th(lang, &zh, &en, true));
    }
    o.push_str("</tr>\n");
    for (key, base, later) in &d.provenance {
        let Some(series) = d.series.iter().find(|s| &s.metric == key) else { continue };
        let (zh, en) = metric(key);
        let _ = write!(o, "<tr><td>{}</td>", lang.label(zh, en));
        for &y in &years {
            let p = if y == c.base_year { *base } else { *later };
            o.push_str(&cell(series.at(y), y == c.base_year, p, lang));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
    let (zh, en) = provenance(Provenance::Census);
    let (dz, de) = provenance(Provenance::Derived);
    let (az, ae) = provenance(Provenance::Assumption);
    let _ = writeln!(
        o,
        "<p class=\"muted\">{}</p>",
        match lang {
            Lang::Zh => format!(
                "标注：<span class=\"tag census\">{zh}</span> 第七次人口普查数据；<span class=\"tag derived\">{dz}</span> 由数据按既定规则或模型推算；\
                 <span class=\"tag assumption\">{az}</span> 依赖假设参数（见第 11 节）。目标年份为蒙特卡洛模拟的中位数，p5–p95 为 90% 区间。"
            ),
            Lang::En => format!(
                "<span class=\"tag census\">{en}</span> 2020 census; <span class=\"tag derived\">{de}</span> computed from data by a stated rule \
                 or the projection; <span class=\"tag assumption\">{ae}</span> rests on assumed parameters (section 11). Target years: \
                 Monte Carlo median with the 90 % band (p5–p95)."
            ),
        }
    );
    let towns = d.towns.len();
    let derived = d.towns.iter().filter(|t| t.residents_derived).count();
    let located = d.towns.iter().filter(|t| t.lat.is_some() && t.lon.is_some()).count();
    let _ = writeln!(
        o,
        "<p>{}</p>",
        match lang {
            Lang::Zh => format!(
                "共 {towns} 个镇街；其中 {derived} 个镇街的 2020 年常住人口为推算值（未见公开的分镇街普查数），{located} 个镇街有坐标。"
            ),
            Lang::En => format!(
                "{towns} towns and streets; {derived} of them have a derived 2020 population (no published township census figure); \
                 {located} have coordinates."
            ),
        }
    );
    o
}

fn cell(b: Option<Band>, base: bool, p: Provenance, lang: Lang) -> String {
    let Some(b) = b else { return "<td class=\"n\">—</td>".into() };
    let (zh, en) = provenance(p);
    let tag = format!(
        "<span class=\"tag {}\">{}</span>",
        match p {
            Provenance::Census => "census",
            Provenance::Derived => "derived",
            Provenance::Assumption => "assumption",
        },
        lang.t(zh, en)
    );
    if base && b.p5 == b.p95 {
        format!("<td class=\"n\">{}{tag}</td>", svg::num(b.p50, 0))
    } else {
        format!(
            "<td class=\"n\">{}{tag}<span class=\"band\">{}–{}</span></td>",
            svg::num(b.p50, 0),
            svg::num(b.p5, 0),
            svg::num(b.p95, 0)
        )
    }
}
