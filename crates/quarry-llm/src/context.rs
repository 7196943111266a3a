//! What the hybrid engine shows the model for the fields it asks about:
//! the pages that hold each field's evidence, or only the neighbourhood of
//! the evidence when those pages are long.
//!
//! Evidence is where the rules engine read the field (its citations), the
//! lines that print one of the field's labels in any language the label
//! table knows ([`quarry_extract::field_knowledge`]), and the top of the
//! first page, where letterheads, names and document numbers sit unlabelled.
//! A small model needs the layout around a value to tell the seller's name
//! from the buyer's or a tax rate from an example in the schema: measured
//! on invoices, line windows alone made it guess where whole pages did not.
//! So the pages holding evidence are sent whole while they stay under
//! [`PAGE_LINES_BUDGET`] lines; beyond that, each piece of evidence is
//! widened by a few lines either side (a value often stands below or
//! beside its label), and an excerpt that would cover most of the document
//! anyway is sent whole.

use std::ops::Range;

use quarry_extract::field_knowledge;
use quarry_parse::Document;
use serde_json::{Map, Value};

use crate::prompt::Excerpt;

/// Lines either side of a piece of evidence.
const RADIUS: usize = 3;
/// Lines of the first page always sent.
const HEADER_LINES: usize = 10;
/// Label lines used per field (the first ones in reading order).
const LABELS_PER_FIELD: usize = 3;
/// Evidence pages are sent whole up to this many lines in all.
const PAGE_LINES_BUDGET: usize = 250;
/// An excerpt covering this share of the document is sent whole instead.
const MOSTLY_WHOLE: f64 = 0.7;

/// The excerpts for the fields `keys` of `schema`, given the rules output's
/// `metadata` (with citations).
pub(crate) fn excerpts(
    doc: &Document,
    schema: &Value,
    keys: &[&str],
    metadata: &Map<String, Value>,
) -> Vec<Excerpt> {
    let total: usize = doc.pages.iter().map(|p| p.lines.len()).sum();
    let mut spans: Vec<Excerpt> = Vec::new();
    let mut add = |page: usize, line: usize, radius: usize| {
        spans.push(Excerpt {
            page,
            lines: line.saturating_sub(radius)..line + radius + 1,
        });
    };
    if doc.pages.first().is_some_and(|p| !p.lines.is_empty()) {
        add(0, 0, HEADER_LINES - 1);
    }
    let props = schema.get("properties").and_then(Value::as_object);
    for key in keys {
        for (page, line) in cited_lines(doc, metadata, key) {
            add(page, line, RADIUS);
        }
        let Some(node) = props.and_then(|p| p.get(*key)) else {
            continue;
        };
        let knowledge = field_knowledge(key, node);
        let labelled = doc
            .pages
            .iter()
            .enumerate()
            .flat_map(|(p, page)| {
                page.lines
                    .iter()
                    .enumerate()
                    .map(move |(l, line)| (p, l, line))
            })
            .filter(|(_, _, line)| knowledge.names_line(&line.text))
            .take(LABELS_PER_FIELD);
        for (page, line, _) in labelled {
            add(page, line, RADIUS);
        }
    }
    let mut pages: Vec<usize> = spans.iter().map(|e| e.page).collect();
    pages.dedup();
    let page_lines: usize = pages
        .iter()
        .filter_map(|&p| doc.pages.get(p))
        .map(|p| p.lines.len())
        .sum();
    if page_lines <= PAGE_LINES_BUDGET {
        return pages
            .into_iter()
            .flat_map(|p| page_excerpts(doc, p..p + 1))
            .collect();
    }
    let merged = coalesce(doc, spans);
    let sent: usize = merged.iter().map(|e| e.lines.len()).sum();
    if sent as f64 >= MOSTLY_WHOLE * total as f64 {
        return whole(doc);
    }
    merged
}

/// Every line of every page.
pub(crate) fn whole(doc: &Document) -> Vec<Excerpt> {
    page_excerpts(doc, 0..doc.pages.len())
}

/// Every line of the pages in `pages`.
pub(crate) fn page_excerpts(doc: &Document, pages: Range<usize>) -> Vec<Excerpt> {
    pages
        .filter_map(|page| {
            Some(Excerpt {
                page,
                lines: 0..doc.pages.get(page)?.lines.len(),
            })
        })
        .collect()
}

