//! From positioned characters to words, lines and paragraphs in reading
//! order. PDF text arrives in content-stream order, which is often not the
//! order a person reads, so order is rebuilt from geometry:
//!
//! 1. characters → words (break at spaces and at gaps wider than a space);
//! 2. words → fragments (runs of words on one baseline with small gaps);
//! 3. a recursive XY-cut over fragments: a vertical cut where a gutter runs
//!    through the whole region *and* both sides look like text columns (wide
//!    relative to the page, lines filling their column), otherwise a
//!    horizontal cut at the widest vertical gap; a region that cannot be cut
//!    is one line, its words left to right. The column test keeps forms and
//!    tables (short cells with wide gaps) on one line per row, which is what
//!    label/value extraction wants.

use super::vertical::Frame;
use crate::geometry::median;
use crate::tables::{self, Rule};
use crate::{BBox, Block, BlockKind, Line, Page, Table, Word};

/// Above this many fragments a page is ordered by rows only (XY-cut is
/// quadratic in the worst case).
const MAX_CUT_FRAGMENTS: usize = 3_000;
/// Largest capacity reserved up front for a word's text (text without
/// spaces, where only gaps end words, would otherwise reserve a line).
const MAX_WORD_CAPACITY: usize = 32;

/// `/Rotate` of a page, clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rotation {
    R0,
    R90,
    R180,
    R270,
}

impl Rotation {
    /// The clockwise turn in degrees.
    pub(crate) fn degrees(self) -> u16 {
        match self {
            Rotation::R0 => 0,
            Rotation::R90 => 90,
            Rotation::R180 => 180,
            Rotation::R270 => 270,
        }
    }
}

/// One character with its box in display coordinates (top-left origin).
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    pub c: char,
    pub bbox: BBox,
}

/// Maps a box in PDF user space (`top` = larger y) into display space of a
/// page whose visible `area` (same convention) is rotated by `rotation`.
pub(crate) fn to_display(user: &BBox, area: &BBox, rotation: Rotation) -> BBox {
    let map = |x: f64, y: f64| match rotation {
        Rotation::R0 => (x - area.left, area.top - y),
        Rotation::R90 => (y - area.bottom, x - area.left),
        Rotation::R180 => (area.right - x, y - area.bottom),
        Rotation::R270 => (area.top - y, area.right - x),
    };
    let (x1, y1) = map(user.left, user.top);
    let (x2, y2) = map(user.right, user.bottom);
    BBox {
        left: x1.min(x2),
        top: y1.min(y2),
        right: x1.max(x2),
        bottom: y1.max(y2),
    }
}

/// Lays out one page from its glyphs and drawn ruling lines: lines in
/// reading order, then tables, then blocks (a table's lines become one
/// table block).
pub(crate) fn layout(
    number: u32,
    width: f64,
    height: f64,
    glyphs: &[Glyph],
    rules: &[Rule],
) -> Page {
    let frame = Frame::detect(glyphs, width, height);
    if frame == Frame::Upright {
        return upright_layout(number, width, height, glyphs, rules);
    }
    let (w, h) = frame.size(width, height);
    let glyphs = frame.glyphs_to_text(glyphs);
    let mut page = upright_layout(number, w, h, &glyphs, &frame.rules_to_text(rules));
    frame.page_to_page(&mut page);
    page.width = width;
    page.height = height;
    page
}

/// [`layout`] of a page whose text runs left to right.
fn upright_layout(number: u32, width: f64, height: f64, glyphs: &[Glyph], rules: &[Rule]) -> Page {
    let words = words(glyphs);
    let mut frags = fragments(words);
    let mut rows = Vec::new();
    if frags.len() > MAX_CUT_FRAGMENTS {
        rows = rows_only(frags);
    } else {
        // The XY-cut keeps every region sorted by the top of its fragments'
        // cores (partitions keep the order), so the row gaps of a region are
        // found in one pass instead of a sort per step. Regions go back to
        // content order when they become lines.
        frags.sort_by(|a, b| a.core().0.total_cmp(&b.core().0));
        cut(frags, width, &mut rows);
    }
    let mut page = Page::new(number, width, height);
    page.lines = rows.into_iter().filter_map(row_to_line).collect();
    page.tables = tables::detect(&page.lines, rules);
    page.blocks = paragraphs(&page.lines, &page.tables);
    page
}

