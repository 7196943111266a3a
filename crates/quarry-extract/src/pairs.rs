//! Finds label/value candidates in a [`Layout`]: `Label: value`,
//! `Label   value` (two cells split by a wide gap), and a label alone on its
//! line (`Bill To:` or a short heading) whose value is the line below.
//!
//! Both the rules engine (to fill fields) and schema inference (to invent
//! fields) start from these candidates, so they are computed once per document.

use crate::layout::{Delim, Layout, LineId, LineView, Span};

mod label_grid;
mod label_row;

/// Longest label accepted, in tokens; longer text is a sentence, not a label.
const MAX_LABEL_TOKENS: usize = 8;

/// How a candidate was recognized; decides how much it is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PairKind {
    /// `Label: value` on one line (value may be empty).
    Colon,
    /// `Label   value`: two cells separated by a wide gap, no colon.
    Spaced,
    /// `Label:` alone on its line; the value is the next line.
    LabelLine,
    /// A short line without a colon; the value is the next line.
    Heading,
    /// `Rechnung Nr. 123` inside running text.
    Inline,
    /// A label in a row of labels; the value is the cell under it on the next line.
    Column,
}

/// One label with the value it introduces.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pair {
    pub label: Span,
    pub label_text: String,
    /// `None` when the label has no value next to or below it.
    pub value: Option<Span>,
    pub kind: PairKind,
}

impl Pair {
    /// Whether the label stands alone on its line (a possible section heading).
    pub(crate) fn is_heading(&self) -> bool {
        matches!(self.kind, PairKind::LabelLine | PairKind::Heading)
    }
}

/// All candidates of the document, in reading order.
pub(crate) fn find_pairs(layout: &Layout) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = Vec::new();
    let mut heading: Option<String> = None;
    for id in layout.line_ids() {
        let before = pairs.len();
        let Some(line) = layout.line(id) else {
            continue;
        };
        let taken_as_value = pairs
            .last()
            .is_some_and(|p| p.is_heading() && p.value.as_ref().is_some_and(|v| v.line == id));
        let cells = join_detached_colons(line, line.cells(0..line.toks.len(), Delim::Gap));
        // A heading's value line is still read for its own pairs when it has
        // columns, and for numbers named inside it (`Invoice # RE-508`).
        if taken_as_value && cells.len() < 2 {
            inline_pairs(layout, id, line, &cells, &mut pairs);
            continue;
        }
        if cells.iter().any(|c| label_colon(line, c.clone()).is_some()) {
            colon_pairs(layout, id, line, &cells, &mut pairs);
            spaced_pairs_inside(layout, id, line, &cells, &mut pairs);
        } else if cells.len() >= 2 && is_label(line, cells[0].clone()) {
            // `Label   value` (the value may itself hold wide gaps), up to the
            // next `Label   value` on the line (`Contract # 7   Date Entered 02/25/20`).
            let last = (2..cells.len().saturating_sub(1))
                .find(|&k| {
                    !has_digit(line, &cells[k])
                        && is_label(line, cells[k].clone())
                        && has_digit(line, &cells[k + 1])
                })
                .map_or(cells[cells.len() - 1].end, |k| cells[k - 1].end);
            pairs.push(pair(
                layout,
                id,
                cells[0].clone(),
                Some(cells[1].start..last),
                PairKind::Spaced,
            ));
            spaced_pairs_inside(layout, id, line, &cells, &mut pairs);
        } else if cells.len() == 1 && line.toks.len() <= 5 && is_label(line, cells[0].clone()) {
            if let Some(below) = value_below(layout, id) {
                pairs.push(
                    pair(layout, id, cells[0].clone(), None, PairKind::Heading).with_value(below),
                );
            } else {
                pairs.push(pair(layout, id, cells[0].clone(), None, PairKind::Heading));
            }
        }
        label_row::label_row_pairs(layout, id, line, &cells, &mut pairs);
        label_grid::label_grid_pairs(layout, id, line, &cells, &mut pairs);
        inline_pairs(layout, id, line, &cells, &mut pairs);
        title_number(layout, id, line, &mut pairs);
        qualify_generic_labels(&mut pairs[before..], &mut heading);
    }
    pairs
}

