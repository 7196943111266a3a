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

/// One page; `number` is 1-based.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub number: u32,
    pub width: f64,
    pub height: f64,
    pub lines: Vec<Line>,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub kind: FileKind,
    pub pages: Vec<Page>,
}

impl Document {
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
}
