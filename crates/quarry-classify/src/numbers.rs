//! Recognising the two value shapes layout cues count: money amounts
//! (`1,234.56`, `1.234,56`, `-12.30`, `+3,336.65`, `12.30-`, `$51.24`) and
//! dates (`05.03.2018`, `2024-02-12`, `06/03/2016`, `12 Feb 2024`,
//! `March 5, 2024`). Recognition only: the engine never needs the date's
//! value, and an amount's value only for the running-balance check.

/// Month names and abbreviations (EN, DE, FR, ES) that make a word a date
/// part.
const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "januar",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dez",
    "dezember",
    "okt",
    "janv",
    "févr",
    "avr",
    "juil",
    "août",
    "déc",
    "ene",
    "dic",
];

/// The value of a money amount written with two decimals (either decimal
/// mark, thousands grouped or not, a sign or currency sign before, a minus
/// after). `None` for anything else: counts, years, percentages.
pub fn amount(token: &str) -> Option<f64> {
    let t = token.trim_matches(|c: char| matches!(c, '(' | ')' | '*' | ':' | ';'));
    let (t, trailing_minus) = match t.strip_suffix('-') {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    let t = t.trim_start_matches(['$', '€', '£', '¥']);
    let (negative, digits) = match t.chars().next()? {
        '-' | '−' => (true, &t[t.char_indices().nth(1)?.0..]),
        '+' => (false, &t[1..]),
        _ => (false, t),
    };
    let digits = digits.trim_start_matches(['$', '€', '£']);
    let bytes = digits.as_bytes();
    let n = bytes.len();
    if n < 4 || !matches!(bytes[n - 3], b'.' | b',') {
        return None;
    }
    let decimal = bytes[n - 3];
    let (whole, cents) = (&digits[..n - 3], &digits[n - 2..]);
    if !cents.bytes().all(|b| b.is_ascii_digit()) || whole.is_empty() {
        return None;
    }
    let group = if decimal == b'.' { ',' } else { '.' };
    let groups: Vec<&str> = whole.split([group, '\'', ' ']).collect();
    let grouped_ok = groups.iter().enumerate().all(|(i, g)| {
        !g.is_empty()
            && g.bytes().all(|b| b.is_ascii_digit())
            && (groups.len() == 1 || (i == 0 && g.len() <= 3) || g.len() == 3)
    });
    if !grouped_ok {
        return None;
    }
    let value: f64 = format!("{}.{cents}", groups.concat()).parse().ok()?;
    Some(if negative || trailing_minus {
        -value
    } else {
        value
    })
}

/// Whether `token` is a number of any shape (counts, percents, amounts,
/// `47,824,589`): what a statistical table's cells hold.
pub fn is_number(token: &str) -> bool {
    let t = token.trim_matches(|c: char| {
        matches!(c, '(' | ')' | '%' | '$' | '€' | '£' | '+' | '-' | '*' | ':')
    });
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
}

/// Whether the words at the start of `words` form a date; returns how many
/// words it took (1 for `05.03.2018`, 3 for `12 Feb 2024`).
pub fn date_at(words: &[&str]) -> Option<usize> {
    let first = *words.first()?;
    if is_numeric_date(first) {
        return Some(1);
    }
    let month = |w: &str| MONTHS.contains(&w.trim_end_matches([',', '.']).to_lowercase().as_str());
    let day = |w: &str| {
        let w = w.trim_end_matches([',', '.']);
        (1..=2).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit())
    };
    let year =
        |w: Option<&&str>| w.is_some_and(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()));
    match words {
        [d, m, ..] if day(d) && month(m) => Some(if year(words.get(2)) { 3 } else { 2 }),
        [m, d, ..] if month(m) && day(d) => Some(if year(words.get(2)) { 3 } else { 2 }),
        _ => None,
    }
}

/// `05.03.2018`, `06/03/2016`, `2024-02-12`, `5/3/24`, `05-03`.
fn is_numeric_date(token: &str) -> bool {
    let t = token.trim_end_matches([',', ':']);
    let parts: Vec<&str> = t.split(['.', '/', '-']).collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric || !(2..=3).contains(&parts.len()) {
        return false;
    }
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    match lens.as_slice() {
        [4, 2, 2] => true,
        [a, b, c] => *a <= 2 && *b <= 2 && (*c == 2 || *c == 4),
        // A day and month alone only with a dot or slash, so `10-12`
        // (a range) is not a date.
        [a, b] => {
            *a <= 2 && *b == 2 && !t.contains('-') && t.ends_with(|c: char| c.is_ascii_digit())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_both_notations() {
        assert_eq!(amount("1,234.56"), Some(1234.56));
        assert_eq!(amount("1.234,56"), Some(1234.56));
        assert_eq!(amount("-155.84"), Some(-155.84));
        assert_eq!(amount("+3,336.65"), Some(3336.65));
        assert_eq!(amount("12.30-"), Some(-12.30));
        assert_eq!(amount("$51.24"), Some(51.24));
        assert_eq!(amount("2024"), None);
        assert_eq!(amount("19%"), None);
        assert_eq!(amount("12,34,5.00"), None);
    }

    #[test]
    fn dates_of_several_shapes() {
        assert_eq!(date_at(&["05.03.2018"]), Some(1));
        assert_eq!(date_at(&["2024-02-12", "x"]), Some(1));
        assert_eq!(date_at(&["12", "Feb", "2024", "Card"]), Some(3));
        assert_eq!(date_at(&["March", "5,", "2024"]), Some(3));
        assert_eq!(date_at(&["10-12"]), None);
        assert_eq!(date_at(&["Card", "payment"]), None);
    }
}
