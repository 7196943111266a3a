//! [`HybridEngine`]: the rules engine first, the model only where the rules
//! engine is unsure.
//!
//! The two engines fail differently: the rules engine is exact where a
//! label names a value and blind where none does; a small model reads any
//! layout but misreads, invents and loops. So the rules engine answers
//! first, [`crate::route`] picks the fields it is unsure of, and the model
//! is asked about those alone:
//! - scalars in one request, with the schema of just those fields and only
//!   the lines around their evidence ([`crate::context`]);
//! - a table (array of rows) the rules engine read incompletely or
//!   inconsistently page by page, one request per page that holds it,
//!   merged like chunks ([`crate::merge`]).
//!
//! A model value replaces the rules value; a null from the model keeps
//! a rules value that was merely unsure. A model value that cannot be
//! found on the page is not used, even where the rules engine had
//! nothing: the field stays empty, as the rules engine leaves a field it
//! would only guess (an uncited value is right too rarely to return).
//! Table rows from the model replace rules rows that did not add up to the
//! document's total only when they do. Model values get citations from
//! the parse ([`crate::locate`]). Every metadata entry says which engine
//! produced it (`quarryEngine`: `rules` or `llm`). A model request that
//! fails (timeout, malformed twice, over budget) fails only its fields:
//! they keep what the rules engine had, flagged `model_failed` with a low
//! confidence. The run fails only when nothing at all was extracted.

use std::collections::BTreeSet;
use std::sync::Arc;

use quarry_extract::{
    Engine, ExtractError, ExtractOutput, ExtractRequest, Extraction, RulesEngine, validate_output,
};
use quarry_parse::Document;
use serde_json::{Map, Value, json};

use crate::answer;
use crate::check::{is_printed, tokens};
use crate::context::{cited_lines, excerpts, page_excerpts};
use crate::engine::{LlmEngine, Session, cited_metadata};
use crate::error::LlmError;
use crate::locate::locate;
use crate::merge::{Part, merge};
use crate::metadata::UNCITED_CONFIDENCE;
use crate::prompt::Prompt;
use crate::route::{Reason, Route, plan, rows_add_up};
use crate::schema::translate;

/// Output tokens allowed per scalar field asked (a value and its key).
const TOKENS_PER_FIELD: u32 = 48;
/// Fixed output allowance of a request (braces, one long name).
const TOKENS_BASE: u32 = 32;

/// Rules first, the model for what the rules engine is unsure of.
pub struct HybridEngine {
    llm: Arc<LlmEngine>,
    threshold: f64,
}

impl HybridEngine {
    /// `threshold`: fields whose rules confidence is below it go to the model.
    pub fn new(llm: Arc<LlmEngine>, threshold: f64) -> Self {
        Self { llm, threshold }
    }
}

/// What the model said about some fields.
struct Answered {
    value: Map<String, Value>,
    possibly_truncated: BTreeSet<String>,
}

