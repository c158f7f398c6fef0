//! `civplan report`: the county report of a results folder.

use super::exit;
use crate::report::county::{self, ReportError};
use crate::report::html::Lang;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    about = "Write the county report (report.html, sites.geojson, plan.xlsx) of a results folder",
    long_about = "Read a results folder written by `civplan simulate` and `civplan plan` and write, beside \
its tables: report.html — one self-contained page (inline SVG and CSS, nothing fetched; prints on A4) \
with the county at a glance, the plan map (规划布局图), population pyramids, fan charts, the 分镇街 \
table, the 建设项目表, compliance with each norm's source line, unmet demand, stability, back-test, \
the scenario's assumptions and what reproduces the run; sites.geojson (sites, towns and assignments, \
WGS-84, for QGIS); plan.xlsx (projects, towns, norms and unmet demand as sheets with Chinese headers).\n\n\
Each file is written to a temporary sibling and renamed into place; an existing file that civplan \
did not write is never replaced.\n\n\
Exit codes: 0 written, 1 failure (I/O), 2 bad input (not a results folder, unreadable table, a \
foreign file in the way).",
    after_help = "Examples:\n  civplan report results/tongliang\n  civplan report results/anyue --lang en --out /tmp/anyue/report.html"
)]
pub struct ReportArgs {
    /// Results folder (written by `civplan simulate` and `civplan plan`).
    pub results: PathBuf,
    /// Language of the page: Chinese with English sub-labels, or English.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Where to write the page (default: <results>/report.html); sites.geojson and plan.xlsx go beside it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: ReportArgs) -> ExitCode {
    match write(&args.results, args.lang, args.out.as_deref(), args.quiet) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(code) => ExitCode::from(code),
    }
}

/// Write the report and say where it went, or print why not and return the
/// exit code; shared with `plan --report`.
pub fn write(results: &Path, lang: Lang, out: Option<&Path>, quiet: bool) -> Result<(), u8> {
    match county::write(results, lang, out) {
        Ok(w) => {
            if !quiet {
                eprintln!("→ {}\n→ {}\n→ {}", w.html.display(), w.geojson.display(), w.xlsx.display());
            }
            Ok(())
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(match e {
                ReportError::Io { .. } | ReportError::Xlsx(_) => exit::FAILURE,
                ReportError::Load(_) | ReportError::NotOurs(_) => exit::INPUT,
            })
        }
    }
}
