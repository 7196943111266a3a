//! DOCX, XLSX, PPTX, HTML and CSV on generated documents: structure
//! (headings, lists, tables with A1 references), reading order, boxes and
//! markdown, plus the zip-bomb and cell caps.

mod common;

use common::office::{docx, list_item, page_break, para, pptx, table, xlsx, zip_of};
use quarry_parse::{BlockKind, FileKind, Limits, ParseError, parse};

#[test]
fn docx_headings_paragraphs_lists_tables_and_page_breaks() {
    let body = [
        para(Some("Kop1"), "Service Agreement"),
        para(
            None,
            "This agreement is made between Acme &amp; Co and the Client.",
        ),
        list_item("First obligation"),
        list_item("Second obligation"),
        table(&[
            &["Item", "Amount"],
            &["Setup", "1,200.00"],
            &["Support", "300.00"],
        ]),
        page_break(),
        para(Some("Heading2"), "Signatures"),
    ]
    .concat();
    let doc = parse(&docx(&body), "a.docx", &Limits::default()).expect("docx parses");
    assert_eq!(doc.kind, FileKind::Docx);
    assert_eq!(doc.page_count(), 2);
    let p1 = &doc.pages[0];
    let kinds: Vec<BlockKind> = p1.blocks.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [
            BlockKind::Heading { level: 1 },
            BlockKind::Paragraph,
            BlockKind::ListItem,
            BlockKind::ListItem,
            BlockKind::Table { index: 0 },
        ]
    );
    let t = &p1.tables[0];
    assert_eq!((t.rows, t.cols), (3, 2));
    assert_eq!(t.cell(1, 1), Some("1,200.00"));
    // The row is also a line, cells separated by a wide gap.
    let row = p1
        .lines
        .iter()
        .find(|l| l.text.starts_with("Setup"))
        .expect("row line");
    assert_eq!(row.words.len(), 2);
    assert!(row.words[1].bbox.left - row.words[0].bbox.right >= 12.0);
    assert_eq!(row.words[1].bbox, t.cells[3].bbox);
    let md = doc.markdown();
    assert!(md.starts_with("# Service Agreement\n\nThis agreement is made between Acme & Co and the Client.\n\n- First obligation\n- Second obligation"), "{md}");
    assert!(
        md.contains("| Item | Amount |\n| --- | --- |\n| Setup | 1,200.00 |"),
        "{md}"
    );
    assert!(md.ends_with("## Signatures"), "{md}");
}

#[test]
fn xlsx_sheets_are_pages_with_a1_cells() {
    let bytes = xlsx(&[
        (
            "Invoices",
            &[
                ("A1", "Number"),
                ("B1", "Total"),
                ("A2", "INV-1"),
                ("B2", "12.5"),
                ("A4", "INV-2"),
                ("B4", "7"),
            ],
        ),
        ("Notes", &[("C3", "late fee waived")]),
    ]);
    let doc = parse(&bytes, "book.xlsx", &Limits::default()).expect("xlsx parses");
    assert_eq!(doc.kind, FileKind::Excel);
    assert_eq!(doc.page_count(), 2);
    let t = &doc.pages[0].tables[0];
    assert_eq!(t.name.as_deref(), Some("Invoices"));
    // Empty row 3 is dropped, references stay true to the sheet.
    assert_eq!((t.rows, t.cols), (3, 2));
    let cell = t.cells.iter().find(|c| c.text == "INV-2").expect("INV-2");
    assert_eq!(cell.reference.as_deref(), Some("A4"));
    assert_eq!(t.cell(1, 1), Some("12.5"));
    assert_eq!(doc.pages[0].lines[1].text, "INV-1    12.5");
    let notes = &doc.pages[1].tables[0];
    assert_eq!(notes.cells[0].reference.as_deref(), Some("C3"));
    assert!(
        doc.markdown()
            .contains("| Number | Total |\n| --- | --- |\n| INV-1 | 12.5 |")
    );
}

#[test]
fn xlsx_claiming_a_huge_range_is_refused_before_allocation() {
    let bytes = xlsx(&[("S", &[("A1", "x"), ("XFD1048576", "y")])]);
    let err = parse(&bytes, "bomb.xlsx", &Limits::default()).expect_err("range cap");
    assert!(matches!(err, ParseError::TooManyCells { .. }), "{err:?}");
}