impl Engine for HybridEngine {
    fn name(&self) -> &'static str {
        "hybrid"
    }

    fn extract(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<ExtractOutput, ExtractError> {
        self.extract_metered(doc, request).map(|e| e.output)
    }

    fn extract_metered(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<Extraction, ExtractError> {
        let schema = request.schema_for(doc)?;
        let schema = schema.as_ref();
        // Citations on: where the rules engine read a field is where the
        // model should look.
        let with_citations = ExtractRequest {
            citations_enabled: true,
            ..request.clone()
        };
        let rules = RulesEngine.extract(doc, &with_citations)?;
        let routes = plan(doc, schema, &rules.value, &rules.metadata, self.threshold);
        let mut session = self.llm.session();
        let mut answered = Answered {
            value: Map::new(),
            possibly_truncated: BTreeSet::new(),
        };
        let mut failed: Vec<(&Route, LlmError)> = Vec::new();
        let scalars: Vec<&Route> = routes.iter().filter(|r| !r.table).collect();
        if !scalars.is_empty() {
            match self.ask_scalars(
                &mut session,
                doc,
                request,
                schema,
                &scalars,
                &rules.metadata,
            ) {
                Ok(value) => answered.value.extend(value),
                Err(e) => failed.extend(scalars.iter().map(|r| (*r, e.clone()))),
            }
        }
        for route in routes.iter().filter(|r| r.table) {
            match self.ask_table(&mut session, doc, request, schema, route, &rules.metadata) {
                Ok((rows, truncated)) => {
                    if truncated {
                        answered.possibly_truncated.insert(route.key.clone());
                    }
                    answered.value.insert(route.key.clone(), rows);
                }
                Err(e) => failed.push((route, e)),
            }
        }
        let mut value = rules.value;
        let mut from_model: Map<String, Value> = Map::new();
        let found = locate(
            doc,
            0..doc.pages.len(),
            &Value::Object(answered.value.clone()),
        );
        for route in &routes {
            let Some(model) = answered.value.get(&route.key) else {
                continue;
            };
            let printed = !is_printed(model) || found.contains_key(&route.key);
            if keep_rules(route, model, value.get(&route.key), printed)
                || !printed
                || rows_fall_short(schema, route, model, &value)
            {
                continue;
            }
            value[route.key.as_str()] = model.clone();
            from_model.insert(route.key.clone(), model.clone());
        }
        let value = answer::conform(schema, &value);
        if !failed.is_empty() && is_empty(&value) {
            let (_, e) = failed.swap_remove(0);
            return Err(e.into());
        }
        let model_metadata = cited_metadata(
            doc,
            request,
            &Value::Object(from_model),
            &answered.possibly_truncated,
            session.logprobs(),
        );
        let failed_keys: Vec<&str> = failed.iter().map(|(r, _)| r.key.as_str()).collect();
        let metadata = combine(rules.metadata, model_metadata, &failed_keys, request);
        validate_output(schema, &value).map_err(|e| {
            ExtractError::Internal(format!("the hybrid answer does not match the schema: {e}"))
        })?;
        let tokens = (session.usage.requests > 0).then_some(session.usage);
        Ok(Extraction {
            output: ExtractOutput { value, metadata },
            tokens,
        })
    }
}

impl HybridEngine {
    /// One request for the scalar fields, with the lines around their evidence.
    fn ask_scalars(
        &self,
        session: &mut Session,
        doc: &Document,
        request: &ExtractRequest,
        schema: &Value,
        routes: &[&Route],
        rules_metadata: &Map<String, Value>,
    ) -> Result<Map<String, Value>, LlmError> {
        let keys: Vec<&str> = routes.iter().map(|r| r.key.as_str()).collect();
        let sub = subschema(schema, &keys);
        let lines = excerpts(doc, schema, &keys, rules_metadata);
        let max_tokens =
            (TOKENS_BASE + TOKENS_PER_FIELD * keys.len() as u32).min(self.llm.config().max_tokens);
        let prompt = Prompt::excerpt(
            doc,
            &lines,
            &translate(&sub),
            request.extraction_rules.as_deref(),
            None,
            max_tokens,
        );
        let asked = session.ask(&prompt, &sub)?;
        Ok(asked.value.as_object().cloned().unwrap_or_default())
    }

    /// The rows of one table field, read page by page from the pages that
    /// hold the table (those the rules engine read rows from or where the
    /// parser saw a table; every page when neither is known).
    fn ask_table(
        &self,
        session: &mut Session,
        doc: &Document,
        request: &ExtractRequest,
        schema: &Value,
        route: &Route,
        rules_metadata: &Map<String, Value>,
    ) -> Result<(Value, bool), LlmError> {
        let sub = subschema(schema, &[route.key.as_str()]);
        let portable = translate(&sub);
        let mut pages: BTreeSet<usize> = cited_lines(doc, rules_metadata, &route.key)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        pages.extend(
            doc.pages
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.tables.is_empty())
                .map(|(i, _)| i),
        );
        if pages.is_empty() {
            pages.extend(0..doc.pages.len());
        }
        let total = doc.pages.len();
        let mut parts = Vec::new();
        let mut last_error = None;
        for page in pages {
            let note = format!(
                "This is page {} of a {total}-page document; list the rows printed on this page.",
                page + 1
            );
            let prompt = Prompt::excerpt(
                doc,
                &page_excerpts(doc, page..page + 1),
                &portable,
                request.extraction_rules.as_deref(),
                Some(&note),
                self.llm.config().max_tokens,
            );
            match session.ask(&prompt, &sub) {
                Ok(asked) => parts.push(Part {
                    value: asked.value,
                    truncated: asked.truncated,
                }),
                // One unreadable page costs its rows, not the table.
                Err(e) => last_error = Some(e),
            }
        }
        if parts.is_empty() {
            return Err(
                last_error.unwrap_or_else(|| LlmError::Malformed("no page answered".into()))
            );
        }
        let merged = merge(&parts);
        let rows = merged.value.get(&route.key).cloned().unwrap_or(json!([]));
        Ok((
            rows,
            !merged.possibly_truncated.is_empty() || last_error.is_some(),
        ))
    }
}

