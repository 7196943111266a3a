//! Typed reading of one value's text according to its schema node: strings,
//! numbers, integers, booleans, ISO dates (`extend:type: date`), enums and
//! currency objects; and, for string fields that name one, identifiers
//! (IBAN, VAT and tax numbers, phone numbers, times of day). Everything returns `None`
//! when the text does not hold a value of that type, so the caller writes
//! `null` instead of a wrong guess.

mod date;
mod ids;
mod number;
mod phone;
mod tax_id;
mod time;

use serde_json::{Map, Value, json};

pub(crate) use date::{DateOrder, all_dates, infer_order, parse_date, parse_date_in};
pub(crate) use ids::normalize_iban;
pub(crate) use number::{
    infer_decimal_comma, looks_numeric, number_value, parse_number, parse_number_in,
};
pub(crate) use phone::phone_number;
pub(crate) use tax_id::{normalize_tax_id, vat_number};
pub(crate) use time::{all_times, is_time_range, parse_time};

/// What a schema node asks for, as far as filling it is concerned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    String,
    Number,
    Integer,
    Boolean,
    Date,
    Enum(Vec<String>),
    Currency,
    Object,
    Array,
}

impl Kind {
    pub(crate) fn of(node: &Value) -> Self {
        if let Some(options) = node.get("enum").and_then(Value::as_array) {
            return Self::Enum(
                options
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            );
        }
        let extend_type = node.get("extend:type").and_then(Value::as_str);
        let base = match node.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ => "string",
        };
        match (base, extend_type) {
            ("string", Some("date")) => Self::Date,
            ("object", Some("currency")) => Self::Currency,
            ("string", _) => Self::String,
            ("number", _) => Self::Number,
            ("integer", _) => Self::Integer,
            ("boolean", _) => Self::Boolean,
            ("array", _) => Self::Array,
            _ => Self::Object,
        }
    }

    /// Filled from one piece of text (as opposed to a section or a table).
    pub(crate) fn is_leaf(&self) -> bool {
        !matches!(self, Self::Object | Self::Array)
    }
}

/// Reads `text` as a value of `node`'s kind (numeric dates month first).
#[cfg(test)]
pub(crate) fn parse_leaf(node: &Value, text: &str) -> Option<Value> {
    parse_leaf_in(node, text, Conventions::default())
}

/// How a document writes values that are ambiguous on their own: the
/// order of numeric dates and the decimal mark of numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Conventions {
    pub date_order: DateOrder,
    /// Amounts use `,` as the decimal mark (`1.234,56`).
    pub decimal_comma: bool,
}

impl Default for Conventions {
    fn default() -> Self {
        Self {
            date_order: DateOrder::MonthFirst,
            decimal_comma: false,
        }
    }
}

/// Reads `text` as a value of `node`'s kind, in the document's conventions.
pub(crate) fn parse_leaf_in(node: &Value, text: &str, conv: Conventions) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match Kind::of(node) {
        Kind::String => Some(Value::String(text.to_string())),
        Kind::Number => {
            parse_number_in(text, conv.decimal_comma).and_then(|n| number_value(n, false))
        }
        Kind::Integer => {
            parse_number_in(text, conv.decimal_comma).and_then(|n| number_value(n, true))
        }
        Kind::Boolean => parse_bool(text).map(Value::Bool),
        Kind::Date => parse_date_in(text, conv.date_order).map(Value::String),
        Kind::Enum(options) => parse_enum(&options, text).map(Value::String),
        Kind::Currency => parse_currency_in(text, conv.decimal_comma),
        Kind::Object | Kind::Array => None,
    }
}

/// The value of `node` when nothing was found: objects keep every property
/// (recursively null), arrays are empty, everything else is null.
pub(crate) fn empty_value(node: &Value) -> Value {
    match Kind::of(node) {
        Kind::Array => Value::Array(Vec::new()),
        Kind::Object | Kind::Currency => {
            let props = node.get("properties").and_then(Value::as_object);
            Value::Object(
                props
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), empty_value(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        _ => Value::Null,
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    let lower = text.to_lowercase();
    if matches!(lower.as_str(), "[ ]" | "[]" | "☐" | "□") {
        return Some(false);
    }
    let first = lower
        .split_whitespace()
        .next()?
        .trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | '.' | '!' | ','));
    match first {
        "yes" | "y" | "true" | "x" | "checked" | "✓" | "✔" | "☑" | "☒" | "on" => Some(true),
        "no" | "n" | "false" | "unchecked" | "off" | "none" => Some(false),
        _ => None,
    }
}

/// The enum option equal to `text`, ignoring case, spaces and punctuation.
fn parse_enum(options: &[String], text: &str) -> Option<String> {
    let key = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let wanted = key(text);
    options
        .iter()
        .find(|o| !wanted.is_empty() && key(o) == wanted)
        .cloned()
}

/// ISO 4217 codes recognized when written out next to an amount.
const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "INR", "SEK", "NOK", "DKK",
    "PLN", "CZK", "HUF", "BRL", "MXN", "ZAR", "SGD", "HKD", "KRW", "TRY", "AED", "SAR", "ILS",
    "THB", "MYR", "PHP", "TWD",
];

