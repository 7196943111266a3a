//! Table detection on laid-out pages that carry no table structure of their
//! own (PDF text layers). Two kinds are found:
//!
//! - **ruled** tables ([`ruled`]): a grid of horizontal and vertical ruling
//!   lines drawn as vector paths; spans come from missing inner rules;
//! - **aligned** tables ([`aligned`]): consecutive lines whose words fall into
//!   columns separated by whitespace gutters (one table row per text line).
//!
//! Detection only *adds* [`Table`]s and the table blocks that point at them;
//! the reading-order lines stay as they are, because label/value extraction
//! and citations read lines. [`continuation`] links a table that continues
//! on the next page and carries its header rows over.

mod aligned;
mod cells;
mod continuation;
mod ruled;

pub(crate) use continuation::PageBreaks;

use crate::geometry::center;
use crate::{BBox, Line, Table};

/// One straight ruling segment in display coordinates (points, top-left
/// origin), from a drawn path of the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rule {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// Tables of one page: ruled grids first, then whitespace-aligned tables
/// among the lines no ruled table covers. Tables are ordered top to bottom.
pub(crate) fn detect(lines: &[Line], rules: &[Rule]) -> Vec<Table> {
    let mut tables = ruled::detect(lines, rules);
    let free: Vec<&Line> = lines
        .iter()
        .filter(|l| !tables.iter().any(|t| contains_center(&t.bbox, &l.bbox)))
        .collect();
    tables.extend(aligned::detect(&free));
    tables.sort_by(|a, b| a.bbox.top.total_cmp(&b.bbox.top));
    tables
}

/// Whether the centre of `inner` lies inside `outer`.
pub(crate) fn contains_center(outer: &BBox, inner: &BBox) -> bool {
    let (cx, cy) = center(inner);
    cx >= outer.left && cx <= outer.right && cy >= outer.top && cy <= outer.bottom
}
