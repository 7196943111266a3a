//! Table headers: a line (or two) whose cells name the properties of the
//! items below it.
//!
//! A header is one line cut into cells by pipes, commas or wide gaps. Many
//! invoice layouts set a column's title on two lines (`Prix` over
//! `unitaire`, `Einzel-` over `preis`), so a header line may take the line
//! directly below it when that line holds only words: each of its cells
//! joins the header cell it overlaps horizontally (or becomes a column of its
//! own), and the two-line reading is kept when it names more properties.

use super::matcher::{FieldNames, PARTIAL, words};
use super::run::Run;
use crate::layout::{Delim, LineId, LineView, Span};
use crate::pairs::label_colon;
use crate::values::currency_code;

/// Properties a header must name to be read among many unnamed columns.
const MIN_WIDE_MATCHED: usize = 3;

/// A header cell: its horizontal extent and the property it names, if any.
pub(super) struct Column {
    pub left: f64,
    pub right: f64,
    pub prop: Option<(String, f64)>,
    /// Whether the title is only a number sign (`#`, `No.`): such a column
    /// names a count only when its values are not positions (see
    /// [`count_column`]).
    pub numbered: bool,
}

pub(super) struct Header {
    /// The first header line.
    pub line: LineId,
    /// The last header line (the same as `line` for one-line headers).
    pub last: LineId,
    pub delim: Delim,
    pub columns: Vec<Column>,
    pub matched: usize,
}

impl Header {
    /// The header's lines, top first.
    pub(super) fn lines(&self) -> impl Iterator<Item = LineId> + '_ {
        (self.line.line..=self.last.line).map(|line| LineId {
            page: self.line.page,
            line,
        })
    }
}

/// A header cell's words and extent before it is matched to a property.
#[derive(Clone)]
struct Label {
    text: String,
    left: f64,
    right: f64,
}

impl Run<'_> {
    /// The header starting at line `id`, if its cells name enough of `names`.
    pub(super) fn header(&self, id: LineId, names: &[(String, FieldNames)]) -> Option<Header> {
        let line = self.layout.line(id)?;
        if self.has_label_colon(id) {
            return None;
        }
        let has = |s: &str| line.toks.iter().any(|t| t.text == s);
        let delims = [
            (Delim::Pipe, has("|")),
            (Delim::Comma, has(",")),
            (Delim::Gap, true),
        ];
        let needed = names.len().min(2);
        delims
            .into_iter()
            .filter(|(_, present)| *present)
            .find_map(|(delim, _)| {
                let labels = self.labels(id, delim, names);
                let single = self.header_from(id, id, delim, &labels, names);
                let double = self
                    .second_header_line(id, delim)
                    .map(|below| (below, self.labels(below, delim, names)))
                    .and_then(|(below, more)| {
                        let joined = join_labels(labels.clone(), more);
                        self.header_from(id, below, delim, &joined, names)
                    });
                let best = match (single, double) {
                    (Some(s), Some(d)) if d.matched > s.matched => Some(d),
                    (None, Some(d)) => Some(d),
                    (s, _) => s,
                };
                best.filter(|h| h.matched >= needed)
            })
    }

    fn header_from(
        &self,
        first: LineId,
        last: LineId,
        delim: Delim,
        labels: &[Label],
        names: &[(String, FieldNames)],
    ) -> Option<Header> {
        let columns = match_columns(labels, names);
        let matched = columns.iter().filter(|c| c.prop.is_some()).count();
        // Most cells must name a property, unless the header names every
        // property of a wide table (`Pos  Unsere Art.Nr.  Ihre Art.Nr. …`).
        let named = matched * 2 >= labels.len() || matched >= names.len().max(MIN_WIDE_MATCHED);
        (labels.len() >= 2 && named).then_some(Header {
            line: first,
            last,
            delim,
            columns,
            matched,
        })
    }

    /// The line directly below a header line when it can finish the
    /// header's titles: in the same block, only words (no digits, no
    /// `Label: value`).
    fn second_header_line(&self, id: LineId, delim: Delim) -> Option<LineId> {
        let below = self.layout.next_in_block(id)?;
        let line = self.layout.line(below)?;
        let words_only = !line.text.chars().any(|c| c.is_ascii_digit())
            && line.text.chars().any(char::is_alphabetic);
        let one_row =
            delim == Delim::Gap || line.toks.iter().any(|t| t.text == "|" || t.text == ",");
        (words_only && one_row && !self.has_label_colon(below)).then_some(below)
    }

    fn has_label_colon(&self, id: LineId) -> bool {
        self.layout.line(id).is_some_and(|line| {
            line.cells(0..line.toks.len(), Delim::Gap)
                .into_iter()
                .any(|c| label_colon(line, c).is_some())
        })
    }

    /// The cells of line `id` as labels, unit-only cells merged into their
    /// left neighbour. Titles set closer than a column gap run together
    /// (`Pos Art-Nr-Lief. Beschreibung`); a cell that names no property as a
    /// whole while one of its words does is cut into its words.
    fn labels(&self, id: LineId, delim: Delim, names: &[(String, FieldNames)]) -> Vec<Label> {
        let Some(line) = self.layout.line(id) else {
            return Vec::new();
        };
        let names_any = |text: &str| {
            let label = words(text);
            names.iter().any(|(_, n)| n.score(&label) >= PARTIAL)
        };
        let mut out = Vec::new();
        for cell in merge_units(self, self.cells(id, delim)) {
            let text = self.layout.text(&cell);
            let pieces: Vec<Span> = word_runs(line, cell.clone());
            let split = delim == Delim::Gap
                && pieces.len() > 1
                && !names_any(&text)
                && pieces.iter().any(|p| names_any(&self.layout.text(p)));
            let cells = if split { pieces } else { vec![cell] };
            out.extend(cells.into_iter().map(|cell| {
                let b = self.layout.bbox(&cell).unwrap_or_default();
                Label {
                    text: self.layout.text(&cell),
                    left: b.left,
                    right: b.right,
                }
            }));
        }
        out
    }
}

