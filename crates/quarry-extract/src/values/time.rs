//! Times of day as printed on receipts and tickets, normalised to 24-hour
//! `HH:MM` (seconds dropped): `14:03`, `14:03:22`, `2:05 PM`, `2:05PM`,
//! `02:05 p.m.`, `11.45 AM`, `14h03`.
//!
//! A point as the separator is only a time when AM/PM follows it, since
//! `11.45` alone is an amount; `h` is the French and Spanish separator.
//! Out-of-range hours or minutes (`25:10`, `12:75`) are no time, and neither
//! are digits glued to other digits (`112:30`, a ratio or a code).

/// Every time of day in `text`, in order, as `HH:MM`.
pub(crate) fn all_times(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match time_at(&chars, i) {
            Some((time, end)) => {
                out.push(time);
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// The first time of day in `text` as `HH:MM`.
pub(crate) fn parse_time(text: &str) -> Option<String> {
    all_times(text).into_iter().next()
}

/// Whether `text` holds a range of times (`7:00-22:00`, `10:00 AM - 9:00
/// PM`): opening hours, not the moment of a sale.
pub(crate) fn is_time_range(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if let Some((_, end)) = time_at(&chars, i) {
            let rest: String = chars[end..].iter().collect();
            let rest = rest.trim_start();
            let joined = rest.strip_prefix(['-', '–', '~']).or_else(|| {
                rest.to_lowercase()
                    .starts_with("to ")
                    .then(|| rest.get(3..).unwrap_or(""))
            });
            if let Some(next) = joined {
                let next: Vec<char> = next.trim_start().chars().collect();
                if time_at(&next, 0).is_some() {
                    return true;
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    false
}

/// The time starting at `chars[i]` and the index after it.
fn time_at(chars: &[char], i: usize) -> Option<(String, usize)> {
    let boundary = i == 0 || !(chars[i - 1].is_ascii_digit() || matches!(chars[i - 1], ':' | '.'));
    if !boundary {
        return None;
    }
    let (hour, mut j) = digits(chars, i, 2)?;
    let sep = *chars.get(j)?;
    if !matches!(sep, ':' | '.' | 'h' | 'H') {
        return None;
    }
    let (minute, after) = digits(chars, j + 1, 2)?;
    if after - (j + 1) != 2 {
        return None;
    }
    j = after;
    // Seconds: `14:03:22`.
    if chars.get(j) == Some(&sep)
        && let Some((_, end)) = digits(chars, j + 1, 2)
        && end - (j + 1) == 2
    {
        j = end;
    }
    if chars.get(j).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let (meridiem, end) = meridiem(chars, j);
    if sep == '.' && meridiem.is_none() {
        return None;
    }
    let hour = match meridiem {
        Some(_) if !(1..=12).contains(&hour) => return None,
        Some(Meridiem::Am) => hour % 12,
        Some(Meridiem::Pm) => hour % 12 + 12,
        None => hour,
    };
    (hour < 24 && minute < 60).then(|| (format!("{hour:02}:{minute:02}"), end))
}

/// Up to `max` ASCII digits at `chars[i..]`, as a number, and the index after them.
fn digits(chars: &[char], i: usize, max: usize) -> Option<(u32, usize)> {
    let run: String = chars
        .get(i..)?
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let value = run.parse().ok()?;
    Some((value, i + run.len()))
}

enum Meridiem {
    Am,
    Pm,
}

/// `AM`, `pm`, `a.m.`, `P` after a time (spaces allowed before it), and
/// the index after it; `None` when what follows is no such marker.
fn meridiem(chars: &[char], i: usize) -> (Option<Meridiem>, usize) {
    let mut j = i;
    while chars.get(j) == Some(&' ') {
        j += 1;
    }
    let kind = match chars.get(j).map(char::to_ascii_lowercase) {
        Some('a') => Meridiem::Am,
        Some('p') => Meridiem::Pm,
        _ => return (None, i),
    };
    let mut k = j + 1;
    if chars.get(k) == Some(&'.') {
        k += 1;
    }
    if chars.get(k).map(char::to_ascii_lowercase) == Some('m') {
        k += 1;
        if chars.get(k) == Some(&'.') {
            k += 1;
        }
    } else if k == j + 1 && chars.get(k).is_some_and(|c| c.is_alphabetic()) {
        // `2:05 Paid`: a word, not a marker.
        return (None, i);
    }
    if chars.get(k).is_some_and(|c| c.is_alphanumeric()) {
        return (None, i);
    }
    (Some(kind), k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_in_24_hour_form() {
        assert_eq!(parse_time("14:03"), Some("14:03".into()));
        assert_eq!(parse_time("Time: 14:03:22"), Some("14:03".into()));
        assert_eq!(parse_time("10/24/2017 2:05 PM"), Some("14:05".into()));
        assert_eq!(parse_time("2:05PM"), Some("14:05".into()));
        assert_eq!(parse_time("12:10 am"), Some("00:10".into()));
        assert_eq!(parse_time("12:10 p.m."), Some("12:10".into()));
        assert_eq!(parse_time("11.45 AM"), Some("11:45".into()));
        assert_eq!(parse_time("14h03"), Some("14:03".into()));
        assert_eq!(parse_time("9:07 P"), Some("21:07".into()));
    }

    #[test]
    fn amounts_codes_and_impossible_times_are_not_times() {
        assert_eq!(parse_time("TOTAL 11.45"), None);
        assert_eq!(parse_time("25:10"), None);
        assert_eq!(parse_time("12:75"), None);
        assert_eq!(parse_time("112:30"), None);
        assert_eq!(parse_time("13:05 PM"), None);
        assert_eq!(parse_time("2:05 Paid"), Some("02:05".into()));
        assert_eq!(parse_time("12:345"), None);
    }

    #[test]
    fn opening_hours_are_ranges() {
        assert!(is_time_range("Open 7:00-22:00"));
        assert!(is_time_range("10:00 AM - 9:00 PM"));
        assert!(is_time_range("11:00 to 23:00"));
        assert!(!is_time_range("05/06/2017 14:03"));
        assert!(!is_time_range("14:03 - Table 5"));
    }
}
