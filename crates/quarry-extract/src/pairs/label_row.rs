//! Summary boxes that print their labels in one row and the amounts in the
//! row below, each amount under its label:
//!
//! ```text
//! TOTAL HT    TOTAL TVA    TOTAL TTC
//! 100,00      10,00        110,00
//! ```
//!
//! Several aligned rows under one label row are a breakdown (per tax rate):
//! its rows are not the labels' values, but a last row holding the column
//! sums of the rows above is the totals row, and is read.

use std::ops::Range;

use super::{Pair, PairKind, first_trailing_label, pair};
use crate::layout::{Layout, LineId, LineView, Span};
use crate::values::{looks_numeric, parse_number};

/// How far below the label row (in its line heights) the amounts may be.
const MAX_DROP: f64 = 3.0;
/// Largest difference (in currency units) between a column's sum and its total.
const ROUNDING: f64 = 0.015;
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
    let cells = &cells[first_trailing_label(line, cells)..];
    if cells.len() < MIN_ALIGNED {
        return;
    }
    let height = (line.bbox.bottom - line.bbox.top).max(1.0);
    // Lines below, each close to the one before.
    let mut previous_bottom = line.bbox.bottom;
    let below = (id.line + 1..)
        .map(|l| LineId {
            page: id.page,
            line: l,
        })
        .map_while(|nid| {
            let next = layout
                .line(nid)
                .filter(|l| l.bbox.top - previous_bottom <= MAX_DROP * height)?;
            previous_bottom = next.bbox.bottom;
            Some((nid, next))
        });
    let rows: Vec<(LineId, Vec<Option<Range<usize>>>)> = below
        .map(|(nid, next)| (nid, aligned(line, cells, next)))
        .filter(|(_, found)| found.iter().flatten().count() >= MIN_ALIGNED)
        .collect();
    let Some((value_line, found)) = (match rows.as_slice() {
        [single] => Some(single.clone()),
        [.., last] if sums_the_rows_above(layout, &rows) => Some(last.clone()),
        _ => None,
    }) else {
        return;
    };
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

/// Whether the last of several rows holds the column sums of the rows above
/// it (`326,50 + 130,70 = 457,20`): the totals row of a breakdown, whose
/// amounts are then the labels' values. Two columns must add up and none
/// may disagree.
fn sums_the_rows_above(layout: &Layout, rows: &[(LineId, Vec<Option<Range<usize>>>)]) -> bool {
    let amount = |line: LineId, toks: &Option<Range<usize>>| {
        let toks = toks.clone()?;
        parse_number(&layout.text(&Span { line, toks }))
    };
    let Some(((last_line, last), above)) = rows.split_last() else {
        return false;
    };
    if above.len() < 2 {
        return false;
    }
    let mut agreeing = 0;
    for (column, toks) in last.iter().enumerate() {
        let Some(total) = amount(*last_line, toks) else {
            continue;
        };
        let parts: Vec<f64> = above
            .iter()
            .filter_map(|(line, cols)| amount(*line, cols.get(column)?))
            .collect();
        if parts.is_empty() {
            continue;
        }
        if (parts.iter().sum::<f64>() - total).abs() > ROUNDING {
            return false;
        }
        agreeing += 1;
    }
    agreeing >= MIN_ALIGNED
}

/// For each label cell, the amount of `next` printed under it: the words
/// (runs of glued tokens, `100` `,` `00`) overlapping the label
/// horizontally, when they read as one number.
fn aligned(line: &LineView, cells: &[Range<usize>], next: &LineView) -> Vec<Option<Range<usize>>> {
    let mut words: Vec<Range<usize>> = Vec::new();
    for (i, tok) in next.toks.iter().enumerate() {
        match words.last_mut() {
            Some(word) if tok.glued => word.end = i + 1,
            _ => words.push(i..i + 1),
        }
    }
    cells
        .iter()
        .map(|cell| {
            let left = line.toks.get(cell.start)?.bbox.left;
            let right = line.toks.get(cell.end.checked_sub(1)?)?.bbox.right;
            let under: Vec<&Range<usize>> = words
                .iter()
                .filter(|w| {
                    let (Some(first), Some(last)) =
                        (next.toks.get(w.start), next.toks.get(w.end - 1))
                    else {
                        return false;
                    };
                    first.bbox.left < right && last.bbox.right > left
                })
                .collect();
            let toks = under.first()?.start..under.last()?.end;
            let text: String = next.toks[toks.clone()]
                .iter()
                .map(|t| t.text.as_str())
                .collect();
            (under.len() == 1 && looks_numeric(&text)).then_some(toks)
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
    fn the_totals_row_under_a_breakdown_is_read() {
        let text = "Net       Tax      Gross\n100,00    19,00    119,00\n50,00     3,50     53,50\n\
                    150,00    22,50    172,50\n";
        let found = pairs(text);
        assert!(
            found.contains(&("Gross".into(), Some("172,50".into()), PairKind::LabelLine)),
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
