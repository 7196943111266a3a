//! Schema inference for schema-less runs.

mod common;

use quarry_extract::{
    Engine, ExtractRequest, RulesEngine, infer_schema, validate_output, validate_schema,
};
use serde_json::json;

#[test]
fn inferred_schema_is_valid_and_typed_from_values() {
    let doc = common::doc(common::INVOICE);
    let schema = infer_schema(&doc).expect("infers");
    assert_eq!(validate_schema(&schema), Ok(()));
    let props = schema["properties"].as_object().expect("properties");
    assert_eq!(props["invoice_number"]["type"], json!(["string", "null"]));
    assert_eq!(props["invoice_number"]["extend:name"], "Invoice Number");
    assert_eq!(
        props["invoice_date"],
        json!({"type": ["string", "null"], "extend:type": "date", "extend:name": "Invoice Date"})
    );
    assert_eq!(props["due_date"]["extend:type"], "date");
    assert_eq!(props["total_due"]["type"], json!(["number", "null"]));
    assert_eq!(props["po_number"]["type"], json!(["number", "null"]));
    assert!(
        !props.contains_key("description"),
        "table headers are not labels"
    );
    let columns = &props["items"]["items"]["properties"];
    assert_eq!(
        columns["unit_price"],
        json!({"type": ["number", "null"], "extend:name": "Unit Price"})
    );
    assert_eq!(columns["description"]["type"], json!(["string", "null"]));
}

#[test]
fn inferred_table_is_extracted_row_by_row() {
    let doc = common::doc(common::INVOICE);
    let out = RulesEngine
        .extract(&doc, &ExtractRequest::default())
        .expect("extracts");
    assert_eq!(
        out.value["items"][1],
        json!({"description": "Gadget B", "quantity": 1, "unit_price": 1000, "amount": 1000})
    );
    assert_eq!(out.value["items"].as_array().map(Vec::len), Some(3));
}

#[test]
fn engine_extracts_with_the_inferred_schema() {
    let doc = common::doc(common::INVOICE);
    let out = RulesEngine
        .extract(&doc, &ExtractRequest::default())
        .expect("extracts");
    assert_eq!(out.value["invoice_number"], "INV-2024-0042");
    assert_eq!(out.value["due_date"], "2024-04-05");
    assert_eq!(out.value["total_due"], json!(1234.56));
    let schema = infer_schema(&doc).expect("infers");
    assert_eq!(validate_output(&schema, &out.value), Ok(()));
}

#[test]
fn nothing_to_infer_is_a_schema_generation_failure() {
    let doc = common::doc("Dear customer,\nthank you for your order.");
    let err = infer_schema(&doc).expect_err("no labels");
    assert_eq!(err.failure_reason(), "SCHEMA_GENERATION_FAILED");
}
