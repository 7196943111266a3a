//! Arrays of objects from simple tables: a header row whose cells name the
//! item properties, then one row per item until a blank line, a totals row
//! (`Total`, `Subtotal`, `Tax`, …) or a `Label: value` line. Columns are cut
//! by pipes, commas, or (for plain layouts) wide gaps, in which case a row
//! cell belongs to the header column its centre falls under.

use serde_json::{Map, Value};

use super::matcher::{FieldNames, PARTIAL, words};
use super::run::{Run, Scope, join};
use crate::layout::{Delim, LineId, Span};
use crate::pairs::label_colon;
use crate::values::{Kind, empty_value, parse_leaf};

/// A header cell: its horizontal extent and the property it names, if any.
struct Column {
    left: f64,
    right: f64,
    prop: Option<(String, f64)>,
}

struct Header {
    line: LineId,
    delim: Delim,
    columns: Vec<Column>,
    matched: usize,
}

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
            if self.table_lines.contains(&header.line) {
                continue;
            }
            self.table_lines.insert(header.line);
            for row in self.rows(&header, scope) {
                self.table_lines.insert(row);
                let item_path = format!("{path}[{}]", out.len());
                if let Some(item) = self.row_value(&header, row, props, &item_path) {
                    out.push(item);
                }
            }
        }
        out
    }

    fn header(&self, id: LineId, names: &[(String, FieldNames)]) -> Option<Header> {
        let line = self.layout.line(id)?;
        let gap_cells = line.cells(0..line.toks.len(), Delim::Gap);
        if gap_cells
            .iter()
            .any(|c| label_colon(line, c.clone()).is_some())
        {
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
                let cells = self.cells(id, delim);
                let columns = match_columns(self, &cells, names);
                let matched = columns.iter().filter(|c| c.prop.is_some()).count();
                (cells.len() >= 2 && matched >= needed && matched * 2 >= cells.len()).then_some(
                    Header {
                        line: id,
                        delim,
                        columns,
                        matched,
                    },
                )
            })
    }

    /// Row lines under `header`, in order.
    fn rows(&self, header: &Header, scope: &Scope) -> Vec<LineId> {
        let mut rows = Vec::new();
        let mut current = header.line;
        while let Some(next) = self.layout.next_in_block(current) {
            current = next;
            let Some(line) = self.layout.line(next) else {
                break;
            };
            if !scope.contains(next) || self.table_lines.contains(&next) {
                break;
            }
            if line.text.chars().all(|c| "-|=+:_ ".contains(c)) {
                continue;
            }
            let gap_cells = line.cells(0..line.toks.len(), Delim::Gap);
            if gap_cells
                .iter()
                .any(|c| label_colon(line, c.clone()).is_some())
            {
                break;
            }
            let cells = self.cells(next, header.delim);
            let Some(first) = cells.first() else { break };
            if is_totals(&self.layout.text(first))
                || (header.delim == Delim::Gap && cells.len() == 1 && header.columns.len() > 2)
            {
                break;
            }
            rows.push(next);
        }
        rows
    }

    fn row_value(
        &mut self,
        header: &Header,
        row: LineId,
        props: &Map<String, Value>,
        path: &str,
    ) -> Option<Value> {
        let mut by_column: Vec<Option<Span>> = vec![None; header.columns.len()];
        for (i, cell) in self.cells(row, header.delim).into_iter().enumerate() {
            let column = match header.delim {
                Delim::Gap => self
                    .layout
                    .bbox(&cell)
                    .map(|b| column_at(&header.columns, (b.left + b.right) / 2.0)),
                Delim::Pipe | Delim::Comma => Some(i),
            };
            let Some(slot) = column.and_then(|c| by_column.get_mut(c)) else {
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
        let mut item: Map<String, Value> = props
            .iter()
            .map(|(k, v)| (k.clone(), empty_value(v)))
            .collect();
        let mut found = false;
        for (column, span) in header.columns.iter().zip(by_column) {
            let (Some((key, score)), Some(span)) = (&column.prop, span) else {
                continue;
            };
            let Some(node) = props.get(key) else { continue };
            let Some(value) = parse_leaf(node, &self.layout.text(&span)) else {
                continue;
            };
            let cell_path = join(path, key);
            if Kind::of(node) == Kind::Currency {
                for sub in ["amount", "iso_4217_currency_code"] {
                    if value.get(sub).is_some_and(|v| !v.is_null()) {
                        self.record(format!("{cell_path}.{sub}"), *score, span.clone());
                    }
                }
            }
            self.record(cell_path, *score, span);
            item.insert(key.clone(), value);
            found = true;
        }
        found.then_some(Value::Object(item))
    }
}

/// Pairs header cells with the properties they name, best match first.
fn match_columns(run: &Run<'_>, cells: &[Span], names: &[(String, FieldNames)]) -> Vec<Column> {
    let mut scored: Vec<(f64, usize, usize)> = Vec::new();
    for (ci, cell) in cells.iter().enumerate() {
        let label = words(&run.layout.text(cell));
        for (ni, (_, field)) in names.iter().enumerate() {
            let score = field.score(&label);
            if score >= PARTIAL {
                scored.push((score, ci, ni));
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut columns: Vec<Column> = cells
        .iter()
        .map(|cell| {
            let b = run.layout.bbox(cell).unwrap_or_default();
            Column {
                left: b.left,
                right: b.right,
                prop: None,
            }
        })
        .collect();
    let mut taken = vec![false; names.len()];
    for (score, ci, ni) in scored {
        if columns[ci].prop.is_none() && !taken[ni] {
            taken[ni] = true;
            columns[ci].prop = Some((names[ni].0.clone(), score));
        }
    }
    columns
}

/// The column whose span (extended halfway to its neighbours) holds `x`.
fn column_at(columns: &[Column], x: f64) -> usize {
    columns
        .windows(2)
        .take_while(|pair| x > (pair[0].right + pair[1].left) / 2.0)
        .count()
}

/// Rows that summarize the table rather than list an item.
fn is_totals(first_cell: &str) -> bool {
    let w = words(first_cell);
    w.iter().any(|w| matches!(w.as_str(), "total" | "subtotal"))
        || w.first()
            .is_some_and(|f| matches!(f.as_str(), "tax" | "vat" | "gst" | "balance" | "sum"))
}
