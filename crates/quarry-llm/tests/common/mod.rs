//! Documents built in the tests themselves (no corpus files).

use quarry_parse::{BBox, Document, FileKind, Line, Page, Word};

/// A document whose words sit on a grid: line `i` spans y 10+20i..20+20i,
/// each character is 6 points wide.
pub fn doc(pages: &[&[&str]]) -> Document {
    let page = |number: usize, lines: &[&str]| {
        let mut page = Page::new(number as u32, 600.0, 800.0);
        page.lines = lines
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let top = 10.0 + 20.0 * i as f64;
                let mut words = Vec::new();
                let mut col = 0;
                for word in text.split(' ') {
                    if !word.is_empty() {
                        words.push(Word {
                            text: word.into(),
                            bbox: BBox {
                                left: 10.0 + 6.0 * col as f64,
                                top,
                                right: 10.0 + 6.0 * (col + word.len()) as f64,
                                bottom: top + 10.0,
                            },
                            confidence: 0.9,
                        });
                    }
                    col += word.len() + 1;
                }
                let bbox = words
                    .iter()
                    .map(|w| w.bbox)
                    .reduce(|a, b| a.union(&b))
                    .unwrap_or_default();
                Line {
                    text: (*text).into(),
                    bbox,
                    words,
                }
            })
            .collect();
        page
    };
    Document {
        einvoice: None,
        kind: FileKind::Text,
        pages: pages
            .iter()
            .enumerate()
            .map(|(i, lines)| page(i + 1, lines))
            .collect(),
    }
}
