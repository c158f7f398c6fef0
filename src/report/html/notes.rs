//! Sections 11 and 12: the scenario's assumptions and what reproduces the run.

use super::i18n::{esc, Lang};
use super::{absent, heading};
use crate::report::county::ReportData;
use std::fmt::Write as _;

/// How many row ids of one repeated CSV assumption are listed by name.
const KEYS_SHOWN: usize = 8;

/// Every `ASSUMPTION` the scenario states, with its reasoning. A CSV source
/// cell repeated over many rows (e.g. the size of every candidate centre) is
/// listed once with the rows it covers.
pub fn assumptions(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 11, "假设", "Assumptions");
    let Some(list) = &d.assumptions else {
        o.push_str(&absent(
            lang,
            "本文件夹的 inputs/ 没有 assumptions.csv（由较早版本生成）。重新运行 civplan simulate 或 plan 即可列出情景中的全部假设。",
            "This folder's inputs/ has no assumptions.csv (written by an older version). Re-run civplan simulate or plan to list \
             every assumption of the scenario.",
        ));
        return o;
    };
    if list.is_empty() {
        o.push_str(&absent(lang, "情景未标注任何假设 (ASSUMPTION)。", "The scenario marks no ASSUMPTION."));
        return o;
    }
    let _ = writeln!(
        o,
        "<p class=\"muted\">{}</p>",
        esc(&match lang {
            Lang::Zh => format!(
                "以下 {} 条为情景中标注为 ASSUMPTION 的取值及理由（非数据）：scenario.toml 的注释与各 CSV 表 source 列。行号指原情景文件。",
                list.len()
            ),
            Lang::En => format!(
                "The {} values the scenario marks ASSUMPTION, with their reasoning (not data): scenario.toml comments and the source \
                 column of its CSV tables. Lines refer to the original scenario files.",
                list.len()
            ),
        })
    );
    // Group identical texts of one file, keeping the first appearance's order.
    type Group<'a> = (&'a str, &'a str, Vec<(&'a str, usize)>);
    let mut groups: Vec<Group> = Vec::new();
    for a in list {
        match groups.iter_mut().find(|g| g.0 == a.file && g.1 == a.text) {
            Some(g) => g.2.push((&a.key, a.line)),
            None => groups.push((&a.file, &a.text, vec![(&a.key, a.line)])),
        }
    }
    o.push_str("<table>\n<tr>");
    o.push_str(&super::th(lang, "文件:行", "File:line", false));
    o.push_str(&super::th(lang, "参数 / 行", "Key / row", false));
    o.push_str(&super::th(lang, "假设及理由", "Assumption and reasoning", false));
    o.push_str("</tr>\n");
    for (file, text, keys) in groups {
        let lines = if keys.len() == 1 {
            format!("{file}:{}", keys[0].1)
        } else {
            format!("{file}:{}–{}", keys[0].1, keys[keys.len() - 1].1)
        };
        let mut names: Vec<&str> = keys.iter().map(|k| k.0).collect();
        names.dedup();
        let more = names.len().saturating_sub(KEYS_SHOWN);
        let mut shown = names.iter().take(KEYS_SHOWN).map(|k| esc(k)).collect::<Vec<_>>().join(", ");
        if more > 0 {
            let _ = write!(shown, " {}", esc(lang.t(&format!("等共 {} 行", names.len()), &format!("and {more} more"))));
        }
        let _ = writeln!(o, "<tr><td>{}</td><td>{shown}</td><td>{}</td></tr>", esc(&lines), esc(text));
    }
    o.push_str("</table>\n");
    o
}

/// Version, seed, draws, each run's settings and the resolved parameters.
pub fn reproducibility(d: &ReportData, lang: Lang) -> String {
    let r = &d.reproducibility;
    let mut o = heading(lang, 12, "可重复性", "Reproducibility");
    let _ = writeln!(
        o,
        "<p>{}</p>",
        esc(&match lang {
            Lang::Zh => format!(
                "civplan {}，随机种子 {}，模拟次数 {}。同一情景与种子在任何线程数下给出逐字节相同的结果；inputs/ 为实际读取的情景，可用 civplan validate 检查。",
                r.version, r.seed, r.draws
            ),
            Lang::En => format!(
                "civplan {}, seed {}, {} draws. The same scenario and seed give byte-identical files whatever the thread count; inputs/ \
                 holds the scenario as read, which civplan validate accepts.",
                r.version, r.seed, r.draws
            ),
        })
    );
    for (command, settings) in &r.runs {
        let _ = writeln!(o, "<h3>civplan {}</h3>\n<div class=\"cols\">", esc(command));
        for (k, v) in settings {
            let _ = writeln!(o, "<div><b>{}</b> = {}</div>", esc(k), esc(v));
        }
        o.push_str("</div>\n");
    }
    if !r.parameters.is_empty() {
        let _ = writeln!(
            o,
            "<h3>{}</h3>\n<div class=\"cols\">",
            lang.label("情景参数（inputs/scenario.toml）", "Resolved parameters (inputs/scenario.toml)")
        );
        for (k, v) in &r.parameters {
            let _ = writeln!(o, "<div><b>{}</b> = {}</div>", esc(k), esc(v));
        }
        o.push_str("</div>\n");
    }
    o
}
