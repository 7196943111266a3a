//! Arrays of objects from simple tables: a header row whose cells name the
//! item properties, then one row per item until a blank line, a totals row
//! (`Total`, `Subtotal`, `Tax`, …) or a `Label: value` line. Columns are cut
//! by pipes, commas, or (for plain layouts) wide gaps, in which case a row
//! cell belongs to the header column its centre falls under.

use serde_json::{Map, Value};

use super::header::{Column, Header, word_runs};
use super::matcher::{FieldNames, words};
use super::run::{Run, Scope, Source, join};
use crate::layout::{Delim, LineId, Span};
use crate::pairs::label_colon;
use crate::values::{Conventions, Kind, all_dates, empty_value, looks_numeric, parse_leaf_in};

impl Run<'_> {
    /// The items of every table (in scope, not yet used) whose header names
    /// `items`' properties best; their lines are claimed so no other field
    /// reads them.
    pub(super) fn table_values(&mut self, items: &Value, scope: &Scope, path: &str) -> Vec<Value> {
        let Some(props) = items.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        let names: Vec<(String, FieldNames)> = props
            .iter()
            .map(|(k, v)| (k.clone(), FieldNames::of(k, v)))
            .collect();
        let headers: Vec<Header> = self
            .layout
            .line_ids()
            .filter(|id| scope.contains(*id) && !self.table_lines.contains(id))
            .filter_map(|id| self.header(id, &names))
            .collect();
        let best = headers.iter().map(|h| h.matched).max().unwrap_or(0);
        let mut out = Vec::new();
        for header in headers.into_iter().filter(|h| h.matched == best) {
            if header.lines().any(|id| self.table_lines.contains(&id)) {
                continue;
            }
            self.table_lines.extend(header.lines());
            let first = out.len();
            for lines in self.rows(&header, scope, props) {
                self.table_lines.extend(lines.iter().copied());
                let item_path = format!("{path}[{}]", out.len());
                if let Some(item) = self.row_value(&header, &lines, props, &item_path) {
                    out.push(item);
                }
            }
            drop_positions(&header, &mut out[first..]);
        }
        out
    }

    /// The items under `header`, in order: each is its row line plus the
    /// lines that continue its text cells (wrapped descriptions). Rows run
    /// across blank lines; the table ends at a totals row, a `Label: value`
    /// line, a line spanning several columns (a paragraph or a footer) or the
    /// end of the page (a header repeated on the next page starts a table of
    /// its own). Lines that are neither an item nor a continuation (a
    /// balance brought forward, an article number under its item) are skipped.
    fn rows(&self, header: &Header, scope: &Scope, props: &Map<String, Value>) -> Vec<Vec<LineId>> {
        let mut items: Vec<Vec<LineId>> = Vec::new();
        let mut open = false;
        let mut passed_over = 0;
        let mut last_bottom = self.layout.line(header.last).map_or(0.0, |l| l.bbox.bottom);
        let mut page_index = header.line.page;
        let mut start = header.last.line + 1;
        // On a page the table continues onto, before its first item there.
        let mut fresh_page = false;
        'pages: while let Some(page) = self.layout.page(page_index) {
            for index in start..page.lines.len() {
                let id = LineId {
                    page: page_index,
                    line: index,
                };
                let Some(line) = self.layout.line(id) else {
                    break 'pages;
                };
                if !scope.contains(id) || self.table_lines.contains(&id) {
                    break 'pages;
                }
                // Rules and page numbers (`Seite 1 von 2` at the foot) are no rows.
                if line.text.chars().all(|c| "-|=+:_ ".contains(c))
                    || (quarry_parse::is_page_number(&line.text)
                        && !line.text.trim().chars().all(|c| c.is_ascii_digit()))
                {
                    continue;
                }
                let cells = self.cells(id, header.delim);
                let Some(first) = cells.first() else {
                    break 'pages;
                };
                // Details of the item above (`Art-Nr-Lieferant: …`, `• Zeitraum: …`)
                // are indented past the first column; they never end the table.
                let indented = line
                    .toks
                    .first()
                    .zip(header.columns.first())
                    .is_some_and(|(t, first)| t.bbox.left > first.right);
                let detail = !items.is_empty() && indented && header.delim == Delim::Gap;
                if is_totals(&self.layout.text(first)) {
                    break 'pages;
                }
                // An introduction between the header and the first item (`Wir
                // erlauben uns, folgende Positionen …`, `Wichtige Information: …`)
                // does not end the table; a few such lines are passed over.
                let lead_in = items.is_empty() && passed_over < MAX_LEAD_IN;
                // Delimited tables (pipes, commas) have one line per row and end at a blank line.
                let delimited = header.delim != Delim::Gap;
                let previous = LineId {
                    page: id.page,
                    line: index.saturating_sub(1),
                };
                if delimited && self.layout.next_in_block(previous) != Some(id) {
                    break 'pages;
                }
                let height = (line.bbox.bottom - line.bbox.top).max(1.0);
                let near = line.bbox.top - last_bottom < CONTINUATION_GAP * height;
                let kind = match self.classify(header, &cells, props) {
                    // `Bruttopreis : 9,90` under an item is a detail, not wrapped text.
                    RowKind::Text if labelled_number(&line.text) => RowKind::Other,
                    // `• Bestell-Nr.: 4444444444` indented under an item is not an item.
                    // One that fills the number columns is an item whose
                    // reference carries a label (`Art-Nr-Kunde: SE_SFK5  Schweinesteak  5,50 …`).
                    RowKind::Item
                        if detail
                            && line.text.contains(':')
                            && self.numbers_filled(header, &cells, props) < ITEM_NUMBERS =>
                    {
                        RowKind::Other
                    }
                    kind => kind,
                };
                // A cell spanning columns is a paragraph or a footer, unless it is
                // part of an item row: numbers set too close together (`20 Stk
                // 19 %`), or a reference run into the description under a single
                // property's title (`Toolbox 0815CO-123  Stahlcoil`).
                let spanning = self.spanning_cells(header, &cells);
                let merged_numbers = kind == RowKind::Item
                    && spanning.iter().all(|c| {
                        self.layout
                            .text(c)
                            .starts_with(|c: char| c.is_ascii_digit())
                            || self.centres_covered(header, c, true) <= 1
                    });
                // Rows continued from the page before start at once with an
                // item that names what it bills; anything else (a tax breakdown,
                // totals, a letter's closing) means the table ended at the foot.
                // A running header or page number above them is passed over.
                if fresh_page {
                    if line.bbox.top < page.height * RUNNING_HEADER {
                        continue;
                    }
                    let row = kind == RowKind::Item && (spanning.is_empty() || merged_numbers);
                    if !row || !self.fills_text(header, &cells, props) {
                        break 'pages;
                    }
                    fresh_page = false;
                    last_bottom = line.bbox.top;
                }
                // A paragraph under the item columns, right of the first column
                // (`1  Wir erlauben uns Ihnen folgende Positionen …`), is a note on
                // the item; one starting at the margin ends the table.
                let first_right = header.columns.first().map_or(f64::MAX, |c| c.right);
                let item_note = !items.is_empty()
                    && !merged_numbers
                    && !spanning.is_empty()
                    && spanning
                        .iter()
                        .all(|c| self.layout.bbox(c).is_some_and(|b| b.left > first_right));
                if item_note {
                    open = false;
                    last_bottom = line.bbox.bottom;
                    continue;
                }
                if !detail && !spanning.is_empty() && !merged_numbers {
                    if lead_in {
                        passed_over += 1;
                        continue;
                    }
                    break 'pages;
                }
                let continues = kind == RowKind::Text && open && near && !delimited;
                // A `Label: value` line ends the table, unless it is wrapped text
                // of the item above (`Remittance information: …`) or a detail
                // of it indented past the first column (`Art-Nr-Lieferant: TB100`).
                // A label under a later column (`2  Inklusiv-Kilometer waren: 873`
                // under the description) is a note on an item, not the table's end.
                let labels: Vec<f64> = line
                    .cells(0..line.toks.len(), Delim::Gap)
                    .into_iter()
                    .filter(|c| label_colon(line, c.clone()).is_some())
                    .filter_map(|c| line.toks.get(c.start).map(|t| t.bbox.left))
                    .collect();
                let labelled = !labels.is_empty();
                let note = labels.iter().all(|&left| left > first_right) && !items.is_empty();
                if !continues && !detail && kind != RowKind::Item && labelled && !note {
                    if lead_in {
                        passed_over += 1;
                        continue;
                    }
                    break 'pages;
                }
                // `Weitere Eigenschaften:` under an item opens a list of its
                // details, which are no part of its name.
                let details_heading = kind == RowKind::Text && line.text.trim_end().ends_with(':');
                match kind {
                    _ if details_heading => open = false,
                    RowKind::Item
                        if items
                            .last()
                            .is_some_and(|row| self.finishes_row(header, row, id, props)) =>
                    {
                        if let Some(item) = items.last_mut() {
                            item.push(id);
                        }
                    }
                    RowKind::Item => {
                        items.push(vec![id]);
                        open = true;
                    }
                    RowKind::Text if open && near && !delimited => {
                        if let Some(item) = items.last_mut() {
                            item.push(id);
                        }
                    }
                    RowKind::Text | RowKind::Other => open = false,
                }
                last_bottom = line.bbox.bottom;
            }
            // The table ran to the foot of its page: its rows may go on at the
            // top of the next one, without a header of their own (all of
            // them when the header closed its page).
            let started = !items.is_empty() || page_index == header.last.page;
            if !started || header.delim != Delim::Gap {
                break;
            }
            page_index += 1;
            start = 0;
            fresh_page = true;
        }
        items
    }

    /// Whether a row puts text under a text column (an item's description).
    fn fills_text(&self, header: &Header, cells: &[Span], props: &Map<String, Value>) -> bool {
        self.assign(header, cells)
            .into_iter()
            .any(|(column, cell)| {
                Kind::of(&props_node(props, header, column)) == Kind::String
                    && header.columns[column].prop.is_some()
                    && self.layout.text(&cell).chars().any(char::is_alphabetic)
            })
    }

    /// An item row fills at least two of the mapped columns (all of them
    /// when fewer are mapped); a text row only has text under text columns.
    fn classify(&self, header: &Header, cells: &[Span], props: &Map<String, Value>) -> RowKind {
        let mapped = header.columns.iter().filter(|c| c.prop.is_some()).count();
        let first_text = (0..header.columns.len())
            .find(|&c| {
                header.columns[c].prop.is_some()
                    && Kind::of(&props_node(props, header, c)) == Kind::String
            })
            .unwrap_or(0);
        let mut filled = 0;
        let mut text_only = true;
        let mut any_text = false;
        for (column, cell) in self.assign(header, cells) {
            let text = self.layout.text(&cell);
            let kind = header.columns[column]
                .prop
                .as_ref()
                .and_then(|(key, _)| props.get(key))
                .map(Kind::of);
            match kind {
                Some(kind) => {
                    if cell_value(
                        &props_node(props, header, column),
                        key_of(header, column),
                        &text,
                        self.layout.conventions(),
                    )
                    .is_some()
                    {
                        filled += 1;
                    }
                    if kind == Kind::String {
                        any_text = true;
                    } else {
                        text_only = false;
                    }
                }
                // An article number under a reference column left of the
                // description (`1805  0,5l` continuing `Leergutpfand 20 x`)
                // does not make a wrapped line a row of numbers.
                None if column < first_text => {}
                None => text_only &= !looks_numeric(&text),
            }
        }
        if filled >= mapped.min(2) && filled > 0 && !(text_only && mapped > 1 && filled < 2) {
            if text_only && filled < 2 {
                RowKind::Text
            } else {
                RowKind::Item
            }
        } else if text_only && any_text {
            RowKind::Text
        } else {
            RowKind::Other
        }
    }

    /// Each cell of a row with the index of the column it belongs to.
    /// Cells set too close together to be cut by a gap (`20 Stk 19 %`
    /// across the quantity and tax columns, `Toolbox 0815CO-123 Stahlcoil`
    /// across the reference and description columns) are cut into words,
    /// each going to the column its centre falls under.
    pub(super) fn assign(&self, header: &Header, cells: &[Span]) -> Vec<(usize, Span)> {
        let cells: Vec<Span> = cells
            .iter()
            .flat_map(|cell| {
                let text = self.layout.text(cell);
                // A list of dates (`15.10.2018; 17.10.2018`) is one text cell;
                // text runs across property columns (an overlong description)
                // stay whole too.
                let cut = (text.starts_with(|c: char| c.is_ascii_digit())
                    || self.centres_covered(header, cell, true) <= 1)
                    && all_dates(&text, self.layout.date_order).is_empty();
                let line = self.layout.line(cell.line);
                match line {
                    Some(line)
                        if header.delim == Delim::Gap
                            && cut
                            && self.centres_covered(header, cell, false) >= 2 =>
                    {
                        word_runs(line, cell.clone())
                    }
                    _ => vec![cell.clone()],
                }
            })
            .collect();
        cells
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| {
                let column = match header.delim {
                    Delim::Gap => self
                        .layout
                        .bbox(cell)
                        .map(|b| column_at(&header.columns, (b.left + b.right) / 2.0))?,
                    Delim::Pipe | Delim::Comma => i,
                };
                (column < header.columns.len()).then(|| (column, cell.clone()))
            })
            .collect()
    }

    fn row_value(
        &mut self,
        header: &Header,
        lines: &[LineId],
        props: &Map<String, Value>,
        path: &str,
    ) -> Option<Value> {
        let (&row, continuation) = lines.split_first()?;
        let mut by_column: Vec<Option<Span>> = vec![None; header.columns.len()];
        for (column, cell) in self.assign(header, &self.cells(row, header.delim)) {
            let Some(slot) = by_column.get_mut(column) else {
                continue;
            };
            *slot = Some(match slot.take() {
                Some(prev) => Span {
                    line: row,
                    toks: prev.toks.start..cell.toks.end,
                },
                None => cell,
            });
        }
        self.fill_from_offset_line(header, row, props, &mut by_column);
        let mut extra: Vec<String> = vec![String::new(); header.columns.len()];
        for &line in continuation {
            for (column, cell) in self.assign(header, &self.cells(line, header.delim)) {
                if let Some(text) = extra.get_mut(column) {
                    text.push(' ');
                    text.push_str(&self.layout.text(&cell));
                }
            }
        }
        let mut item: Map<String, Value> = props
            .iter()
            .map(|(k, v)| (k.clone(), empty_value(v)))
            .collect();
        let mut found = false;
        for ((column, span), more) in header.columns.iter().zip(by_column).zip(extra) {
            let (Some((key, score)), Some(span)) = (&column.prop, span) else {
                continue;
            };
            let Some(node) = props.get(key) else { continue };
            let mut text = self.layout.text(&span);
            if Kind::of(node) == Kind::String {
                text.push_str(&more);
                // `Heiße Luft pro Liter:` introduces details; the colon is not the name's.
                text = text.trim_end_matches(':').trim_end().to_string();
            }
            let Some(value) = cell_value(node, key, &text, self.layout.conventions()) else {
                continue;
            };
            let cell_path = join(path, key);
            if Kind::of(node) == Kind::Currency {
                for sub in ["amount", "iso_4217_currency_code"] {
                    if value.get(sub).is_some_and(|v| !v.is_null()) {
                        self.record(
                            format!("{cell_path}.{sub}"),
                            *score,
                            span.clone(),
                            Source::TableRow,
                        );
                    }
                }
            }
            self.record(cell_path, *score, span, Source::TableRow);
            item.insert(key.clone(), value);
            found = true;
        }
        found.then_some(Value::Object(item))
    }
}

