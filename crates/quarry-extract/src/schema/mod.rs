//! Validation of the extraction schema dialect (spec §8.5).
//!
//! Extend accepts only a small, model-friendly subset of JSON Schema and
//! answers anything else with `400 INVALID_REQUEST` and a message that ends in
//! `; Path: schema.properties.…`. This module is that gate: the server calls
//! [`validate_schema`] (or [`crate::validate_config`]) before a run is
//! created, and engines may rely on every schema they receive having passed
//! it. The walk is bounded by the depth, property and size caps below, so a
//! hostile schema costs at most a few hundred KiB of work.

mod extend_types;
pub(crate) mod keywords;

use serde_json::{Map, Value};

/// Deepest allowed object nesting; the root does not count, every other object counts 1.
pub const MAX_OBJECT_DEPTH: usize = 5;
/// Most properties one schema may define, summed over all objects.
pub const MAX_PROPERTIES: usize = 1000;
/// Largest accepted schema, serialized as compact JSON.
pub const MAX_SCHEMA_BYTES: usize = 256 * 1024;

/// A schema or config that breaks the dialect, with the dotted path of the
/// offending node (`schema.properties.line_items.items.properties.amount`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}; Path: {path}")]
pub struct SchemaError {
    pub path: String,
    pub message: String,
}

impl SchemaError {
    pub(crate) fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// Checks `schema` against the Extend schema dialect; errors carry paths rooted at `schema`.
pub fn validate_schema(schema: &Value) -> Result<(), SchemaError> {
    validate_schema_at(schema, "schema")
}

/// [`validate_schema`] with a caller-chosen root path.
pub(crate) fn validate_schema_at(schema: &Value, root: &str) -> Result<(), SchemaError> {
    let size = serde_json::to_string(schema)
        .map(|s| s.len())
        .unwrap_or(usize::MAX);
    if size > MAX_SCHEMA_BYTES {
        return Err(SchemaError::new(
            root,
            format!("Schema is {size} bytes; the maximum is {MAX_SCHEMA_BYTES} bytes"),
        ));
    }
    let root_is_object = schema.get("type").and_then(Value::as_str) == Some("object")
        && schema.get("properties").is_some_and(Value::is_object);
    if !root_is_object {
        return Err(SchemaError::new(
            root,
            r#"The root schema must be {"type": "object", "properties": {...}}"#,
        ));
    }
    Walker { properties: 0 }.node(schema, root, 0, Position::Root)
}

/// Where a node sits; decides nullability rules and depth accounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Root,
    Property,
    ArrayItem,
}

/// The base type of a node after reading `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
}

impl Base {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Self::String,
            "number" => Self::Number,
            "integer" => Self::Integer,
            "boolean" => Self::Boolean,
            "object" => Self::Object,
            "array" => Self::Array,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Integer => "integer",
            Self::Boolean => "boolean",
            Self::Object => "object",
            Self::Array => "array",
        }
    }

    fn is_primitive(self) -> bool {
        !matches!(self, Self::Object | Self::Array)
    }
}

/// A node's `type`: the base type and whether `null` is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeType {
    pub base: Base,
    pub nullable: bool,
}

/// Reads `type` (`"string"` or `["string", "null"]`) without judging nullability.
pub(crate) fn node_type(obj: &Map<String, Value>, path: &str) -> Result<NodeType, SchemaError> {
    let unsupported = |name: &str| {
        SchemaError::new(
            path,
            format!(
                "Unsupported type \"{name}\". Allowed types: string, number, integer, boolean, object, array"
            ),
        )
    };
    match obj.get("type") {
        None => Err(SchemaError::new(
            path,
            r#"Missing "type"; every schema node needs a "type" or an "enum""#,
        )),
        Some(Value::String(name)) => Base::parse(name)
            .map(|base| NodeType {
                base,
                nullable: false,
            })
            .ok_or_else(|| unsupported(name)),
        Some(Value::Array(names)) => {
            let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
            let non_null: Vec<&str> = names.iter().copied().filter(|n| *n != "null").collect();
            let nulls = names.len() - non_null.len();
            match (non_null.as_slice(), nulls) {
                ([name], 0 | 1) if names.len() == non_null.len() + nulls => Base::parse(name)
                    .map(|base| NodeType {
                        base,
                        nullable: nulls == 1,
                    })
                    .ok_or_else(|| unsupported(name)),
                _ => Err(SchemaError::new(
                    path,
                    r#""type" must be one type name, or a type name plus "null" such as ["string", "null"]"#,
                )),
            }
        }
        Some(_) => Err(SchemaError::new(
            path,
            r#""type" must be a string or an array of strings"#,
        )),
    }
}

