//! Details a receipt or ticket prints without a label, found by their
//! shape and where they sit: the time of the sale and the merchant's
//! phone number.
//!
//! - The time of a sale is usually printed next to its date
//!   (`10/24/2017 2:05 PM`), or on a line of its own near it; opening hours
//!   (`Open 7:00-22:00`) are a range and are passed over. A time on the
//!   date's line is preferred, else the first time printed.
//! - A merchant prints its phone number in the letterhead, often without a
//!   label (`(604) 231-9383`, `707-443-1036`). Only a number in the upper
//!   part of the page whose digits come in two to four groups is taken,
//!   and not from a line that names another number (an order, a card, a
//!   transaction).

use serde_json::Value;

use super::run::Run;
use crate::layout::{LineId, Span};
use crate::values::{all_dates, all_times, is_time_range, phone_number};

/// How far down the page (fraction of its height) a letterhead phone may be.
const PHONE_ZONE: f64 = 0.45;
/// Digits of a phone number printed in a letterhead.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 7..=13;
/// Words of a line that holds some other number than a phone number.
const OTHER_NUMBERS: &[&str] = &[
    "order",
    "invoice",
    "receipt",
    "card",
    "acct",
    "account",
    "auth",
    "ref",
    "trans",
    "txn",
    "transaction",
    "store",
    "reg",
    "register",
    "terminal",
    "check",
    "chk",
    "table",
    "gst",
    "vat",
    "tax",
    "abn",
    "tin",
    "fax",
    "member",
    "ticket",
    "batch",
    "seq",
    "approval",
    "id",
];
/// Words of a line that announce opening hours rather than a sale.
const HOURS_WORDS: &[&str] = &["open", "opening", "hours", "hrs", "daily", "mon", "monday"];

impl Run<'_> {
    /// The time of the sale: the first time on a line with a date, else
    /// the first time on any line that is not opening hours.
    pub(super) fn printed_time(&self) -> Option<(Value, Span)> {
        let mut first: Option<(String, LineId)> = None;
        for id in self.lines_top_down() {
            let Some(line) = self.layout.line(id) else {
                continue;
            };
            let lower = line.text.to_lowercase();
            let hours = lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| HOURS_WORDS.contains(&w));
            if hours || is_time_range(&line.text) {
                continue;
            }
            let Some(time) = all_times(&line.text).into_iter().next() else {
                continue;
            };
            if !all_dates(&line.text, self.layout.date_order).is_empty() {
                return Some((Value::String(time), self.layout.line_span(id)));
            }
            first.get_or_insert((time, id));
        }
        first.map(|(time, id)| (Value::String(time), self.layout.line_span(id)))
    }

    /// An unlabelled phone number in the letterhead.
    pub(super) fn letterhead_phone(&self) -> Option<(Value, Span)> {
        let page = self.layout.page(0)?;
        let limit = page.height * PHONE_ZONE;
        self.lines_top_down().into_iter().find_map(|id| {
            let line = self.layout.line(id)?;
            if line.bbox.top > limit || names_other_number(&line.text) {
                return None;
            }
            let number = phone_number(&line.text).filter(|n| is_grouped_phone(n))?;
            Some((Value::String(number), self.layout.line_span(id)))
        })
    }
}

/// Whether a line labels a number that is not a phone number.
fn names_other_number(text: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| OTHER_NUMBERS.contains(&w))
}

/// Whether a number is written as phone numbers are: seven to thirteen
/// digits in two to four groups, the last of at least three digits, that
/// open as a dialling code does (`+44 …`, `(604) 231-9383`, a trunk `0`
/// before nine digits or more: `0151 485 5406`) or follow the North
/// American `707-443-1036` / `443-1036` shape. A single run of digits is as
/// likely a code, and a post-office box, a date or a reference number
/// (`1014 - 10100`, `4/4/2012`, `1.6152669`) has none of these shapes.
fn is_grouped_phone(number: &str) -> bool {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let groups: Vec<&str> = number
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let dialled = number.starts_with(['+', '(']) || (number.starts_with('0') && digits >= 9);
    // One separator throughout, a dash or a point.
    let mut separators = number.chars().filter(|c| !c.is_ascii_digit());
    let first = separators.next();
    let one_separator = matches!(first, Some('-' | '.')) && separators.all(|c| Some(c) == first);
    let north_american = matches!(lengths.as_slice(), [3, 3, 4] | [3, 4]) && one_separator;
    PHONE_DIGITS.contains(&digits)
        && (2..=4).contains(&groups.len())
        && lengths.last().is_some_and(|l| *l >= 3)
        && !number.contains([':', '/'])
        && (dialled || north_american)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rules::extract_text;

    #[test]
    fn phone_numbers_come_in_groups() {
        assert!(is_grouped_phone("(604) 231-9383"));
        assert!(is_grouped_phone("707-443-1036"));
        assert!(is_grouped_phone("0151 485 5406"));
        assert!(!is_grouped_phone("123456789"));
        assert!(!is_grouped_phone("94105 12"));
        assert!(is_grouped_phone("405.265.4076"));
        assert!(is_grouped_phone("+49 941 2090870"));
        assert!(!is_grouped_phone("1014 - 10100"));
        assert!(!is_grouped_phone("4/4/20127"));
        assert!(!is_grouped_phone("1.6152669"));
        assert!(!is_grouped_phone("90 196 565 019"));
        assert!(!is_grouped_phone("405-265.4076"));
        assert!(names_other_number("Order # 123-4567"));
        assert!(!names_other_number("Mountain View, CA 94043"));
    }

    fn receipt_schema() -> serde_json::Value {
        json!({"type": "object", "properties": {
            "store_name": {"type": ["string", "null"]},
            "phone": {"type": ["string", "null"]},
            "time": {"type": ["string", "null"]},
            "total": {"type": ["number", "null"]},
        }})
    }

    #[test]
    fn a_receipt_gives_its_unlabelled_time_and_letterhead_phone() {
        let text = "\
BLUE HERON DINER
418 Harbor Street
Portland, OR 97201
(503) 555-0142

Open daily 7:00-22:00
Server: Ann   Table 4
Order # 1234-5678
05/14/2019 6:42 PM
Pancakes        8.50
Coffee          2.75
Subtotal       11.25
Tax             0.90
Total          12.15
Cash           20.00
Change          7.85
";
        let value = extract_text(text, receipt_schema());
        assert_eq!(value["time"], json!("18:42"));
        assert_eq!(value["phone"], json!("(503) 555-0142"));
    }

    #[test]
    fn a_labelled_time_wins_and_no_phone_is_invented() {
        let text = "\
CORNER MARKET
22 Elm Road
Receipt 20411
Date: 03/02/2020
Time: 09:15:02
Milk            1.99
Total           1.99
Cash            2.00
Change          0.01
";
        let value = extract_text(text, receipt_schema());
        assert_eq!(value["time"], json!("09:15"));
        assert_eq!(value["phone"], json!(null));
    }
}