fn words(glyphs: &[Glyph]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut cur: Option<Word> = None;
    for (i, g) in glyphs.iter().enumerate() {
        let b = g.bbox;
        let h = b.bottom - b.top;
        let finite = h.is_finite() && b.left.is_finite() && b.right.is_finite();
        let degenerate = !finite || h <= 0.0 || b.right < b.left;
        if g.c.is_whitespace() || g.c.is_control() {
            out.extend(cur.take());
            continue;
        }
        if degenerate {
            // Second half of a ligature ("fi") and similar: the text
            // belongs to the current word, the box carries nothing.
            if let Some(w) = &mut cur {
                push_char(&mut w.text, g.c);
            }
            continue;
        }
        if let Some(w) = &cur {
            let wh = (w.bbox.bottom - w.bbox.top).max(h);
            let gap = b.left - w.bbox.right;
            let mid = (b.top + b.bottom) / 2.0;
            let same_line = mid > w.bbox.top && mid < w.bbox.bottom;
            // Overlapping boxes (ligatures, kerning) continue the word;
            // jumping back before its start does not.
            let backwards = b.left < w.bbox.left - 0.25 * wh;
            if !same_line || gap > 0.25 * wh || backwards {
                out.extend(cur.take());
            }
        }
        match &mut cur {
            Some(w) => {
                push_char(&mut w.text, g.c);
                w.bbox = w.bbox.union(&b);
            }
            None => {
                let mut text = String::with_capacity(word_len(&glyphs[i..]));
                push_char(&mut text, g.c);
                cur = Some(Word {
                    text,
                    bbox: b,
                    confidence: 1.0,
                })
            }
        }
    }
    out.extend(cur);
    out
}

/// Bytes up to the next space in `glyphs` (at most [`MAX_WORD_CAPACITY`]):
/// the capacity a word starting there most likely needs, so that its text
/// is allocated once instead of growing glyph by glyph.
fn word_len(glyphs: &[Glyph]) -> usize {
    let mut len = 0;
    for g in glyphs {
        if g.c.is_whitespace() || g.c.is_control() || len >= MAX_WORD_CAPACITY {
            break;
        }
        len += g.c.len_utf8();
    }
    len
}

/// Appends `c`, spelling out typographic ligatures (U+FB00–U+FB06) so
/// that "ﬁnance" is searchable as "finance". Inlined, with the common case
/// first: it runs once per character of the page.
#[inline]
fn push_char(text: &mut String, c: char) {
    if !('\u{FB00}'..='\u{FB06}').contains(&c) {
        text.push(c);
        return;
    }
    let spelled = match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => {
            text.push(c);
            return;
        }
    };
    text.push_str(spelled);
}

/// Appends the next line of a paragraph to its text. A word hyphenated at
/// the end of the line ("extrac-" + "tion") is joined into one
/// ("extraction"); the lines keep both parts as words with their own boxes.
fn append_line(text: &mut String, line: &str) {
    let mut tail = text.chars().rev();
    let hyphenated = matches!(tail.next(), Some('-' | '\u{AD}'))
        && tail.next().is_some_and(char::is_alphabetic)
        && line.chars().next().is_some_and(char::is_lowercase);
    if hyphenated {
        text.pop();
    } else {
        text.push(' ');
    }
    text.push_str(line);
}

/// Words on one baseline separated by less than about a space and a half.
#[derive(Debug, Clone)]
struct Fragment {
    bbox: BBox,
    words: Vec<Word>,
    /// Position among the page's fragments in content order.
    order: usize,
}

impl Fragment {
    fn height(&self) -> f64 {
        self.bbox.bottom - self.bbox.top
    }
    /// The middle half of the box vertically: lines with tight leading have
    /// overlapping full boxes but disjoint cores.
    fn core(&self) -> (f64, f64) {
        let q = self.height() / 4.0;
        (self.bbox.top + q, self.bbox.bottom - q)
    }
}

