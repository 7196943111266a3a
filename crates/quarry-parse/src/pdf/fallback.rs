//! PDFs with a text layer. This first version takes each page's text in
//! reading order from `pdf-extract` and lays it out on the same grid as plain
//! text, so boxes are approximate; exact glyph boxes arrive with the PDF
//! engine chosen by measurement (see the parsing issue).

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::{Document, FileKind, ParseError, text::layout_page};

pub(crate) fn parse_pdf(bytes: &[u8]) -> Result<Document, ParseError> {
    // pdf-extract can panic on malformed streams; a hostile file must end as a
    // typed error, never take the worker down.
    let pages = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::extract_text_from_mem_by_pages(bytes)
    }))
    .map_err(|_| ParseError::Corrupt("the PDF structure could not be read".into()))?
    .map_err(|e| {
        let msg = e.to_string();
        if msg.to_ascii_lowercase().contains("encrypt") {
            ParseError::PasswordProtected
        } else {
            ParseError::Corrupt(msg)
        }
    })?;
    Ok(Document {
        kind: FileKind::Pdf,
        einvoice: None,
        pages: pages
            .iter()
            .enumerate()
            .map(|(i, text)| layout_page(i as u32 + 1, text))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_after_pdf_header_is_a_typed_error() {
        let err = parse_pdf(b"%PDF-1.4\n garbage garbage").expect_err("must fail");
        assert!(matches!(
            err,
            ParseError::Corrupt(_) | ParseError::PasswordProtected
        ));
    }
}
