//! Text-layer PDF → words with boxes, pages per second: Quarry in-process
//! (single thread, best of 3) against PyMuPDF `page.get_text("words")` and
//! pdfplumber `page.extract_words()` on the same files in the same run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use quarry_parse::{Document, Limits, parse};

use super::report::{best_of, progress, table};
use super::{ParseBenchArgs, corpus, generate, python};

const REPS: usize = 3;

/// One row of the results table.
struct Row {
    tool: &'static str,
    pages: usize,
    words: usize,
    best: Duration,
    note: String,
}

impl Row {
    fn pages_per_sec(&self) -> f64 {
        self.pages as f64 / self.best.as_secs_f64().max(1e-9)
    }
}

pub fn run(corpus_dir: Option<&Path>, args: &ParseBenchArgs) -> anyhow::Result<()> {
    let _generated; // keeps generated files alive until the end
    let candidates = match corpus_dir {
        Some(dir) => corpus::PDF_DATASETS
            .iter()
            .flat_map(|d| corpus::docs(dir, d, &["pdf"]))
            .collect::<Vec<_>>(),
        None => {
            let (dir, files) = generated_set()?;
            _generated = dir;
            files
        }
    };
    let limit = if args.files == 0 {
        usize::MAX
    } else {
        args.files
    };
    let files = usable(candidates, limit)?;
    let blobs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| Ok((p.display().to_string(), std::fs::read(p)?)))
        .collect::<anyhow::Result<_>>()?;
    progress(&format!("Quarry: {} PDFs, best of {REPS}", blobs.len()));
    let (best, (pages, words)) = best_of(REPS, || quarry_pass(&blobs));
    let mut rows = vec![Row {
        tool: "Quarry (pdfium + reading order)",
        pages,
        words,
        best,
        note: String::new(),
    }];
    match &args.baseline_python {
        Some(py) => {
            for (tool, label) in [
                ("pymupdf", "PyMuPDF get_text(\"words\")"),
                ("pdfplumber", "pdfplumber extract_words()"),
            ] {
                progress(&format!("{label}: best of {REPS}"));
                match python::measure(py, tool, &files, REPS) {
                    Ok(m) => rows.push(Row {
                        tool: label,
                        pages: m.pages,
                        words: m.words,
                        best: m.best(),
                        note: if m.failures > 0 {
                            format!("{} files failed", m.failures)
                        } else {
                            String::new()
                        },
                    }),
                    Err(e) => eprintln!("skipping {label}: {e:#}"),
                }
            }
        }
        None => eprintln!("no --baseline-python: measuring Quarry only (see scripts/bench)"),
    }
    print_rows(files.len(), &rows);
    Ok(())
}

fn quarry_pass(blobs: &[(String, Vec<u8>)]) -> (usize, usize) {
    let limits = Limits::default();
    let (mut pages, mut words) = (0, 0);
    for (name, bytes) in blobs {
        if let Ok(doc) = parse(bytes, name, &limits) {
            pages += doc.pages.len();
            words += word_count(&doc);
        }
    }
    (pages, words)
}

fn word_count(doc: &Document) -> usize {
    doc.pages
        .iter()
        .flat_map(|p| &p.lines)
        .map(|l| l.words.len())
        .sum()
}

/// The first `limit` files Quarry parses with a text layer on every page:
/// failures and textless pages (which would be OCR'd) are left out, so the
/// comparison is text-layer extraction only.
fn usable(candidates: Vec<PathBuf>, limit: usize) -> anyhow::Result<Vec<PathBuf>> {
    let limits = Limits::default();
    let mut kept = Vec::new();
    let mut skipped = 0;
    for path in candidates {
        if kept.len() >= limit {
            break;
        }
        let bytes = std::fs::read(&path)?;
        let name = path.display().to_string();
        match parse(&bytes, &name, &limits) {
            Ok(doc) if doc.pages.iter().all(|p| !p.lines.is_empty()) => kept.push(path),
            _ => skipped += 1,
        }
    }
    if skipped > 0 {
        eprintln!("left out {skipped} PDFs that failed or had pages without a text layer");
    }
    Ok(kept)
}

/// Five generated 20-page PDFs, for machines without the corpus.
fn generated_set() -> anyhow::Result<(tempfile::TempDir, Vec<PathBuf>)> {
    println!("corpus absent: measuring generated PDFs (5 × 20 pages)");
    let dir = tempfile::tempdir()?;
    let mut files = Vec::new();
    for i in 0..5 {
        let path = dir.path().join(format!("generated_{i}.pdf"));
        std::fs::write(&path, generate::pdf(20)?)?;
        files.push(path);
    }
    Ok((dir, files))
}

fn print_rows(files: usize, rows: &[Row]) {
    println!("\nText-layer PDF → words with boxes, {files} files, single thread, best of {REPS}:");
    let quarry = rows[0].pages_per_sec();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.tool.to_string(),
                r.pages.to_string(),
                r.words.to_string(),
                format!("{:.3}", r.best.as_secs_f64()),
                format!("{:.0}", r.pages_per_sec()),
                format!("{:.2}×", quarry / r.pages_per_sec().max(1e-9)),
                r.note.clone(),
            ]
        })
        .collect();
    table(
        &[
            "tool",
            "pages",
            "words",
            "best s",
            "pages/s",
            "Quarry / tool",
            "note",
        ],
        &body,
    );
}
