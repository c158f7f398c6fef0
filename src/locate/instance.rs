//! The in-memory instance every model reads: demand points, candidate sites
//! and a dense demand × site cost matrix. Built from CSV files by
//! [`super::input`], or directly by other modules (the planning model,
//! benchmarks) without touching the file system.

use super::error::LocateError;
use crate::geo::{euclidean, haversine_km};
use serde::Serialize;
use std::collections::HashMap;

/// A point's coordinates: geographic (haversine km) or projected (Euclidean).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Coord {
    /// WGS84 degrees.
    LatLon { lat: f64, lon: f64 },
    /// Projected coordinates, any unit.
    Xy { x: f64, y: f64 },
}

impl Coord {
    /// Distance between two points of the same kind (haversine km or
    /// Euclidean); `None` when one is geographic and the other projected.
    pub fn distance(&self, other: &Coord) -> Option<f64> {
        match (self, other) {
            (Coord::LatLon { lat, lon }, Coord::LatLon { lat: a, lon: b }) => Some(haversine_km(*lat, *lon, *a, *b)),
            (Coord::Xy { x, y }, Coord::Xy { x: a, y: b }) => Some(euclidean(*x, *y, *a, *b)),
            _ => None,
        }
    }
}

/// A demand point.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPoint {
    pub id: String,
    /// Demand weight (population, clients, ...); non-negative.
    pub weight: f64,
    pub coord: Option<Coord>,
}

impl DemandPoint {
    pub fn new(id: impl Into<String>, weight: f64) -> Self {
        Self { id: id.into(), weight, coord: None }
    }

    pub fn at(mut self, coord: Coord) -> Self {
        self.coord = Some(coord);
        self
    }
}

/// A candidate site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    pub coord: Option<Coord>,
    /// Largest demand weight the site can serve; `None` = unlimited.
    pub capacity: Option<f64>,
    /// Cost of opening the site (CFLP); 0 when not given.
    pub fixed_cost: f64,
    /// Pre-selected: the site is open in every solution.
    pub fixed: bool,
}

impl Site {
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), coord: None, capacity: None, fixed_cost: 0.0, fixed: false }
    }

    pub fn at(mut self, coord: Coord) -> Self {
        self.coord = Some(coord);
        self
    }

    pub fn capacity(mut self, capacity: f64) -> Self {
        self.capacity = Some(capacity);
        self
    }

    pub fn fixed_cost(mut self, cost: f64) -> Self {
        self.fixed_cost = cost;
        self
    }

    pub fn fixed(mut self, fixed: bool) -> Self {
        self.fixed = fixed;
        self
    }
}

/// A validated instance. Costs are row-major (`demand × site`);
/// `f64::INFINITY` marks a pair that may never be assigned.
#[derive(Debug, Clone)]
pub struct Instance {
    demand: Vec<DemandPoint>,
    sites: Vec<Site>,
    cost: Vec<f64>,
    site_dist: Option<Vec<f64>>,
}

impl Instance {
    /// Build from a dense cost matrix `cost[i][j]` (demand `i`, site `j`).
    /// Checks sizes, ids, weights, costs and capacities.
    pub fn new(demand: Vec<DemandPoint>, sites: Vec<Site>, cost: Vec<Vec<f64>>) -> Result<Self, LocateError> {
        if cost.len() != demand.len() {
            return Err(LocateError::Instance(format!(
                "cost matrix has {} rows for {} demand points",
                cost.len(),
                demand.len()
            )));
        }
        let mut flat = Vec::with_capacity(demand.len() * sites.len());
        for (i, row) in cost.iter().enumerate() {
            if row.len() != sites.len() {
                return Err(LocateError::Instance(format!(
                    "cost row {i} (demand `{}`) has {} entries for {} sites",
                    demand[i].id,
                    row.len(),
                    sites.len()
                )));
            }
            flat.extend_from_slice(row);
        }
        Self::from_flat(demand, sites, flat)
    }

    /// Build from a row-major cost vector of length `demand.len() * sites.len()`.
    pub fn from_flat(demand: Vec<DemandPoint>, sites: Vec<Site>, cost: Vec<f64>) -> Result<Self, LocateError> {
        if cost.len() != demand.len() * sites.len() {
            return Err(LocateError::Instance(format!(
                "cost matrix has {} entries for {} demand points × {} sites",
                cost.len(),
                demand.len(),
                sites.len()
            )));
        }
        let mut inst = Self { demand, sites, cost, site_dist: None };
        inst.validate()?;
        inst.site_dist = inst.site_distances();
        Ok(inst)
    }

    /// Build from coordinates: haversine km for lat/lon, Euclidean for x/y.
    /// Every point needs coordinates of the same kind.
    pub fn from_coords(demand: Vec<DemandPoint>, sites: Vec<Site>) -> Result<Self, LocateError> {
        let mut cost = Vec::with_capacity(demand.len() * sites.len());
        for d in &demand {
            let a =
                d.coord.ok_or_else(|| LocateError::Instance(format!("demand point `{}` has no coordinates", d.id)))?;
            for s in &sites {
                let b = s.coord.ok_or_else(|| LocateError::Instance(format!("site `{}` has no coordinates", s.id)))?;
                cost.push(a.distance(&b).ok_or_else(|| {
                    LocateError::Instance(format!(
                        "demand point `{}` and site `{}` mix lat/lon and x/y coordinates",
                        d.id, s.id
                    ))
                })?);
            }
        }
        Self::from_flat(demand, sites, cost)
    }