/// Forms that align their colons in a column (`Beleg-Nr      : R-4711`)
/// leave the colon in a cell of its own, cut off its label by the gap: such
/// a cell is joined to the label cell before it, so the pair reads as
/// `Label: value` wherever it stands on the line.
fn join_detached_colons(
    line: &LineView,
    cells: Vec<std::ops::Range<usize>>,
) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::with_capacity(cells.len());
    for cell in cells {
        let opens_with_colon = line.toks.get(cell.start).is_some_and(|t| t.text == ":");
        match out.last_mut() {
            Some(prev) if opens_with_colon && is_label(line, prev.clone()) => prev.end = cell.end,
            _ => out.push(cell),
        }
    }
    out
}

/// `80333 München     Rechnungsnummer     471102`: a form's label column
/// beside an address column. Past the first cell, a label cell (no digits)
/// followed by a cell with digits is a pair of its own, unless a colon
/// pair already reads either cell (`Kunde:   Müller   12`).
fn spaced_pairs_inside(
    layout: &Layout,
    id: LineId,
    line: &LineView,
    cells: &[std::ops::Range<usize>],
    out: &mut Vec<Pair>,
) {
    for k in 1..cells.len().saturating_sub(1) {
        let (label, value) = (&cells[k], &cells[k + 1]);
        let colon_value =
            label_colon(line, cells[k - 1].clone()).is_some_and(|c| c + 1 == cells[k - 1].end);
        let in_colon_pair = colon_value
            || label_colon(line, label.clone()).is_some()
            || label_colon(line, value.clone()).is_some();
        // A text value (`Advertiser   Smith for Senate`) counts in a column
        // of labels, unless it reads as the next label of a row of labels.
        let text_value = is_label(line, value.clone())
            && !label_grid::reads_as_label(&layout.text(&Span {
                line: id,
                toks: value.clone(),
            }))
            && label_grid::in_label_column(layout, id, line, label);
        if !in_colon_pair
            && is_label(line, label.clone())
            && !has_digit(line, label)
            && (has_digit(line, value) || text_value)
        {
            out.push(pair(
                layout,
                id,
                label.clone(),
                Some(value.clone()),
                PairKind::Spaced,
            ));
        }
    }
}

/// Label words that say what kind of value follows but not whose it is.
const GENERIC_LABELS: &[&str] = &[
    "name",
    "number",
    "id",
    "address",
    "anschrift",
    "adresse",
    "nom",
    "nombre",
    "naam",
    "adres",
    "firma",
];

/// `Name:` under a `Verkäufer` heading is the seller's name: generic labels
/// take the words of the last heading line above them.
fn qualify_generic_labels(new: &mut [Pair], heading: &mut Option<String>) {
    for p in new {
        let words = crate::rules::words(&p.label_text);
        let generic =
            !words.is_empty() && words.iter().all(|w| GENERIC_LABELS.contains(&w.as_str()));
        if p.kind == PairKind::Heading && p.value.is_none() && !generic {
            *heading = Some(p.label_text.clone());
        } else if generic && let Some(h) = heading {
            p.label_text = format!("{h} {}", p.label_text);
        }
    }
}

/// Prepositions that introduce the date after a number (`Nr. 471102 vom
/// 15.11.2024`, `Invoice # RE-508 issued at 2020-11-21`).
const DATE_PREPOSITIONS: &[&str] = &[
    "vom", "von", "du", "del", "de", "dated", "from", "of", "van", "d", "issued",
];

