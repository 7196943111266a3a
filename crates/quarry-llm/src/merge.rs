//! Combining the answers of several chunks into one value, keeping each
//! field's citations attached to wherever the field ends up.
//!
//! - objects merge key by key;
//! - arrays are concatenated in page order; an item identical to one already
//!   taken from *another* chunk is dropped (a table header row or a running
//!   total repeated on every page), while repeats within one chunk are kept
//!   (two identical line items are two line items);
//! - scalars take the value most chunks agree on, ties going to the earliest
//!   chunk, so a first page that states the invoice number wins over a
//!   later page that echoes it differently only when it is outvoted.
//!
//! Array items keep their citations under their new index. An array that
//! received items from an answer that was cut off and continued is reported
//! as possibly truncated.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::prompt::LineRef;

/// One chunk's contribution.
pub(crate) struct Part {
    pub value: Value,
    pub citations: HashMap<String, Vec<LineRef>>,
    /// The answer needed at least one continuation.
    pub continued: bool,
}

/// The merged value, its citations by final path, and the arrays that may be incomplete.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub value: Value,
    pub citations: HashMap<String, Vec<LineRef>>,
    pub possibly_truncated: BTreeSet<String>,
}

/// Merges `parts` (in page order).
pub(crate) fn merge(parts: &[Part]) -> Merged {
    let mut merged = Merged::default();
    let Some(keys) = parts.first().and_then(|p| p.value.as_object()) else {
        return merged;
    };
    let mut root = Map::new();
    for key in keys.keys() {
        let sources: Vec<Source> = parts
            .iter()
            .enumerate()
            .map(|(chunk, p)| Source {
                chunk,
                path: key.clone(),
                value: p.value.get(key).unwrap_or(&Value::Null),
            })
            .collect();
        let value = node(parts, key, &sources, &mut merged);
        root.insert(key.clone(), value);
    }
    merged.value = Value::Object(root);
    merged
}

/// Where a value came from: its chunk and its path in that chunk's answer.
struct Source<'a> {
    chunk: usize,
    path: String,
    value: &'a Value,
}

fn node(parts: &[Part], path: &str, sources: &[Source], out: &mut Merged) -> Value {
    let present: Vec<&Source> = sources.iter().filter(|s| !s.value.is_null()).collect();
    for s in &present {
        own_citations(parts, s, path, out);
    }
    match present.first().map(|s| s.value) {
        None => sources.first().map_or(Value::Null, |s| s.value.clone()),
        Some(Value::Object(first)) => {
            let mut obj = Map::new();
            for key in first.keys() {
                let children: Vec<Source> = present
                    .iter()
                    .map(|s| Source {
                        chunk: s.chunk,
                        path: format!("{}.{key}", s.path),
                        value: s.value.get(key).unwrap_or(&Value::Null),
                    })
                    .collect();
                let value = node(parts, &format!("{path}.{key}"), &children, out);
                obj.insert(key.clone(), value);
            }
            Value::Object(obj)
        }
        Some(Value::Array(_)) => array(parts, path, &present, out),
        Some(_) => scalar(parts, path, &present, out),
    }
}

fn array(parts: &[Part], path: &str, present: &[&Source], out: &mut Merged) -> Value {
    let mut items: Vec<(usize, &Value)> = Vec::new();
    for s in present {
        let Some(list) = s.value.as_array() else {
            continue;
        };
        for (i, item) in list.iter().enumerate() {
            let seen_elsewhere = items.iter().any(|(c, v)| *c != s.chunk && *v == item);
            if seen_elsewhere {
                continue;
            }
            let new_path = format!("{path}[{}]", items.len());
            subtree_citations(parts, s.chunk, &format!("{}[{i}]", s.path), &new_path, out);
            items.push((s.chunk, item));
            if parts[s.chunk].continued {
                out.possibly_truncated.insert(path.to_string());
            }
        }
    }
    Value::Array(items.into_iter().map(|(_, v)| v.clone()).collect())
}

