//! Does the cited text say what the model extracted?
//!
//! A model can cite the right line and still misread it, or cite a line that
//! has nothing to do with its value. These checks compare a leaf value with
//! the text of its cited lines after normalising what legitimately differs:
//! case and punctuation, number formats (`1.234,50` vs `1234.5`) and date
//! formats (`05.03.2024` vs `2024-03-05`). They are deliberately lenient: a
//! disagreement lowers confidence and flags the field; it never changes the
//! value.

use serde_json::Value;

/// Whether `text` (the cited lines) supports `value`.
pub(crate) fn agrees(value: &Value, text: &str) -> bool {
    match value {
        Value::Number(n) => {
            let haystack = digits(text);
            number_forms(n)
                .iter()
                .any(|d| !d.is_empty() && haystack.contains(d.as_str()))
        }
        Value::String(s) => {
            let wanted = tokens(s);
            if wanted.is_empty() {
                return true;
            }
            let have = tokens(text);
            let found = wanted
                .iter()
                .filter(|w| have.iter().any(|h| same_token(w, h)))
                .count();
            2 * found > wanted.len()
        }
        _ => true,
    }
}

/// Whether one source word is part of `value` (for word-level polygons).
pub(crate) fn word_matches(value: &Value, word: &str) -> bool {
    let word_tokens = tokens(word);
    if word_tokens.is_empty() {
        return false;
    }
    match value {
        Value::Number(n) => {
            let d = digits(word);
            !d.is_empty() && number_forms(n).iter().any(|f| f == &d)
        }
        Value::String(s) => {
            let wanted = tokens(s);
            word_tokens
                .iter()
                .all(|w| wanted.iter().any(|v| same_token(w, v)))
        }
        _ => false,
    }
}

/// Lowercase alphanumeric runs.
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Equal, or both numbers with the same value (`05` and `5`).
fn same_token(a: &str, b: &str) -> bool {
    a == b || matches!((a.parse::<u64>(), b.parse::<u64>()), (Ok(x), Ok(y)) if x == y)
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The digit strings a number may be printed with: as is, and with two decimals.
fn number_forms(n: &serde_json::Number) -> Vec<String> {
    let mut forms = vec![digits(&n.to_string())];
    if let Some(f) = n.as_f64() {
        forms.push(digits(&format!("{f:.2}")));
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_that_differ_legitimately_agree() {
        assert!(agrees(&json!(1234.5), "Total Amount: 1.234,50 EUR"));
        assert!(agrees(&json!("2024-03-05"), "Invoice Date: 05.03.2024"));
        assert!(agrees(&json!("ACME GmbH"), "acme gmbh, Berlin"));
        assert!(agrees(&json!(true), "anything"));
    }

    #[test]
    fn a_different_value_disagrees() {
        assert!(!agrees(&json!(99.0), "Total Amount: 1.234,50 EUR"));
        assert!(!agrees(&json!("INV-9999"), "Invoice Number: INV-2024-001"));
    }

    #[test]
    fn words_of_the_value_are_found() {
        assert!(word_matches(&json!(1234.5), "1.234,50"));
        assert!(word_matches(&json!("INV-2024-001"), "INV-2024-001"));
        assert!(!word_matches(&json!("INV-2024-001"), "Invoice"));
        assert!(!word_matches(&json!("x"), ":"));
    }
}
