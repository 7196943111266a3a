//! Runs the competitors (PyMuPDF, pdfplumber) through `baseline.py` with the
//! bench venv's python. Timing happens inside the script, so interpreter
//! start-up and imports are not counted against them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;

const SCRIPT: &str = include_str!("baseline.py");

/// What one competitor measured over the whole file set.
#[derive(Debug, Deserialize)]
pub struct Measured {
    pub pages: usize,
    pub words: usize,
    pub failures: usize,
    pub seconds: f64,
}

impl Measured {
    pub fn best(&self) -> Duration {
        Duration::from_secs_f64(self.seconds)
    }
}

/// Runs `tool` ("pymupdf" or "pdfplumber") over `files`, best of `reps`.
pub fn measure(
    python: &Path,
    tool: &str,
    files: &[PathBuf],
    reps: usize,
) -> anyhow::Result<Measured> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("baseline.py");
    std::fs::write(&script, SCRIPT)?;
    let list = dir.path().join("files.txt");
    let mut f = std::fs::File::create(&list)?;
    for p in files {
        writeln!(f, "{}", p.display())?;
    }
    drop(f);
    let out = Command::new(python)
        .arg(&script)
        .arg(tool)
        .arg(&list)
        .arg(reps.to_string())
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !out.status.success() {
        bail!(
            "{tool} baseline failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim())
        .with_context(|| format!("unexpected {tool} baseline output: {stdout}"))
}
