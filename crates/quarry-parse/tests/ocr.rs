//! OCR of an image file and of scanned PDF pages (no text layer, rendered
//! by pdfium), by each engine: the tesseract CLI and PaddleOCR. Requires
//! `tesseract`, libpdfium, ONNX Runtime and the PaddleOCR models
//! (scripts/install-deps installs them all); fails without them.

mod common;

use common::pdf::{PageSpec, image_pdf, pdf, run, scanned_pdf};
use quarry_parse::{FileKind, Limits, OcrEngine, parse, render_page_gray, render_page_png};

/// Limits that pick each OCR engine in turn; every test below runs once per
/// engine and names the engine when it fails.
fn engines() -> [(OcrEngine, Limits); 2] {
    assert!(
        quarry_parse::paddle_available(),
        "PaddleOCR runtime or models not found: run scripts/install-deps"
    );
    [OcrEngine::Tesseract, OcrEngine::Paddle].map(|engine| {
        (
            engine,
            Limits {
                ocr_engine: engine,
                ..Limits::default()
            },
        )
    })
}

fn text_page() -> Vec<u8> {
    assert!(
        quarry_parse::ocr_available(),
        "tesseract not found: run scripts/install-deps"
    );
    pdf(&[PageSpec::new(vec![
        run(72.0, 700.0, 24.0, "Invoice Number INV-42"),
        run(72.0, 640.0, 24.0, "Total Due 99.00"),
    ])])
}

fn scan() -> quarry_parse::GrayImage {
    render_page_gray(&text_page(), 0, 150.0).expect("pdfium renders")
}

fn page_texts(page: &quarry_parse::Page) -> Vec<&str> {
    page.lines.iter().map(|l| l.text.as_str()).collect()
}

#[test]
fn image_words_come_with_pixel_boxes_and_confidence() {
    let image = scan();
    for (engine, limits) in engines() {
        let doc = parse(&image.to_pgm(), "scan.pgm", &limits).expect("OCR parses");
        assert_eq!(doc.kind, FileKind::Image);
        let page = &doc.pages[0];
        assert_eq!(
            (page.width, page.height),
            (image.width as f64, image.height as f64)
        );
        assert_eq!(
            page_texts(page),
            ["Invoice Number INV-42", "Total Due 99.00"],
            "{engine:?}"
        );
        let words = &page.lines[0].words;
        // 72 pt at 150 dpi is 150 px from the left edge.
        assert!(
            (words[0].bbox.left - 150.0).abs() < 12.0,
            "{engine:?} {:?}",
            words[0].bbox
        );
        assert!(
            words[0].confidence > 0.6,
            "{engine:?} {}",
            words[0].confidence
        );
        // Words follow each other left to right without overlapping much.
        for pair in words.windows(2) {
            assert!(
                pair[0].bbox.right < pair[1].bbox.left + 8.0,
                "{engine:?} {pair:?}"
            );
        }
    }
}

#[test]
fn scanned_pdf_pages_are_ocred_into_point_coordinates() {
    let image = scan();
    let scanned = image_pdf(image.width, image.height, image.pixels);
    for (engine, limits) in engines() {
        let doc = parse(&scanned, "scan.pdf", &limits).expect("parses");
        let page = &doc.pages[0];
        assert_eq!(
            page_texts(page),
            ["Invoice Number INV-42", "Total Due 99.00"],
            "{engine:?}"
        );
        let total = &page.lines[1].words[0].bbox;
        // Baseline y=640 from the bottom: about 130–152 pt from the top.
        assert!((total.left - 72.0).abs() < 6.0, "{engine:?} {total:?}");
        assert!(
            total.top > 125.0 && total.bottom < 160.0,
            "{engine:?} {total:?}"
        );
    }
}

#[test]
fn small_images_are_enlarged_for_ocr_but_boxes_stay_in_their_pixels() {
    // 60 dpi: a 510 px wide page whose 24 pt text is 20 px tall.
    let png = render_page_png(&text_page(), 0, 60.0, &Limits::default()).expect("renders");
    let size = imagesize::blob_size(&png).expect("png header");
    for (engine, limits) in engines() {
        let doc = parse(&png, "small.png", &limits).expect("OCR parses");
        let page = &doc.pages[0];
        assert!(
            (page.width - size.width as f64).abs() < 1.0,
            "{}",
            page.width
        );
        assert!(
            (page.height - size.height as f64).abs() < 1.0,
            "{}",
            page.height
        );
        assert_eq!(
            page_texts(page),
            ["Invoice Number INV-42", "Total Due 99.00"],
            "{engine:?}"
        );
        let first = &page.lines[0].words[0].bbox;
        // 72 pt at 60 dpi is 60 px from the left edge.
        assert!((first.left - 60.0).abs() < 6.0, "{engine:?} {first:?}");
    }
}

