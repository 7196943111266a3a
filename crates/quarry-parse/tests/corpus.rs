//! Hostile and real-world files from the shared corpus (never copied into
//! the repo): every file must parse to a Document or a typed error within a
//! per-file time cap, never panic or hang. The corpus folder is
//! `$QUARRY_CORPUS`, else `../shared/corpus` relative to the repo root; the
//! test prints a message and passes when it is absent.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use quarry_parse::{Limits, ParseError, parse};

/// A hang guard, not a speed check: generous enough that a machine busy
/// with other builds does not fail it (one file took 20 s under load).
const PER_FILE: Duration = Duration::from_secs(120);

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("QUARRY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    dir.is_dir().then_some(dir)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Parses `path` on its own thread and waits at most [`PER_FILE`].
fn parse_capped(path: &Path) -> Result<Result<usize, ParseError>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            parse(&bytes, &name, &Limits::default()).map(|d| {
                let _ = d.markdown();
                d.page_count()
            })
        });
        let _ = tx.send(result);
    });
    match rx.recv_timeout(PER_FILE) {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(_)) => Err(format!("{} panicked", path.display())),
        Err(_) => Err(format!("{} took longer than {PER_FILE:?}", path.display())),
    }
}

fn expected_needs_password(path: &Path) -> bool {
    let (Some(dir), Some(stem)) = (path.parent().and_then(Path::parent), path.file_stem()) else {
        return false;
    };
    let json = dir
        .join("expected")
        .join(format!("{}.json", stem.to_string_lossy()));
    std::fs::read_to_string(json)
        .map(|s| s.replace(' ', "").contains("\"needs_password\":true"))
        .unwrap_or(false)
}

#[test]
fn every_corpus_file_parses_or_fails_typed_without_panic_or_hang() {
    let Some(root) = corpus() else {
        println!("corpus not found (set QUARRY_CORPUS); skipping");
        return;
    };
    let mut failures = Vec::new();
    let (mut ok, mut typed) = (0, 0);
    for set in ["robustness", "office"] {
        for path in files(&root.join(set).join("docs")) {
            let start = Instant::now();
            match parse_capped(&path) {
                Ok(Ok(pages)) => {
                    ok += 1;
                    if expected_needs_password(&path) {
                        failures.push(format!("{} opened without its password", path.display()));
                    }
                    println!(
                        "ok    {pages:>4} pages {:>6.0?} {}",
                        start.elapsed(),
                        path.display()
                    );
                }
                Ok(Err(e)) => {
                    typed += 1;
                    println!("error {e} {:>6.0?} {}", start.elapsed(), path.display());
                }
                Err(msg) => failures.push(msg),
            }
        }
    }
    println!("{ok} parsed, {typed} typed errors");
    assert!(failures.is_empty(), "{failures:#?}");
}
