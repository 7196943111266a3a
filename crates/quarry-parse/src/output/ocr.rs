//! `output.ocr`: the words and lines of the kept pages with their boxes and
//! confidences, for callers that draw their own overlays or run their own
//! matching (`advancedOptions.returnOcr`). Words from a PDF text layer are
//! included too, with confidence 1, so the shape does not depend on whether
//! a page was scanned.

use super::{OcrOutput, OcrText, ParseOptions};
use crate::Page;

/// The OCR output `options` ask for, or `None`.
pub(crate) fn output(pages: &[&Page], options: &ParseOptions) -> Option<OcrOutput> {
    if !options.ocr_words && !options.ocr_lines {
        return None;
    }
    let lines = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(move |l| (p.number, l)));
    let words = options.ocr_words.then(|| {
        lines
            .clone()
            .flat_map(|(page, l)| {
                l.words.iter().map(move |w| OcrText {
                    content: w.text.clone(),
                    bounding_box: w.bbox,
                    confidence: rounded(f64::from(w.confidence)),
                    page_number: page,
                })
            })
            .collect()
    });
    let lines = options.ocr_lines.then(|| {
        lines
            .map(|(page, l)| OcrText {
                content: l.text.clone(),
                bounding_box: l.bbox,
                confidence: rounded(
                    l.words
                        .iter()
                        .map(|w| f64::from(w.confidence))
                        .fold(1.0, f64::min),
                ),
                page_number: page,
            })
            .collect()
    });
    Some(OcrOutput { words, lines })
}

/// Confidences to three places, as the extraction metadata reports them.
fn rounded(c: f64) -> f64 {
    (c * 1000.0).round() / 1000.0
}
