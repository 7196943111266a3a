//! Unit tests of [`super`]: small synthetic documents laid out as invoices print them.

use serde_json::{Value, json};

use crate::rules::extract_text;

fn items(text: &str) -> Value {
    let schema = json!({"type": "object", "properties": {"line_items": {
        "type": "array",
        "items": {"type": "object", "properties": {
            "description": {"type": ["string", "null"]},
            "quantity": {"type": ["number", "null"]},
            "unit_price": {"type": ["number", "null"]},
            "line_total": {"type": ["number", "null"]},
        }}
    }}});
    extract_text(text, schema)["line_items"].clone()
}

#[test]
fn column_titles_on_two_lines_are_read_as_one() {
    let text = "\
Artikel            Anzahl   Einzel-     Betrag
                            preis
Stylo bleu         10       1,50        15,00
Cahier A4          2        3,25        6,50
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Stylo bleu", "quantity": 10, "unit_price": 1.5, "line_total": 15},
            {"description": "Cahier A4", "quantity": 2, "unit_price": 3.25, "line_total": 6.5},
        ])
    );
}

#[test]
fn a_second_line_with_numbers_is_a_row_not_a_title() {
    let text = "\
Description        Qty      Price       Amount
Pens               10       1.50        15.00
";
    assert_eq!(
        items(text),
        json!([{"description": "Pens", "quantity": 10, "unit_price": 1.5, "line_total": 15}])
    );
}

#[test]
fn indented_item_details_do_not_end_the_table() {
    let text = "\
Pos  Ref          Description    Qty    Price     Amount
1    X-1          Widget         2      5.00      10.00
     Article no.: W-1
                  • Order no.:          4711
2    X-2          Gadget         1      7.50      7.50
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10},
            {"description": "Gadget", "quantity": 1, "unit_price": 7.5, "line_total": 7.5},
        ])
    );
}

#[test]
fn a_value_on_a_staggered_baseline_fills_its_column() {
    let text = "\
Description        Qty    Price     Amount
Widget             2      5.00
                                    10.00
";
    assert_eq!(
        items(text),
        json!([{"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10}])
    );
}

#[test]
fn labelled_numbers_under_an_item_are_not_its_description() {
    let text = "\
Pos  Description        Qty    Price     Amount
1    Widget             2      5.00      10.00
       Gross price: 5.95
2    Gadget:            1      7.50      7.50
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10},
            {"description": "Gadget", "quantity": 1, "unit_price": 7.5, "line_total": 7.5},
        ])
    );
}

#[test]
fn an_introduction_under_the_header_does_not_end_the_table() {
    let text = "\
Pos  Description        Qty    Price     Amount
Important: orders before 19.12. are delivered before Christmas.
1    Widget             2      5.00      10.00
";
    assert_eq!(
        items(text),
        json!([{"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10}])
    );
}

#[test]
fn a_note_under_the_description_column_does_not_end_the_table() {
    let text = "\
Pos  Description        Qty    Price     Amount
1    Widget             2      5.00      10.00
     Properties:
     Plate: M-MM 0000
2    Included km: 873
3    Gadget             1      7.50      7.50
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10},
            {"description": "Gadget", "quantity": 1, "unit_price": 7.5, "line_total": 7.5},
        ])
    );
}

#[test]
fn a_header_naming_every_property_among_many_columns_is_read() {
    let text = "\
Pos  Our no.  Your no.  Article description  Qty  Unit  Price  Amount  VAT %  Code
1    A-1      B-1       Widget               2    pcs   5.00   10.00   19     S
";
    assert_eq!(
        items(text),
        json!([{"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10}])
    );
}

#[test]
fn a_percentage_alone_is_no_price_or_amount() {
    let text = "\
Description        Qty    Price     Amount
Widget             2      5.00      10.00
                          16.7%     -2.00
";
    assert_eq!(
        items(text),
        json!([{"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10}])
    );
}

#[test]
fn titles_set_too_close_together_are_cut_into_words() {
    let text = "\
Pos Art-Nr-Lief. Bezeichnung   Menge   Preis    Betrag
1   X-1          Widget        2       5,00     10,00
2   X-2          Gadget        1       7,50     7,50
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10},
            {"description": "Gadget", "quantity": 1, "unit_price": 7.5, "line_total": 7.5},
        ])
    );
}

#[test]
fn numbers_set_close_together_in_an_item_row_do_not_end_the_table() {
    let text = "\
Pos  Description        Price     Qty       VAT          Amount
1    Widget             5.00      2 pcs 19 % VAT (S)     10.00
2    Gadget             7.50      1 pcs 7 % VAT (S)      7.50
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Widget", "quantity": 2, "unit_price": 5, "line_total": 10},
            {"description": "Gadget", "quantity": 1, "unit_price": 7.5, "line_total": 7.5},
        ])
    );
}

