//! `civplan merge`: the shards of one batch, run apart (a Slurm array, a
//! Kubernetes Indexed Job), combined into one comparison. Shards of
//! different batch definitions are refused by their batch hash; missing,
//! repeated or unfinished shards too, so a merged comparison is always the
//! whole batch, byte for byte what one unsharded run writes.

use super::comparison;
use super::run::{BatchError, BatchManifest};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What was merged.
#[derive(Debug)]
pub struct Merged {
    pub manifest: BatchManifest,
    pub rows: usize,
}

/// Merge the batch folders `shards` into `out`.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<Merged, BatchError> {
    let input = BatchError::Input;
    if shards.is_empty() {
        return Err(input("give the shards' folders to merge".into()));
    }
    let mut manifests = Vec::new();
    for dir in shards {
        let m = BatchManifest::read(dir)
            .map_err(input)?
            .ok_or_else(|| input(format!("{}: no batch.json: not a civplan batch folder", dir.display())))?;
        if !m.complete {
            return Err(input(format!(
                "{}: the batch did not finish there (batch.json says complete = false); run its shard again to resume it",
                dir.display()
            )));
        }
        manifests.push((dir, m));
    }
    let (first_dir, first) = &manifests[0];
    for (dir, m) in &manifests[1..] {
        if m.batch_hash != first.batch_hash {
            return Err(input(format!(
                "{} and {} are shards of different batches (batch hash {} ≠ {}: other scenarios, variations, draws, time limit or civplan version); merge only shards of one batch definition",
                first_dir.display(),
                dir.display(),
                &first.batch_hash[..12],
                &m.batch_hash[..12.min(m.batch_hash.len())]
            )));
        }
    }
    // Every run exactly once.
    let mut owner: BTreeMap<&str, &Path> = BTreeMap::new();
    for (dir, m) in &manifests {
        for id in &m.folder_runs {
            if let Some(other) = owner.insert(id, dir) {
                return Err(input(format!(
                    "run {id} is in both {} and {}: give each shard once",
                    other.display(),
                    dir.display()
                )));
            }
        }
    }
    let missing: Vec<&String> = first.runs.iter().filter(|id| !owner.contains_key(id.as_str())).collect();
    if !missing.is_empty() {
        let shards_missing: Vec<String> = match first.shard {
            Some(s) => (1..=s.n)
                .filter(|k| !manifests.iter().any(|(_, m)| m.shard.is_some_and(|x| x.k == *k)))
                .map(|k| format!("{k}/{}", s.n))
                .collect(),
            None => Vec::new(),
        };
        return Err(input(format!(
            "{} of {} runs are in none of the folders (shards missing: {}; first missing run: {})",
            missing.len(),
            first.runs.len(),
            if shards_missing.is_empty() { "?".into() } else { shards_missing.join(", ") },
            missing[0]
        )));
    }
    let mut rows: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (dir, m) in &manifests {
        let path = dir.join("comparison.csv");
        let (header, shard_rows) = comparison::read_csv(&path).map_err(input)?;
        if header != m.columns {
            return Err(input(format!("{}: its columns are not those batch.json records", path.display())));
        }
        for r in shard_rows {
            let id = r.get("run").cloned().unwrap_or_default();
            if !m.folder_runs.contains(&id) {
                return Err(input(format!("{}: run {id} is not one of this shard's runs", path.display())));
            }
            rows.insert(id, r);
        }
    }
    let ordered: Vec<&BTreeMap<String, String>> = first.runs.iter().filter_map(|id| rows.get(id)).collect();
    if ordered.len() != first.runs.len() {
        return Err(input("a shard's comparison.csv lacks some of its runs: run that shard again".into()));
    }
    if out.exists() {
        let ours = BatchManifest::read(out).ok().flatten().is_some_and(|m| m.shard.is_none());
        let empty = std::fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !ours && !empty {
            return Err(input(format!(
                "--out {}: exists and is not a merged or whole batch folder; nothing is written there",
                out.display()
            )));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| BatchError::Io(format!("{}: {e}", out.display())))?;
    let io = |e: std::io::Error| BatchError::Io(format!("{}: {e}", out.display()));
    comparison::write(out, &first.definition, &first.columns, &ordered).map_err(io)?;
    let mut manifest = first.clone();
    manifest.shard = None;
    manifest.merged = manifests.iter().filter_map(|(_, m)| m.shard).collect();
    manifest.merged.sort_by_key(|s| s.k);
    manifest.folder_runs = first.runs.clone();
    manifest.exit_statuses = BTreeMap::new();
    for r in &ordered {
        *manifest.exit_statuses.entry(r.get("exit_status").cloned().unwrap_or_default()).or_default() += 1;
    }
    manifest.write(out).map_err(io)?;
    Ok(Merged { rows: ordered.len(), manifest })
}
