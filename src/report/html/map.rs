//! Section 2, the 规划布局图: towns sized by their elderly, existing and
//! planned facilities (shape = type, fill = action), assignment lines, service
//! radius circles, the stability of each planned site, a scale bar, a north
//! arrow and a legend — in UTM metres (one scale both ways), as inline SVG.

use super::i18n::{action, esc, facility, family, Lang};
use super::svg::{c, num, points};
use super::{absent, heading};
use crate::report::county::{utm, Action, ReportData, Site};
use std::collections::HashMap;
use std::f64::consts::PI;
use std::fmt::Write as _;

/// Map area in pixels (the side panel takes the rest of the page width).
const WIDTH: f64 = 880.0;
const MAX_HEIGHT: f64 = 820.0;
const MARGIN: f64 = 28.0;
/// Half-size of a facility symbol, px.
const SYMBOL: f64 = 5.5;

fn action_fill(a: Action) -> &'static str {
    match a {
        Action::New => "#d1242f",
        Action::Expand => "#f08c00",
        Action::Convert => "#8250df",
        Action::Transfer => "#1b9aaa",
        Action::Close => "#bdbdbd",
        Action::Keep => "#ffffff",
    }
}

fn family_colour(key: &str) -> &'static str {
    match key {
        "beds" => "#3d6fa8",
        "places" => "#8250df",
        "halls" => "#7a4b1e",
        "plots" => "#2e7d32",
        _ => "#777",
    }
}

fn type_colour(key: &str) -> &'static str {
    match key {
        "elderly_centre" => "#3d6fa8",
        "disabled_care_centre" => "#8250df",
        "funeral_station" | "funeral_home" => "#7a4b1e",
        "cemetery" => "#2e7d32",
        _ => "#555",
    }
}

