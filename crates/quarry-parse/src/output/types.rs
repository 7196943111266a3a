//! Serializable types of the parse output, in the wire's camelCase shape.

use serde::Serialize;

use crate::BBox;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParseOutput {
    pub chunks: Vec<Chunk>,
    pub metadata: OutputMetadata,
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
