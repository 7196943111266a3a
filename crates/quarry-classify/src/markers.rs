//! Page-number markers (`Page 1 of 2`, `Seite 2 von 3`, `Página 1 de 9`,
//! `1/3`, `- 2 -`): the strongest evidence a packet gives of where one
//! document ends, since each document numbers its own pages. Only lines
//! near the top or bottom edge of the page are read, where running headers
//! and footers print them, so a `3/4` in a table is not taken for one.

use quarry_parse::{Line, Page};

/// A page's own number, and the page count when it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageMarker {
    pub number: u32,
    pub of: Option<u32>,
}

/// Words that say "page".
const PAGE_WORDS: &[&str] = &[
    "page", "seite", "pagina", "página", "pag", "blatt", "pg", "p", "feuille", "folio",
];
/// Words between a page number and the page count.
const OF_WORDS: &[&str] = &["of", "von", "de", "sur", "van", "di", "/", "from"];
/// The share of the page's height at the top and bottom where running
/// headers and footers sit.
const EDGE: f64 = 0.12;

/// The page marker of `page`, if a header or footer line prints one.
pub fn find(page: &Page) -> Option<PageMarker> {
    let edge = EDGE * page.height;
    page.lines
        .iter()
        .filter(|l| l.bbox.top <= edge || l.bbox.bottom >= page.height - edge)
        .find_map(marker_in)
}

/// The marker in one line: the whole line (`2 / 3`, `- 2 -`) or its words
/// from a page word on (`… Seite 2 von 3`).
fn marker_in(line: &Line) -> Option<PageMarker> {
    let spaced = line.text.replace('/', " / ");
    let words: Vec<String> = spaced
        .split_whitespace()
        .map(|w| {
            w.trim_matches(['-', '–', '.', ':', '(', ')', '[', ']', '|', ','])
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let from_page_word = words
        .iter()
        .position(|w| PAGE_WORDS.contains(&w.as_str()))
        .and_then(|i| read(&words[i + 1..], true, false));
    let dashed = line.text.trim().starts_with(['-', '–']);
    from_page_word.or_else(|| read(&words, false, dashed))
}

/// `n`, `n of m` after a page word (`named`), or a line that is only
/// `n / m` or `- n -` (`dashed`).
fn read(words: &[String], named: bool, dashed: bool) -> Option<PageMarker> {
    let number = |w: &String, most: usize| -> Option<u32> {
        ((1..=most).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
    };
    let marker = match words {
        [n, of, total, ..] if OF_WORDS.contains(&of.as_str()) => PageMarker {
            number: number(n, 3)?,
            of: Some(number(total, 3)?),
        },
        // A bare number only in dashes (`- 2 -`): alone it is as likely a
        // quantity or a till number at the edge of a receipt photo.
        [n] if named || dashed => PageMarker {
            number: number(n, 3)?,
            of: None,
        },
        [n, ..] if named => PageMarker {
            number: number(n, 3)?,
            of: None,
        },
        _ => return None,
    };
    let sane = marker.number >= 1 && marker.of.is_none_or(|of| marker.number <= of);
    sane.then_some(marker)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry_parse::{BBox, Word};

    fn line(text: &str) -> Line {
        let bbox = BBox::default();
        Line {
            text: text.to_string(),
            bbox,
            words: vec![Word {
                text: text.to_string(),
                bbox,
                confidence: 1.0,
            }],
        }
    }

    #[test]
    fn reads_common_markers() {
        let m = |t: &str| marker_in(&line(t));
        assert_eq!(
            m("Page 1 of 2"),
            Some(PageMarker {
                number: 1,
                of: Some(2)
            })
        );
        assert_eq!(m("Seite 2 von 3").map(|p| p.number), Some(2));
        assert_eq!(m("Página 1 de 9").and_then(|p| p.of), Some(9));
        assert_eq!(m("3/4").map(|p| (p.number, p.of)), Some((3, Some(4))));
        assert_eq!(m("- 2 -").map(|p| p.number), Some(2));
        assert_eq!(m("Acme GmbH · Page 2").map(|p| p.number), Some(2));
        assert_eq!(m("Total 2024"), None);
        assert_eq!(m("5 of 3"), None);
    }
}
