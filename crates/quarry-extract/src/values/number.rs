//! Numbers as printed on documents: currency symbols and codes around them,
//! thousands separators in either convention (`1,234.56`, `1.234,56`,
//! `1'234.56`), and negatives written `-12` or `(12.00)`.

use serde_json::Value;

/// The first number in `text`, or `None`. Digits glued to letters
/// (`INV-001`, `A12`) are identifiers, not numbers, and are skipped.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    parse_number_in(text, false)
}

/// [`parse_number`] in a document whose amounts use `,` as the decimal
/// mark (`decimal_comma`, see [`infer_decimal_comma`]): there a lone
/// comma before three digits (`5,000 kg`) is a decimal mark too.
pub(crate) fn parse_number_in(text: &str, decimal_comma: bool) -> Option<f64> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || matches!(chars[i], '.' | ',' | '\''))
        {
            i += 1;
        }
        let mut end = i;
        while end > start && !chars[end - 1].is_ascii_digit() {
            end -= 1;
        }
        let glued_after = chars.get(end).is_some_and(|c| c.is_alphabetic());
        if is_identifier(&chars, start) || glued_after {
            continue;
        }
        let magnitude = digits_to_f64(&chars[start..end], decimal_comma)?;
        return Some(if is_negative(&chars, start, end) {
            -magnitude
        } else {
            magnitude
        });
    }
    None
}

/// A JSON number for a schema of type `integer` (`integer == true`) or `number`.
/// Whole numbers are written without a fraction (`2`, not `2.0`).
pub(crate) fn number_value(n: f64, integer: bool) -> Option<Value> {
    let whole = n.fract() == 0.0 && n.abs() < 9.0e15;
    if whole {
        Some(Value::from(n as i64))
    } else if integer {
        None
    } else {
        serde_json::Number::from_f64(n).map(Value::Number)
    }
}

/// Whether the text is a bare number, possibly with a currency, sign or percent.
pub(crate) fn looks_numeric(text: &str) -> bool {
    let rest: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !"$€£¥₹₩+-−()%".contains(*c))
        .collect();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let rest = rest.trim_end_matches(|c: char| c.is_ascii_uppercase());
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '\''))
        && parse_number(text).is_some()
}

fn is_identifier(chars: &[char], start: usize) -> bool {
    let Some(&prev) = start.checked_sub(1).and_then(|p| chars.get(p)) else {
        return false;
    };
    if prev.is_alphabetic() {
        return true;
    }
    let before_dash = start.checked_sub(2).and_then(|p| chars.get(p));
    prev == '-' && before_dash.is_some_and(|c| c.is_alphanumeric())
}

fn is_negative(chars: &[char], start: usize, end: usize) -> bool {
    let before = chars[..start]
        .iter()
        .rev()
        .find(|c| !c.is_whitespace() && !"$€£¥₹₩".contains(**c));
    match before {
        Some('-' | '−') => true,
        Some('(') => chars[end..].iter().find(|c| !c.is_whitespace()) == Some(&')'),
        _ => false,
    }
}

/// Interprets a run of digits and separators, deciding which separator is the decimal point.
fn digits_to_f64(run: &[char], decimal_comma: bool) -> Option<f64> {
    let dots = run.iter().filter(|c| **c == '.').count();
    let commas = run.iter().filter(|c| **c == ',').count();
    let last = |sep: char| run.iter().rposition(|c| *c == sep);
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (_, 0) if dots > 1 => None,
        (_, 0) => Some('.'),
        (0, 1) => {
            let after = last(',').map_or(0, |p| run.len() - p - 1);
            (after != 3 || decimal_comma).then_some(',')
        }
        (0, _) => None,
        _ => {
            if last('.') > last(',') {
                Some('.')
            } else {
                Some(',')
            }
        }
    };
    let cleaned: String = run
        .iter()
        .filter_map(|&c| match c {
            '0'..='9' => Some(c),
            c if Some(c) == decimal => Some('.'),
            _ => None,
        })
        .collect();
    if decimal.is_some_and(|d| run.iter().filter(|c| **c == d).count() > 1) {
        return None;
    }
    cleaned.parse().ok()
}

/// Whether the document writes amounts with a decimal comma: more numbers
/// end in `,dd` (`1.234,56`, `12,50`) than in `.dd`. Documents are
/// consistent, so this settles `5,000` (five in Germany, five thousand in
/// the US), which alone is ambiguous.
pub(crate) fn infer_decimal_comma<'a>(lines: impl Iterator<Item = &'a str>) -> bool {
    let (mut comma, mut dot) = (0usize, 0usize);
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if !matches!(c, ',' | '.') {
                continue;
            }
            let digit = |j: usize| chars.get(j).is_some_and(char::is_ascii_digit);
            let cents = i > 0
                && digit(i - 1)
                && digit(i + 1)
                && digit(i + 2)
                && !digit(i + 3)
                && !chars.get(i + 3).is_some_and(|c| matches!(c, ',' | '.'));
            if cents {
                if c == ',' {
                    comma += 1;
                } else {
                    dot += 1;
                }
            }
        }
    }
    comma > dot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_separator_conventions() {
        assert_eq!(parse_number("1.234,56"), Some(1234.56));
        assert_eq!(parse_number("1,234.56"), Some(1234.56));
        assert_eq!(parse_number("1'234.50"), Some(1234.5));
        assert_eq!(parse_number("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_number("12,5"), Some(12.5));
        assert_eq!(parse_number("1,234"), Some(1234.0));
    }

    #[test]
    fn a_decimal_comma_document_reads_three_decimals() {
        assert_eq!(parse_number_in("5,000 kg", true), Some(5.0));
        assert_eq!(parse_number_in("5,000 kg", false), Some(5000.0));
        assert_eq!(parse_number_in("1.234,56", true), Some(1234.56));
        let german = ["Schweinesteak 5,000 kg 5,50 27,50", "Summe 1.234,56 EUR"];
        assert!(infer_decimal_comma(german.into_iter()));
        let english = ["Steak 5,000 lb 5.50 27.50", "Total 1,234.56 USD"];
        assert!(!infer_decimal_comma(english.into_iter()));
    }

    #[test]
    fn currency_signs_and_identifiers() {
        assert_eq!(parse_number("€ 1.234,56"), Some(1234.56));
        assert_eq!(parse_number("USD 99.90 total"), Some(99.9));
        assert_eq!(parse_number("-$12.00"), Some(-12.0));
        assert_eq!(parse_number("(45.10)"), Some(-45.1));
        assert_eq!(parse_number("INV-001"), None);
        assert_eq!(parse_number("n/a"), None);
        assert_eq!(parse_number("2 pcs"), Some(2.0));
    }

    #[test]
    fn numeric_looking_text() {
        assert!(looks_numeric("$1,234.56"));
        assert!(looks_numeric("1.234,56 EUR"));
        assert!(!looks_numeric("INV-2024-001"));
        assert!(!looks_numeric("12 Main Street"));
    }

    #[test]
    fn json_numbers_keep_integers_whole() {
        assert_eq!(number_value(2.0, true), Some(Value::from(2)));
        assert_eq!(number_value(2.5, true), None);
        assert_eq!(number_value(2.5, false), Some(serde_json::json!(2.5)));
    }
}
