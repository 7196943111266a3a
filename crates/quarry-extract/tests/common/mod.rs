//! Shared fixtures for the integration tests: documents are built the way the
//! server builds them, by parsing text with `quarry_parse::parse`.

#![allow(dead_code)]

use quarry_extract::SchemaError;
use quarry_parse::{BBox, Document};
use serde_json::{Value, json};

pub fn doc(text: &str) -> Document {
    quarry_parse::parse(text.as_bytes(), "x.txt", &Default::default()).expect("text parses")
}

/// Asserts a rejection at exactly `path` whose message contains `message_part`.
pub fn assert_error(result: Result<(), SchemaError>, path: &str, message_part: &str) {
    let e = result.expect_err("input should be rejected");
    assert_eq!(e.path, path, "path of {e}");
    assert!(
        e.message.contains(message_part),
        "message {:?} lacks {:?}",
        e.message,
        message_part
    );
}

/// The box of the words of `line_text`'s line whose text is in `words`, united.
pub fn words_box(doc: &Document, line_prefix: &str, words: &[&str]) -> BBox {
    let line = doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .find(|l| l.text.starts_with(line_prefix))
        .expect("line exists");
    line.words
        .iter()
        .filter(|w| words.contains(&w.text.as_str()))
        .map(|w| w.bbox)
        .reduce(|a, b| a.union(&b))
        .expect("words exist")
}

/// The four-point polygon the API uses for a box.
pub fn polygon(b: BBox) -> Value {
    json!([
        {"x": b.left, "y": b.top},
        {"x": b.right, "y": b.top},
        {"x": b.right, "y": b.bottom},
        {"x": b.left, "y": b.bottom},
    ])
}

pub const INVOICE: &str = "\
ACME SUPPLIES GMBH
Invoice Number: INV-2024-0042
Invoice Date: March 5, 2024
Due Date: 05.04.2024
Ship Date:   03/17/2024
PO #: 4500123
Status: Paid
Paid in full: yes
Tags: urgent, hardware, q1

Vendor:
Name: Acme Supplies GmbH
VAT ID: DE123456789

Description          Qty   Unit Price     Amount
Widget A               2        10,00      20,00
Gadget B               1     1.000,00   1.000,00
Service fee            3        71,52     214,56
Subtotal                                1.234,56

Total Due: € 1.234,56
Thank you for your business.
";

pub fn invoice_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "invoice_number": {"type": ["string", "null"], "description": "The invoice identifier"},
            "invoice_date": {"type": ["string", "null"], "extend:type": "date"},
            "due_date": {"type": ["string", "null"], "extend:type": "date"},
            "ship_date": {"type": ["string", "null"], "extend:type": "date"},
            "po_number": {"type": ["string", "null"]},
            "status": {"enum": ["paid", "unpaid", "overdue", null], "extend:descriptions": ["settled", "open", "late"]},
            "is_paid": {"type": ["boolean", "null"], "extend:name": "Paid in full"},
            "subtotal": {"type": ["number", "null"]},
            "total": {
                "type": "object",
                "extend:type": "currency",
                "properties": {
                    "amount": {"type": ["number", "null"]},
                    "iso_4217_currency_code": {"type": ["string", "null"]}
                },
                "required": ["amount", "iso_4217_currency_code"],
                "additionalProperties": false
            },
            "tags": {"type": "array", "items": {"type": "string"}},
            "vendor": {
                "type": "object",
                "properties": {
                    "name": {"type": ["string", "null"]},
                    "vat_id": {"type": ["string", "null"]}
                },
                "required": ["name", "vat_id"],
                "additionalProperties": false
            },
            "line_items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "description": {"type": ["string", "null"]},
                        "quantity": {"type": ["integer", "null"]},
                        "unit_price": {"type": ["number", "null"]},
                        "amount": {"type": ["number", "null"]}
                    },
                    "required": ["description", "quantity", "unit_price", "amount"],
                    "additionalProperties": false
                }
            },
            "customer_email": {"type": ["string", "null"]}
        },
        "required": ["invoice_number", "invoice_date", "due_date", "ship_date", "po_number", "status",
                     "is_paid", "subtotal", "total", "tags", "vendor", "line_items", "customer_email"],
        "additionalProperties": false
    })
}
