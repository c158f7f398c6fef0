//! Optimisation models: the classic facility-location models of the
//! literature ([`classic`], `civplan locate`) and the norm-driven planning
//! model of the county plans (`civplan plan`).

pub mod classic;
pub mod solver;
