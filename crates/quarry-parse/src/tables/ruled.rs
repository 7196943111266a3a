//! Ruled tables: grids of drawn horizontal and vertical lines.
//!
//! Segments are snapped to horizontal or vertical, merged where they touch,
//! and grouped into connected grids. Each grid's distinct rule positions
//! (plus its outer extent, for tables open at the sides) are the row and
//! column boundaries. Two neighbouring grid cells with no rule between them
//! at their middle are one merged cell. Words go to the cell holding their
//! centre.

use super::Rule;
use super::cells::CellGrid;
use crate::geometry::{center, cluster};
use crate::{BBox, Line, Table};

/// Largest slant, in points, of a segment still taken as straight.
const SNAP: f64 = 1.0;
/// Shortest segment kept: shorter ones are glyph-like marks, not rules.
const MIN_LEN: f64 = 3.0;
/// Tolerance for rules touching, crossing or covering a point.
const TOUCH: f64 = 2.0;
/// Rules closer than this are one boundary (double rules, thick rules drawn
/// as thin filled rectangles): no text row fits between them.
const SAME_BOUNDARY: f64 = 3.5;
/// Above this many segments a page is a drawing, not a table; the
/// intersection test is quadratic.
const MAX_SEGMENTS: usize = 4_000;

/// A horizontal (`pos` = y, span along x) or vertical (`pos` = x, span
/// along y) segment.
#[derive(Debug, Clone, Copy)]
struct Seg {
    pos: f64,
    from: f64,
    to: f64,
}

impl Seg {
    fn covers(&self, pos: f64, at: f64) -> bool {
        (self.pos - pos).abs() <= SAME_BOUNDARY && at >= self.from - TOUCH && at <= self.to + TOUCH
    }
}

pub(super) fn detect(lines: &[Line], rules: &[Rule]) -> Vec<Table> {
    let (h, v) = split(rules);
    if h.len() + v.len() > MAX_SEGMENTS {
        return Vec::new();
    }
    let (h, v) = (merge(h), merge(v));
    components(&h, &v)
        .into_iter()
        .filter_map(|(hs, vs)| grid_table(&hs, &vs, lines))
        .collect()
}

/// Horizontal and vertical segments; slanted ones and dots are dropped.
fn split(rules: &[Rule]) -> (Vec<Seg>, Vec<Seg>) {
    let (mut h, mut v) = (Vec::new(), Vec::new());
    for r in rules {
        let (dx, dy) = ((r.x1 - r.x0).abs(), (r.y1 - r.y0).abs());
        if dy <= SNAP && dx >= MIN_LEN {
            h.push(Seg {
                pos: (r.y0 + r.y1) / 2.0,
                from: r.x0.min(r.x1),
                to: r.x0.max(r.x1),
            });
        } else if dx <= SNAP && dy >= MIN_LEN {
            v.push(Seg {
                pos: (r.x0 + r.x1) / 2.0,
                from: r.y0.min(r.y1),
                to: r.y0.max(r.y1),
            });
        }
    }
    (h, v)
}

/// Collinear segments that touch or overlap become one.
fn merge(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.retain(|s| s.pos.is_finite() && s.from.is_finite() && s.to.is_finite());
    segs.sort_by(|a, b| a.pos.total_cmp(&b.pos).then(a.from.total_cmp(&b.from)));
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    for s in segs {
        match out.last_mut() {
            Some(last) if (s.pos - last.pos).abs() <= SNAP && s.from <= last.to + TOUCH => {
                last.to = last.to.max(s.to);
            }
            _ => out.push(s),
        }
    }
    out
}

