//! Text detection with PP-OCRv4's DB ("differentiable binarisation") model:
//! the model gives every pixel a probability of being text; the pixels
//! above a threshold form regions, and each region's minimum-area rectangle,
//! grown by a margin proportional to its size ("unclipping"), is a text box.
//! The constants are PaddleOCR's reference inference settings, the ones the
//! model was tuned with.

use image::imageops::FilterType;
use image::{GrayImage, Luma, RgbImage};
use imageproc::contours::{BorderType, find_contours};
use imageproc::geometry::min_area_rect;
use imageproc::point::Point;
use ort::value::Tensor;

use super::runtime::Engine;
use super::{Quad, model_value};
use crate::ParseError;

/// The image is enlarged until its shorter side is at least this long.
const MIN_SIDE: f64 = 736.0;
/// … after images longer than this were first reduced to it.
const MAX_SIDE: f64 = 2_000.0;
/// Upper bound on the longer side of the detector's input, which keeps its
/// memory bounded for extreme aspect ratios (a 2000 × 30 strip would
/// otherwise be enlarged to 49,000 pixels long).
const MAX_INPUT_SIDE: f64 = 4_000.0;
/// A pixel is text above this probability.
const PIXEL_THRESHOLD: f32 = 0.3;
/// A region is a text box when its mean probability is at least this.
const BOX_THRESHOLD: f32 = 0.5;
/// How far a region's rectangle is grown: area × ratio / perimeter.
const UNCLIP_RATIO: f64 = 1.6;
/// Most regions looked at per image.
const MAX_CANDIDATES: usize = 1_000;
/// Regions whose rectangle is thinner than this (in detector pixels) are
/// noise.
const MIN_SIZE: f64 = 3.0;

impl Engine {
    /// The text boxes of `image`, in its pixels.
    pub(crate) fn detect(&self, image: &RgbImage) -> Result<Vec<Quad>, ParseError> {
        let (width, height) = input_size(image.width(), image.height());
        let resized = image::imageops::resize(image, width, height, FilterType::Triangle);
        let input = Tensor::from_array(([1, 3, height as usize, width as usize], planes(&resized)))
            .map_err(|e| ParseError::Corrupt(format!("text detection input: {e}")))?;
        let mut session = self.detector.lock().unwrap_or_else(|p| p.into_inner());
        let outputs = session
            .run(ort::inputs![input])
            .map_err(|e| ParseError::Corrupt(format!("text detection: {e}")))?;
        let (shape, probabilities) = outputs[0]
            .try_extract_tensor::<f32>()
            .map_err(|e| ParseError::Corrupt(format!("text detection output: {e}")))?;
        let map_width = shape.last().copied().unwrap_or(0) as u32;
        let map_height = shape.get(shape.len().wrapping_sub(2)).copied().unwrap_or(0) as u32;
        if map_width == 0 || (map_width as usize) * (map_height as usize) != probabilities.len() {
            return Err(ParseError::Corrupt(format!(
                "text detection gave a {shape:?} map"
            )));
        }
        let map = ProbabilityMap {
            width: map_width,
            height: map_height,
            values: probabilities,
        };
        let scale = (
            f64::from(image.width()) / f64::from(map_width),
            f64::from(image.height()) / f64::from(map_height),
        );
        Ok(boxes(&map, scale, (image.width(), image.height())))
    }
}

/// The detector's input size: both sides multiples of 32, the shorter at
/// least [`MIN_SIDE`] (small receipt photos are enlarged), the aspect ratio
/// kept.
fn input_size(width: u32, height: u32) -> (u32, u32) {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let mut ratio = (MAX_SIDE / w.max(h)).min(1.0);
    let shorter = w.min(h) * ratio;
    if shorter < MIN_SIDE {
        ratio *= MIN_SIDE / shorter;
    }
    ratio = ratio.min(MAX_INPUT_SIDE / w.max(h));
    let side = |v: f64| (((v * ratio).trunc() / 32.0).round() as u32 * 32).max(32);
    (side(w), side(h))
}

/// An image as the models read it: planes of [`model_value`]s.
pub(super) fn planes(image: &RgbImage) -> Vec<f32> {
    let area = image.width() as usize * image.height() as usize;
    let mut out = vec![0.0; 3 * area];
    for (i, pixel) in image.pixels().enumerate() {
        let rgb = pixel.0.map(f32::from);
        for plane in 0..3 {
            out[plane * area + i] = model_value(rgb, plane);
        }
    }
    out
}