/// Lines the rules engine cited for `key`: (page index, line index).
pub(crate) fn cited_lines(
    doc: &Document,
    metadata: &Map<String, Value>,
    key: &str,
) -> Vec<(usize, usize)> {
    let citations = metadata
        .get(key)
        .and_then(|m| m.get("citations"))
        .and_then(Value::as_array);
    let mut out = Vec::new();
    for c in citations.into_iter().flatten() {
        let Some(page) = c
            .pointer("/page/number")
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok()?.checked_sub(1))
        else {
            continue;
        };
        let Some(lines) = doc.pages.get(page).map(|p| &p.lines) else {
            continue;
        };
        let text = c.get("referenceText").and_then(Value::as_str);
        let top = c.pointer("/polygon/0/y").and_then(Value::as_f64);
        let by_text = lines.iter().position(|l| Some(l.text.as_str()) == text);
        let by_box = || {
            let top = top?;
            (0..lines.len()).min_by(|&a, &b| {
                (lines[a].bbox.top - top)
                    .abs()
                    .total_cmp(&(lines[b].bbox.top - top).abs())
            })
        };
        if let Some(line) = by_text.or_else(by_box)
            && !out.contains(&(page, line))
        {
            out.push((page, line));
        }
    }
    out
}

/// Sorted, clipped to the pages, overlapping or touching spans joined.
fn coalesce(doc: &Document, mut spans: Vec<Excerpt>) -> Vec<Excerpt> {
    spans.sort_by_key(|e| (e.page, e.lines.start));
    let mut out: Vec<Excerpt> = Vec::new();
    for mut e in spans {
        let Some(page) = doc.pages.get(e.page) else {
            continue;
        };
        e.lines.end = e.lines.end.min(page.lines.len());
        if e.lines.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.page == e.page && e.lines.start <= last.lines.end => {
                last.lines.end = last.lines.end.max(e.lines.end);
            }
            _ => out.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry_parse::{BBox, FileKind, Line, Page};
    use serde_json::json;

    fn doc(lines: usize) -> Document {
        let mut page = Page::new(1, 600.0, 800.0);
        page.lines = (0..lines)
            .map(|i| {
                let text = match i {
                    40 => "Invoice No. 4711".to_string(),
                    70 => "Grand total 99.00".to_string(),
                    _ => format!("filler line {i}"),
                };
                Line {
                    text,
                    bbox: BBox {
                        left: 0.0,
                        top: i as f64 * 10.0,
                        right: 100.0,
                        bottom: i as f64 * 10.0 + 8.0,
                    },
                    words: Vec::new(),
                }
            })
            .collect();
        Document {
            einvoice: None,
            kind: FileKind::Text,
            pages: vec![page],
        }
    }

    #[test]
    fn only_the_header_labels_and_cited_lines_of_long_pages_are_sent() {
        let d = doc(400);
        let schema = json!({"type": "object", "properties": {
            "invoice_number": {"type": ["string", "null"]},
            "total_gross": {"type": ["number", "null"]}
        }});
        let mut metadata = Map::new();
        metadata.insert(
            "total_gross".into(),
            json!({"citations": [{"page": {"number": 1}, "referenceText": "no such text",
                "polygon": [{"x": 0.0, "y": 120.0}]}]}),
        );
        let ex = excerpts(&d, &schema, &["invoice_number", "total_gross"], &metadata);
        let ranges: Vec<Range<usize>> = ex.iter().map(|e| e.lines.clone()).collect();
        // Header 0..10 joined with the cited line 12 (±3); the label lines 40 and 70.
        assert_eq!(ranges, vec![0..16, 37..44, 67..74]);
    }

    #[test]
    fn short_documents_are_sent_whole() {
        let d = doc(30);
        let schema = json!({"type": "object", "properties": {"x": {"type": "string"}}});
        let ex = excerpts(&d, &schema, &["x"], &Map::new());
        assert_eq!(
            ex,
            vec![Excerpt {
                page: 0,
                lines: 0..30
            }]
        );
    }
}
