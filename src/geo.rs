//! Distances and travel times between points.

/// Mean Earth radius in km (IUGG), the usual constant for haversine distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km between two WGS84 points given in degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// Euclidean distance for projected (x, y) coordinates.
pub fn euclidean(x1: f64, y1: f64, x2: f64, y2: f64) -> f64 {
    ((x1 - x2).powi(2) + (y1 - y2).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        // 2πR/360 = 111.195 km for R = 6371.0088 km.
        let d = haversine_km(30.0, 105.0, 31.0, 105.0);
        assert!((d - 111.1951).abs() < 1e-3, "{d}");
    }

    #[test]
    fn zero_distance_and_symmetry() {
        assert_eq!(haversine_km(29.5, 106.5, 29.5, 106.5), 0.0);
        let a = haversine_km(29.5, 106.5, 30.2, 105.8);
        let b = haversine_km(30.2, 105.8, 29.5, 106.5);
        assert!((a - b).abs() < 1e-12);
    }

    #[test]
    fn euclid_345() {
        assert_eq!(euclidean(0.0, 0.0, 3.0, 4.0), 5.0);
    }
}
