//! How well a candidate value fits its field beyond parsing at all: an
//! amount field wants an amount, not a count (`Total Qty 3`), an identifier
//! (`SIRET 99999999800010`), a date, or a row of a breakdown table. The
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

/// How well a candidate fits the field's type beyond parsing: amounts are
/// not counts, and are usually printed with cents.
pub(super) fn type_fit(field: &Field, label: &[String], value: &str) -> f64 {
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