    fn validate(&self) -> Result<(), LocateError> {
        let mut seen = HashMap::new();
        for d in &self.demand {
            if seen.insert(d.id.as_str(), ()).is_some() {
                return Err(LocateError::Instance(format!("duplicate demand id `{}`", d.id)));
            }
            if !(d.weight.is_finite() && d.weight >= 0.0) {
                return Err(LocateError::Instance(format!(
                    "demand `{}` has weight {}, expected a finite non-negative number",
                    d.id, d.weight
                )));
            }
        }
        let mut seen = HashMap::new();
        for s in &self.sites {
            if seen.insert(s.id.as_str(), ()).is_some() {
                return Err(LocateError::Instance(format!("duplicate site id `{}`", s.id)));
            }
            if let Some(c) = s.capacity {
                if !(c.is_finite() && c >= 0.0) {
                    return Err(LocateError::Instance(format!(
                        "site `{}` has capacity {c}, expected a finite non-negative number",
                        s.id
                    )));
                }
            }
            if !(s.fixed_cost.is_finite() && s.fixed_cost >= 0.0) {
                return Err(LocateError::Instance(format!(
                    "site `{}` has fixed cost {}, expected a finite non-negative number",
                    s.id, s.fixed_cost
                )));
            }
        }
        for (k, c) in self.cost.iter().enumerate() {
            if c.is_nan() || *c < 0.0 {
                let (i, j) = (k / self.sites.len(), k % self.sites.len());
                return Err(LocateError::Instance(format!(
                    "cost from `{}` to `{}` is {c}, expected a non-negative number (or infinity for no link)",
                    self.demand[i].id, self.sites[j].id
                )));
            }
        }
        Ok(())
    }

    /// Site-to-site distances from coordinates, when every site has them.
    fn site_distances(&self) -> Option<Vec<f64>> {
        let coords: Vec<Coord> = self.sites.iter().map(|s| s.coord).collect::<Option<_>>()?;
        let m = coords.len();
        let mut d = vec![0.0; m * m];
        for a in 0..m {
            for b in 0..m {
                d[a * m + b] = coords[a].distance(&coords[b])?;
            }
        }
        Some(d)
    }

    /// Replace the site-to-site distances (p-dispersion), row-major `m × m`.
    pub fn with_site_distances(mut self, dist: Vec<f64>) -> Result<Self, LocateError> {
        let m = self.sites.len();
        if dist.len() != m * m || dist.iter().any(|d| d.is_nan() || *d < 0.0) {
            return Err(LocateError::Instance(format!("site distance matrix must have {m}×{m} non-negative entries")));
        }
        self.site_dist = Some(dist);
        Ok(self)
    }

    /// Mark sites as pre-selected by id.
    pub fn fix_sites<S: AsRef<str>>(&mut self, ids: &[S]) -> Result<(), LocateError> {
        for id in ids {
            let id = id.as_ref();
            let site = self
                .sites
                .iter_mut()
                .find(|s| s.id == id)
                .ok_or_else(|| LocateError::param("--fixed", format!("unknown site id `{id}`")))?;
            site.fixed = true;
        }
        Ok(())
    }

    pub fn demand(&self) -> &[DemandPoint] {
        &self.demand
    }

    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    pub fn n_demand(&self) -> usize {
        self.demand.len()
    }

    pub fn n_sites(&self) -> usize {
        self.sites.len()
    }

    /// Cost of serving demand `i` from site `j` (infinite = not allowed).
    #[inline]
    pub fn cost(&self, i: usize, j: usize) -> f64 {
        self.cost[i * self.sites.len() + j]
    }

    /// Row `i` of the cost matrix.
    #[inline]
    pub fn cost_row(&self, i: usize) -> &[f64] {
        let m = self.sites.len();
        &self.cost[i * m..(i + 1) * m]
    }

    /// Distance between sites `a` and `b`, when known.
    pub fn site_distance(&self, a: usize, b: usize) -> Option<f64> {
        self.site_dist.as_ref().map(|d| d[a * self.sites.len() + b])
    }

    pub fn has_site_distances(&self) -> bool {
        self.site_dist.is_some()
    }

    /// True when at least one site has a capacity: the capacitated variants apply.
    pub fn is_capacitated(&self) -> bool {
        self.sites.iter().any(|s| s.capacity.is_some())
    }

    pub fn total_weight(&self) -> f64 {
        self.demand.iter().map(|d| d.weight).sum()
    }

    /// Indices of the pre-selected sites.
    pub fn fixed_sites(&self) -> Vec<usize> {
        (0..self.sites.len()).filter(|&j| self.sites[j].fixed).collect()
    }
}
