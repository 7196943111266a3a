//! Human review of extract runs: the one service behind the Quarry-specific
//! `POST /quarry/extract_runs/{id}/review` API route and the dashboard's save
//! button, so both validate and record reviews identically.
//!
//! A review replaces the run's `value` with a human-checked one. It must
//! conform to the run's schema (the same gate the engine's output passes).
//! The engine's answer stays as `initialOutput`; `edits` is recomputed on
//! every review as the leaf-by-leaf difference from that answer, keyed by the
//! output metadata's field paths (`vendor.name`, `line_items[0].amount`), so
//! a second review that undoes the first leaves `edited: false`. The digest
//! lists no webhook event for extract-run reviews, so none is sent.

use std::collections::BTreeMap;

use quarry_model::enums::RunStatus;
use quarry_store::{ExtractRunRecord, RunReview};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::state::AppState;

/// Body of a review: the full reviewed `value`, and optional notes per
/// field path (kept in `edits[path].notes`).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub value: Value,
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

/// Validates `req` against run `id` of workspace `ws` and stores it.
pub async fn review_run(
    state: &AppState,
    ws: &str,
    id: &str,
    req: ReviewRequest,
) -> Result<ExtractRunRecord, ApiError> {
    let run = state
        .store
        .extract_runs()
        .get(ws, id)
        .await?
        .ok_or_else(|| ApiError::not_found("extract run", id))?;
    if run.status != RunStatus::Processed {
        return Err(ApiError::bad_request(format!(
            "Extract run `{id}` is {}; only PROCESSED runs can be reviewed",
            run.status.as_str()
        )));
    }
    let initial = run
        .initial_output
        .clone()
        .or_else(|| run.output.clone())
        .ok_or_else(|| ApiError::Internal(format!("processed run {id} has no output")))?;
    let review = build_review(&run.config, &initial, req)?;
    state
        .store
        .review_run(ws, id, &review)
        .await?
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Extract run `{id}` changed while it was reviewed; reload it and try again"
            ))
        })
}

/// Checks the reviewed value and computes what the store keeps.
pub fn build_review(
    config: &Value,
    initial: &Value,
    req: ReviewRequest,
) -> Result<RunReview, ApiError> {
    if !req.value.is_object() {
        return Err(ApiError::bad_request("`value` must be an object"));
    }
    let schema = config.get("schema").filter(|s| s.is_object());
    if let Some(schema) = schema {
        quarry_extract::validate_output(schema, &req.value)
            .map_err(|e| ApiError::bad_request(format!("The reviewed value is invalid: {e}")))?;
    }
    let metadata = initial.get("metadata").cloned().unwrap_or(json!({}));
    let mut edits = Map::new();
    diff(
        &mut Diff {
            metadata: &metadata,
            edits: &mut edits,
        },
        "",
        initial.get("value"),
        Some(&req.value),
        schema,
    );
    let edited = !edits.is_empty();
    for (path, note) in req.notes {
        let entry = edits.entry(path).or_insert_with(|| json!({}));
        if let Some(e) = entry.as_object_mut() {
            e.insert("notes".into(), Value::String(note));
        }
    }
    Ok(RunReview {
        reviewed_output: json!({"value": req.value, "metadata": metadata}),
        edits: Value::Object(edits),
        edited,
    })
}

struct Diff<'a> {
    /// The engine's output metadata, for the page a changed field was cited on.
    metadata: &'a Value,
    edits: &'a mut Map<String, Value>,
}

/// Walks both values in step and records every leaf that differs. A side
/// that is absent (an added or removed array item) is omitted from the entry.
fn diff(
    d: &mut Diff<'_>,
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    schema: Option<&Value>,
) {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (container(before), container(after)) {
        (Some(Value::Object(_)), _) | (_, Some(Value::Object(_))) => {
            let mut keys: Vec<&String> = Vec::new();
            for o in [before, after]
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
            {
                for k in o.keys() {
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
            for key in keys {
                let sub = schema
                    .and_then(|s| s.get("properties"))
                    .and_then(|p| p.get(key));
                diff(d, &child(key), field(before, key), field(after, key), sub);
            }
        }
        (Some(Value::Array(_)), _) | (_, Some(Value::Array(_))) => {
            let len = |v: Option<&Value>| v.and_then(Value::as_array).map_or(0, Vec::len);
            let items = schema.and_then(|s| s.get("items"));
            for i in 0..len(before).max(len(after)) {
                let (b, a) = (before.and_then(|v| v.get(i)), after.and_then(|v| v.get(i)));
                diff(d, &format!("{path}[{i}]"), b, a, items);
            }
        }
        _ if same_leaf(before, after) => {}
        _ => {
            let mut entry = Map::new();
            if let Some(v) = before {
                entry.insert("originalValue".into(), v.clone());
            }
            if let Some(v) = after {
                entry.insert("editedValue".into(), v.clone());
            }
            if let Some(page) = d
                .metadata
                .get(path)
                .and_then(|m| m.get("citations"))
                .and_then(|c| c.get(0))
                .and_then(|c| c.get("page"))
                .and_then(|p| p.get("number"))
            {
                entry.insert("page".into(), page.clone());
            }
            if let Some(t) = schema.and_then(field_type) {
                entry.insert("fieldType".into(), Value::String(t));
            }
            d.edits.insert(path.to_string(), Value::Object(entry));
        }
    }
}

/// `v` when it is an object or array (so the walk descends into it).
fn container(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| v.is_object() || v.is_array())
}

fn field<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    v.and_then(Value::as_object).and_then(|o| o.get(key))
}

