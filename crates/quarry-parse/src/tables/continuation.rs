//! Tables broken by a page break. A table that starts at the top of a page
//! with the same columns as the table that ends the previous page is marked
//! `continued`, and its header rows are linked: when the page repeats the
//! header, its first rows are marked as header rows; when it does not, the
//! previous part's header rows are copied in on top, so every part of the
//! table reads (and renders) with its column headings.

use crate::{BBox, Page, Table};

/// At most this many lines may sit between a table and the page break
/// (running headers, footers, page numbers).
const MAX_LINES_AROUND_BREAK: usize = 3;
/// Table edges closer than this (points) count as the same columns.
const EDGE_TOLERANCE: f64 = 6.0;

/// Carries the table that ends one page over to the next, so pages can be
/// linked one at a time as they are parsed (the streaming API keeps no
/// other page).
#[derive(Debug, Default)]
pub(crate) struct PageBreaks {
    /// The previous page's last table, when nothing but a few lines
    /// follows it on that page.
    open: Option<Table>,
}

impl PageBreaks {
    /// Links `page`'s first table to the table that ended the previous
    /// page, then remembers `page`'s last table for the next one.
    pub(crate) fn link(&mut self, page: &mut Page) {
        if let Some(prev) = self.open.take() {
            let lines_above = |t: &Table| {
                page.lines
                    .iter()
                    .filter(|l| l.bbox.bottom <= t.bbox.top)
                    .count()
            };
            if let Some(first) = page.tables.first()
                && first.cols == prev.cols
                && (first.bbox.left - prev.bbox.left).abs() <= EDGE_TOLERANCE
                && (first.bbox.right - prev.bbox.right).abs() <= EDGE_TOLERANCE
                && lines_above(first) <= MAX_LINES_AROUND_BREAK
            {
                let header = header_rows(&prev);
                if let Some(table) = page.tables.first_mut() {
                    continue_from(table, &prev, header);
                }
            }
        }
        self.open = page
            .tables
            .last()
            .filter(|t| {
                let below = page
                    .lines
                    .iter()
                    .filter(|l| l.bbox.top >= t.bbox.bottom)
                    .count();
                below <= MAX_LINES_AROUND_BREAK
            })
            .cloned();
    }
}

/// The header rows of a table: those it carries over when it is itself a
/// continuation, else its first row when that looks like column headings.
fn header_rows(table: &Table) -> usize {
    if table.continued && table.header_rows > 0 {
        table.header_rows
    } else {
        usize::from(first_row_is_header(table))
    }
}

/// Column headings are words: a first row without digits over a body with
/// some. A first row of data (no header at all) must not be copied onto
/// every following page; year headings ("2024 2025") are missed, which only
/// means no copy.
fn first_row_is_header(table: &Table) -> bool {
    let has_digit = |c: &&crate::Cell| c.text.chars().any(|ch| ch.is_ascii_digit());
    let mut first = table
        .cells
        .iter()
        .filter(|c| c.row == 0 && !c.text.is_empty());
    let mut body = table.cells.iter().filter(|c| c.row > 0);
    first.clone().next().is_some() && !first.any(|c| has_digit(&c)) && body.any(|c| has_digit(&c))
}

fn row_texts(table: &Table, rows: usize) -> Vec<(usize, usize, &str)> {
    let mut cells: Vec<_> = table
        .cells
        .iter()
        .filter(|c| c.row < rows && !c.text.is_empty())
        .map(|c| (c.row, c.col, c.text.as_str()))
        .collect();
    cells.sort();
    cells
}

fn continue_from(table: &mut Table, prev: &Table, header: usize) {
    table.continued = true;
    if header == 0 {
        return;
    }
    if row_texts(table, header) == row_texts(prev, header) {
        table.header_rows = header;
        return;
    }
    let edge = BBox {
        bottom: table.bbox.top,
        ..table.bbox
    };
    for cell in &mut table.cells {
        cell.row += header;
    }
    let copied = prev.cells.iter().filter(|c| c.row < header).map(|c| {
        let mut c = c.clone();
        c.bbox = BBox {
            top: edge.top,
            bottom: edge.top,
            ..c.bbox
        };
        c
    });
    let mut cells: Vec<_> = copied.collect();
    cells.append(&mut table.cells);
    table.cells = cells;
    table.rows += header;
    table.header_rows = header;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Line;

    fn page(number: u32, table: Table, line_top: f64) -> Page {
        let mut p = Page::new(number, 612.0, 792.0);
        p.lines.push(Line {
            text: "row".into(),
            bbox: BBox {
                left: 50.0,
                top: line_top,
                right: 300.0,
                bottom: line_top + 10.0,
            },
            words: Vec::new(),
        });
        p.tables.push(table);
        p
    }

    fn link(pages: &mut [Page]) {
        let mut breaks = PageBreaks::default();
        for page in pages {
            breaks.link(page);
        }
    }

    fn bbox(top: f64, bottom: f64) -> BBox {
        BBox {
            left: 50.0,
            top,
            right: 300.0,
            bottom,
        }
    }

    #[test]
    fn header_is_copied_onto_a_continuation_without_one() {
        let first = Table::from_texts(&[&["Item", "Qty"], &["Bolt", "3"]], bbox(600.0, 760.0));
        let second = Table::from_texts(&[&["Nut", "4"], &["Washer", "9"]], bbox(40.0, 200.0));
        let mut pages = vec![page(1, first, 700.0), page(2, second, 100.0)];
        link(&mut pages);
        let t = &pages[1].tables[0];
        assert!(t.continued);
        assert_eq!((t.rows, t.header_rows), (3, 1));
        assert_eq!(t.cell(0, 0), Some("Item"));
        assert_eq!(t.cell(1, 0), Some("Nut"));
        assert!(!pages[0].tables[0].continued);
    }

    #[test]
    fn a_repeated_header_is_marked_not_copied() {
        let first = Table::from_texts(&[&["Item", "Qty"], &["Bolt", "3"]], bbox(600.0, 760.0));
        let second = Table::from_texts(&[&["Item", "Qty"], &["Nut", "4"]], bbox(40.0, 200.0));
        let mut pages = vec![page(1, first, 700.0), page(2, second, 100.0)];
        link(&mut pages);
        let t = &pages[1].tables[0];
        assert!(t.continued);
        assert_eq!((t.rows, t.header_rows), (2, 1));
    }

    #[test]
    fn a_first_row_of_data_is_not_copied_as_a_header() {
        let first = Table::from_texts(&[&["Bolt", "3"], &["Nut", "4"]], bbox(600.0, 760.0));
        let second = Table::from_texts(&[&["Washer", "9"]], bbox(40.0, 200.0));
        let mut pages = vec![page(1, first, 700.0), page(2, second, 100.0)];
        link(&mut pages);
        let t = &pages[1].tables[0];
        assert!(t.continued);
        assert_eq!((t.rows, t.header_rows), (1, 0));
        assert_eq!(t.cell(0, 0), Some("Washer"));
    }

    #[test]
    fn a_different_table_does_not_continue() {
        let first = Table::from_texts(&[&["Item", "Qty"], &["Bolt", "3"]], bbox(600.0, 760.0));
        let other = Table::from_texts(&[&["A", "B", "C"], &["1", "2", "3"]], bbox(40.0, 200.0));
        let mut pages = vec![page(1, first, 700.0), page(2, other, 100.0)];
        link(&mut pages);
        assert!(!pages[1].tables[0].continued);
    }
}
