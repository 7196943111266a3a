//! What can stop a classification or a split: the engine has nothing to
//! choose from, or nothing to read. Either is the caller's input, so the
//! messages name it the way the API's config does.

/// Why [`crate::classify`] or [`crate::split`] gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassifyError {
    /// The config lists no classifications.
    #[error("no classifications given: at least one is needed")]
    NoClasses,
    /// Two classifications share an id, so an answer could not name one.
    #[error("classification id {0:?} is given more than once")]
    DuplicateId(String),
    /// A classification has an empty `type`.
    #[error("classification {0} has an empty type")]
    EmptyType(usize),
    /// The parsed document has no pages.
    #[error("the document has no pages")]
    NoPages,
}
