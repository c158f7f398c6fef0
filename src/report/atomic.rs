//! Output folders, written safely.
//!
//! * **Only civplan's own folders are replaced.** The target must be absent,
//!   an empty folder, or a folder civplan wrote: one holding the [`MARKER`]
//!   file (written last into every output folder), or — for folders written
//!   before the marker existed — a `simulate.json`, `plan.json` or `backtest.json` manifest
//!   whose `tool` is `"civplan"`. A file, a link or any other folder is
//!   refused ([`check_target`]; the commands check before any work starts).
//! * **Atomic.** A run writes into a hidden sibling `.NAME.partial-PID` and
//!   swaps it into place only when every file is written (one atomic
//!   `renameat2(RENAME_EXCHANGE)` on Linux), so an interrupted or failed run
//!   never leaves half a result, and a killed one leaves the previous result
//!   as it was.
//! * **Leftovers.** A run killed by SIGKILL may leave its `.NAME.partial-PID`
//!   sibling; the next run into the same folder removes those whose process
//!   is gone (and, where the swap is two renames, puts back a previous
//!   result a kill left as `.NAME.old-PID`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file that marks a folder as civplan's output: `civplan <version>`.
pub const MARKER: &str = ".civplan";

/// Replace one file by a hidden sibling `.NAME.partial-PID` renamed into
/// place: readers see the old file or the whole new one (the report's files
/// beside a plan, a batch's `run.json` and comparison).
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Why civplan will not write to a path.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{}: a file is already there; civplan writes a folder and never replaces a file: name a new folder, or move the file",
        .0.display()
    )]
    File(PathBuf),
    #[error(
        "{}: a folder civplan did not write (it has no {MARKER} marker and no civplan manifest): name a new or empty folder, or a previous civplan output",
        .0.display()
    )]
    Foreign(PathBuf),
    #[error("{}: a symbolic link; name the folder itself", .0.display())]
    Link(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl From<OutputError> for io::Error {
    fn from(e: OutputError) -> Self {
        let kind = match &e {
            OutputError::Io { source, .. } => source.kind(),
            _ => io::ErrorKind::AlreadyExists,
        };
        io::Error::new(kind, e)
    }
}

/// `Ok` when civplan may write the folder `target`: absent, empty, or one
/// of civplan's own output folders.
pub fn check_target(target: &Path) -> Result<(), OutputError> {
    let io_err = |source| OutputError::Io { path: target.to_path_buf(), source };
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(OutputError::Link(target.to_path_buf()));
    }
    if !meta.is_dir() {
        return Err(OutputError::File(target.to_path_buf()));
    }
    if is_civplan_output(target).map_err(io_err)? {
        Ok(())
    } else {
        Err(OutputError::Foreign(target.to_path_buf()))
    }
}

