//! Atomic output folders: a run writes into a hidden sibling folder and renames
//! it into place only when every file is written, so an interrupted or failed
//! run never leaves half a result behind.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A folder being written. Call [`OutputDir::commit`] to publish it; dropping it
/// without committing removes the partial output.
pub struct OutputDir {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
    discard: Vec<String>,
}

impl OutputDir {
    /// Start writing the folder `target`. Its parent is created if needed.
    pub fn create(target: &Path) -> io::Result<Self> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)?;
        }
        fs::create_dir_all(&staging)?;
        Ok(Self { staging, target: target.to_path_buf(), committed: false, discard: Vec::new() })
    }

    /// Path of a file inside the staging folder.
    pub fn path(&self, file: &str) -> PathBuf {
        self.staging.join(file)
    }

    /// Write a whole file into the staging folder.
    pub fn write(&self, file: &str, contents: impl AsRef<[u8]>) -> io::Result<()> {
        fs::write(self.path(file), contents)
    }

    /// When merging, do not carry this file of an earlier run over.
    pub fn discard_old(&mut self, file: &str) {
        self.discard.push(file.to_string());
    }

    /// Replace `target` by the staged folder. Files of an earlier run that this
    /// run did not write are kept only if `merge` is true (so `simulate` and
    /// `plan` can share one county folder without deleting each other's files).
    pub fn commit(mut self, merge: bool) -> io::Result<PathBuf> {
        if merge && self.target.is_dir() {
            for entry in fs::read_dir(&self.target)? {
                let entry = entry?;
                let dest = self.staging.join(entry.file_name());
                let name = entry.file_name().to_string_lossy().into_owned();
                if !dest.exists() && !self.discard.contains(&name) {
                    let from = entry.path();
                    if from.is_dir() {
                        copy_dir(&from, &dest)?;
                    } else {
                        fs::copy(&from, &dest)?;
                    }
                }
            }
        }
        let old = self.target.with_file_name(format!(
            ".{}.old-{}",
            self.target.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        if self.target.exists() {
            fs::rename(&self.target, &old)?;
        }
        fs::rename(&self.staging, &self.target)?;
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_output_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        {
            let out = OutputDir::create(&target).unwrap();
            out.write("a.csv", "x\n").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn commit_replaces_and_merge_keeps_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        let out = OutputDir::create(&target).unwrap();
        out.write("demand.csv", "1").unwrap();
        out.commit(false).unwrap();
        let out = OutputDir::create(&target).unwrap();
        out.write("plan.json", "{}").unwrap();
        out.commit(true).unwrap();
        assert_eq!(fs::read_to_string(target.join("demand.csv")).unwrap(), "1");
        assert_eq!(fs::read_to_string(target.join("plan.json")).unwrap(), "{}");
        let out = OutputDir::create(&target).unwrap();
        out.write("plan.json", "{2}").unwrap();
        out.commit(false).unwrap();
        assert!(!target.join("demand.csv").exists());
    }
}