struct Walker {
    properties: usize,
}

impl Walker {
    fn node(
        &mut self,
        node: &Value,
        path: &str,
        depth: usize,
        pos: Position,
    ) -> Result<(), SchemaError> {
        let Some(obj) = node.as_object() else {
            return Err(SchemaError::new(path, "Schema nodes must be JSON objects"));
        };
        keywords::check(obj, path)?;
        if obj.contains_key("enum") {
            return keywords::check_enum(obj, path, pos);
        }
        if obj.contains_key("extend:descriptions") {
            return Err(SchemaError::new(
                path,
                r#""extend:descriptions" is only allowed next to "enum""#,
            ));
        }
        let ty = node_type(obj, path)?;
        extend_types::check(obj, path, ty)?;
        match ty.base {
            Base::Object => self.object(obj, path, depth, pos),
            Base::Array => self.array(obj, path, depth, pos),
            base => primitive(obj, path, base, ty.nullable, pos),
        }
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        depth: usize,
        pos: Position,
    ) -> Result<(), SchemaError> {
        let depth = if pos == Position::Root {
            depth
        } else {
            depth + 1
        };
        if depth > MAX_OBJECT_DEPTH {
            return Err(SchemaError::new(
                path,
                format!("Object nesting depth exceeds the maximum of {MAX_OBJECT_DEPTH}"),
            ));
        }
        keywords::only_on(obj, path, "object", &["items"])?;
        let Some(props) = obj.get("properties").and_then(Value::as_object) else {
            return Err(SchemaError::new(
                path,
                r#"Object schemas must define "properties" as an object"#,
            ));
        };
        for (key, child) in props {
            let child_path = format!("{path}.properties.{key}");
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(SchemaError::new(
                    &child_path,
                    format!(
                        r#"Property key "{key}" is invalid; use only letters, digits, "_" and "-""#
                    ),
                ));
            }
            self.properties += 1;
            if self.properties > MAX_PROPERTIES {
                return Err(SchemaError::new(
                    &child_path,
                    format!("Schema defines more than {MAX_PROPERTIES} properties"),
                ));
            }
            self.node(child, &child_path, depth, Position::Property)?;
        }
        keywords::check_required(obj, props, path)?;
        match obj.get("additionalProperties") {
            None | Some(Value::Bool(_)) => Ok(()),
            Some(_) => Err(SchemaError::new(
                path,
                r#""additionalProperties" must be true or false"#,
            )),
        }
    }

    fn array(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        depth: usize,
        pos: Position,
    ) -> Result<(), SchemaError> {
        if pos == Position::ArrayItem {
            return Err(SchemaError::new(
                path,
                "Arrays of arrays are not supported; array items must be an object schema or a non-nullable primitive",
            ));
        }
        keywords::only_on(
            obj,
            path,
            "array",
            &["properties", "required", "additionalProperties"],
        )?;
        let Some(items) = obj.get("items") else {
            return Err(SchemaError::new(
                path,
                r#"Array schemas must define "items""#,
            ));
        };
        self.node(items, &format!("{path}.items"), depth, Position::ArrayItem)
    }
}

fn primitive(
    obj: &Map<String, Value>,
    path: &str,
    base: Base,
    nullable: bool,
    pos: Position,
) -> Result<(), SchemaError> {
    debug_assert!(base.is_primitive());
    keywords::only_on(
        obj,
        path,
        base.name(),
        &["properties", "items", "required", "additionalProperties"],
    )?;
    let name = base.name();
    match (pos, nullable) {
        (Position::ArrayItem, true) => Err(SchemaError::new(
            path,
            format!(
                r#"Nullable primitive type ["{name}", "null"] is not allowed as array items. Use "{name}" instead."#
            ),
        )),
        (Position::Property | Position::Root, false) => Err(SchemaError::new(
            path,
            format!(
                r#"Non-nullable primitive type "{name}" is not allowed. Use ["{name}", "null"] instead of "{name}"."#
            ),
        )),
        _ => Ok(()),
    }
}
