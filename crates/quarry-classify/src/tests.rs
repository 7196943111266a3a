//! Behaviour a caller notices, on small documents built in code: text
//! parsed the way the server parses a `.txt` upload (form feeds split
//! pages), and a till-roll photo built word by word.

use quarry_parse::{BBox, Document, FileKind, Line, Page, Word};

use crate::{Class, ClassifyError, SplitOptions, classify, split};

fn text(s: &str) -> Document {
    quarry_parse::parse(s.as_bytes(), "x.txt", &Default::default()).expect("text parses")
}

fn classes() -> Vec<Class> {
    vec![
        Class::new(
            "invoice",
            "A supplier invoice or bill: invoice number, seller and buyer, line items and an amount due.",
        ),
        Class::new(
            "receipt",
            "A till or cash-register receipt from a shop or restaurant: items, total, cash or card, change.",
        ),
        Class::new(
            "bank_statement",
            "A bank account statement: account holder, IBAN, period, transactions with running balance.",
        ),
        Class::new(
            "report",
            "A report, article or data publication whose pages hold text and statistical tables.",
        ),
    ]
}

fn invoice(number: &str, page: &str) -> String {
    format!(
        "ACME SUPPLIES GMBH\n\
         INVOICE\n\
         Invoice Number: {number}\n\
         Invoice Date: 05.03.2024\n\
         Bill to: Example Buyer Ltd\n\
         \n\
         Pos Description              Qty  Unit price     Amount\n\
         1   Hex bolts M8              100        0.12      12.00\n\
         2   Washers                   200        0.05      10.00\n\
         Net total                                          22.00\n\
         VAT 19 %                                            4.18\n\
         Amount due                                         26.18\n\
         {page}\n"
    )
}

const STATEMENT: &str = "Northern Bank\n\
    Account Statement\n\
    Account holder: Jane Doe\n\
    IBAN: DE11 1810 9939 8556 4473 03\n\
    Period: 01 Mar 2023 - 31 Mar 2023\n\
    Date         Description              Amount      Balance\n\
    01 Mar 2023  Opening balance                      1,000.00\n\
    02 Mar 2023  Card payment             -100.00       900.00\n\
    05 Mar 2023  Salary                 +2,000.00     2,900.00\n\
    09 Mar 2023  Direct debit rent        -850.00     2,050.00\n\
    12 Mar 2023  Card payment              -50.25     1,999.75\n";

const REPORT: &str = "Annual Survey Report\n\
    This report summarises the results of the household survey carried out across the region last year.\n\
    The figures below show the population and growth rates by district as estimated by the statistics office.\n\
    Table 1: Population by district\n\
    District      1990     2000     2010   Growth %\n\
    North        12034    13550    15020      10.8\n\
    South         9821    10200    11876      16.4\n\
    East          7640     8012     9300      16.1\n\
    West          5120     5500     6100      10.9\n\
    Source: regional statistics office, own calculations based on the census of the previous decade.\n";

/// A photographed till roll: a narrow column of short recognised lines
/// on a wide photo.
fn till_roll_photo() -> Document {
    let rows = [
        "FAMILY MART",
        "TAX INVOICE",
        "Cashier: 03",
        "2 x Bread      3.20",
        "1 x Milk       2.50",
        "TOTAL          5.70",
        "CASH          10.00",
        "CHANGE         4.30",
        "THANK YOU",
    ];
    let mut page = Page::new(1, 1000.0, 1400.0);
    for (i, row) in rows.iter().enumerate() {
        let top = 200.0 + 40.0 * i as f64;
        let words: Vec<Word> = row
            .split_whitespace()
            .enumerate()
            .map(|(j, w)| Word {
                text: w.to_string(),
                bbox: BBox {
                    left: 400.0 + 30.0 * j as f64,
                    top,
                    right: 425.0 + 30.0 * j as f64,
                    bottom: top + 20.0,
                },
                confidence: 0.93,
            })
            .collect();
        page.lines.extend(Line::from_words(words));
    }
    Document::new(FileKind::Image, vec![page])
}

fn kind_of(doc: &Document) -> String {
    let classes = classes();
    let c = classify(doc, &classes, None).expect("classifies");
    classes[c.class].kind.clone()
}

#[test]
fn classify_tells_four_kinds_apart() {
    assert_eq!(kind_of(&text(&invoice("INV-1", ""))), "invoice");
    assert_eq!(kind_of(&text(STATEMENT)), "bank_statement");
    assert_eq!(kind_of(&text(REPORT)), "report");
    assert_eq!(kind_of(&till_roll_photo()), "receipt");
}

