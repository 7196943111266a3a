//! Finds where the page prints a value read from the XML, so that every
//! XML-sourced value still cites the words a person would check, and so
//! that a value the page does not print can be told apart from one it
//! prints differently.

use serde_json::Value;

use crate::layout::{Layout, LineId, Span, Tok, join};
use crate::values::{all_dates, parse_number_in};

/// The spans of the page that print `value`; empty when it is not printed.
pub(super) fn find(layout: &Layout, value: &Value) -> Vec<Span> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .map(|n| find_number(layout, n))
            .unwrap_or_default(),
        Value::String(s) if is_iso_date(s) => find_date(layout, s),
        Value::String(s) => find_text(layout, s),
        _ => Vec::new(),
    }
}

/// Whole words (tokens glued by `,` `:` …) of every line, as token ranges.
fn words_of(layout: &Layout) -> impl Iterator<Item = (LineId, &[Tok], std::ops::Range<usize>)> {
    layout.line_ids().flat_map(move |id| {
        let toks = layout.line(id).map(|l| l.toks.as_slice()).unwrap_or(&[]);
        let mut ranges = Vec::new();
        let mut start = 0;
        for i in 1..=toks.len() {
            if i == toks.len() || !toks[i].glued {
                ranges.push(start..i);
                start = i;
            }
        }
        ranges.into_iter().map(move |r| (id, toks, r))
    })
}

/// Words that read as `n` in the document's number convention (currency
/// signs and a sign of a credit note may surround them).
fn find_number(layout: &Layout, n: f64) -> Vec<Span> {
    words_of(layout)
        .filter(|(_, toks, range)| {
            let text = join(&toks[range.clone()]);
            let trimmed = text.trim_matches(|c: char| !c.is_ascii_digit());
            !trimmed.is_empty()
                && parse_number_in(trimmed, layout.decimal_comma)
                    .is_some_and(|m| (m - n.abs()).abs() < 0.005)
        })
        .map(|(line, _, toks)| Span { line, toks })
        .collect()
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.replace('-', "").bytes().all(|c| c.is_ascii_digit())
}

/// Lines that print the date `iso` in any form the date reader knows.
fn find_date(layout: &Layout, iso: &str) -> Vec<Span> {
    layout
        .line_ids()
        .filter(|id| {
            layout.line(*id).is_some_and(|l| {
                all_dates(&l.text, layout.date_order)
                    .iter()
                    .any(|d| d == iso)
            })
        })
        .map(|id| layout.line_span(id))
        .collect()
}

/// The first run of tokens on one line whose words are the value's words.
fn find_text(layout: &Layout, text: &str) -> Vec<Span> {
    let wanted = plain_words(text);
    if wanted.is_empty() {
        return Vec::new();
    }
    for id in layout.line_ids() {
        let Some(line) = layout.line(id) else {
            continue;
        };
        for start in 0..line.toks.len() {
            let mut got: Vec<String> = Vec::new();
            for end in start..line.toks.len() {
                got.extend(plain_words(&line.toks[end].text));
                if got.len() >= wanted.len() {
                    if got == wanted {
                        return vec![Span {
                            line: id,
                            toks: start..end + 1,
                        }];
                    }
                    break;
                }
            }
        }
    }
    Vec::new()
}

/// Lower-case alphanumeric runs: names compare without their punctuation
/// (`Lieferant GmbH,` is `Lieferant GmbH`).
fn plain_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}
