//! Plain-text layout: every line becomes a [`Line`] on a monospace grid, so
//! text inputs carry boxes just like PDFs and citations work the same way.
//! Form feeds split pages.

use crate::{BBox, Document, FileKind, Line, Page, ParseError, Word};

/// Width of one character cell, in points.
pub(crate) const CHAR_WIDTH: f64 = 6.0;
/// Height of one line, in points.
pub(crate) const LINE_HEIGHT: f64 = 12.0;
/// US Letter width, used as the minimum page width.
pub(crate) const PAGE_WIDTH: f64 = 612.0;

/// Parses UTF-8 (lossy for stray bytes) text into pages of lines and words.
pub(crate) fn parse_text(bytes: &[u8], kind: FileKind) -> Result<Document, ParseError> {
    let text = String::from_utf8_lossy(bytes);
    let pages = text
        .split('\u{c}')
        .enumerate()
        .map(|(i, page)| layout_page(i as u32 + 1, page))
        .collect();
    Ok(Document::new(kind, pages))
}

/// Lays out one page of text on the monospace grid.
pub(crate) fn layout_page(number: u32, text: &str) -> Page {
    let mut lines = Vec::new();
    let mut widest = 0usize;
    for (row, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        let chars: Vec<char> = raw.chars().collect();
        widest = widest.max(chars.len());
        let top = row as f64 * LINE_HEIGHT;
        let words = words_of(&chars, top);
        if words.is_empty() {
            continue;
        }
        let bbox = words
            .iter()
            .skip(1)
            .fold(words[0].bbox, |acc, w| acc.union(&w.bbox));
        lines.push(Line {
            text: raw.trim().to_string(),
            bbox,
            words,
        });
    }
    let rows = text.lines().count().max(1);
    let mut page = Page::new(
        number,
        PAGE_WIDTH.max(widest as f64 * CHAR_WIDTH),
        (rows as f64 * LINE_HEIGHT).max(LINE_HEIGHT),
    );
    page.lines = lines;
    page
}

pub(crate) fn words_of(chars: &[char], top: f64) -> Vec<Word> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    for i in 0..=chars.len() {
        let is_space = i == chars.len() || chars[i].is_whitespace();
        match (start, is_space) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                words.push(Word {
                    text: chars[s..i].iter().collect(),
                    bbox: BBox {
                        left: s as f64 * CHAR_WIDTH,
                        top,
                        right: i as f64 * CHAR_WIDTH,
                        bottom: top + LINE_HEIGHT,
                    },
                    confidence: 1.0,
                });
                start = None;
            }
            _ => {}
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_words_carry_boxes() {
        let doc = parse_text(
            b"Invoice Number: INV-1\n\n  Total: 10.00\x0cPage two",
            FileKind::Text,
        )
        .expect("text parses");
        assert_eq!(doc.pages.len(), 2);
        let p1 = &doc.pages[0];
        assert_eq!(p1.lines.len(), 2);
        assert_eq!(p1.lines[0].text, "Invoice Number: INV-1");
        assert_eq!(p1.lines[0].words.len(), 3);
        let total = &p1.lines[1];
        assert_eq!(total.text, "Total: 10.00");
        assert_eq!(total.bbox.left, 2.0 * CHAR_WIDTH);
        assert_eq!(total.bbox.top, 2.0 * LINE_HEIGHT);
        assert_eq!(doc.pages[1].lines[0].text, "Page two");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_rejected() {
        let doc = parse_text(b"Name: J\xffrg", FileKind::Text).expect("lossy");
        assert!(doc.pages[0].lines[0].text.starts_with("Name: J"));
    }
}
