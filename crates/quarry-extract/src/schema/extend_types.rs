//! The `extend:type` custom types (`date`, `currency`, `signature`): each is
//! an ordinary schema node with a fixed shape, so engines can rely on e.g. a
//! currency always having `amount` and `iso_4217_currency_code`.

use serde_json::{Map, Value};

use super::{Base, NodeType, SchemaError, node_type};

/// The fixed properties of the object-shaped custom types: `(key, base type)`,
/// each nullable.
pub(crate) const CURRENCY_FIELDS: &[(&str, Base)] = &[
    ("amount", Base::Number),
    ("iso_4217_currency_code", Base::String),
];
pub(crate) const SIGNATURE_FIELDS: &[(&str, Base)] = &[
    ("printed_name", Base::String),
    ("signature_date", Base::String),
    ("is_signed", Base::Boolean),
    ("title_or_role", Base::String),
];

/// Checks the node's `extend:type`, if any, against its declared shape.
pub(super) fn check(obj: &Map<String, Value>, path: &str, ty: NodeType) -> Result<(), SchemaError> {
    let Some(kind) = obj.get("extend:type").and_then(Value::as_str) else {
        return Ok(());
    };
    match kind {
        "date" if ty.base == Base::String => Ok(()),
        "date" => Err(SchemaError::new(
            path,
            r#"extend:type "date" requires "type": ["string", "null"]"#,
        )),
        "currency" => fixed_object(obj, path, ty, kind, CURRENCY_FIELDS),
        "signature" => fixed_object(obj, path, ty, kind, SIGNATURE_FIELDS),
        other => Err(SchemaError::new(
            path,
            format!(r#"Unknown extend:type "{other}"; supported: date, currency, signature"#),
        )),
    }
}

fn fixed_object(
    obj: &Map<String, Value>,
    path: &str,
    ty: NodeType,
    kind: &str,
    fields: &[(&str, Base)],
) -> Result<(), SchemaError> {
    let expected = fields
        .iter()
        .map(|(key, base)| format!(r#"{key} (["{}", "null"])"#, base.name()))
        .collect::<Vec<_>>()
        .join(", ");
    let shape_error = || {
        SchemaError::new(
            path,
            format!(
                r#"extend:type "{kind}" requires an object with exactly these properties: {expected}"#
            ),
        )
    };
    if ty.base != Base::Object {
        return Err(shape_error());
    }
    let Some(props) = obj.get("properties").and_then(Value::as_object) else {
        return Err(shape_error());
    };
    if props.len() != fields.len() {
        return Err(shape_error());
    }
    for (key, base) in fields {
        let child_path = format!("{path}.properties.{key}");
        let Some(child) = props.get(*key).and_then(Value::as_object) else {
            return Err(shape_error());
        };
        let child_ty = node_type(child, &child_path)?;
        if child_ty.base != *base {
            return Err(SchemaError::new(
                &child_path,
                format!(
                    r#"extend:type "{kind}" requires {key} to be ["{}", "null"]"#,
                    base.name()
                ),
            ));
        }
    }
    Ok(())
}
