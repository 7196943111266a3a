//! OCR through the tesseract CLI: an image file, and a scanned PDF page (no
//! text layer) rendered by pdfium. Requires `tesseract` and libpdfium
//! (scripts/install-deps installs both); fails without them.

mod common;

use common::pdf::{PageSpec, image_pdf, pdf, run};
use quarry_parse::{FileKind, Limits, parse, render_page_gray};

fn scan() -> quarry_parse::GrayImage {
    assert!(
        quarry_parse::ocr_available(),
        "tesseract not found: run scripts/install-deps"
    );
    let text = pdf(&[PageSpec::new(vec![
        run(72.0, 700.0, 24.0, "Invoice Number INV-42"),
        run(72.0, 640.0, 24.0, "Total Due 99.00"),
    ])]);
    render_page_gray(&text, 0, 150.0).expect("pdfium renders")
}

#[test]
fn image_words_come_with_pixel_boxes_and_confidence() {
    let image = scan();
    let doc = parse(&image.to_pgm(), "scan.pgm", &Limits::default()).expect("OCR parses");
    assert_eq!(doc.kind, FileKind::Image);
    let page = &doc.pages[0];
    assert_eq!(
        (page.width, page.height),
        (image.width as f64, image.height as f64)
    );
    let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["Invoice Number INV-42", "Total Due 99.00"]);
    let first = &page.lines[0].words[0];
    // 72 pt at 150 dpi is 150 px from the left edge.
    assert!((first.bbox.left - 150.0).abs() < 12.0, "{:?}", first.bbox);
    assert!(first.confidence > 0.6, "{}", first.confidence);
}

#[test]
fn scanned_pdf_pages_are_ocred_into_point_coordinates() {
    let image = scan();
    let scanned = image_pdf(image.width, image.height, image.pixels);
    let doc = parse(&scanned, "scan.pdf", &Limits::default()).expect("parses");
    let page = &doc.pages[0];
    let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["Invoice Number INV-42", "Total Due 99.00"]);
    let total = &page.lines[1].words[0].bbox;
    // Baseline y=640 from the bottom: about 130–152 pt from the top.
    assert!((total.left - 72.0).abs() < 6.0, "{total:?}");
    assert!(total.top > 125.0 && total.bottom < 160.0, "{total:?}");
}
