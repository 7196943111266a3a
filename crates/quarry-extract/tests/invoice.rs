//! End-to-end behaviour of the rules engine on a realistic invoice: the
//! values a user would read off the page, nulls for what is not there, and
//! metadata that points at the right words.

mod common;

use common::{INVOICE, doc, invoice_schema, polygon, words_box};
use quarry_extract::{
    CitationMode, Engine, ExtractRequest, RulesEngine, engine_for, validate_output,
};
use serde_json::{Value, json};

fn extract(
    text: &str,
    schema: Value,
    citations: bool,
) -> (quarry_parse::Document, quarry_extract::ExtractOutput) {
    let document = doc(text);
    let request = ExtractRequest {
        schema: Some(schema),
        citations_enabled: citations,
        file_id: Some("file_abc".into()),
        ..Default::default()
    };
    let output = RulesEngine
        .extract(&document, &request)
        .expect("extraction succeeds");
    (document, output)
}

#[test]
fn invoice_fields_of_every_type_are_extracted() {
    let (_, out) = extract(INVOICE, invoice_schema(), false);
    assert_eq!(
        out.value,
        json!({
            "invoice_number": "INV-2024-0042",
            "invoice_date": "2024-03-05",
            "due_date": "2024-04-05",
            "ship_date": "2024-03-17",
            "po_number": "4500123",
            "status": "paid",
            "is_paid": true,
            "subtotal": 1234.56,
            "total": {"amount": 1234.56, "iso_4217_currency_code": "EUR"},
            "tags": ["urgent", "hardware", "q1"],
            "vendor": {"name": "Acme Supplies GmbH", "vat_id": "DE123456789"},
            "line_items": [
                {"description": "Widget A", "quantity": 2, "unit_price": 10, "amount": 20},
                {"description": "Gadget B", "quantity": 1, "unit_price": 1000, "amount": 1000},
                {"description": "Service fee", "quantity": 3, "unit_price": 71.52, "amount": 214.56}
            ],
            "customer_email": null
        })
    );
    assert_eq!(validate_output(&invoice_schema(), &out.value), Ok(()));
}

#[test]
fn totals_row_is_not_a_line_item() {
    let (_, out) = extract(INVOICE, invoice_schema(), false);
    let items = out.value["line_items"].as_array().expect("array");
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i["description"] != "Subtotal"));
}

#[test]
fn missing_fields_are_null_with_null_confidence() {
    let (_, out) = extract(INVOICE, invoice_schema(), true);
    assert_eq!(out.value["customer_email"], Value::Null);
    let entry = &out.metadata["customer_email"];
    assert_eq!(entry["ocrConfidence"], Value::Null);
    assert_eq!(entry["logprobsConfidence"], Value::Null);
    assert_eq!(entry["citations"], json!([]));
}

#[test]
fn unrelated_document_yields_the_empty_shape() {
    let (_, out) = extract(
        "Nothing to see here.\nJust prose, no labels.",
        invoice_schema(),
        false,
    );
    assert_eq!(out.value["line_items"], json!([]));
    assert_eq!(out.value["tags"], json!([]));
    assert_eq!(out.value["vendor"], json!({"name": null, "vat_id": null}));
    assert_eq!(
        out.value["total"],
        json!({"amount": null, "iso_4217_currency_code": null})
    );
    assert_eq!(validate_output(&invoice_schema(), &out.value), Ok(()));
}

#[test]
fn metadata_has_every_documented_path() {
    let (_, out) = extract(INVOICE, invoice_schema(), false);
    for path in [
        "invoice_number",
        "vendor",
        "vendor.name",
        "total",
        "total.amount",
        "tags",
        "tags[2]",
        "line_items",
        "line_items[0]",
        "line_items[0].description",
        "line_items[2].amount",
    ] {
        let entry = out
            .metadata
            .get(path)
            .unwrap_or_else(|| panic!("metadata for {path}"));
        assert!(
            entry["ocrConfidence"].is_number(),
            "{path} has a confidence"
        );
        assert!(
            entry.get("citations").is_none(),
            "no citations unless enabled"
        );
    }
    assert!(!out.metadata.contains_key("line_items[3]"));
}

#[test]
fn confidence_is_the_calibrated_probability() {
    // The rules' own scores (0.95 for an exact label, 0.8 for all words of
    // `total` in `Total Due`) are features; what is returned is the
    // shipped calibration's probability that such a value is right.
    let (document, out) = extract(INVOICE, invoice_schema(), false);
    let request = ExtractRequest {
        schema: Some(invoice_schema()),
        ..Default::default()
    };
    let analysis = RulesEngine.analyse(&document, &request).expect("analyses");
    let calibration = quarry_extract::calibration::Calibration::shipped();
    let conf = |p: &str| out.metadata[p]["ocrConfidence"].as_f64().expect("number");
    for path in ["invoice_number", "is_paid", "total.amount", "subtotal"] {
        let f = analysis
            .fields
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("features for {path}"));
        let p = calibration.probability(&f.x, f.raw);
        assert!(
            (conf(path) - (p * 1000.0).round() / 1000.0).abs() < 1e-9,
            "{path}"
        );
        assert!((0.0..=1.0).contains(&conf(path)));
    }
}

