//! The VAT rate included in an invoice's total, read from the document's
//! tax lines rather than from a label: a `VAT rate` label is rare, while
//! `VAT` / `MwSt.` / `Tax` lines that print a percent next to an amount
//! (`VAT (19%)  19.00`, `zzgl. 19 % MwSt.  38,00`) are the norm.
//!
//! - a tax line with a percent and an amount above zero gives the rate
//!   (the one with the largest tax amount when several rates are charged);
//! - a reverse-charge or exemption note (`Reverse charge`,
//!   `Steuerschuldnerschaft des Leistungsempfängers`, `VAT exempt`), or tax
//!   lines whose amounts are all zero (`VAT (19%)  0.00`), give 0;
//! - a document with a total and no tax line at all charges no VAT: 0,
//!   at a lower confidence.
//!
//! A label match alone is not trusted for this field: `VAT  19.00` names
//! the tax amount, not its rate.

use serde_json::{Map, Value};

use super::ocr_fix::amount_at_end;
use super::run::{Field, Run, Source};
use crate::layout::{LineId, Span};
use crate::values::{Kind, number_value, vat_number};

/// Confidence of a rate printed on a tax line with its amount.
const PRINTED_RATE: f64 = 0.8;
/// Confidence of a 0 read from a reverse-charge note or zero tax lines.
const NO_VAT_NOTE: f64 = 0.7;
/// Confidence of a 0 concluded from the absence of any tax line.
const NO_TAX_LINE: f64 = 0.4;

/// Words that make a line a tax line, in the languages the engine reads.
const TAX_WORDS: &[&str] = &[
    "vat",
    "tax",
    "gst",
    "hst",
    "mwst",
    "ust",
    "umsatzsteuer",
    "mehrwertsteuer",
    "steuer",
    "tva",
    "iva",
    "btw",
];
/// Phrases that say the total holds no VAT.
const NO_VAT: &[&str] = &[
    "reverse charge",
    "reverse-charge",
    "steuerschuldnerschaft",
    "vat exempt",
    "exempt from vat",
    "tax exempt",
    "not subject to vat",
    "outside the scope of vat",
    "steuerfrei",
    "nicht steuerbar",
    "autoliquidation",
    "sujeto pasivo",
    "btw verlegd",
    "§13b",
    "§ 13b",
];
/// Words of the total lines that tell a document charges something.
const TOTAL_WORDS: &[&str] = &[
    "total",
    "gesamt",
    "summe",
    "gesamtbetrag",
    "rechnungsbetrag",
    "amount",
    "due",
    "paid",
    "betrag",
];

impl Run<'_> {
    /// Settles every VAT-rate field; returns the keys it settled.
    pub(super) fn vat_rates(
        &mut self,
        fields: &[Field],
        values: &mut Map<String, Value>,
    ) -> Vec<String> {
        let mut decided = Vec::new();
        for field in fields {
            if !field.names.is("vat_rate") || field.kind != Kind::Number {
                continue;
            }
            match self.vat_rate() {
                Some((rate, confidence, span)) => {
                    self.record(field.key.to_string(), confidence, span, Source::Arithmetic);
                    values.insert(field.key.to_string(), rate);
                }
                None => {
                    self.forget(field.key);
                    values.insert(field.key.to_string(), Value::Null);
                }
            }
            decided.push(field.key.to_string());
        }
        decided
    }

    /// The rate, its confidence and the line it was read from.
    fn vat_rate(&self) -> Option<(Value, f64, Span)> {
        let mut charged: Option<(f64, f64, LineId)> = None;
        let mut zero: Option<LineId> = None;
        let mut note: Option<LineId> = None;
        let mut total: Option<LineId> = None;
        for id in self.layout.line_ids() {
            let Some(line) = self.layout.line(id) else {
                continue;
            };
            let lower = line.text.to_lowercase();
            if NO_VAT.iter().any(|p| lower.contains(p)) {
                note.get_or_insert(id);
            }
            let words = words_of(&lower);
            if total.is_none() && words.iter().any(|w| TOTAL_WORDS.contains(w)) {
                total = amount_at_end(&line.text).map(|_| id);
            }
            if !words.iter().any(|w| is_tax_word(w)) || is_identifier_line(&line.text, &words) {
                continue;
            }
            let amount = amount_at_end(&without_percents(&line.text));
            let rate = percent(&line.text);
            match (rate, amount) {
                (Some(rate), Some(tax))
                    if rate > 0.0 && tax > 0.0 && charged.is_none_or(|(_, t, _)| tax > t) =>
                {
                    charged = Some((rate, tax, id));
                }
                (Some(rate), Some(tax)) if rate > 0.0 && tax > 0.0 => {}
                // `VAT (19%)  0.00`, or `0% VAT` without an amount.
                (_, Some(tax)) | (Some(tax), None) if tax == 0.0 => {
                    zero.get_or_insert(id);
                }
                _ => {}
            }
        }
        let span = |id: LineId| self.layout.line_span(id);
        if let Some((rate, _, id)) = charged {
            return Some((number_value(rate, false)?, PRINTED_RATE, span(id)));
        }
        let zero_value = Value::from(0);
        if let Some(id) = note.or(zero) {
            return Some((zero_value, NO_VAT_NOTE, span(id)));
        }
        let tax_line = self.layout.line_ids().any(|id| {
            self.layout.line(id).is_some_and(|l| {
                let lower = l.text.to_lowercase();
                let words = words_of(&lower);
                words.iter().any(|w| is_tax_word(w)) && !is_identifier_line(&l.text, &words)
            })
        });
        match (tax_line, total) {
            (false, Some(id)) => Some((zero_value, NO_TAX_LINE, span(id))),
            _ => None,
        }
    }
}

