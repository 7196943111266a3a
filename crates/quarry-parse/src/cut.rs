//! Unlocking a password-protected PDF, and cutting a page range out of a
//! file losslessly: what a split run stores
//! as a new file for each document it found in a packet. A PDF keeps the
//! range's page objects as they are (text layer, images, fonts); a text
//! file keeps its pages' text (pages are separated by form feeds, as
//! [`crate::parse`] reads them); a one-page file (an image) is itself.

use lopdf::Document as Pdf;

use crate::{FileKind, ParseError};

/// `bytes`, a PDF opened with `password`, saved without its encryption so
/// every reader (pdfium, the fallback, OCR) can parse it. A PDF that opens
/// without a password (none, or an owner password only) is returned as it
/// is; a password that does not open it is [`ParseError::WrongPassword`].
pub fn unlock_pdf(bytes: &[u8], password: &str) -> Result<Vec<u8>, ParseError> {
    // lopdf panics on some malformed object streams; a hostile file must
    // end in an error, not a crashed parse.
    std::panic::catch_unwind(|| {
        let mut pdf = Pdf::load_mem(bytes).map_err(|e| ParseError::Corrupt(e.to_string()))?;
        if !pdf.is_encrypted() {
            return Ok(bytes.to_vec());
        }
        pdf.decrypt(password)
            .map_err(|_| ParseError::WrongPassword)?;
        let mut out = Vec::new();
        pdf.save_to(&mut out)
            .map_err(|e| ParseError::Corrupt(e.to_string()))?;
        Ok(out)
    })
    .unwrap_or_else(|_| Err(ParseError::Corrupt("the PDF could not be decrypted".into())))
}

/// Pages `first..=last` (1-based) of `bytes`, a file of `kind`, as a file
/// of the same kind.
pub fn cut_pages(
    bytes: &[u8],
    kind: FileKind,
    first: u32,
    last: u32,
) -> Result<Vec<u8>, ParseError> {
    if first == 0 || last < first {
        return Err(ParseError::Corrupt(format!("no pages {first}..={last}")));
    }
    match kind {
        FileKind::Pdf => cut_pdf(bytes, first, last),
        FileKind::Text => {
            let text = String::from_utf8_lossy(bytes);
            let pages: Vec<&str> = text.split('\u{c}').collect();
            let (from, to) = (first as usize - 1, (last as usize).min(pages.len()));
            if from >= to {
                return Err(ParseError::Corrupt(format!(
                    "the text has {} pages",
                    pages.len()
                )));
            }
            Ok(pages[from..to].join("\u{c}").into_bytes())
        }
        FileKind::Image if first == 1 => Ok(bytes.to_vec()),
        other => Err(ParseError::Unsupported(other)),
    }
}

fn cut_pdf(bytes: &[u8], first: u32, last: u32) -> Result<Vec<u8>, ParseError> {
    let mut pdf = Pdf::load_mem(bytes).map_err(|e| ParseError::Corrupt(e.to_string()))?;
    if pdf.is_encrypted() {
        return Err(ParseError::PasswordProtected);
    }
    let numbers: Vec<u32> = pdf.get_pages().keys().copied().collect();
    if !numbers.contains(&last) {
        return Err(ParseError::Corrupt(format!(
            "the PDF has {} pages; page {last} was asked for",
            numbers.len()
        )));
    }
    let outside: Vec<u32> = numbers
        .into_iter()
        .filter(|n| !(first..=last).contains(n))
        .collect();
    pdf.delete_pages(&outside);
    pdf.prune_objects();
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| ParseError::Corrupt(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_pages_are_cut_on_form_feeds() {
        let cut = cut_pages(b"one\x0ctwo\x0cthree", FileKind::Text, 2, 3).expect("cut");
        assert_eq!(cut, b"two\x0cthree");
        assert!(cut_pages(b"one", FileKind::Text, 2, 2).is_err());
        assert!(cut_pages(b"one", FileKind::Text, 0, 1).is_err());
    }

    #[test]
    fn what_cannot_be_cut_says_why() {
        assert!(matches!(
            cut_pages(b"%PDF-1.4 garbage", FileKind::Pdf, 1, 1),
            Err(ParseError::Corrupt(_))
        ));
        assert!(matches!(
            cut_pages(b"PK\x03\x04", FileKind::Docx, 1, 1),
            Err(ParseError::Unsupported(FileKind::Docx))
        ));
        assert_eq!(
            cut_pages(b"img", FileKind::Image, 1, 1).expect("one page"),
            b"img"
        );
    }
}
