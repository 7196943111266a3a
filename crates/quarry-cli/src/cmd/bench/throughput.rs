//! Text-layer PDF → words with boxes, pages per second: Quarry in-process
//! (best of 3) against PyMuPDF `page.get_text("words")` and pdfplumber
//! `page.extract_words()` on the same files in the same run.
//!
//! Quarry lays out a page on a second thread while pdfium reads the next
//! one ([`Limits::layout_thread`]), so it is measured twice: as it runs
//! (2 threads) and with that thread off (1 thread). Both rows also show
//! the CPU time of the process (user + system, all threads) and pages per
//! CPU-second, so that the second thread's work is not hidden.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quarry_parse::{Document, Limits, parse};

use super::report::{progress, table};
use super::{ParseBenchArgs, corpus, generate, python};

const REPS: usize = 3;

/// One row of the results table.
struct Row {
    tool: &'static str,
    pages: usize,
    words: usize,
    best: Duration,
    /// CPU time (user + system) of the best pass; Quarry only.
    cpu: Option<Duration>,
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
    let mut rows = Vec::new();
    for (tool, layout_thread) in [
        ("Quarry (pdfium + reading order), 2 threads", true),
        ("Quarry, 1 thread (`layout_thread` off)", false),
    ] {
        progress(&format!("{tool}: {} PDFs, best of {REPS}", blobs.len()));
        let limits = Limits {
            layout_thread,
            ..Limits::default()
        };
        // The CPU time shown is that of the pass with the best wall time.
        let (mut best, mut cpu, mut counts) = (Duration::MAX, Duration::ZERO, (0, 0));
        for _ in 0..REPS {
            let (start, before) = (Instant::now(), cpu_time());
            counts = quarry_pass(&blobs, &limits);
            let (wall, used) = (start.elapsed(), cpu_time().saturating_sub(before));
            if wall < best {
                (best, cpu) = (wall, used);
            }
        }
        let (pages, words) = counts;
        rows.push(Row {
            tool,
            pages,
            words,
            best,
            cpu: Some(cpu),
            note: String::new(),
        });
    }
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
                        cpu: None,
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

fn quarry_pass(blobs: &[(String, Vec<u8>)], limits: &Limits) -> (usize, usize) {
    let (mut pages, mut words) = (0, 0);
    for (name, bytes) in blobs {
        if let Ok(doc) = parse(bytes, name, limits) {
            pages += doc.pages.len();
            words += word_count(&doc);
        }
    }
    (pages, words)
}

/// CPU time (user + system) the process has used so far, all threads
/// included (finished ones too); zero if the kernel does not say.
fn cpu_time() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    getrusage(UsageWho::RUSAGE_SELF).map_or(Duration::ZERO, |u| {
        let t = |tv: nix::sys::time::TimeVal| {
            Duration::new(
                tv.tv_sec().max(0) as u64,
                (tv.tv_usec().max(0) as u32) * 1_000,
            )
        };
        t(u.user_time()) + t(u.system_time())
    })
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
    println!(
        "\nText-layer PDF → words with boxes, {files} files, best of {REPS}. Quarry's first row \
         lays out pages on a second thread (2 threads); its CPU time counts both. The Python \
         tools run on one thread:"
    );
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
                r.cpu
                    .map_or("–".into(), |c| format!("{:.3}", c.as_secs_f64())),
                r.cpu.map_or("–".into(), |c| {
                    format!("{:.0}", r.pages as f64 / c.as_secs_f64().max(1e-9))
                }),
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
            "CPU s",
            "pages/CPU-s",
            "Quarry / tool",
            "note",
        ],
        &body,
    );
}
