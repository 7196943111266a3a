//! Summary boxes that print their labels in one row and the amounts in the
//! row below, each amount under its label:
//!
//! ```text
//! TOTAL HT    TOTAL TVA    TOTAL TTC
//! 100,00      10,00        110,00
//! ```
//!
//! Only a single row of amounts is read. Several aligned rows under one
//! label row are a table (a tax breakdown per rate), whose rows are not the
//! labels' values; those are left to the table readers.

use std::ops::Range;

use super::{Pair, PairKind, has_digit, is_label, pair};
use crate::layout::{Layout, LineId, LineView, Span};
use crate::values::looks_numeric;

/// How far below the label row (in its line heights) the amounts may be.
const MAX_DROP: f64 = 3.0;
/// Fewest labels with an amount under them for a row to count.
const MIN_ALIGNED: usize = 2;

/// Pairs of a row of labels (the last `cells` of `line` without digits)
/// with the amounts printed under them.
pub(super) fn label_row_pairs(
    layout: &Layout,
    id: LineId,
    line: &LineView,
    cells: &[Range<usize>],
    out: &mut Vec<Pair>,
) {
    // The label row may share its line with running text in another column.
    let first_label = cells
        .iter()
        .rposition(|c| !is_label(line, c.clone()) || has_digit(line, c))
        .map_or(0, |i| i + 1);
    let cells = &cells[first_label..];
    if cells.len() < MIN_ALIGNED {
        return;
    }
    let height = (line.bbox.bottom - line.bbox.top).max(1.0);
    let below = (id.line + 1..)
        .map(|l| LineId {
            page: id.page,
            line: l,
        })
        .map_while(|nid| {
            layout
                .line(nid)
                .filter(|l| l.bbox.top - line.bbox.bottom <= MAX_DROP * height)
                .map(|l| (nid, l))
        });
    let mut rows = below
        .map(|(nid, next)| (nid, aligned(line, cells, next)))
        .filter(|(_, found)| found.iter().flatten().count() >= MIN_ALIGNED);
    let Some((value_line, found)) = rows.next() else {
        return;
    };
    if rows.next().is_some() {
        return;
    }
    for (cell, toks) in cells.iter().zip(found) {
        if let Some(toks) = toks {
            let p = pair(layout, id, cell.clone(), None, PairKind::LabelLine);
            out.push(p.with_value(Span {
                line: value_line,
                toks,
            }));
        }
    }
}

/// For each label cell, the numeric tokens of `next` centred under it.
fn aligned(line: &LineView, cells: &[Range<usize>], next: &LineView) -> Vec<Option<Range<usize>>> {
    cells
        .iter()
        .map(|cell| {
            let left = line.toks.get(cell.start)?.bbox.left;
            let right = line.toks.get(cell.end.checked_sub(1)?)?.bbox.right;
            let under: Vec<usize> = next
                .toks
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    let centre = (t.bbox.left + t.bbox.right) / 2.0;
                    centre >= left && centre <= right
                })
                .map(|(i, _)| i)
                .collect();
            let (first, last) = (*under.first()?, *under.last()?);
            let text: String = next.toks[first..=last]
                .iter()
                .map(|t| t.text.as_str())
                .collect();
            (last - first + 1 == under.len() && looks_numeric(&text)).then_some(first..last + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::layout::Layout;
    use crate::pairs::{PairKind, find_pairs};

    fn pairs(text: &str) -> Vec<(String, Option<String>, PairKind)> {
        let doc = quarry_parse::parse(text.as_bytes(), "t.txt", &Default::default())
            .expect("text parses");
        let layout = Layout::new(&doc);
        find_pairs(&layout)
            .into_iter()
            .map(|p| {
                let value = p.value.as_ref().map(|v| layout.text(v));
                (p.label_text, value, p.kind)
            })
            .collect()
    }

    #[test]
    fn amounts_under_a_row_of_labels_are_their_values() {
        let found = pairs("TOTAL HT    TOTAL TVA    TOTAL TTC\n100,00      10,00        110,00\n");
        for (label, value) in [
            ("TOTAL HT", "100,00"),
            ("TOTAL TVA", "10,00"),
            ("TOTAL TTC", "110,00"),
        ] {
            assert!(
                found.contains(&(label.into(), Some(value.into()), PairKind::LabelLine)),
                "{label}: {found:?}"
            );
        }
    }

    #[test]
    fn the_label_row_may_follow_running_text() {
        let text = "Payment is due within thirty days of the invoice date    Net    Tax    Gross\n\
                    and late payment incurs interest at the legal rate       100,00 19,00  119,00\n";
        let found = pairs(text);
        assert!(
            found.contains(&("Gross".into(), Some("119,00".into()), PairKind::LabelLine)),
            "{found:?}"
        );
    }

    #[test]
    fn several_rows_under_the_labels_are_a_table_not_values() {
        let text =
            "Net       Tax      Gross\n100,00    19,00    119,00\n50,00     3,50     53,50\n";
        let found = pairs(text);
        assert!(
            !found
                .iter()
                .any(|p| p.0 == "Gross" && p.2 == PairKind::LabelLine)
        );
    }
}
