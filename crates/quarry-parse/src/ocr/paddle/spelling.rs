//! Digit-for-letter slips of the recogniser. Its dictionary is Chinese and
//! it has no word model, so inside Latin words it sometimes reads `O` as
//! `0` and `l`/`I` as `1` (`L0T`, `FLO0R`, `Ja1an`, `Leve1`, `N0.`), which
//! breaks every exact string match downstream. Only positions where a digit
//! cannot be meant are repaired: a lone `0` or `1` between letters, at the
//! end of a lower-case word, or in a one-letter abbreviation (`C0.`);
//! codes such as `U13`, `SS21`, `A1`, `UPTOWN3` or `1ST` stay as read.

/// `word` with its impossible `0`/`1` read as letters.
pub(super) fn fix_digit_letters(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = chars.clone();
    let mut start = 0;
    while start < chars.len() {
        let end = (start..chars.len())
            .find(|&i| !chars[i].is_alphanumeric())
            .unwrap_or(chars.len());
        if end > start {
            let next = chars.get(end).copied();
            if let Some((at, letter)) = repair(&chars[start..end], next) {
                out[start + at] = letter;
            }
        }
        start = end + 1;
    }
    out.into_iter().collect()
}

/// The position and letter to put in `token` (an alphanumeric run followed
/// by `next`), if its one digit is a misread letter.
fn repair(token: &[char], next: Option<char>) -> Option<(usize, char)> {
    let digits: Vec<usize> = (0..token.len())
        .filter(|&i| token[i].is_ascii_digit())
        .collect();
    let [at] = digits[..] else {
        return None;
    };
    let digit = token[at];
    let letters: Vec<char> = token
        .iter()
        .copied()
        .filter(|c| c.is_alphabetic())
        .collect();
    if !matches!(digit, '0' | '1') || letters.len() + 1 != token.len() || at == 0 {
        return None;
    }
    let before = token[at - 1];
    let between = at + 1 < token.len();
    let lower_end = !between && before.is_lowercase() && letters.len() >= 2;
    let abbreviation = !between
        && before.is_uppercase()
        && letters.len() == 1
        && digit == '0'
        && next == Some('.');
    if !(between || lower_end || abbreviation) {
        return None;
    }
    let letter = match (digit, before.is_uppercase()) {
        ('0', true) => 'O',
        ('0', false) => 'o',
        (_, true) => 'I',
        _ => 'l',
    };
    Some((at, letter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_that_cannot_be_digits_become_letters() {
        for (read, meant) in [
            ("L0T", "LOT"),
            ("FLO0R,", "FLOOR,"),
            ("Ja1an", "Jalan"),
            ("Peta1ing", "Petaling"),
            ("Leve1", "Level"),
            ("C0.", "CO."),
            ("N0.53", "NO.53"),
        ] {
            assert_eq!(fix_digit_letters(read), meant, "{read}");
        }
    }

    #[test]
    fn codes_and_numbers_stay_as_read() {
        for code in [
            "U13/BG", "SS21/39", "A1", "UPTOWN3", "1ST", "B10", "7/118B", "2017", "X0", "RM10.00",
        ] {
            assert_eq!(fix_digit_letters(code), code);
        }
    }
}