#[test]
fn citations_point_at_the_value_words() {
    let (document, out) = extract(INVOICE, invoice_schema(), true);
    let citation = &out.metadata["invoice_number"]["citations"][0];
    assert_eq!(citation["fileId"], "file_abc");
    let page = &document.pages[0];
    assert_eq!(
        citation["page"],
        json!({"number": 1, "width": page.width, "height": page.height})
    );
    assert_eq!(citation["referenceText"], "Invoice Number: INV-2024-0042");
    let expected = words_box(&document, "Invoice Number", &["INV-2024-0042"]);
    assert_eq!(citation["polygon"], polygon(expected));

    let cell = &out.metadata["line_items[0].description"]["citations"][0];
    assert_eq!(
        cell["polygon"],
        polygon(words_box(&document, "Widget A", &["Widget", "A"]))
    );
    assert_eq!(
        cell["referenceText"]
            .as_str()
            .map(|t| t.starts_with("Widget A")),
        Some(true)
    );

    let name = &out.metadata["vendor.name"]["citations"][0];
    assert_eq!(
        name["polygon"],
        polygon(words_box(&document, "Name:", &["Acme", "Supplies", "GmbH"]))
    );
    let array = out.metadata["line_items"]["citations"]
        .as_array()
        .expect("citations");
    assert_eq!(array.len(), 3, "one citation per row");
}

#[test]
fn word_and_block_citation_modes() {
    let document = doc(INVOICE);
    let mut request = ExtractRequest {
        schema: Some(invoice_schema()),
        citations_enabled: true,
        citation_mode: CitationMode::Word,
        ..Default::default()
    };
    let out = RulesEngine.extract(&document, &request).expect("extracts");
    let words = out.metadata["vendor.name"]["citations"]
        .as_array()
        .expect("citations");
    let texts: Vec<&str> = words
        .iter()
        .filter_map(|c| c["referenceText"].as_str())
        .collect();
    assert_eq!(texts, ["Acme", "Supplies", "GmbH"]);
    assert!(words[0].get("fileId").is_none());

    request.citation_mode = CitationMode::Block;
    let out = RulesEngine.extract(&document, &request).expect("extracts");
    let block = &out.metadata["vendor.name"]["citations"][0];
    assert_eq!(
        block["referenceText"],
        "Vendor:\nName: Acme Supplies GmbH\nVAT ID: DE123456789"
    );
}

#[test]
fn pipe_and_comma_tables() {
    let schema = json!({"type": "object", "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "sku": {"type": ["string", "null"]},
            "qty": {"type": ["integer", "null"]},
            "price": {"type": ["number", "null"]}
        }}}
    }});
    let piped = "| SKU | Qty | Price |\n|-----|-----|-------|\n| A-1 | 2 | 3.50 |\n| B-2 | 1 | 12.00 |\n| Total | | 19.00 |";
    let (_, out) = extract(piped, schema.clone(), false);
    assert_eq!(
        out.value["items"],
        json!([{"sku": "A-1", "qty": 2, "price": 3.5}, {"sku": "B-2", "qty": 1, "price": 12}])
    );

    let csv = "sku,qty,price\nA-1,2,3.50\nB-2,1,12.00\n\nnotes";
    let (_, out) = extract(csv, schema, false);
    assert_eq!(
        out.value["items"],
        json!([{"sku": "A-1", "qty": 2, "price": 3.5}, {"sku": "B-2", "qty": 1, "price": 12}])
    );
}

#[test]
fn qualified_labels_fill_nested_objects_without_a_section() {
    let schema = json!({"type": "object", "properties": {
        "vendor": {"type": "object", "properties": {"name": {"type": ["string", "null"]}}},
        "customer": {"type": "object", "properties": {"name": {"type": ["string", "null"]}}}
    }});
    let (_, out) = extract(
        "Customer Name: Bob Ltd\nVendor Name: Acme Inc",
        schema,
        false,
    );
    assert_eq!(
        out.value,
        json!({"vendor": {"name": "Acme Inc"}, "customer": {"name": "Bob Ltd"}})
    );
}

#[test]
fn value_below_a_label_line_and_unmatched_enum() {
    let schema = json!({"type": "object", "properties": {
        "bill_to": {"type": ["string", "null"]},
        "priority": {"enum": ["low", "high", null]}
    }});
    let (_, out) = extract("Bill To:\nBob Ltd\nPriority: urgent", schema, false);
    assert_eq!(out.value, json!({"bill_to": "Bob Ltd", "priority": null}));
}

#[test]
fn schema_less_runs_use_an_inferred_schema() {
    let document = doc("Invoice No: 17\nIssued: 2024-01-02\nCustomer: Bob Ltd");
    let out = engine_for(None)
        .extract(&document, &ExtractRequest::default())
        .expect("extracts");
    assert_eq!(
        out.value,
        json!({"invoice_number": 17, "issued": "2024-01-02", "customer": "Bob Ltd"})
    );
}