/// The symbol of a facility type at (x, y): shape by type, fill by action.
pub fn symbol(kind: &str, a: Action, x: f64, y: f64, s: f64, title: &str) -> String {
    let fill = action_fill(a);
    let stroke = "stroke=\"#222\" stroke-width=\"1.1\"";
    let poly = |pts: &[(f64, f64)]| -> String {
        let abs: Vec<(f64, f64)> = pts.iter().map(|(dx, dy)| (x + dx * s, y + dy * s)).collect();
        format!("<polygon points=\"{}\" fill=\"{fill}\" {stroke}>", points(&abs))
    };
    let open = match kind {
        "elderly_centre" => poly(&[(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]),
        "care_institution" => poly(&[(0.0, -1.25), (1.15, 0.85), (-1.15, 0.85)]),
        "community_station" => {
            format!("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" {stroke}>", c(x), c(y), c(s * 0.85))
        }
        "disabled_care_centre" => poly(&[
            (-0.4, -1.2),
            (0.4, -1.2),
            (0.4, -0.4),
            (1.2, -0.4),
            (1.2, 0.4),
            (0.4, 0.4),
            (0.4, 1.2),
            (-0.4, 1.2),
            (-0.4, 0.4),
            (-1.2, 0.4),
            (-1.2, -0.4),
            (-0.4, -0.4),
        ]),
        "funeral_home" => {
            let hex: Vec<(f64, f64)> =
                (0..6).map(|k| ((PI / 3.0 * k as f64).cos() * 1.15, (PI / 3.0 * k as f64).sin() * 1.15)).collect();
            poly(&hex)
        }
        "funeral_station" => poly(&[(0.0, -1.35), (1.05, 0.0), (0.0, 1.35), (-1.05, 0.0)]),
        "cemetery" => poly(&[(-1.15, -0.85), (1.15, -0.85), (0.0, 1.25)]),
        _ => poly(&[(-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)]),
    };
    let closer = if open.starts_with("<circle") { "</circle>" } else { "</polygon>" };
    let mut o = format!("{open}<title>{}</title>{closer}", esc(title));
    if a == Action::Close {
        let _ = write!(
            o,
            "<path d=\"M{} {}L{} {}M{} {}L{} {}\" stroke=\"#222\" stroke-width=\"1.2\"/>",
            c(x - s),
            c(y - s),
            c(x + s),
            c(y + s),
            c(x - s),
            c(y + s),
            c(x + s),
            c(y - s)
        );
    }
    o
}

/// An axis-aligned box, for keeping labels off symbols and each other.
#[derive(Clone, Copy)]
struct Rect(f64, f64, f64, f64);

impl Rect {
    fn around(x: f64, y: f64, r: f64) -> Rect {
        Rect(x - r, y - r, x + r, y + r)
    }
    fn overlap(&self, o: &Rect) -> f64 {
        let w = (self.2.min(o.2) - self.0.max(o.0)).max(0.0);
        let h = (self.3.min(o.3) - self.1.max(o.1)).max(0.0);
        w * h
    }
}

/// Where the map draws each located town and site.
struct Layout {
    town_xy: HashMap<String, (f64, f64, f64)>,
    /// Site index → (x, y): sites of one town sit on a ring around its point.
    site_xy: HashMap<usize, (f64, f64)>,
    /// Ring radius around each town with sites.
    ring: HashMap<String, f64>,
    width: f64,
    height: f64,
    /// Metres per pixel.
    m_per_px: f64,
}

/// Order of sites around a town: planned first, then by type and id, so the
/// same plan always draws the same way.
fn ring_order(a: &Site, b: &Site) -> std::cmp::Ordering {
    a.action.cmp(&b.action).then(a.kind.cmp(&b.kind)).then(a.id.cmp(&b.id))
}

fn layout(d: &ReportData, radius_px_max_m: f64) -> Option<Layout> {
    let located: Vec<(usize, f64, f64)> = d
        .towns
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((i, t.lat?, t.lon?)))
        .filter(|(_, lat, lon)| lat.is_finite() && lon.is_finite())
        .collect();
    if located.is_empty() {
        return None;
    }
    let zone = utm::zone_of(located.iter().map(|p| p.2).sum::<f64>() / located.len() as f64);
    let xy: Vec<(usize, f64, f64)> = located
        .iter()
        .map(|&(i, lat, lon)| {
            let (e, n) = utm::project(lat, lon, zone);
            (i, e, n)
        })
        .collect();
    let pad = radius_px_max_m.clamp(2_000.0, 8_000.0);
    let (x0, x1) = xy.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (y0, y1) = xy.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.2), b.max(p.2)));
    let (x0, x1, y0, y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
    let scale = ((WIDTH - 2.0 * MARGIN) / (x1 - x0)).min((MAX_HEIGHT - 2.0 * MARGIN) / (y1 - y0));
    let height = (y1 - y0) * scale + 2.0 * MARGIN;
    let max60 = d.towns.iter().filter_map(elderly).fold(1.0, f64::max);
    let mut town_xy = HashMap::new();
    for (i, e, n) in xy {
        let t = &d.towns[i];
        let r = 3.0 + 11.0 * (elderly(t).unwrap_or(0.0) / max60).sqrt();
        town_xy.insert(t.code.clone(), (MARGIN + (e - x0) * scale, MARGIN + (y1 - n) * scale, r));
    }
    let mut by_town: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, s) in d.sites.iter().enumerate() {
        if town_xy.contains_key(&s.town_code) {
            by_town.entry(s.town_code.as_str()).or_default().push(k);
        }
    }
    let mut site_xy = HashMap::new();
    let mut ring = HashMap::new();
    for (code, mut list) in by_town {
        list.sort_by(|&a, &b| ring_order(&d.sites[a], &d.sites[b]));
        let (tx, ty, tr) = town_xy[code];
        let k = list.len() as f64;
        // Symbols at least 3 symbol-sizes apart along the ring.
        let rr = (tr + SYMBOL + 3.0).max(k * SYMBOL * 3.0 / (2.0 * PI));
        for (i, &s) in list.iter().enumerate() {
            let a = -PI / 4.0 + 2.0 * PI * i as f64 / k;
            site_xy.insert(s, (tx + rr * a.cos(), ty + rr * a.sin()));
        }
        ring.insert(code.to_string(), rr);
    }
    Some(Layout { town_xy, site_xy, ring, width: WIDTH, height, m_per_px: 1.0 / scale })
}

/// Elderly persons of a town for its symbol: 60+ in the plan year, else a quarter of residents.
fn elderly(t: &crate::report::county::Town) -> Option<f64> {
    t.aged60.or(Some(t.residents_2020 * 0.25)).filter(|v| *v > 0.0)
}

