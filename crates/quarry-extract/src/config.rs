//! Validation of a whole ExtractConfig object (spec §8.4) as it arrives in
//! `config` or `overrideConfig`: known keys only, the documented enum values,
//! and the schema dialect for `schema`. Errors name the offending key with a
//! path such as `config.advancedOptions.citationMode`; schema errors keep the
//! `schema.properties.…` paths Extend documents.
//!
//! `parseConfig` is only checked to be an object: its contents belong to the
//! parse step and are validated there.

use serde_json::{Map, Value};

use crate::schema::{SchemaError, validate_schema_at};

/// Keys of ExtractConfig accepted on create in API 2026-02-09.
const CONFIG_KEYS: &[&str] = &[
    "baseProcessor",
    "baseVersion",
    "extractionRules",
    "schema",
    "advancedOptions",
    "parseConfig",
];

/// Keys of `advancedOptions`.
const ADVANCED_KEYS: &[&str] = &[
    "modelReasoningInsightsEnabled",
    "advancedMultimodalEnabled",
    "citationsEnabled",
    "citationMode",
    "arrayCitationStrategy",
    "arrayStrategy",
    "chunkingOptions",
    "excelSheetRanges",
    "excelSheetSelectionStrategy",
    "pageRanges",
    "reviewAgent",
    "currentDateEnabled",
];

/// The documented `baseProcessor` values.
pub const BASE_PROCESSORS: &[&str] = &[
    "extraction_performance",
    "extraction_light",
    "extraction_operator",
];

/// Checks an ExtractConfig (or an override subset of one). `null` values count as absent.
pub fn validate_config(config: &Value) -> Result<(), SchemaError> {
    let Some(obj) = config.as_object() else {
        return Err(SchemaError::new("config", "config must be a JSON object"));
    };
    if obj.contains_key("fields") {
        return Err(SchemaError::new(
            "config.fields",
            "Legacy \"fields\" configs are not supported in API version 2026-02-09; \
             describe the output with a JSON \"schema\" instead",
        ));
    }
    unknown_keys(obj, "config", CONFIG_KEYS)?;
    let at = |key: &str| present(obj, key);
    if let Some(v) = at("baseProcessor") {
        one_of(v, "config.baseProcessor", BASE_PROCESSORS)?;
    }
    for key in ["baseVersion", "extractionRules"] {
        if let Some(v) = at(key) {
            string(v, &format!("config.{key}"))?;
        }
    }
    if let Some(schema) = at("schema") {
        validate_schema_at(schema, "schema")?;
    }
    if let Some(options) = at("advancedOptions") {
        advanced_options(options)?;
    }
    if let Some(parse) = at("parseConfig") {
        object(parse, "config.parseConfig")?;
    }
    Ok(())
}

