//! `sites.geojson`: the plan for a GIS (QGIS opens it as three layers by
//! geometry). Sites and towns are points at the town seat (the plan places a
//! site in a town, not at an address), assignments are lines town → site; all
//! in WGS-84 longitude/latitude as RFC 7946 requires. A site or town without
//! coordinates is kept with a null geometry, so every row of sites.csv is
//! there with all its columns.

use super::county::{load::SITE_NUMBERS, ReportData};
use geojson::{Feature, FeatureCollection, Geometry, JsonObject, JsonValue};
use std::collections::HashMap;

/// What marks a GeoJSON file as civplan's own.
pub const GENERATOR_KEY: &str = "generator";

/// The `layer` property of each kind of feature.
pub const LAYERS: [&str; 3] = ["site", "town", "assignment"];

fn feature(geometry: Option<Geometry>, properties: JsonObject) -> Feature {
    Feature { bbox: None, geometry, id: None, properties: Some(properties), foreign_members: None }
}

fn number(v: f64) -> JsonValue {
    serde_json::Number::from_f64(v).map(JsonValue::Number).unwrap_or(JsonValue::Null)
}

/// A sites.csv cell as JSON: numbers for the capacity columns, text otherwise
/// (town codes are 12-digit identifiers, not quantities).
fn cell(column: &str, value: &str) -> JsonValue {
    if value.is_empty() {
        return JsonValue::Null;
    }
    match value.parse::<f64>() {
        Ok(v) if SITE_NUMBERS.contains(&column) && v.is_finite() => number(v),
        _ => JsonValue::String(value.to_string()),
    }
}

pub fn render(d: &ReportData, version: &str) -> String {
    let seat: HashMap<&str, (f64, f64)> =
        d.towns.iter().filter_map(|t| Some((t.code.as_str(), (t.lon?, t.lat?)))).collect();
    let point = |code: &str| seat.get(code).map(|&(lon, lat)| Geometry::new_point([lon, lat]));
    let mut features = Vec::new();
    for s in &d.sites {
        let mut p = JsonObject::new();
        p.insert("layer".into(), "site".into());
        for (k, v) in &s.properties {
            p.insert(k.clone(), cell(k, v));
        }
        p.insert("action_key".into(), s.action.key().into());
        if let Some(share) = d.stability.as_ref().and_then(|st| st.share(&s.id)) {
            p.insert("stability_share".into(), number(share));
        }
        features.push(feature(point(&s.town_code), p));
    }
    for t in &d.towns {
        let mut p = JsonObject::new();
        p.insert("layer".into(), "town".into());
        p.insert("code".into(), t.code.clone().into());
        p.insert("name".into(), t.name.clone().into());
        p.insert("kind".into(), t.kind.clone().into());
        p.insert("residents_2020".into(), number(t.residents_2020));
        p.insert("residents_derived".into(), t.residents_derived.into());
        for (k, v) in [("aged60", t.aged60), ("aged80", t.aged80), ("disabled_elderly", t.disabled)] {
            p.insert(k.into(), v.map(number).unwrap_or(JsonValue::Null));
        }
        p.insert("existing_beds".into(), number(t.existing_beds));
        p.insert("planned_beds".into(), number(t.planned_beds));
        p.insert("planned_places".into(), number(t.planned_places));
        features.push(feature(point(&t.code), p));
    }
    let site_town: HashMap<&str, &str> = d.sites.iter().map(|s| (s.id.as_str(), s.town_code.as_str())).collect();
    for a in &d.assignments {
        let from = seat.get(a.town_code.as_str());
        let to = site_town.get(a.site_id.as_str()).and_then(|c| seat.get(c));
        let (Some(&(x0, y0)), Some(&(x1, y1))) = (from, to) else { continue };
        let mut p = JsonObject::new();
        p.insert("layer".into(), "assignment".into());
        for (k, v) in [
            ("period", &a.period),
            ("family", &a.family),
            ("town_code", &a.town_code),
            ("town_name", &a.town_name),
            ("site_id", &a.site_id),
        ] {
            p.insert(k.into(), v.clone().into());
        }
        p.insert("amount".into(), number(a.amount));
        p.insert("minutes".into(), a.minutes.map(number).unwrap_or(JsonValue::Null));
        features.push(feature(Some(Geometry::new_line_string([[x0, y0], [x1, y1]])), p));
    }
    let mut meta = JsonObject::new();
    meta.insert(GENERATOR_KEY.into(), format!("civplan {version}").into());
    meta.insert("name".into(), format!("{} {}", d.county.name, d.county.pinyin).into());
    let fc = FeatureCollection { bbox: None, features, foreign_members: Some(meta) };
    let mut text = serde_json::to_string(&fc).unwrap_or_default();
    text.push('\n');
    text
}
