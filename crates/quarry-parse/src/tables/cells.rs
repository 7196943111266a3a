//! Assembling detected cells into a [`Table`]: words appended in reading
//! order, boxes united, spans kept on the top-left (origin) cell.

use std::collections::BTreeMap;

use crate::{BBox, Cell, Table};

/// Cells of one table under construction, keyed by (row, col) of their
/// origin.
pub(super) struct CellGrid {
    rows: usize,
    cols: usize,
    cells: BTreeMap<(usize, usize), Slot>,
}

struct Slot {
    text: String,
    /// The drawn cell frame (ruled tables); else the words' boxes.
    frame: Option<BBox>,
    words: Option<BBox>,
    row_span: usize,
    col_span: usize,
}

impl Slot {
    fn new(frame: Option<BBox>, row_span: usize, col_span: usize) -> Self {
        Self {
            text: String::new(),
            frame,
            words: None,
            row_span,
            col_span,
        }
    }
}

impl CellGrid {
    pub(super) fn new(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            cells: BTreeMap::new(),
        }
    }

    /// Declares a cell with a drawn frame, so it exists even when empty.
    pub(super) fn frame(&mut self, row: usize, col: usize, spans: (usize, usize), frame: BBox) {
        self.cells
            .insert((row, col), Slot::new(Some(frame), spans.0, spans.1));
    }

    /// Appends a word (or run of words) to the cell at (`row`, `col`),
    /// creating it with the given column span when it does not exist yet.
    pub(super) fn push(&mut self, row: usize, col: usize, col_span: usize, text: &str, bbox: BBox) {
        let slot = self
            .cells
            .entry((row, col))
            .or_insert_with(|| Slot::new(None, 1, col_span));
        if !slot.text.is_empty() {
            slot.text.push(' ');
        }
        slot.text.push_str(text);
        slot.words = Some(slot.words.map_or(bbox, |b| b.union(&bbox)));
    }

    /// Number of cells holding text.
    pub(super) fn filled(&self) -> usize {
        self.cells.values().filter(|s| !s.text.is_empty()).count()
    }

    pub(super) fn finish(self, bbox: BBox) -> Table {
        let cells = self
            .cells
            .into_iter()
            .map(|((row, col), slot)| Cell {
                row,
                col,
                text: slot.text,
                bbox: slot.frame.or(slot.words).unwrap_or(bbox),
                reference: None,
                row_span: slot.row_span,
                col_span: slot.col_span,
            })
            .collect();
        Table {
            rows: self.rows,
            cols: self.cols,
            bbox,
            cells,
            name: None,
            header_rows: 0,
            continued: false,
        }
    }
}
