//! Whitespace-aligned tables: runs of consecutive lines whose words fall
//! into columns separated by vertical gutters of white space.
//!
//! Each line is cut into chunks at gaps much wider than a word space. A run
//! of lines with at least two chunks each (allowing a couple of one-chunk
//! lines inside, such as wrapped cells) is a candidate; its gutters are the
//! x-ranges that almost no chunk covers. Every line of the run is one table
//! row (as in camelot's and tabula's stream mode); a chunk goes to the
//! columns it covers and spans them when it covers several (a group
//! heading). Prose set in two columns is rejected by its long chunks.

use super::cells::CellGrid;
use crate::geometry::median;
use crate::{BBox, Line, Table};

/// A gap wider than this many word heights separates two cells of a line.
const CELL_GAP: f64 = 0.75;
/// Consecutive rows are at most this many line heights apart.
const MAX_ROW_GAP: f64 = 2.5;
/// One-chunk lines allowed in a row inside a table (wrapped cells, notes).
const MAX_SINGLE_LINES: usize = 2;
/// Fewest lines with two or more cells that make a table.
const MIN_ROWS: usize = 3;
/// Chunks averaging more words than this are sentences, not cells.
const MAX_WORDS_PER_CELL: f64 = 4.5;

/// Words of one line between two wide gaps: `words` words from index
/// `first` of the line's words. The text is only spelled out for the lines
/// that turn out to be table rows (every line of every page is chunked).
#[derive(Debug)]
struct Chunk {
    first: usize,
    bbox: BBox,
    words: usize,
}

impl Chunk {
    /// The chunk's words of `line`, joined by spaces.
    fn text(&self, line: &Line) -> String {
        let words = || line.words.iter().skip(self.first).take(self.words);
        let mut text = String::with_capacity(words().map(|w| w.text.len() + 1).sum());
        for (i, w) in words().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(&w.text);
        }
        text
    }
}

pub(super) fn detect(lines: &[&Line]) -> Vec<Table> {
    let chunked: Vec<Vec<Chunk>> = lines.iter().map(|l| chunks(l)).collect();
    let mut tables = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        if chunked[start].len() < 2 {
            start += 1;
            continue;
        }
        let mut last_multi = start;
        let mut next = start + 1;
        while next < lines.len() && follows(lines[next - 1], lines[next]) {
            if chunked[next].len() >= 2 {
                last_multi = next;
            } else if next - last_multi > MAX_SINGLE_LINES {
                break;
            }
            next += 1;
        }
        let run = start..last_multi + 1;
        tables.extend(table(&lines[run.clone()], &chunked[run.clone()]));
        start = run.end;
    }
    tables
}

fn height(b: &BBox) -> f64 {
    b.bottom - b.top
}

fn chunks(line: &Line) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    for (i, w) in line.words.iter().enumerate() {
        if let Some(c) = out.last_mut() {
            let h = height(&w.bbox).max(height(&c.bbox));
            if w.bbox.left - c.bbox.right < CELL_GAP * h {
                c.bbox = c.bbox.union(&w.bbox);
                c.words += 1;
                continue;
            }
        }
        out.push(Chunk {
            first: i,
            bbox: w.bbox,
            words: 1,
        });
    }
    out
}

/// `next` is the line right below `prev` in the same block of text.
fn follows(prev: &Line, next: &Line) -> bool {
    let h = height(&prev.bbox).max(height(&next.bbox));
    let below = next.bbox.top >= prev.bbox.top + 0.3 * h;
    let close = next.bbox.top - prev.bbox.bottom <= MAX_ROW_GAP * h;
    let overlaps = next.bbox.left < prev.bbox.right && next.bbox.right > prev.bbox.left;
    below && close && overlaps
}

