//! Which fields of the rules engine's answer the hybrid engine asks the
//! model about, and why.
//!
//! The rules engine is cheap, exact when it finds a label and blind where
//! no label is printed; the model is slow and reads layout it has never
//! seen. So only top-level fields the rules engine is unsure of go to the
//! model:
//! - a null scalar, or an empty array while the parse detected a table;
//! - a value whose confidence (the rules output's own `ocrConfidence`, taken
//!   as given) is below the configured threshold;
//! - values that fail a consistency check: net + tax ≠ gross for fields
//!   named after those concepts (all three go), a date that is not a valid
//!   `YYYY-MM-DD`, and table rows that disagree with the document — more
//!   than half of their cells empty, line totals that do not add up to the
//!   net or gross total, or, when no total can check them, fewer rows than
//!   the largest table the parser detected has body rows.

use quarry_extract::{FieldKnowledge, field_knowledge};
use quarry_parse::Document;
use serde_json::{Map, Value};

/// Relative tolerance of the arithmetic checks (rounding on printed totals).
const SUM_TOLERANCE: f64 = 0.005;

/// Why a field goes to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The rules engine found nothing.
    Missing,
    /// Found, but below the confidence threshold.
    Unsure,
    /// Found, but inconsistent with other fields or with the document.
    Inconsistent,
}

/// One field for the model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Route {
    pub key: String,
    pub reason: Reason,
    /// An array of rows: read page by page rather than from an excerpt.
    pub table: bool,
}

/// The fields of `value` (the rules answer to `schema`) that go to the model.
pub(crate) fn plan(
    doc: &Document,
    schema: &Value,
    value: &Value,
    metadata: &Map<String, Value>,
    threshold: f64,
) -> Vec<Route> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let known: Vec<(&String, &Value, FieldKnowledge)> = props
        .iter()
        .map(|(k, node)| (k, node, field_knowledge(k, node)))
        .collect();
    let totals_off = totals_inconsistent(&known, value);
    let detected_rows = detected_table_rows(doc);
    let mut routes = Vec::new();
    for (key, node, knowledge) in &known {
        let v = value.get(key.as_str()).unwrap_or(&Value::Null);
        let table = is_table(node);
        let reason = if table {
            table_reason(node, v, &known, value, detected_rows)
        } else if v.is_null() {
            Some(Reason::Missing)
        } else if confidence(metadata, key).is_some_and(|c| c < threshold) {
            Some(Reason::Unsure)
        } else if (totals_off && is_total(knowledge)) || bad_date(node, v) {
            Some(Reason::Inconsistent)
        } else {
            None
        };
        if let Some(reason) = reason {
            routes.push(Route {
                key: (*key).clone(),
                reason,
                table,
            });
        }
    }
    routes
}

/// An array of objects (table rows).
pub(crate) fn is_table(node: &Value) -> bool {
    node.get("items")
        .and_then(|i| i.get("properties"))
        .is_some()
}

fn confidence(metadata: &Map<String, Value>, key: &str) -> Option<f64> {
    metadata.get(key)?.get("ocrConfidence")?.as_f64()
}

fn is_total(k: &FieldKnowledge) -> bool {
    ["total_net", "total_tax", "total_gross"]
        .iter()
        .any(|c| k.concepts.contains(c))
}

/// The value of the first field named after `concept`, when it is a number.
fn amount(
    known: &[(&String, &Value, FieldKnowledge)],
    value: &Value,
    concept: &str,
) -> Option<f64> {
    known
        .iter()
        .find(|(_, _, k)| k.concepts.contains(&concept))
        .and_then(|(key, _, _)| value.get(key.as_str())?.as_f64())
}

