//! Peak memory by page count: generated PDFs of, say, 100 and 1,000 pages
//! are each parsed in a fresh child process (`quarry bench peak-rss FILE`),
//! which reports its own peak resident set (`VmHWM` in /proc/self/status).
//! A child per file keeps one measurement from inheriting another's peak.
//! Each file is measured twice: building the whole `Document` (`parse`),
//! and page by page (`parse_pages`, `--streaming`), which keeps no page.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use quarry_parse::{Limits, Page, parse, parse_pages};

use super::generate;
use super::report::{progress, table};

pub fn run(page_counts: &[usize]) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("locating the quarry binary")?;
    let dir = tempfile::tempdir()?;
    let mut rows = Vec::new();
    for &pages in page_counts {
        progress(&format!(
            "peak RSS: generating and parsing a {pages}-page PDF"
        ));
        let path = dir.path().join(format!("generated_{pages}.pdf"));
        let bytes = generate::pdf(pages)?;
        std::fs::write(&path, &bytes)?;
        for streaming in [false, true] {
            let mut row = vec![
                if streaming {
                    "page by page"
                } else {
                    "whole Document"
                }
                .into(),
            ];
            row.extend(measure(&exe, &path, streaming, pages, bytes.len())?);
            rows.push(row);
        }
    }
    println!("\nPeak RSS of a process parsing one generated PDF:");
    table(
        &[
            "API",
            "pages",
            "file MB",
            "pages parsed",
            "words",
            "peak RSS before parse MB",
            "peak RSS after parse MB",
            "growth bytes/word",
        ],
        &rows,
    );
    Ok(())
}

/// Runs the probe on `path` and returns its table row (without the API).
fn measure(
    exe: &Path,
    path: &Path,
    streaming: bool,
    pages: usize,
    file_bytes: usize,
) -> anyhow::Result<Vec<String>> {
    let mut command = Command::new(exe);
    command.args(["bench", "peak-rss"]).arg(path);
    if streaming {
        command.arg("--streaming");
    }
    let out = command.output().context("running the peak-RSS probe")?;
    if !out.status.success() {
        bail!(
            "peak-RSS probe failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let field = |key: &str| -> Option<u64> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key))
            .and_then(|v| v.parse().ok())
    };
    let (Some(parsed), Some(before), Some(kb), Some(words)) = (
        field("pages="),
        field("before_kb="),
        field("vmhwm_kb="),
        field("words="),
    ) else {
        bail!("unexpected probe output: {line}");
    };
    Ok(vec![
        pages.to_string(),
        format!("{:.1}", file_bytes as f64 / 1_048_576.0),
        parsed.to_string(),
        words.to_string(),
        format!("{:.1}", before as f64 / 1024.0),
        format!("{:.1}", kb as f64 / 1024.0),
        format!(
            "{:.0}",
            (kb - before.min(kb)) as f64 * 1024.0 / words.max(1) as f64
        ),
    ])
}

/// The child side: parse `file` (whole, or page by page with `streaming`),
/// then print pages, words and `VmHWM`.
pub fn probe(file: &Path, streaming: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let before = peak_kb()?;
    let name = file.display().to_string();
    let limits = Limits::default();
    let words_on = |p: &Page| p.lines.iter().map(|l| l.words.len()).sum::<usize>();
    let (mut pages, mut words) = (0usize, 0usize);
    if streaming {
        parse_pages(&bytes, &name, &limits, |p| {
            pages += 1;
            words += words_on(&p);
        })
        .with_context(|| format!("cannot parse {name}"))?;
    } else {
        let doc = parse(&bytes, &name, &limits).with_context(|| format!("cannot parse {name}"))?;
        pages = doc.pages.len();
        words = doc.pages.iter().map(words_on).sum();
    }
    let kb = peak_kb()?;
    println!("pages={pages} words={words} before_kb={before} vmhwm_kb={kb}");
    Ok(())
}

/// This process's peak resident set so far (`VmHWM`), in KiB.
fn peak_kb() -> anyhow::Result<u64> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<u64>().ok())
        .context("no VmHWM in /proc/self/status")
}