fn radius_min(d: &ReportData, kind: &str) -> Option<f64> {
    d.radius_min.iter().find(|(k, _)| k == kind).map(|(_, v)| *v)
}

pub fn render(d: &ReportData, lang: Lang) -> String {
    let mut o = heading(lang, 2, "规划布局图", "Plan map");
    let max_radius_m = d
        .sites
        .iter()
        .filter_map(|s| radius_min(d, &s.kind))
        .map(|m| d.travel.radius_km(m) * 1000.0)
        .fold(0.0, f64::max);
    let Some(l) = layout(d, max_radius_m) else {
        o.push_str(&absent(
            lang,
            "本县所有镇街均无坐标（未找到公开来源），无法绘制布局图；各镇街及设施见第 5、6 节表格。",
            "No town of this county has coordinates (no public source was found), so no map can be drawn; \
             sections 5 and 6 list every town and site.",
        ));
        o.push_str(&side_panel(d, lang, None));
        return o;
    };
    o.push_str("<div class=\"row\">\n");
    let _ = writeln!(
        o,
        "<figure style=\"max-width:{}px\"><svg width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n\
         <rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" fill=\"#fbfcfd\" stroke=\"#888\"/>",
        c(l.width),
        c(l.width),
        c(l.height),
        c(l.width),
        c(l.height),
        esc(lang.t("规划布局图", "plan map")),
        c(l.width - 1.0),
        c(l.height - 1.0)
    );
    // Service radius circles of every site that stays open.
    for (k, s) in d.sites.iter().enumerate() {
        let (Some(&(x, y)), Some(min)) = (l.site_xy.get(&k), radius_min(d, &s.kind)) else { continue };
        let r = d.travel.radius_km(min) * 1000.0 / l.m_per_px;
        if s.action != Action::Close && r >= 1.0 {
            let col = type_colour(&s.kind);
            let _ = writeln!(
                o,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{col}\" fill-opacity=\"0.04\" stroke=\"{col}\" stroke-opacity=\"0.45\" stroke-dasharray=\"3 3\"/>",
                c(x),
                c(y),
                c(r)
            );
        }
    }
    for t in &d.towns {
        let Some(&(x, y, r)) = l.town_xy.get(&t.code) else { continue };
        let _ = writeln!(
            o,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#9ecae1\" fill-opacity=\"0.55\" stroke=\"#4a87b5\" stroke-width=\"0.8\"><title>{} — {}: {}</title></circle>",
            c(x),
            c(y),
            c(r),
            esc(&t.name),
            esc(lang.t("60岁及以上", "aged 60+")),
            elderly(t).map(|v| num(v, 0)).unwrap_or_else(|| "—".into())
        );
    }
    // Assignment lines: width by the amount, relative to the family's largest flow.
    let site_index: HashMap<&str, usize> = d.sites.iter().enumerate().map(|(k, s)| (s.id.as_str(), k)).collect();
    let mut largest: HashMap<&str, f64> = HashMap::new();
    for a in &d.assignments {
        let m = largest.entry(a.family.as_str()).or_default();
        *m = m.max(a.amount);
    }
    for a in &d.assignments {
        let (Some(&(tx, ty, _)), Some(&(sx, sy))) =
            (l.town_xy.get(&a.town_code), site_index.get(a.site_id.as_str()).and_then(|k| l.site_xy.get(k)))
        else {
            continue;
        };
        if a.amount <= 0.0 {
            continue;
        }
        let w = 0.6 + 2.4 * (a.amount / largest[a.family.as_str()].max(1e-9)).sqrt();
        let (fz, fe) = family(&a.family);
        let _ = writeln!(
            o,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\" stroke-opacity=\"0.55\"><title>{} → {}: {} {}{}</title></line>",
            c(tx),
            c(ty),
            c(sx),
            c(sy),
            family_colour(&a.family),
            c(w),
            esc(&a.town_name),
            esc(&a.site_id),
            num(a.amount, 1),
            esc(lang.t(fz, fe)),
            a.minutes.map(|m| format!(", {} min", num(m, 0))).unwrap_or_default()
        );
    }
    // Stability: a ring whose opacity is the share of draws that build the site.
    if let Some(st) = &d.stability {
        for (k, s) in d.sites.iter().enumerate() {
            let (Some(&(x, y)), Some(share)) = (l.site_xy.get(&k), st.share(&s.id)) else { continue };
            let _ = writeln!(
                o,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"#111\" stroke-width=\"2.4\" stroke-opacity=\"{:.2}\"><title>{}: {:.0} %</title></circle>",
                c(x),
                c(y),
                c(SYMBOL + 4.0),
                0.1 + 0.9 * share,
                esc(lang.t("模拟中建设比例", "share of draws that build it")),
                share * 100.0
            );
        }
    }
    let mut obstacles: Vec<Rect> = Vec::new();
    for (k, s) in d.sites.iter().enumerate() {
        let Some(&(x, y)) = l.site_xy.get(&k) else { continue };
        let (tz, te) = facility(&s.kind);
        let (az, ae) = action(s.action);
        let title = format!("{} {} — {} ({})", s.id, s.name, lang.t(tz, te), lang.t(az, ae));
        o.push_str(&symbol(&s.kind, s.action, x, y, SYMBOL, &title));
        o.push('\n');
        obstacles.push(Rect::around(x, y, SYMBOL + 1.0));
    }
    for (x, y, r) in l.town_xy.values() {
        obstacles.push(Rect::around(*x, *y, r * 0.7));
    }
    o.push_str(&town_labels(d, &l, &mut obstacles));
    o.push_str(&scale_bar(&l, lang));
    o.push_str(&north_arrow(&l, lang));
    o.push_str("</svg>\n");
    let period = if d.assignments_period.is_empty() {
        String::new()
    } else {
        lang.t(
            &format!("服务分配线为 {} 期末的分配。", d.assignments_period),
            &format!(" Assignment lines: the period {}.", d.assignments_period),
        )
        .to_string()
    };
    let _ = writeln!(
        o,
        "<figcaption>{}{}</figcaption></figure>",
        esc(lang.t(
            "投影：UTM 第 48 带北 (WGS-84, EPSG:32648)，单位米，上方为坐标北。镇街点位：towns.csv 的镇街驻地坐标。同一镇街的多处设施按固定顺序环绕其点位排列。",
            "Projection: UTM zone 48N (WGS-84, EPSG:32648), metres; up is grid north. Town points: the seats in towns.csv. \
             Several sites of one town are placed around its point in a fixed order."
        )),
        esc(&period)
    );
    o.push_str(&side_panel(d, lang, Some(&l)));
    o.push_str("</div>\n");
    o
}