/// The words of a lower-cased line.
fn words_of(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// A tax word, also at the end of a German compound (`Umsatzsteuer`,
/// `Mehrwertsteuer`) but not `Steuernummer`.
fn is_tax_word(word: &str) -> bool {
    TAX_WORDS.contains(&word) || word.ends_with("steuer")
}

/// Words after a tax word that make it a tax identifier's label (`VAT
/// number`, `Tax ID`, `USt-IdNr.`), not a tax line.
const ID_WORDS: &[&str] = &[
    "id",
    "idnr",
    "number",
    "no",
    "nr",
    "nummer",
    "reg",
    "registration",
    "file",
    "identification",
];

/// Whether a line holding a tax word gives a tax identifier (`Tax ID
/// DE355369209`, `VAT# IE 98 209 58W`, `DE VAT DE355369209`) rather than
/// a tax amount.
fn is_identifier_line(text: &str, words: &[&str]) -> bool {
    let labelled = words
        .windows(2)
        .any(|w| is_tax_word(w[0]) && ID_WORDS.contains(&w[1]));
    let lower = text.to_lowercase();
    let hashed = words
        .iter()
        .filter(|w| is_tax_word(w))
        .any(|w| lower.contains(&format!("{w}#")) || lower.contains(&format!("{w} #")));
    labelled || hashed || vat_number(text).is_some()
}

/// The first percent printed in `text` (`19%`, `19 %`, `7,5 %`, `(20.0%)`).
fn percent(text: &str) -> Option<f64> {
    let chars: Vec<char> = text.chars().collect();
    let at = chars.iter().position(|c| *c == '%')?;
    let mut end = at;
    while end > 0 && chars[end - 1] == ' ' {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && (chars[start - 1].is_ascii_digit() || matches!(chars[start - 1], '.' | ','))
    {
        start -= 1;
    }
    let number: String = chars[start..end]
        .iter()
        .map(|c| if *c == ',' { '.' } else { *c })
        .collect();
    number
        .parse()
        .ok()
        .filter(|r: &f64| (0.0..=100.0).contains(r))
}

/// The text without its percents, so that `VAT 19%` ends in no amount.
fn without_percents(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| !w.contains('%'))
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" %", "")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rules::extract_text;

    fn schema() -> Value {
        json!({"type": "object", "properties": {
            "total_gross": {"type": ["number", "null"]},
            "vat_rate": {"type": ["number", "null"]},
        }})
    }

    #[test]
    fn percents_are_read_in_either_decimal_mark() {
        assert_eq!(percent("VAT (19%) 19.00"), Some(19.0));
        assert_eq!(percent("zzgl. 7,5 % MwSt."), Some(7.5));
        assert_eq!(percent("Tax 20.0 % 4.00"), Some(20.0));
        assert_eq!(percent("Total 4.00"), None);
        assert_eq!(without_percents("VAT 19 % 3.80"), "VAT 19 3.80");
        assert!(is_tax_word("umsatzsteuer") && !is_tax_word("steuernummer"));
        let id = |t: &str| is_identifier_line(t, &words_of(&t.to_lowercase()));
        assert!(id("Tax ID DE355369209"));
        assert!(id("VAT number: IE3668997OH"));
        assert!(!id("VAT (19%) 19.00"));
    }

    #[test]
    fn the_rate_charged_is_read_from_the_tax_line() {
        let text = "Net amount   100.00\nVAT (19%)   19.00\nTotal   119.00\n";
        assert_eq!(extract_text(text, schema())["vat_rate"], json!(19));
    }

    #[test]
    fn a_zero_tax_line_or_a_reverse_charge_note_is_no_vat() {
        let zero = "Subtotal   50.00\nVAT (19%)   0.00\nTotal   50.00\n";
        assert_eq!(extract_text(zero, schema())["vat_rate"], json!(0));
        let reverse =
            "Total   50.00\n\nReverse charge: VAT to be accounted for by the recipient.\n";
        assert_eq!(extract_text(reverse, schema())["vat_rate"], json!(0));
        let none = "Plan   Pro\nVAT number: DE123456789\nTotal due   48.00\n";
        assert_eq!(extract_text(none, schema())["vat_rate"], json!(0));
    }

    #[test]
    fn a_tax_amount_is_not_a_rate() {
        let text = "Net   200.00\nMwSt.   38.00\nGesamt   238.00\n";
        assert_eq!(extract_text(text, schema())["vat_rate"], json!(null));
    }
}
