//! PDF parsing through pdfium on generated PDFs: reading order across
//! columns, real word boxes, rotation, encryption. These tests require
//! libpdfium (scripts/install-deps installs it); they fail without it.

mod common;

use std::time::Instant;

use common::pdf::{PageSpec, encrypted_pdf, pdf, run, table_page, two_columns};
use quarry_parse::{
    BlockKind, FigureKind, FileKind, Limits, ParseError, ParseOptions, parse, parse_output,
};

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
        strokes: Vec::new(),
        pictures: Vec::new(),
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
    // The parse output says which turn was applied.
    assert_eq!(page.rotation, 90);
    let out = parse_output(&doc, &ParseOptions::default());
    assert_eq!(out.metadata.pages[0].rotation_applied, Some(90));
}

#[test]
fn drawn_images_become_figure_blocks_in_reading_order() {
    require_pdfium();
    let mut page = PageSpec::new(vec![
        run(72.0, 740.0, 12.0, "Annual figures"),
        run(72.0, 300.0, 12.0, "Text below the chart"),
    ]);
    // A chart between the two lines, and an icon too small to count.
    page.pictures = vec![(72.0, 400.0, 300.0, 200.0), (500.0, 100.0, 8.0, 8.0)];
    let doc = parse(&pdf(&[page]), "fig.pdf", &Limits::default()).expect("parses");
    let page = &doc.pages[0];
    let kinds: Vec<_> = page.blocks.iter().map(|b| b.kind).collect();
    let figure = BlockKind::Figure {
        figure: FigureKind::Image,
    };
    assert_eq!(kinds, [BlockKind::Paragraph, figure, BlockKind::Paragraph]);
    // User space (72, 400)–(372, 600) on a 792 pt high page.
    let b = page.blocks[1].bbox;
    assert!(
        (b.left - 72.0).abs() < 0.5 && (b.right - 372.0).abs() < 0.5,
        "{b:?}"
    );
    assert!(
        (b.top - 192.0).abs() < 0.5 && (b.bottom - 392.0).abs() < 0.5,
        "{b:?}"
    );
    assert_eq!(page.rotation, 0);
    // In the parse output: a `figure` block with its type; none when
    // figures are turned off.
    let out = parse_output(&doc, &ParseOptions::default());
    let blocks = &out.chunks[0].blocks;
    let types: Vec<_> = blocks.iter().map(|b| b.kind).collect();
    assert_eq!(types, ["text", "figure", "text"]);
    let details = serde_json::to_value(&blocks[1].details).unwrap();
    assert_eq!(details["figureType"], "image");
    assert_eq!(out.metadata.pages[0].rotation_applied, None);
    let off = ParseOptions {
        skip_figures: true,
        ..ParseOptions::default()
    };
    let out = parse_output(&doc, &off);
    assert_eq!(out.chunks[0].blocks.len(), 2);
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
    // The message becomes a run's failureMessage: one readable line.
    let message = err.to_string();
    assert!(
        !message.contains('\n') && message.contains("broken"),
        "{message}"
    );
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

const PRICES: &[&[&str]] = &[
    &["Item", "Quantity", "Unit price", "Total"],
    &["Blue widget", "2", "3.50", "7.00"],
    &["Red gadget", "10", "1.25", "12.50"],
    &["Steel bolt", "100", "0.10", "10.00"],
];
const PRICE_COLUMNS: &[f64] = &[72.0, 220.0, 320.0, 420.0];

fn assert_price_table(doc: &quarry_parse::Document) {
    let page = &doc.pages[0];
    assert_eq!(page.tables.len(), 1, "{:?}", page.tables);
    let t = &page.tables[0];
    assert_eq!((t.rows, t.cols), (4, 4), "{t:?}");
    for (r, row) in PRICES.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            assert_eq!(t.cell(r, c), Some(*text), "cell ({r}, {c}) of {t:?}");
        }
    }
    // Cell boxes are on the page where the text is printed.
    let bolt = t
        .cells
        .iter()
        .find(|c| c.text == "Steel bolt")
        .expect("cell");
    assert!(
        bolt.bbox.left >= 70.0 && bolt.bbox.right <= 222.0,
        "{bolt:?}"
    );
    assert!(bolt.bbox.top > 92.0 && bolt.bbox.bottom < 160.0, "{bolt:?}");
    // The title stays a heading; the table is one block, rendered as a
    // markdown table; the reading-order lines are unchanged.
    assert!(matches!(page.blocks[0].kind, BlockKind::Heading { .. }));
    assert_eq!(page.blocks[1].kind, BlockKind::Table { index: 0 });
    assert_eq!(page.blocks.len(), 2, "{:?}", page.blocks);
    let md = doc.markdown();
    assert!(
        md.contains("| Item | Quantity | Unit price | Total |\n| --- | --- | --- | --- |\n| Blue widget | 2 | 3.50 | 7.00 |"),
        "{md}"
    );
    assert_eq!(page.lines[2].text, "Blue widget 2 3.50 7.00");
}

