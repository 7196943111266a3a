//! Combining the answers of several requests (chunks of pages, or the
//! pages of a table the hybrid engine reads one by one) into one value.
//!
//! - objects merge key by key;
//! - arrays are concatenated in page order; an item identical to one already
//!   taken from *another* part is dropped (a table header row or a running
//!   total repeated on every page), while repeats within one part are kept
//!   (two identical line items are two line items);
//! - scalars take the value most parts agree on, ties going to the earliest
//!   part, so a first page that states the invoice number wins over a
//!   later page that echoes it differently only when it is outvoted.
//!
//! An array that received items from an answer that was cut off is reported
//! as possibly truncated. Citations are computed afterwards on the merged
//! value ([`crate::locate`]), so nothing here tracks where a value came from.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// One request's contribution.
pub(crate) struct Part {
    pub value: Value,
    /// The answer was cut off (continued, or cut where it began repeating).
    pub truncated: bool,
}

/// The merged value and the arrays that may be incomplete.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub value: Value,
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
            .map(|(part, p)| Source {
                part,
                value: p.value.get(key).unwrap_or(&Value::Null),
            })
            .collect();
        let value = node(parts, key, &sources, &mut merged);
        root.insert(key.clone(), value);
    }
    merged.value = Value::Object(root);
    merged
}

/// A value and the part it came from.
struct Source<'a> {
    part: usize,
    value: &'a Value,
}

fn node(parts: &[Part], path: &str, sources: &[Source], out: &mut Merged) -> Value {
    let present: Vec<&Source> = sources.iter().filter(|s| !s.value.is_null()).collect();
    match present.first().map(|s| s.value) {
        None => sources.first().map_or(Value::Null, |s| s.value.clone()),
        Some(Value::Object(first)) => {
            let mut obj = Map::new();
            for key in first.keys() {
                let children: Vec<Source> = present
                    .iter()
                    .map(|s| Source {
                        part: s.part,
                        value: s.value.get(key).unwrap_or(&Value::Null),
                    })
                    .collect();
                let value = node(parts, &format!("{path}.{key}"), &children, out);
                obj.insert(key.clone(), value);
            }
            Value::Object(obj)
        }
        Some(Value::Array(_)) => array(parts, path, &present, out),
        Some(_) => scalar(&present),
    }
}

fn array(parts: &[Part], path: &str, present: &[&Source], out: &mut Merged) -> Value {
    let mut items: Vec<(usize, &Value)> = Vec::new();
    for s in present {
        let Some(list) = s.value.as_array() else {
            continue;
        };
        for item in list {
            if items.iter().any(|(p, v)| *p != s.part && *v == item) {
                continue;
            }
            items.push((s.part, item));
            if parts[s.part].truncated {
                out.possibly_truncated.insert(path.to_string());
            }
        }
    }
    Value::Array(items.into_iter().map(|(_, v)| v.clone()).collect())
}

fn scalar(present: &[&Source]) -> Value {
    let mut best: Option<(&Value, usize)> = None;
    for s in present {
        let votes = present.iter().filter(|o| o.value == s.value).count();
        if best.is_none_or(|(_, n)| votes > n) {
            best = Some((s.value, votes));
        }
    }
    best.map_or(Value::Null, |(v, _)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(value: Value, truncated: bool) -> Part {
        Part { value, truncated }
    }

    #[test]
    fn arrays_concatenate_across_parts_without_cross_part_duplicates() {
        let a = part(
            json!({"id": "A", "items": [{"sku": "x"}, {"sku": "x"}, {"sku": "hdr"}]}),
            false,
        );
        let b = part(
            json!({"id": null, "items": [{"sku": "hdr"}, {"sku": "y"}]}),
            true,
        );
        let m = merge(&[a, b]);
        assert_eq!(
            m.value,
            json!({"id": "A", "items": [{"sku": "x"}, {"sku": "x"}, {"sku": "hdr"}, {"sku": "y"}]})
        );
        assert!(m.possibly_truncated.contains("items"));
    }

    #[test]
    fn scalars_follow_the_majority() {
        let parts = [
            part(json!({"n": "X"}), false),
            part(json!({"n": "Y"}), false),
            part(json!({"n": "Y"}), false),
        ];
        let m = merge(&parts);
        assert_eq!(m.value, json!({"n": "Y"}));
        assert!(m.possibly_truncated.is_empty());
    }
}
