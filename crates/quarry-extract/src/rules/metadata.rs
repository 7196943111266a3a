//! Turns recorded evidence into the wire `metadata` map (spec §8.7): one
//! entry per field path present in `value` (`vendor.name`, `line_items`,
//! `line_items[0]`, `line_items[0].amount`), each with `ocrConfidence`,
//! `logprobsConfidence` (always null: no language model is involved) and,
//! when enabled, `citations` shaped by the citation mode. Objects and arrays
//! without evidence of their own inherit their children's: the lowest
//! confidence and all of their spans.

use std::collections::HashMap;

use quarry_parse::BBox;
use serde_json::{Map, Value, json};

use crate::engine::{CitationMode, ExtractRequest};
use crate::layout::{Layout, Span, Tok};

/// Why a value is believed: a confidence in 0–1 and the spans it was read from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evidence {
    pub confidence: f64,
    pub spans: Vec<Span>,
}

impl Evidence {
    fn merge(parts: impl IntoIterator<Item = Evidence>) -> Option<Evidence> {
        parts.into_iter().reduce(|mut acc, e| {
            acc.confidence = acc.confidence.min(e.confidence);
            for span in e.spans {
                if !acc.spans.contains(&span) {
                    acc.spans.push(span);
                }
            }
            acc
        })
    }
}

/// Builds the metadata map for `value` in value order.
pub(crate) fn build(
    layout: &Layout,
    value: &Value,
    evidence: &HashMap<String, Evidence>,
    request: &ExtractRequest,
) -> Map<String, Value> {
    let mut entries: Vec<(String, Option<Evidence>)> = Vec::new();
    if let Some(root) = value.as_object() {
        for (key, child) in root {
            walk(child, key.clone(), evidence, &mut entries);
        }
    }
    entries
        .into_iter()
        .map(|(path, ev)| {
            let mut entry = Map::new();
            let confidence = ev
                .as_ref()
                .map(|e| (e.confidence * 1000.0).round() / 1000.0);
            entry.insert("ocrConfidence".into(), json!(confidence));
            entry.insert("logprobsConfidence".into(), Value::Null);
            if request.citations_enabled {
                let citations = ev
                    .map(|e| citations(layout, &e.spans, request))
                    .unwrap_or_default();
                entry.insert("citations".into(), Value::Array(citations));
            }
            (path, Value::Object(entry))
        })
        .collect()
}

/// Adds entries for `value` at `path` and below (parent before children);
/// returns the evidence of `path`.
fn walk(
    value: &Value,
    path: String,
    evidence: &HashMap<String, Evidence>,
    out: &mut Vec<(String, Option<Evidence>)>,
) -> Option<Evidence> {
    let slot = out.len();
    out.push((path.clone(), None));
    let children: Vec<Evidence> = match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| walk(v, format!("{path}.{k}"), evidence, out))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| walk(v, format!("{path}[{i}]"), evidence, out))
            .collect(),
        _ => Vec::new(),
    };
    let own = evidence
        .get(&path)
        .cloned()
        .or_else(|| Evidence::merge(children));
    out[slot].1 = own.clone();
    own
}

/// The citations of `spans` in the request's citation mode.
pub(crate) fn citations(layout: &Layout, spans: &[Span], request: &ExtractRequest) -> Vec<Value> {
    let mut spans = spans.to_vec();
    spans.sort_by_key(|s| (s.line, s.toks.start));
    let mut out: Vec<Value> = Vec::new();
    let mut push = |page_index: usize, bbox: BBox, text: String| {
        let Some(page) = layout.page(page_index) else {
            return;
        };
        let size = (page.number, page.width, page.height);
        let c = crate::citation::citation_on(request.file_id.as_deref(), size, &bbox, &text);
        if !out.contains(&c) {
            out.push(c);
        }
    };
    match request.citation_mode {
        CitationMode::Line => {
            for line_id in dedup(spans.iter().map(|s| s.line)) {
                let boxes = spans
                    .iter()
                    .filter(|s| s.line == line_id)
                    .filter_map(|s| layout.bbox(s));
                let (Some(bbox), Some(line)) = (union(boxes), layout.line(line_id)) else {
                    continue;
                };
                push(line_id.page, bbox, line.text.clone());
            }
        }
        CitationMode::Word => {
            for span in &spans {
                for word in glued_words(layout.tokens(span)) {
                    let first = word[0].bbox;
                    let bbox = word.iter().fold(first, |acc, t| acc.union(&t.bbox));
                    push(span.line.page, bbox, crate::layout::join(word));
                }
            }
        }
        CitationMode::Block => {
            for block in dedup(
                spans
                    .iter()
                    .filter_map(|s| layout.line(s.line).map(|l| l.block)),
            ) {
                let Some(view) = layout.blocks.get(block) else {
                    continue;
                };
                let Some(page) = layout.page(view.page) else {
                    continue;
                };
                let lines = page.lines.get(view.lines.clone()).unwrap_or(&[]);
                let Some(bbox) = union(lines.iter().map(|l| l.bbox)) else {
                    continue;
                };
                let text = lines
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                push(view.page, bbox, text);
            }
        }
    }
    out
}

fn union(boxes: impl Iterator<Item = BBox>) -> Option<BBox> {
    boxes.reduce(|a, b| a.union(&b))
}

fn dedup<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Source words re-assembled from tokens; pure punctuation is dropped.
fn glued_words(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut words = Vec::new();
    let mut start = 0;
    for i in 1..=toks.len() {
        if i == toks.len() || !toks[i].glued {
            let word = &toks[start..i];
            if word
                .iter()
                .any(|t| t.text.chars().any(char::is_alphanumeric))
            {
                words.push(word);
            }
            start = i;
        }
    }
    words
}
