//! The last gate before a run is marked PROCESSED: the extracted `value`
//! must conform to the run's schema (spec §8.7), checked by the `jsonschema`
//! crate rather than by hand.
//!
//! The dialect's `extend:*` keywords are stripped first, and objects without
//! `required` get every property required, because the output contract says
//! every schema property is present (null when not found).

use serde_json::{Map, Value};

/// Why an output does not conform to its schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    /// The schema could not be compiled by the validator.
    #[error("schema cannot be compiled for output validation: {0}")]
    InvalidSchema(String),
    /// The value breaks the schema at `path` (field-path notation, empty for the root).
    #[error("output does not match the schema at \"{path}\": {message}")]
    Mismatch { path: String, message: String },
}

/// Checks `value` against `schema` (a dialect schema) with JSON Schema 2020-12 semantics.
pub fn validate_output(schema: &Value, value: &Value) -> Result<(), OutputError> {
    let normalized = normalize(schema);
    let validator = jsonschema::draft202012::new(&normalized)
        .map_err(|e| OutputError::InvalidSchema(e.to_string()))?;
    match validator.iter_errors(value).next() {
        None => Ok(()),
        Some(err) => Err(OutputError::Mismatch {
            path: field_path(value, err.instance_path().as_str()),
            message: err.to_string(),
        }),
    }
}

/// Drops `extend:*` and `$schema`, and makes every property of every object required.
fn normalize(node: &Value) -> Value {
    let Some(obj) = node.as_object() else {
        return node.clone();
    };
    let mut out = Map::new();
    for (key, value) in obj {
        if key.starts_with("extend:")
            || key == "$schema"
            || crate::schema::keywords::GUIDANCE_ONLY.contains(&key.as_str())
        {
            continue;
        }
        let value = match key.as_str() {
            "properties" => match value.as_object() {
                Some(props) => Value::Object(
                    props
                        .iter()
                        .map(|(k, v)| (k.clone(), normalize(v)))
                        .collect(),
                ),
                None => value.clone(),
            },
            "items" => normalize(value),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        let required = props.keys().map(|k| Value::String(k.clone())).collect();
        out.entry("required").or_insert(Value::Array(required));
    }
    Value::Object(out)
}

/// Turns a JSON pointer into the metadata path notation (`line_items[0].amount`).
fn field_path(value: &Value, pointer: &str) -> String {
    let mut path = String::new();
    let mut current = Some(value);
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        match (current, segment.parse::<usize>()) {
            (Some(Value::Array(items)), Ok(index)) => {
                path.push_str(&format!("[{index}]"));
                current = items.get(index);
            }
            (node, _) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&segment);
                current = node.and_then(|n| n.get(&segment));
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "properties": {
            "due": {"type": ["string", "null"], "extend:type": "date"},
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "qty": {"type": ["integer", "null"]}
            }}}
        }})
    }

    #[test]
    fn conforming_output_passes() {
        let value = json!({"due": null, "items": [{"qty": 2}]});
        assert_eq!(validate_output(&schema(), &value), Ok(()));
    }

    #[test]
    fn wrong_type_is_reported_with_a_field_path() {
        let value = json!({"due": null, "items": [{"qty": "two"}]});
        match validate_output(&schema(), &value) {
            Err(OutputError::Mismatch { path, .. }) => assert_eq!(path, "items[0].qty"),
            other => panic!("expected a mismatch, got {other:?}"),
        }
    }

    #[test]
    fn missing_property_fails_even_without_required() {
        let value = json!({"items": []});
        assert!(matches!(
            validate_output(&schema(), &value),
            Err(OutputError::Mismatch { .. })
        ));
    }
}
