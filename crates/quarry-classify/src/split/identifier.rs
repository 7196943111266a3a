//! Document numbers: what tells two documents of one kind apart, and what
//! a split reports as its identifier.
//!
//! - [`document_numbers`] reads every `<word> no. <value>` (`Invoice no.
//!   INV-2024-48663`, `Rechnung Nr. 471102`, `Rechnungsnummer 471102`,
//!   `Statement no. 11/2023`) on a page, keyed by the word; numbers of a
//!   party (customer, account, VAT) are left out, as two documents share
//!   them.
//! - [`identifier`] finds the value a class's `identifier_key` names ("the
//!   invoice number"): a `Label: value` line whose label holds the key's
//!   words, else a line where the key's main word is followed by a value
//!   with a digit.

use crate::page::PageEvidence;
use crate::text::{stem, term_matches, words};

/// Words that mean "number".
const NUMBER_WORDS: &[&str] = &["no", "nr", "number", "nummer", "num", "nº", "n°"];
/// Keys of numbers that belong to a party, not to one document.
const PARTY_KEYS: &[&str] = &[
    "customer",
    "kunde",
    "kunden",
    "client",
    "account",
    "konto",
    "vat",
    "tax",
    "steuer",
    "ust",
    "phone",
    "tel",
    "fax",
    "reg",
    "registration",
    "gst",
    "member",
    "card",
    "art",
    "item",
    "pos",
    "tax",
    "company",
    "iban",
    "bic",
    "mandate",
    "order",
    "po",
    "your",
    "our",
];

/// `(key, value)` for each document number on `page`.
pub fn document_numbers(page: &PageEvidence) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in &page.lines {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        for (i, token) in tokens.iter().enumerate() {
            let lower = clean(token);
            let key = if is_number_word(&lower) {
                i.checked_sub(1).map(|k| stem(&clean(tokens[k])))
            } else {
                ["nummer", "number"]
                    .iter()
                    .find_map(|n| lower.strip_suffix(n).filter(|k| k.len() >= 4))
                    .map(|k| k.trim_end_matches('s').to_string())
            };
            let Some(key) = key.filter(|k| is_document_key(k)) else {
                continue;
            };
            if let Some(value) = value_after(&tokens[i + 1..]) {
                found.push((key, value));
            }
        }
    }
    found
}

/// The value `key` (natural language, "the invoice number") names on
/// `pages`, searched in order.
pub fn identifier(pages: &[&PageEvidence], key: &str) -> Option<String> {
    let wanted: Vec<String> = words(key)
        .filter(|w| !matches!(w.as_str(), "the" | "a" | "an" | "of" | "s"))
        .map(|w| stem(&w))
        .collect();
    let main: Vec<&String> = wanted.iter().filter(|w| !is_number_word(w)).collect();
    if main.is_empty() {
        return None;
    }
    for page in pages {
        let labelled = page.labels.iter().find(|l| {
            main.iter()
                .all(|m| l.label_terms.iter().any(|t| term_matches(t, m)))
        });
        if let Some(l) = labelled {
            let tokens: Vec<&str> = l.value.split_whitespace().collect();
            return value_after(&tokens).or_else(|| Some(l.value.clone()));
        }
        for line in &page.lines {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            let last_main = main.last()?;
            let at = tokens
                .iter()
                .position(|t| term_matches(&stem(&clean(t)), last_main));
            if let Some(value) = at.and_then(|i| value_after(&tokens[i + 1..])) {
                return Some(value);
            }
        }
    }
    None
}

/// The first token of `tokens` (after number words and colons, within
/// three tokens) that holds a digit.
fn value_after(tokens: &[&str]) -> Option<String> {
    tokens
        .iter()
        .take(3)
        .map(|t| t.trim_matches([':', ',', ';', '(', ')']))
        .filter(|t| !t.is_empty() && !is_number_word(&clean(t)))
        .find(|t| t.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
}

fn clean(token: &str) -> String {
    token
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '#' && c != 'º' && c != '°')
        .to_lowercase()
}

fn is_number_word(word: &str) -> bool {
    NUMBER_WORDS.contains(&word) || word == "#"
}

fn is_document_key(key: &str) -> bool {
    key.chars().count() >= 3
        && key.chars().all(char::is_alphabetic)
        && !PARTY_KEYS.iter().any(|p| key.starts_with(p))
}
