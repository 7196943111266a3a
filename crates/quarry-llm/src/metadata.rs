//! The wire `metadata` of a model-produced value (spec §8.7): one entry per
//! field path present in the value, parents before children, each with
//! `ocrConfidence`, `logprobsConfidence` and, when enabled, `citations` in
//! the shape [`quarry_extract::citation`] defines.
//!
//! Citations come from the parse ([`crate::locate`]): the polygon covers the
//! words that make up the value, `referenceText` is their line. Beyond
//! Extend, an entry may carry `quarryFlags`:
//! - `uncited`: a printed value (string or number) whose words are not on
//!   the pages the model saw: probably misread or invented, so its
//!   `ocrConfidence` is a low [`UNCITED_CONFIDENCE`];
//! - `possibly_truncated`: an array filled from an answer that hit the
//!   token limit (continued, or cut where the model started repeating).
//!
//! `ocrConfidence` is the mean recognition confidence of the value's words
//! (1.0 for text layers) times how much of the value they cover (an OCR
//! misread found by fuzzy matching covers less than all of it), so an OCR'd
//! scan reads lower than a born-digital PDF. Booleans and other judgements
//! have no words and a null confidence. `logprobsConfidence` is the run's
//! mean token probability when the server returned logprobs, else null.
//! Objects and arrays inherit their children's: lowest confidence, all
//! citations.

use std::collections::{BTreeSet, HashMap};

use quarry_extract::citation::citation;
use quarry_extract::{CitationMode, ExtractRequest};
use quarry_parse::{BBox, Document, Word};
use serde_json::{Map, Value, json};

use crate::check::is_printed;
use crate::locate::Hit;

/// The confidence of a value that could not be found on the page.
pub(crate) const UNCITED_CONFIDENCE: f64 = 0.1;

/// Everything the metadata is built from.
pub(crate) struct Evidence<'a> {
    pub doc: &'a Document,
    pub request: &'a ExtractRequest,
    pub hits: &'a HashMap<String, Hit>,
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
    let mut entry = match value {
        Value::Object(_) | Value::Array(_) => container(children),
        leaf if is_printed(leaf) => leaf_entry(ev.hits.get(&path), ev),
        _ => Entry::default(),
    };
    if value.is_array() && ev.possibly_truncated.contains(&path) {
        entry.flags.push("possibly_truncated");
    }
    out[slot].1 = entry.clone();
    entry
}

fn leaf_entry(hit: Option<&Hit>, ev: &Evidence) -> Entry {
    let Some(hit) = hit else {
        return Entry {
            confidence: Some(UNCITED_CONFIDENCE),
            flags: vec!["uncited"],
            ..Entry::default()
        };
    };
    let mut words: Vec<&Word> = Vec::new();
    let mut citations = Vec::new();
    for (at, indices) in &hit.lines {
        let Some(page) = ev.doc.pages.get(at.page) else {
            continue;
        };
        let Some(line) = page.lines.get(at.line) else {
            continue;
        };
        let matched: Vec<&Word> = indices.iter().filter_map(|&i| line.words.get(i)).collect();
        citations.extend(line_citations(ev, page, &line.text, &matched));
        words.extend(matched);
    }
    let mean = if words.is_empty() {
        1.0
    } else {
        words.iter().map(|w| f64::from(w.confidence)).sum::<f64>() / words.len() as f64
    };
    Entry {
        confidence: Some(mean * hit.coverage),
        citations,
        flags: Vec::new(),
    }
}

fn container(children: Vec<Entry>) -> Entry {
    let mut entry = Entry::default();
    for child in children {
        entry.confidence = match (entry.confidence, child.confidence) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for c in child.citations {
            if !entry.citations.contains(&c) {
                entry.citations.push(c);
            }
        }
    }
    entry
}

/// Citations of the value's words on one line in the request's citation
/// mode: one per word (`word`), or one around them all, labelled with the
/// line (`line`, and `block`: lines are what the model's text was made of).
fn line_citations(
    ev: &Evidence,
    page: &quarry_parse::Page,
    line_text: &str,
    words: &[&Word],
) -> Vec<Value> {
    let file_id = ev.request.file_id.as_deref();
    match ev.request.citation_mode {
        CitationMode::Word => words
            .iter()
            .map(|w| citation(file_id, page, &w.bbox, &w.text))
            .collect(),
        _ => union(words.iter().map(|w| w.bbox))
            .map(|bbox| vec![citation(file_id, page, &bbox, line_text)])
            .unwrap_or_default(),
    }
}

fn union(boxes: impl Iterator<Item = BBox>) -> Option<BBox> {
    boxes.reduce(|a, b| a.union(&b))
}