fn close_to(a: f64, b: f64) -> bool {
    (a - b).abs() <= SUM_TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// net + tax ≠ gross, when all three are present.
fn totals_inconsistent(known: &[(&String, &Value, FieldKnowledge)], value: &Value) -> bool {
    match (
        amount(known, value, "total_net"),
        amount(known, value, "total_tax"),
        amount(known, value, "total_gross"),
    ) {
        (Some(net), Some(tax), Some(gross)) => !close_to(net + tax, gross),
        _ => false,
    }
}

/// A date field whose value is not a valid `YYYY-MM-DD`.
fn bad_date(node: &Value, v: &Value) -> bool {
    let is_date = node.get("extend:type").and_then(Value::as_str) == Some("date")
        || node.get("format").and_then(Value::as_str) == Some("date");
    let Some(text) = v.as_str().filter(|_| is_date) else {
        return false;
    };
    let parts: Vec<u32> = text.split('-').filter_map(|p| p.parse().ok()).collect();
    !(text.len() == 10
        && parts.len() == 3
        && (1..=12).contains(&parts[1])
        && (1..=31).contains(&parts[2]))
}

/// Body rows of the largest table the parser detected, if any.
fn detected_table_rows(doc: &Document) -> Option<usize> {
    doc.pages
        .iter()
        .flat_map(|p| &p.tables)
        .map(|t| t.rows.saturating_sub(t.header_rows))
        .max()
}

fn table_reason(
    node: &Value,
    rows: &Value,
    known: &[(&String, &Value, FieldKnowledge)],
    value: &Value,
    detected_rows: Option<usize>,
) -> Option<Reason> {
    let rows = rows.as_array().map(Vec::as_slice).unwrap_or(&[]);
    if rows.is_empty() {
        return detected_rows.filter(|&n| n > 0).map(|_| Reason::Missing);
    }
    let cells: Vec<&Value> = rows
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|r| r.values())
        .collect();
    let empty = cells.iter().filter(|c| c.is_null()).count();
    if 2 * empty > cells.len() {
        return Some(Reason::Inconsistent);
    }
    match add_up(node, rows, known, value) {
        // Rows whose line totals make the document's total are complete,
        // whatever else the parser took for a table on the page (a layout
        // grid of addresses and notes often has more "rows").
        Some(true) => None,
        Some(false) => Some(Reason::Inconsistent),
        None => detected_rows
            .is_some_and(|n| rows.len() < n)
            .then_some(Reason::Inconsistent),
    }
}

/// Whether the line totals of `rows` (of the table field `node`) add up to
/// the net or the gross total in `value`; `None` when nothing can be
/// checked (no line-total column, a row without one, no total).
fn add_up(
    node: &Value,
    rows: &[Value],
    known: &[(&String, &Value, FieldKnowledge)],
    value: &Value,
) -> Option<bool> {
    let item_props = node
        .pointer("/items/properties")
        .and_then(Value::as_object)?;
    let line_key = item_props
        .iter()
        .find(|(k, n)| field_knowledge(k, n).concepts.contains(&"line_total"))
        .map(|(k, _)| k)?;
    let sum: f64 = rows
        .iter()
        .map(|r| r.get(line_key)?.as_f64())
        .sum::<Option<f64>>()?;
    let targets: Vec<f64> = [
        amount(known, value, "total_net"),
        amount(known, value, "total_gross"),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!targets.is_empty()).then(|| targets.iter().any(|t| close_to(sum, *t)))
}