fn advanced_options(value: &Value) -> Result<(), SchemaError> {
    let base = "config.advancedOptions";
    let obj = object(value, base)?;
    unknown_keys(obj, base, ADVANCED_KEYS)?;
    for (key, v) in obj.iter().filter(|(_, v)| !v.is_null()) {
        let path = format!("{base}.{key}");
        match key.as_str() {
            "modelReasoningInsightsEnabled"
            | "advancedMultimodalEnabled"
            | "citationsEnabled"
            | "currentDateEnabled" => boolean(v, &path)?,
            "citationMode" => one_of(v, &path, &["line", "word", "block"])?,
            "arrayCitationStrategy" => one_of(v, &path, &["item", "property"])?,
            "excelSheetSelectionStrategy" => {
                one_of(v, &path, &["intelligent", "all", "first", "last"])?
            }
            "arrayStrategy" => {
                let inner = object(v, &path)?;
                unknown_keys(inner, &path, &["type"])?;
                let Some(kind) = present(inner, "type") else {
                    return Err(SchemaError::new(&path, "\"type\" is required"));
                };
                one_of(
                    kind,
                    &format!("{path}.type"),
                    &[
                        "large_array_heuristics",
                        "large_array_max_context",
                        "large_array_overlap_context",
                    ],
                )?;
            }
            "chunkingOptions" => chunking_options(v, &path)?,
            "excelSheetRanges" | "pageRanges" => ranges(v, &path)?,
            "reviewAgent" => {
                let inner = object(v, &path)?;
                unknown_keys(inner, &path, &["enabled"])?;
                if let Some(enabled) = present(inner, "enabled") {
                    boolean(enabled, &format!("{path}.enabled"))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn chunking_options(value: &Value, path: &str) -> Result<(), SchemaError> {
    let obj = object(value, path)?;
    let keys = [
        "chunkingStrategy",
        "pageChunkSize",
        "chunkSelectionStrategy",
        "customSemanticChunkingRules",
    ];
    unknown_keys(obj, path, &keys)?;
    for (key, v) in obj.iter().filter(|(_, v)| !v.is_null()) {
        let inner = format!("{path}.{key}");
        match key.as_str() {
            "chunkingStrategy" => one_of(v, &inner, &["standard", "semantic", "contextual"])?,
            "chunkSelectionStrategy" => one_of(
                v,
                &inner,
                &["intelligent", "confidence", "take_first", "take_last"],
            )?,
            "customSemanticChunkingRules" => string(v, &inner)?,
            "pageChunkSize" if v.as_u64().is_some_and(|n| n >= 1) => {}
            "pageChunkSize" => return Err(SchemaError::new(&inner, "must be a positive integer")),
            _ => {}
        }
    }
    Ok(())
}

fn ranges(value: &Value, path: &str) -> Result<(), SchemaError> {
    let Some(items) = value.as_array() else {
        return Err(SchemaError::new(
            path,
            "must be an array of {\"start\": int, \"end\": int}",
        ));
    };
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let obj = object(item, &item_path)?;
        unknown_keys(obj, &item_path, &["start", "end"])?;
        let bound = |key: &str| {
            obj.get(key).and_then(Value::as_u64).ok_or_else(|| {
                SchemaError::new(
                    &format!("{item_path}.{key}"),
                    "must be a non-negative integer",
                )
            })
        };
        let (start, end) = (bound("start")?, bound("end")?);
        if end < start {
            return Err(SchemaError::new(
                &format!("{item_path}.end"),
                format!("end ({end}) must not be less than start ({start})"),
            ));
        }
    }
    Ok(())
}

/// `obj[key]` unless missing or null.
fn present<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn unknown_keys(obj: &Map<String, Value>, path: &str, known: &[&str]) -> Result<(), SchemaError> {
    let unknown: Vec<String> = obj
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .map(|k| format!("\"{k}\""))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let noun = if unknown.len() == 1 { "key" } else { "keys" };
    Err(SchemaError::new(
        path,
        format!(
            "Unknown {noun} {}; expected one of {}",
            unknown.join(", "),
            known.join(", ")
        ),
    ))
}

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, SchemaError> {
    value
        .as_object()
        .ok_or_else(|| SchemaError::new(path, "must be an object"))
}

fn string(value: &Value, path: &str) -> Result<(), SchemaError> {
    value
        .is_string()
        .then_some(())
        .ok_or_else(|| SchemaError::new(path, "must be a string"))
}

fn boolean(value: &Value, path: &str) -> Result<(), SchemaError> {
    value
        .is_boolean()
        .then_some(())
        .ok_or_else(|| SchemaError::new(path, "must be true or false"))
}

fn one_of(value: &Value, path: &str, allowed: &[&str]) -> Result<(), SchemaError> {
    match value.as_str() {
        Some(s) if allowed.contains(&s) => Ok(()),
        _ => Err(SchemaError::new(
            path,
            format!(
                "Invalid value {value}; expected one of {}",
                allowed.join(", ")
            ),
        )),
    }
}