/// Leaves are equal when identical, or numerically equal (`13` and `13.0`:
/// a browser sends whole numbers without the fraction).
fn same_leaf(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// The schema type of a leaf as edits report it: `extend:type` (`date`),
/// `enum`, or the non-null JSON type.
fn field_type(schema: &Value) -> Option<String> {
    if let Some(t) = schema.get("extend:type").and_then(Value::as_str) {
        return Some(t.to_string());
    }
    if schema.get("enum").is_some() {
        return Some("enum".into());
    }
    match schema.get("type")? {
        Value::String(t) => Some(t.clone()),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        json!({"schema": {
            "type": "object",
            "properties": {
                "invoice_number": {"type": ["string", "null"]},
                "date": {"type": ["string", "null"], "extend:type": "date"},
                "total": {"type": ["number", "null"]},
                "items": {"type": "array", "items": {
                    "type": "object",
                    "properties": {"sku": {"type": ["string", "null"]}},
                    "required": ["sku"], "additionalProperties": false
                }}
            },
            "required": ["invoice_number", "date", "total", "items"],
            "additionalProperties": false
        }})
    }

    fn initial() -> Value {
        json!({
            "value": {"invoice_number": "INV-1", "date": null, "total": 12.5,
                      "items": [{"sku": "A"}, {"sku": "B"}]},
            "metadata": {"invoice_number": {"citations": [{"page": {"number": 2}}]}}
        })
    }

    fn review(value: Value) -> Result<RunReview, ApiError> {
        build_review(
            &schema(),
            &initial(),
            ReviewRequest {
                value,
                notes: BTreeMap::new(),
            },
        )
    }

    #[test]
    fn edits_name_each_changed_leaf() {
        let r = review(
            json!({"invoice_number": "INV-2", "date": "2024-01-31", "total": 12.50,
                              "items": [{"sku": "A"}, {"sku": "C"}, {"sku": "D"}]}),
        )
        .expect("valid");
        assert!(r.edited);
        assert_eq!(
            r.edits,
            json!({
                "invoice_number": {"originalValue": "INV-1", "editedValue": "INV-2",
                                   "page": 2, "fieldType": "string"},
                "date": {"originalValue": null, "editedValue": "2024-01-31", "fieldType": "date"},
                "items[1].sku": {"originalValue": "B", "editedValue": "C", "fieldType": "string"},
                "items[2].sku": {"editedValue": "D", "fieldType": "string"}
            })
        );
        assert_eq!(r.reviewed_output["metadata"], initial()["metadata"]);
        assert_eq!(r.reviewed_output["value"]["items"][2]["sku"], "D");
    }

    #[test]
    fn removed_items_keep_only_the_original() {
        let r = review(
            json!({"invoice_number": "INV-1", "date": null, "total": 12.5,
                              "items": [{"sku": "A"}]}),
        )
        .expect("valid");
        assert_eq!(
            r.edits,
            json!({"items[1].sku": {"originalValue": "B", "fieldType": "string"}})
        );
    }

    #[test]
    fn unchanged_values_are_not_edited_but_notes_are_kept() {
        let mut notes = BTreeMap::new();
        notes.insert("total".to_string(), "checked by hand".to_string());
        let r = build_review(
            &schema(),
            &initial(),
            ReviewRequest {
                value: json!({"invoice_number": "INV-1", "date": null, "total": 12.5,
                                          "items": [{"sku": "A"}, {"sku": "B"}]}),
                notes,
            },
        )
        .expect("valid");
        assert!(!r.edited);
        assert_eq!(r.edits, json!({"total": {"notes": "checked by hand"}}));
    }

    #[test]
    fn values_breaking_the_schema_are_refused() {
        for bad in [
            json!({"invoice_number": 7, "date": null, "total": 1, "items": []}),
            json!({"invoice_number": "x", "date": null, "total": "ten", "items": []}),
            json!({"invoice_number": "x", "date": null, "total": 1}),
            json!({"invoice_number": "x", "date": null, "total": 1, "items": [], "extra": 1}),
            json!(["not", "an", "object"]),
        ] {
            let err = review(bad.clone()).expect_err("invalid");
            assert!(matches!(err, ApiError::BadRequest(_)), "{bad}: {err}");
        }
    }
}
