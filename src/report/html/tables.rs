//! Sections 5–10, the tables: 分镇街, 建设项目表, compliance, unmet demand,
//! stability and back-test.

use super::i18n::{action, cause, esc, facility, family, Lang};
use super::svg::num;
use super::{absent, head_cells, heading, table_head, td_num, th};
use crate::report::county::ReportData;
use std::collections::HashMap;
use std::fmt::Write as _;

/// 5. Per town: people, beds today and planned, and the sites that serve it.
pub fn towns(d: &ReportData, lang: Lang) -> String {
    let year = d.county.plan_year.or(d.county.target_years.first().copied()).unwrap_or(d.county.base_year);
    let mut o = heading(lang, 5, "分镇街情况", "By town");
    if d.towns.is_empty() {
        o.push_str(&absent(lang, "缺少 inputs/towns.csv。", "No inputs/towns.csv in this folder."));
        return o;
    }
    let _ = writeln!(
        o,
        "<p class=\"muted\">{}</p>\n<table>\n<tr>{}{}{}{}{}{}{}{}{}</tr>",
        esc(&match lang {
            Lang::Zh => format!("60岁及以上、80岁及以上、失能老年人为 {year} 年模拟中位数；服务设施后为出行分钟数（— 为距离未知）。"),
            Lang::En => format!("60+, 80+ and disabled elderly: {year} Monte Carlo medians; minutes of travel after each serving site (— unknown)."),
        }),
        th(lang, "镇街", "Town", false),
        th(lang, "2020 常住人口", "Residents 2020", true),
        th(lang, "60岁及以上", "Aged 60+", true),
        th(lang, "80岁及以上", "Aged 80+", true),
        th(lang, "失能老年人", "Disabled elderly", true),
        th(lang, "现有床位", "Existing beds", true),
        th(lang, "规划新增床位", "Planned beds", true),
        th(lang, "规划集中照护床位", "Planned care places", true),
        th(lang, "服务该镇街的设施（分钟）", "Sites serving it (minutes)", false),
    );
    for t in &d.towns {
        // One line per family: 养老床位: A (10)、B (25).
        let mut by_family: Vec<(&str, Vec<String>)> = Vec::new();
        for s in &t.serving {
            let site =
                format!("{} ({})", esc(&s.site_name), s.minutes.map(|m| num(m, 0)).unwrap_or_else(|| "—".into()));
            match by_family.iter_mut().find(|(f, _)| *f == s.family) {
                Some((_, list)) => list.push(site),
                None => by_family.push((&s.family, vec![site])),
            }
        }
        let serving: Vec<String> = by_family
            .iter()
            .map(|(f, sites)| {
                let (zh, en) = family(f);
                format!("<b>{}</b>: {}", lang.t(zh, en), sites.join(lang.t("、", "; ")))
            })
            .collect();
        let derived = if t.residents_derived {
            format!("<span class=\"tag derived\">{}</span>", lang.t("推算", "derived"))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}{derived}</td>{}{}{}{}{}{}<td>{}</td></tr>",
            esc(&t.name),
            num(t.residents_2020, 0),
            td_num(t.aged60, 0),
            td_num(t.aged80, 0),
            td_num(t.disabled, 0),
            td_num(Some(t.existing_beds), 0),
            td_num(Some(t.planned_beds), 0),
            td_num(Some(t.planned_places), 0),
            serving.join("<br>")
        );
    }
    o.push_str("</table>\n");
    o
}

/// English of a 建设性质.
fn nature_en(zh: &str) -> &str {
    match zh {
        "新建" => "new",
        "改扩建" => "expansion",
        "改造" => "conversion",
        "撤并" => "closure",
        "公建民营" => "public-built, privately run",
        "保留" => "kept",
        other => other,
    }
}

