//! Schema inference for runs created without a schema (spec §8.1: "the
//! server infers a schema from the document; failure →
//! `SCHEMA_GENERATION_FAILED`").
//!
//! Without a language model the honest inference is structural: every
//! `Label: value` line becomes a nullable property named after its label in
//! snake_case (the label itself kept as `extend:name`), typed as a date,
//! number or string from how its value reads, and the first table becomes
//! an `items` array whose properties are its column headers. The result
//! always passes [`crate::validate_schema`].

use quarry_parse::Document;
use serde_json::{Map, Value, json};

use crate::engine::ExtractError;
use crate::layout::{Delim, Layout, Span};
use crate::pairs::{PairKind, find_pairs};
use crate::rules::words;
use crate::values::{looks_numeric, parse_date};

/// Most properties an inferred schema gets; later labels are ignored.
const MAX_INFERRED_PROPERTIES: usize = 200;
/// Values with more words than this are prose, never dates.
const MAX_DATE_WORDS: usize = 4;

/// Builds a dialect schema from the document's `Label: value` lines.
pub fn infer_schema(doc: &Document) -> Result<Value, ExtractError> {
    let layout = Layout::new(doc);
    let mut props = Map::new();
    for pair in find_pairs(&layout)
        .iter()
        .filter(|p| p.kind == PairKind::Colon)
    {
        let Some(value) = &pair.value else { continue };
        let text = layout.text(value);
        let key = snake_key(&pair.label_text);
        if text.trim().is_empty() || key.is_empty() || props.contains_key(&key) {
            continue;
        }
        if props.len() >= MAX_INFERRED_PROPERTIES {
            break;
        }
        let mut node = match guess_type(&text) {
            "date" => json!({"type": ["string", "null"], "extend:type": "date"}),
            ty => json!({"type": [ty, "null"]}),
        };
        if let Some(obj) = node.as_object_mut() {
            obj.insert("extend:name".into(), json!(pair.label_text.trim()));
        }
        props.insert(key, node);
    }
    if let Some(items) = infer_table(&layout) {
        let key = ["items", "table_items"]
            .into_iter()
            .find(|k| !props.contains_key(*k))
            .unwrap_or("table_rows");
        props.insert(key.to_string(), json!({"type": "array", "items": items}));
    }
    if props.is_empty() {
        return Err(ExtractError::SchemaGeneration(
            "no \"Label: value\" lines were found to infer fields from; provide config.schema"
                .into(),
        ));
    }
    let required: Vec<Value> = props.keys().map(|k| json!(k)).collect();
    let schema = json!({
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": false,
    });
    crate::validate_schema(&schema)
        .map_err(|e| ExtractError::SchemaGeneration(format!("inferred schema is invalid: {e}")))?;
    Ok(schema)
}

/// Fewest columns a header line needs to be taken for a table's header.
const MIN_TABLE_COLUMNS: usize = 3;
/// Rows (lines with numbers under a header) a table needs.
const MIN_TABLE_ROWS: usize = 2;

/// The item schema of the document's first table: a line of at least three
/// short text cells (no digits, no colon) followed by at least two lines
/// that hold numbers. Each header cell becomes a property named after it
/// (`extend:name` keeps the printed header, so the rules engine maps the
/// column back), typed from the cell under it in the first row.
fn infer_table(layout: &Layout) -> Option<Value> {
    let ids: Vec<_> = layout.line_ids().collect();
    for (n, id) in ids.iter().enumerate() {
        let line = layout.line(*id)?;
        let cells = line.cells(0..line.toks.len(), Delim::Gap);
        let texts: Vec<String> = cells
            .iter()
            .map(|c| {
                layout.text(&Span {
                    line: *id,
                    toks: c.clone(),
                })
            })
            .collect();
        let header_like = texts.len() >= MIN_TABLE_COLUMNS
            && texts.iter().all(|t| {
                t.split_whitespace().count() <= 3
                    && !t.chars().any(|c| c.is_ascii_digit() || c == ':')
                    && t.chars().any(char::is_alphabetic)
            });
        if !header_like {
            continue;
        }
        let rows: Vec<_> = ids[n + 1..]
            .iter()
            .take_while(|r| r.page == id.page)
            .take(MIN_TABLE_ROWS)
            .filter_map(|r| layout.line(*r).map(|l| (*r, l)))
            .filter(|(_, l)| l.text.chars().any(|c| c.is_ascii_digit()))
            .collect();
        if rows.len() < MIN_TABLE_ROWS {
            continue;
        }
        let (first_id, first) = rows[0];
        let row_cells = first.cells(0..first.toks.len(), Delim::Gap);
        let mut props = Map::new();
        for (cell, text) in cells.iter().zip(&texts) {
            let key = snake_key(text);
            if key.is_empty() || props.contains_key(&key) {
                continue;
            }
            let header_box = layout.bbox(&Span {
                line: *id,
                toks: cell.clone(),
            })?;
            let under = row_cells.iter().find(|c| {
                layout
                    .bbox(&Span {
                        line: first_id,
                        toks: (*c).clone(),
                    })
                    .is_some_and(|b| b.left < header_box.right && header_box.left < b.right)
            });
            let ty = under
                .map(|c| {
                    guess_type(&layout.text(&Span {
                        line: first_id,
                        toks: c.clone(),
                    }))
                })
                .unwrap_or("string");
            let mut node = match ty {
                "date" => json!({"type": ["string", "null"], "extend:type": "date"}),
                ty => json!({"type": [ty, "null"]}),
            };
            if let Some(obj) = node.as_object_mut() {
                obj.insert("extend:name".into(), json!(text));
            }
            props.insert(key, node);
        }
        if props.len() >= MIN_TABLE_COLUMNS {
            return Some(json!({"type": "object", "properties": props}));
        }
    }
    None
}

/// `Invoice No.` → `invoice_number`; non-ASCII letters are dropped.
fn snake_key(label: &str) -> String {
    words(label)
        .iter()
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

fn guess_type(value: &str) -> &'static str {
    if value.split_whitespace().count() <= MAX_DATE_WORDS && parse_date(value).is_some() {
        "date"
    } else if looks_numeric(value) {
        "number"
    } else {
        "string"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_snake_case_words_of_the_label() {
        assert_eq!(snake_key("Invoice No."), "invoice_number");
        assert_eq!(snake_key("PO #"), "po_number");
        assert_eq!(snake_key("Straße"), "strae");
    }

    #[test]
    fn types_are_guessed_from_values() {
        assert_eq!(guess_type("March 5, 2024"), "date");
        assert_eq!(guess_type("$1,234.56"), "number");
        assert_eq!(guess_type("Acme GmbH"), "string");
        assert_eq!(
            guess_type("Paid on March 5, 2024 by wire transfer"),
            "string"
        );
    }
}
