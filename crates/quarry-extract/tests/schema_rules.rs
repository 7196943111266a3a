//! Every rule of the schema dialect (spec §8.5) rejects with the exact
//! message style and path a user sees in the 400 response.

mod common;

use quarry_extract::{SchemaError, validate_schema};
use serde_json::{Value, json};

/// A root schema with one property `key` = `node`.
fn with(key: &str, node: Value) -> Value {
    json!({"type": "object", "properties": {key: node}})
}

fn err(schema: &Value) -> SchemaError {
    validate_schema(schema).expect_err("schema should be rejected")
}

fn assert_rejected(schema: Value, path: &str, message_part: &str) {
    common::assert_error(validate_schema(&schema), path, message_part);
}

#[test]
fn accepts_what_the_sdk_generates() {
    assert_eq!(validate_schema(&common::invoice_schema()), Ok(()));
    let signature = json!({
        "type": "object",
        "title": "Sig",
        "description": "Signature block",
        "extend:type": "signature",
        "properties": {
            "printed_name": {"type": ["string", "null"]},
            "signature_date": {"type": ["string", "null"], "extend:type": "date"},
            "is_signed": {"type": ["boolean", "null"]},
            "title_or_role": {"type": ["string", "null"], "default": null, "format": "text"}
        },
        "required": ["printed_name", "signature_date", "is_signed", "title_or_role"],
        "additionalProperties": false
    });
    let dates = json!({"type": "array", "items": {"type": "string", "extend:type": "date"}});
    let schema = json!({"type": "object", "properties": {"sig": signature, "dates": dates, "n-1": {"type": ["null", "integer"]}}});
    assert_eq!(validate_schema(&schema), Ok(()));
}

#[test]
fn display_matches_extend_message_style() {
    let e = err(&with("name", json!({"type": "string"})));
    assert_eq!(
        e.to_string(),
        r#"Non-nullable primitive type "string" is not allowed. Use ["string", "null"] instead of "string".; Path: schema.properties.name"#
    );
}

#[test]
fn root_must_be_an_object_with_properties() {
    assert_rejected(
        json!({"type": "array", "items": {"type": "string"}}),
        "schema",
        "root schema",
    );
    assert_rejected(json!({"type": "object"}), "schema", "root schema");
    assert_rejected(json!([1]), "schema", "root schema");
}

#[test]
fn only_dialect_types() {
    assert_rejected(
        with("d", json!({"type": ["date", "null"]})),
        "schema.properties.d",
        r#"Unsupported type "date""#,
    );
    assert_rejected(
        with("d", json!({"type": ["string", "number"]})),
        "schema.properties.d",
        "one type name",
    );
    assert_rejected(
        with("d", json!({"description": "x"})),
        "schema.properties.d",
        r#"Missing "type""#,
    );
}

#[test]
fn primitives_must_be_nullable_with_nested_paths() {
    let schema = with(
        "line_items",
        json!({"type": "array", "items": {"type": "object", "properties": {"amount": {"type": "number"}}}}),
    );
    assert_rejected(
        schema,
        "schema.properties.line_items.items.properties.amount",
        r#"Non-nullable primitive type "number""#,
    );
    assert_rejected(
        with("b", json!({"type": "boolean"})),
        "schema.properties.b",
        r#"Use ["boolean", "null"]"#,
    );
}

#[test]
fn enums_are_strings_with_null_and_matching_descriptions() {
    assert_rejected(
        with("s", json!({"enum": ["a", 1, null]})),
        "schema.properties.s",
        "strings",
    );
    assert_rejected(
        with("s", json!({"enum": ["a", "b"]})),
        "schema.properties.s",
        "must include null",
    );
    assert_rejected(
        with(
            "s",
            json!({"enum": ["a", "b", null], "extend:descriptions": ["only one"]}),
        ),
        "schema.properties.s",
        "has 1 entries but the enum has 2",
    );
    assert_rejected(
        with(
            "s",
            json!({"type": ["string", "null"], "extend:descriptions": ["x"]}),
        ),
        "schema.properties.s",
        "next to \"enum\"",
    );
}

