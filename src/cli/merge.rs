//! `civplan merge`: the shards of one batch combined into one comparison.

use super::exit;
use crate::batch::merge::merge;
use crate::batch::run::BatchError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
#[command(
    about = "Combine the shards of one batch into one comparison.csv and comparison.html",
    long_about = "Read the folders written by `civplan batch --shard K/N` (or --shard-from-env) and \
write one comparison.csv, comparison.html and batch.json into --out: the same bytes as the batch \
run unsharded. Refused (exit 2) when the folders are shards of different batch definitions \
(their batch hashes differ), when a shard is missing, given twice or did not finish.\n\n\
The run folders stay where the shards wrote them; comparison.csv's `folder` column is relative \
to the shard folder that ran each run.",
    after_help = "Example:\n  civplan merge results/batch-policy/shard-* --out results/batch-policy"
)]
pub struct MergeArgs {
    /// The shards' output folders.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Where the merged comparison goes.
    #[arg(long)]
    pub out: PathBuf,
    /// No summary.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: MergeArgs) -> ExitCode {
    match merge(&args.shards, &args.out) {
        Ok(m) => {
            if !args.quiet {
                let statuses: Vec<String> =
                    m.manifest.exit_statuses.iter().map(|(k, v)| format!("{v} × exit {k}")).collect();
                println!("merged {} shard folder(s), {} runs ({})", args.shards.len(), m.rows, statuses.join(", "));
                eprintln!("→ {}", args.out.join("comparison.csv").display());
            }
            ExitCode::from(exit::OK)
        }
        Err(BatchError::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(exit::INPUT)
        }
        Err(BatchError::Io(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(exit::FAILURE)
        }
    }
}
