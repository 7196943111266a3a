//! DOCX, XLSX, PPTX, HTML and CSV on generated documents: structure
//! (headings, lists, tables with A1 references), reading order, boxes and
//! markdown, plus the zip-bomb and cell caps.

mod common;

use common::office::{
    XlsxSheet, docx, docx_with_parts, list_item, page_break, para, pptx, table, xlsx, xlsx_parts,
    zip_of,
};
use quarry_parse::{
    BlockKind, FigureKind, FileKind, Limits, ParseError, SheetOptions, SheetSelection, parse,
};

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

/// A workbook with a hidden sheet, a hidden row and column, and a date cell
/// (style 1 = number format 14, `m/d/yyyy`).
fn workbook_with_hidden_content() -> Vec<u8> {
    let styles = r#"<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#;
    let visible = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols><col min="2" max="2" hidden="1"/></cols><sheetData>
        <row r="1"><c r="A1" t="inlineStr"><is><t>Due</t></is></c><c r="B1" t="inlineStr"><is><t>internal</t></is></c><c r="C1" s="1"><v>45356</v></c></row>
        <row r="2" hidden="1"><c r="A2" t="inlineStr"><is><t>draft row</t></is></c></row>
        <row r="3"><c r="A3" t="inlineStr"><is><t>Total</t></is></c><c r="C3"><v>0.30000000000000004</v></c></row>
        </sheetData></worksheet>"#;
    let secret = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>secret</t></is></c></row></sheetData></worksheet>"#;
    let last = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>notes</t></is></c></row></sheetData></worksheet>"#;
    let sheet = |name: &str, state, xml: &str| XlsxSheet {
        name: name.to_string(),
        state,
        xml: xml.to_string(),
    };
    xlsx_parts(
        &[
            sheet("Invoice", None, visible),
            sheet("Scratch", Some("hidden"), secret),
            sheet("Notes", None, last),
        ],
        Some(styles),
    )
}

#[test]
fn xlsx_dates_display_as_dates_and_hidden_content_is_kept_by_default() {
    let doc = parse(
        &workbook_with_hidden_content(),
        "b.xlsx",
        &Limits::default(),
    )
    .expect("parses");
    assert_eq!(doc.page_count(), 3);
    let t = &doc.pages[0].tables[0];
    assert_eq!(t.cell(0, 2), Some("2024-03-05"));
    assert_eq!(t.cell(2, 2), Some("0.3"));
    assert!(doc.markdown().contains("draft row") && doc.markdown().contains("secret"));

    let raw = Limits {
        sheets: SheetOptions {
            raw_values: true,
            ..SheetOptions::default()
        },
        ..Limits::default()
    };
    let doc = parse(&workbook_with_hidden_content(), "b.xlsx", &raw).expect("parses");
    assert_eq!(doc.pages[0].tables[0].cell(0, 2), Some("45356"));
}

#[test]
fn xlsx_hidden_sheets_rows_and_columns_can_be_skipped_and_sheets_selected() {
    let skip = Limits {
        sheets: SheetOptions {
            skip_hidden: true,
            ..SheetOptions::default()
        },
        ..Limits::default()
    };
    let doc = parse(&workbook_with_hidden_content(), "b.xlsx", &skip).expect("parses");
    let md = doc.markdown();
    assert!(
        !md.contains("draft row") && !md.contains("internal"),
        "{md}"
    );
    assert!(!md.contains("secret"), "{md}");
    // The hidden sheet keeps its (empty) page: page numbers stay sheet numbers.
    assert_eq!(doc.page_count(), 3);
    assert!(doc.pages[1].lines.is_empty());
    let t = &doc.pages[0].tables[0];
    let due = t
        .cells
        .iter()
        .find(|c| c.text == "2024-03-05")
        .expect("date");
    assert_eq!(due.reference.as_deref(), Some("C1"));

    let last = Limits {
        sheets: SheetOptions {
            selection: SheetSelection::Last,
            ..SheetOptions::default()
        },
        ..Limits::default()
    };
    let doc = parse(&workbook_with_hidden_content(), "b.xlsx", &last).expect("parses");
    assert_eq!(doc.page_count(), 3);
    let md = doc.markdown();
    assert!(md.contains("notes") && !md.contains("Due"), "{md}");
}

#[test]
fn docx_headers_come_first_and_footers_and_footnotes_last() {
    let letterhead = para(None, "Brauhaus Lindner GmbH, Hopfenweg 4, München");
    let footer = para(None, "USt-IdNr. DE123456789");
    let notes = format!(
        r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1">{}</w:footnote>"#,
        para(None, "Prices include delivery.")
    );
    let bytes = docx_with_parts(
        &para(None, "Invoice INV-7"),
        &[
            ("header", "header1.xml", &letterhead),
            // The first-page header repeats the default one: read once.
            ("header", "header2.xml", &letterhead),
            ("footer", "footer1.xml", &footer),
            ("footnotes", "footnotes.xml", &notes),
        ],
    );
    let doc = parse(&bytes, "letter.docx", &Limits::default()).expect("docx parses");
    let lines: Vec<&str> = doc.pages[0].lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        lines,
        [
            "Brauhaus Lindner GmbH, Hopfenweg 4, München",
            "Invoice INV-7",
            "USt-IdNr. DE123456789",
            "Prices include delivery.",
        ]
    );
}