#[test]
fn ods_repeated_rows_past_the_cell_cap_are_refused() {
    let row = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    let content = format!(
        r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S">{row}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let bytes = zip_of(&[
        (
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet".into(),
        ),
        ("content.xml", content),
    ]);
    let err = parse(&bytes, "bomb.ods", &Limits::default()).expect_err("repeat cap");
    assert!(matches!(err, ParseError::TooManyCells { .. }), "{err:?}");
}

#[test]
fn pptx_slides_are_pages_with_titles() {
    let bytes = pptx(&[
        ("Q3 Results", &["Revenue up 12%", "Churn down"]),
        ("Next Steps", &["Hire"]),
    ]);
    let doc = parse(&bytes, "deck.pptx", &Limits::default()).expect("pptx parses");
    assert_eq!(doc.kind, FileKind::Pptx);
    assert_eq!(doc.page_count(), 2);
    assert_eq!(doc.pages[0].lines[0].text, "Q3 Results");
    assert_eq!(doc.pages[0].blocks[0].kind, BlockKind::Heading { level: 1 });
    assert_eq!(doc.pages[1].lines[1].text, "Hire");
    assert!(
        doc.markdown()
            .contains("# Q3 Results\n\nRevenue up 12%\n\nChurn down\n\n# Next Steps")
    );
}

#[test]
fn html_visible_text_in_block_order() {
    let html = r#"<html><head><title>T</title><style>p{}</style><script>var x = "secret";</script></head>
    <body><h1>Order Summary</h1><p>Thanks for your <b>order</b>.<br>Ships soon.</p>
    <div hidden>hidden text</div><p style="display: none">also hidden</p>
    <ul><li>Widget<ul><li>Blue</li></ul></li><li>Gadget</li></ul>
    <table><thead><tr><th>Item</th><th>Qty</th></tr></thead><tbody><tr><td>Widget</td><td>2</td></tr></tbody></table>
    Trailing text</body></html>"#;
    let doc = parse(html.as_bytes(), "page.html", &Limits::default()).expect("html parses");
    let text = doc.text();
    assert!(
        !text.contains("secret") && !text.contains("hidden"),
        "{text}"
    );
    let md = doc.markdown();
    assert_eq!(
        md,
        "# Order Summary\n\nThanks for your order. Ships soon.\n\n- Widget\n- Blue\n- Gadget\n\n| Item | Qty |\n| --- | --- |\n| Widget | 2 |\n\nTrailing text"
    );
}

#[test]
fn csv_is_one_table_and_aligned_lines() {
    let doc = parse(b"Name,Total\nAcme,10.00\n", "t.csv", &Limits::default()).expect("csv");
    assert_eq!(doc.kind, FileKind::Csv);
    assert_eq!(doc.pages[0].tables[0].cell(1, 0), Some("Acme"));
    assert_eq!(doc.pages[0].lines[1].text, "Acme   10.00");
}

#[test]
fn zip_bombs_and_cell_caps_are_typed_errors() {
    let big = "<w:p><w:r><w:t>aaaa</w:t></w:r></w:p>".repeat(50_000);
    let bytes = docx(&big);
    let limits = Limits {
        max_decompressed_bytes: 100_000,
        ..Limits::default()
    };
    let err = parse(&bytes, "bomb.docx", &limits).expect_err("bomb");
    assert!(
        matches!(err, ParseError::TooLargeDecompressed { .. }),
        "{err:?}"
    );

    let limits = Limits {
        max_cells: 3,
        ..Limits::default()
    };
    let err = parse(b"a,b\nc,d\n", "t.csv", &limits).expect_err("cells");
    assert!(
        matches!(err, ParseError::TooManyCells { limit: 3 }),
        "{err:?}"
    );

    let err = parse(
        &zip_of(&[("x.txt", "hi".into())]),
        "x.docx",
        &Limits::default(),
    )
    .expect_err("no document.xml");
    assert!(matches!(err, ParseError::Corrupt(_)), "{err:?}");
}
