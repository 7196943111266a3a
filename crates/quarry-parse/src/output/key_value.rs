//! `key_value` blocks: a text block whose every line reads `Label: value`
//! (`Invoice No: 4711`, `Datum: 05.03.2024`) is cut into one `key_value`
//! block per line, each boxed by its line. Forms and document headers are
//! mostly such lines, and a consumer looking for a field reads them as
//! pairs; a paragraph that merely contains a colon is left as text.

use crate::{BBox, Page};

/// Longest label, in words: longer text before a colon is a sentence.
const MAX_LABEL_WORDS: usize = 6;
/// Longest label, in characters.
const MAX_LABEL_CHARS: usize = 48;

/// Whether `line` reads as `Label: value`: a short label that starts with a
/// letter, a colon, and a value. Times (`12:30`), URLs (`https://…`) and
/// ratios have no such label.
pub(crate) fn is_key_value(line: &str) -> bool {
    let Some((label, value)) = line.split_once(':') else {
        return false;
    };
    let label = label.trim();
    let value = value.trim();
    !value.is_empty()
        && !value.starts_with("//")
        && !label.is_empty()
        && label.chars().count() <= MAX_LABEL_CHARS
        && label.split_whitespace().count() <= MAX_LABEL_WORDS
        && label.chars().next().is_some_and(char::is_alphabetic)
        && !label.ends_with(|c: char| c.is_ascii_digit())
}

/// The lines of a text block at `bbox` with content `content`, each with its
/// box, when every one of them is a `Label: value` line; `None` when the
/// block is prose or its lines cannot be told apart on the page.
pub(crate) fn split(page: &Page, content: &str, bbox: &BBox) -> Option<Vec<(String, BBox)>> {
    let inside: Vec<(String, BBox)> = page
        .lines
        .iter()
        .filter(|l| contains(bbox, &l.bbox))
        .map(|l| (l.text.trim().to_string(), l.bbox))
        .collect();
    if inside.is_empty() || !inside.iter().all(|(text, _)| is_key_value(text)) {
        return None;
    }
    // The lines must be exactly the block's text, or the block holds more
    // (or other) text than the lines found inside its box.
    let joined: String = inside
        .iter()
        .flat_map(|(t, _)| t.split_whitespace())
        .collect();
    let wanted: String = content.split_whitespace().collect();
    (joined == wanted).then_some(inside)
}

/// Whether the centre of `inner` lies in `outer`.
fn contains(outer: &BBox, inner: &BBox) -> bool {
    let x = (inner.left + inner.right) / 2.0;
    let y = (inner.top + inner.bottom) / 2.0;
    x >= outer.left && x <= outer.right && y >= outer.top && y <= outer.bottom
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Line, Word};

    #[test]
    fn label_value_lines_are_recognised_and_prose_is_not() {
        for line in [
            "Invoice No: 4711",
            "Datum: 05.03.2024",
            "N° de facture : F-2024-01",
            "Total amount due: EUR 1,200.00",
        ] {
            assert!(is_key_value(line), "{line}");
        }
        for line in [
            "12:30 pm",
            "See https://example.com",
            "https://example.com",
            "Payment terms:",
            "This sentence is much too long to be a label before its colon: value",
            "Room 12: 4 beds",
            "no colon here",
        ] {
            assert!(!is_key_value(line), "{line}");
        }
    }

    fn line(text: &str, top: f64) -> Line {
        let bbox = BBox {
            left: 10.0,
            top,
            right: 200.0,
            bottom: top + 10.0,
        };
        Line {
            text: text.into(),
            bbox,
            words: vec![Word {
                text: text.into(),
                bbox,
                confidence: 1.0,
            }],
        }
    }

    #[test]
    fn a_block_of_pairs_splits_into_its_lines_and_prose_does_not() {
        let mut page = Page::new(1, 612.0, 792.0);
        page.lines = vec![
            line("Invoice No: 4711", 10.0),
            line("Date: 2024-03-05", 22.0),
            line("Thanks for your order: we ship today.", 50.0),
            line("Questions? Write to us.", 62.0),
        ];
        let header = BBox {
            left: 10.0,
            top: 10.0,
            right: 200.0,
            bottom: 32.0,
        };
        let parts = split(&page, "Invoice No: 4711 Date: 2024-03-05", &header).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].0, "Date: 2024-03-05");
        assert_eq!(parts[1].1.top, 22.0);
        let prose = BBox {
            top: 50.0,
            bottom: 72.0,
            ..header
        };
        let text = "Thanks for your order: we ship today. Questions? Write to us.";
        assert!(split(&page, text, &prose).is_none());
        // Text that the lines inside the box do not account for.
        assert!(split(&page, "Invoice No: 4711 and more", &header).is_none());
    }
}