/// The figure blocks of `doc` as (figure kind, description).
fn figures(doc: &quarry_parse::Document) -> Vec<(FigureKind, String)> {
    doc.pages
        .iter()
        .flat_map(|p| &p.blocks)
        .filter_map(|b| match b.kind {
            BlockKind::Figure { figure } => Some((figure, b.text.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn pictures_in_docx_pptx_and_html_are_figures_with_their_alt_text() {
    // DOCX: a drawing anchored in a paragraph comes after its text; a
    // chart is a chart.
    let drawing = |descr: &str, chart: bool| {
        let graphic = if chart {
            r#"<a:graphic><a:graphicData><c:chart r:id="rId9"/></a:graphicData></a:graphic>"#
        } else {
            r#"<a:graphic><a:graphicData><pic:pic/></a:graphicData></a:graphic>"#
        };
        format!(
            r#"<w:p><w:r><w:t>Sales grew.</w:t></w:r><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1" descr="{descr}"/>{graphic}</wp:inline></w:drawing></w:r></w:p>"#
        )
    };
    let text_box = r#"<w:p><w:r><w:t>Boxed</w:t></w:r><w:r><w:drawing><wp:anchor><wp:docPr id="2" name="Text Box 1"/><a:graphic><a:graphicData><wps:txbx><w:txbxContent><w:p><w:r><w:t>note</w:t></w:r></w:p></w:txbxContent></wps:txbx></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>"#;
    let body = format!(
        "{text_box}{}{}{}",
        drawing("Company logo", false),
        drawing("Revenue by quarter", true),
        para(None, "After the figures.")
    );
    let doc = parse(&docx(&body), "f.docx", &Limits::default()).expect("docx parses");
    assert_eq!(
        figures(&doc),
        [
            (FigureKind::Image, "Company logo".to_string()),
            (FigureKind::Chart, "Revenue by quarter".to_string())
        ]
    );
    let md = doc.markdown();
    // A text box's text joins its paragraph; the box is not a picture.
    assert!(md.starts_with("Boxed note\n\nSales grew."), "{md}");
    assert!(
        md.contains("Sales grew.\n\n<!-- image: Company logo -->\n\nSales grew."),
        "{md}"
    );
    // The description is not document text: no line holds it.
    let lines: Vec<&str> = doc.pages[0].lines.iter().map(|l| l.text.as_str()).collect();
    assert!(!lines.iter().any(|l| l.contains("logo")), "{lines:?}");

    // PPTX: a picture and a chart frame; a table frame is not a figure.
    let slide = r#"<?xml version="1.0"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:pic><p:nvPicPr><p:cNvPr id="4" name="Picture 3" descr="Team photo"/></p:nvPicPr><p:blipFill><a:blip r:embed="rId2"/></p:blipFill></p:pic><p:pic><p:nvPicPr><p:cNvPr id="7" name="Broken" descr="Missing image"/></p:nvPicPr><p:blipFill><a:blip r:embed="rId3"/></p:blipFill></p:pic><p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="5" name="Chart 1" title="Costs"/></p:nvGraphicFramePr><a:graphic><a:graphicData><c:chart/></a:graphicData></a:graphic></p:graphicFrame><p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="6" name="Table 1"/></p:nvGraphicFramePr><a:graphic><a:graphicData><a:tbl><a:tr><a:tc><a:txBody><a:p><a:r><a:t>Cell</a:t></a:r></a:p></a:txBody></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame></p:spTree></p:cSld></p:sld>"#;
    // rId3 points at an image the package does not hold.
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image1.png"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/gone.png"/></Relationships>"#;
    let pptx = zip_of(&[
        ("ppt/slides/slide1.xml", slide.to_string()),
        ("ppt/slides/_rels/slide1.xml.rels", rels.to_string()),
        ("ppt/media/image1.png", "png".to_string()),
    ]);
    let doc = parse(&pptx, "f.pptx", &Limits::default()).expect("pptx parses");
    assert_eq!(
        figures(&doc),
        [
            (FigureKind::Image, "Team photo".to_string()),
            (FigureKind::Chart, "Costs".to_string())
        ]
    );
    assert_eq!(doc.pages[0].tables.len(), 1);

    // HTML: images by their alt text; a tracking pixel is not a figure.
    let html = r#"<html><body><p>Intro</p><img src="a.png" alt="Floor plan"><img src="t.gif" width="1" height="1"><p>Outro</p></body></html>"#;
    let doc = parse(html.as_bytes(), "f.html", &Limits::default()).expect("html parses");
    assert_eq!(
        figures(&doc),
        [(FigureKind::Image, "Floor plan".to_string())]
    );
    assert_eq!(
        doc.markdown(),
        "Intro\n\n<!-- image: Floor plan -->\n\nOutro"
    );
}
