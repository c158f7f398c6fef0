//! WGS-84 → UTM (transverse Mercator), so the map is drawn in metres with one
//! scale in both directions rather than in raw degrees (a degree of longitude
//! is 13 % shorter than one of latitude at 30° N). The five bundled counties
//! lie at 104.9–107.6° E, in UTM zone 48N (EPSG:32648, central meridian 105° E).
//!
//! Krüger's series in the third flattening n to third order (Karney 2011,
//! eq. 35; the form given for UTM by the US NGA): sub-millimetre within a zone.

/// WGS-84 semi-major axis (m) and flattening.
const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;
/// UTM scale on the central meridian, false easting, false northing (north).
const K0: f64 = 0.9996;
const FALSE_EASTING: f64 = 500_000.0;

/// The zone whose central meridian is nearest `lon` (zone 48: 102–108° E).
pub fn zone_of(lon: f64) -> u32 {
    (((lon + 180.0) / 6.0).floor() as i64).clamp(0, 59) as u32 + 1
}

pub fn central_meridian(zone: u32) -> f64 {
    zone as f64 * 6.0 - 183.0
}

/// Easting and northing (m) of a point (degrees) in a northern-hemisphere UTM zone.
pub fn project(lat: f64, lon: f64, zone: u32) -> (f64, f64) {
    let n = F / (2.0 - F);
    let big_a = A / (1.0 + n) * (1.0 + n * n / 4.0 + n.powi(4) / 64.0);
    let alpha = [
        n / 2.0 - 2.0 * n * n / 3.0 + 5.0 * n.powi(3) / 16.0,
        13.0 * n * n / 48.0 - 3.0 * n.powi(3) / 5.0,
        61.0 * n.powi(3) / 240.0,
    ];
    // First eccentricity: 2√n / (1 + n).
    let e = 2.0 * n.sqrt() / (1.0 + n);
    let phi = lat.to_radians();
    let dl = (lon - central_meridian(zone)).to_radians();
    let t = (phi.sin().atanh() - e * (e * phi.sin()).atanh()).sinh();
    let xi = t.atan2(dl.cos());
    let eta = (dl.sin() / (1.0 + t * t).sqrt()).atanh();
    let (mut east, mut north) = (eta, xi);
    for (j, a) in alpha.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        east += a * (k * xi).cos() * (k * eta).sinh();
        north += a * (k * xi).sin() * (k * eta).cosh();
    }
    (FALSE_EASTING + K0 * big_a * east, K0 * big_a * north)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values from PROJ, computed independently of this code:
    /// `pip install pyproj` (3.7), then
    /// `Transformer.from_crs(4326, 32648, always_xy=True).transform(lon, lat)`:
    ///   (105.0, 30.0)        → 500000.0000, 3318785.3526
    ///   (106.0, 30.0)        → 596450.1526, 3319206.2228
    ///   (105.82991, 30.1782) → 579900.8972, 3338822.5285  (梓潼街道, 潼南)
    ///   (107.6, 29.5)        → 752056.3747, 3266200.7890  (the zone's far east)
    ///   (104.9, 30.1)        → 490364.9135, 3329870.4638  (west of the meridian)
    #[test]
    fn points_project_to_the_easting_and_northing_proj_gives_within_a_metre() {
        let cases = [
            (30.0, 105.0, 500000.0000, 3318785.3526),
            (30.0, 106.0, 596450.1526, 3319206.2228),
            (30.1782, 105.82991, 579900.8972, 3338822.5285),
            (29.5, 107.6, 752056.3747, 3266200.7890),
            (30.1, 104.9, 490364.9135, 3329870.4638),
        ];
        for (lat, lon, e, n) in cases {
            assert_eq!(zone_of(lon), 48);
            let (x, y) = project(lat, lon, 48);
            assert!((x - e).abs() < 1.0 && (y - n).abs() < 1.0, "({lat}, {lon}): {x:.4} {y:.4} vs {e} {n}");
            // Far tighter in fact; a looser bound would hide a wrong constant.
            assert!((x - e).abs() < 0.01 && (y - n).abs() < 0.01, "({lat}, {lon}): {x:.4} {y:.4}");
        }
    }

    #[test]
    fn zones_follow_the_six_degree_grid() {
        assert_eq!((zone_of(102.0), zone_of(107.99), zone_of(108.0)), (48, 48, 49));
        assert_eq!(central_meridian(48), 105.0);
    }
}