/// Groups of horizontal and vertical segments connected by crossings.
fn components(h: &[Seg], v: &[Seg]) -> Vec<(Vec<Seg>, Vec<Seg>)> {
    let mut parent: Vec<usize> = (0..h.len() + v.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, hs) in h.iter().enumerate() {
        for (j, vs) in v.iter().enumerate() {
            let crosses = vs.pos >= hs.from - TOUCH
                && vs.pos <= hs.to + TOUCH
                && hs.pos >= vs.from - TOUCH
                && hs.pos <= vs.to + TOUCH;
            if crosses {
                let (a, b) = (root(&mut parent, i), root(&mut parent, h.len() + j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Seg>, Vec<Seg>)> = Default::default();
    for i in 0..h.len() + v.len() {
        let g = groups.entry(root(&mut parent, i)).or_default();
        if i < h.len() {
            g.0.push(h[i]);
        } else {
            g.1.push(v[i - h.len()]);
        }
    }
    groups.into_values().collect()
}

/// The table of one connected grid, if it has at least 2×2 cells and text.
fn grid_table(h: &[Seg], v: &[Seg], lines: &[Line]) -> Option<Table> {
    let extent = |segs: &[Seg]| {
        let from = segs.iter().map(|s| s.from).fold(f64::INFINITY, f64::min);
        let to = segs.iter().map(|s| s.to).fold(f64::NEG_INFINITY, f64::max);
        [from, to]
    };
    let mut xs_in: Vec<f64> = v.iter().map(|s| s.pos).collect();
    xs_in.extend(extent(h));
    let mut ys_in: Vec<f64> = h.iter().map(|s| s.pos).collect();
    ys_in.extend(extent(v));
    let (xs, ys) = (cluster(xs_in, SAME_BOUNDARY), cluster(ys_in, SAME_BOUNDARY));
    // Trimming only drops boundaries: a grid without 2×2 cells (a framed
    // box, a cell background) is rejected before the page's words are
    // looked at.
    if xs.len() < 3 || ys.len() < 3 {
        return None;
    }
    let (xs, ys) = trim_empty_edges(xs, ys, lines)?;
    if xs.len() < 3 || ys.len() < 3 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    let origin = merged_cells(&xs, &ys, h, v);
    let mut grid = CellGrid::new(rows, cols);
    for r in 0..rows {
        for c in 0..cols {
            let (or, oc) = origin[r * cols + c];
            if (or, oc) != (r, c) {
                continue;
            }
            let (mut er, mut ec) = (r, c);
            for rr in r..rows {
                for cc in c..cols {
                    if origin[rr * cols + cc] == (r, c) {
                        er = er.max(rr);
                        ec = ec.max(cc);
                    }
                }
            }
            let frame = BBox {
                left: xs[c],
                top: ys[r],
                right: xs[ec + 1],
                bottom: ys[er + 1],
            };
            grid.frame(r, c, (er - r + 1, ec - c + 1), frame);
        }
    }
    let bbox = BBox {
        left: xs[0],
        top: ys[0],
        right: xs[cols],
        bottom: ys[rows],
    };
    for word in lines.iter().flat_map(|l| &l.words) {
        let (cx, cy) = center(&word.bbox);
        let (Some(c), Some(r)) = (slot(&xs, cx), slot(&ys, cy)) else {
            continue;
        };
        let (or, oc) = origin[r * cols + c];
        grid.push(or, oc, 1, &word.text, word.bbox);
    }
    (grid.filled() >= 2).then(|| grid.finish(bbox))
}

/// The boundaries without the outer rows and columns that hold no word
/// (rules running past the table, frames around it); `None` when the grid
/// holds no word at all.
fn trim_empty_edges(xs: Vec<f64>, ys: Vec<f64>, lines: &[Line]) -> Option<(Vec<f64>, Vec<f64>)> {
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (mut cols, mut rows) = ((usize::MAX, 0), (usize::MAX, 0));
    for word in lines.iter().flat_map(|l| &l.words) {
        let (cx, cy) = center(&word.bbox);
        if let (Some(c), Some(r)) = (slot(&xs, cx), slot(&ys, cy)) {
            cols = (cols.0.min(c), cols.1.max(c));
            rows = (rows.0.min(r), rows.1.max(r));
        }
    }
    if cols.0 == usize::MAX {
        return None;
    }
    Some((
        xs[cols.0..=cols.1 + 1].to_vec(),
        ys[rows.0..=rows.1 + 1].to_vec(),
    ))
}

/// Index of the interval of `bounds` holding `x`.
fn slot(bounds: &[f64], x: f64) -> Option<usize> {
    if x < bounds[0] || x > bounds[bounds.len() - 1] {
        return None;
    }
    Some(
        bounds
            .windows(2)
            .position(|w| x <= w[1])
            .unwrap_or(bounds.len() - 2),
    )
}

/// For every grid cell (row-major), the top-left grid cell of the merged
/// cell it belongs to: neighbours with no rule between them at their middle
/// are merged.
fn merged_cells(xs: &[f64], ys: &[f64], h: &[Seg], v: &[Seg]) -> Vec<(usize, usize)> {
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut join = |a: usize, b: usize| {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        // The smaller index (top-left) stays the root.
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        parent[hi] = lo;
    };
    for r in 0..rows {
        let ymid = (ys[r] + ys[r + 1]) / 2.0;
        for c in 0..cols {
            let xmid = (xs[c] + xs[c + 1]) / 2.0;
            if c + 1 < cols && !v.iter().any(|s| s.covers(xs[c + 1], ymid)) {
                join(r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && !h.iter().any(|s| s.covers(ys[r + 1], xmid)) {
                join(r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    // Joining keeps the smaller index as the root, so every group's root
    // is its first cell in row-major order: the top-left one.
    (0..rows * cols)
        .map(|i| {
            let r = root(&mut parent, i);
            (r / cols, r % cols)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Word;

    fn rule(x0: f64, y0: f64, x1: f64, y1: f64) -> Rule {
        Rule { x0, y0, x1, y1 }
    }

    fn line(words: &[(&str, f64, f64)]) -> Line {
        let words: Vec<Word> = words
            .iter()
            .map(|(t, x, y)| Word {
                text: (*t).into(),
                bbox: BBox {
                    left: *x,
                    top: *y,
                    right: x + 6.0 * t.len() as f64,
                    bottom: y + 10.0,
                },
                confidence: 1.0,
            })
            .collect();
        Line::from_words(words).expect("words")
    }

    #[test]
    fn grid_with_a_merged_header_cell() {
        // 3 columns (x 0,100,200,300) × 3 rows (y 0,20,40,60); the first
        // row has no rule at x=200, so columns 1 and 2 merge there.
        let mut rules = vec![rule(0.0, 0.0, 300.0, 0.0)];
        for y in [20.0, 40.0, 60.0] {
            rules.push(rule(0.0, y, 300.0, y));
        }
        rules.push(rule(0.0, 0.0, 0.0, 60.0));
        rules.push(rule(100.0, 0.0, 100.0, 60.0));
        rules.push(rule(200.0, 20.0, 200.0, 60.0));
        rules.push(rule(300.0, 0.0, 300.0, 60.0));
        let lines = vec![
            line(&[("Name", 5.0, 5.0), ("Amounts", 150.0, 5.0)]),
            line(&[("2024", 105.0, 25.0), ("2025", 205.0, 25.0)]),
            line(&[
                ("Apples", 5.0, 45.0),
                ("1", 105.0, 45.0),
                ("2", 205.0, 45.0),
            ]),
        ];
        let tables = detect(&lines, &rules);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!((t.rows, t.cols), (3, 3));
        assert_eq!(t.cell(0, 1), Some("Amounts"));
        let merged = t.cells.iter().find(|c| c.row == 0 && c.col == 1).unwrap();
        assert_eq!((merged.row_span, merged.col_span), (1, 2));
        assert_eq!(t.cell(0, 2), None, "covered by the merged cell");
        assert_eq!(t.cell(2, 0), Some("Apples"));
        assert_eq!(t.cell(2, 2), Some("2"));
    }

    #[test]
    fn rules_running_past_the_table_add_no_empty_columns() {
        let mut rules = Vec::new();
        for y in [0.0, 20.0, 40.0] {
            rules.push(rule(-30.0, y, 330.0, y));
        }
        for x in [0.0, 150.0, 300.0] {
            rules.push(rule(x, 0.0, x, 40.0));
        }
        let lines = vec![
            line(&[("Name", 5.0, 5.0), ("Qty", 155.0, 5.0)]),
            line(&[("Bolt", 5.0, 25.0), ("3", 155.0, 25.0)]),
        ];
        let tables = detect(&lines, &rules);
        assert_eq!(tables.len(), 1);
        assert_eq!((tables[0].rows, tables[0].cols), (2, 2));
        assert_eq!(tables[0].cell(1, 1), Some("3"));
    }

    #[test]
    fn a_lone_frame_or_an_empty_grid_is_not_a_table() {
        let frame = vec![
            rule(0.0, 0.0, 300.0, 0.0),
            rule(0.0, 60.0, 300.0, 60.0),
            rule(0.0, 0.0, 0.0, 60.0),
            rule(300.0, 0.0, 300.0, 60.0),
        ];
        let lines = vec![line(&[("Boxed", 5.0, 5.0), ("note", 50.0, 5.0)])];
        assert!(detect(&lines, &frame).is_empty());
        let mut grid = frame.clone();
        grid.push(rule(150.0, 0.0, 150.0, 60.0));
        grid.push(rule(0.0, 30.0, 300.0, 30.0));
        assert!(detect(&[], &grid).is_empty());
    }
}
