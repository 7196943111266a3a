//! Reading the model's answer text as the value and making it fit the
//! schema.
//!
//! Servers without strict structured output (Ollama, llama.cpp without a
//! grammar, Anthropic's text continuation) may wrap the JSON in a code fence,
//! wrap the value in `{"value": …}`, omit properties or write `"12.50"` for a
//! number. Fences and the wrapper are removed; [`conform`] fills missing
//! properties with null (arrays with `[]`), drops properties the schema does
//! not have, and coerces what is unambiguous (numeric strings, whole floats
//! for integers); a value that still does not fit becomes null rather than
//! failing the whole run. Text that is not a JSON object is a malformed
//! answer.

use serde_json::{Map, Number, Value};

use crate::error::LlmError;

/// Parses answer text into the conformed value; `Err` carries a message for
/// the run's failure.
pub(crate) fn parse(text: &str, schema: &Value) -> Result<Value, LlmError> {
    let json = strip_fence(text);
    let parsed: Value = serde_json::from_str(json)
        .map_err(|e| LlmError::Malformed(format!("the model's answer is not valid JSON ({e})")))?;
    let Some(object) = parsed.as_object() else {
        return Err(LlmError::Malformed(
            "the model's answer is not a JSON object".into(),
        ));
    };
    let schema_has_value = schema
        .get("properties")
        .is_some_and(|p| p.get("value").is_some());
    let value = match object.get("value") {
        Some(inner) if inner.is_object() && !schema_has_value => inner,
        _ => &parsed,
    };
    Ok(conform(schema, value))
}

/// The JSON inside a ```` ```json ```` fence, or the text itself.
fn strip_fence(text: &str) -> &str {
    let t = text.trim();
    let Some(rest) = t.strip_prefix("```") else {
        return t;
    };
    let body = rest.split_once('\n').map_or("", |(_, b)| b);
    body.trim_end().strip_suffix("```").unwrap_or(body).trim()
}

/// `value` reshaped to `schema` (see the module docs).
pub(crate) fn conform(schema: &Value, value: &Value) -> Value {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let given = value.as_object();
        let out: Map<String, Value> = props
            .iter()
            .map(|(key, child)| {
                let v = given.and_then(|g| g.get(key)).unwrap_or(&Value::Null);
                (key.clone(), conform(child, v))
            })
            .collect();
        return match value {
            Value::Object(_) => Value::Object(out),
            _ if is_nullable(schema) => Value::Null,
            _ => Value::Object(out),
        };
    }
    if is_type(schema, "array") {
        let items = schema.get("items").unwrap_or(&Value::Null);
        return match value {
            Value::Array(list) => Value::Array(
                list.iter()
                    .map(|v| conform(items, v))
                    .filter(|v| !v.is_null() || is_nullable(items))
                    .collect(),
            ),
            _ => Value::Array(Vec::new()),
        };
    }
    leaf(schema, value)
}

fn leaf(schema: &Value, value: &Value) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        return if allowed.contains(value) {
            value.clone()
        } else {
            Value::Null
        };
    }
    let number = || match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse::<f64>().ok(),
        _ => None,
    };
    if is_type(schema, "integer") {
        return number()
            .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            .map_or(Value::Null, |n| Value::from(n as i64));
    }
    if is_type(schema, "number") {
        return number()
            .and_then(Number::from_f64)
            .map_or(Value::Null, Value::Number);
    }
    if is_type(schema, "boolean") {
        return match value {
            Value::Bool(_) => value.clone(),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
            _ => Value::Null,
        };
    }
    if is_type(schema, "string") {
        return match value {
            Value::String(_) => value.clone(),
            Value::Number(n) => Value::String(n.to_string()),
            _ => Value::Null,
        };
    }
    value.clone()
}

/// Whether the node's `type` is or includes `name`.
fn is_type(schema: &Value, name: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(ts)) => ts.iter().any(|t| t == name),
        _ => false,
    }
}

fn is_nullable(schema: &Value) -> bool {
    is_type(schema, "null") || schema.get("enum").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "properties": {
            "total": {"type": ["number", "null"]},
            "count": {"type": ["integer", "null"]},
            "kind": {"enum": ["a", null]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "vendor": {"type": ["object", "null"], "properties": {"name": {"type": ["string", "null"]}}}
        }})
    }

    #[test]
    fn fenced_answers_are_read_and_values_conformed() {
        let text = "```json\n{\"total\": \"1,234.50\", \"count\": 2.0, \"kind\": \"z\", \
                    \"tags\": [\"x\", null], \"extra\": 1}\n```";
        let value = parse(text, &schema()).expect("parses");
        assert_eq!(
            value,
            json!({"total": 1234.5, "count": 2, "kind": null, "tags": ["x"], "vendor": null})
        );
        let wrapped = parse("{\"value\": {\"total\": 5}}", &schema()).expect("parses");
        assert_eq!(wrapped["total"], json!(5.0));
    }

    #[test]
    fn non_json_and_missing_value_are_malformed() {
        assert!(matches!(
            parse("{\"value\": {", &schema()),
            Err(LlmError::Malformed(_))
        ));
        assert!(matches!(
            parse("[1, 2]", &schema()),
            Err(LlmError::Malformed(_))
        ));
    }
}
