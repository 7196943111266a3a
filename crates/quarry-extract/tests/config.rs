//! `validate_config`: the whole ExtractConfig as a client sends it.

mod common;

use quarry_extract::validate_config;
use serde_json::{Value, json};

fn assert_rejected(config: Value, path: &str, message_part: &str) {
    common::assert_error(validate_config(&config), path, message_part);
}

#[test]
fn full_config_is_accepted() {
    let config = json!({
        "baseProcessor": "extraction_light",
        "baseVersion": "4.6.0",
        "extractionRules": "Amounts are in EUR.",
        "schema": common::invoice_schema(),
        "advancedOptions": {
            "citationsEnabled": true,
            "citationMode": "word",
            "arrayCitationStrategy": "item",
            "arrayStrategy": {"type": "large_array_heuristics"},
            "chunkingOptions": {"chunkingStrategy": "semantic", "pageChunkSize": 5, "chunkSelectionStrategy": "take_first"},
            "excelSheetRanges": [{"start": 0, "end": 2}],
            "excelSheetSelectionStrategy": "all",
            "pageRanges": [{"start": 1, "end": 3}],
            "reviewAgent": {"enabled": true},
            "currentDateEnabled": false,
            "modelReasoningInsightsEnabled": null
        },
        "parseConfig": {"target": "markdown"}
    });
    assert_eq!(validate_config(&config), Ok(()));
    assert_eq!(validate_config(&json!({})), Ok(()));
}

#[test]
fn legacy_fields_are_rejected_clearly() {
    assert_rejected(
        json!({"fields": [{"id": "a", "name": "a", "type": "string"}]}),
        "config.fields",
        "Legacy \"fields\"",
    );
}

#[test]
fn unknown_keys_are_named() {
    assert_rejected(
        json!({"schema_": {}, "foo": 1}),
        "config",
        r#"Unknown keys "schema_", "foo""#,
    );
    assert_rejected(
        json!({"advancedOptions": {"citations": true}}),
        "config.advancedOptions",
        r#"Unknown key "citations""#,
    );
}

#[test]
fn enum_and_type_errors_carry_paths() {
    assert_rejected(
        json!({"baseProcessor": "gpt"}),
        "config.baseProcessor",
        "extraction_performance",
    );
    assert_rejected(json!({"baseVersion": 4}), "config.baseVersion", "string");
    assert_rejected(
        json!({"advancedOptions": {"citationMode": "page"}}),
        "config.advancedOptions.citationMode",
        "line, word, block",
    );
    assert_rejected(
        json!({"advancedOptions": {"citationsEnabled": "yes"}}),
        "config.advancedOptions.citationsEnabled",
        "true or false",
    );
    assert_rejected(
        json!({"advancedOptions": {"arrayStrategy": {}}}),
        "config.advancedOptions.arrayStrategy",
        "\"type\" is required",
    );
    assert_rejected(
        json!({"advancedOptions": {"pageRanges": [{"start": 3, "end": 1}]}}),
        "config.advancedOptions.pageRanges[0].end",
        "must not be less than start",
    );
    assert_rejected(
        json!({"advancedOptions": {"chunkingOptions": {"pageChunkSize": 0}}}),
        "config.advancedOptions.chunkingOptions.pageChunkSize",
        "positive integer",
    );
    assert_rejected(
        json!({"parseConfig": "fast"}),
        "config.parseConfig",
        "object",
    );
    assert_rejected(json!([]), "config", "JSON object");
}

#[test]
fn schema_errors_keep_schema_paths() {
    let config = json!({"schema": {"type": "object", "properties": {"name": {"type": "string"}}}});
    assert_rejected(
        config,
        "schema.properties.name",
        "Non-nullable primitive type \"string\"",
    );
}