/// Town names placed greedily (largest towns first) at the first of eight
/// positions around the town that overlaps nothing drawn so far.
fn town_labels(d: &ReportData, l: &Layout, obstacles: &mut Vec<Rect>) -> String {
    let mut order: Vec<&crate::report::county::Town> =
        d.towns.iter().filter(|t| l.town_xy.contains_key(&t.code)).collect();
    order.sort_by(|a, b| elderly(b).unwrap_or(0.0).total_cmp(&elderly(a).unwrap_or(0.0)).then(a.code.cmp(&b.code)));
    let fs = 11.0;
    let mut o = String::new();
    for t in order {
        let (x, y, r) = l.town_xy[&t.code];
        let reach = l.ring.get(&t.code).map(|rr| rr + SYMBOL).unwrap_or(r) + 3.0;
        let w = t.name.chars().map(|ch| if ch.is_ascii() { fs * 0.6 } else { fs }).sum::<f64>();
        let mut best: Option<(f64, Rect, f64, f64)> = None;
        for k in 0..8 {
            let a = PI / 4.0 * k as f64;
            let (dx, dy) = (a.cos(), a.sin());
            // Anchor the box so it grows away from the town.
            let bx = x + dx * reach
                - if dx < -0.3 {
                    w
                } else if dx > 0.3 {
                    0.0
                } else {
                    w / 2.0
                };
            let by = y + dy * reach
                - if dy < -0.3 {
                    fs
                } else if dy > 0.3 {
                    0.0
                } else {
                    fs / 2.0
                };
            let rect = Rect(bx, by, bx + w, by + fs);
            let outside = bx < 2.0 || by < 2.0 || bx + w > l.width - 2.0 || by + fs > l.height - 2.0;
            let cost = obstacles.iter().map(|o| o.overlap(&rect)).sum::<f64>() + if outside { 1e6 } else { 0.0 };
            if best.is_none_or(|b| cost < b.0) {
                best = Some((cost, rect, bx, by));
            }
            if cost == 0.0 {
                break;
            }
        }
        let Some((_, rect, bx, by)) = best else { continue };
        obstacles.push(rect);
        let _ = writeln!(
            o,
            "<text x=\"{}\" y=\"{}\" font-size=\"{fs}\" fill=\"#1f2328\" stroke=\"#fbfcfd\" stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
            c(bx),
            c(by + fs * 0.88),
            esc(&t.name)
        );
    }
    o
}

