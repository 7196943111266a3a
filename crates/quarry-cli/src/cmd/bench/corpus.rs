//! Finding the evaluation corpus and the files a benchmark reads from it.

use std::path::{Path, PathBuf};

/// The text-layer PDF datasets the throughput comparison reads.
pub const PDF_DATASETS: &[&str] = &[
    "invoices_cii",
    "long_lists_invoices",
    "long_lists_statements",
    "tables",
];

/// The corpus root: the flag (or `QUARRY_CORPUS`), else `../shared/corpus`
/// next to the repository root. `None` (with a note) when it is missing.
pub fn locate(flag: Option<&Path>) -> Option<PathBuf> {
    let candidate = flag
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    if candidate.is_dir() {
        Some(candidate.canonicalize().unwrap_or(candidate))
    } else {
        eprintln!(
            "corpus not found at {}; using generated documents only",
            candidate.display()
        );
        None
    }
}

/// Files in `DATASET/docs` of `corpus` with one of `extensions`, sorted.
pub fn docs(corpus: &Path, dataset: &str, extensions: &[&str]) -> Vec<PathBuf> {
    all_docs(corpus, dataset)
        .into_iter()
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
        })
        .collect()
}

/// Every file in `DATASET/docs` of `corpus`, sorted.
pub fn all_docs(corpus: &Path, dataset: &str) -> Vec<PathBuf> {
    let dir = corpus.join(dataset).join("docs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The ground truth for `doc` (`DATASET/expected/<stem>.json`).
pub fn expected(doc: &Path) -> anyhow::Result<serde_json::Value> {
    let stem = doc.file_stem().unwrap_or_default();
    let path = doc
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."))
        .join("expected")
        .join(format!("{}.json", stem.to_string_lossy()));
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}
