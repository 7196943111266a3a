//! Schema inference for runs created without a schema (spec §8.1: "the
//! server infers a schema from the document; failure →
//! `SCHEMA_GENERATION_FAILED`").
//!
//! Without a language model the honest inference is structural: every
//! `Label: value` line becomes a nullable property named after its label in
//! snake_case (the label itself kept as `extend:name`), typed as a date,
//! number or string from how its value reads. The result always passes
//! [`crate::validate_schema`].

use quarry_parse::Document;
use serde_json::{Map, Value, json};

use crate::engine::ExtractError;
use crate::layout::Layout;
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
