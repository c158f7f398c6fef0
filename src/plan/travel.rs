//! Travel times between towns, minutes: from a town's people to another
//! town's seat. Haversine distance × detour factor ÷ speed, plus the time to
//! reach one's own town seat; a travel-time matrix CSV overrides any pair.

use crate::geo::haversine_km;
use crate::scenario::Scenario;

/// Town-by-town travel minutes, row = origin (demand), column = destination (site).
#[derive(Debug, Clone, PartialEq)]
pub struct TravelTimes {
    pub n: usize,
    pub minutes: Vec<f64>,
}

impl TravelTimes {
    pub fn from_scenario(s: &Scenario) -> Self {
        let n = s.towns.len();
        let t = &s.config.travel;
        let mut minutes = vec![0.0; n * n];
        for (i, a) in s.towns.iter().enumerate() {
            for (j, b) in s.towns.iter().enumerate() {
                minutes[i * n + j] = match (a.lat.zip(a.lon), b.lat.zip(b.lon)) {
                    _ if i == j => t.intra_town_min,
                    (Some((la, oa)), Some((lb, ob))) => {
                        t.intra_town_min + haversine_km(la, oa, lb, ob) * t.detour_factor / t.speed_kmh * 60.0
                    }
                    // No public coordinate: never guess a distance.
                    _ => f64::INFINITY,
                };
            }
        }
        for r in &s.travel_matrix {
            if let (Some(i), Some(j)) = (s.town_index(&r.from_code), s.town_index(&r.to_code)) {
                minutes[i * n + j] = r.minutes;
            }
        }
        TravelTimes { n, minutes }
    }

    pub fn get(&self, from: usize, to: usize) -> f64 {
        self.minutes[from * self.n + to]
    }
}
