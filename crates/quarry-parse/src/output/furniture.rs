//! Page furniture: running headers, running footers and page numbers are
//! typed `header`, `footer` and `page_number` instead of `text`, so a
//! consumer can leave them out of what it reads (a running header repeated
//! on every page of a 40-page statement is noise to a chunk's reader).
//!
//! A text block is furniture when it lies in the top or bottom band of its
//! page and either reads as a page number (`Page 3 of 7`, `Seite 2`, `- 4 -`,
//! `3/7`) or recurs in the same band on another page once its digits are
//! ignored (`Invoice 2024-17 · page 2` repeats as `Invoice 2024-## · page #`).
//! One-page documents have no running text, so only page numbers are found
//! there.

use std::collections::HashMap;

use super::OutputBlock;

/// Share of the page height, from the top and from the bottom, in which
/// running headers and footers sit.
const BAND: f64 = 0.09;

/// Which band a block sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Band {
    Top,
    Bottom,
}

/// Retypes the furniture among the text blocks of every page.
pub(crate) fn mark(pages: &mut [Vec<OutputBlock>]) {
    let mut seen: HashMap<(Band, String), usize> = HashMap::new();
    for blocks in pages.iter() {
        let mut on_page: Vec<(Band, String)> = blocks
            .iter()
            .filter_map(|b| Some((band(b)?, shape(&b.content))))
            .collect();
        on_page.sort();
        on_page.dedup();
        for key in on_page {
            *seen.entry(key).or_default() += 1;
        }
    }
    for block in pages.iter_mut().flatten() {
        let Some(band) = band(block) else {
            continue;
        };
        if is_page_number(&block.content) {
            block.kind = "page_number";
        } else if seen
            .get(&(band, shape(&block.content)))
            .is_some_and(|&n| n >= 2)
        {
            block.kind = match band {
                Band::Top => "header",
                Band::Bottom => "footer",
            };
        }
    }
}

/// The band of a text block that lies wholly inside the top or bottom band.
fn band(b: &OutputBlock) -> Option<Band> {
    if b.kind != "text" {
        return None;
    }
    let height = b.metadata.page.height;
    let bbox = &b.bounding_box;
    if height <= 0.0 {
        None
    } else if bbox.bottom <= height * BAND {
        Some(Band::Top)
    } else if bbox.top >= height * (1.0 - BAND) {
        Some(Band::Bottom)
    } else {
        None
    }
}

/// The text with every run of digits replaced by `#`, lower-cased and with
/// whitespace collapsed: what stays the same from page to page.
fn shape(text: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
            continue;
        }
        in_digits = false;
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// Words that say "page" in the languages the rules engine reads.
const PAGE_WORDS: &[&str] = &[
    "page", "seite", "pagina", "página", "pag", "blatt", "pg", "p",
];
/// Words between a page number and the page count.
const OF_WORDS: &[&str] = &["of", "von", "de", "sur", "van", "di", "/"];

/// `3`, `- 3 -`, `Page 3`, `Seite 3 von 7`, `3 / 7`, `p. 3`.
pub fn is_page_number(text: &str) -> bool {
    let spaced = text.replace('/', " / ");
    let words: Vec<String> = spaced
        .split_whitespace()
        .map(|w| {
            w.trim_matches(['-', '–', '.', ':', '(', ')', '[', ']', '|'])
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    // A lone number of four digits is more likely a year than a page.
    let digits = |w: &String, most: usize| {
        (1..=most).contains(&w.len()) && w.chars().all(|c| c.is_ascii_digit())
    };
    let rest = match words.first() {
        Some(w) if PAGE_WORDS.contains(&w.as_str()) => &words[1..],
        _ => &words[..],
    };
    match rest {
        [n] => digits(n, 3),
        [n, of, total] => digits(n, 4) && OF_WORDS.contains(&of.as_str()) && digits(total, 4),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_in_common_forms() {
        for text in [
            "3",
            "- 3 -",
            "Page 3",
            "Seite 3 von 7",
            "3/7",
            "p. 3",
            "Página 2 de 9",
        ] {
            assert!(is_page_number(text), "{text}");
        }
        for text in [
            "Total 3",
            "2024",
            "12345",
            "Invoice 3 of 7 items shipped",
            "",
        ] {
            assert!(!is_page_number(text), "{text}");
        }
    }

    #[test]
    fn shapes_ignore_digits_case_and_spacing() {
        assert_eq!(
            shape("Invoice  2024-17 · Page 2"),
            shape("invoice 2024-18 · page 3")
        );
        assert_ne!(shape("Invoice"), shape("Credit note"));
    }
}
