//! `quarry-parse` turns the bytes of an uploaded document into a [`Document`]:
//! pages with lines and words that carry bounding boxes in page coordinates.
//!
//! Everything downstream (extraction engines, citations, the parse-runs API)
//! reads this one shape, so the type is deliberately small and format-agnostic.
//! This first version understands plain text (TXT/Markdown/CSV/HTML/XML read as
//! text) and PDFs with a text layer; richer layout (OCR, tables, office formats)
//! grows here without changing the consumers.
//!
//! Parsers never panic on hostile bytes: every failure is a [`ParseError`].

mod detect;
mod document;
mod error;
mod pdf;
mod text;

pub use detect::{FileKind, detect_kind};
pub use document::{BBox, Document, Line, Page, Word};
pub use error::ParseError;

/// Explicit caps applied while parsing untrusted input.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Largest number of pages kept; more pages is an error, not a truncation,
    /// so a run never silently extracts from half a document.
    pub max_pages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 50 * 1024 * 1024,
            max_pages: 2_000,
        }
    }
}

/// Parses `bytes` (named `file_name`, used only as a type hint) into a [`Document`].
pub fn parse(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Document, ParseError> {
    if bytes.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let kind = detect_kind(bytes, file_name);
    let doc = match kind {
        FileKind::Pdf => pdf::parse_pdf(bytes)?,
        FileKind::Text | FileKind::Csv | FileKind::Html | FileKind::Xml => {
            text::parse_text(bytes, kind)?
        }
        other => return Err(ParseError::Unsupported(other)),
    };
    if doc.pages.len() > limits.max_pages {
        return Err(ParseError::TooManyPages {
            pages: doc.pages.len(),
            limit: limits.max_pages,
        });
    }
    Ok(doc)
}