#[test]
fn invalid_schemas_fail_with_invalid_configuration() {
    let request = ExtractRequest {
        schema: Some(json!({"type": "array"})),
        ..Default::default()
    };
    let err = RulesEngine
        .extract(&doc("a"), &request)
        .expect_err("rejected");
    assert_eq!(err.failure_reason(), "INVALID_CONFIGURATION");
    let err = RulesEngine
        .extract(&doc("no labels here"), &ExtractRequest::default())
        .expect_err("nothing to infer");
    assert_eq!(err.failure_reason(), "SCHEMA_GENERATION_FAILED");
}

#[test]
fn every_base_processor_maps_to_the_rules_engine() {
    for processor in [
        None,
        Some("extraction_performance"),
        Some("extraction_light"),
        Some("extraction_operator"),
    ] {
        assert_eq!(engine_for(processor).name(), "rules");
    }
}

#[test]
fn output_serializes_in_the_wire_shape() {
    let (_, out) = extract(INVOICE, invoice_schema(), false);
    let wire = serde_json::to_value(&out).expect("serializes");
    let keys: Vec<&String> = wire.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["value", "metadata"]);
}

#[test]
fn exact_labels_win_over_looser_ones() {
    let schema = json!({"type": "object", "properties": {
        "total": {"type": ["number", "null"]},
        "date": {"type": ["string", "null"], "extend:type": "date"}
    }});
    let text = "Total Amount: 12\nDue Date: 2024-02-01\nTotal: 15\nDate: 2024-01-15";
    let (_, out) = extract(text, schema, false);
    assert_eq!(out.value, json!({"total": 15, "date": "2024-01-15"}));
}

#[test]
fn hostile_text_never_panics_and_output_still_validates() {
    let hostile = ":::: |||| ,,,, \u{0}\u{fffd} 𝔘𝔫𝔦 : : 12:30 ||: a:b\n".repeat(50)
        + "Total: 99999999999999999999999999999999999999 EUR\nDate: 99/99/9999\n"
        + &"x ".repeat(5000);
    for mode in [CitationMode::Line, CitationMode::Word, CitationMode::Block] {
        let request = ExtractRequest {
            schema: Some(invoice_schema()),
            citations_enabled: true,
            citation_mode: mode,
            ..Default::default()
        };
        let out = RulesEngine
            .extract(&doc(&hostile), &request)
            .expect("extracts");
        assert_eq!(validate_output(&invoice_schema(), &out.value), Ok(()));
    }
}

#[test]
fn the_title_line_date_wins_over_an_earlier_unlabelled_date() {
    let schema = json!({"type": "object", "properties": {
        "invoice_date": {"type": ["string", "null"], "extend:type": "date"}
    }});
    let text = "Form version 2.5 of 10.01.2023\n\nACME GmbH\n\nRechnung Nr. 4711 vom 31.10.2018\n\nPeriod 01.10.2018 to 31.10.2018";
    let (_, out) = extract(text, schema, false);
    assert_eq!(out.value, json!({"invoice_date": "2018-10-31"}));
}

#[test]
fn the_title_lines_date_wins_over_another_documents_date() {
    let schema = json!({"type": "object", "properties": {
        "invoice_date": {"type": ["string", "null"], "extend:type": "date"}
    }});
    let text = "Rechnungskorrektur (384) Nr. RK21012345 vom 16.09.2018\n\n\
                Lieferschein-Datum : 05.08.2018\n";
    let (_, out) = extract(text, schema.clone(), false);
    assert_eq!(out.value, json!({"invoice_date": "2018-09-16"}));
    let labelled = "Beleg-Datum : 06.08.2013\nLeistungs-Datum : 05.08.2013\n";
    let (_, out) = extract(labelled, schema, false);
    assert_eq!(out.value, json!({"invoice_date": "2013-08-06"}));
}

#[test]
fn a_label_with_its_colon_aligned_in_a_column_is_read_mid_line() {
    let schema = json!({"type": "object", "properties": {
        "invoice_number": {"type": ["string", "null"]}
    }});
    let text = "ACME GMBH     KUNDE AG        Beleg-Nr            : R87654321\n";
    let (_, out) = extract(text, schema, false);
    assert_eq!(out.value, json!({"invoice_number": "R87654321"}));
}

#[test]
fn totals_printed_under_a_row_of_labels_are_read() {
    let schema = json!({"type": "object", "properties": {
        "total_net": {"type": ["number", "null"]},
        "total_tax": {"type": ["number", "null"]},
        "total_gross": {"type": ["number", "null"]}
    }});
    let text =
        "Facture F-7\n\nTOTAL HT    TOTAL TVA    TOTAL TTC\n100,00      10,00        110,00\n";
    let (_, out) = extract(text, schema, false);
    assert_eq!(
        out.value,
        json!({"total_net": 100, "total_tax": 10, "total_gross": 110})
    );
}