/// The table of one run of lines, if its columns are clear and its cells
/// short.
fn table(lines: &[&Line], chunked: &[Vec<Chunk>]) -> Option<Table> {
    let multi: Vec<&Vec<Chunk>> = chunked.iter().filter(|c| c.len() >= 2).collect();
    if multi.len() < MIN_ROWS {
        return None;
    }
    let cells: Vec<&Chunk> = multi.iter().flat_map(|c| c.iter()).collect();
    let words: usize = cells.iter().map(|c| c.words).sum();
    if words as f64 / cells.len() as f64 > MAX_WORDS_PER_CELL {
        return None;
    }
    let bounds = columns(&cells, multi.len() / 10)?;
    let cols = bounds.len() - 1;
    let mut grid = CellGrid::new(lines.len(), cols);
    let mut spread_rows = 0;
    for (row, (line, line_chunks)) in lines.iter().zip(chunked).enumerate() {
        let mut used = Vec::new();
        for chunk in line_chunks {
            let (first, last) = covered(&bounds, &chunk.bbox);
            let text = chunk.text(line);
            grid.push(row, first, last - first + 1, &text, chunk.bbox);
            used.push(first);
        }
        used.dedup();
        spread_rows += usize::from(used.len() >= 2);
    }
    // Most rows must really use two or more columns.
    if spread_rows * 2 < multi.len() {
        return None;
    }
    let bbox = lines.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b))?;
    Some(grid.finish(bbox))
}

/// Column boundaries: the table's left edge, the middle of every gutter
/// (an x-range covered by at most `allowance` chunks), and its right edge.
/// At least two columns, else `None`.
///
/// The chunk edges cut the x-axis into elementary intervals; a chunk
/// covers exactly the intervals between its own left and right edge, so
/// the coverage of every interval comes from one prefix sum over the
/// chunks' start and end marks instead of a count over all chunks per
/// interval.
fn columns(cells: &[&Chunk], allowance: usize) -> Option<Vec<f64>> {
    let left = cells
        .iter()
        .map(|c| c.bbox.left)
        .fold(f64::INFINITY, f64::min);
    let right = cells
        .iter()
        .map(|c| c.bbox.right)
        .fold(f64::NEG_INFINITY, f64::max);
    let min_gutter = 0.5 * median(cells.iter().map(|c| height(&c.bbox)))?;
    let mut edges: Vec<f64> = cells
        .iter()
        .flat_map(|c| [c.bbox.left, c.bbox.right])
        .filter(|x| x.is_finite())
        .collect();
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    let coverage = coverage(cells, &edges);
    let mut bounds = vec![left];
    let mut gutter: Option<(f64, f64)> = None;
    for (w, &covering) in edges.windows(2).zip(&coverage) {
        let (a, b) = (w[0], w[1]);
        if covering <= allowance {
            gutter = Some(gutter.map_or((a, b), |(s, _)| (s, b)));
            continue;
        }
        if let Some((s, e)) = gutter.take()
            && e - s >= min_gutter
        {
            bounds.push((s + e) / 2.0);
        }
    }
    bounds.push(right);
    (bounds.len() >= 3).then_some(bounds)
}

/// How many chunks overlap each interval `(edges[k], edges[k + 1])` of the
/// sorted, distinct `edges` (strict overlap: `left < b && right > a`).
/// No edge lies inside an interval, so a chunk overlaps interval `k` iff
/// `left <= edges[k]` and `right >= edges[k + 1]`.
fn coverage(cells: &[&Chunk], edges: &[f64]) -> Vec<usize> {
    let intervals = edges.len().saturating_sub(1);
    let mut marks = vec![0isize; intervals + 1];
    for c in cells {
        let (l, r) = (c.bbox.left, c.bbox.right);
        if l.is_nan() || r.is_nan() {
            continue;
        }
        let first = edges.partition_point(|&e| e < l);
        let end = edges.partition_point(|&e| e <= r).saturating_sub(1);
        if first < end {
            marks[first] += 1;
            marks[end] -= 1;
        }
    }
    let mut running = 0isize;
    marks[..intervals]
        .iter()
        .map(|m| {
            running += m;
            running as usize
        })
        .collect()
}