/// Number columns a labelled, indented row must fill to be an item.
const ITEM_NUMBERS: usize = 3;
/// Lines between a header and its first item that may be passed over.
const MAX_LEAD_IN: usize = 3;
/// How far below the previous line (in line heights) a wrapped cell may continue.
const CONTINUATION_GAP: f64 = 2.5;
/// Share of the page height, from the top, where running headers stand.
const RUNNING_HEADER: f64 = 0.05;

/// What a line under a table header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    /// A new item.
    Item,
    /// Only text under text columns: may continue the item above.
    Text,
    /// Anything else (skipped).
    Other,
}

/// Clears the values a `#` column gave `items` when they are the row
/// numbers `1, 2, 3, …` (positions), not counts.
fn drop_positions(header: &Header, items: &mut [Value]) {
    let Some((key, _)) = header
        .columns
        .iter()
        .find(|c| c.numbered)
        .and_then(|c| c.prop.as_ref())
    else {
        return;
    };
    let positions = items.len() >= 2
        && items
            .iter()
            .enumerate()
            .all(|(i, item)| item.get(key).and_then(Value::as_f64) == Some((i + 1) as f64));
    if positions {
        for item in items.iter_mut() {
            if let Some(value) = item.get_mut(key) {
                *value = Value::Null;
            }
        }
    }
}

