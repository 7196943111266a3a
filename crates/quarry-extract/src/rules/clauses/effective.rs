//! The effective date of an agreement, from the clause that states it, in
//! order of how directly it says so:
//!
//! 1. a date defined as the agreement's date (`May 20, 2014 (the "Effective
//!    Date")`);
//! 2. `effective as of <date>` near the start;
//! 3. the date of the preamble (`This Agreement is entered into as of
//!    <date> by and between …`, `made this 11th day of January, 2012`);
//! 4. a date near the start of the document (the date line of a letter);
//! 5. the last signature date (`Date: 11/25/2014` under the signatures):
//!    an agreement that states no date binds when the last party signs.
//!
//! Dates elsewhere in the body (other agreements `dated as of …`, deadlines)
//! are not the agreement's own.

use std::sync::LazyLock;

use regex::Regex;

use super::Found;
use super::prose::{Prose, floor};
use crate::values::{DateOrder, all_dates};

/// How far into the text (bytes) the preamble and a letter's date line are looked for.
const OPENING: usize = 4000;
/// How far into the text `effective as of` still speaks of the agreement itself.
const EFFECTIVE_WITHIN: usize = 3000;
/// How far into the text a bare date is taken as the document's date.
const DATE_LINE_WITHIN: usize = 1500;

const DEFINED: f64 = 0.85;
const PREAMBLE: f64 = 0.8;
const EFFECTIVE_AS_OF: f64 = 0.75;
const DATE_LINE: f64 = 0.5;
const SIGNED: f64 = 0.45;

/// A date written in words or digits (`May 20, 2014`, `20th day of May, 2014`, `5/20/14`).
static DATE: LazyLock<String> = LazyLock::new(|| {
    let month = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?";
    format!(
        r"(?:{month}\s+\d{{1,2}}(?:\s*(?:st|nd|rd|th))?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?{month},?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
    )
});

static DEFINED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"(?i)({})\s*\(\s*(?:the\s+|this\s+)?["“”']*(?:effective|agreement|execution)\s+date"#,
        *DATE
    ))
    .expect("valid pattern")
});
static EFFECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\beffective\s+(?:as\s+of\s+|on\s+|from\s+)?(?:the\s+)?({})",
        *DATE
    ))
    .expect("valid pattern")
});
static PREAMBLE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:as\s+of|dated|on|this|effective)\s+(?:the\s+)?({})",
        *DATE
    ))
    .expect("valid pattern")
});
static SIGNATURE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\bdated?\s*:\s*({})", *DATE)).expect("valid pattern")
});
static ANY_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i){}", *DATE)).expect("valid pattern"));
static AGREEMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)agreement|letter").expect("valid pattern"));
static MADE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)entered\s+into|\bmade\b|\bdated\b|\bbetween\b|\bamong\b")
        .expect("valid pattern")
});

/// The agreement's effective date as `yyyy-mm-dd`.
pub(super) fn effective_date(prose: &Prose, order: DateOrder) -> Option<Found> {
    let text = prose.text.as_str();
    let opening = &text[..floor(text, OPENING)];
    let found = |m: regex::Match, confidence: f64| {
        let value = all_dates(m.as_str(), order).into_iter().next()?;
        Some(Found {
            value,
            at: m.start(),
            confidence,
        })
    };
    if let Some(m) = DEFINED_DATE.captures(text).and_then(|c| c.get(1))
        && let Some(f) = found(m, DEFINED)
    {
        return Some(f);
    }
    if let Some(m) = EFFECTIVE.captures(text).and_then(|c| c.get(1))
        && m.start() < EFFECTIVE_WITHIN
        && let Some(f) = found(m, EFFECTIVE_AS_OF)
    {
        return Some(f);
    }
    for range in prose.sentences() {
        if range.start >= opening.len() {
            break;
        }
        let sentence = &opening[range.start..range.end.min(opening.len())];
        if !AGREEMENT.is_match(sentence) || !MADE.is_match(sentence) {
            continue;
        }
        if let Some(m) = PREAMBLE_DATE.captures(sentence).and_then(|c| c.get(1))
            && let Some(mut f) = found(m, PREAMBLE)
        {
            f.at += range.start;
            return Some(f);
        }
    }
    let date_line = &text[..floor(text, DATE_LINE_WITHIN)];
    if let Some(f) = ANY_DATE.find(date_line).and_then(|m| found(m, DATE_LINE)) {
        return Some(f);
    }
    SIGNATURE_DATE
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .filter_map(|m| found(m, SIGNED))
        .max_by(|a, b| a.value.cmp(&b.value))
}

#[cfg(test)]
mod tests {
    use super::super::prose::of_text;
    use super::*;

    fn read(text: &str) -> Option<String> {
        effective_date(&of_text(text), DateOrder::MonthFirst).map(|f| f.value)
    }

    #[test]
    fn a_defined_effective_date_beats_other_dates() {
        let text = "MUTUAL NONDISCLOSURE AGREEMENT\n\
                    This Agreement is made as of June 1, 2012, amending the agreement\n\
                    dated January 3, 2010, and takes effect on March 5, 2013 (the\n\
                    \"Effective Date\").";
        assert_eq!(read(text).as_deref(), Some("2013-03-05"));
    }

    #[test]
    fn the_preamble_date_in_words_is_read() {
        let text = "NON-DISCLOSURE AGREEMENT\n\nTHIS AGREEMENT, dated this 11th day of\n\
                    January, 2012, is by and among Acme, Inc. and Beta LLC.";
        assert_eq!(read(text).as_deref(), Some("2012-01-11"));
    }

    #[test]
    fn without_a_stated_date_the_last_signature_counts() {
        let mut text = String::from("CONFIDENTIALITY AGREEMENT\n\n");
        for _ in 0..40 {
            text.push_str("The Recipient shall keep the information confidential.\n");
        }
        text.push_str("By: A. Smith   Date: 11/20/2014\nBy: B. Jones   Date: 11/25/2014\n");
        assert_eq!(read(&text).as_deref(), Some("2014-11-25"));
    }
}