/// The detector's output: one text probability per pixel.
struct ProbabilityMap<'a> {
    width: u32,
    height: u32,
    values: &'a [f32],
}

impl ProbabilityMap<'_> {
    fn at(&self, x: u32, y: u32) -> f32 {
        self.values[(y * self.width + x) as usize]
    }

    /// Text pixels, each also marking its right and lower neighbours (a 2 × 2
    /// dilation), which joins characters split by a one-pixel gap.
    fn bitmap(&self) -> GrayImage {
        GrayImage::from_fn(self.width, self.height, |x, y| {
            let hit = [(0, 0), (1, 0), (0, 1), (1, 1)]
                .iter()
                .any(|&(dx, dy)| x >= dx && y >= dy && self.at(x - dx, y - dy) > PIXEL_THRESHOLD);
            Luma([if hit { 255 } else { 0 }])
        })
    }

    /// Mean probability inside `quad` (PaddleOCR's "fast" box score).
    fn mean_inside(&self, quad: &Quad) -> f32 {
        let xs = quad.0.map(|p| p.0);
        let ys = quad.0.map(|p| p.1);
        let clamp = |v: f64, max: u32| v.clamp(0.0, f64::from(max.saturating_sub(1))) as u32;
        let (x0, x1) = (
            clamp(min(&xs).floor(), self.width),
            clamp(max(&xs).ceil(), self.width),
        );
        let (y0, y1) = (
            clamp(min(&ys).floor(), self.height),
            clamp(max(&ys).ceil(), self.height),
        );
        let (mut sum, mut count) = (0.0f64, 0u32);
        for y in y0..=y1 {
            for x in x0..=x1 {
                if inside(quad, (f64::from(x), f64::from(y))) {
                    sum += f64::from(self.at(x, y));
                    count += 1;
                }
            }
        }
        if count == 0 {
            0.0
        } else {
            (sum / f64::from(count)) as f32
        }
    }
}

/// The text boxes of a probability map, scaled by `scale` into an image of
/// `bounds` pixels.
fn boxes(map: &ProbabilityMap<'_>, scale: (f64, f64), bounds: (u32, u32)) -> Vec<Quad> {
    let contours = find_contours::<i32>(&map.bitmap());
    let mut out = Vec::new();
    for contour in contours
        .iter()
        .filter(|c| c.border_type == BorderType::Outer)
        .take(MAX_CANDIDATES)
    {
        let points: Vec<Point<f64>> = contour
            .points
            .iter()
            .map(|p| Point::new(f64::from(p.x), f64::from(p.y)))
            .collect();
        let quad = ordered(min_area_rect(&points).map(|p| (p.x, p.y)));
        if quad.width().min(quad.height()) < MIN_SIZE || map.mean_inside(&quad) < BOX_THRESHOLD {
            continue;
        }
        let grown = unclip(&quad);
        if grown.width().min(grown.height()) < MIN_SIZE + 2.0 {
            continue;
        }
        let (right, bottom) = (f64::from(bounds.0), f64::from(bounds.1));
        let placed = ordered(grown.0.map(|(x, y)| {
            (
                (x * scale.0).round().clamp(0.0, right),
                (y * scale.1).round().clamp(0.0, bottom),
            )
        }));
        if placed.width() > 3.0 && placed.height() > 3.0 {
            out.push(placed);
        }
    }
    out
}

/// `quad` grown on every side by area × [`UNCLIP_RATIO`] / perimeter: the
/// detector marks a shrunken core of each text line, and this restores the
/// line's full extent (for a rectangle, the same as PaddleOCR's polygon
/// offset followed by a minimum-area rectangle).
fn unclip(quad: &Quad) -> Quad {
    let (w, h) = (quad.width(), quad.height());
    let margin = if w + h > 0.0 {
        w * h * UNCLIP_RATIO / (2.0 * (w + h))
    } else {
        0.0
    };
    let [tl, tr, _, bl] = quad.0;
    let unit = |a: (f64, f64), b: (f64, f64), len: f64| {
        if len > 0.0 {
            ((b.0 - a.0) / len, (b.1 - a.1) / len)
        } else {
            (0.0, 0.0)
        }
    };
    let (ux, uy) = unit(tl, tr, super::distance(tl, tr));
    let (vx, vy) = unit(tl, bl, super::distance(tl, bl));
    let centre = quad.at(0.5, 0.5);
    let (hw, hh) = (
        super::distance(tl, tr) / 2.0 + margin,
        super::distance(tl, bl) / 2.0 + margin,
    );
    let corner = |su: f64, sv: f64| {
        (
            centre.0 + su * hw * ux + sv * hh * vx,
            centre.1 + su * hw * uy + sv * hh * vy,
        )
    };
    Quad([
        corner(-1.0, -1.0),
        corner(1.0, -1.0),
        corner(1.0, 1.0),
        corner(-1.0, 1.0),
    ])
}