/// First and last column a chunk covers: those it fills for at least half
/// of the chunk's or the column's width; else the one it overlaps most.
fn covered(bounds: &[f64], b: &BBox) -> (usize, usize) {
    let overlaps: Vec<f64> = bounds
        .windows(2)
        .map(|w| (b.right.min(w[1]) - b.left.max(w[0])).max(0.0))
        .collect();
    let width = b.right - b.left;
    let filled: Vec<usize> = bounds
        .windows(2)
        .zip(&overlaps)
        .enumerate()
        .filter(|(_, (w, ov))| **ov > 0.0 && **ov >= 0.5 * width.min(w[1] - w[0]))
        .map(|(i, _)| i)
        .collect();
    match (filled.first(), filled.last()) {
        (Some(&f), Some(&l)) => (f, l),
        _ => {
            let best = overlaps
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i);
            (best, best)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Word;

    /// A line of `cells`, each (text, x); 5 pt per character, 10 pt high.
    fn line(y: f64, cells: &[(&str, f64)]) -> Line {
        let mut words = Vec::new();
        for (text, x) in cells {
            let mut left = *x;
            for w in text.split(' ') {
                let right = left + 5.0 * w.len() as f64;
                words.push(Word {
                    text: w.into(),
                    bbox: BBox {
                        left,
                        top: y,
                        right,
                        bottom: y + 10.0,
                    },
                    confidence: 1.0,
                });
                left = right + 2.5;
            }
        }
        Line::from_words(words).expect("words")
    }

    #[test]
    fn chunks_split_at_wide_gaps_and_spell_their_words() {
        let l = line(0.0, &[("Unit price", 50.0), ("3.50", 300.0)]);
        let found = chunks(&l);
        let texts: Vec<String> = found.iter().map(|c| c.text(&l)).collect();
        assert_eq!(texts, ["Unit price", "3.50"]);
        assert_eq!(found[0].words, 2);
    }

    #[test]
    fn aligned_columns_become_rows_and_cells() {
        let lines = [
            line(
                0.0,
                &[("Item", 50.0), ("Qty", 200.0), ("Unit price", 300.0)],
            ),
            line(
                14.0,
                &[("Blue widget", 50.0), ("2", 205.0), ("3.50", 305.0)],
            ),
            line(
                28.0,
                &[("Red gadget large", 50.0), ("10", 200.0), ("12.00", 300.0)],
            ),
            line(42.0, &[("Bolt", 50.0), ("100", 200.0), ("0.10", 305.0)]),
        ];
        let refs: Vec<&Line> = lines.iter().collect();
        let tables = detect(&refs);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!((t.rows, t.cols), (4, 3));
        assert_eq!(t.cell(0, 2), Some("Unit price"));
        assert_eq!(t.cell(2, 0), Some("Red gadget large"));
        assert_eq!(t.cell(3, 1), Some("100"));
    }

    #[test]
    fn prose_side_by_side_is_not_a_table() {
        let lines: Vec<Line> = (0..6)
            .map(|i| {
                line(
                    i as f64 * 14.0,
                    &[
                        ("the left column sentence goes on here", 50.0),
                        ("and the right column one does too", 320.0),
                    ],
                )
            })
            .collect();
        let refs: Vec<&Line> = lines.iter().collect();
        assert!(detect(&refs).is_empty());
    }

    #[test]
    fn coverage_counts_the_chunks_over_each_interval_like_a_direct_count() {
        let spans = [
            (0.0, 10.0),
            (5.0, 20.0),
            (20.0, 30.0),
            (2.0, 2.0),
            (40.0, 50.0),
            (0.0, 50.0),
        ];
        let chunks: Vec<Chunk> = spans
            .iter()
            .map(|&(left, right)| Chunk {
                first: 0,
                bbox: BBox {
                    left,
                    top: 0.0,
                    right,
                    bottom: 10.0,
                },
                words: 1,
            })
            .collect();
        let cells: Vec<&Chunk> = chunks.iter().collect();
        let mut edges: Vec<f64> = spans.iter().flat_map(|&(l, r)| [l, r]).collect();
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        let direct: Vec<usize> = edges
            .windows(2)
            .map(|w| {
                cells
                    .iter()
                    .filter(|c| c.bbox.left < w[1] && c.bbox.right > w[0])
                    .count()
            })
            .collect();
        assert_eq!(direct, [2, 2, 3, 2, 2, 1, 2]);
        assert_eq!(coverage(&cells, &edges), direct);
    }
}