/// A scale bar of a round length near a fifth of the map width.
fn scale_bar(l: &Layout, lang: Lang) -> String {
    let target_km = l.width / 5.0 * l.m_per_px / 1000.0;
    let km = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0].into_iter().rev().find(|k| *k <= target_km).unwrap_or(0.5);
    let px = km * 1000.0 / l.m_per_px;
    let (x, y) = (MARGIN, l.height - 16.0);
    format!(
        "<g><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"5\" fill=\"#222\"/><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"5\" fill=\"#fff\" stroke=\"#222\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"10\">0</text><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{} {}</text></g>\n",
        c(x),
        c(y),
        c(px / 2.0),
        c(x + px / 2.0),
        c(y),
        c(px / 2.0),
        c(x - 3.0),
        c(y - 3.0),
        c(x + px),
        c(y - 3.0),
        km,
        lang.t("公里", "km")
    )
}

fn north_arrow(l: &Layout, lang: Lang) -> String {
    let (x, y) = (l.width - MARGIN - 4.0, MARGIN + 6.0);
    format!(
        "<g><polygon points=\"{}\" fill=\"#222\"/><polygon points=\"{}\" fill=\"#fff\" stroke=\"#222\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" font-weight=\"600\">{}</text></g>\n",
        points(&[(x, y), (x + 7.0, y + 22.0), (x, y + 17.0)]),
        points(&[(x, y), (x - 7.0, y + 22.0), (x, y + 17.0)]),
        c(x),
        c(y + 36.0),
        lang.t("北", "N")
    )
}

