//! Form boxes that print a row of labels and, on the line below, each value
//! starting under its label — text, numbers and dates alike:
//!
//! ```text
//! Advertiser                      Original Date / Revision
//! Smith for Senate                05/27/20 / 05/27/20
//! Contract Dates        Estimate #
//! 05/28/20 - 06/01/20   7305
//! ```
//!
//! The label row may share its line with another column (an address on the
//! left); its labels are the last cells without digits. Amount rows under
//! label rows are [`super::label_row`]'s; a label alone on its line keeps the
//! whole next line ([`super::value_below`]). A value that itself reads as a
//! label (`Estimate #`, `Order Date`) is not taken.
//!
//! Also here: whether a label cell stands in a column of labels, which lets
//! a text value beside it (`Advertiser   Smith for Senate`) count as its value.

use std::ops::Range;

use super::{
    Pair, PairKind, first_trailing_label, has_digit, is_label, label_colon, pair,
    value_below_in_column,
};
use crate::layout::{Delim, Layout, LineId, LineView};

/// Words that make a cell a label rather than a value.
const LABEL_WORDS: &[&str] = &[
    "date", "dates", "number", "no", "no.", "code", "ref", "revision", "rev", "type", "name", "id",
];

/// Lines above and below searched for the rest of a label column.
const COLUMN_REACH: usize = 2;

/// Pairs of a row of labels with the cells under them on the next line.
pub(super) fn label_grid_pairs(
    layout: &Layout,
    id: LineId,
    line: &LineView,
    cells: &[Range<usize>],
    out: &mut Vec<Pair>,
) {
    let first_label = first_trailing_label(line, cells);
    let labels = &cells[first_label..];
    // One label alone on its line is a heading: its value is the whole next line.
    if labels.is_empty() || (labels.len() == 1 && first_label == 0) {
        return;
    }
    if is_table_header(layout, id, line, labels) {
        return;
    }
    for label in labels {
        if label_colon(line, label.clone()).is_some() {
            continue;
        }
        let Some(value) = value_below_in_column(layout, id, line, label) else {
            continue;
        };
        let text = layout.text(&value);
        if reads_as_label(&text) {
            continue;
        }
        out.push(pair(layout, id, label.clone(), None, PairKind::Column).with_value(value));
    }
}

/// Labels with cells under them on a second line that make the row a table header.
const TABLE_COLUMNS: usize = 2;

/// Whether the row of `labels` heads a table (line items, a tax breakdown):
/// the line after the first one below still has values with digits starting
/// under two of the labels or more. A form box has one line of values per
/// row of labels, and the next row of labels under it has no digits.
fn is_table_header(layout: &Layout, id: LineId, line: &LineView, labels: &[Range<usize>]) -> bool {
    let Some(second) = layout.line(LineId {
        page: id.page,
        line: id.line + 2,
    }) else {
        return false;
    };
    let height = (line.bbox.bottom - line.bbox.top).max(1.0);
    let starts: Vec<f64> = second
        .cells(0..second.toks.len(), Delim::Gap)
        .iter()
        .filter(|c| has_digit(second, c))
        .filter_map(|c| second.toks.get(c.start).map(|t| t.bbox.left))
        .collect();
    let under = labels
        .iter()
        .filter_map(|l| line.toks.get(l.start).map(|t| t.bbox.left))
        .filter(|left| starts.iter().any(|s| (s - left).abs() <= height))
        .count();
    under >= TABLE_COLUMNS
}

/// Whether the `label` cell of `line` stands in a column of labels: a line
/// just above or below starts a cell at the same place that is a label
/// followed by a value with digits (`Invoice #   7` over `Advertiser   Smith`).
/// An address line (`Kunde AG   Hans Muster   Berlin`) has no such column.
pub(super) fn in_label_column(
    layout: &Layout,
    id: LineId,
    line: &LineView,
    label: &Range<usize>,
) -> bool {
    let Some(left) = line.toks.get(label.start).map(|t| t.bbox.left) else {
        return false;
    };
    let height = (line.bbox.bottom - line.bbox.top).max(1.0);
    let near = (1..=COLUMN_REACH).flat_map(|d| [id.line.checked_sub(d), Some(id.line + d)]);
    near.flatten().any(|n| {
        let Some(other) = layout.line(LineId {
            page: id.page,
            line: n,
        }) else {
            return false;
        };
        let cells = other.cells(0..other.toks.len(), Delim::Gap);
        cells.windows(2).any(|w| {
            other
                .toks
                .get(w[0].start)
                .is_some_and(|t| (t.bbox.left - left).abs() <= height)
                && is_label(other, w[0].clone())
                && !has_digit(other, &w[0])
                && has_digit(other, &w[1])
        })
    })
}

/// A cell that names a value instead of holding one (`Estimate #`, `Order Date`).
pub(super) fn reads_as_label(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    lower.ends_with('#')
        || lower.ends_with(':')
        || lower
            .split(|c: char| c.is_whitespace() || c == '/')
            .any(|w| LABEL_WORDS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn text_pairs(text: &str) -> Vec<(String, String, PairKind)> {
        let doc =
            quarry_parse::parse(text.as_bytes(), "t.txt", &Default::default()).expect("parses");
        let layout = Layout::new(&doc);
        find_pairs(&layout)
            .into_iter()
            .filter_map(|p| Some((p.label_text.clone(), layout.text(&p.value?), p.kind)))
            .collect()
    }

    #[test]
    fn a_text_value_beside_its_label_counts_in_a_column_of_labels() {
        let text = "\
1 Main Street      Invoice #      2436316-1
Springfield        Advertiser     Smith for Senate
                   Estimate #     8496
";
        let found = text_pairs(text);
        assert!(
            found
                .iter()
                .any(|p| p.0 == "Advertiser" && p.1 == "Smith for Senate"),
            "{found:?}"
        );
    }

    #[test]
    fn values_under_a_row_of_labels_are_theirs() {
        let text = "\
1 Main Street     Advertiser                     Original Date / Revision
Springfield       Smith for Senate               05/27/20 / 05/27/20

                  Contract Dates         Estimate #
                  05/28/20 - 06/01/20    7305
";
        let found = text_pairs(text);
        for (label, value) in [
            ("Advertiser", "Smith for Senate"),
            ("Contract Dates", "05/28/20 - 06/01/20"),
            ("Estimate #", "7305"),
        ] {
            assert!(
                found.contains(&(label.into(), value.into(), PairKind::Column)),
                "{label}: {found:?}"
            );
        }
        // A cell that is itself a label is no value.
        assert!(label_grid::reads_as_label("Estimate #"));
        assert!(label_grid::reads_as_label("Original Date / Revision"));
        assert!(!label_grid::reads_as_label("Smith for Senate"));
    }

    #[test]
    fn a_table_header_is_no_row_of_labels() {
        let text = "\
Qty     Product          VAT      Total
1.00    Design           7%       160.00
400     Balloons         19%      316.00
";
        let found = text_pairs(text);
        assert!(!found.iter().any(|p| p.2 == PairKind::Column), "{found:?}");
    }
}