/// Whether `rows`, read for the table field `key` of `schema`, add up to
/// the totals of `value` (see [`add_up`]); `None` when nothing can be
/// checked.
pub(crate) fn rows_add_up(schema: &Value, key: &str, rows: &Value, value: &Value) -> Option<bool> {
    let props = schema.get("properties").and_then(Value::as_object)?;
    let known: Vec<(&String, &Value, FieldKnowledge)> = props
        .iter()
        .map(|(k, node)| (k, node, field_knowledge(k, node)))
        .collect();
    add_up(props.get(key)?, rows.as_array()?, &known, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry_parse::FileKind;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "properties": {
            "invoice_number": {"type": ["string", "null"]},
            "invoice_date": {"type": ["string", "null"], "extend:type": "date"},
            "seller_name": {"type": ["string", "null"]},
            "total_net": {"type": ["number", "null"]},
            "total_tax": {"type": ["number", "null"]},
            "total_gross": {"type": ["number", "null"]},
            "line_items": {"type": "array", "items": {"type": "object", "properties": {
                "description": {"type": ["string", "null"]},
                "line_total": {"type": ["number", "null"]}
            }}}
        }})
    }

    fn empty_doc() -> Document {
        Document {
            einvoice: None,
            kind: FileKind::Text,
            pages: Vec::new(),
        }
    }

    fn meta(conf: &[(&str, f64)]) -> Map<String, Value> {
        conf.iter()
            .map(|(k, c)| ((*k).to_string(), json!({"ocrConfidence": c})))
            .collect()
    }

    fn keys(routes: &[Route]) -> Vec<(&str, Reason)> {
        routes.iter().map(|r| (r.key.as_str(), r.reason)).collect()
    }

    #[test]
    fn missing_unsure_and_inconsistent_fields_go_and_confident_ones_stay() {
        let value = json!({"invoice_number": "INV-7", "invoice_date": "2024-13-40",
            "seller_name": "ACME", "total_net": 100.0, "total_tax": 19.0, "total_gross": 100.0,
            "line_items": [{"description": "A", "line_total": 100.0}]});
        let m = meta(&[
            ("invoice_number", 0.95),
            ("seller_name", 0.3),
            ("total_net", 0.9),
            ("total_tax", 0.9),
            ("total_gross", 0.9),
            ("invoice_date", 0.9),
        ]);
        let routes = plan(&empty_doc(), &schema(), &value, &m, 0.5);
        assert_eq!(
            keys(&routes),
            vec![
                ("invoice_date", Reason::Inconsistent),
                ("seller_name", Reason::Unsure),
                ("total_net", Reason::Inconsistent),
                ("total_tax", Reason::Inconsistent),
                ("total_gross", Reason::Inconsistent),
            ]
        );
    }

    /// A page whose layout grid the parser took for a 12-row table.
    fn doc_with_table_rows(rows: usize) -> Document {
        let mut doc = empty_doc();
        let mut page = quarry_parse::Page::new(1, 595.0, 842.0);
        page.tables.push(quarry_parse::Table {
            rows,
            cols: 2,
            bbox: quarry_parse::BBox {
                left: 0.0,
                top: 0.0,
                right: 595.0,
                bottom: 842.0,
            },
            cells: Vec::new(),
            name: None,
            header_rows: 0,
            continued: false,
        });
        doc.pages.push(page);
        doc
    }

    #[test]
    fn rows_that_make_the_total_stay_whatever_else_looks_like_a_table() {
        let value = json!({"invoice_number": "1", "invoice_date": "2024-01-31",
            "seller_name": "S", "total_net": 30.0, "total_tax": 0.0, "total_gross": 30.0,
            "line_items": [{"description": "A", "line_total": 10.0},
                           {"description": "B", "line_total": 20.0}]});
        let doc = doc_with_table_rows(12);
        assert!(plan(&doc, &schema(), &value, &meta(&[]), 0.5).is_empty());
        // Without a total to check them, fewer rows than detected still go.
        let mut unchecked = value.clone();
        unchecked["total_net"] = Value::Null;
        unchecked["total_gross"] = Value::Null;
        let routes = plan(&doc, &schema(), &unchecked, &meta(&[]), 0.5);
        assert!(keys(&routes).contains(&("line_items", Reason::Inconsistent)));
        assert_eq!(
            rows_add_up(&schema(), "line_items", &value["line_items"], &value),
            Some(true)
        );
        assert_eq!(
            rows_add_up(
                &schema(),
                "line_items",
                &json!([{"line_total": 5.0}]),
                &value
            ),
            Some(false)
        );
        assert_eq!(
            rows_add_up(&schema(), "line_items", &value["line_items"], &unchecked),
            None
        );
    }

    #[test]
    fn consistent_rows_stay_and_rows_that_do_not_add_up_go() {
        let good = json!({"invoice_number": "1", "invoice_date": "2024-01-31", "seller_name": "S",
            "total_net": 30.0, "total_tax": 0.0, "total_gross": 30.0,
            "line_items": [{"description": "A", "line_total": 10.0}, {"description": "B", "line_total": 20.0}]});
        let m = meta(&[]);
        assert!(plan(&empty_doc(), &schema(), &good, &m, 0.5).is_empty());
        let mut bad = good.clone();
        bad["line_items"][1]["line_total"] = json!(2.0);
        let routes = plan(&empty_doc(), &schema(), &bad, &m, 0.5);
        assert_eq!(keys(&routes), vec![("line_items", Reason::Inconsistent)]);
        assert!(routes[0].table);
        let mut sparse = good;
        sparse["line_items"] = json!([{"description": null, "line_total": null}]);
        sparse["invoice_number"] = Value::Null;
        let routes = plan(&empty_doc(), &schema(), &sparse, &m, 0.5);
        assert_eq!(
            keys(&routes),
            vec![
                ("invoice_number", Reason::Missing),
                ("line_items", Reason::Inconsistent)
            ]
        );
    }
}
