//! Dates as printed on documents, normalized to ISO `yyyy-mm-dd`.
//!
//! Accepted: `2024-03-05` (also with `/` and a time after it), `03/05/2024`
//! and `03-05-2024` (month first, as in the US, unless the first number cannot
//! be a month), `05.03.2024` (a dot means day first), two-digit years, and
//! month names in either order: `March 5, 2024`, `5 March 2024`,
//! `Mar 5 2024`, `5th Mar. 2024`.

use chrono::NaiveDate;

/// A piece of a date string: a number (with its digit count) or a word.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Num {
        value: u32,
        digits: usize,
        sep_after: Option<char>,
    },
    Word(String),
}

/// How an ambiguous all-numeric date (`03/05/2024`) is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum DateOrder {
    /// `mm/dd/yyyy`, as in the US.
    #[default]
    MonthFirst,
    /// `dd/mm/yyyy`, as in most of the world.
    DayFirst,
}

/// The first date in `text` as `yyyy-mm-dd`, reading `03/05/2024` month first.
pub(crate) fn parse_date(text: &str) -> Option<String> {
    parse_date_in(text, DateOrder::MonthFirst)
}

/// The first date in `text` as `yyyy-mm-dd`, reading ambiguous numeric dates in `order`.
pub(crate) fn parse_date_in(text: &str, order: DateOrder) -> Option<String> {
    all_dates(text, order).into_iter().next()
}

/// Every date in `text`, in order (for ranges such as `01 Apr - 30 Jun 2024`).
pub(crate) fn all_dates(text: &str, order: DateOrder) -> Vec<String> {
    let pieces = pieces(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        match numeric(&pieces[i..], order).or_else(|| named(&pieces[i..])) {
            Some(d) => {
                out.push(d.format("%Y-%m-%d").to_string());
                i += 3;
            }
            None => i += 1,
        }
    }
    out
}

/// Whether `$` stands before an amount (`$7.60`, `$ 12`), not inside a
/// misread word (`Jalan $S21/39`).
fn has_dollar_amount(line: &str) -> bool {
    line.match_indices('$').any(|(i, _)| {
        let rest = line[i + 1..].trim_start();
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let after = rest[digits..].chars().next();
        digits > 0 && after.is_none_or(|c| c.is_whitespace() || c == '.' || c == ',')
    })
}

/// The order a document uses, from its own dates: an unambiguous one
/// (`25/03/2024` or `03/25/2024`) decides; otherwise a currency hints at the
/// locale (`$` alone: month first); otherwise day first, as most of the world writes.
pub(crate) fn infer_order<'a>(lines: impl Iterator<Item = &'a str>) -> DateOrder {
    let mut dollar = false;
    let mut other_currency = false;
    for line in lines {
        let p = pieces(line);
        for w in p.windows(3) {
            if let [
                Piece::Num {
                    value: a,
                    digits: 1 | 2,
                    sep_after: Some(s1),
                },
                Piece::Num {
                    value: b,
                    digits: 1 | 2,
                    sep_after: Some(s2),
                },
                Piece::Num { digits: 2 | 4, .. },
            ] = w
                && s1 == s2
                && *s1 != '.'
            {
                // A number over 31 is no day either: an OCR slip (`05/48/2017`).
                if (13..=31).contains(a) && *b <= 12 {
                    return DateOrder::DayFirst;
                }
                if (13..=31).contains(b) && *a <= 12 {
                    return DateOrder::MonthFirst;
                }
            }
        }
        dollar |= has_dollar_amount(line) || line.contains("USD");
        other_currency |= [
            "€", "£", "EUR", "GBP", "RM", "MYR", "CHF", "SGD", "INR", "₹",
        ]
        .iter()
        .any(|c| line.contains(c));
    }
    if dollar && !other_currency {
        DateOrder::MonthFirst
    } else {
        DateOrder::DayFirst
    }
}

fn pieces(text: &str) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if chars[i].is_ascii_digit() {
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            let sep_after = chars
                .get(i)
                .copied()
                .filter(|c| matches!(c, '-' | '/' | '.'));
            match digits.parse() {
                Ok(value) => out.push(Piece::Num {
                    value,
                    digits: i - start,
                    sep_after,
                }),
                Err(_) => out.push(Piece::Word(String::new())),
            }
        } else if chars[i].is_alphabetic() {
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            out.push(Piece::Word(
                chars[start..i].iter().collect::<String>().to_lowercase(),
            ));
        } else {
            i += 1;
        }
    }
    out
}