/// Currency symbols printed before an amount besides the ISO codes
/// (lower case; `rm` is the ringgit's, `kr` the crowns', `rs`/`rp` the
/// rupee's and rupiah's).
const CURRENCY_SYMBOLS: &[&str] = &[
    "us$", "ca$", "au$", "nz$", "hk$", "s$", "c$", "a$", "r$", "$", "€", "£", "¥", "₹", "₩", "rm",
    "kr", "rs", "rp", "chf", "fr",
];

/// The text after a currency code or symbol that opens it (`RM12.50` →
/// `12.50`, `eur 4,70` → ` 4,70`); the text itself when none does.
pub(crate) fn strip_currency_prefix(text: &str) -> &str {
    let lower = text.to_lowercase();
    let code = CURRENCY_CODES
        .iter()
        .map(|c| c.to_lowercase())
        .find(|c| lower.starts_with(c.as_str()))
        .map(|c| c.len());
    let symbol = CURRENCY_SYMBOLS
        .iter()
        .find(|s| lower.starts_with(*s))
        .map(|s| s.len());
    // Lower-casing keeps these prefixes' byte lengths (ASCII and symbols).
    match code.or(symbol) {
        Some(len) if text.is_char_boundary(len) => &text[len..],
        _ => text,
    }
}

/// `{amount, iso_4217_currency_code}` from text such as `€1.234,56`, `1,234.56 USD` or `CA$ 12`.
pub(crate) fn parse_currency(text: &str) -> Option<Value> {
    parse_currency_in(text, false)
}

/// [`parse_currency`] with the document's decimal mark.
fn parse_currency_in(text: &str, decimal_comma: bool) -> Option<Value> {
    let amount = parse_number_in(text, decimal_comma).and_then(|n| number_value(n, false))?;
    Some(json!({"amount": amount, "iso_4217_currency_code": currency_code(text)}))
}

/// The ISO 4217 code written in `text` or implied by its currency symbol.
pub(crate) fn currency_code(text: &str) -> Option<&'static str> {
    let written = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .find_map(|w| CURRENCY_CODES.iter().find(|code| **code == w));
    if let Some(code) = written {
        return Some(code);
    }
    const DOLLARS: &[(&str, &str)] = &[
        ("US$", "USD"),
        ("CA$", "CAD"),
        ("C$", "CAD"),
        ("AU$", "AUD"),
        ("A$", "AUD"),
        ("NZ$", "NZD"),
        ("HK$", "HKD"),
        ("S$", "SGD"),
    ];
    let upper = text.to_uppercase();
    if let Some((_, code)) = DOLLARS.iter().find(|(sym, _)| upper.contains(sym)) {
        return Some(code);
    }
    text.chars().find_map(|c| match c {
        '€' => Some("EUR"),
        '$' => Some("USD"),
        '£' => Some("GBP"),
        '¥' => Some("JPY"),
        '₹' => Some("INR"),
        '₩' => Some("KRW"),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_follow_their_schema_type() {
        let t = |ty: Value, text: &str| parse_leaf(&ty, text);
        assert_eq!(
            t(json!({"type": ["number", "null"]}), "1.234,56"),
            Some(json!(1234.56))
        );
        assert_eq!(
            t(json!({"type": ["integer", "null"]}), "3 units"),
            Some(json!(3))
        );
        assert_eq!(
            t(json!({"type": ["boolean", "null"]}), "Yes"),
            Some(json!(true))
        );
        assert_eq!(
            t(json!({"type": ["boolean", "null"]}), "[x]"),
            Some(json!(true))
        );
        assert_eq!(t(json!({"type": ["boolean", "null"]}), "maybe"), None);
        let date = json!({"type": ["string", "null"], "extend:type": "date"});
        assert_eq!(t(date, "March 5, 2024"), Some(json!("2024-03-05")));
        let status = json!({"enum": ["paid", "net_30", null]});
        assert_eq!(t(status.clone(), "NET 30"), Some(json!("net_30")));
        assert_eq!(t(status, "overdue"), None);
    }

    #[test]
    fn currencies_from_symbols_and_codes() {
        assert_eq!(
            parse_currency("€1.234,56"),
            Some(json!({"amount": 1234.56, "iso_4217_currency_code": "EUR"}))
        );
        assert_eq!(
            parse_currency("1,234.56 USD"),
            Some(json!({"amount": 1234.56, "iso_4217_currency_code": "USD"}))
        );
        assert_eq!(
            parse_currency("CA$ 12"),
            Some(json!({"amount": 12, "iso_4217_currency_code": "CAD"}))
        );
        assert_eq!(
            parse_currency("12.00"),
            Some(json!({"amount": 12, "iso_4217_currency_code": null}))
        );
        assert_eq!(parse_currency("unpaid"), None);
    }

    #[test]
    fn empty_values_keep_the_shape() {
        let node = json!({"type": "object", "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"type": "array", "items": {"type": "string"}},
            "c": {"type": "object", "properties": {"d": {"type": ["number", "null"]}}}
        }});
        assert_eq!(
            empty_value(&node),
            json!({"a": null, "b": [], "c": {"d": null}})
        );
    }
}