fn fragments(words: Vec<Word>) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    for w in words {
        if let Some(f) = out.last_mut() {
            let h = f.height().max(w.bbox.bottom - w.bbox.top);
            let gap = w.bbox.left - f.bbox.right;
            let mid = (w.bbox.top + w.bbox.bottom) / 2.0;
            if mid > f.bbox.top && mid < f.bbox.bottom && gap > -0.5 * h && gap < 1.0 * h {
                f.bbox = f.bbox.union(&w.bbox);
                f.words.push(w);
                continue;
            }
        }
        out.push(Fragment {
            bbox: w.bbox,
            words: vec![w],
            order: out.len(),
        });
    }
    out
}

/// Recursive XY-cut over `items` sorted by [`Fragment::core`] top; appends
/// regions that are one line each to `out`, in content order.
fn cut(mut items: Vec<Fragment>, page_width: f64, out: &mut Vec<Vec<Fragment>>) {
    if items.len() <= 1 {
        if !items.is_empty() {
            out.push(items);
        }
        return;
    }
    // A wide horizontal gap (title above columns, footer below) is cut
    // first; then a column gutter; then any gap between rows.
    let median_h = median(items.iter().map(Fragment::height));
    let row = row_cut(&items);
    let cut_rows = |items: Vec<Fragment>, y: f64, out: &mut Vec<Vec<Fragment>>| {
        let (top, bottom) = split_rows(items, y);
        cut(top, page_width, out);
        cut(bottom, page_width, out);
    };
    if let Some((y, gap)) = row
        && gap >= 1.2 * median_h.unwrap_or(0.0)
    {
        return cut_rows(items, y, out);
    }
    if let Some(x) = column_cut(&items, page_width, median_h) {
        let (left, right): (Vec<_>, Vec<_>) = items.into_iter().partition(|f| f.bbox.right <= x);
        cut(left, page_width, out);
        cut(right, page_width, out);
        return;
    }
    if let Some((y, _)) = row {
        return cut_rows(items, y, out);
    }
    items.sort_unstable_by_key(|f| f.order);
    out.push(items);
}

/// The fragments of `items` whose core ends at or above `y`, and the rest,
/// each in the order of `items`. A cut between rows of cores sorted by their
/// top is a split of the vector; the general partition is kept for safety.
fn split_rows(mut items: Vec<Fragment>, y: f64) -> (Vec<Fragment>, Vec<Fragment>) {
    let above = |f: &Fragment| f.core().1 <= y;
    let split = items.iter().position(|f| !above(f)).unwrap_or(items.len());
    if items[split..].iter().any(above) {
        return items.into_iter().partition(above);
    }
    let bottom = items.split_off(split);
    (items, bottom)
}

/// Gaps between the merged projections of `spans`, as (start, end), left
/// to right. Every span ends at or after its start (boxes have a positive
/// size), so the order among spans with the same start cannot change the
/// gaps and an unstable sort is enough. Lazy: the XY-cut asks for gaps at
/// every step and mostly wants only the widest one.
fn gaps(mut spans: Vec<(f64, f64)>) -> impl Iterator<Item = (f64, f64)> {
    spans.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut reach = f64::NEG_INFINITY;
    spans.into_iter().filter_map(move |(s, e)| {
        let gap = (s > reach && reach.is_finite()).then_some((reach, s));
        reach = reach.max(e);
        gap
    })
}

/// A vertical gutter separating two text columns, if there is one.
/// `median_h` is the median fragment height of `items`.
fn column_cut(items: &[Fragment], page_width: f64, median_h: Option<f64>) -> Option<f64> {
    let min_gap = median_h?.max(4.0);
    let mut candidates: Vec<(f64, f64)> =
        gaps(items.iter().map(|f| (f.bbox.left, f.bbox.right)).collect())
            .filter(|(s, e)| e - s >= min_gap)
            .collect();
    candidates.sort_by(|a, b| (b.1 - b.0).total_cmp(&(a.1 - a.0)));
    candidates.into_iter().find_map(|(s, e)| {
        let x = (s + e) / 2.0;
        let left_of = |f: &Fragment| f.bbox.right <= x;
        (is_column(items, left_of, page_width) && is_column(items, |f| !left_of(f), page_width))
            .then_some(x)
    })
}

