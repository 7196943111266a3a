//! The classes a caller asks the engine to choose between, as plain Rust
//! (the wire form — `classifications` / `splitClassifications` — is the
//! pipeline's to map).

use crate::ClassifyError;

/// One user-defined class.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Class {
    /// The config's `id`: what the caller calls this class.
    pub id: String,
    /// The config's `type`: the kind of document, returned in answers.
    pub kind: String,
    /// Free text about what such a document looks like; its words are
    /// evidence for the class.
    pub description: String,
    /// What identifies one document of this class, in natural language
    /// ("the invoice number"); splits report the value it names.
    pub identifier_key: Option<String>,
}

impl Class {
    /// A class with `kind` as both id and type and the given description.
    pub fn new(kind: &str, description: &str) -> Self {
        Self {
            id: kind.to_string(),
            kind: kind.to_string(),
            description: description.to_string(),
            identifier_key: None,
        }
    }
}

/// Checks the class list once, before any scoring: there must be one, with
/// distinct ids and non-empty types.
pub(crate) fn check(classes: &[Class]) -> Result<(), ClassifyError> {
    if classes.is_empty() {
        return Err(ClassifyError::NoClasses);
    }
    for (i, class) in classes.iter().enumerate() {
        if class.kind.trim().is_empty() {
            return Err(ClassifyError::EmptyType(i));
        }
        if classes[..i].iter().any(|c| c.id == class.id) {
            return Err(ClassifyError::DuplicateId(class.id.clone()));
        }
    }
    Ok(())
}
