//! The `spatial` target: text laid out on a character grid from the words'
//! boxes, so columns and indentation survive (what a fixed-width printout of
//! the page would show).

use crate::{Page, Word};

/// Default character width in points when a page has no words to measure.
const DEFAULT_CHAR_WIDTH: f64 = 6.0;

/// The page as layout-preserving text.
pub(crate) fn page_text(page: &Page) -> String {
    let mut words: Vec<&Word> = page
        .lines
        .iter()
        .flat_map(|l| l.words.iter())
        .filter(|w| !w.text.trim().is_empty())
        .collect();
    if words.is_empty() {
        return String::new();
    }
    let char_width = char_width(&words);
    words.sort_by(|a, b| a.bbox.top.total_cmp(&b.bbox.top));
    // Rows: words whose vertical centre falls inside the row's first word.
    let mut rows: Vec<Vec<&Word>> = Vec::new();
    for w in words {
        let centre = (w.bbox.top + w.bbox.bottom) / 2.0;
        match rows.last_mut() {
            Some(row) if centre <= row[0].bbox.bottom && centre >= row[0].bbox.top => row.push(w),
            _ => rows.push(vec![w]),
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(rows.len());
    let mut prev_bottom: Option<(f64, f64)> = None;
    for row in &mut rows {
        row.sort_by(|a, b| a.bbox.left.total_cmp(&b.bbox.left));
        let (top, bottom) = (row[0].bbox.top, row[0].bbox.bottom);
        if let Some((pb, height)) = prev_bottom
            && top - pb > 1.5 * height
        {
            out.push(String::new());
        }
        prev_bottom = Some((bottom, (bottom - top).max(1.0)));
        let mut line = String::new();
        for w in row.iter() {
            let col = (w.bbox.left.max(0.0) / char_width).round() as usize;
            let len = line.chars().count();
            let pad = if col > len {
                col - len
            } else {
                usize::from(len > 0)
            };
            line.push_str(&" ".repeat(pad));
            line.push_str(w.text.trim());
        }
        out.push(line);
    }
    out.join("\n")
}

/// Median width of one character over the page's words.
fn char_width(words: &[&Word]) -> f64 {
    let mut widths: Vec<f64> = words
        .iter()
        .filter_map(|w| {
            let n = w.text.chars().count();
            let width = w.bbox.right - w.bbox.left;
            (n > 0 && width > 0.0).then(|| width / n as f64)
        })
        .collect();
    if widths.is_empty() {
        return DEFAULT_CHAR_WIDTH;
    }
    widths.sort_by(f64::total_cmp);
    widths[widths.len() / 2].max(0.5)
}
