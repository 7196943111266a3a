//! Keyword-level rules of the schema dialect: which keywords exist at all,
//! which belong to which node type, and the shape of `enum`, `required` and
//! the annotation keywords. Kept apart from the tree walk so each rule reads
//! as one small function with its own error message.

use serde_json::{Map, Value};

use super::{Position, SchemaError};

/// Keywords the dialect rejects outright (composition, references,
/// recursion, regexes, conditionals, constants).
const UNSUPPORTED: &[&str] = &[
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "$ref",
    "$defs",
    "definitions",
    "$dynamicRef",
    "$recursiveRef",
    "pattern",
    "patternProperties",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "const",
];

/// Every keyword the dialect accepts on some node.
const KNOWN: &[&str] = &[
    "type",
    "properties",
    "items",
    "enum",
    "required",
    "additionalProperties",
    "description",
    "title",
    "default",
    "format",
    "examples",
    "$comment",
    "$schema",
    "extend:name",
    "extend:descriptions",
    "extend:type",
    // Value constraints are accepted as guidance for the engine; outputs are
    // not failed over them (see output.rs), matching the hosted API, which
    // rejects only the keywords in UNSUPPORTED.
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// Constraint keywords that guide extraction but never fail an output.
pub(crate) const GUIDANCE_ONLY: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "format",
];

/// Rejects unsupported and unknown keywords and mistyped annotations.
pub(super) fn check(obj: &Map<String, Value>, path: &str) -> Result<(), SchemaError> {
    for key in obj.keys() {
        if UNSUPPORTED.contains(&key.as_str()) {
            return Err(SchemaError::new(
                path,
                format!(r#"Unsupported keyword "{key}" is not allowed"#),
            ));
        }
        if !KNOWN.contains(&key.as_str()) {
            return Err(SchemaError::new(
                path,
                format!(
                    r#"Unknown keyword "{key}"; supported keywords are {}"#,
                    KNOWN.join(", ")
                ),
            ));
        }
    }
    for key in [
        "description",
        "title",
        "extend:name",
        "extend:type",
        "format",
        "$comment",
    ] {
        if obj.get(key).is_some_and(|v| !v.is_string()) {
            return Err(SchemaError::new(
                path,
                format!(r#""{key}" must be a string"#),
            ));
        }
    }
    Ok(())
}

/// Rejects `keys` on a node of type `type_name`.
pub(super) fn only_on(
    obj: &Map<String, Value>,
    path: &str,
    type_name: &str,
    keys: &[&str],
) -> Result<(), SchemaError> {
    match keys.iter().find(|k| obj.contains_key(**k)) {
        Some(key) => Err(SchemaError::new(
            path,
            format!(r#""{key}" is not allowed on a schema of type "{type_name}""#),
        )),
        None => Ok(()),
    }
}

/// Checks an enum node: strings only, `null` included, not an array item,
/// and `extend:descriptions` (if any) one per non-null value.
pub(super) fn check_enum(
    obj: &Map<String, Value>,
    path: &str,
    pos: Position,
) -> Result<(), SchemaError> {
    if pos == Position::ArrayItem {
        return Err(SchemaError::new(
            path,
            "Enums are not allowed as array items",
        ));
    }
    if pos == Position::Root {
        return Err(SchemaError::new(path, "The root schema cannot be an enum"));
    }
    only_on(
        obj,
        path,
        "enum",
        &[
            "properties",
            "items",
            "required",
            "additionalProperties",
            "extend:type",
        ],
    )?;
    let string_typed = match obj.get("type") {
        None => true,
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().all(|t| t == "string" || t == "null"),
        Some(_) => false,
    };
    if !string_typed {
        return Err(SchemaError::new(
            path,
            r#"An enum's "type" may only be "string" or ["string", "null"]"#,
        ));
    }
    let Some(values) = obj.get("enum").and_then(Value::as_array) else {
        return Err(SchemaError::new(
            path,
            r#""enum" must be an array such as ["a", "b", null]"#,
        ));
    };
    let mut options: Vec<&str> = Vec::new();
    let mut has_null = false;
    for value in values {
        match value {
            Value::Null => has_null = true,
            Value::String(s) if options.contains(&s.as_str()) => {
                return Err(SchemaError::new(
                    path,
                    format!(r#"Enum value "{s}" is listed twice"#),
                ));
            }
            Value::String(s) => options.push(s),
            other => {
                return Err(SchemaError::new(
                    path,
                    format!("Enum values must be strings (or null); found {other}"),
                ));
            }
        }
    }
    if !has_null {
        return Err(SchemaError::new(
            path,
            r#"Enum must include null, e.g. ["a", "b", null]"#,
        ));
    }
    if options.is_empty() {
        return Err(SchemaError::new(
            path,
            "Enum must list at least one string value besides null",
        ));
    }
    match obj.get("extend:descriptions") {
        None => Ok(()),
        Some(Value::Array(descs)) if descs.iter().all(Value::is_string) => {
            if descs.len() == options.len() {
                Ok(())
            } else {
                Err(SchemaError::new(
                    path,
                    format!(
                        r#""extend:descriptions" has {} entries but the enum has {} non-null values"#,
                        descs.len(),
                        options.len()
                    ),
                ))
            }
        }
        Some(_) => Err(SchemaError::new(
            path,
            r#""extend:descriptions" must be an array of strings"#,
        )),
    }
}

/// Checks that `required` (if present) lists existing property keys once each.
pub(super) fn check_required(
    obj: &Map<String, Value>,
    props: &Map<String, Value>,
    path: &str,
) -> Result<(), SchemaError> {
    let Some(required) = obj.get("required") else {
        return Ok(());
    };
    let Some(required) = required.as_array() else {
        return Err(SchemaError::new(
            path,
            r#""required" must be an array of property keys"#,
        ));
    };
    let mut seen: Vec<&str> = Vec::new();
    for entry in required {
        let Some(key) = entry.as_str() else {
            return Err(SchemaError::new(
                path,
                r#""required" must be an array of property keys"#,
            ));
        };
        if !props.contains_key(key) {
            return Err(SchemaError::new(
                path,
                format!(r#""required" lists "{key}", which is not a property of this object"#),
            ));
        }
        if seen.contains(&key) {
            return Err(SchemaError::new(
                path,
                format!(r#""required" lists "{key}" twice"#),
            ));
        }
        seen.push(key);
    }
    Ok(())
}