/// The schema with only the properties `keys`.
fn subschema(schema: &Value, keys: &[&str]) -> Value {
    let mut sub = schema.clone();
    if let Some(props) = sub.get_mut("properties").and_then(Value::as_object_mut) {
        props.retain(|k, _| keys.contains(&k.as_str()));
    }
    if let Some(obj) = sub.as_object_mut() {
        obj.remove("required");
    }
    sub
}

/// Whether the rules value stays although the model answered:
/// - the model found nothing (null or no rows) where the rules engine had
///   something;
/// - the model's value is not printed on the page (`printed` is false: a
///   misread or an invention) while the rules engine read a printed one;
/// - both say the same up to case, spacing and punctuation: the rules
///   engine copies the print exactly, a model normalises;
/// - the model read the same numeric date with day and month swapped (the
///   rules engine infers the document's date order from all of its dates;
///   a small model reads each one alone).
fn keep_rules(route: &Route, model: &Value, rules: Option<&Value>, printed: bool) -> bool {
    let model_empty = model.is_null() || model.as_array().is_some_and(Vec::is_empty);
    let rules_has =
        rules.is_some_and(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
    if model_empty {
        return rules_has && route.reason != Reason::Missing;
    }
    if rules_has && !printed {
        return true;
    }
    match (model.as_str(), rules.and_then(Value::as_str)) {
        (Some(m), Some(r)) => tokens(m) == tokens(r) || day_month_swapped(m, r),
        _ => false,
    }
}

/// Rows the model read for a table whose rules rows did not add up, which
/// do not add up either: the rules engine's rows are exact reads of the
/// printed cells, the model's may be any line of the page, so they stay.
fn rows_fall_short(schema: &Value, route: &Route, model: &Value, value: &Value) -> bool {
    route.table
        && route.reason == Reason::Inconsistent
        && rows_add_up(schema, &route.key, model, value) == Some(false)
}

/// `2023-04-07` against `2023-07-04`.
fn day_month_swapped(a: &str, b: &str) -> bool {
    let parts = |d: &str| -> Option<(String, String, String)> {
        let mut it = d.split('-');
        let (y, m, dd) = (it.next()?, it.next()?, it.next()?);
        (it.next().is_none() && y.len() == 4 && m.len() == 2 && dd.len() == 2)
            .then(|| (y.to_string(), m.to_string(), dd.to_string()))
    };
    match (parts(a), parts(b)) {
        (Some((ya, ma, da)), Some((yb, mb, db))) => ya == yb && ma == db && da == mb && ma != da,
        _ => false,
    }
}

/// No leaf holds a value.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().all(is_empty),
        Value::Object(map) => map.values().all(is_empty),
        _ => false,
    }
}