/// Corners in reading order: of the two leftmost points the upper is
/// top-left, of the two rightmost the upper is top-right.
fn ordered(points: [(f64, f64); 4]) -> Quad {
    let mut by_x = points;
    by_x.sort_by(|a, b| a.0.total_cmp(&b.0));
    let upper_first = |a: (f64, f64), b: (f64, f64)| if a.1 <= b.1 { (a, b) } else { (b, a) };
    let (tl, bl) = upper_first(by_x[0], by_x[1]);
    let (tr, br) = upper_first(by_x[2], by_x[3]);
    Quad([tl, tr, br, bl])
}

/// Whether `p` lies in the convex `quad` (edges included, half a pixel of
/// slack as a filled polygon has).
fn inside(quad: &Quad, p: (f64, f64)) -> bool {
    let q = quad.0;
    let signs = (0..4).map(|i| {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let len = super::distance(a, b).max(1e-9);
        ((b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0)) / len
    });
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    for s in signs {
        low = low.min(s);
        high = high.max(s);
    }
    low >= -0.5 || high <= 0.5
}

fn min(values: &[f64; 4]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(values: &[f64; 4]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A probability map of `size` that is `value` inside the rectangle
    /// `(columns, rows)` and 0 elsewhere.
    fn map_with(
        size: (u32, u32),
        rect: (std::ops::Range<u32>, std::ops::Range<u32>),
        value: f32,
    ) -> Vec<f32> {
        let mut values = vec![0.0f32; (size.0 * size.1) as usize];
        for y in rect.1 {
            for x in rect.0.clone() {
                values[(y * size.0 + x) as usize] = value;
            }
        }
        values
    }

    #[test]
    fn input_sides_are_multiples_of_32_with_the_short_side_enlarged() {
        // A 463-pixel-wide till roll: short side to 736, aspect kept.
        assert_eq!(input_size(463, 1200), (736, 1920));
        // A large scan is reduced to 2000 on its long side first.
        assert_eq!(input_size(2480, 3508), (1408, 2016));
        // An extreme strip stays bounded.
        let (w, h) = input_size(20, 2000);
        assert!(w.max(h) <= 4_000 && w % 32 == 0 && h % 32 == 0);
    }

    #[test]
    fn a_blob_of_text_probability_becomes_one_grown_box() {
        let values = map_with((60, 20), (10..50, 8..12), 0.9);
        let map = ProbabilityMap {
            width: 60,
            height: 20,
            values: &values,
        };
        let found = boxes(&map, (2.0, 2.0), (120, 40));
        assert_eq!(found.len(), 1);
        let [tl, tr, br, bl] = found[0].0;
        // The core (40 × 4 pixels, dilated by one) grows by about 3 pixels a
        // side before the ×2 scale.
        assert!(tl.0 < 16.0 && tl.1 < 12.0, "{tl:?}");
        assert!(tr.0 > 100.0 && br.1 > 28.0, "{tr:?} {br:?}");
        assert!((tl.1 - tr.1).abs() < 1.0 && (bl.0 - tl.0).abs() < 1.0);
    }

    #[test]
    fn faint_regions_are_not_boxes() {
        let values = map_with((40, 20), (5..35, 5..15), 0.35);
        let map = ProbabilityMap {
            width: 40,
            height: 20,
            values: &values,
        };
        assert!(boxes(&map, (1.0, 1.0), (40, 20)).is_empty());
    }

    #[test]
    fn corners_are_ordered_from_top_left_clockwise() {
        let q = ordered([(10.0, 5.0), (0.0, 0.0), (10.0, 0.0), (0.0, 5.0)]);
        assert_eq!(q.0, [(0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (0.0, 5.0)]);
        assert!(inside(&q, (5.0, 2.5)) && inside(&q, (10.0, 5.0)));
        assert!(!inside(&q, (12.0, 2.0)));
    }
}