/// Beside the map: the legend, towns without coordinates and sites the map
/// cannot place, so nothing is silently dropped.
fn side_panel(d: &ReportData, lang: Lang, l: Option<&Layout>) -> String {
    let mut o = String::from("<div class=\"side\">\n");
    if l.is_some() {
        o.push_str(&legend(d, lang));
    }
    let unlocated: Vec<&str> =
        d.towns.iter().filter(|t| t.lat.is_none() || t.lon.is_none()).map(|t| t.name.as_str()).collect();
    if !unlocated.is_empty() {
        let _ = writeln!(
            o,
            "<h3>{}</h3><p>{}</p>",
            lang.label(
                &format!("无坐标的镇街（{} 个）", unlocated.len()),
                &format!("Towns without coordinates ({})", unlocated.len())
            ),
            esc(&unlocated.join(lang.t("、", ", ")))
        );
    }
    let Some(l) = l else {
        // No map at all: every site is in the tables; do not list them twice.
        let _ = writeln!(
            o,
            "<p>{}</p>",
            esc(&match lang {
                Lang::Zh => format!("{} 处设施均无法在图上标出，见第 5、6 节。", d.sites.len()),
                Lang::En => format!(
                    "None of the {} facilities can be placed on a map; sections 5 and 6 list them.",
                    d.sites.len()
                ),
            })
        );
        o.push_str("</div>\n");
        return o;
    };
    let off: Vec<&Site> =
        d.sites.iter().enumerate().filter(|(k, _)| !l.site_xy.contains_key(k)).map(|(_, s)| s).collect();
    if !off.is_empty() {
        let _ = writeln!(
            o,
            "<h3>{}</h3><ul>",
            lang.label(
                &format!("未在图上标出的设施（{} 处）", off.len()),
                &format!("Facilities not on the map ({})", off.len())
            )
        );
        for s in off {
            let (az, ae) = action(s.action);
            let place = if s.town_name.is_empty() {
                lang.t("未给出位置", "location not given").to_string()
            } else {
                format!("{} — {}", s.town_name, lang.t("镇街无坐标", "town has no coordinates"))
            };
            let _ = writeln!(o, "<li>{} ({}; {})</li>", esc(&s.name), esc(lang.t(az, ae)), esc(&place));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</div>\n");
    o
}

fn legend(d: &ReportData, lang: Lang) -> String {
    let mut kinds: Vec<&str> = d.sites.iter().map(|s| s.kind.as_str()).collect();
    kinds.sort();
    kinds.dedup();
    let mut actions: Vec<Action> = d.sites.iter().map(|s| s.action).collect();
    actions.sort();
    actions.dedup();
    let mut families: Vec<&str> = d.assignments.iter().map(|a| a.family.as_str()).collect();
    families.sort();
    families.dedup();
    let mut o = format!("<h3>{}</h3>\n<ul class=\"legend\">\n", lang.label("图例", "Legend"));
    let item = |o: &mut String, glyph: String, text: &str| {
        let _ =
            writeln!(o, "<li><svg width=\"22\" height=\"20\" viewBox=\"0 0 22 20\">{glyph}</svg>{}</li>", esc(text));
    };
    for k in &kinds {
        let (zh, en) = facility(k);
        item(&mut o, symbol(k, Action::Keep, 11.0, 10.0, SYMBOL, ""), &lang.inline(zh, en));
    }
    for a in &actions {
        let (zh, en) = action(*a);
        item(&mut o, symbol("elderly_centre", *a, 11.0, 10.0, SYMBOL, ""), &lang.inline(zh, en));
    }
    item(
        &mut o,
        "<circle cx=\"11\" cy=\"10\" r=\"8\" fill=\"#9ecae1\" fill-opacity=\"0.55\" stroke=\"#4a87b5\"/>".into(),
        &lang.inline("镇街（面积∝60岁及以上人口）", "town (area ∝ aged 60+)"),
    );
    for f in &families {
        let (zh, en) = family(f);
        item(
            &mut o,
            format!("<line x1=\"2\" y1=\"10\" x2=\"20\" y2=\"10\" stroke=\"{}\" stroke-width=\"2.5\" stroke-opacity=\"0.7\"/>", family_colour(f)),
            &lang.inline(&format!("服务分配：{zh}"), &format!("assignment: {en}")),
        );
    }
    item(
        &mut o,
        "<circle cx=\"11\" cy=\"10\" r=\"8\" fill=\"none\" stroke=\"#3d6fa8\" stroke-dasharray=\"3 3\"/>".into(),
        &lang.inline("服务半径（按出行时间折算）", "service radius (travel time → km)"),
    );
    if d.stability.is_some() {
        item(
            &mut o,
            "<circle cx=\"11\" cy=\"10\" r=\"8\" fill=\"none\" stroke=\"#111\" stroke-width=\"2.4\" stroke-opacity=\"0.6\"/>".into(),
            &lang.inline("环越深＝模拟中建设该处的比例越高", "darker ring = more draws build the site"),
        );
    }
    o.push_str("</ul>\n");
    let radius: Vec<String> = d
        .radius_min
        .iter()
        .filter(|(k, _)| kinds.contains(&k.as_str()))
        .map(|(k, m)| {
            let (zh, en) = facility(k);
            format!("{} {} min → {} km", lang.t(zh, en), num(*m, 0), num(d.travel.radius_km(*m), 1))
        })
        .collect();
    if !radius.is_empty() {
        let t = d.travel;
        let _ = writeln!(
            o,
            "<p class=\"muted\">{}: {}. {}</p>",
            esc(lang.t("服务半径", "Service radius")),
            esc(&radius.join("; ")),
            esc(&match lang {
                Lang::Zh => format!(
                    "折算：(分钟 − 镇内 {} 分钟) ÷ 60 × 车速 {} 公里/时 ÷ 绕行系数 {}。",
                    num(t.intra_town_min, 0),
                    num(t.speed_kmh, 0),
                    t.detour_factor
                ),
                Lang::En => format!(
                    "km = (minutes − {} intra-town) ÷ 60 × {} km/h ÷ detour {}.",
                    num(t.intra_town_min, 0),
                    num(t.speed_kmh, 0),
                    t.detour_factor
                ),
            })
        );
    }
    o
}
