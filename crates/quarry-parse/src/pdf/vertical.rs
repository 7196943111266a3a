//! Pages whose text runs vertically: tables and charts printed sideways on
//! an upright page (no `/Rotate`). Read in page coordinates, every glyph
//! would be a one-character "word". When most neighbouring glyphs follow
//! each other up (or down) the page, the page is laid out in the text's own
//! frame (turned so the text runs left to right) and every box is turned
//! back into page coordinates afterwards.

use super::reading::Glyph;
use crate::tables::Rule;
use crate::{BBox, Page};

/// The direction text runs on a page, with the page size it needs to turn
/// boxes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Frame {
    Upright,
    /// Text reads from the bottom of the page to the top (turned 90°
    /// anticlockwise); `height` is the page height.
    BottomToTop {
        height: f64,
    },
    /// Text reads from the top of the page to the bottom (turned 90°
    /// clockwise); `width` is the page width.
    TopToBottom {
        width: f64,
    },
}

impl Frame {
    /// Votes over neighbouring glyphs: vertical text needs a clear majority
    /// of steps along one vertical direction.
    pub(crate) fn detect(glyphs: &[Glyph], width: f64, height: f64) -> Frame {
        let (mut across, mut up, mut down) = (0usize, 0usize, 0usize);
        let pairs = glyphs.len().saturating_sub(1);
        for (i, pair) in glyphs.windows(2).enumerate() {
            // Once the pairs left could not outvote the horizontal ones,
            // the page is upright whatever they are: most pages are, and
            // this stops after about half of their glyphs.
            if i % 64 == 0 && up.max(down) + (pairs - i) <= 2 * across {
                return Frame::Upright;
            }
            let (a, b) = (&pair[0].bbox, &pair[1].bbox);
            if pair[0].c.is_whitespace() || pair[1].c.is_whitespace() {
                continue;
            }
            let size = (a.right - a.left).max(a.bottom - a.top);
            let dx = (b.left + b.right - a.left - a.right) / 2.0;
            let dy = (b.top + b.bottom - a.top - a.bottom) / 2.0;
            // Squared distances: `hypot` per glyph pair was a visible share
            // of the layout time.
            let reach = 1.5 * size;
            if size.is_nan() || size <= 0.0 || dx * dx + dy * dy > reach * reach {
                continue;
            }
            if dx.abs() > 2.0 * dy.abs() {
                across += 1;
            } else if dy.abs() > 2.0 * dx.abs() {
                if dy < 0.0 {
                    up += 1;
                } else {
                    down += 1;
                }
            }
        }
        if up > 2 * across && up > 2 * down {
            Frame::BottomToTop { height }
        } else if down > 2 * across && down > 2 * up {
            Frame::TopToBottom { width }
        } else {
            Frame::Upright
        }
    }

    /// The size of the page in the text's frame.
    pub(crate) fn size(&self, width: f64, height: f64) -> (f64, f64) {
        match self {
            Frame::Upright => (width, height),
            _ => (height, width),
        }
    }

    /// A page box in the text's frame.
    pub(crate) fn to_text(self, b: &BBox) -> BBox {
        match self {
            Frame::Upright => *b,
            Frame::BottomToTop { height } => BBox {
                left: height - b.bottom,
                top: b.left,
                right: height - b.top,
                bottom: b.right,
            },
            Frame::TopToBottom { width } => BBox {
                left: b.top,
                top: width - b.right,
                right: b.bottom,
                bottom: width - b.left,
            },
        }
    }

    /// A box of the text's frame back in page coordinates.
    pub(crate) fn to_page(self, b: &BBox) -> BBox {
        match self {
            Frame::Upright => *b,
            Frame::BottomToTop { height } => BBox {
                left: b.top,
                top: height - b.right,
                right: b.bottom,
                bottom: height - b.left,
            },
            Frame::TopToBottom { width } => BBox {
                left: width - b.bottom,
                top: b.left,
                right: width - b.top,
                bottom: b.right,
            },
        }
    }

    pub(crate) fn glyphs_to_text(&self, glyphs: &[Glyph]) -> Vec<Glyph> {
        glyphs
            .iter()
            .map(|g| Glyph {
                c: g.c,
                bbox: self.to_text(&g.bbox),
            })
            .collect()
    }

    pub(crate) fn rules_to_text(&self, rules: &[Rule]) -> Vec<Rule> {
        let point = |x: f64, y: f64| {
            let p = self.to_text(&BBox {
                left: x,
                top: y,
                right: x,
                bottom: y,
            });
            (p.left, p.top)
        };
        rules
            .iter()
            .map(|r| {
                let ((x0, y0), (x1, y1)) = (point(r.x0, r.y0), point(r.x1, r.y1));
                Rule { x0, y0, x1, y1 }
            })
            .collect()
    }

    /// Turns every box of a page laid out in the text's frame back into
    /// page coordinates.
    pub(crate) fn page_to_page(&self, page: &mut Page) {
        if *self == Frame::Upright {
            return;
        }
        for line in &mut page.lines {
            line.bbox = self.to_page(&line.bbox);
            for word in &mut line.words {
                word.bbox = self.to_page(&word.bbox);
            }
        }
        for block in &mut page.blocks {
            block.bbox = self.to_page(&block.bbox);
        }
        for table in &mut page.tables {
            table.bbox = self.to_page(&table.bbox);
            for cell in &mut table.cells {
                cell.bbox = self.to_page(&cell.bbox);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(text: &str, x: f64, y: f64, step: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                let top = y + i as f64 * step;
                Glyph {
                    c,
                    bbox: BBox {
                        left: x,
                        top: top.min(top + step),
                        right: x + 10.0,
                        bottom: top.max(top + step),
                    },
                }
            })
            .collect()
    }

    #[test]
    fn vertical_text_reads_as_words_in_page_coordinates() {
        for step in [-6.0, 6.0] {
            let mut glyphs = column("Sideways heading", 100.0, 400.0, step);
            glyphs.extend(
                column("second line", 112.0, 400.0, step)
                    .into_iter()
                    .map(|mut g| {
                        // Bottom-to-top lines follow to the right, top-to-bottom
                        // ones to the left.
                        if step > 0.0 {
                            g.bbox.left -= 24.0;
                            g.bbox.right -= 24.0;
                        }
                        g
                    }),
            );
            let frame = Frame::detect(&glyphs, 612.0, 792.0);
            assert_ne!(frame, Frame::Upright);
            let page = super::super::reading::layout(1, 612.0, 792.0, &glyphs, &[]);
            let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
            assert_eq!(texts, ["Sideways heading", "second line"], "step {step}");
            let w = &page.lines[0].words[0].bbox;
            assert!(
                w.left >= 99.0 && w.right <= 111.0 && w.bottom - w.top > 40.0,
                "{w:?}"
            );
        }
    }

    #[test]
    fn boxes_round_trip() {
        let b = BBox {
            left: 10.0,
            top: 20.0,
            right: 30.0,
            bottom: 80.0,
        };
        for f in [
            Frame::BottomToTop { height: 792.0 },
            Frame::TopToBottom { width: 612.0 },
        ] {
            assert_eq!(f.to_page(&f.to_text(&b)), b);
        }
    }
}