#[test]
fn ruled_table_is_detected_with_cells_and_boxes() {
    require_pdfium();
    let spec = table_page(PRICES, PRICE_COLUMNS, true);
    let doc = parse(&pdf(&[spec]), "ruled.pdf", &Limits::default()).expect("parses");
    assert_price_table(&doc);
    // Ruled cells are boxed by their drawn frame.
    let t = &doc.pages[0].tables[0];
    let qty = t.cells.iter().find(|c| c.text == "Quantity").expect("cell");
    assert!((qty.bbox.left - 220.0).abs() < 1.0 && (qty.bbox.right - 320.0).abs() < 1.0);
}

#[test]
fn whitespace_aligned_table_is_detected() {
    require_pdfium();
    let spec = table_page(PRICES, PRICE_COLUMNS, false);
    let doc = parse(&pdf(&[spec]), "aligned.pdf", &Limits::default()).expect("parses");
    assert_price_table(&doc);
}

#[test]
fn two_column_text_page_has_no_table() {
    require_pdfium();
    let doc = parse(&pdf(&[two_columns()]), "cols.pdf", &Limits::default()).expect("parses");
    assert!(doc.pages[0].tables.is_empty(), "{:?}", doc.pages[0].tables);
}

#[test]
fn table_continued_on_the_next_page_gets_its_header() {
    require_pdfium();
    let first = table_page(PRICES, PRICE_COLUMNS, true);
    let rest: &[&[&str]] = &[
        &["Copper nut", "50", "0.20", "10.00"],
        &["Brass washer", "40", "0.05", "2.00"],
    ];
    let mut second = table_page(rest, PRICE_COLUMNS, true);
    second.runs.remove(0);
    let doc = parse(&pdf(&[first, second]), "two.pdf", &Limits::default()).expect("parses");
    let t = &doc.pages[1].tables[0];
    assert!(t.continued && t.header_rows == 1, "{t:?}");
    assert_eq!(t.cell(0, 2), Some("Unit price"));
    assert_eq!(t.cell(1, 0), Some("Copper nut"));
}

#[test]
fn pages_stream_one_at_a_time_across_document_reopens() {
    require_pdfium();
    // 250 pages crosses the point (200) where pdfium's document is reopened.
    let bytes = pdf(&(0..250).map(|_| two_columns()).collect::<Vec<_>>());
    let whole = parse(&bytes, "s.pdf", &Limits::default()).expect("parses");
    let mut streamed = Vec::new();
    let kind = quarry_parse::parse_pages(&bytes, "s.pdf", &Limits::default(), |p| streamed.push(p))
        .expect("parses");
    assert_eq!(kind, FileKind::Pdf);
    assert_eq!(streamed.len(), 250);
    assert!(
        streamed
            .iter()
            .enumerate()
            .all(|(i, p)| p.number == i as u32 + 1)
    );
    assert_eq!(streamed, whole.pages);
    let capped = Limits {
        max_pages: 10,
        ..Limits::default()
    };
    let mut seen = 0;
    let err = quarry_parse::parse_pages(&bytes, "s.pdf", &capped, |_| seen += 1).unwrap_err();
    assert!(
        matches!(err, ParseError::TooManyPages { pages: 250, .. }),
        "{err:?}"
    );
    assert_eq!(seen, 0, "the page cap is checked before any page");
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

#[test]
fn a_cut_page_range_keeps_exactly_its_pages() {
    let page = |t: &str| PageSpec::new(vec![run(72.0, 700.0, 12.0, t)]);
    let bytes = pdf(&[page("First page"), page("Second page"), page("Third page")]);
    let cut = quarry_parse::cut_pages(&bytes, FileKind::Pdf, 2, 3).expect("cut");
    let doc = parse(&cut, "cut.pdf", &Limits::default()).expect("the cut parses");
    let texts: Vec<String> = doc
        .pages
        .iter()
        .map(|p| {
            p.lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(texts, ["Second page", "Third page"]);
    assert!(quarry_parse::cut_pages(&bytes, FileKind::Pdf, 3, 4).is_err());
    let locked = encrypted_pdf(&[page("Secret")], "owner", "user");
    assert!(matches!(
        quarry_parse::cut_pages(&locked, FileKind::Pdf, 1, 1),
        Err(ParseError::PasswordProtected)
    ));
}

#[test]
fn a_password_unlocks_a_protected_pdf_and_a_wrong_one_is_named() {
    let page = PageSpec::new(vec![run(72.0, 700.0, 12.0, "Invoice Number: LOCKED-7")]);
    let locked = encrypted_pdf(&[page], "owner-secret", "user-secret");
    assert!(matches!(
        parse(&locked, "locked.pdf", &Limits::default()),
        Err(ParseError::PasswordProtected)
    ));
    let open = quarry_parse::unlock_pdf(&locked, "user-secret").expect("unlocked");
    let doc = parse(&open, "locked.pdf", &Limits::default()).expect("parses once unlocked");
    assert!(doc.text().contains("LOCKED-7"), "{}", doc.text());
    assert!(matches!(
        quarry_parse::unlock_pdf(&locked, "guess"),
        Err(ParseError::WrongPassword)
    ));
    let plain = pdf(&[PageSpec::new(vec![run(72.0, 700.0, 12.0, "Plain")])]);
    assert_eq!(
        quarry_parse::unlock_pdf(&plain, "any").expect("as is"),
        plain
    );
}
