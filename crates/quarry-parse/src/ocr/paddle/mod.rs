//! A second OCR engine for images: PaddleOCR's PP-OCRv4 text detector and
//! recogniser (ONNX models, Apache-2.0) run by ONNX Runtime (MIT).
//!
//! Why a second engine: on till receipts (small, low-contrast thermal
//! print photographed at 450–700 pixels wide) tesseract misreads totals
//! and dates that PP-OCRv4 reads; on the 150 `sroie` receipts the expected
//! total appears in PP-OCRv4's text for 149 receipts and in tesseract's for
//! 122 (docs/accuracy.md). Tesseract stays the engine for orientation
//! detection and for formats the `image` crate does not decode (TIFF).
//!
//! Nothing is linked or downloaded at build time: `ort` loads
//! `libonnxruntime.so` at run time ([`runtime`]), and scripts/install-deps
//! takes the library out of PyPI's `onnxruntime` wheel and the models out
//! of PyPI's `rapidocr_onnxruntime` wheel. Without them [`available`] is
//! false and images go to tesseract as before.
//!
//! The pipeline follows PaddleOCR's reference inference: DB text detection
//! ([`detect`]) → one crop per text box, read by the CTC recogniser
//! ([`recognise`]) → boxes grouped into lines and words ([`lines`]).

mod detect;
mod lines;
mod recognise;
mod runtime;
mod spelling;

use image::RgbImage;

use crate::{Page, ParseError};

pub(crate) use runtime::available;

/// OCRs one decoded image into a page whose boxes are the image's pixels
/// multiplied by `scale`.
pub(crate) fn read(image: &RgbImage, number: u32, scale: f64) -> Result<Page, ParseError> {
    let engine = runtime::engine()
        .ok_or_else(|| ParseError::Corrupt("the PaddleOCR models are not installed".into()))?;
    let boxes = engine.detect(image)?;
    let texts = engine.recognise(image, &boxes)?;
    let segments = boxes
        .into_iter()
        .zip(texts)
        .filter_map(|(quad, text)| text.map(|text| lines::Segment { quad, text }))
        .collect();
    Ok(lines::page(
        number,
        f64::from(image.width()),
        f64::from(image.height()),
        segments,
        scale,
    ))
}

/// A text box in image pixels: corners top-left, top-right, bottom-right,
/// bottom-left (a rectangle, possibly rotated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Quad(pub [(f64, f64); 4]);

impl Quad {
    fn width(&self) -> f64 {
        let [tl, tr, br, bl] = self.0;
        distance(tl, tr).max(distance(bl, br))
    }

    fn height(&self) -> f64 {
        let [tl, tr, br, bl] = self.0;
        distance(tl, bl).max(distance(tr, br))
    }

    /// The point at fractions `u` along the top edge and `v` down the
    /// left edge.
    fn at(&self, u: f64, v: f64) -> (f64, f64) {
        let [tl, tr, _, bl] = self.0;
        (
            tl.0 + u * (tr.0 - tl.0) + v * (bl.0 - tl.0),
            tl.1 + u * (tr.1 - tl.1) + v * (bl.1 - tl.1),
        )
    }
}

/// The models read three planes in BGR order (the order they were trained
/// on, from OpenCV), each value scaled to −1…1; this is the value of plane
/// `plane` (0 = blue) for one RGB colour.
fn model_value(rgb: [f32; 3], plane: usize) -> f32 {
    rgb[2 - plane] / 127.5 - 1.0
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}
