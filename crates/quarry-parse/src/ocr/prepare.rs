//! Image preparation before OCR. Tesseract reads best when capital letters
//! are roughly 20–40 pixels tall; phone photos and low-resolution scans of
//! till receipts (a 58–80 mm roll captured 450–700 pixels wide) print theirs
//! at 10–15 pixels, where it confuses `D`/`O`, `H`/`N` and drops decimal
//! points. Such images are converted to grayscale and enlarged with a
//! smooth (Catmull-Rom) filter before OCR; the word boxes are scaled back to
//! the original pixels afterwards, so citations still point into the file
//! the user uploaded.
//!
//! Formats the `image` crate does not decode here (TIFF, whose pages
//! tesseract reads itself, PNM) are passed through untouched.

use image::imageops::FilterType;
use image::{GenericImageView, ImageFormat};

/// Images narrower than this are enlarged to it (receipt photos and
/// 100–150 dpi scans); wider ones are left alone.
const MIN_OCR_WIDTH: u32 = 1_400;
/// Largest enlargement: beyond it a tiny image only gets blurrier.
const MAX_UPSCALE: f64 = 3.0;

/// An image ready for tesseract: its bytes (PGM) and the factor that maps
/// its pixel coordinates back to the original image's.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub bytes: Vec<u8>,
    pub back_scale: f64,
}

/// The upscaled grayscale image for a small decodable image, `None` when the
/// original should be OCRed as it is.
pub(crate) fn prepare(bytes: &[u8]) -> Option<Prepared> {
    let format = image::guess_format(bytes).ok()?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Bmp | ImageFormat::WebP
    ) {
        return None;
    }
    let image = image::load_from_memory_with_format(bytes, format).ok()?;
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 || width >= MIN_OCR_WIDTH {
        return None;
    }
    let factor = (f64::from(MIN_OCR_WIDTH) / f64::from(width)).min(MAX_UPSCALE);
    let scaled_width = (f64::from(width) * factor).round() as u32;
    let scaled_height = (f64::from(height) * factor).round() as u32;
    let gray = image::imageops::resize(
        &image.to_luma8(),
        scaled_width,
        scaled_height,
        FilterType::CatmullRom,
    );
    Some(Prepared {
        bytes: super::pgm(gray.width() as usize, gray.height() as usize, gray.as_raw()),
        back_scale: f64::from(width) / f64::from(gray.width()),
    })
}
