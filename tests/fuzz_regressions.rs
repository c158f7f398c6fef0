//! Inputs the fuzzers found (and a few made by hand before fuzzing), each
//! replayed through the fuzz targets' own entry points
//! ([`civplan::fuzzing`]): `tests/fuzz_regressions/scenario-*` and
//! `locate-*`, in the fuzz input format (a scenario's or an instance's files
//! joined by NUL bytes). They must run without a panic. The seeds of
//! `fuzz/seeds/` are replayed too.

use std::path::Path;

fn replay(dir: &Path, pick: impl Fn(&str) -> Option<fn(&[u8])>) -> usize {
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(target) = pick(&name) else { continue };
        let data = std::fs::read(&path).unwrap();
        if let Err(e) = std::panic::catch_unwind(|| target(&data)) {
            let msg = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("{name}: {}", msg.unwrap_or_default());
        }
        n += 1;
    }
    n
}

fn by_prefix(name: &str) -> Option<fn(&[u8])> {
    if name.starts_with("scenario-") {
        Some(civplan::fuzzing::scenario)
    } else if name.starts_with("locate-") {
        Some(civplan::fuzzing::locate)
    } else {
        None
    }
}

#[test]
fn fuzz_findings_run_without_a_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let n = replay(&dir, by_prefix);
    assert!(n >= 5, "{n} regression inputs");
}

#[test]
fn fuzz_seeds_run_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    assert!(replay(&root.join("scenario"), |_| Some(civplan::fuzzing::scenario as fn(&[u8]))) >= 3);
    assert!(replay(&root.join("locate"), |_| Some(civplan::fuzzing::locate as fn(&[u8]))) >= 3);
}