/// `… Nr. 471102 vom 15.11.2024` inside a longer cell: the words up to
/// `Nr.`/`No.`/`#`/`N°` label the value after them, and a date introduced by
/// `vom`/`du`/`dated` after that value is the same document's date.
fn inline_pairs(
    layout: &Layout,
    id: LineId,
    line: &LineView,
    cells: &[std::ops::Range<usize>],
    out: &mut Vec<Pair>,
) {
    let cell_of = |i: usize| cells.iter().position(|c| c.contains(&i));
    for (i, tok) in line.toks.iter().enumerate() {
        if crate::rules::words(&tok.text) != ["number"] {
            continue;
        }
        let (Some(ci), Some(vi)) = (cell_of(i), cell_of(i + 1)) else {
            continue;
        };
        // The label runs from its cell's start, or the cell before when `Nr.` opens a cell.
        let mut label_start = match cells[ci].start {
            s if s < i => s,
            _ if ci > 0 => cells[ci - 1].start,
            _ => continue,
        };
        // `Rechnungskorrektur  (384)  Nr. RK21012345`: a type code between
        // the title and `Nr.` says nothing; the title cell before it names the number.
        let mut before = cells.iter().rposition(|c| c.start == label_start);
        while let Some(k) = before.filter(|&k| k > 0) {
            let label = layout.text(&Span {
                line: id,
                toks: label_start..i,
            });
            if label.chars().any(char::is_alphabetic) {
                break;
            }
            label_start = cells[k - 1].start;
            before = Some(k - 1);
        }
        let value_start = i + 1;
        let value_cell = &cells[vi];
        let mut end = value_start;
        while end < value_cell.end {
            let word = line.toks[end].text.to_lowercase();
            if end > value_start && DATE_PREPOSITIONS.contains(&word.as_str()) {
                break;
            }
            end += 1;
        }
        let has_digit = line.toks[value_start..end]
            .iter()
            .any(|t| t.text.chars().any(|c| c.is_ascii_digit()));
        let after_colon = line.toks.get(value_start).is_some_and(|t| t.text == ":");
        if !has_digit || after_colon || !is_label(line, label_start..i + 1) {
            continue;
        }
        let mut number = pair(
            layout,
            id,
            label_start..i + 1,
            Some(value_start..end),
            PairKind::Inline,
        );
        number.label_text = without_asides(&number.label_text);
        out.push(number);
        // `vom 15.11.2024`, in the same cell or the next one.
        let date_cell = if end < value_cell.end {
            Some(end..value_cell.end)
        } else {
            cells.get(vi + 1).cloned()
        };
        let Some(date_cell) = date_cell else { continue };
        let opens_with_preposition = line
            .toks
            .get(date_cell.start)
            .is_some_and(|t| DATE_PREPOSITIONS.contains(&t.text.to_lowercase().as_str()));
        if opens_with_preposition && date_cell.start + 1 < date_cell.end {
            let words = layout.text(&Span {
                line: id,
                toks: label_start..i,
            });
            let mut date = pair(
                layout,
                id,
                label_start..i,
                Some(date_cell.start + 1..date_cell.end),
                PairKind::Inline,
            );
            date.label_text = format!("{} date", without_asides(&words));
            out.push(date);
        }
    }
}

