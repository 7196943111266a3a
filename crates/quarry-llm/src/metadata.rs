//! The wire `metadata` of an LLM run (spec §8.7): one entry per field path
//! present in the value, parents before children, each with
//! `ocrConfidence`, `logprobsConfidence` and, when enabled, `citations`
//! in the shape [`quarry_extract::citation`] defines.
//!
//! Cited line ids become citations on the parsed lines: the polygon covers
//! the words of the line that make up the value (the whole line when none
//! match, e.g. a normalised date), `referenceText` is the line. Beyond
//! Extend, every entry may carry `quarryFlags`:
//! - `citation_mismatch`: the cited text does not support the value
//!   ([`crate::check`]); `ocrConfidence` is halved;
//! - `uncited`: a non-null value without a valid citation (null confidence);
//! - `possibly_truncated`: an array filled from an answer that hit the
//!   token limit and had to be continued.
//!
//! `ocrConfidence` is the mean recognition confidence of the cited words
//! (1.0 for text layers), so an OCR'd scan reads lower than a born-digital
//! PDF. `logprobsConfidence` is the run's mean token probability when the
//! server returned logprobs, else null. Objects and arrays without citations
//! of their own inherit their children's: lowest confidence, all citations.

use std::collections::{BTreeSet, HashMap};

use quarry_extract::citation::citation;
use quarry_extract::{CitationMode, ExtractRequest};
use quarry_parse::{BBox, Document, Line, Word};
use serde_json::{Map, Value, json};

use crate::check::{agrees, word_matches};
use crate::prompt::LineRef;

/// Confidence factor for a value its citation does not support.
const MISMATCH_PENALTY: f64 = 0.5;

/// Everything the metadata is built from.
pub(crate) struct Evidence<'a> {
    pub doc: &'a Document,
    pub request: &'a ExtractRequest,
    pub citations: &'a HashMap<String, Vec<LineRef>>,
    pub possibly_truncated: &'a BTreeSet<String>,
    pub logprobs: Option<f64>,
}

/// What one entry knows before it is rendered.
#[derive(Debug, Clone, Default)]
struct Entry {
    confidence: Option<f64>,
    citations: Vec<Value>,
    flags: Vec<&'static str>,
}

/// Builds the metadata map for `value`.
pub(crate) fn build(value: &Value, ev: &Evidence) -> Map<String, Value> {
    let mut entries: Vec<(String, Entry)> = Vec::new();
    if let Some(root) = value.as_object() {
        for (key, child) in root {
            walk(child, key.clone(), ev, &mut entries);
        }
    }
    entries
        .into_iter()
        .map(|(path, e)| (path, render(e, ev)))
        .collect()
}

fn render(e: Entry, ev: &Evidence) -> Value {
    let mut out = Map::new();
    let round = |c: f64| (c * 1000.0).round() / 1000.0;
    out.insert("ocrConfidence".into(), json!(e.confidence.map(round)));
    let logprobs = e.confidence.and(ev.logprobs).map(round);
    out.insert("logprobsConfidence".into(), json!(logprobs));
    if ev.request.citations_enabled {
        out.insert("citations".into(), Value::Array(e.citations));
    }
    if !e.flags.is_empty() {
        out.insert("quarryFlags".into(), json!(e.flags));
    }
    Value::Object(out)
}

/// Adds entries for `value` at `path` and below; returns the entry of `path`.
fn walk(value: &Value, path: String, ev: &Evidence, out: &mut Vec<(String, Entry)>) -> Entry {
    let slot = out.len();
    out.push((path.clone(), Entry::default()));
    let children: Vec<Entry> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| walk(v, format!("{path}.{k}"), ev, out))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| walk(v, format!("{path}[{i}]"), ev, out))
            .collect(),
        _ => Vec::new(),
    };
    let lines = valid_lines(ev, &path);
    let mut entry = match value {
        Value::Null => Entry::default(),
        Value::Object(_) | Value::Array(_) => container(value, &lines, children, ev),
        leaf => leaf_entry(leaf, &lines, ev),
    };
    if value.is_array() && ev.possibly_truncated.contains(&path) {
        entry.flags.push("possibly_truncated");
    }
    out[slot].1 = entry.clone();
    entry
}

/// Cited lines of `path` that exist in the document.
fn valid_lines<'d>(ev: &Evidence<'d>, path: &str) -> Vec<(LineRef, &'d Line)> {
    ev.citations
        .get(path)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let line = ev.doc.pages.get(r.page)?.lines.get(r.line)?;
            Some((*r, line))
        })
        .collect()
}

fn leaf_entry(value: &Value, lines: &[(LineRef, &Line)], ev: &Evidence) -> Entry {
    if lines.is_empty() {
        return Entry {
            flags: vec!["uncited"],
            ..Entry::default()
        };
    }
    let text: Vec<&str> = lines.iter().map(|(_, l)| l.text.as_str()).collect();
    let agree = agrees(value, &text.join("\n"));
    let mut words: Vec<&Word> = Vec::new();
    let mut citations = Vec::new();
    for (r, line) in lines {
        let matched: Vec<&Word> = line
            .words
            .iter()
            .filter(|w| word_matches(value, &w.text))
            .collect();
        words.extend(if matched.is_empty() {
            line.words.iter().collect()
        } else {
            matched.clone()
        });
        citations.extend(line_citations(ev, *r, line, &matched));
    }
    let mean = if words.is_empty() {
        1.0
    } else {
        words.iter().map(|w| f64::from(w.confidence)).sum::<f64>() / words.len() as f64
    };
    Entry {
        confidence: Some(if agree { mean } else { mean * MISMATCH_PENALTY }),
        citations,
        flags: if agree {
            Vec::new()
        } else {
            vec!["citation_mismatch"]
        },
    }
}

fn container(
    value: &Value,
    lines: &[(LineRef, &Line)],
    children: Vec<Entry>,
    ev: &Evidence,
) -> Entry {
    let mut entry = Entry::default();
    for (r, line) in lines {
        entry.citations.extend(line_citations(ev, *r, line, &[]));
    }
    for child in children {
        entry.confidence = match (entry.confidence, child.confidence) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if lines.is_empty() {
            for c in child.citations {
                if !entry.citations.contains(&c) {
                    entry.citations.push(c);
                }
            }
        }
    }
    if entry.confidence.is_none() && !lines.is_empty() && !value.is_null() {
        entry.confidence = Some(1.0);
    }
    entry
}

/// Citations of one cited line in the request's citation mode; `words` are
/// the words of the value on that line (may be empty).
fn line_citations(ev: &Evidence, r: LineRef, line: &Line, words: &[&Word]) -> Vec<Value> {
    let Some(page) = ev.doc.pages.get(r.page) else {
        return Vec::new();
    };
    let file_id = ev.request.file_id.as_deref();
    match ev.request.citation_mode {
        CitationMode::Word if !words.is_empty() => words
            .iter()
            .map(|w| citation(file_id, page, &w.bbox, &w.text))
            .collect(),
        // Block mode cites the line: lines, not blocks, are what the model saw.
        _ => {
            let bbox = union(words.iter().map(|w| w.bbox)).unwrap_or(line.bbox);
            vec![citation(file_id, page, &bbox, &line.text)]
        }
    }
}

fn union(boxes: impl Iterator<Item = BBox>) -> Option<BBox> {
    boxes.reduce(|a, b| a.union(&b))
}