#[test]
fn a_paragraph_under_the_item_columns_is_a_note_and_labelled_items_count() {
    let text = "\
Pos  Ref                Description          Qty    Price     Amount
     Ref-A: SE_KR       Widget               3      5.00      15.00
1                       We take the liberty of invoicing the following items today.
     Ref-A: SE_SFK      Gadget               1      7.50      7.50
     Ref-B: SFK5
2                       Ordered were five, delivered was one; the rest follows later.
Payment terms apply to all the items above, payable within thirty days from today.
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Widget", "quantity": 3, "unit_price": 5, "line_total": 15},
            {"description": "Gadget", "quantity": 1, "unit_price": 7.5, "line_total": 7.5},
        ])
    );
}

#[test]
fn the_rightmost_of_two_amount_titles_is_the_line_total_and_the_other_a_count() {
    let text = "\
Amount     Product              VAT      Price       Total
1.00       Design (hours)       7%       160.00 €    160.00 €
400.00     Ballons              19%      0.79 €      316.00 €
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Design (hours)", "quantity": 1, "unit_price": 160, "line_total": 160},
            {"description": "Ballons", "quantity": 400, "unit_price": 0.79, "line_total": 316},
        ])
    );
}

#[test]
fn a_number_sign_column_counts_unless_it_numbers_the_rows() {
    let counts = "\
#          Produkt              USt      Einzelpreis   Summe
1,00       Gestaltung           7%       160,00 €      160,00 €
400,00     Luftballon           19%      0,79 €        316,00 €
";
    assert_eq!(
        items(counts),
        json!([
            {"description": "Gestaltung", "quantity": 1, "unit_price": 160, "line_total": 160},
            {"description": "Luftballon", "quantity": 400, "unit_price": 0.79, "line_total": 316},
        ])
    );
    let positions = "\
#          Product              Price         Total
1          Design               160.00        160.00
2          Ballons              0.79          316.00
";
    assert_eq!(
        items(positions),
        json!([
            {"description": "Design", "quantity": null, "unit_price": 160, "line_total": 160},
            {"description": "Ballons", "quantity": null, "unit_price": 0.79, "line_total": 316},
        ])
    );
}

#[test]
fn a_reference_run_into_the_description_is_cut_at_the_column() {
    let text = "\
Pos  Ref          Description        Qty      Price      Amount
1    Toolbox-0815 Stahlcoil          10       100,00     1.000,00
";
    assert_eq!(
        items(text),
        json!([{"description": "Stahlcoil", "quantity": 10, "unit_price": 100, "line_total": 1000}])
    );
}

#[test]
fn the_rest_of_a_staggered_row_is_not_an_item_of_its_own() {
    let text = "\
Pos  Description                   Price      Qty      Amount
1    Liability SF25 class 18       67,2244    1
     Region R9                                         80,00
2    Comprehensive class 21        117,6471   1
                                                       140,00
";
    assert_eq!(
        items(text),
        json!([
            {"description": "Liability SF25 class 18 Region R9", "quantity": 1, "unit_price": 67.2244, "line_total": 80},
            {"description": "Comprehensive class 21", "quantity": 1, "unit_price": 117.6471, "line_total": 140},
        ])
    );
}

#[test]
fn an_article_number_left_of_the_description_does_not_stop_its_wrap() {
    let text = "\
Pos  Ref        Description          Qty     Price     Amount
5    GZ-1805    Deposit 20 x         15      3,10      46,50
     1805       0,5l
";
    assert_eq!(
        items(text),
        json!([{"description": "Deposit 20 x 0,5l", "quantity": 15, "unit_price": 3.1, "line_total": 46.5}])
    );
}