#[test]
fn a_label_and_its_distant_amount_are_one_line() {
    // A receipt's total: the label at the left margin, the amount far to
    // the right on the same baseline; PaddleOCR detects them as two boxes.
    let page = pdf(&[PageSpec::new(vec![
        run(72.0, 700.0, 20.0, "Grand Total"),
        run(430.0, 700.0, 20.0, "18.75"),
        run(72.0, 660.0, 20.0, "Cash"),
        run(430.0, 660.0, 20.0, "20.00"),
    ])]);
    let image = render_page_gray(&page, 0, 150.0).expect("renders");
    for (engine, limits) in engines() {
        let doc = parse(&image.to_pgm(), "receipt.pgm", &limits).expect("OCR parses");
        assert_eq!(
            page_texts(&doc.pages[0]),
            ["Grand Total 18.75", "Cash 20.00"],
            "{engine:?}"
        );
    }
}

#[test]
fn every_page_of_a_multi_page_scan_is_ocred_in_page_order() {
    let words = ["Alpha", "Bravo", "Charlie", "Delta"];
    let images = words
        .iter()
        .map(|w| {
            let text = pdf(&[PageSpec::new(vec![run(
                72.0,
                700.0,
                24.0,
                &format!("Page {w} Total 12.50"),
            )])]);
            let image = render_page_gray(&text, 0, 150.0).expect("renders");
            (image.width, image.height, image.pixels)
        })
        .collect();
    let scans = scanned_pdf(images);
    for (engine, limits) in engines() {
        let doc = parse(&scans, "scans.pdf", &limits).expect("parses");
        assert_eq!(doc.pages.len(), words.len());
        for (page, word) in doc.pages.iter().zip(words) {
            assert_eq!(
                page_texts(page),
                [format!("Page {word} Total 12.50")],
                "{engine:?}"
            );
        }
    }
}

#[test]
fn broken_and_degenerate_images_end_in_a_typed_error_or_an_empty_page() {
    // A scan cut off halfway: the header promises more rows than follow.
    let mut cut = scan().to_pgm();
    cut.truncate(cut.len() / 2);
    // One pixel, a one-pixel line and a blank page: nothing to read.
    let tiny = |width: usize, height: usize, value: u8| quarry_parse::GrayImage {
        width,
        height,
        pixels: vec![value; width * height],
    };
    let degenerate = [tiny(1, 1, 0), tiny(1, 3000, 0), tiny(800, 600, 255)];
    for (engine, limits) in engines() {
        let err = parse(&cut, "cut.pgm", &limits).expect_err("a cut-off scan fails");
        assert!(
            matches!(err, quarry_parse::ParseError::Corrupt(_)),
            "{engine:?} {err:?}"
        );
        for image in &degenerate {
            let doc = parse(&image.to_pgm(), "blank.pgm", &limits);
            let doc =
                doc.unwrap_or_else(|e| panic!("{engine:?} {}x{}: {e}", image.width, image.height));
            assert!(
                doc.pages.iter().all(|p| p.lines.is_empty()),
                "{engine:?} {}x{}",
                image.width,
                image.height
            );
        }
    }
}

/// The image turned a quarter turn clockwise (what a sideways scan looks like).
fn rotated_clockwise(image: &quarry_parse::GrayImage) -> quarry_parse::GrayImage {
    let (w, h) = (image.width, image.height);
    let mut pixels = vec![255u8; w * h];
    for y in 0..h {
        for x in 0..w {
            // (x, y) moves to (h - 1 - y, x) in the h-wide result.
            pixels[x * h + (h - 1 - y)] = image.pixels[y * w + x];
        }
    }
    quarry_parse::GrayImage {
        width: h,
        height: w,
        pixels,
    }
}

#[test]
fn sideways_scans_are_read_upright_when_orientation_detection_is_on() {
    let sideways = rotated_clockwise(&scan()).to_pgm();
    // Only tesseract detects orientation: the default engine choice
    // (`Auto`) gives such pages to it.
    let limits = Limits {
        detect_orientation: true,
        ..Limits::default()
    };
    let doc = parse(&sideways, "sideways.pgm", &limits).expect("OCR parses");
    let page = &doc.pages[0];
    assert_eq!(
        page_texts(page),
        ["Invoice Number INV-42", "Total Due 99.00"]
    );
    // Boxes stay in the sideways image's pixels: the text now runs down the
    // right-hand side, so the first word sits near the right edge.
    let first = &page.lines[0].words[0].bbox;
    assert!(first.left > page.width / 2.0, "{first:?} on {}", page.width);
}
