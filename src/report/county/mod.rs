//! The county report: a results folder read into a view model
//! ([`ReportData`], [`load()`]) and written as `report.html`, `sites.geojson`
//! and `plan.xlsx` beside it. Each file is written to a hidden temporary
//! sibling and renamed into place, and only ever replaces a file that civplan
//! itself wrote.

mod data;
pub mod load;
pub mod table;
pub mod utm;

pub use data::*;
pub use load::{load, LoadError, FAN_METRICS};

use super::html::{self, Lang};
use super::{geojson, xlsx};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Where the report's files went.
#[derive(Debug, Clone)]
pub struct Written {
    pub html: PathBuf,
    pub geojson: PathBuf,
    pub xlsx: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(
        "{0}: exists and was not written by civplan; refusing to replace it (move it away or choose another --out)"
    )]
    NotOurs(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot build plan.xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Read the results folder `dir` and write its report. The page goes to
/// `out` (default `dir/report.html`); `sites.geojson` and `plan.xlsx` go into
/// the page's folder. Nothing is written unless all three targets may be.
pub fn write(dir: &Path, lang: Lang, out: Option<&Path>) -> Result<Written, ReportError> {
    let d = load(dir)?;
    let html_path = out.map(Path::to_path_buf).unwrap_or_else(|| dir.join("report.html"));
    let folder = match html_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let written = Written { geojson: folder.join("sites.geojson"), xlsx: folder.join("plan.xlsx"), html: html_path };
    let is_ours: [fn(&Path) -> bool; 3] = [html_is_ours, geojson_is_ours, xlsx_is_ours];
    for (path, ours) in [&written.html, &written.geojson, &written.xlsx].into_iter().zip(is_ours) {
        if path.exists() && !ours(path) {
            return Err(ReportError::NotOurs(path.to_path_buf()));
        }
    }
    let version = env!("CARGO_PKG_VERSION");
    let workbook = xlsx::render(&d, version)?;
    std::fs::create_dir_all(&folder).map_err(|source| ReportError::Io { path: folder.clone(), source })?;
    replace(&written.html, html::render(&d, lang).as_bytes())?;
    replace(&written.geojson, geojson::render(&d, version).as_bytes())?;
    replace(&written.xlsx, &workbook)?;
    Ok(written)
}

/// Replace one report file atomically ([`super::atomic::write_file`]).
fn replace(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    super::atomic::write_file(path, bytes).map_err(|source| ReportError::Io { path: path.to_path_buf(), source })
}

/// The start of a file (enough to hold a header or marker).
fn head(path: &Path, bytes: usize) -> Option<String> {
    let mut buf = Vec::new();
    std::fs::File::open(path).ok()?.take(bytes as u64).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn html_is_ours(path: &Path) -> bool {
    path.is_file()
        && head(path, 4096)
            .is_some_and(|h| h.contains(&format!("<meta name=\"generator\" content=\"{}", html::GENERATOR)))
}

fn geojson_is_ours(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else { return false };
    serde_json::from_str::<serde_json::Value>(&text).ok().is_some_and(|v| {
        v.get(geojson::GENERATOR_KEY).and_then(|g| g.as_str()).is_some_and(|g| g.starts_with("civplan"))
    })
}

/// A workbook is civplan's when its custom document properties say so.
fn xlsx_is_ours(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return false };
    let Ok(mut zip) = zip::ZipArchive::new(file) else { return false };
    let Ok(mut custom) = zip.by_name("docProps/custom.xml") else { return false };
    let mut text = String::new();
    custom.read_to_string(&mut text).is_ok()
        && text.contains(&format!("name=\"{}\"", xlsx::GENERATOR_PROPERTY))
        && text.contains("civplan")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travel_minutes_become_a_radius_with_the_scenario_model() {
        // (15 − 10) / 60 × 40 / 1.4 = 2.381 km; below the intra-town time, none.
        let t = TravelModel { detour_factor: 1.4, speed_kmh: 40.0, intra_town_min: 10.0 };
        assert!((t.radius_km(15.0) - 2.380_952).abs() < 1e-6);
        assert_eq!(t.radius_km(5.0), 0.0);
    }

    #[test]
    fn a_file_civplan_did_not_write_is_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("report.html");
        std::fs::write(&p, "<!DOCTYPE html><p>the county's own page</p>").unwrap();
        assert!(!html_is_ours(&p));
        std::fs::write(&p, "<!DOCTYPE html><meta name=\"generator\" content=\"civplan 0.1.0\">").unwrap();
        assert!(html_is_ours(&p));
        let g = tmp.path().join("sites.geojson");
        std::fs::write(&g, "{\"type\":\"FeatureCollection\",\"features\":[]}").unwrap();
        assert!(!geojson_is_ours(&g));
        let x = tmp.path().join("plan.xlsx");
        std::fs::write(&x, "not a zip").unwrap();
        assert!(!xlsx_is_ours(&x));
    }
}
