//! Errors of the classic models. Each variant says what a user must fix, and
//! [`LocateError::kind`] separates bad input from a genuinely infeasible
//! instance, so the command line can map them to distinct exit codes.

use crate::diag::Problem;
use crate::limits::work::LimitError;
use thiserror::Error;

/// Broad class of a [`LocateError`], for exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input or the parameters are wrong.
    Input,
    /// The input is well formed but no solution satisfies it.
    Infeasible,
    /// I/O or solver failure.
    Failure,
}

/// Everything that can go wrong when reading an instance or solving a model.
#[derive(Debug, Error)]
pub enum LocateError {
    /// Something in an input file is wrong: the file, line, column, value
    /// and what was expected, as for a scenario (boxed: the largest variant).
    #[error("{0}")]
    Input(Box<Problem>),
    /// The instance would not fit in memory.
    #[error("{0}")]
    Limit(Box<LimitError>),
    /// An in-memory instance is inconsistent (wrong matrix size, duplicate id, ...).
    #[error("invalid instance: {0}")]
    Instance(String),
    /// A model parameter is missing or out of range.
    #[error("invalid parameter {param}: {message}")]
    Param { param: String, message: String },
    /// No solution satisfies the instance; the message says why, as precisely as known.
    #[error("infeasible: {0}")]
    Infeasible(String),
    /// HiGHS failed or stopped without a feasible solution.
    #[error("solver failure: {0}")]
    Solver(String),
}

impl LocateError {
    /// Input, infeasible or failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            LocateError::Input(_) | LocateError::Limit(_) | LocateError::Instance(_) | LocateError::Param { .. } => {
                ErrorKind::Input
            }
            LocateError::Infeasible(_) => ErrorKind::Infeasible,
            LocateError::Solver(_) => ErrorKind::Failure,
        }
    }

    pub(crate) fn param(param: &str, message: impl Into<String>) -> Self {
        LocateError::Param { param: param.to_string(), message: message.into() }
    }
}
