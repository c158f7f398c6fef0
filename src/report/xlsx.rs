//! `plan.xlsx`: the 建设项目表, the 分镇街 table, the norms and the unmet
//! demand as worksheets with Chinese headers, for planners who work in Excel
//! or WPS. Numbers are stored as numbers.

use super::county::ReportData;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// The sheets, in order.
pub const SHEETS: [&str; 4] = ["建设项目表", "分镇街", "规划指标", "未满足需求"];

/// The custom document property that marks a workbook as civplan's own.
pub const GENERATOR_PROPERTY: &str = "generator";

/// A cell: text, or a number (empty when unknown).
enum Cell {
    Text(String),
    Num(Option<f64>),
}

fn sheet(book: &mut Workbook, name: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_text_wrap();
    let ws: &mut Worksheet = book.add_worksheet();
    ws.set_name(name)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.2).clamp(8.0, 40.0))?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v {
                Cell::Text(s) if !s.is_empty() => {
                    ws.write_string(r, c, s)?;
                }
                Cell::Num(Some(v)) => {
                    ws.write_number(r, c, *v)?;
                }
                _ => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// The workbook as bytes. The creation date is fixed, so the same plan gives
/// the same file.
pub fn render(d: &ReportData, version: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let props = DocProperties::new()
        .set_title(format!("{} 规划表", d.county.name))
        .set_author("civplan")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2020, 11, 1)?)
        .set_custom_property(GENERATOR_PROPERTY, format!("civplan {version}").as_str());
    book.set_properties(&props);

    let g = &d.projects;
    let headers: Vec<&str> =
        g.columns.iter().map(|(k, zh)| if zh.is_empty() { k.as_str() } else { zh.as_str() }).collect();
    let rows: Vec<Vec<Cell>> = g
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, v)| match (g.columns[i].0.as_str(), v.parse::<f64>()) {
                    ("type", _) => text(super::county::load::type_zh(v)),
                    ("site_id" | "town_code" | "period", _) => text(v),
                    (_, Ok(x)) if x.is_finite() => Cell::Num(Some(x)),
                    _ => text(v),
                })
                .collect()
        })
        .collect();
    sheet(&mut book, SHEETS[0], &headers, &rows)?;

    let year = d.county.plan_year.map(|y| y.to_string()).unwrap_or_default();
    let h60 = format!("{year}年60岁及以上(中位数)");
    let h80 = format!("{year}年80岁及以上(中位数)");
    let hdis = format!("{year}年失能老年人(中位数)");
    let headers = [
        "镇街代码",
        "镇街",
        "类型",
        "2020年常住人口",
        "人口为推算值",
        &h60,
        &h80,
        &hdis,
        "现有床位",
        "规划新增床位",
        "规划集中照护床位",
        "服务该镇街的设施(出行分钟)",
    ];
    let rows: Vec<Vec<Cell>> = d
        .towns
        .iter()
        .map(|t| {
            let serving: Vec<String> = t
                .serving
                .iter()
                .map(|s| {
                    format!("{}({})", s.site_name, s.minutes.map(|m| format!("{m:.0}")).unwrap_or_else(|| "—".into()))
                })
                .collect();
            vec![
                text(&t.code),
                text(&t.name),
                text(&t.kind),
                Cell::Num(Some(t.residents_2020)),
                text(if t.residents_derived { "是" } else { "否" }),
                Cell::Num(t.aged60),
                Cell::Num(t.aged80),
                Cell::Num(t.disabled),
                Cell::Num(Some(t.existing_beds)),
                Cell::Num(Some(t.planned_beds)),
                Cell::Num(Some(t.planned_places)),
                text(&serving.join("; ")),
            ]
        })
        .collect();
    sheet(&mut book, SHEETS[1], &headers, &rows)?;

    let headers =
        ["规划期", "指标代码", "指标", "要求", "规划", "单位", "是否达标", "约束性", "省级默认", "依据(规划原文)"];
    let rows: Vec<Vec<Cell>> = d
        .compliance
        .iter()
        .map(|n| {
            vec![
                text(&n.period),
                text(&n.norm),
                text(&n.meaning),
                Cell::Num(n.required),
                Cell::Num(n.planned),
                text(&n.unit),
                text(if n.met { "达标" } else { "未达标" }),
                text(if n.binding { "约束性" } else { "预期性" }),
                text(if n.province_default { "是" } else { "否" }),
                text(&n.source),
            ]
        })
        .collect();
    sheet(&mut book, SHEETS[2], &headers, &rows)?;

    let headers = ["规划期", "镇街", "需求代码", "需求", "需求量", "缺口", "单位", "原因"];
    let rows: Vec<Vec<Cell>> = d
        .unmet
        .iter()
        .map(|u| {
            vec![
                text(&u.period),
                text(&u.place),
                text(&u.norm),
                text(&u.meaning),
                Cell::Num(u.required),
                Cell::Num(u.shortfall),
                text(&u.unit),
                text(&u.cause),
            ]
        })
        .collect();
    sheet(&mut book, SHEETS[3], &headers, &rows)?;
    book.save_to_buffer()
}