/// Text columns are wide (a quarter of the page or more), have several
/// lines, and most lines fill much of the column's width. The column is
/// the fragments of `items` that are `on_side`; they are counted in place
/// because every candidate gutter of every XY-cut step asks this.
fn is_column(items: &[Fragment], on_side: impl Fn(&Fragment) -> bool, page_width: f64) -> bool {
    let (mut count, mut left, mut right) = (0usize, f64::INFINITY, f64::NEG_INFINITY);
    for f in items.iter().filter(|f| on_side(f)) {
        count += 1;
        left = left.min(f.bbox.left);
        right = right.max(f.bbox.right);
    }
    if count < 2 {
        return false;
    }
    let span = right - left;
    if span < 0.25 * page_width {
        return false;
    }
    let full = items
        .iter()
        .filter(|f| on_side(f) && f.bbox.right - f.bbox.left >= 0.5 * span)
        .count();
    full * 2 >= count
}

/// The middle and height of the widest vertical gap between line cores
/// (the lowest of equally wide ones). `items` are sorted by core top, so
/// the gaps are those of [`gaps`] without its sort.
fn row_cut(items: &[Fragment]) -> Option<(f64, f64)> {
    let mut reach = f64::NEG_INFINITY;
    let mut widest: Option<(f64, f64)> = None;
    for f in items {
        let (s, e) = f.core();
        if s > reach && reach.is_finite() && widest.is_none_or(|(a, b)| s - reach >= b - a) {
            widest = Some((reach, s));
        }
        reach = reach.max(e);
    }
    widest.map(|(s, e)| ((s + e) / 2.0, e - s))
}

/// Fallback ordering for huge pages: rows by vertical position.
fn rows_only(mut frags: Vec<Fragment>) -> Vec<Vec<Fragment>> {
    frags.sort_by(|a, b| a.core().0.total_cmp(&b.core().0));
    let mut rows: Vec<Vec<Fragment>> = Vec::new();
    for f in frags {
        match rows.last_mut() {
            Some(row) if row.iter().any(|r| f.core().0 < r.core().1) => row.push(f),
            _ => rows.push(vec![f]),
        }
    }
    rows
}

fn row_to_line(mut row: Vec<Fragment>) -> Option<Line> {
    let mut words: Vec<Word> = match row.len() {
        // Most lines are one fragment: keep its vector.
        1 => row.swap_remove(0).words,
        _ => row.into_iter().flat_map(|f| f.words).collect(),
    };
    words.sort_by(|a, b| a.bbox.left.total_cmp(&b.bbox.left));
    Line::from_words(words)
}

