//! From read text boxes to a page: the detector finds text segments, not
//! lines (a receipt's `TOTAL` and its amount far to the right are two
//! boxes), so segments whose vertical extents mostly overlap are joined
//! into one line, left to right; lines are ordered top to bottom, and runs
//! of closely spaced lines form paragraph blocks.

use super::Quad;
use super::recognise::WordSpan;
use crate::{BBox, Block, BlockKind, Line, Page, Word};

/// A text box and the words read in it.
pub(crate) struct Segment {
    pub quad: Quad,
    pub text: Vec<WordSpan>,
}

/// Two segments share a line when their vertical overlap is at least this
/// share of the shorter one's height.
const SAME_LINE_OVERLAP: f64 = 0.5;
/// A gap between lines above this many median line heights starts a new
/// block.
const BLOCK_GAP_LINES: f64 = 0.8;

/// The page built from `segments` of an image `width` × `height` pixels,
/// every box multiplied by `scale`.
pub(crate) fn page(
    number: u32,
    width: f64,
    height: f64,
    segments: Vec<Segment>,
    scale: f64,
) -> Page {
    let mut page = Page::new(number, width * scale, height * scale);
    let mut words: Vec<Vec<Word>> = Vec::new();
    let mut bands: Vec<(f64, f64)> = Vec::new();
    let mut segments: Vec<(BBox, Vec<Word>)> = segments
        .into_iter()
        .map(|s| {
            (
                scaled(aabb(&s.quad, 0.0, 1.0), scale),
                placed_words(&s, scale),
            )
        })
        .collect();
    segments.sort_by(|a, b| centre(&a.0).total_cmp(&centre(&b.0)));
    for (bbox, segment_words) in segments {
        let best = bands
            .iter()
            .enumerate()
            .map(|(i, band)| (i, overlap(band, &bbox)))
            .filter(|&(_, share)| share >= SAME_LINE_OVERLAP)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i);
        match best {
            Some(i) => {
                bands[i] = (bands[i].0.min(bbox.top), bands[i].1.max(bbox.bottom));
                words[i].extend(segment_words);
            }
            None => {
                bands.push((bbox.top, bbox.bottom));
                words.push(segment_words);
            }
        }
    }
    let mut lines: Vec<Line> = words
        .into_iter()
        .filter_map(|mut words| {
            words.sort_by(|a, b| a.bbox.left.total_cmp(&b.bbox.left));
            let bbox = words.iter().map(|w| w.bbox).reduce(|a, b| a.union(&b))?;
            let text = words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            Some(Line { text, bbox, words })
        })
        .collect();
    lines.sort_by(|a, b| a.bbox.top.total_cmp(&b.bbox.top));
    page.blocks = blocks(&lines);
    page.lines = lines;
    page
}

/// Paragraph blocks: runs of lines whose gaps stay under
/// [`BLOCK_GAP_LINES`] median line heights.
fn blocks(lines: &[Line]) -> Vec<Block> {
    let mut heights: Vec<f64> = lines.iter().map(|l| l.bbox.bottom - l.bbox.top).collect();
    heights.sort_by(f64::total_cmp);
    let median = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
    let mut blocks: Vec<Block> = Vec::new();
    let mut previous_bottom = f64::NEG_INFINITY;
    for line in lines {
        let gap = line.bbox.top - previous_bottom;
        match blocks.last_mut() {
            Some(block) if gap <= median * BLOCK_GAP_LINES => {
                block.text.push(' ');
                block.text.push_str(&line.text);
                block.bbox = block.bbox.union(&line.bbox);
            }
            _ => blocks.push(Block {
                kind: BlockKind::Paragraph,
                text: line.text.clone(),
                bbox: line.bbox,
            }),
        }
        previous_bottom = previous_bottom.max(line.bbox.bottom);
    }
    blocks
}

/// The words of a segment, each boxed by its share of the segment's width.
fn placed_words(segment: &Segment, scale: f64) -> Vec<Word> {
    segment
        .text
        .iter()
        .map(|span| Word {
            text: span.text.clone(),
            bbox: scaled(aabb(&segment.quad, span.start, span.end), scale),
            confidence: span.confidence,
        })
        .collect()
}

/// The upright box around the part of `quad` from fraction `start` to `end`
/// of its width.
fn aabb(quad: &Quad, start: f64, end: f64) -> BBox {
    let corners = [
        quad.at(start, 0.0),
        quad.at(end, 0.0),
        quad.at(end, 1.0),
        quad.at(start, 1.0),
    ];
    let fold = |f: fn(f64, f64) -> f64, init: f64, pick: fn(&(f64, f64)) -> f64| {
        corners.iter().map(pick).fold(init, f)
    };
    BBox {
        left: fold(f64::min, f64::INFINITY, |p| p.0),
        top: fold(f64::min, f64::INFINITY, |p| p.1),
        right: fold(f64::max, f64::NEG_INFINITY, |p| p.0),
        bottom: fold(f64::max, f64::NEG_INFINITY, |p| p.1),
    }
}

fn scaled(b: BBox, scale: f64) -> BBox {
    BBox {
        left: b.left * scale,
        top: b.top * scale,
        right: b.right * scale,
        bottom: b.bottom * scale,
    }
}

fn centre(b: &BBox) -> f64 {
    (b.top + b.bottom) / 2.0
}

/// The vertical overlap of a line band and a box, as a share of the
/// shorter of the two.
fn overlap(band: &(f64, f64), b: &BBox) -> f64 {
    let shared = band.1.min(b.bottom) - band.0.max(b.top);
    let shorter = (band.1 - band.0).min(b.bottom - b.top);
    if shorter <= 0.0 {
        0.0
    } else {
        shared / shorter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(left: f64, top: f64, right: f64, bottom: f64, words: &[&str]) -> Segment {
        let n = words.len() as f64;
        Segment {
            quad: Quad([(left, top), (right, top), (right, bottom), (left, bottom)]),
            text: words
                .iter()
                .enumerate()
                .map(|(i, w)| WordSpan {
                    text: (*w).to_string(),
                    start: i as f64 / n,
                    end: (i as f64 + 1.0) / n,
                    confidence: 0.9,
                })
                .collect(),
        }
    }

    #[test]
    fn segments_on_one_level_form_one_line_left_to_right() {
        let segments = vec![
            segment(300.0, 102.0, 360.0, 122.0, &["12.50"]),
            segment(10.0, 100.0, 110.0, 120.0, &["TOTAL", "RM"]),
            segment(10.0, 20.0, 200.0, 44.0, &["ACME", "STORE"]),
        ];
        let page = page(1, 400.0, 600.0, segments, 0.5);
        assert_eq!((page.width, page.height), (200.0, 300.0));
        let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["ACME STORE", "TOTAL RM 12.50"]);
        let total = &page.lines[1];
        assert_eq!(total.words[0].bbox.left, 5.0);
        assert_eq!(total.words[1].bbox.left, 30.0);
        assert_eq!(total.words[2].bbox.right, 180.0);
        // A gap of about three line heights separates the two blocks.
        assert_eq!(page.blocks.len(), 2);
    }

    #[test]
    fn close_lines_share_a_block() {
        let segments = vec![
            segment(10.0, 10.0, 100.0, 30.0, &["a"]),
            segment(10.0, 34.0, 100.0, 54.0, &["b"]),
        ];
        let page = page(1, 200.0, 200.0, segments, 1.0);
        assert_eq!(page.lines.len(), 2);
        assert_eq!(page.blocks.len(), 1);
        assert_eq!(page.blocks[0].text, "a b");
    }
}
