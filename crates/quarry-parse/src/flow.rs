//! Layout for formats that carry structure but no geometry (DOCX, PPTX,
//! HTML, spreadsheets, CSV). Blocks are set on the same monospace grid as
//! plain text, so every word still has a box and citations work the same
//! way; table cells are placed in aligned columns with wide gaps, which the
//! extraction engine reads as cell boundaries.

use crate::text::{CHAR_WIDTH, LINE_HEIGHT, PAGE_WIDTH, words_of};
use crate::{BBox, Block, BlockKind, Cell, FigureKind, Line, Page, ParseError, Table};

/// Characters per wrapped paragraph line.
const WRAP: usize = 100;
/// Rows per page when a format has no pages of its own (US Letter at 12 pt).
const ROWS_PER_PAGE: usize = 66;
/// Spaces between table columns: wide enough to read as a cell gap.
const COL_GAP: usize = 3;
/// Width, in grid characters, of the box standing for a figure.
const FIGURE_WIDTH: usize = 20;
/// US Letter height.
const PAGE_HEIGHT: f64 = 792.0;

/// One table cell before layout: text and optional A1 reference.
pub(crate) type CellInput = (String, Option<String>);

/// Builds pages from a stream of blocks.
pub(crate) struct Flow {
    pages: Vec<Page>,
    page: Page,
    row: usize,
    widest: usize,
    paginate: bool,
    cells: usize,
    max_cells: usize,
    max_pages: usize,
    /// Keep pages with nothing on them (spreadsheets: a page per sheet,
    /// even a skipped one, so page numbers stay sheet numbers).
    keep_empty: bool,
}

impl Flow {
    /// `paginate`: start a new page every [`ROWS_PER_PAGE`] rows.
    pub(crate) fn new(paginate: bool, max_cells: usize, max_pages: usize) -> Self {
        Self {
            pages: Vec::new(),
            page: Page::new(1, PAGE_WIDTH, PAGE_HEIGHT),
            row: 0,
            widest: 0,
            paginate,
            cells: 0,
            max_cells,
            max_pages,
            keep_empty: false,
        }
    }

    /// A flow whose page breaks and last page are kept even when empty.
    pub(crate) fn keeping_empty_pages(self) -> Self {
        Self {
            keep_empty: true,
            ..self
        }
    }

    fn page_is_empty(&self, page: &Page) -> bool {
        !self.keep_empty && page.lines.is_empty() && page.blocks.is_empty()
    }

    pub(crate) fn heading(&mut self, level: u8, text: &str) -> Result<(), ParseError> {
        self.text_block(BlockKind::Heading { level }, text)
    }

    pub(crate) fn paragraph(&mut self, text: &str) -> Result<(), ParseError> {
        self.text_block(BlockKind::Paragraph, text)
    }

    pub(crate) fn list_item(&mut self, text: &str) -> Result<(), ParseError> {
        self.text_block(BlockKind::ListItem, text)
    }

    /// A picture (an office drawing, an HTML image): one row of the grid
    /// without words, so its description is not read as document text.
    pub(crate) fn figure(
        &mut self,
        figure: FigureKind,
        description: &str,
    ) -> Result<(), ParseError> {
        if self.paginate && self.row >= ROWS_PER_PAGE {
            self.page_break()?;
        }
        let top = self.row as f64 * LINE_HEIGHT;
        self.page.blocks.push(Block {
            kind: BlockKind::Figure { figure },
            text: one_line(description),
            bbox: BBox {
                left: 0.0,
                top,
                right: FIGURE_WIDTH as f64 * CHAR_WIDTH,
                bottom: top + LINE_HEIGHT,
            },
        });
        self.row += 2;
        Ok(())
    }

    /// Ends the current page (if it has content, or empty pages are kept)
    /// and starts the next.
    pub(crate) fn page_break(&mut self) -> Result<(), ParseError> {
        if self.page_is_empty(&self.page) {
            return Ok(());
        }
        if self.pages.len() + 1 >= self.max_pages {
            return Err(ParseError::TooManyPages {
                pages: self.pages.len() + 2,
                limit: self.max_pages,
            });
        }
        let number = self.page.number + 1;
        let done = std::mem::replace(&mut self.page, Page::new(number, PAGE_WIDTH, PAGE_HEIGHT));
        self.pages.push(self.finish_page(done));
        self.row = 0;
        self.widest = 0;
        Ok(())
    }

