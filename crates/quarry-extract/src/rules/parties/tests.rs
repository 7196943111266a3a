//! Unit tests of [`super`]: small synthetic documents laid out as invoices print them.

use serde_json::{Value, json};

use super::*;
use crate::rules::extract_text;

fn parties(text: &str) -> Value {
    let schema = json!({"type": "object", "properties": {
        "seller_name": {"type": ["string", "null"]},
        "buyer_name": {"type": ["string", "null"]},
    }});
    extract_text(text, schema)
}

/// A letter: logo line, sender line over the window, address, body.
fn letter(sender: &str, address: &[&str]) -> String {
    let mut text = String::from("                                   Logo\n\n");
    text.push_str(sender);
    text.push('\n');
    for line in address {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("\n\nInvoice\n\nThank you for your order.\n");
    text.push_str(&"\n".repeat(12));
    text
}

#[test]
fn sender_line_names_the_seller_and_the_window_the_buyer() {
    let text = letter(
        "Lieferant GmbH · Lieferantenstraße 20 · 80333 München",
        &[
            "Kunden AG Mitte",
            "Hans Muster",
            "Kundenstraße 15",
            "69876 Frankfurt",
        ],
    );
    assert_eq!(
        parties(&text),
        json!({"seller_name": "Lieferant GmbH", "buyer_name": "Kunden AG Mitte"})
    );
}

#[test]
fn salutations_stay_with_the_buyer_and_commas_cut_sender_lines() {
    let text = letter(
        "Bureau Martin SARL, 12 rue de la Paix, F-75002 Paris",
        &["Monsieur", "Jean Dupont", "3 avenue Foch", "69006 Lyon"],
    );
    assert_eq!(
        parties(&text),
        json!({"seller_name": "Bureau Martin SARL", "buyer_name": "Monsieur Jean Dupont"})
    );
}

#[test]
fn without_a_sender_line_the_postal_block_at_the_window_is_the_buyer() {
    let mut text = String::from("MEGA TOOLS LTD\n12 High Street\nLondon\n\n\n");
    text.push_str("Smith & Sons\n4 Mill Lane\n12345 Springfield\n\n");
    text.push_str(&"\n".repeat(14));
    let value = parties(&text);
    assert_eq!(value["buyer_name"], "Smith & Sons");
    assert_eq!(value["seller_name"], "MEGA TOOLS LTD");
}

#[test]
fn party_headings_give_the_name_below_them() {
    let text = "\
Verkäufer:

Nummer   : 549910
MVM Musterhafter
Versicherungsverein a.G.
Musterstr. 12

Käufer/Leistungsempfänger:
Name: Kunden AG Mitte
Anschrift: Kundenstraße 15
";
    assert_eq!(
        parties(text),
        json!({
            "seller_name": "MVM Musterhafter Versicherungsverein a.G.",
            "buyer_name": "Kunden AG Mitte"
        })
    );
}

#[test]
fn a_company_name_holding_a_party_word_is_no_heading() {
    let text = "\
Rechnungsersteller
  Lieferant GmbH

  Lieferantenstraße 20
  80333 München

Rechnungsempfänger
  Kunden AG
  Kundenstraße 15
";
    assert_eq!(
        parties(text),
        json!({"seller_name": "Lieferant GmbH", "buyer_name": "Kunden AG"})
    );
}

#[test]
fn postcodes_need_a_town() {
    assert!(has_postcode("80333 München"));
    assert!(has_postcode("F-75002 Paris"));
    assert!(!has_postcode("Invoice 12345"));
    assert!(!has_postcode("Total 123 EUR"));
}