/// 6. The 建设项目表.
pub fn projects(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 6, "建设项目表", "Construction projects");
    let g = &d.projects;
    if g.rows.is_empty() {
        o.push_str(&absent(
            lang,
            "本规划没有新建、改扩建或撤并项目。",
            "The plan has no project (nothing new, expanded or closed).",
        ));
        return o;
    }
    let _ = writeln!(o, "<p class=\"muted\">{} <code>{}</code>.</p>", esc(lang.t("来源：", "From")), esc(&g.source));
    o.push_str("<table>\n<tr>");
    let numeric: Vec<bool> = (0..g.columns.len())
        .map(|i| g.rows.iter().all(|r| r.get(i).is_none_or(|v| v.is_empty() || v.parse::<f64>().is_ok())))
        .collect();
    for (i, (key, zh)) in g.columns.iter().enumerate() {
        let zh = if zh.is_empty() { key } else { zh };
        o.push_str(&th(lang, zh, key, numeric[i]));
    }
    o.push_str("</tr>\n");
    for r in &g.rows {
        o.push_str("<tr>");
        for (i, v) in r.iter().enumerate() {
            let v = match g.columns.get(i).map(|c| c.0.as_str()) {
                Some("type") if facility(v).0 != "其他" => lang.t(facility(v).0, facility(v).1).to_string(),
                Some("nature") if lang == Lang::En => nature_en(v).to_string(),
                _ => v.clone(),
            };
            let _ = write!(o, "<td{}>{}</td>", if numeric[i] { " class=\"n\"" } else { "" }, esc(&v));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
    o
}

/// 7. Every county norm of the plan: required, planned, met, and its source line.
pub fn compliance(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 7, "规划指标达标情况", "Compliance with the plan's norms");
    if d.compliance.is_empty() {
        o.push_str(&absent(
            lang,
            "本文件夹没有 compliance.csv（尚未运行 civplan plan）。",
            "No compliance.csv in this folder (civplan plan has not run).",
        ));
        return o;
    }
    let phased = d.compliance.iter().any(|n| !n.period.is_empty());
    o.push_str("<table>\n<tr>");
    if phased {
        o.push_str(&th(lang, "规划期", "Period", false));
    }
    o.push_str(&head_cells(
        lang,
        &[
            ("指标", "Norm", false),
            ("要求", "Required", true),
            ("规划", "Planned", true),
            ("单位", "Unit", false),
            ("达标", "Met", false),
            ("属性", "Kind", false),
            ("依据（规划原文）", "Source (the plan's line)", false),
        ],
    ));
    o.push_str("</tr>\n");
    for n in &d.compliance {
        let _ = write!(o, "<tr{}>", if n.met { "" } else { " class=\"short\"" });
        if phased {
            let _ = write!(o, "<td>{}</td>", esc(&n.period));
        }
        let kind = match (n.binding, n.province_default) {
            (true, false) => lang.t("约束性", "binding"),
            (false, false) => lang.t("预期性", "expected"),
            (true, true) => lang.t("约束性（省级默认）", "binding (province default)"),
            (false, true) => lang.t("预期性（省级默认）", "expected (province default)"),
        };
        let _ = writeln!(
            o,
            "<td>{}<span class=\"en\">{}</span></td>{}{}<td>{}</td><td>{}</td><td>{}</td><td class=\"src\">{}</td></tr>",
            esc(&n.meaning),
            esc(&n.norm),
            td_num(n.required, 1),
            td_num(n.planned, 1),
            esc(&n.unit),
            if n.met {
                format!("<span class=\"ok\">✓ {}</span>", lang.t("达标", "met"))
            } else {
                format!("<span class=\"no\">✗ {}</span>", lang.t("未达标", "not met"))
            },
            esc(kind),
            esc(&n.source)
        );
    }
    o.push_str("</table>\n");
    o
}

/// 8. Demand the plan cannot serve, by town, with the cause.
pub fn unmet(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 8, "未满足的需求", "Unmet demand");
    if d.unmet.is_empty() {
        o.push_str(&absent(
            lang,
            "各镇街的需求均可在出行时限内得到服务（或本文件夹没有规划）。",
            "Every town's demand is served within the travel limits (or this folder has no plan).",
        ));
        return o;
    }
    let located: HashMap<&str, bool> =
        d.towns.iter().map(|t| (t.name.as_str(), t.lat.is_some() && t.lon.is_some())).collect();
    o.push_str(&table_head(
        lang,
        &[
            ("镇街", "Town", false),
            ("需求", "Demand", false),
            ("需求量", "Required", true),
            ("缺口", "Shortfall", true),
            ("单位", "Unit", false),
            ("原因", "Cause", false),
        ],
    ));
    for u in &d.unmet {
        let why = if u.cause.is_empty() {
            // The plan does not say; the report states only the fact it can check.
            if located.get(u.place.as_str()) == Some(&false) {
                format!(
                    "<span class=\"muted\">{}</span>",
                    lang.t("（未注明）该镇街无坐标", "(not stated) the town has no coordinates")
                )
            } else {
                format!("<span class=\"muted\">{}</span>", lang.t("（规划未注明）", "(not stated by the plan)"))
            }
        } else {
            let (zh, en) = cause(&u.cause);
            if zh.is_empty() {
                esc(&u.cause)
            } else {
                esc(lang.t(zh, en))
            }
        };
        let _ = writeln!(
            o,
            "<tr class=\"short\"><td>{}{}</td><td>{}<span class=\"en\">{}</span></td>{}{}<td>{}</td><td>{why}</td></tr>",
            esc(&u.place),
            if u.period.is_empty() { String::new() } else { format!(" ({})", esc(&u.period)) },
            esc(&u.meaning),
            esc(&u.norm),
            td_num(u.required, 1),
            td_num(u.shortfall, 1),
            esc(&u.unit)
        );
    }
    o.push_str("</table>\n");
    o
}

