//! Optimisation models: the classic facility-location models of the
//! literature ([`classic`], `civplan locate`) and the norm-driven planning
//! model of the county plans (`civplan plan`).

pub mod blocks;
pub mod capacity;
pub mod classic;
pub mod compliance;
pub mod plan;
pub mod solver;
pub mod travel;
