//! Layout-preserving text: every word is placed on a character grid at the
//! position its box gives it, so columns, forms and tables keep their
//! alignment in a terminal (the idea of `pdftotext -layout`).
//!
//! The grid cell is the median character width and the median word height
//! of the page. Words are grouped into rows by vertical overlap with the
//! row's centre; a word that would overwrite its left neighbour is pushed
//! right by one space. Runs of blank rows collapse to one; pages are
//! separated by a form feed.

use quarry_parse::{BBox, Document, Page};

/// Renders every page of `doc` as spatial text.
pub fn render(doc: &Document) -> String {
    doc.pages
        .iter()
        .map(render_page)
        .collect::<Vec<_>>()
        .join("\n\u{c}")
}

/// Renders one page as spatial text (no trailing newline).
pub fn render_page(page: &Page) -> String {
    let words: Vec<(&str, BBox)> = page
        .lines
        .iter()
        .flat_map(|l| l.words.iter())
        .filter(|w| !w.text.trim().is_empty())
        .map(|w| (w.text.as_str(), w.bbox))
        .collect();
    if words.is_empty() {
        return String::new();
    }
    let (cell_w, cell_h) = cell_size(&words);
    let mut out: Vec<String> = Vec::new();
    let mut last_row: Option<usize> = None;
    for row in rows(words, cell_h) {
        let top = row.iter().map(|(_, b)| b.top).fold(f64::MAX, f64::min);
        let index = (top / cell_h).round().max(0.0) as usize;
        // Keep at most one blank row between text rows.
        if let Some(last) = last_row
            && index > last + 1
        {
            out.push(String::new());
        }
        out.push(place(&row, cell_w));
        last_row = Some(last_row.map_or(index, |l| index.max(l + 1)));
    }
    out.join("\n")
}

/// Median character width and median word height, with sane floors.
fn cell_size(words: &[(&str, BBox)]) -> (f64, f64) {
    let mut widths: Vec<f64> = words
        .iter()
        .map(|(t, b)| (b.right - b.left) / t.chars().count().max(1) as f64)
        .filter(|w| w.is_finite() && *w > 0.0)
        .collect();
    let mut heights: Vec<f64> = words
        .iter()
        .map(|(_, b)| b.bottom - b.top)
        .filter(|h| h.is_finite() && *h > 0.0)
        .collect();
    (
        median(&mut widths).unwrap_or(6.0).max(0.5),
        median(&mut heights).unwrap_or(12.0).max(1.0),
    )
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

/// Groups words into rows, top to bottom: a word joins the current row when
/// its vertical centre lies within half a cell of the row's centre.
fn rows(mut words: Vec<(&str, BBox)>, cell_h: f64) -> Vec<Vec<(&str, BBox)>> {
    let centre = |b: &BBox| (b.top + b.bottom) / 2.0;
    words.sort_by(|a, b| centre(&a.1).total_cmp(&centre(&b.1)));
    let mut rows: Vec<Vec<(&str, BBox)>> = Vec::new();
    let mut row_centre = f64::MIN;
    for w in words {
        let c = centre(&w.1);
        match rows.last_mut() {
            Some(row) if (c - row_centre).abs() <= cell_h / 2.0 => row.push(w),
            _ => {
                row_centre = c;
                rows.push(vec![w]);
            }
        }
    }
    rows
}

/// Lays one row's words out left to right at their grid columns.
fn place(row: &[(&str, BBox)], cell_w: f64) -> String {
    let mut words = row.to_vec();
    words.sort_by(|a, b| a.1.left.total_cmp(&b.1.left));
    let mut line = String::new();
    let mut len = 0usize;
    for (text, b) in words {
        let col = (b.left / cell_w).round().max(0.0) as usize;
        let start = if len == 0 { col } else { col.max(len + 1) };
        line.extend(std::iter::repeat_n(' ', start - len));
        line.push_str(text);
        len = start + text.chars().count();
    }
    line
}

#[cfg(test)]
mod tests {
    use quarry_parse::{FileKind, Line, Word};

    use super::*;

    fn word(text: &str, left: f64, top: f64) -> Word {
        Word {
            text: text.into(),
            bbox: BBox {
                left,
                top,
                right: left + 6.0 * text.len() as f64,
                bottom: top + 12.0,
            },
            confidence: 1.0,
        }
    }

    fn page(words: Vec<Word>) -> Page {
        let mut page = Page::new(1, 612.0, 792.0);
        for w in words {
            page.lines.push(Line {
                text: w.text.clone(),
                bbox: w.bbox,
                words: vec![w],
            });
        }
        page
    }

    #[test]
    fn columns_keep_their_horizontal_position() {
        let p = page(vec![
            word("Total", 60.0, 100.0),
            word("12.50", 300.0, 100.0),
            word("Tax", 60.0, 112.0),
            word("1.00", 306.0, 112.0),
        ]);
        let text = render_page(&p);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[0].find("12.50"), Some(50), "{text}");
        assert_eq!(lines[1].find("1.00"), Some(51), "{text}");
        assert!(lines[0].starts_with("          Total"), "{text}");
    }

    #[test]
    fn overlapping_words_stay_separated_and_gaps_collapse() {
        let p = page(vec![
            word("abc", 0.0, 0.0),
            word("def", 6.0, 0.0),
            word("far", 0.0, 600.0),
        ]);
        assert_eq!(render_page(&p), "abc def\n\nfar");
    }

    #[test]
    fn pages_are_separated_by_form_feeds() {
        let doc = Document {
            kind: FileKind::Pdf,
            einvoice: None,
            pages: vec![page(vec![word("one", 0.0, 0.0)]), page(vec![])],
        };
        assert_eq!(render(&doc), "one\n\u{c}");
    }
}