#[test]
fn confidence_is_a_probability() {
    let c = classify(&text(STATEMENT), &classes(), None).expect("classifies");
    assert!((0.0..=1.0).contains(&c.confidence));
    assert!((c.distribution.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    assert!(c.confidence > 0.5, "a clear statement: {c:?}");
    assert!(!c.insights.is_empty());
}

#[test]
fn rules_text_changes_the_decision() {
    let classes = vec![
        Class::new("memo", "An internal note."),
        Class::new("notice", "A formal notice."),
    ];
    let doc = text("Quarterly widget census\nThe widget census counts widgets.\n");
    let without = classify(&doc, &classes, None).expect("classifies");
    let with = classify(
        &doc,
        &classes,
        Some("Anything about the \"widget census\" is a notice."),
    )
    .expect("classifies");
    assert_eq!(without.class, 0, "a tie goes to the first class");
    assert_eq!(with.class, 1);
    assert!(with.insights.iter().any(|i| i.contains("widget")));
}

#[test]
fn classes_are_user_defined() {
    let classes = vec![
        Class::new(
            "recipe",
            "A cooking recipe: ingredients, oven, bake, minutes.",
        ),
        Class::new("poem", "A poem in verses and stanzas."),
    ];
    let doc =
        text("Apple pie\nIngredients: apples, flour, butter\nBake in the oven for 40 minutes.\n");
    assert_eq!(classify(&doc, &classes, None).map(|c| c.class), Ok(0));
}

#[test]
fn errors_name_the_bad_input() {
    let doc = text(STATEMENT);
    assert_eq!(classify(&doc, &[], None), Err(ClassifyError::NoClasses));
    let twice = vec![Class::new("a", ""), Class::new("a", "")];
    assert_eq!(
        classify(&doc, &twice, None),
        Err(ClassifyError::DuplicateId("a".into()))
    );
    let empty = Document::new(FileKind::Pdf, Vec::new());
    assert_eq!(
        classify(&empty, &classes(), None),
        Err(ClassifyError::NoPages)
    );
    assert_eq!(
        split(&empty, &classes(), &SplitOptions::default()),
        Err(ClassifyError::NoPages)
    );
}

fn ranges(doc: &Document, opts: &SplitOptions) -> Vec<(String, u32, u32)> {
    let classes = classes();
    split(doc, &classes, opts)
        .expect("splits")
        .into_iter()
        .map(|s| (classes[s.class].kind.clone(), s.start_page, s.end_page))
        .collect()
}

#[test]
fn two_invoices_back_to_back_are_two_splits() {
    let packet = text(&format!(
        "{}\u{c}{}",
        invoice("INV-1001", ""),
        invoice("INV-1002", "")
    ));
    assert_eq!(
        ranges(&packet, &SplitOptions::default()),
        [("invoice".into(), 1, 1), ("invoice".into(), 2, 2)]
    );
}

#[test]
fn page_markers_join_and_cut() {
    let packet = text(&format!(
        "{}\u{c}Pos Description Qty Amount\n3 Nuts 10 1.00\nPage 2 of 2\n\u{c}{}\u{c}{}",
        invoice("INV-7", "Page 1 of 2"),
        invoice("INV-8", "Page 1 of 1"),
        STATEMENT,
    ));
    assert_eq!(
        ranges(&packet, &SplitOptions::default()),
        [
            ("invoice".into(), 1, 2),
            ("invoice".into(), 3, 3),
            ("bank_statement".into(), 4, 4)
        ]
    );
}

#[test]
fn identifiers_and_strict_merging() {
    let mut classes = classes();
    classes[0].identifier_key = Some("the invoice number".into());
    // The same invoice printed twice (an original and a copy).
    let packet = text(&format!(
        "{}\u{c}{}\u{c}{}",
        invoice("INV-42", "Page 1 of 1"),
        invoice("INV-42", "Page 1 of 1"),
        invoice("INV-43", "Page 1 of 1"),
    ));
    let loose = split(&packet, &classes, &SplitOptions::default()).expect("splits");
    let ids: Vec<Option<&str>> = loose.iter().map(|s| s.identifier.as_deref()).collect();
    assert_eq!(ids, [Some("INV-42"), Some("INV-42"), Some("INV-43")]);
    let strict = SplitOptions {
        strict_identifier: true,
        ..SplitOptions::default()
    };
    let merged = split(&packet, &classes, &strict).expect("splits");
    let pages: Vec<(u32, u32)> = merged.iter().map(|s| (s.start_page, s.end_page)).collect();
    assert_eq!(pages, [(1, 2), (3, 3)]);
    assert!(merged.iter().all(|s| (0.0..=1.0).contains(&s.confidence)));
}

#[test]
fn a_receipt_photo_after_a_statement_is_its_own_split() {
    let mut packet = text(STATEMENT);
    let mut photo = till_roll_photo().pages.remove(0);
    photo.number = 2;
    packet.pages.push(photo);
    assert_eq!(
        ranges(&packet, &SplitOptions::default()),
        [("bank_statement".into(), 1, 1), ("receipt".into(), 2, 2)]
    );
}
