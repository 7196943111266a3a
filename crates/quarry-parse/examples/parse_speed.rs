//! `cargo run --release --workspace --example parse_speed -- [--passes N]
//! [--dump FILE] [--one-thread] PDF...`: parses every file in-process, `N`
//! passes (default 1), and prints pages, words and pages/s. Pages are laid
//! out on a second thread while the next is read unless `--one-thread`
//! (`Limits::layout_thread`). A small,
//! repeatable workload for profiling the PDF path under callgrind
//! (docs/benchmarks.md) without the rest of `quarry bench parse`.
//! `--dump` writes every word with its box, page by page, so that two
//! builds can be checked to produce the same words (`cmp`).

use std::io::Write;
use std::time::Instant;

use quarry_parse::{Limits, parse};

/// The same allocator as the `quarry` binary, so that this workload
/// measures what `quarry bench parse` runs (pdfium's own malloc included).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut passes = 1usize;
    let mut dump: Option<String> = None;
    let mut limits = Limits::default();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--passes" => passes = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--dump" => dump = args.next(),
            "--one-thread" => limits.layout_thread = false,
            _ => files.push(arg),
        }
    }
    let blobs: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter_map(|f| match std::fs::read(f) {
            Ok(bytes) => Some((f.clone(), bytes)),
            Err(e) => {
                eprintln!("{f}: {e}");
                None
            }
        })
        .collect();
    let mut out = dump.map(|path| match std::fs::File::create(&path) {
        Ok(file) => std::io::BufWriter::new(file),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    });
    let start = Instant::now();
    let (mut pages, mut words) = (0usize, 0usize);
    for pass in 0..passes {
        for (name, bytes) in &blobs {
            let doc = match parse(bytes, name, &limits) {
                Ok(doc) => doc,
                Err(e) => {
                    eprintln!("{name}: {e}");
                    continue;
                }
            };
            pages += doc.pages.len();
            for page in &doc.pages {
                if let Some(out) = out.as_mut().filter(|_| pass == 0) {
                    let _ = writeln!(
                        out,
                        "{name}\t{}\t{} tables, {} blocks",
                        page.number,
                        page.tables.len(),
                        page.blocks.len()
                    );
                }
                for line in &page.lines {
                    words += line.words.len();
                    if let Some(out) = out.as_mut().filter(|_| pass == 0) {
                        for w in &line.words {
                            let b = w.bbox;
                            // A failed write shows up as a short dump.
                            let _ = writeln!(
                                out,
                                "{name}\t{}\t{:.3}\t{:.3}\t{:.3}\t{:.3}\t{}",
                                page.number, b.left, b.top, b.right, b.bottom, w.text
                            );
                        }
                    }
                }
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} files, {passes} passes: {pages} pages, {words} words, {secs:.3} s, {:.0} pages/s",
        blobs.len(),
        pages as f64 / secs.max(1e-9)
    );
}