/// `y-m-d`, `m/d/y` or `d/m/y` (by `order`, unless the first number is
/// over 12), `d.m.y`, and `yyyymmdd`.
fn numeric(p: &[Piece], order: DateOrder) -> Option<NaiveDate> {
    let [
        Piece::Num {
            value: a,
            digits: da,
            sep_after: Some(s1),
        },
        Piece::Num {
            value: b,
            digits: db,
            sep_after: Some(s2),
        },
        Piece::Num {
            value: c,
            digits: dc,
            ..
        },
        ..,
    ] = p
    else {
        return None;
    };
    if s1 != s2 || *db > 2 {
        return None;
    }
    if *da == 4 && *dc <= 2 {
        let year = full_year(*a, 4)?;
        return NaiveDate::from_ymd_opt(year, *b, *c);
    }
    if *da > 2 {
        return None;
    }
    let year = full_year(*c, *dc)?;
    let day_first = *s1 == '.' || *a > 12 || (order == DateOrder::DayFirst && *b <= 12);
    let (month, day) = if day_first { (*b, *a) } else { (*a, *b) };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `Month d, yyyy` and `d Month yyyy`, ordinals and a trailing dot allowed,
/// and the contract form `the 11th day of January, 2012`.
fn named(p: &[Piece]) -> Option<NaiveDate> {
    let nums: Vec<&Piece> = p
        .iter()
        .filter(|x| !matches!(x, Piece::Word(w) if matches!(w.as_str(), "st" | "nd" | "rd" | "th" | "of" | "day")))
        .take(3)
        .collect();
    let (month, day, year) = match nums.as_slice() {
        [
            Piece::Word(m),
            Piece::Num {
                value: d,
                digits: 1 | 2,
                ..
            },
            Piece::Num {
                value: y,
                digits: yd,
                ..
            },
        ]
        | [
            Piece::Num {
                value: d,
                digits: 1 | 2,
                ..
            },
            Piece::Word(m),
            Piece::Num {
                value: y,
                digits: yd,
                ..
            },
        ] => (month_number(m)?, *d, full_year(*y, *yd)?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Years a business document dates itself in. A four-digit year outside
/// them is a misread (OCR's `2617` or `0610` for `2017`), and a wrong date
/// costs more than none.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

fn full_year(value: u32, digits: usize) -> Option<i32> {
    match digits {
        4 => i32::try_from(value).ok().filter(|y| YEARS.contains(y)),
        2 => Some(2000 + value as i32),
        _ => None,
    }
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if word.len() < 3 {
        return None;
    }
    let word = if word == "sept" { "sep" } else { word };
    MONTHS
        .iter()
        .position(|m| m.starts_with(word))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_formats() {
        assert_eq!(parse_date("2024-03-05").as_deref(), Some("2024-03-05"));
        assert_eq!(
            parse_date("2024-03-05T10:00:00Z").as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(parse_date("03/05/2024").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("25/03/2024").as_deref(), Some("2024-03-25"));
        assert_eq!(parse_date("05.03.2024").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("3/5/24").as_deref(), Some("2024-03-05"));
    }

    #[test]
    fn month_names() {
        assert_eq!(parse_date("March 5, 2024").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("5 March 2024").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("Mar 5 2024").as_deref(), Some("2024-03-05"));
        assert_eq!(
            parse_date("due on the 5th of Sept. 2024").as_deref(),
            Some("2024-09-05")
        );
        assert_eq!(
            parse_date("made this 11th day of January, 2012").as_deref(),
            Some("2012-01-11")
        );
    }

    #[test]
    fn day_first_documents() {
        let day = DateOrder::DayFirst;
        assert_eq!(
            parse_date_in("11/01/2019", day).as_deref(),
            Some("2019-01-11")
        );
        assert_eq!(
            parse_date_in("11-01-19 10:20", day).as_deref(),
            Some("2019-01-11")
        );
        assert_eq!(
            parse_date_in("01/25/2019", day).as_deref(),
            Some("2019-01-25")
        );
        assert_eq!(
            all_dates("Period 01 Apr 2024 - 30 Jun 2024", day),
            ["2024-04-01", "2024-06-30"]
        );
    }

    #[test]
    fn document_order_from_its_dates_and_currency() {
        let order = |lines: &[&str]| infer_order(lines.iter().copied());
        assert_eq!(
            order(&["Date 03/04/2024", "Due 25/04/2024"]),
            DateOrder::DayFirst
        );
        assert_eq!(order(&["Date 04/25/2024"]), DateOrder::MonthFirst);
        assert_eq!(
            order(&["Date 03/04/2024", "Total RM 12.00"]),
            DateOrder::DayFirst
        );
        assert_eq!(
            order(&["Date 03/04/2024", "Total $12.00"]),
            DateOrder::MonthFirst
        );
        assert_eq!(order(&["Date 03/04/2024"]), DateOrder::DayFirst);
        // OCR slips decide nothing: a 48th day, a `$` read for an `S`.
        assert_eq!(
            order(&["Jalan $S21/39 Jaya", "DD: 05/48/2017", "Date 05/08/2017"]),
            DateOrder::DayFirst
        );
        assert_eq!(
            order(&["Total $ 12.00", "Date 03/04/2024"]),
            DateOrder::MonthFirst
        );
    }

    #[test]
    fn rejects_non_dates() {
        assert_eq!(parse_date("13/13/2024"), None);
        assert_eq!(parse_date("1,234.56"), None);
        assert_eq!(parse_date("May"), None);
        assert_eq!(parse_date("Invoice 12 of 2024"), None);
        // OCR slips that leave no plausible year.
        assert_eq!(parse_date("10/05/2617"), None);
        assert_eq!(parse_date("0610-12-10"), None);
        assert_eq!(parse_date("5 March 1066"), None);
        assert_eq!(parse_date("1999-12-31"), Some("1999-12-31".into()));
    }
}
