//! PDFs. The text layer is read with pdfium (exact glyph boxes, passwords,
//! `/Rotate`, broad compatibility) when `libpdfium.so` can be bound; without
//! it the pure-Rust `pdf-extract` fallback keeps the library usable, with
//! approximate boxes. `scripts/install-deps` installs pdfium.

mod fallback;
mod figures;
mod pdfium;
mod pipeline;
mod png;
mod raw;
mod reading;
mod vertical;

use crate::{Document, FileKind, Limits, Page, ParseError};

pub use pdfium::{GrayImage, page_sizes, pdfium_available, render_page_gray, render_page_png};

/// Parses a PDF with pdfium when available, else with the fallback.
pub(crate) fn parse_pdf(bytes: &[u8], limits: &Limits) -> Result<Document, ParseError> {
    let mut pages = Vec::new();
    match pdfium::parse_pages(bytes, limits, &mut |p| pages.push(p)) {
        Some(result) => result.map(|embedded| Document {
            kind: FileKind::Pdf,
            pages,
            einvoice: crate::einvoice::from_embedded(&embedded),
        }),
        None => fallback::parse_pdf(bytes),
    }
}

/// Parses a PDF page by page, handing each page to `on_page` without
/// keeping it; embedded files are not read. The fallback engine has no
/// page-at-a-time mode: its pages are parsed together, then handed over
/// one by one.
pub(crate) fn parse_pdf_pages(
    bytes: &[u8],
    limits: &Limits,
    on_page: &mut dyn FnMut(Page),
) -> Result<(), ParseError> {
    match pdfium::parse_pages(bytes, limits, on_page) {
        Some(result) => result.map(drop),
        None => {
            fallback::parse_pdf(bytes)?
                .pages
                .into_iter()
                .for_each(on_page);
            Ok(())
        }
    }
}
