//! The extraction schema as the model servers accept it.
//!
//! Quarry's dialect (spec §8.5) carries `extend:*` keywords and guidance-only
//! constraints that OpenAI's strict structured output, vLLM's guided
//! decoding and Anthropic's `input_schema` either reject or ignore. The
//! translation keeps only the portable core (`type`, `properties`, `items`,
//! `enum`, `required`, `additionalProperties`, `description`), makes every
//! property required and every object closed (what strict mode demands),
//! and folds everything else into `description` so the model still sees it:
//! `extend:type: date` becomes "ISO 8601 date (YYYY-MM-DD)", `extend:name`
//! and `extend:descriptions` become text, constraints such as `minimum`
//! become "minimum: 0".
//!
//! The model answers the value only; citations are computed from the parse
//! ([`crate::locate`]).

use serde_json::{Map, Value, json};

/// Keywords copied as they are; the rest is described or dropped.
const PORTABLE: &[&str] = &["type", "enum", "additionalProperties", "description"];
/// Keywords that are only bookkeeping and say nothing to the model.
const SILENT: &[&str] = &[
    "$schema",
    "$comment",
    "title",
    "required",
    "properties",
    "items",
];

/// One dialect node as portable JSON Schema.
pub(crate) fn translate(node: &Value) -> Value {
    let Some(obj) = node.as_object() else {
        return node.clone();
    };
    let mut out = Map::new();
    let mut notes: Vec<String> = Vec::new();
    for (key, value) in obj {
        if PORTABLE.contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        } else if !SILENT.contains(&key.as_str())
            && let Some(note) = describe(key, value)
        {
            notes.push(note);
        }
    }
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        let translated: Map<String, Value> = props
            .iter()
            .map(|(k, v)| (k.clone(), translate(v)))
            .collect();
        let required: Vec<Value> = props.keys().map(|k| json!(k)).collect();
        out.insert("properties".into(), Value::Object(translated));
        out.insert("required".into(), Value::Array(required));
        out.insert("additionalProperties".into(), json!(false));
    }
    if let Some(items) = obj.get("items") {
        out.insert("items".into(), translate(items));
    }
    if out.contains_key("enum") && !out.contains_key("type") {
        out.insert("type".into(), json!(["string", "null"]));
    }
    if !notes.is_empty() {
        let mut text = out
            .get("description")
            .and_then(Value::as_str)
            .map(|d| format!("{d} "))
            .unwrap_or_default();
        text.push_str(&notes.join("; "));
        out.insert("description".into(), json!(text.trim()));
    }
    Value::Object(out)
}

/// A short text for a keyword the providers do not get as a keyword.
fn describe(key: &str, value: &Value) -> Option<String> {
    match (key, value) {
        ("extend:type", Value::String(t)) if t == "date" => {
            Some("ISO 8601 date (YYYY-MM-DD)".into())
        }
        ("extend:type", Value::String(t)) if t == "currency" => {
            Some("money amount with its ISO 4217 currency code".into())
        }
        ("extend:type", Value::String(t)) => Some(format!("a {t}")),
        ("extend:name", Value::String(name)) => Some(format!("labelled \"{name}\"")),
        ("extend:descriptions", Value::Array(texts)) => Some(format!(
            "enum meanings, in order: {}",
            texts
                .iter()
                .map(|t| t.as_str().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        )),
        (_, Value::Null) => None,
        (key, value) => Some(format!("{key}: {value}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_keywords_become_descriptions_and_objects_are_closed() {
        let schema = json!({"type": "object", "properties": {
            "due": {"type": ["string", "null"], "extend:type": "date", "description": "Due date"},
            "kind": {"enum": ["a", "b", null], "extend:descriptions": ["Alpha", "Beta"]},
            "qty": {"type": ["integer", "null"], "minimum": 0},
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "sku": {"type": ["string", "null"], "extend:name": "Article"}
            }}}
        }});
        let t = translate(&schema);
        assert_eq!(t["required"], json!(["due", "kind", "qty", "items"]));
        assert_eq!(t["additionalProperties"], json!(false));
        let due = &t["properties"]["due"];
        assert_eq!(due["description"], "Due date ISO 8601 date (YYYY-MM-DD)");
        assert!(due.get("extend:type").is_none());
        assert_eq!(t["properties"]["kind"]["type"], json!(["string", "null"]));
        assert!(
            t["properties"]["kind"]["description"]
                .as_str()
                .is_some_and(|d| d.contains("Alpha | Beta"))
        );
        assert_eq!(t["properties"]["qty"]["description"], "minimum: 0");
        let item = &t["properties"]["items"]["items"];
        assert_eq!(item["required"], json!(["sku"]));
        assert_eq!(
            item["properties"]["sku"]["description"],
            "labelled \"Article\""
        );
    }
}
