//! Extraction from a structured e-invoice: when the parsed document carries
//! one ([`quarry_parse::Document::einvoice`], e.g. the CII XML inside a
//! Factur-X PDF), every schema field that names an EN 16931 business term
//! is filled from the XML, exactly, and the rest keeps the engine's answer
//! read from the page.
//!
//! Each XML value still cites the page words that print it, and its
//! metadata names its source (`quarrySource`). An amount or identifier the
//! page prints differently from the XML (another total, another IBAN) is
//! flagged `xml_page_mismatch` with both values: the check an
//! accounts-payable clerk makes by hand.

mod locate;
mod terms;

use quarry_parse::Document;
use quarry_parse::einvoice::EInvoice;
use serde_json::{Map, Value, json};

use crate::engine::{ExtractOutput, ExtractRequest};
use crate::layout::{Layout, Span};
use crate::rules::metadata::citations;
use crate::values::empty_value;
use terms::Role;

/// The flag on a field whose page value disagrees with the XML.
pub const MISMATCH_FLAG: &str = "xml_page_mismatch";

/// Confidence of a value read from the XML: exact by construction, short
/// of certain only because the XML itself can be wrong.
const XML_CONFIDENCE: f64 = 0.99;

/// `output` with every field the document's e-invoice answers filled from
/// it; unchanged when the document has none or the request no schema.
pub fn overlay(
    doc: &Document,
    request: &ExtractRequest,
    mut output: ExtractOutput,
) -> ExtractOutput {
    let (Some(invoice), Some(schema)) = (&doc.einvoice, &request.schema) else {
        return output;
    };
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return output;
    };
    let filler = Filler {
        invoice,
        layout: Layout::new(doc),
        request,
    };
    let Some(value) = output.value.as_object_mut() else {
        return output;
    };
    for (key, node) in props {
        filler.field(key, node, None, key, value, &mut output.metadata);
    }
    output
}

struct Filler<'a> {
    invoice: &'a EInvoice,
    layout: Layout,
    request: &'a ExtractRequest,
}

impl Filler<'_> {
    /// Fills property `key` (schema `node`) of `object`, whose path is `path`.
    fn field(
        &self,
        key: &str,
        node: &Value,
        role: Option<Role>,
        path: &str,
        object: &mut Map<String, Value>,
        metadata: &mut Map<String, Value>,
    ) {
        if node.get("properties").is_some() {
            let role = terms::role_of(key, node).or(role);
            let (Some(props), Some(Value::Object(child))) = (
                node.get("properties").and_then(Value::as_object),
                object.get_mut(key),
            ) else {
                return;
            };
            if role.is_some() {
                for (k, n) in props {
                    self.field(k, n, role, &format!("{path}.{k}"), child, metadata);
                }
            }
            return;
        }
        if terms::is_line_array(node) {
            if !self.invoice.lines.is_empty() {
                let items = self.lines(node, path, metadata);
                object.insert(key.to_string(), Value::Array(items));
            }
            return;
        }
        let Some(term) = terms::term_of(key, node, role) else {
            return;
        };
        let Some(xml) = terms::value_of(self.invoice, term, node) else {
            return;
        };
        let page = object
            .insert(key.to_string(), xml.clone())
            .unwrap_or(Value::Null);
        let spans = locate::find(&self.layout, &xml);
        let printed = !spans.is_empty();
        let mut entry = self.entry(&spans);
        if term.cross_checked() && !printed && !page.is_null() && !same(&page, &xml) {
            entry.insert("quarryFlags".into(), json!([MISMATCH_FLAG]));
            entry.insert(
                "quarryMismatch".into(),
                json!({"xmlValue": xml, "pageValue": page}),
            );
        }
        metadata.insert(path.to_string(), Value::Object(entry));
    }

    /// The invoice's lines as items of array `node`; replaces the metadata
    /// of the array at `path` and of every item below it.
    fn lines(&self, node: &Value, path: &str, metadata: &mut Map<String, Value>) -> Vec<Value> {
        let item_prefix = format!("{path}[");
        metadata.retain(|k, _| k != path && !k.starts_with(&item_prefix));
        metadata.insert(path.to_string(), Value::Object(self.entry(&[])));
        let items = node.get("items").cloned().unwrap_or(Value::Null);
        let props = items.get("properties").and_then(Value::as_object);
        self.invoice
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let mut item = empty_value(&items);
                let item_path = format!("{path}[{i}]");
                metadata.insert(item_path.clone(), Value::Object(self.entry(&[])));
                for (key, prop) in props.into_iter().flatten() {
                    let value = terms::line_term_of(key, prop)
                        .and_then(|term| terms::line_value(line, term, prop));
                    if let (Some(value), Some(obj)) = (value, item.as_object_mut()) {
                        metadata.insert(
                            format!("{item_path}.{key}"),
                            Value::Object(self.entry(&locate::find(&self.layout, &value))),
                        );
                        obj.insert(key.clone(), value);
                    }
                }
                item
            })
            .collect()
    }

    /// A metadata entry for an XML value: its confidence, source and, when
    /// asked for, the citations of `spans`, the page words that print it.
    fn entry(&self, spans: &[Span]) -> Map<String, Value> {
        let mut entry = Map::new();
        entry.insert("ocrConfidence".into(), json!(XML_CONFIDENCE));
        entry.insert("logprobsConfidence".into(), Value::Null);
        if self.request.citations_enabled {
            let cited = citations(&self.layout, spans, self.request);
            entry.insert("citations".into(), Value::Array(cited));
        }
        entry.insert(
            "quarrySource".into(),
            json!({"type": "einvoice_xml", "file": self.invoice.source, "syntax": self.invoice.syntax}),
        );
        entry
    }
}

/// Whether a page value and an XML value are the same: numbers within a
/// cent (the sign of a credit note may be printed either way), text equal
/// up to case and white space.
fn same(page: &Value, xml: &Value) -> bool {
    match (page.as_f64(), xml.as_f64()) {
        (Some(a), Some(b)) => (a.abs() - b.abs()).abs() < 0.005,
        _ => {
            let norm = |v: &Value| {
                v.as_str()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .flat_map(char::to_lowercase)
                    .collect::<String>()
            };
            norm(page) == norm(xml)
        }
    }
}

#[cfg(test)]
mod tests;