/// The text without parenthesised asides in words (`Gutschrift (Selbst
/// ausgestellte Rechnung) Nr.` → `Gutschrift Nr.`); codes such as `(389)` stay.
fn without_asides(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        let inside = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if !inside.chars().any(char::is_alphabetic) {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Document titles that a title line may follow with the document's number.
const TITLE_WORDS: &[&str] = &[
    "invoice",
    "rechnung",
    "gutschrift",
    "facture",
    "avoir",
    "factura",
    "factuur",
    "creditnota",
];

/// `Avoir AV-2017-0005`, `INVOICE 12345`: a line of exactly a document title
/// and one token with digits is the title labelling the document's number.
fn title_number(layout: &Layout, id: LineId, line: &LineView, out: &mut Vec<Pair>) {
    let [title, number] = line.toks.as_slice() else {
        return;
    };
    let is_title = TITLE_WORDS.contains(&title.text.to_lowercase().as_str());
    if is_title && number.text.chars().any(|c| c.is_ascii_digit()) && !number.glued {
        out.push(pair(layout, id, 0..1, Some(1..2), PairKind::Inline));
    }
}

fn colon_pairs(
    layout: &Layout,
    id: LineId,
    line: &LineView,
    cells: &[std::ops::Range<usize>],
    out: &mut Vec<Pair>,
) {
    let mut i = 0;
    while i < cells.len() {
        let cell = cells[i].clone();
        let Some(colon) = label_colon(line, cell.clone()) else {
            i += 1;
            continue;
        };
        let label = cell.start..colon;
        if colon + 1 < cell.end {
            out.push(pair(
                layout,
                id,
                label,
                Some(colon + 1..cell.end),
                PairKind::Colon,
            ));
            i += 1;
        } else if let Some(next) = cells
            .get(i + 1)
            .filter(|c| label_colon(line, (*c).clone()).is_none())
        {
            // `Bill to:   Invoice no.   SI-7`: two columns of labels side by side.
            let then = cells.get(i + 2).filter(|t| has_digit(line, t));
            if let Some(then) =
                then.filter(|_| !has_digit(line, next) && is_label(line, next.clone()))
            {
                let p = pair(layout, id, label, None, PairKind::LabelLine);
                out.push(match value_below_in_column(layout, id, line, &cell) {
                    Some(below) => p.with_value(below),
                    None => p,
                });
                out.push(pair(
                    layout,
                    id,
                    next.clone(),
                    Some(then.clone()),
                    PairKind::Spaced,
                ));
                i += 3;
                continue;
            }
            out.push(pair(layout, id, label, Some(next.clone()), PairKind::Colon));
            i += 2;
        } else if cells.len() == 1 {
            let p = pair(layout, id, label, None, PairKind::LabelLine);
            out.push(match value_below(layout, id) {
                Some(below) => p.with_value(below),
                None => p,
            });
            i += 1;
        } else {
            out.push(pair(layout, id, label, None, PairKind::Colon));
            i += 1;
        }
    }
}

impl Pair {
    fn with_value(mut self, value: Span) -> Self {
        self.value = Some(value);
        self
    }
}

fn pair(
    layout: &Layout,
    id: LineId,
    label: std::ops::Range<usize>,
    value: Option<std::ops::Range<usize>>,
    kind: PairKind,
) -> Pair {
    let label = Span {
        line: id,
        toks: label,
    };
    Pair {
        label_text: layout.text(&label),
        label,
        value: value.map(|toks| Span { line: id, toks }),
        kind,
    }
}

/// The index of the colon ending a label at the start of `cell`, if any: a
/// `:` token with label text before it and whitespace (or the cell end)
/// after it, so `10:30` and `http://` are not labels.
pub(crate) fn label_colon(line: &LineView, cell: std::ops::Range<usize>) -> Option<usize> {
    let colon = cell
        .clone()
        .find(|&i| line.toks.get(i).is_some_and(|t| t.text == ":"))?;
    let followed_by_space =
        line.toks.get(colon + 1).is_none_or(|t| !t.glued) || colon + 1 >= cell.end;
    (colon > cell.start && followed_by_space && is_label(line, cell.start..colon)).then_some(colon)
}

/// Index of the first of the last `cells` that are labels without digits:
/// a row of labels may share its line with text in another column.
fn first_trailing_label(line: &LineView, cells: &[std::ops::Range<usize>]) -> usize {
    cells
        .iter()
        .rposition(|c| !is_label(line, c.clone()) || has_digit(line, c))
        .map_or(0, |i| i + 1)
}

/// Short text with at least one letter, not a sentence.
fn is_label(line: &LineView, range: std::ops::Range<usize>) -> bool {
    let toks = line.toks.get(range).unwrap_or(&[]);
    !toks.is_empty()
        && toks.len() <= MAX_LABEL_TOKENS
        && toks.iter().any(|t| t.text.chars().any(char::is_alphabetic))
        && !toks.iter().any(|t| t.text == "|")
}

/// The whole next line as a value, unless it is a label line itself or a blank line intervenes.
fn has_digit(line: &LineView, cell: &std::ops::Range<usize>) -> bool {
    line.toks
        .get(cell.clone())
        .unwrap_or(&[])
        .iter()
        .any(|t| t.text.chars().any(|c| c.is_ascii_digit()))
}

/// The cell of the next line (a blank line may intervene) that starts under
/// the label: the value of a label in a multi-column header.
fn value_below_in_column(
    layout: &Layout,
    id: LineId,
    line: &LineView,
    label: &std::ops::Range<usize>,
) -> Option<Span> {
    let left = line.toks.get(label.start)?.bbox.left;
    let height = (line.bbox.bottom - line.bbox.top).max(1.0);
    let next_id = LineId {
        page: id.page,
        line: id.line + 1,
    };
    let next = layout.line(next_id)?;
    if next.bbox.top - line.bbox.bottom > 2.5 * height {
        return None;
    }
    next.cells(0..next.toks.len(), Delim::Gap)
        .into_iter()
        .find(|c| {
            next.toks
                .get(c.start)
                .is_some_and(|t| (t.bbox.left - left).abs() <= 2.0 * height)
        })
        .filter(|c| label_colon(next, c.clone()).is_none())
        .map(|toks| Span {
            line: next_id,
            toks,
        })
}

fn value_below(layout: &Layout, id: LineId) -> Option<Span> {
    let next = layout.next_in_block(id)?;
    let line = layout.line(next)?;
    let cells = line.cells(0..line.toks.len(), Delim::Gap);
    let is_label_line = cells.iter().any(|c| label_colon(line, c.clone()).is_some());
    (!is_label_line).then(|| layout.line_span(next))
}

#[cfg(test)]
mod tests;