fn scalar(parts: &[Part], path: &str, present: &[&Source], out: &mut Merged) -> Value {
    let mut best: Option<(&Value, usize)> = None;
    for s in present {
        let votes = present.iter().filter(|o| o.value == s.value).count();
        if best.is_none_or(|(_, n)| votes > n) {
            best = Some((s.value, votes));
        }
    }
    let Some((value, _)) = best else {
        return Value::Null;
    };
    // Only the chunks that said the chosen value back it with citations.
    let backing: Vec<LineRef> = present
        .iter()
        .filter(|s| s.value == value)
        .flat_map(|s| cited(parts, s.chunk, &s.path))
        .collect();
    let entry = out.citations.entry(path.to_string()).or_default();
    entry.clear();
    entry.extend(backing);
    value.clone()
}

/// Citations the model gave for an object or array itself.
fn own_citations(parts: &[Part], s: &Source, path: &str, out: &mut Merged) {
    if s.value.is_object() || s.value.is_array() {
        let lines = cited(parts, s.chunk, &s.path);
        push_lines(out, path, lines);
    }
}

/// Copies every citation at or below `from` in `chunk` to the same place below `to`.
fn subtree_citations(parts: &[Part], chunk: usize, from: &str, to: &str, out: &mut Merged) {
    for (path, lines) in &parts[chunk].citations {
        let Some(rest) = path.strip_prefix(from) else {
            continue;
        };
        if rest.is_empty() || rest.starts_with('.') || rest.starts_with('[') {
            push_lines(out, &format!("{to}{rest}"), lines.clone());
        }
    }
}

fn cited(parts: &[Part], chunk: usize, path: &str) -> Vec<LineRef> {
    parts[chunk]
        .citations
        .get(path)
        .cloned()
        .unwrap_or_default()
}

fn push_lines(out: &mut Merged, path: &str, lines: Vec<LineRef>) {
    if lines.is_empty() {
        return;
    }
    let entry = out.citations.entry(path.to_string()).or_default();
    for line in lines {
        if !entry.contains(&line) {
            entry.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(value: Value, cites: &[(&str, usize, usize)], continued: bool) -> Part {
        let mut citations: HashMap<String, Vec<LineRef>> = HashMap::new();
        for (path, page, line) in cites {
            citations
                .entry((*path).to_string())
                .or_default()
                .push(LineRef {
                    page: *page,
                    line: *line,
                });
        }
        Part {
            value,
            citations,
            continued,
        }
    }

    #[test]
    fn arrays_concatenate_across_chunks_without_cross_chunk_duplicates() {
        let a = part(
            json!({"id": "A", "items": [{"sku": "x"}, {"sku": "x"}, {"sku": "hdr"}]}),
            &[("id", 0, 0), ("items[1].sku", 0, 3)],
            false,
        );
        let b = part(
            json!({"id": null, "items": [{"sku": "hdr"}, {"sku": "y"}]}),
            &[("items[1].sku", 1, 4)],
            true,
        );
        let m = merge(&[a, b]);
        assert_eq!(
            m.value,
            json!({"id": "A", "items": [{"sku": "x"}, {"sku": "x"}, {"sku": "hdr"}, {"sku": "y"}]})
        );
        assert_eq!(
            m.citations["items[1].sku"],
            vec![LineRef { page: 0, line: 3 }]
        );
        assert_eq!(
            m.citations["items[3].sku"],
            vec![LineRef { page: 1, line: 4 }]
        );
        assert_eq!(m.citations["id"], vec![LineRef { page: 0, line: 0 }]);
        assert!(m.possibly_truncated.contains("items"));
    }

    #[test]
    fn scalars_follow_the_majority_and_keep_its_citations() {
        let parts = [
            part(json!({"n": "X"}), &[("n", 0, 0)], false),
            part(json!({"n": "Y"}), &[("n", 1, 0)], false),
            part(json!({"n": "Y"}), &[("n", 2, 0)], false),
        ];
        let m = merge(&parts);
        assert_eq!(m.value, json!({"n": "Y"}));
        assert_eq!(m.citations["n"].len(), 2);
        assert!(m.possibly_truncated.is_empty());
    }
}
