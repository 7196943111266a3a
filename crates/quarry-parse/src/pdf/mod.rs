//! PDFs. The text layer is read with pdfium (exact glyph boxes, passwords,
//! `/Rotate`, broad compatibility) when `libpdfium.so` can be bound; without
//! it the pure-Rust `pdf-extract` fallback keeps the library usable, with
//! approximate boxes. `scripts/install-deps` installs pdfium.

mod fallback;
mod pdfium;
mod png;
mod reading;

use crate::{Document, Limits, ParseError};

pub use pdfium::{GrayImage, page_sizes, pdfium_available, render_page_gray, render_page_png};

/// Parses a PDF with pdfium when available, else with the fallback.
pub(crate) fn parse_pdf(bytes: &[u8], limits: &Limits) -> Result<Document, ParseError> {
    match pdfium::parse(bytes, limits) {
        Some(result) => result,
        None => fallback::parse_pdf(bytes),
    }
}
