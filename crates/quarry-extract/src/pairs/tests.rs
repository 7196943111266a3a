//! Pair finding on small laid-out texts: colon, spaced, inline and
//! label-line pairs, and what is not a pair.

use super::*;

fn pairs(text: &str) -> Vec<(String, Option<String>, PairKind)> {
    let doc = quarry_parse::parse(text.as_bytes(), "t.txt", &Default::default()).expect("parses");
    let layout = Layout::new(&doc);
    find_pairs(&layout)
        .into_iter()
        .map(|p| {
            (
                p.label_text.clone(),
                p.value.map(|v| layout.text(&v)),
                p.kind,
            )
        })
        .collect()
}

#[test]
fn numbers_inside_running_text_have_their_own_labels() {
    let found = pairs("Handelsrechnung (380) Nr. 471102 vom 15.11.2024");
    assert_eq!(
        found,
        vec![
            (
                "Handelsrechnung (380) Nr.".into(),
                Some("471102".into()),
                PairKind::Inline
            ),
            (
                "Handelsrechnung (380) date".into(),
                Some("15.11.2024".into()),
                PairKind::Inline
            ),
        ]
    );
    let no_value = pairs("We ship No. of items in stock today");
    assert!(no_value.iter().all(|p| p.2 != PairKind::Inline));
}

#[test]
fn a_type_code_cell_before_the_number_keeps_the_title_in_the_label() {
    let found = pairs("Rechnungskorrektur     (384)    Nr. RK21012345");
    assert!(found.contains(&(
        "Rechnungskorrektur (384) Nr.".into(),
        Some("RK21012345".into()),
        PairKind::Inline
    )));
}

#[test]
fn a_colon_aligned_in_a_column_still_ends_its_label() {
    let found = pairs("ACME GMBH     Kunde GMBH     Beleg-Nr        : R-4711\n");
    assert!(found.contains(&("Beleg-Nr".into(), Some("R-4711".into()), PairKind::Colon)));
}

#[test]
fn a_label_column_beside_an_address_column_has_its_own_pairs() {
    let found = pairs("80333 München        Rechnungsnummer        471102\n");
    assert!(found.contains(&(
        "Rechnungsnummer".into(),
        Some("471102".into()),
        PairKind::Spaced
    )));
    let found = pairs("Kunde AG        Hans Muster        Berlin\n");
    assert!(!found.iter().any(|p| p.0 == "Hans Muster"));
    let found = pairs("Due date : 15/02/2020        NET A PAYER        100,00 EUR\n");
    assert!(found.contains(&(
        "NET A PAYER".into(),
        Some("100,00 EUR".into()),
        PairKind::Spaced
    )));
}

#[test]
fn issued_introduces_the_date_after_a_number() {
    let found = pairs("Invoice # RE-20201121/508 issued at 2020-11-21");
    assert!(found.contains(&(
        "Invoice #".into(),
        Some("RE-20201121/508".into()),
        PairKind::Inline
    )));
}

#[test]
fn asides_in_words_leave_the_label() {
    let found =
        pairs("Gutschrift (Selbst ausgestellte Rechnung) (389) Nr. 47110818 vom 31.10.2018");
    assert!(found.contains(&(
        "Gutschrift (389) Nr.".into(),
        Some("47110818".into()),
        PairKind::Inline
    )));
    assert!(found.contains(&(
        "Gutschrift (389) date".into(),
        Some("31.10.2018".into()),
        PairKind::Inline
    )));
}

#[test]
fn a_title_followed_by_a_number_labels_it() {
    let number = (
        "Avoir".into(),
        Some("AV-2017-0005".into()),
        PairKind::Inline,
    );
    assert!(pairs("Avoir AV-2017-0005").contains(&number));
    let words_only = pairs("Invoice Payment Terms");
    assert!(words_only.iter().all(|p| p.2 != PairKind::Inline));
}

#[test]
fn recognizes_colon_spaced_and_below_values() {
    let found = pairs(
        "Invoice No: INV-7    Date:   03/05/2024\nTotal Due     1,234.56\nBill To:\nAcme GmbH\nMeeting at 10:30 today",
    );
    assert_eq!(
        found,
        vec![
            ("Invoice No".into(), Some("INV-7".into()), PairKind::Colon),
            ("Date".into(), Some("03/05/2024".into()), PairKind::Colon),
            (
                "Total Due".into(),
                Some("1,234.56".into()),
                PairKind::Spaced
            ),
            (
                "Bill To".into(),
                Some("Acme GmbH".into()),
                PairKind::LabelLine
            ),
        ]
    );
}
