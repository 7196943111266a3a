//! Reading the model's answer text as `{value, citations}` and making the
//! value fit the schema.
//!
//! Servers without strict structured output (Ollama, llama.cpp without a
//! grammar, Anthropic's text continuation) may wrap the JSON in a code fence,
//! omit properties or write `"12.50"` for a number. Fences are stripped;
//! [`conform`] fills missing properties with null (arrays with `[]`), drops
//! properties the schema does not have, and coerces what is unambiguous
//! (numeric strings, whole floats for integers); a value that still does not
//! fit becomes null rather than failing the whole run. Text that is not JSON
//! at all, or JSON without a `value` object, is a malformed answer.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

use crate::error::LlmError;
use crate::prompt::LineRef;

/// A parsed answer for one chunk.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub value: Value,
    /// Field path → cited lines, in the chunk's own paths.
    pub citations: HashMap<String, Vec<LineRef>>,
}

/// Parses answer text; `Err` carries a message for the run's failure.
pub(crate) fn parse(text: &str, schema: &Value) -> Result<Answer, LlmError> {
    let json = strip_fence(text);
    let parsed: Value = serde_json::from_str(json)
        .map_err(|e| LlmError::Malformed(format!("the model's answer is not valid JSON ({e})")))?;
    let Some(value) = parsed.get("value").filter(|v| v.is_object()) else {
        return Err(LlmError::Malformed(
            "the model's answer has no \"value\" object".into(),
        ));
    };
    let mut citations: HashMap<String, Vec<LineRef>> = HashMap::new();
    for c in parsed["citations"].as_array().into_iter().flatten() {
        let Some(path) = c["path"].as_str() else {
            continue;
        };
        let lines = c["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str().and_then(LineRef::parse));
        let entry = citations.entry(path.trim().to_string()).or_default();
        for line in lines {
            if !entry.contains(&line) {
                entry.push(line);
            }
        }
    }
    Ok(Answer {
        value: conform(schema, value),
        citations,
    })
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
        let text = "```json\n{\"value\": {\"total\": \"1,234.50\", \"count\": 2.0, \"kind\": \"z\", \
                    \"tags\": [\"x\", null], \"extra\": 1}, \"citations\": [{\"path\": \"total\", \
                    \"lines\": [\"p1:l2\", \"[p1:l2]\", \"bogus\"]}]}\n```";
        let answer = parse(text, &schema()).expect("parses");
        assert_eq!(
            answer.value,
            json!({"total": 1234.5, "count": 2, "kind": null, "tags": ["x"], "vendor": null})
        );
        assert_eq!(
            answer.citations["total"],
            vec![LineRef { page: 0, line: 1 }]
        );
    }

    #[test]
    fn non_json_and_missing_value_are_malformed() {
        assert!(matches!(
            parse("{\"value\": {", &schema()),
            Err(LlmError::Malformed(_))
        ));
        assert!(matches!(
            parse("{\"citations\": []}", &schema()),
            Err(LlmError::Malformed(_))
        ));
    }
}