/// The key of the property `column` is mapped to (empty when none).
pub(super) fn key_of(header: &Header, column: usize) -> &str {
    header
        .columns
        .get(column)
        .and_then(|c| c.prop.as_ref())
        .map_or("", |(key, _)| key.as_str())
}

/// Words of a property key that let a percentage be its value.
const PERCENT_WORDS: &[&str] = &["percent", "percentage", "rate", "tax", "vat", "discount"];

/// A cell's value for the property `key`: a cell that only holds a
/// percentage (`16,7%` of a discount line) is only the value of a property
/// that names a rate, never of a quantity, price or amount.
pub(super) fn cell_value(node: &Value, key: &str, text: &str, conv: Conventions) -> Option<Value> {
    let mut numbers = text
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()));
    let percent = numbers.next().is_some_and(|n| n.ends_with('%')) && numbers.next().is_none();
    if percent
        && !words(key)
            .iter()
            .any(|w| PERCENT_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    parse_leaf_in(node, text, conv)
}

/// The schema node of the property `column` is mapped to (or a string node).
pub(super) fn props_node(props: &Map<String, Value>, header: &Header, column: usize) -> Value {
    header.columns[column]
        .prop
        .as_ref()
        .and_then(|(key, _)| props.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The column whose span (extended halfway to its neighbours) holds `x`.
fn column_at(columns: &[Column], x: f64) -> usize {
    columns
        .windows(2)
        .take_while(|pair| x > (pair[0].right + pair[1].left) / 2.0)
        .count()
}

/// Whether `text` holds a label with a number for its value
/// (`Bruttopreis : 9,90`, `Rabatt: -2,00 €`).
fn labelled_number(text: &str) -> bool {
    text.split_once(':').is_some_and(|(label, value)| {
        label.chars().any(char::is_alphabetic)
            && value
                .trim_start()
                .trim_start_matches(['-', '+', '€', '$'])
                .starts_with(|c: char| c.is_ascii_digit())
    })
}

/// Rows that summarize the table rather than list an item.
fn is_totals(first_cell: &str) -> bool {
    let w = words(first_cell);
    w.iter().any(|w| {
        matches!(
            w.as_str(),
            "total"
                | "subtotal"
                | "totaal"
                | "subtotaal"
                | "zwischensumme"
                | "gesamtbetrag"
                | "gesamtsumme"
                | "rechnungsbetrag"
                | "endbetrag"
                | "nettobetrag"
        )
    }) || w.first().is_some_and(|f| {
        matches!(
            f.as_str(),
            "tax"
                | "vat"
                | "gst"
                | "sum"
                | "summe"
                | "gesamt"
                | "mwst"
                | "ust"
                | "tva"
                | "taxe"
                | "iva"
                | "btw"
        )
    })
}
