//! Helpers the corpus, interruption and CLI tests share.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Copy `tests/fixtures/mini` into `dest` (created).
pub fn copy_mini(dest: &Path) {
    fs::create_dir_all(dest).unwrap();
    for e in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dest.join(e.file_name())).unwrap();
    }
}

/// Every file, folder and link below `dir` with its bytes (a link's
/// target, `(folder)` for a folder), to tell that nothing changed.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p.clone());
                out.insert(p, b"(folder)".to_vec());
            } else if meta.file_type().is_symlink() {
                out.insert(p.clone(), fs::read_link(&p).unwrap().to_string_lossy().as_bytes().to_vec());
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    out
}