#[test]
fn objects_need_properties_and_valid_required() {
    assert_rejected(
        with("vendor", json!({"type": "object"})),
        "schema.properties.vendor",
        "must define \"properties\"",
    );
    let schema = with(
        "vendor",
        json!({"type": "object", "properties": {"name": {"type": ["string", "null"]}}, "required": ["name", "city"]}),
    );
    assert_rejected(
        schema,
        "schema.properties.vendor",
        r#""required" lists "city""#,
    );
    let root = json!({"type": "object", "properties": {"a": {"type": ["string", "null"]}}, "required": ["b"]});
    assert_rejected(root, "schema", r#""required" lists "b""#);
}

#[test]
fn array_items_are_objects_or_non_nullable_primitives() {
    assert_rejected(
        with("t", json!({"type": "array"})),
        "schema.properties.t",
        "must define \"items\"",
    );
    assert_rejected(
        with(
            "t",
            json!({"type": "array", "items": {"type": ["string", "null"]}}),
        ),
        "schema.properties.t.items",
        r#"Use "string" instead"#,
    );
    assert_rejected(
        with(
            "t",
            json!({"type": "array", "items": {"enum": ["a", null]}}),
        ),
        "schema.properties.t.items",
        "Enums are not allowed as array items",
    );
    assert_rejected(
        with(
            "t",
            json!({"type": "array", "items": {"type": "array", "items": {"type": "string"}}}),
        ),
        "schema.properties.t.items",
        "Arrays of arrays",
    );
}

#[test]
fn nesting_depth_is_capped_at_five_objects() {
    let leaf = json!({"type": ["string", "null"]});
    let nest = |depth: usize| {
        (0..depth).fold(
            leaf.clone(),
            |inner, _| json!({"type": "object", "properties": {"o": inner}}),
        )
    };
    assert_eq!(validate_schema(&with("o", nest(5))), Ok(()));
    let path = format!("schema{}", ".properties.o".repeat(6));
    assert_rejected(with("o", nest(6)), &path, "maximum of 5");
}

#[test]
fn property_keys_are_restricted() {
    assert_rejected(
        with("bad key", json!({"type": ["string", "null"]})),
        "schema.properties.bad key",
        "letters, digits",
    );
    assert_rejected(
        with("naïve", json!({"type": ["string", "null"]})),
        "schema.properties.naïve",
        "letters, digits",
    );
}

#[test]
fn extend_types_have_fixed_shapes() {
    assert_rejected(
        with(
            "d",
            json!({"type": ["number", "null"], "extend:type": "date"}),
        ),
        "schema.properties.d",
        r#"extend:type "date" requires"#,
    );
    let wrong_currency = json!({"type": "object", "extend:type": "currency", "properties": {
        "amount": {"type": ["string", "null"]}, "iso_4217_currency_code": {"type": ["string", "null"]}}});
    assert_rejected(
        with("c", wrong_currency),
        "schema.properties.c.properties.amount",
        "amount to be [\"number\", \"null\"]",
    );
    let short_currency = json!({"type": "object", "extend:type": "currency", "properties": {"amount": {"type": ["number", "null"]}}});
    assert_rejected(
        with("c", short_currency),
        "schema.properties.c",
        "exactly these properties",
    );
    let signature = json!({"type": "object", "extend:type": "signature", "properties": {
        "printed_name": {"type": ["string", "null"]}, "is_signed": {"type": ["boolean", "null"]}}});
    assert_rejected(with("s", signature), "schema.properties.s", "printed_name");
    assert_rejected(
        with(
            "x",
            json!({"type": ["string", "null"], "extend:type": "phone"}),
        ),
        "schema.properties.x",
        r#"Unknown extend:type "phone""#,
    );
}

#[test]
fn unsupported_keywords_are_named() {
    for keyword in [
        "anyOf",
        "oneOf",
        "allOf",
        "$ref",
        "$defs",
        "definitions",
        "pattern",
        "if",
        "then",
        "else",
        "not",
        "const",
    ] {
        let mut node = json!({"type": ["string", "null"]});
        node[keyword] = json!([]);
        assert_rejected(
            with("f", node),
            "schema.properties.f",
            &format!(r#"Unsupported keyword "{keyword}""#),
        );
    }
    assert_rejected(
        with("f", json!({"type": ["number", "null"], "x-custom": 0})),
        "schema.properties.f",
        r#"Unknown keyword "x-custom""#,
    );
}

#[test]
fn value_constraints_guide_but_never_fail_outputs() {
    let schema = json!({
        "type": "object",
        "properties": {"qty": {"type": ["integer", "null"], "minimum": 0, "maximum": 5}},
        "required": ["qty"],
        "additionalProperties": false
    });
    assert!(quarry_extract::validate_schema(&schema).is_ok());
    assert!(quarry_extract::validate_output(&schema, &json!({"qty": 9})).is_ok());
}

#[test]
fn keywords_must_fit_the_node_type() {
    assert_rejected(
        with(
            "f",
            json!({"type": ["string", "null"], "items": {"type": "string"}}),
        ),
        "schema.properties.f",
        r#""items" is not allowed on a schema of type "string""#,
    );
    assert_rejected(
        with(
            "f",
            json!({"type": "object", "properties": {}, "additionalProperties": {"type": "string"}}),
        ),
        "schema.properties.f",
        "true or false",
    );
}

#[test]
fn property_count_and_size_are_capped() {
    let props: serde_json::Map<String, Value> = (0..1001)
        .map(|i| (format!("p{i}"), json!({"type": ["string", "null"]})))
        .collect();
    assert_rejected(
        json!({"type": "object", "properties": props}),
        "schema.properties.p1000",
        "more than 1000",
    );
    let big = with(
        "f",
        json!({"type": ["string", "null"], "description": "x".repeat(300 * 1024)}),
    );
    assert_rejected(big, "schema", "maximum is 262144 bytes");
}

/// The accepted side of every rule above: each shape a rule polices has a
/// valid form that passes.
#[test]
fn every_rule_has_an_accepted_form() {
    let currency = json!({"type": "object", "extend:type": "currency", "properties": {
        "amount": {"type": ["number", "null"]},
        "iso_4217_currency_code": {"type": ["string", "null"]}
    }, "required": ["amount", "iso_4217_currency_code"], "additionalProperties": false});
    let nested = json!({"type": "object", "properties": {"city": {"type": ["string", "null"]}},
        "required": ["city"], "additionalProperties": true});
    let accepted = [
        ("enum", json!({"enum": ["a", "b", null]})),
        (
            "typed_enum",
            json!({"type": ["string", "null"], "enum": ["a", null], "extend:descriptions": ["first"]}),
        ),
        (
            "date",
            json!({"type": ["string", "null"], "extend:type": "date"}),
        ),
        ("currency", currency),
        ("object", nested),
        (
            "objects",
            json!({"type": "array", "items": {"type": "object", "properties": {"q": {"type": ["integer", "null"]}}}}),
        ),
        (
            "numbers",
            json!({"type": "array", "items": {"type": "number"}}),
        ),
        (
            "flag",
            json!({"type": ["boolean", "null"], "description": "d", "title": "t"}),
        ),
        (
            "with-dash_and_1",
            json!({"type": ["number", "null"], "minimum": 0}),
        ),
    ];
    for (key, node) in accepted {
        let schema = json!({"type": "object", "properties": {key: node}, "required": [key],
            "additionalProperties": false});
        assert_eq!(validate_schema(&schema), Ok(()), "{key}");
    }
}
