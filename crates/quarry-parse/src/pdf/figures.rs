//! Figures on PDF pages: the image objects a page draws, as `Figure`
//! blocks placed in reading order. Icons and bullets are too small to be
//! figures, and an image covering nearly the whole page is a scan or a
//! background, not a figure on it.

use crate::{BBox, Block, BlockKind, FigureKind, Page};

/// Images smaller than this on either side (points) are icons or bullets.
const MIN_SIDE: f64 = 24.0;
/// Images covering more than this share of the page are backgrounds.
const MAX_PAGE_SHARE: f64 = 0.85;
/// A logo sits in this top share of the first page…
const LOGO_BAND: f64 = 0.25;
/// …and is narrower than this share of the page.
const LOGO_WIDTH: f64 = 0.4;

/// Adds a figure block for every image in `images` (display coordinates)
/// that is large enough, before the first block that starts below it.
pub(crate) fn place(page: &mut Page, images: &[BBox]) {
    let mut kept: Vec<BBox> = Vec::new();
    for b in images {
        let (w, h) = (b.right - b.left, b.bottom - b.top);
        let share = (w * h) / (page.width * page.height).max(1.0);
        let duplicate = kept.iter().any(|k| same_box(k, b));
        if w >= MIN_SIDE && h >= MIN_SIDE && share <= MAX_PAGE_SHARE && !duplicate {
            kept.push(*b);
        }
    }
    kept.sort_by(|a, b| a.top.total_cmp(&b.top));
    for bbox in kept {
        let figure = kind(page, &bbox);
        let at = page
            .blocks
            .iter()
            .position(|b| b.bbox.top > bbox.top)
            .unwrap_or(page.blocks.len());
        let block = Block {
            kind: BlockKind::Figure { figure },
            text: String::new(),
            bbox,
        };
        page.blocks.insert(at, block);
    }
}

/// A small image at the top of the first page is the sender's logo.
fn kind(page: &Page, b: &BBox) -> FigureKind {
    let top_band = b.bottom <= page.height * LOGO_BAND;
    let narrow = b.right - b.left <= page.width * LOGO_WIDTH;
    if page.number == 1 && top_band && narrow {
        FigureKind::Logo
    } else {
        FigureKind::Image
    }
}

/// The same image drawn twice (a soft mask, a clipped copy).
fn same_box(a: &BBox, b: &BBox) -> bool {
    (a.left - b.left).abs() < 1.0
        && (a.top - b.top).abs() < 1.0
        && (a.right - b.right).abs() < 1.0
        && (a.bottom - b.bottom).abs() < 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bbox(left: f64, top: f64, right: f64, bottom: f64) -> BBox {
        BBox {
            left,
            top,
            right,
            bottom,
        }
    }

    #[test]
    fn large_images_become_figures_in_reading_order() {
        let mut page = Page::new(1, 612.0, 792.0);
        for top in [100.0, 400.0] {
            page.blocks.push(Block {
                kind: BlockKind::Paragraph,
                text: format!("text at {top}"),
                bbox: bbox(50.0, top, 550.0, top + 20.0),
            });
        }
        let images = [
            bbox(40.0, 30.0, 160.0, 80.0),    // logo: top of page 1, narrow
            bbox(50.0, 200.0, 550.0, 380.0),  // a chart between the texts
            bbox(50.0, 200.0, 550.0, 380.0),  // drawn again (soft mask)
            bbox(300.0, 500.0, 310.0, 510.0), // a bullet
            bbox(0.0, 0.0, 612.0, 792.0),     // the page background
        ];
        place(&mut page, &images);
        let kinds: Vec<_> = page.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Figure {
                    figure: FigureKind::Logo
                },
                BlockKind::Paragraph,
                BlockKind::Figure {
                    figure: FigureKind::Image
                },
                BlockKind::Paragraph,
            ]
        );
        assert_eq!(page.blocks[2].bbox.top, 200.0);
    }
}