/// 9. The share of Monte Carlo draws whose own plan builds each site.
pub fn stability(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 9, "选址稳定性", "Stability of the sites");
    let Some(st) = d.stability.as_ref().filter(|s| !s.sites.is_empty()) else {
        o.push_str(&absent(
            lang,
            "本规划未做稳定性检验（没有 stability.csv）。运行 civplan plan --stability N 可得到每处选址在 N 次模拟中被选中的比例。",
            "This plan was not tested for stability (no stability.csv). civplan plan --stability N gives the share of N \
             single-draw plans that build each site.",
        ));
        return o;
    };
    let by_id: HashMap<&str, &crate::report::county::Site> = d.sites.iter().map(|s| (s.id.as_str(), s)).collect();
    let _ = writeln!(
        o,
        "<p class=\"muted\">{}</p>",
        esc(&match lang {
            Lang::Zh => format!("对 {} 次单次模拟分别求解规划；比例为选中该处的次数占比（地图上以环的深浅表示）。", st.draws.map(|v| num(v, 0)).unwrap_or_else(|| "—".into())),
            Lang::En => format!("The plan solved for each of {} single draws; the share of them that build the site (the ring on the map).", st.draws.map(|v| num(v, 0)).unwrap_or_else(|| "—".into())),
        })
    );
    o.push_str("<table>\n<tr>");
    o.push_str(&th(lang, "编号", "Site", false));
    o.push_str(&th(lang, "名称", "Name", false));
    o.push_str(&th(lang, "本规划", "This plan", false));
    o.push_str(&th(lang, "选中比例", "Share of draws", true));
    for p in &st.periods {
        o.push_str(&th(lang, p, p, true));
    }
    o.push_str("</tr>\n");
    let mut rows: Vec<&(String, f64, Vec<Option<f64>>)> = st.sites.iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (id, share, periods) in rows {
        let site = by_id.get(id.as_str());
        let here = site.map(|s| action(s.action)).map(|(zh, en)| lang.t(zh, en)).unwrap_or(lang.t("未选", "not built"));
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\"><span class=\"bar\" style=\"width:{:.0}px\"></span> {:.0} %</td>",
            esc(id),
            esc(site.map(|s| s.name.as_str()).unwrap_or("")),
            esc(here),
            share * 60.0,
            share * 100.0
        );
        for p in periods {
            o.push_str(&td_num(p.map(|v| v * 100.0), 0));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
    o
}

/// 10. The projection from the 2010 census against the 2020 census.
pub fn backtest(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 10, "回溯检验", "Back-test");
    if d.backtest.is_empty() {
        o.push_str(&absent(
            lang,
            "本文件夹没有 backtest.csv（以 2010 年普查为起点预测 2020 年并与普查对比）。",
            "No backtest.csv in this folder (the projection from the 2010 census compared with the 2020 census).",
        ));
        return o;
    }
    o.push_str(&table_head(
        lang,
        &[
            ("年龄组", "Group", false),
            ("性别", "Sex", false),
            ("预测 p5", "Projected p5", true),
            ("预测中位数", "Projected p50", true),
            ("预测 p95", "Projected p95", true),
            ("2020 普查", "Census 2020", true),
            ("误差", "Error", true),
            ("相对误差", "Relative", true),
        ],
    ));
    for b in &d.backtest {
        let rel = match (b.error, b.census) {
            (Some(e), Some(c)) if c != 0.0 => format!("{:+.1} %", e / c * 100.0),
            _ => "—".into(),
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td>{}{}{}{}{}<td class=\"n\">{rel}</td></tr>",
            esc(&b.group),
            esc(&b.sex),
            td_num(b.p5, 0),
            td_num(b.p50, 0),
            td_num(b.p95, 0),
            td_num(b.census, 0),
            td_num(b.error, 0)
        );
    }
    o.push_str("</table>\n");
    o
}
