//! Pieces every scenario subcommand shares: loading with readable errors,
//! the default output folder, the thread pool.

use super::exit;
use crate::scenario::{self, Scenario};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Load a scenario or print every problem (with source excerpts) to stderr.
pub fn load(path: &Path) -> Result<Scenario, ExitCode> {
    scenario::load(path).map_err(|e| {
        eprint!("{}", e.render(std::io::stderr().is_terminal()));
        ExitCode::from(exit::INPUT)
    })
}

/// `results/<pinyin>/` unless the user says otherwise.
pub fn out_dir(s: &Scenario, out: Option<PathBuf>) -> PathBuf {
    out.unwrap_or_else(|| PathBuf::from("results").join(s.config.meta.name_pinyin.to_lowercase()))
}

/// Run `f` on a rayon pool of `threads` threads (0 = one per core). Results
/// do not depend on the count; only speed does.
pub fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> Result<T, ExitCode> {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().map(|pool| pool.install(f)).map_err(|e| {
        eprintln!("error: cannot start {threads} worker threads: {e}");
        ExitCode::from(exit::FAILURE)
    })
}

/// Progress bars only for a person watching a terminal.
pub fn show_progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}