/// The whitespace-separated words of `cell` (tokens glued together stay one word).
pub(super) fn word_runs(line: &LineView, cell: Span) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for i in cell.toks.clone() {
        let glued = line.toks.get(i).is_some_and(|t| t.glued);
        match out.last_mut() {
            Some(last) if glued && i > cell.toks.start => last.toks.end = i + 1,
            _ => out.push(Span {
                line: cell.line,
                toks: i..i + 1,
            }),
        }
    }
    out
}

/// Adds each label of the second header line to the first-line label it
/// overlaps most, or as a column of its own where it overlaps none.
fn join_labels(mut top: Vec<Label>, below: Vec<Label>) -> Vec<Label> {
    for label in below {
        let overlap = |t: &Label| (t.right.min(label.right) - t.left.max(label.left)).max(0.0);
        let best = top
            .iter()
            .enumerate()
            .map(|(i, t)| (overlap(t), i))
            .filter(|(o, _)| *o > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((_, i)) => {
                let t = &mut top[i];
                t.text.push(' ');
                t.text.push_str(&label.text);
                t.left = t.left.min(label.left);
                t.right = t.right.max(label.right);
            }
            None => {
                let at = top.iter().take_while(|t| t.left < label.left).count();
                top.insert(at, label);
            }
        }
    }
    top
}

/// Pairs header labels with the properties they name, best match first.
fn match_columns(labels: &[Label], names: &[(String, FieldNames)]) -> Vec<Column> {
    let mut scored: Vec<(f64, usize, usize)> = Vec::new();
    for (ci, label) in labels.iter().enumerate() {
        let label = words(&label.text);
        for (ni, (_, field)) in names.iter().enumerate() {
            let score = field.score(&label);
            if score >= PARTIAL {
                scored.push((score, ci, ni));
            }
        }
    }
    // Two titles naming the line amount equally well (`Amount … Total`):
    // the line amount is the rightmost column of an item table.
    let order = |&(_, ci, ni): &(f64, usize, usize)| {
        let ci = ci as i64;
        if names[ni].1.is("line_total") {
            -ci
        } else {
            ci
        }
    };
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(order(a).cmp(&order(b))));
    let mut columns: Vec<Column> = labels
        .iter()
        .map(|label| Column {
            left: label.left,
            right: label.right,
            prop: None,
            numbered: words(&label.text) == ["number"],
        })
        .collect();
    let mut taken = vec![false; names.len()];
    for (score, ci, ni) in scored {
        if columns[ci].prop.is_none() && !taken[ni] {
            taken[ni] = true;
            columns[ci].prop = Some((names[ni].0.clone(), score));
        }
    }
    count_column(&mut columns, labels, names);
    columns
}

/// Names the quantity column of `Amount  Product  Price  Total`: a title
/// naming the line amount, left of the description while the line total is
/// right of it, counts the items (`Amount` is a common rendering of
/// `Anzahl`/`Menge`); money is never printed before what it pays for.
/// Failing that, a `#` column there may count them (`#  Produkt  Preis
/// Summe` over `400,00  Luftballon …`); the table reader drops its values
/// when they only number the rows (`1, 2, 3`).
fn count_column(columns: &mut [Column], labels: &[Label], names: &[(String, FieldNames)]) {
    let index_of = |id: &str| names.iter().position(|(_, n)| n.is(id));
    let (Some(quantity), Some(total)) = (index_of("quantity"), index_of("line_total")) else {
        return;
    };
    let column_of = |columns: &[Column], ni: usize| {
        columns
            .iter()
            .position(|c| c.prop.as_ref().is_some_and(|(key, _)| *key == names[ni].0))
    };
    let description = index_of("description").and_then(|ni| column_of(columns, ni));
    let (Some(description), Some(line_total), None) = (
        description,
        column_of(columns, total),
        column_of(columns, quantity),
    ) else {
        return;
    };
    if line_total < description {
        return;
    }
    let free = |ci: &usize| columns[*ci].prop.is_none();
    let count = (0..description)
        .filter(free)
        .find(|&ci| names[total].1.score(&words(&labels[ci].text)) >= PARTIAL)
        .or_else(|| {
            (0..description)
                .filter(free)
                .find(|&ci| columns[ci].numbered)
        });
    if let Some(ci) = count {
        columns[ci].prop = Some((names[quantity].0.clone(), PARTIAL));
    }
}

/// Header cells that only name a unit (`EUR`, `(€)`) belong to the column
/// on their left: `Amount  EUR` is one column.
fn merge_units(run: &Run<'_>, cells: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(cells.len());
    for cell in cells {
        let text = run.layout.text(&cell);
        let bare = text.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | ' '));
        let is_unit =
            !bare.is_empty() && bare.chars().count() <= 3 && currency_code(bare).is_some();
        match out.last_mut() {
            Some(prev) if is_unit && prev.line == cell.line => prev.toks.end = cell.toks.end,
            _ => out.push(cell),
        }
    }
    out
}

#[cfg(test)]
mod tests;
