//! Problems found in a scenario: each names the file, the line (and column),
//! the key or CSV column, the value and what was expected. All problems are
//! collected and reported together.

use std::path::PathBuf;

pub use crate::diag::{line_col, Problem};

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario folder or its scenario.toml does not exist.
    #[error("scenario not found: {path} ({reason})")]
    NotFound { path: PathBuf, reason: String },
    /// One or more problems in the files.
    #[error("{} problem{} in scenario {}", problems.len(), if problems.len() == 1 { "" } else { "s" }, dir.display())]
    Invalid { dir: PathBuf, problems: Vec<Problem> },
}

impl ScenarioError {
    /// The problems, if any (empty for NotFound).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid { problems, .. } => problems,
            ScenarioError::NotFound { .. } => &[],
        }
    }

    /// Render for a terminal: one block per problem with its source excerpt,
    /// then a one-line summary. `fancy` draws colours.
    pub fn render(&self, fancy: bool) -> String {
        match self {
            ScenarioError::NotFound { .. } => format!("error: {self}\n"),
            ScenarioError::Invalid { problems, .. } => {
                format!("{}error: {self}\n", crate::diag::render(problems, fancy))
            }
        }
    }
}
