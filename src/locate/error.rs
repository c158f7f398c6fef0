//! Errors of the classic models. Each variant says what a user must fix, and
//! [`LocateError::kind`] separates bad input from a genuinely infeasible
//! instance, so the command line can map them to distinct exit codes.

use std::path::PathBuf;
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

/// A wrong CSV cell: names the file, the 1-based line, the column, the value
/// found and what was expected.
#[derive(Debug, Error)]
#[error("{}: line {line}, column `{column}`: {problem}: found `{value}`, expected {expected}", file.display())]
pub struct CellError {
    pub file: PathBuf,
    pub line: u64,
    pub column: String,
    pub value: String,
    pub problem: String,
    pub expected: String,
}

/// Everything that can go wrong when reading an instance or solving a model.
#[derive(Debug, Error)]
pub enum LocateError {
    /// A cell of a CSV file is wrong (boxed: it is the largest variant).
    #[error("{0}")]
    Cell(Box<CellError>),
    /// A CSV file as a whole is wrong (missing column, unreadable row, missing pair).
    #[error("{}{}: {message}", file.display(), line.map(|l| format!(": line {l}")).unwrap_or_default())]
    File { file: PathBuf, line: Option<u64>, message: String },
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
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
            LocateError::Cell(_) | LocateError::File { .. } | LocateError::Instance(_) | LocateError::Param { .. } => {
                ErrorKind::Input
            }
            LocateError::Io { .. } => ErrorKind::Input,
            LocateError::Infeasible(_) => ErrorKind::Infeasible,
            LocateError::Solver(_) => ErrorKind::Failure,
        }
    }

    pub(crate) fn param(param: &str, message: impl Into<String>) -> Self {
        LocateError::Param { param: param.to_string(), message: message.into() }
    }
}
