//! PDF parsing through pdfium on generated PDFs: reading order across
//! columns, real word boxes, rotation, encryption. These tests require
//! libpdfium (scripts/install-deps installs it); they fail without it.

mod common;

use std::time::Instant;

use common::pdf::{PageSpec, encrypted_pdf, pdf, run, two_columns};
use quarry_parse::{BlockKind, FileKind, Limits, ParseError, parse};

fn require_pdfium() {
    assert!(
        quarry_parse::pdfium_available(),
        "libpdfium.so not found: run scripts/install-deps or set QUARRY_PDFIUM_LIB"
    );
}

#[test]
fn two_column_page_reads_left_column_then_right_with_real_boxes() {
    require_pdfium();
    let doc = parse(&pdf(&[two_columns()]), "r.pdf", &Limits::default()).expect("parses");
    assert_eq!(doc.kind, FileKind::Pdf);
    let page = &doc.pages[0];
    assert_eq!((page.width, page.height), (612.0, 792.0));
    let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts[0], "Quarterly Report Title");
    assert_eq!(texts[1], "Left column sentence number 0 goes here");
    assert_eq!(texts[6], "Left column sentence number 5 goes here");
    assert_eq!(texts[7], "Right column sentence number 0 goes here");
    assert_eq!(texts[13], "Total Due: 1,234.56", "{texts:?}");

    // Boxes are in points with a top-left origin: the title (baseline
    // y=740) sits about 52 pt from the top, 18 pt tall.
    let title = &page.lines[0].words[0];
    assert_eq!(title.text, "Quarterly");
    assert!((title.bbox.left - 72.0).abs() < 1.5, "{:?}", title.bbox);
    assert!(
        title.bbox.top > 30.0 && title.bbox.top < 55.0,
        "{:?}",
        title.bbox
    );
    assert!(
        title.bbox.bottom > 52.0 && title.bbox.bottom < 62.0,
        "{:?}",
        title.bbox
    );
    let right = &page.lines[7].words[0];
    assert!((right.bbox.left - 320.0).abs() < 1.5, "{:?}", right.bbox);
    for w in page.lines.iter().flat_map(|l| &l.words) {
        assert!(w.bbox.left < w.bbox.right && w.bbox.top < w.bbox.bottom);
        assert!(w.bbox.right <= 612.0 && w.bbox.bottom <= 792.0);
    }
    // Words keep their order inside a line and move right.
    let line = &page.lines[1].words;
    assert!(line.windows(2).all(|p| p[0].bbox.right < p[1].bbox.left));

    assert!(matches!(page.blocks[0].kind, BlockKind::Heading { .. }));
    let md = doc.markdown();
    assert!(md.starts_with("## Quarterly Report Title\n\n"), "{md}");
    assert!(
        md.contains("Left column sentence number 5 goes here\n\nRight column"),
        "{md}"
    );
}

#[test]
fn rotated_page_has_swapped_size_and_boxes_inside_it() {
    require_pdfium();
    let rotated = PageSpec {
        rotate: 90,
        runs: vec![
            run(100.0, 72.0, 12.0, "Rotated page text"),
            run(130.0, 72.0, 12.0, "Second line"),
        ],
        upright_when_rotated: true,
    };
    let doc = parse(&pdf(&[rotated]), "rot.pdf", &Limits::default()).expect("parses");
    let page = &doc.pages[0];
    assert_eq!((page.width, page.height), (792.0, 612.0));
    let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["Rotated page text", "Second line"]);
    for w in page.lines.iter().flat_map(|l| &l.words) {
        let b = w.bbox;
        assert!(
            b.left >= 0.0 && b.right <= 792.0 && b.top >= 0.0 && b.bottom <= 612.0,
            "{b:?}"
        );
    }
    // User-space (100, 72) becomes display (72, ~100) on a page turned
    // clockwise: the baseline is at y=100 from the top.
    let first = &page.lines[0].words[0].bbox;
    assert!((first.left - 72.0).abs() < 1.5, "{first:?}");
    assert!(first.top > 85.0 && first.bottom < 106.0, "{first:?}");
}

#[test]
fn owner_only_encryption_opens_and_user_password_is_typed() {
    require_pdfium();
    let spec = || PageSpec::new(vec![run(72.0, 700.0, 12.0, "Invoice Number: INV-9")]);
    let open = encrypted_pdf(&[spec()], "owner-secret", "");
    let doc = parse(&open, "o.pdf", &Limits::default()).expect("empty user password opens");
    assert_eq!(doc.pages[0].lines[0].text, "Invoice Number: INV-9");

    let locked = encrypted_pdf(&[spec()], "owner-secret", "user-secret");
    let err = parse(&locked, "l.pdf", &Limits::default()).expect_err("locked");
    assert!(matches!(err, ParseError::PasswordProtected), "{err:?}");
}

#[test]
fn garbage_and_page_caps_are_typed_errors() {
    require_pdfium();
    let err = parse(b"%PDF-1.4\n garbage", "g.pdf", &Limits::default()).expect_err("garbage");
    assert!(matches!(err, ParseError::Corrupt(_)), "{err:?}");
    let pages: Vec<PageSpec> = (0..3)
        .map(|i| PageSpec::new(vec![run(72.0, 700.0, 12.0, &format!("page {i}"))]))
        .collect();
    let limits = Limits {
        max_pages: 2,
        ..Limits::default()
    };
    let err = parse(&pdf(&pages), "p.pdf", &limits).expect_err("too many pages");
    assert!(
        matches!(err, ParseError::TooManyPages { pages: 3, limit: 2 }),
        "{err:?}"
    );
}

#[test]
fn hundred_page_pdf_throughput() {
    require_pdfium();
    let pages: Vec<PageSpec> = (0..100).map(|_| two_columns()).collect();
    let bytes = pdf(&pages);
    let start = Instant::now();
    let doc = parse(&bytes, "100.pdf", &Limits::default()).expect("parses");
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(doc.page_count(), 100);
    let words: usize = doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .map(|l| l.words.len())
        .sum();
    println!(
        "100-page PDF: {:.0} pages/s ({words} words, {:.3} s)",
        100.0 / secs,
        secs
    );
}
