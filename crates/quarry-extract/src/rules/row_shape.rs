//! The shape of a line under a table header: which of its cells run across
//! columns (a paragraph, or cells set too close together), which number
//! columns it fills, and whether it finishes the row above it, printed on a
//! staggered baseline, rather than being an item of its own.

use serde_json::{Map, Value};

use super::header::Header;
use super::run::Run;
use super::table::{cell_value, key_of, props_node};
use crate::layout::{Delim, LineId, Span};
use crate::values::Kind;

impl Run<'_> {
    /// The cells of a gap-cut row that cover the centres of two or more columns.
    pub(super) fn spanning_cells<'c>(&self, header: &Header, cells: &'c [Span]) -> Vec<&'c Span> {
        if header.delim != Delim::Gap || header.columns.len() <= 2 {
            return Vec::new();
        }
        cells
            .iter()
            .filter(|cell| self.centres_covered(header, cell, false) >= 2)
            .collect()
    }

    /// How many column centres (of property columns only, when `named`) a
    /// cell covers horizontally.
    pub(super) fn centres_covered(&self, header: &Header, cell: &Span, named: bool) -> usize {
        self.layout.bbox(cell).map_or(0, |b| {
            header
                .columns
                .iter()
                .filter(|c| !named || c.prop.is_some())
                .filter(|c| {
                    let centre = (c.left + c.right) / 2.0;
                    b.left <= centre && centre <= b.right
                })
                .count()
        })
    }

    /// How many number columns (quantity, price, amount) of a row hold a readable value.
    pub(super) fn numbers_filled(
        &self,
        header: &Header,
        cells: &[Span],
        props: &Map<String, Value>,
    ) -> usize {
        self.number_columns(header, cells, props).len()
    }

    /// The number columns of a row that hold a readable value.
    pub(super) fn number_columns(
        &self,
        header: &Header,
        cells: &[Span],
        props: &Map<String, Value>,
    ) -> Vec<usize> {
        self.assign(header, cells)
            .into_iter()
            .filter(|(column, cell)| {
                let node = props_node(props, header, column.to_owned());
                matches!(Kind::of(&node), Kind::Number | Kind::Currency)
                    && cell_value(
                        &node,
                        key_of(header, *column),
                        &self.layout.text(cell),
                        self.layout.conventions(),
                    )
                    .is_some()
            })
            .map(|(column, _)| column)
            .collect()
    }

    /// Whether line `id`, touching the single-line item `row` above it,
    /// only fills number columns the row left empty: the rest of a row
    /// printed on a staggered baseline (`Regio R9   80,00` under `Kfz-Haftpflicht
    /// … Typkl. 18   67,2244   1`), not an item of its own.
    pub(super) fn finishes_row(
        &self,
        header: &Header,
        row: &[LineId],
        id: LineId,
        props: &Map<String, Value>,
    ) -> bool {
        let ([row], Some(line), Some(above)) = (
            row,
            self.layout.line(id),
            row.first().and_then(|r| self.layout.line(*r)),
        ) else {
            return false;
        };
        let height = (above.bbox.bottom - above.bbox.top).max(1.0);
        if line.bbox.top - above.bbox.bottom > 0.5 * height {
            return false;
        }
        let own = self.number_columns(header, &self.cells(*row, header.delim), props);
        let below = self.number_columns(header, &self.cells(id, header.delim), props);
        !below.is_empty() && below.iter().all(|c| !own.contains(c))
    }

    /// Some layouts print a row's cells on staggered baselines, so a
    /// number column's value sits on a line just below the row, touching it
    /// (`1  Zitronensäure  1,0000  -5 Stk` over `-5,00`). Empty number
    /// columns of the row take such a line's values.
    pub(super) fn fill_from_offset_line(
        &self,
        header: &Header,
        row: LineId,
        props: &Map<String, Value>,
        by_column: &mut [Option<Span>],
    ) {
        let (Some(line), Some(below)) = (self.layout.line(row), self.layout.next_in_block(row))
        else {
            return;
        };
        let Some(next) = self.layout.line(below) else {
            return;
        };
        let height = (line.bbox.bottom - line.bbox.top).max(1.0);
        if next.bbox.top - line.bbox.bottom > 0.5 * height {
            return;
        }
        for (column, cell) in self.assign(header, &self.cells(below, header.delim)) {
            let node = props_node(props, header, column);
            let numeric = !matches!(Kind::of(&node), Kind::String | Kind::Object);
            let readable = cell_value(
                &node,
                key_of(header, column),
                &self.layout.text(&cell),
                self.layout.conventions(),
            )
            .is_some();
            if let Some(slot) = by_column.get_mut(column)
                && slot.is_none()
                && numeric
                && readable
            {
                *slot = Some(cell);
            }
        }
    }
}