    /// Lays out `rows` as a table; the first row is treated as the header.
    pub(crate) fn table(
        &mut self,
        rows: Vec<Vec<CellInput>>,
        name: Option<String>,
    ) -> Result<(), ParseError> {
        let rows: Vec<Vec<CellInput>> = rows
            .into_iter()
            .map(|r| r.into_iter().map(|(t, a)| (one_line(&t), a)).collect())
            .collect();
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return Ok(());
        }
        self.cells = self.cells.saturating_add(rows.len().saturating_mul(cols));
        if self.cells > self.max_cells {
            return Err(ParseError::TooManyCells {
                limit: self.max_cells,
            });
        }
        let mut widths = vec![1usize; cols];
        for r in &rows {
            for (i, (t, _)) in r.iter().enumerate() {
                widths[i] = widths[i].max(t.chars().count());
            }
        }
        let starts: Vec<usize> = widths
            .iter()
            .scan(0usize, |x, w| {
                let s = *x;
                *x += w + COL_GAP;
                Some(s)
            })
            .collect();
        let mut table = Table {
            rows: rows.len(),
            cols,
            bbox: BBox::default(),
            cells: Vec::with_capacity(rows.len() * cols),
            name,
            header_rows: 0,
            continued: false,
        };
        let mut bbox: Option<BBox> = None;
        for (r, cells) in rows.iter().enumerate() {
            if self.paginate && self.row >= ROWS_PER_PAGE {
                self.page_break()?;
            }
            let top = self.row as f64 * LINE_HEIGHT;
            let mut raw = String::new();
            for (c, (text, reference)) in cells.iter().enumerate() {
                let pad = starts[c].saturating_sub(raw.chars().count());
                raw.extend(std::iter::repeat_n(' ', pad));
                raw.push_str(text);
                let cell_box = BBox {
                    left: starts[c] as f64 * CHAR_WIDTH,
                    top,
                    right: (starts[c] + widths[c]) as f64 * CHAR_WIDTH,
                    bottom: top + LINE_HEIGHT,
                };
                bbox = Some(bbox.map_or(cell_box, |b| b.union(&cell_box)));
                table.cells.push(Cell {
                    row: r,
                    col: c,
                    text: text.clone(),
                    bbox: cell_box,
                    reference: reference.clone(),
                    row_span: 1,
                    col_span: 1,
                });
            }
            self.push_line(&raw);
        }
        table.bbox = bbox.unwrap_or_default();
        let index = self.page.tables.len();
        self.page.blocks.push(Block {
            kind: BlockKind::Table { index },
            text: String::new(),
            bbox: table.bbox,
        });
        self.page.tables.push(table);
        self.row += 1;
        Ok(())
    }

    /// All pages laid out so far (at least one).
    pub(crate) fn finish(mut self) -> Vec<Page> {
        let last = std::mem::replace(&mut self.page, Page::new(0, 0.0, 0.0));
        let last = self.finish_page(last);
        if self.pages.is_empty() || !self.page_is_empty(&last) {
            self.pages.push(last);
        }
        self.pages
    }

    fn text_block(&mut self, kind: BlockKind, text: &str) -> Result<(), ParseError> {
        let text = one_line(text);
        if text.is_empty() {
            return Ok(());
        }
        let before = self.page.number;
        let first = self.page.lines.len();
        for chunk in wrap(&text, WRAP) {
            if self.paginate && self.row >= ROWS_PER_PAGE {
                self.page_break()?;
            }
            self.push_line(&chunk);
        }
        // A block that crossed a page break is boxed on its last page.
        let first = if self.page.number == before { first } else { 0 };
        let lines = &self.page.lines[first..];
        if let Some(bbox) = lines.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b)) {
            self.page.blocks.push(Block { kind, text, bbox });
        }
        self.row += 1;
        Ok(())
    }

    fn push_line(&mut self, raw: &str) {
        let chars: Vec<char> = raw.chars().collect();
        self.widest = self.widest.max(chars.len());
        let top = self.row as f64 * LINE_HEIGHT;
        self.row += 1;
        let words = words_of(&chars, top);
        let Some(bbox) = words.iter().map(|w| w.bbox).reduce(|a, b| a.union(&b)) else {
            return;
        };
        self.page.lines.push(Line {
            text: raw.trim().to_string(),
            bbox,
            words,
        });
    }

    fn finish_page(&self, mut page: Page) -> Page {
        page.width = PAGE_WIDTH.max(self.widest as f64 * CHAR_WIDTH);
        page.height = PAGE_HEIGHT.max(self.row as f64 * LINE_HEIGHT);
        page
    }
}

/// Collapses whitespace (including newlines) to single spaces.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Greedy word wrap at `width` characters (long words are not split).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_sit_in_aligned_columns_with_boxes() {
        let mut flow = Flow::new(false, 100, 10);
        flow.heading(1, "Totals").expect("heading");
        let row = |a: &str, b: &str| vec![(a.to_string(), None), (b.to_string(), None)];
        flow.table(vec![row("Item", "Amount"), row("Widget", "12.50")], None)
            .expect("table");
        let pages = flow.finish();
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert_eq!(p.lines[0].text, "Totals");
        assert_eq!(p.lines[2].text, "Widget   12.50");
        let t = &p.tables[0];
        assert_eq!(t.cell(1, 1), Some("12.50"));
        assert!(t.cells[3].bbox.left > t.cells[2].bbox.right);
        assert_eq!(p.lines[2].words[1].bbox.left, t.cells[3].bbox.left);
    }

    #[test]
    fn cell_cap_is_a_typed_error() {
        let mut flow = Flow::new(false, 3, 10);
        let row = vec![("a".to_string(), None), ("b".to_string(), None)];
        let err = flow.table(vec![row.clone(), row], None).expect_err("cap");
        assert!(matches!(err, ParseError::TooManyCells { limit: 3 }));
    }

    #[test]
    fn long_flows_paginate() {
        let mut flow = Flow::new(true, 10, 10);
        for i in 0..100 {
            flow.paragraph(&format!("para {i}")).expect("para");
        }
        let pages = flow.finish();
        assert_eq!(pages.len(), 4);
        assert_eq!(pages[1].number, 2);
        assert!(pages[1].lines[0].bbox.top < 20.0);
    }
}
