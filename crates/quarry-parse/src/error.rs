use crate::FileKind;

/// Why a document could not be parsed. Each variant maps to a documented
/// parse `failureReason` at the API edge.
/// Serializable so a parse in a child process (see `isolate`) can hand
/// its typed error back to the parent.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ParseError {
    #[error("file is {size} bytes, above the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("document has {pages} pages, above the {limit}-page limit")]
    TooManyPages { pages: usize, limit: usize },
    #[error("file type {0:?} is not supported yet")]
    Unsupported(FileKind),
    #[error("file is password protected; give its `password` when uploading it")]
    PasswordProtected,
    /// A password was given and does not open the file.
    #[error("the `password` given does not open this file")]
    WrongPassword,
    #[error("document expands to more than {limit} bytes when decompressed")]
    TooLargeDecompressed { limit: u64 },
    #[error("document has more than {limit} table cells")]
    TooManyCells { limit: usize },
    #[error("image is {width}x{height} pixels, above the {limit}-pixel limit")]
    TooManyPixels { width: u64, height: u64, limit: u64 },
    #[error("file is corrupt: {0}")]
    Corrupt(String),
    /// A resource cap of the isolated parser (memory, CPU, wall time).
    #[error("{0}")]
    LimitExceeded(String),
    /// The isolated parser died without a result.
    #[error("the parser crashed on this file: {0}")]
    Crashed(String),
}