/// Groups reading-order lines into paragraphs (vertical gap, column jump)
/// and marks short, clearly larger lines as headings. Lines inside a table
/// become that table's block, placed where its first line is read.
fn paragraphs(lines: &[Line], tables: &[Table]) -> Vec<Block> {
    let Some(body) = median(lines.iter().map(|l| l.bbox.bottom - l.bbox.top)) else {
        return Vec::new();
    };
    let mut blocks: Vec<Block> = Vec::new();
    let mut prev: Option<&Line> = None;
    let mut placed = vec![false; tables.len()];
    for line in lines {
        if let Some(index) = tables
            .iter()
            .position(|t| tables::contains_center(&t.bbox, &line.bbox))
        {
            if !placed[index] {
                placed[index] = true;
                blocks.push(Block {
                    kind: BlockKind::Table { index },
                    text: String::new(),
                    bbox: tables[index].bbox,
                });
            }
            prev = None;
            continue;
        }
        let h = line.bbox.bottom - line.bbox.top;
        let heading = h >= 1.3 * body && line.words.len() <= 12;
        let continues = prev.is_some_and(|p| {
            let gap = line.bbox.top - p.bbox.bottom;
            let ph = p.bbox.bottom - p.bbox.top;
            gap >= -0.3 * ph && gap <= 0.6 * ph.max(h) && (ph - h).abs() < 0.2 * ph.max(h)
        });
        match blocks.last_mut() {
            Some(b) if continues && b.kind == BlockKind::Paragraph && !heading => {
                append_line(&mut b.text, &line.text);
                b.bbox = b.bbox.union(&line.bbox);
            }
            _ => blocks.push(Block {
                kind: if heading {
                    BlockKind::Heading {
                        level: if h >= 1.8 * body { 1 } else { 2 },
                    }
                } else {
                    BlockKind::Paragraph
                },
                text: line.text.clone(),
                bbox: line.bbox,
            }),
        }
        prev = Some(line);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for `text` starting at (x, y top), 6 pt per char, 10 pt high.
    fn glyphs(text: &str, x: f64, y: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                c,
                bbox: BBox {
                    left: x + i as f64 * 6.0,
                    top: y,
                    right: x + (i + 1) as f64 * 6.0,
                    bottom: y + 10.0,
                },
            })
            .collect()
    }

    #[test]
    fn two_columns_read_left_then_right_and_forms_stay_on_one_line() {
        let mut g = glyphs("A Title Across The Whole Page Width Here", 50.0, 20.0);
        for i in 0..4 {
            let y = 60.0 + i as f64 * 12.0;
            g.extend(glyphs(
                &format!("left column line {i} text and more"),
                50.0,
                y,
            ));
            g.extend(glyphs(
                &format!("right column line {i} text and more"),
                330.0,
                y,
            ));
        }
        g.extend(glyphs("Total:", 50.0, 200.0));
        g.extend(glyphs("12.00", 400.0, 200.0));
        let page = layout(1, 612.0, 792.0, &g, &[]);
        let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], "A Title Across The Whole Page Width Here");
        assert_eq!(texts[1], "left column line 0 text and more");
        assert_eq!(texts[4], "left column line 3 text and more");
        assert_eq!(texts[5], "right column line 0 text and more");
        assert_eq!(texts[9], "Total: 12.00");
    }

    #[test]
    fn hyphenated_line_ends_join_in_paragraphs_and_ligatures_are_spelled_out() {
        let mut g = glyphs("Text layers need extrac-", 50.0, 60.0);
        g.extend(glyphs("tion of words. Well-", 50.0, 72.0));
        g.extend(glyphs("Known \u{FB01}gures stay.", 50.0, 84.0));
        let page = layout(1, 612.0, 792.0, &g, &[]);
        assert_eq!(page.blocks.len(), 1, "{:?}", page.blocks);
        assert_eq!(
            page.blocks[0].text,
            "Text layers need extraction of words. Well- Known figures stay."
        );
        // Both halves keep their own words and boxes on their own lines.
        assert_eq!(page.lines[0].words.last().unwrap().text, "extrac-");
        assert_eq!(page.lines[1].words[0].text, "tion");
        assert_eq!(page.lines[2].words[1].text, "figures");
    }

    #[test]
    fn gaps_are_the_holes_between_merged_spans_left_to_right() {
        let spans = vec![
            (30.0, 40.0),
            (0.0, 10.0),
            (5.0, 12.0),
            (30.0, 35.0),
            (50.0, 60.0),
        ];
        let found: Vec<(f64, f64)> = gaps(spans).collect();
        assert_eq!(found, vec![(12.0, 30.0), (40.0, 50.0)]);
        assert_eq!(gaps(vec![(0.0, 10.0), (2.0, 4.0)]).count(), 0);
    }

    #[test]
    fn words_break_at_spaces_and_wide_gaps_and_keep_long_words_whole() {
        let mut g = glyphs("internationalisation-of-everything ok", 50.0, 60.0);
        g.extend(glyphs("far", 400.0, 60.0));
        let texts: Vec<String> = words(&g).into_iter().map(|w| w.text).collect();
        assert_eq!(texts, ["internationalisation-of-everything", "ok", "far"]);
    }

    #[test]
    fn rotation_maps_user_space_to_top_left_display_space() {
        let area = BBox {
            left: 0.0,
            top: 792.0,
            right: 612.0,
            bottom: 0.0,
        };
        let user = BBox {
            left: 10.0,
            top: 782.0,
            right: 20.0,
            bottom: 772.0,
        };
        let d0 = to_display(&user, &area, Rotation::R0);
        assert_eq!(
            (d0.left, d0.top, d0.right, d0.bottom),
            (10.0, 10.0, 20.0, 20.0)
        );
        let d90 = to_display(&user, &area, Rotation::R90);
        assert_eq!((d90.left, d90.top), (772.0, 10.0));
        let d180 = to_display(&user, &area, Rotation::R180);
        assert_eq!((d180.left, d180.top), (592.0, 772.0));
    }
}
