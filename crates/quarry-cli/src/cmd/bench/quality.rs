//! `quarry bench quality`: Quarry's output against the corpus ground truth.
//!
//! - **tables** (PDFs; truth is rows of cell strings per page): *cell
//!   accuracy* is the fraction of non-empty expected cells whose text, after
//!   whitespace normalisation, is at the same row and column of the best
//!   matching detected table on that page. *Cell text recall* is the
//!   fraction found anywhere in that page's text (structure ignored).
//! - **office** (truth is markdown): normalised Levenshtein similarity
//!   (`strsim`) of the markdown with whitespace and table separator rows
//!   normalised, and token F1.
//! - **sroie** (truth is company, address, total): word recall of those
//!   tokens in the OCR text (the date is ISO-normalised in the truth, not as
//!   printed, so it is left out).

use std::collections::HashMap;
use std::path::Path;

use anyhow::bail;
use quarry_parse::{Document, Limits, Page, parse};
use serde_json::Value;

use super::metrics::{bag, canonical_markdown, normalise, recall, token_f1};
use super::report::{progress, table};
use super::{QualityArgs, corpus};

pub fn run(args: &QualityArgs) -> anyhow::Result<()> {
    let Some(dir) = corpus::locate(args.corpus.corpus.as_deref()) else {
        bail!("bench quality needs the corpus (--corpus or QUARRY_CORPUS)");
    };
    let mut rows = Vec::new();
    rows.extend(tables(&dir)?);
    rows.push(office(&dir)?);
    rows.push(sroie(&dir, args.receipts)?);
    println!("\nQuality against the corpus ground truth:");
    table(&["dataset", "docs", "metric", "score", "note"], &rows);
    Ok(())
}

fn load(path: &Path) -> anyhow::Result<(Value, Option<Document>)> {
    let truth = corpus::expected(path)?;
    let bytes = std::fs::read(path)?;
    let doc = parse(&bytes, &path.display().to_string(), &Limits::default()).ok();
    Ok((truth, doc))
}

fn tables(dir: &Path) -> anyhow::Result<Vec<Vec<String>>> {
    let docs = corpus::docs(dir, "tables", &["pdf"]);
    progress(&format!("quality: {} table PDFs", docs.len()));
    let (mut cells, mut in_place, mut in_text, mut detected) = (0usize, 0usize, 0usize, 0usize);
    for path in &docs {
        let (truth, doc) = load(path)?;
        let pages = doc.map(|d| d.pages).unwrap_or_default();
        for t in truth["tables"].as_array().into_iter().flatten() {
            let page_no = t["page"].as_u64().unwrap_or(1) as u32;
            let page = pages.iter().find(|p| p.number == page_no);
            let expected: Vec<Vec<String>> = t["rows"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    r.as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| normalise(c.as_str().unwrap_or("")))
                        .collect()
                })
                .collect();
            let text = page.map(page_text).unwrap_or_default();
            let best = page.map_or(0, |p| {
                detected += p.tables.len();
                p.tables
                    .iter()
                    .map(|tb| matches_in_place(&expected, tb))
                    .max()
                    .unwrap_or(0)
            });
            in_place += best;
            for cell in expected.iter().flatten().filter(|c| !c.is_empty()) {
                cells += 1;
                in_text += usize::from(text.contains(cell.as_str()));
            }
        }
    }
    let pct = |n: usize| format!("{:.1}%", 100.0 * n as f64 / cells.max(1) as f64);
    Ok(vec![
        vec![
            "tables".into(),
            docs.len().to_string(),
            "cell accuracy (right row/col)".into(),
            pct(in_place),
            format!("{cells} expected cells; {detected} tables detected"),
        ],
        vec![
            "tables".into(),
            docs.len().to_string(),
            "cell text recall (anywhere on page)".into(),
            pct(in_text),
            "structure ignored".into(),
        ],
    ])
}

fn page_text(page: &Page) -> String {
    normalise(
        &page
            .lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn matches_in_place(expected: &[Vec<String>], table: &quarry_parse::Table) -> usize {
    let mut found = 0;
    for (r, row) in expected.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() && table.cell(r, c).map(normalise).as_deref() == Some(cell.as_str())
            {
                found += 1;
            }
        }
    }
    found
}

fn office(dir: &Path) -> anyhow::Result<Vec<String>> {
    let docs = corpus::docs(dir, "office", &["docx", "pptx", "xlsx", "html", "csv"]);
    progress(&format!("quality: {} office files", docs.len()));
    let (mut lev, mut f1, mut failed) = (0.0, 0.0, 0);
    let mut per_kind: HashMap<String, (f64, usize)> = HashMap::new();
    for path in &docs {
        let (truth, doc) = load(path)?;
        let want = normalise(&canonical_markdown(
            truth["markdown"].as_str().unwrap_or(""),
        ));
        let got = doc
            .map(|d| normalise(&canonical_markdown(&d.markdown())))
            .unwrap_or_else(|| {
                failed += 1;
                String::new()
            });
        let sim = strsim::normalized_levenshtein(&want, &got);
        lev += sim;
        f1 += token_f1(&want, &got);
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let e = per_kind.entry(ext).or_default();
        e.0 += sim;
        e.1 += 1;
    }
    let n = docs.len().max(1) as f64;
    let mut kinds: Vec<_> = per_kind.into_iter().collect();
    kinds.sort_by(|a, b| a.0.cmp(&b.0));
    let by_kind = kinds
        .iter()
        .map(|(k, (s, c))| format!("{k} {:.2}", s / *c as f64))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(vec![
        "office".into(),
        docs.len().to_string(),
        "markdown similarity (norm. Levenshtein) / token F1".into(),
        format!("{:.3} / {:.3}", lev / n, f1 / n),
        format!("by type: {by_kind}; {failed} failed to parse"),
    ])
}

fn sroie(dir: &Path, receipts: usize) -> anyhow::Result<Vec<String>> {
    let limit = if receipts == 0 { usize::MAX } else { receipts };
    let docs: Vec<_> = corpus::docs(dir, "sroie", &["jpg", "png"])
        .into_iter()
        .take(limit)
        .collect();
    progress(&format!(
        "quality: OCR of {} receipts (about 1 s each)",
        docs.len()
    ));
    let (mut want_total, mut hit_total) = (0usize, 0usize);
    for (i, path) in docs.iter().enumerate() {
        if i % 10 == 9 {
            progress(&format!("quality: {} / {} receipts", i + 1, docs.len()));
        }
        let (truth, doc) = load(path)?;
        let mut expected = String::new();
        for key in ["company", "address"] {
            expected.push_str(truth[key].as_str().unwrap_or(""));
            expected.push(' ');
        }
        if let Some(total) = truth["total"].as_f64() {
            expected.push_str(&format!("{total:.2}"));
        }
        let got = doc.map(|d| d.text()).unwrap_or_default();
        let (hit, want) = recall(&bag(&expected), &bag(&got));
        hit_total += hit;
        want_total += want;
    }
    Ok(vec![
        "sroie".into(),
        docs.len().to_string(),
        "OCR word recall (company, address, total)".into(),
        format!(
            "{:.1}%",
            100.0 * hit_total as f64 / want_total.max(1) as f64
        ),
        format!("{want_total} expected words"),
    ])
}
