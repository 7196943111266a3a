//! Does a piece of page text say what the model extracted?
//!
//! The model answers values only; [`crate::locate`] finds the words that
//! support each value with these comparisons. They normalise what
//! legitimately differs between a printed value and its JSON form: case and
//! punctuation, number formats (`1.234,50` vs `1234.5`), date formats
//! (`05.03.2024`, `5 March 2024` vs `2024-03-05`, month names in several
//! languages) and single-character OCR misreads in longer tokens.

use serde_json::Value;

/// Lowercase alphanumeric runs.
pub(crate) fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How well a source token supports a value token: 1.0 for equal (or the
/// same number, `05` and `5`, or a month name for its number), less for an
/// OCR-sized difference, 0.0 otherwise.
pub(crate) fn token_match(value: &str, source: &str) -> f64 {
    if value == source {
        return 1.0;
    }
    if let (Ok(x), Ok(y)) = (value.parse::<u64>(), source.parse::<u64>()) {
        return if x == y { 1.0 } else { 0.0 };
    }
    if let (Ok(m), Some(n)) = (value.parse::<u32>(), month(source))
        && m == n
    {
        return 1.0;
    }
    // Digits must match exactly: a one-digit difference is another number.
    if value.chars().any(|c| c.is_ascii_digit()) && source.chars().all(|c| c.is_ascii_digit()) {
        return 0.0;
    }
    let len = value.chars().count().max(source.chars().count());
    let allowed = match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    let d = edit_distance(value, source);
    if d <= allowed {
        1.0 - d as f64 / len as f64
    } else {
        0.0
    }
}

/// The month a (lowercase) month name or abbreviation means, in English,
/// German, French, Spanish, Italian, Dutch or Portuguese.
fn month(token: &str) -> Option<u32> {
    const NAMES: [&[&str]; 12] = [
        &[
            "jan", "january", "januar", "janvier", "enero", "ene", "gennaio", "gen", "januari",
            "janeiro",
        ],
        &[
            "feb",
            "february",
            "februar",
            "fevrier",
            "février",
            "febrero",
            "febbraio",
            "februari",
            "fevereiro",
            "fev",
        ],
        &[
            "mar", "march", "märz", "marz", "mars", "marzo", "maart", "março", "marco",
        ],
        &["apr", "april", "avril", "abril", "aprile", "abr", "avr"],
        &["may", "mai", "mayo", "maggio", "mag", "mei", "maio"],
        &[
            "jun", "june", "juni", "juin", "junio", "giugno", "giu", "junho",
        ],
        &[
            "jul", "july", "juli", "juillet", "julio", "luglio", "lug", "julho", "juil",
        ],
        &["aug", "august", "août", "aout", "agosto", "ago", "augustus"],
        &[
            "sep",
            "sept",
            "september",
            "septembre",
            "septiembre",
            "settembre",
            "set",
            "setembro",
        ],
        &[
            "oct", "october", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro",
            "out",
        ],
        &["nov", "november", "novembre", "noviembre", "novembro"],
        &[
            "dec",
            "december",
            "dezember",
            "dez",
            "décembre",
            "decembre",
            "diciembre",
            "dic",
            "dicembre",
            "dezembro",
        ],
    ];
    NAMES
        .iter()
        .position(|names| names.contains(&token))
        .map(|i| i as u32 + 1)
}

/// Levenshtein distance over chars (tokens are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The ASCII digits of `s`, in order.
pub(crate) fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The digit strings a number may be printed with: as is, and with two
/// decimals (`1234.5` is printed `1.234,50`). Trailing-zero variants are
/// not enough on their own: `12` must not match `1200`.
pub(crate) fn number_forms(n: &serde_json::Number) -> Vec<String> {
    let Some(f) = n.as_f64().filter(|f| f.is_finite()) else {
        return vec![digits(&n.to_string())];
    };
    // `10.0` is printed `10` or `10.00`, never `10.0`'s digits `100`.
    let plain = if f.fract() == 0.0 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    };
    let mut forms = vec![digits(&plain)];
    let two = digits(&format!("{f:.2}"));
    if !forms.contains(&two) {
        forms.push(two);
    }
    forms.retain(|f| !f.is_empty());
    forms
}

/// Whether the value is something printed on a page (numbers and strings);
/// booleans and the like are judgements, not text.
pub(crate) fn is_printed(value: &Value) -> bool {
    matches!(value, Value::Number(_)) || value.as_str().is_some_and(|s| !tokens(s).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_numeric_and_month_tokens_match() {
        assert_eq!(token_match("05", "5"), 1.0);
        assert_eq!(token_match("03", "march"), 1.0);
        assert_eq!(token_match("12", "dezember"), 1.0);
        assert_eq!(token_match("acme", "acme"), 1.0);
    }

    #[test]
    fn ocr_misreads_match_partly_but_other_numbers_do_not() {
        let m = token_match("restaurant", "restaurnat");
        assert!(m > 0.7 && m < 1.0, "{m}");
        assert_eq!(token_match("4711", "4712"), 0.0);
        assert_eq!(token_match("inv", "inx"), 0.0);
        assert_eq!(token_match("acme", "zzzz"), 0.0);
    }

    #[test]
    fn numbers_have_their_printed_forms() {
        let n = serde_json::Number::from_f64(1234.5).expect("finite");
        assert_eq!(number_forms(&n), vec!["12345", "123450"]);
        let n = serde_json::Number::from_f64(10.0).expect("finite");
        assert_eq!(number_forms(&n), vec!["10", "1000"]);
        assert!(is_printed(&serde_json::json!("INV-7")));
        assert!(!is_printed(&serde_json::json!(true)));
        assert!(!is_printed(&serde_json::json!(" - ")));
    }
}