/// The rules metadata with the model's entries in place of the fields the
/// model answered, `quarryEngine` on every entry, and failed fields flagged.
fn combine(
    rules: Map<String, Value>,
    model: Map<String, Value>,
    failed: &[&str],
    request: &ExtractRequest,
) -> Map<String, Value> {
    let top = |path: &str| {
        path.split(['.', '['])
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let answered: BTreeSet<String> = model.keys().map(|p| top(p)).collect();
    let mut out = Map::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    for (path, mut entry) in rules {
        let key = top(&path);
        if answered.contains(&key) {
            // The model's entries replace the field's, in the field's place.
            if placed.insert(key.clone()) {
                for (p, e) in model.iter().filter(|(p, _)| top(p) == key) {
                    out.insert(p.clone(), tag(e.clone(), "llm"));
                }
            }
            continue;
        }
        if !request.citations_enabled
            && let Some(obj) = entry.as_object_mut()
        {
            obj.remove("citations");
        }
        if failed.contains(&key.as_str()) {
            entry = model_failed(entry);
        }
        out.insert(path, tag(entry, "rules"));
    }
    out
}

fn tag(mut entry: Value, engine: &str) -> Value {
    if let Some(obj) = entry.as_object_mut() {
        obj.insert("quarryEngine".into(), json!(engine));
    }
    entry
}

/// A field the model was asked about but could not answer.
fn model_failed(mut entry: Value) -> Value {
    if let Some(obj) = entry.as_object_mut() {
        let lowered = obj
            .get("ocrConfidence")
            .and_then(Value::as_f64)
            .map_or(UNCITED_CONFIDENCE, |c| c.min(UNCITED_CONFIDENCE));
        obj.insert("ocrConfidence".into(), json!(lowered));
        let mut flags = obj
            .get("quarryFlags")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        flags.push(json!("model_failed"));
        obj.insert("quarryFlags".into(), Value::Array(flags));
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_rows_replace_rules_rows_that_do_not_add_up_only_when_they_do() {
        let schema = json!({"type": "object", "properties": {
            "total_net": {"type": ["number", "null"]},
            "line_items": {"type": "array", "items": {"type": "object", "properties": {
                "description": {"type": ["string", "null"]},
                "line_total": {"type": ["number", "null"]}
            }}}
        }});
        let value =
            json!({"total_net": 30.0, "line_items": [{"description": "A", "line_total": 10.0}]});
        let route = Route {
            key: "line_items".into(),
            reason: Reason::Inconsistent,
            table: true,
        };
        let junk = json!([{"description": "Invoice", "line_total": 1.0},
                          {"description": "Page 1 of 2", "line_total": 2.0}]);
        let good = json!([{"description": "A", "line_total": 10.0},
                          {"description": "B", "line_total": 20.0}]);
        assert!(rows_fall_short(&schema, &route, &junk, &value));
        assert!(!rows_fall_short(&schema, &route, &good, &value));
        // A table the rules engine missed takes whatever the model read.
        let missing = Route {
            reason: Reason::Missing,
            ..route
        };
        assert!(!rows_fall_short(&schema, &missing, &junk, &value));
    }

    #[test]
    fn a_day_month_swap_keeps_the_rules_date() {
        let route = Route {
            key: "date".into(),
            reason: Reason::Unsure,
            table: false,
        };
        let rules = json!("2023-07-04");
        assert!(keep_rules(&route, &json!("2023-04-07"), Some(&rules), true));
        assert!(!keep_rules(
            &route,
            &json!("2023-07-05"),
            Some(&rules),
            true
        ));
        assert!(keep_rules(&route, &Value::Null, Some(&rules), true));
        let missing = Route {
            reason: Reason::Missing,
            ..route
        };
        assert!(!keep_rules(&missing, &json!("2023-07-05"), None, true));
    }

    #[test]
    fn the_printed_literal_rules_value_beats_a_normalised_or_unprinted_model_value() {
        let route = Route {
            key: "company".into(),
            reason: Reason::Unsure,
            table: false,
        };
        let rules = json!("SOON HUAT MACHINERY");
        assert!(keep_rules(
            &route,
            &json!("Soon Huat Machinery"),
            Some(&rules),
            true
        ));
        assert!(keep_rules(
            &route,
            &json!("Other Name"),
            Some(&rules),
            false
        ));
        assert!(!keep_rules(
            &route,
            &json!("Other Name"),
            Some(&rules),
            true
        ));
    }
}
