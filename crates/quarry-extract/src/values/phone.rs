//! Phone numbers as printed after `Tel.`, `Telefon` or `Phone`: the number
//! is cut out of the line (`Tel.: +49 (0)30 123 456-7  Fax: …` gives
//! `+49 (0)30 123 456-7`) and kept as printed, since the way a business
//! writes its number is what a reader compares with. A date or an amount
//! next to the label is not a phone number.

use super::date::{DateOrder, all_dates};

/// Digits an E.164 number has at most; a national number has at least
/// [`MIN_DIGITS`] (short service numbers are not worth guessing).
const MAX_DIGITS: usize = 15;
const MIN_DIGITS: usize = 6;

/// The first phone number in `text`, as printed, or `None`.
pub(crate) fn phone_number(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let opens = chars[i].is_ascii_digit()
            || (matches!(chars[i], '+' | '(')
                && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
        let boundary = i == 0 || !chars[i - 1].is_alphanumeric();
        if !opens || !boundary {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_phone_char(chars[i]) {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let run = run.trim_end_matches(|c: char| !c.is_ascii_digit() && c != ')');
        if let Some(number) = accept(run) {
            return Some(number);
        }
        // Digits glued to letters (`A12345678`) end in the middle of a word.
        while i < chars.len() && chars[i].is_alphanumeric() {
            i += 1;
        }
    }
    None
}

fn is_phone_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-' | '/' | '.')
}

/// `run` when it reads as a phone number: enough digits, balanced
/// brackets, not a date and not an amount with cents.
fn accept(run: &str) -> Option<String> {
    let digits = run.chars().filter(char::is_ascii_digit).count();
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
        return None;
    }
    let opens = run.matches('(').count();
    if opens != run.matches(')').count() {
        return None;
    }
    if !all_dates(run, DateOrder::DayFirst).is_empty() {
        return None;
    }
    // `1.234,56` or `1,234.56`: an amount, whose last group has two digits
    // after a decimal mark; phone groups are separated by spaces or dashes.
    let has_cents = run
        .rsplit_once(['.', ','])
        .is_some_and(|(_, tail)| tail.len() == 2 && tail.chars().all(|c| c.is_ascii_digit()));
    if has_cents && !run.contains([' ', '-', '/', '(']) {
        return None;
    }
    Some(run.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_cut_out_as_printed() {
        let cases = [
            (
                "Tel.: +49 (0)30 123 456-7  Fax: +49 30 999",
                "+49 (0)30 123 456-7",
            ),
            ("Phone (555) 123-4567", "(555) 123-4567"),
            ("Téléphone : 01 23 45 67 89", "01 23 45 67 89"),
            ("TEL: 03-3362 4137", "03-3362 4137"),
            ("Telefon 089/1234567.", "089/1234567"),
            ("+31 20 555 0123", "+31 20 555 0123"),
        ];
        for (text, want) in cases {
            assert_eq!(phone_number(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn dates_amounts_and_ids_are_not_phones() {
        for text in [
            "Date: 12.03.2024",
            "Total 1.234,56",
            "Ref A12345678",
            "Tel. 112",
            "+49 123456789012345678",
        ] {
            assert_eq!(phone_number(text), None, "{text}");
        }
    }
}
