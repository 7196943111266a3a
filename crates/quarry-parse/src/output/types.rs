//! Serializable types of the parse output, in the wire's camelCase shape.

use serde::Serialize;

use crate::BBox;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParseOutput {
    pub chunks: Vec<Chunk>,
    /// OCR words and lines, when `advancedOptions.returnOcr` asks for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr: Option<OcrOutput>,
    pub metadata: OutputMetadata,
}

/// `output.ocr`: every word and line of the kept pages with its box.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OcrOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<OcrText>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<OcrText>>,
}

/// One OCR word or line. Text-layer words carry confidence 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OcrText {
    pub content: String,
    pub bounding_box: BBox,
    pub confidence: f64,
    pub page_number: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputMetadata {
    pub pages: Vec<PageInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub number: u32,
    pub original_page_width: f64,
    pub original_page_height: f64,
    pub dpi: u32,
    /// Degrees the page was turned clockwise to read upright (a PDF's
    /// `/Rotate`); left out for pages shown as stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_applied: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chunk {
    pub object: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub content: String,
    pub metadata: ChunkMetadata,
    pub blocks: Vec<OutputBlock>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChunkMetadata {
    pub page_range: PageRange,
}

/// Inclusive 1-based page numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PageRange {
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputBlock {
    pub object: &'static str,
    pub id: String,
    /// `text`, `heading`, `section_heading`, `table`, …
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub content: String,
    pub details: BlockDetails,
    pub metadata: BlockMetadata,
    pub polygon: Vec<Point>,
    pub bounding_box: BBox,
    /// Table cells: the table block they belong to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_block_id: Option<String>,
    /// A table's cell blocks, when `blockOptions.tables.cellBlocksEnabled`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<OutputBlock>,
}

/// `details`, discriminated by `details.type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockDetails {
    TextDetails {},
    TableDetails {
        #[serde(rename = "rowCount")]
        row_count: usize,
        #[serde(rename = "columnCount")]
        column_count: usize,
    },
    TableCellDetails {
        #[serde(rename = "rowIndex")]
        row_index: usize,
        #[serde(rename = "columnIndex")]
        column_index: usize,
        /// The spreadsheet's A1 reference of the cell.
        #[serde(rename = "cellReference", skip_serializing_if = "Option::is_none")]
        cell_reference: Option<String>,
    },
    FigureDetails {
        /// `image`, `logo`, `chart`, `diagram` or `other`.
        #[serde(rename = "figureType")]
        figure_type: &'static str,
    },
    /// A `Label: value` line (`key_value` blocks).
    KeyValueDetails {},
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockMetadata {
    pub page: BlockPage,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockPage {
    pub number: u32,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    /// The four corners of `b`, clockwise from the top-left.
    pub fn corners(b: &BBox) -> Vec<Point> {
        vec![
            Point {
                x: b.left,
                y: b.top,
            },
            Point {
                x: b.right,
                y: b.top,
            },
            Point {
                x: b.right,
                y: b.bottom,
            },
            Point {
                x: b.left,
                y: b.bottom,
            },
        ]
    }
}
