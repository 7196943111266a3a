//! The parsed-document model shared by every consumer of `quarry-parse`.

use serde::{Deserialize, Serialize};

use crate::FileKind;

/// An axis-aligned box in page coordinates (points for PDFs, character cells
/// scaled to points for text), origin at the top-left of the page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct BBox {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl BBox {
    /// The smallest box containing both `self` and `other`.
    pub fn union(&self, other: &BBox) -> BBox {
        BBox {
            left: self.left.min(other.left),
            top: self.top.min(other.top),
            right: self.right.max(other.right),
            bottom: self.bottom.max(other.bottom),
        }
    }
}

/// One word with its box and recognition confidence (1.0 for text layers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    pub confidence: f32,
}

/// One line of text in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub text: String,
    pub bbox: BBox,
    pub words: Vec<Word>,
}

impl Line {
    /// The line made of `words` in the given order: their texts joined by
    /// spaces, their boxes united. `None` without words.
    pub fn from_words(words: Vec<Word>) -> Option<Line> {
        let bbox = words.iter().map(|w| w.bbox).reduce(|a, b| a.union(&b))?;
        let len = words.iter().map(|w| w.text.len() + 1).sum::<usize>();
        let mut text = String::with_capacity(len);
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(&w.text);
        }
        Some(Line { text, bbox, words })
    }
}

/// One page; `number` is 1-based.
///
/// `lines` is the reading-order text every consumer can rely on. `blocks`
/// (headings, paragraphs, list items, tables) and `tables` add structure when
/// the format carries it; both may be empty (plain text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub number: u32,
    pub width: f64,
    pub height: f64,
    pub lines: Vec<Line>,
    #[serde(default)]
    pub blocks: Vec<Block>,
    #[serde(default)]
    pub tables: Vec<Table>,
    /// Degrees (0, 90, 180, 270) the page was turned clockwise to be read
    /// upright, as a PDF's `/Rotate` asks: boxes are in that upright view,
    /// so a client overlaying them on the stored file needs this.
    #[serde(default)]
    pub rotation: u16,
}

impl Page {
    /// An empty page of the given size.
    pub fn new(number: u32, width: f64, height: f64) -> Self {
        Self {
            number,
            width,
            height,
            lines: Vec::new(),
            blocks: Vec::new(),
            tables: Vec::new(),
            rotation: 0,
        }
    }
}

/// What a [`Block`] is, for markdown and for the parse API's block types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading; `level` is 1 (largest) to 6.
    Heading {
        level: u8,
    },
    Paragraph,
    ListItem,
    /// The table at this index in [`Page::tables`].
    Table {
        index: usize,
    },
    /// A picture: an image drawn on a PDF page, or a drawing in an office
    /// or HTML file. The block's text is its description (alt text or
    /// caption) when the file has one.
    Figure {
        figure: FigureKind,
    },
}

/// What a figure shows, as far as the file tells (the API's `figureType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    #[default]
    Image,
    Logo,
    Chart,
    Diagram,
    Other,
}

impl FigureKind {
    /// The wire name (`figure_details.figureType`).
    pub fn as_str(self) -> &'static str {
        match self {
            FigureKind::Image => "image",
            FigureKind::Logo => "logo",
            FigureKind::Chart => "chart",
            FigureKind::Diagram => "diagram",
            FigureKind::Other => "other",
        }
    }
}

/// A run of text with one role, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
    pub bbox: BBox,
}

/// One table cell; `row` and `col` are 0-based. `reference` is the
/// spreadsheet A1 reference when the source has one. A merged cell is
/// stored once, at its top-left position, with the rows and columns it
/// covers in `row_span` and `col_span` (both at least 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub text: String,
    pub bbox: BBox,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default = "one")]
    pub row_span: usize,
    #[serde(default = "one")]
    pub col_span: usize,
}

fn one() -> usize {
    1
}

/// A table: cells in row-major order. `name` is the sheet name for
/// spreadsheets.
///
/// `continued` marks a table that goes on from the last table of the
/// previous page (same columns). Its first `header_rows` rows are the column
/// headings: repeated on this page by the document, or, when the page does
/// not repeat them, copied from the previous page's table (those cells are
/// boxed by a zero-height box on this table's top edge, as they are not
/// printed here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub rows: usize,
    pub cols: usize,
    pub bbox: BBox,
    pub cells: Vec<Cell>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub header_rows: usize,
    #[serde(default)]
    pub continued: bool,
}

impl Table {
    /// A table whose cells hold `rows` (row-major), every cell boxed by
    /// `bbox`: the fixture tests of table rendering share.
    #[cfg(test)]
    pub(crate) fn from_texts(rows: &[&[&str]], bbox: BBox) -> Table {
        let cells = rows
            .iter()
            .enumerate()
            .flat_map(|(row, texts)| {
                texts.iter().enumerate().map(move |(col, text)| Cell {
                    row,
                    col,
                    text: (*text).into(),
                    bbox,
                    reference: None,
                    row_span: 1,
                    col_span: 1,
                })
            })
            .collect();
        Table {
            rows: rows.len(),
            cols: rows.iter().map(|r| r.len()).max().unwrap_or(0),
            bbox,
            cells,
            name: None,
            header_rows: 0,
            continued: false,
        }
    }

    /// The cell text at (`row`, `col`), if that cell exists.
    pub fn cell(&self, row: usize, col: usize) -> Option<&str> {
        self.cells
            .iter()
            .find(|c| c.row == row && c.col == col)
            .map(|c| c.text.as_str())
    }
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub kind: FileKind,
    pub pages: Vec<Page>,
    /// The structured e-invoice the file carries (a Factur-X/ZUGFeRD PDF's
    /// embedded CII XML): extraction reads exact values from it and checks
    /// them against the printed page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub einvoice: Option<crate::einvoice::EInvoice>,
}

impl Document {
    /// A document of `pages` with nothing embedded.
    pub fn new(kind: FileKind, pages: Vec<Page>) -> Self {
        Self {
            kind,
            pages,
            einvoice: None,
        }
    }

    /// The whole text, pages separated by form feeds, lines by newlines.
    pub fn text(&self) -> String {
        self.pages
            .iter()
            .map(|p| {
                p.lines
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect::<Vec<_>>()
            .join("\n\u{c}\n")
    }

    /// Number of pages (at least 1 for billing purposes is the caller's call).
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The document as markdown: headings, paragraphs, list items and pipe
    /// tables in reading order; pages are separated by a blank line.
    pub fn markdown(&self) -> String {
        crate::markdown::render(self)
    }
}