/// Empty, marked, or with a civplan manifest.
fn is_civplan_output(dir: &Path) -> io::Result<bool> {
    if fs::read_dir(dir)?.next().is_none() {
        return Ok(true);
    }
    if let Ok(text) = fs::read_to_string(dir.join(MARKER)) {
        if text.split_whitespace().next() == Some("civplan") {
            return Ok(true);
        }
    }
    for manifest in ["simulate.json", "plan.json", "backtest.json"] {
        let Ok(text) = fs::read_to_string(dir.join(manifest)) else { continue };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        if v["tool"] == "civplan" || v["manifest"]["tool"] == "civplan" {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A folder being written. Call [`OutputDir::commit`] to publish it; dropping it
/// without committing removes the partial output.
pub struct OutputDir {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
    discard: Vec<String>,
}

impl OutputDir {
    /// Start writing the folder `target` (refused unless [`check_target`]
    /// allows it). Its parent is created if needed.
    pub fn create(target: &Path) -> io::Result<Self> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        clean_leftovers(&parent, &name, target);
        check_target(target)?;
        fs::create_dir_all(&parent)?;
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
        // The target may have changed since the run started.
        check_target(&self.target)?;
        let existing = self.target.is_dir();
        if merge && existing {
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
        // The marker last: a folder holding it is complete.
        fs::write(self.staging.join(MARKER), format!("civplan {}\n", env!("CARGO_PKG_VERSION")))?;
        if existing {
            swap(&self.staging, &self.target)?;
            // The staging name now holds the previous result.
            fs::remove_dir_all(&self.staging)?;
        } else {
            fs::rename(&self.staging, &self.target)?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

/// Exchange two folders: atomically where the system can (Linux), else by
/// two renames with the old one parked as `.NAME.old-PID`.
fn swap(staging: &Path, target: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(staging.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let b = CString::new(target.as_os_str().as_bytes()).map_err(io::Error::other)?;
        // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
        let rc =
            unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
        if rc == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        // Filesystems without RENAME_EXCHANGE fall back to two renames.
        if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)) {
            return Err(e);
        }
    }
    let old = target.with_file_name(format!(
        ".{}.old-{}",
        target.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    fs::rename(target, &old)?;
    fs::rename(staging, target)?;
    // Leave the old result where the caller removes the staging name.
    fs::rename(&old, staging)
}

/// Whether the process `pid` is gone (false when that cannot be known).
fn process_gone(pid: u32) -> bool {
    #[cfg(unix)]
    {
        if pid == std::process::id() {
            return false;
        }
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only checks that the process exists.
        let rc = unsafe { libc::kill(pid, 0) };
        rc != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

/// Remove `.NAME.partial-PID` siblings of dead processes; put a parked
/// `.NAME.old-PID` back when the target is missing, else remove it.
fn clean_leftovers(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else { continue };
        let (kind, pid) = match rest.split_once('-') {
            Some((k @ ("partial" | "old"), pid)) => (k, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if !process_gone(pid) || !entry.path().is_dir() {
            continue;
        }
        if kind == "old" && !target.exists() {
            let _ = fs::rename(entry.path(), target);
        } else {
            let _ = fs::remove_dir_all(entry.path());
        }
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

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

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
        assert_eq!(names(&target), [MARKER, "demand.csv"]);
        let out = OutputDir::create(&target).unwrap();
        out.write("plan.json", "{}").unwrap();
        out.commit(true).unwrap();
        assert_eq!(fs::read_to_string(target.join("demand.csv")).unwrap(), "1");
        assert_eq!(fs::read_to_string(target.join("plan.json")).unwrap(), "{}");
        let out = OutputDir::create(&target).unwrap();
        out.write("plan.json", "{2}").unwrap();
        out.commit(false).unwrap();
        assert!(!target.join("demand.csv").exists());
        // Nothing but the folder is left beside it.
        assert_eq!(names(tmp.path()), ["run"]);
    }

    #[test]
    fn a_file_a_link_and_a_foreign_folder_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("notes.txt");
        fs::write(&file, "mine").unwrap();
        assert!(matches!(check_target(&file), Err(OutputError::File(_))));
        assert!(OutputDir::create(&file).is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "mine");

        let foreign = tmp.path().join("photos");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("a.jpg"), "x").unwrap();
        assert!(matches!(check_target(&foreign), Err(OutputError::Foreign(_))));
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&foreign, &link).unwrap();
            assert!(matches!(check_target(&link), Err(OutputError::Link(_))));
        }
        // A foreign manifest is not civplan's.
        fs::write(foreign.join("plan.json"), r#"{"tool": "other"}"#).unwrap();
        assert!(check_target(&foreign).is_err());
    }

    #[test]
    fn empty_marked_and_manifest_folders_are_accepted() {
        let tmp = tempfile::tempdir().unwrap();
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert!(check_target(&empty).is_ok());
        let old = tmp.path().join("old");
        fs::create_dir(&old).unwrap();
        fs::write(old.join("plan.json"), r#"{"manifest": {"tool": "civplan"}}"#).unwrap();
        assert!(check_target(&old).is_ok());
        let sim = tmp.path().join("sim");
        fs::create_dir(&sim).unwrap();
        fs::write(sim.join("simulate.json"), r#"{"tool": "civplan", "version": "0.0.1"}"#).unwrap();
        assert!(check_target(&sim).is_ok());
    }

    /// A dead process's staging folder is removed by the next run; a parked
    /// previous result is put back when the target is missing.
    #[test]
    fn leftovers_of_a_killed_run_are_cleaned() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        // PIDs above the kernel's maximum (4,194,304) belong to no process.
        let dead = 4_194_305 + 17;
        fs::create_dir(tmp.path().join(format!(".run.partial-{dead}"))).unwrap();
        let parked = tmp.path().join(format!(".run.old-{dead}"));
        fs::create_dir(&parked).unwrap();
        fs::write(parked.join("plan.json"), "previous").unwrap();
        fs::write(parked.join(MARKER), "civplan 0.1.0\n").unwrap();
        let out = OutputDir::create(&target).unwrap();
        assert_eq!(fs::read_to_string(target.join("plan.json")).unwrap(), "previous");
        out.write("demand.csv", "new").unwrap();
        out.commit(true).unwrap();
        assert_eq!(names(tmp.path()), ["run"]);
        assert_eq!(fs::read_to_string(target.join("plan.json")).unwrap(), "previous");
        assert_eq!(fs::read_to_string(target.join("demand.csv")).unwrap(), "new");
    }
}
