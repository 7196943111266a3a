//! How well a candidate value fits its field beyond parsing at all: an
//! amount field wants an amount, not a count (`Total Qty 3`), an identifier
//! (`SIRET 99999999800010`), a date, or a row of a breakdown table; a party
//! name wants a name, not the party's VAT or customer number. The
//! factor multiplies a candidate's label score, so a well-labelled value of
//! the wrong shape loses to a plainer one of the right shape.

use super::run::Field;
use crate::values::{DateOrder, Kind, all_dates};

/// Words that make a label a count (`Total Qty`), not an amount.
const COUNT_WORDS: &[&str] = &["qty", "quantity", "item", "count", "pcs", "menge", "anzahl"];
/// A count-labelled candidate for an amount field keeps this share of its score.
const COUNT_LABEL: f64 = 0.6;
/// Numbers in a value from which it reads as a table row.
const TABLE_ROW_NUMBERS: usize = 3;
/// An amount read from a table row keeps this share of its score.
const TABLE_ROW: f64 = 0.8;
/// Digits in a row from which a number is an identifier, never an amount.
const ID_DIGITS: usize = 10;
/// An amount field read from a whole number keeps this share of its score.
const NO_CENTS: f64 = 0.9;

/// Label words that name an identifier or a contact detail of a party
/// (`Customer VAT number`, `Kunden-Nr.`, `Client e-mail`), not its name.
const IDENTIFIER_WORDS: &[&str] = &[
    "number", "id", "code", "ref", "date", "vat", "tva", "iva", "btw", "ust", "iban", "siret",
    "gln", "phone", "telefon", "tel", "fax", "email", "mail",
];

/// How well a candidate fits the field's type beyond parsing: amounts are
/// not counts, and are usually printed with cents; party names are no
/// identifiers.
pub(super) fn type_fit(field: &Field, label: &[String], value: &str) -> f64 {
    let party = ["seller_name", "buyer_name", "advertiser"];
    if field.kind == Kind::String && party.iter().any(|id| field.names.is(id)) {
        return party_fit(label, value);
    }
    // An order or contract number has digits (`Order Type: GENERAL` is no number).
    if field.kind == Kind::String && field.names.is("contract_number") {
        return if value.chars().any(|c| c.is_ascii_digit()) {
            1.0
        } else {
            0.0
        };
    }
    if !matches!(field.kind, Kind::Number | Kind::Currency) {
        return 1.0;
    }
    let names = field.names.variants.iter().flatten();
    let is_count_field = names.clone().any(|w| COUNT_WORDS.contains(&w.as_str()));
    if is_count_field {
        return 1.0;
    }
    // `SIRET : 99999999800010`: a long run of digits is an identifier, not an amount.
    let longest_run = value
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    // A date is never an amount (`Lieferdatum: 10.08.2013`).
    let is_date = !all_dates(value, DateOrder::DayFirst).is_empty();
    if longest_run >= ID_DIGITS || is_date {
        return 0.0;
    }
    let mut fit = 1.0;
    // `Umsatzsteuer (S)  202,33  7  14,16`: a row of a breakdown table, not the total.
    let numbers = value
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count();
    if numbers >= TABLE_ROW_NUMBERS {
        fit *= TABLE_ROW;
    }
    if label.iter().any(|w| COUNT_WORDS.contains(&w.as_str())) {
        fit *= COUNT_LABEL;
    }
    let has_cents = value
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take(3)
        .any(|c| c == '.' || c == ',');
    if !has_cents {
        fit *= NO_CENTS;
    }
    fit
}

/// A party name is labelled by the party alone (`Customer:`, not `Customer
/// VAT number:`) and reads as a name: more letters than digits
/// (`ESA12345674` is an identifier).
fn party_fit(label: &[String], value: &str) -> f64 {
    let identifier_label = label.iter().any(|w| IDENTIFIER_WORDS.contains(&w.as_str()));
    let letters = value.chars().filter(|c| c.is_alphabetic()).count();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if identifier_label || letters == 0 || digits > letters {
        0.0
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::extract_text;

    #[test]
    fn a_party_name_is_no_identifier_of_the_party() {
        let schema = json!({"type": "object", "properties": {
            "buyer_name": {"type": ["string", "null"]},
        }});
        let text = "Customer VAT number:   ESA12345674\nCustomer:   Olive Shop\n";
        assert_eq!(
            extract_text(text, schema.clone()),
            json!({"buyer_name": "Olive Shop"})
        );
        let text = "Customer number:   C-4711\nClient:   F-123456\n";
        assert_eq!(extract_text(text, schema), json!({"buyer_name": null}));
    }
}
