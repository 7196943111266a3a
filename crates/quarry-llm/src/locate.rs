//! Citations computed from the parse: for every value the model returned,
//! find the words on the page that say it.
//!
//! The model answers values only (writing line ids roughly doubled its
//! output, and output tokens are what a small local model is slow at).
//! Quarry already knows every word and its box, so it searches them:
//! numbers by their digits (`1.234,50` for 1234.5, also split over two or
//! three OCR words), strings and dates token by token over a window of up
//! to four consecutive lines (addresses wrap), with OCR-sized differences
//! and month names tolerated ([`crate::check`]). A value whose words are
//! not on the pages the model saw gets no hit: [`crate::metadata`] flags
//! it `uncited` with a low confidence.
//!
//! When a value is printed more than once, inside an array the occurrence
//! nearest the value found just before it wins (items are read row after
//! row), then a line that also names the field (`Total` for `total_gross`),
//! then the first in reading order.

use std::collections::HashMap;
use std::ops::Range;

use quarry_parse::{Document, Line};
use serde_json::Value;

use crate::check::{digits, is_printed, number_forms, token_match, tokens};
use crate::prompt::LineRef;

/// Longest run of lines one value may span.
const MAX_WINDOW: usize = 4;
/// Most words one printed number may be split into by OCR.
const MAX_NUMBER_WORDS: usize = 3;
/// A source word is part of a string value when its tokens match this well.
const WORD_MATCH: f64 = 0.7;

/// Where one value was found: lines with the indices of the value's words,
/// and how much of the value those words cover (1.0 = all of it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub lines: Vec<(LineRef, Vec<usize>)>,
    pub coverage: f64,
}

/// One searchable line.
struct Indexed<'d> {
    at: LineRef,
    line: &'d Line,
    /// Tokens of each word of the line.
    words: Vec<Vec<String>>,
}

/// Hits for every printed leaf of `value`, keyed by field path
/// (`vendor.name`, `line_items[2].amount`), searched on `pages`.
pub(crate) fn locate(doc: &Document, pages: Range<usize>, value: &Value) -> HashMap<String, Hit> {
    let index: Vec<Indexed> = pages
        .filter_map(|p| doc.pages.get(p).map(|page| (p, page)))
        .flat_map(|(p, page)| {
            page.lines.iter().enumerate().map(move |(l, line)| Indexed {
                at: LineRef { page: p, line: l },
                line,
                words: line.words.iter().map(|w| tokens(&w.text)).collect(),
            })
        })
        .collect();
    let mut out = HashMap::new();
    if let Some(root) = value.as_object() {
        for (key, child) in root {
            // Each field starts afresh; within an array the rows follow each other.
            walk(&index, child, key, key, &mut None, &mut out);
        }
    }
    out
}

/// Searches `value` at `path`; `anchor` is the position of the previous hit.
fn walk(
    index: &[Indexed],
    value: &Value,
    path: &str,
    key: &str,
    anchor: &mut Option<usize>,
    out: &mut HashMap<String, Hit>,
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                walk(index, v, &format!("{path}.{k}"), k, anchor, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(index, v, &format!("{path}[{i}]"), key, anchor, out);
            }
        }
        leaf if is_printed(leaf) => {
            if let Some((pos, hit)) = best(index, leaf, key, *anchor) {
                *anchor = Some(pos);
                out.insert(path.to_string(), hit);
            }
        }
        _ => {}
    }
}

/// The best occurrence of `value` and its position in `index`.
fn best(
    index: &[Indexed],
    value: &Value,
    key: &str,
    anchor: Option<usize>,
) -> Option<(usize, Hit)> {
    let key_tokens = tokens(&key.replace('_', " "));
    let names_field = |pos: usize| {
        let line = tokens(&index[pos].line.text);
        key_tokens.iter().any(|k| k.len() > 2 && line.contains(k))
    };
    let distance = |pos: usize| match anchor {
        None => 0,
        // Later occurrences are the natural next row; earlier ones count double.
        Some(a) if pos >= a => pos - a,
        Some(a) => 2 * (a - pos),
    };
    let candidates: Vec<(usize, Hit)> = match value {
        Value::Number(n) => {
            let forms = number_forms(n);
            (0..index.len())
                .filter_map(|pos| number_hit(&index[pos], &forms).map(|h| (pos, h)))
                .collect()
        }
        Value::String(s) => {
            let wanted = tokens(s);
            (0..index.len())
                .filter_map(|pos| string_hit(index, pos, &wanted).map(|h| (pos, h)))
                .collect()
        }
        _ => Vec::new(),
    };
    candidates.into_iter().min_by(|(pa, a), (pb, b)| {
        b.coverage
            .total_cmp(&a.coverage)
            .then(a.lines.len().cmp(&b.lines.len()))
            .then(distance(*pa).cmp(&distance(*pb)))
            .then(names_field(*pb).cmp(&names_field(*pa)))
            .then(pa.cmp(pb))
    })
}

/// The words of `line` that print one of `forms` (digits only), possibly
/// split over a few adjacent words.
fn number_hit(line: &Indexed, forms: &[String]) -> Option<Hit> {
    let words = &line.line.words;
    for start in 0..words.len() {
        let mut joined = String::new();
        for (end, word) in words.iter().enumerate().skip(start).take(MAX_NUMBER_WORDS) {
            let d = digits(&word.text);
            if d.is_empty() {
                break;
            }
            joined.push_str(&d);
            if forms.contains(&joined) {
                return Some(Hit {
                    lines: vec![(line.at, (start..=end).collect())],
                    coverage: 1.0,
                });
            }
            if !forms.iter().any(|f| f.starts_with(&joined)) {
                break;
            }
        }
    }
    None
}

/// The smallest window of lines from `pos` (same page) that covers more
/// than half of `wanted`, with the words that make up the value.
fn string_hit(index: &[Indexed], pos: usize, wanted: &[String]) -> Option<Hit> {
    if wanted.is_empty() {
        return None;
    }
    let page = index[pos].at.page;
    let mut best: Option<Hit> = None;
    for size in 1..=MAX_WINDOW {
        let Some(window) = index.get(pos..pos + size) else {
            break;
        };
        if window.iter().any(|l| l.at.page != page) {
            break;
        }
        let source: Vec<&String> = window
            .iter()
            .flat_map(|l| l.words.iter().flatten())
            .collect();
        let coverage = wanted
            .iter()
            .map(|w| source.iter().map(|s| token_match(w, s)).fold(0.0, f64::max))
            .sum::<f64>()
            / wanted.len() as f64;
        if coverage <= 0.5 || best.as_ref().is_some_and(|b| b.coverage >= coverage) {
            continue;
        }
        let lines: Vec<(LineRef, Vec<usize>)> = window
            .iter()
            .map(|l| (l.at, value_words(l, wanted)))
            .filter(|(_, words)| !words.is_empty())
            .collect();
        // The window's first line must carry part of the value, or a
        // smaller window starting later says the same.
        if lines.first().is_none_or(|(at, _)| *at != index[pos].at) {
            continue;
        }
        best = Some(Hit { lines, coverage });
        if coverage >= 1.0 {
            break;
        }
    }
    best
}

/// Indices of the words of `line` whose every token is one of `wanted`.
fn value_words(line: &Indexed, wanted: &[String]) -> Vec<usize> {
    line.words
        .iter()
        .enumerate()
        .filter(|(_, toks)| {
            !toks.is_empty()
                && toks
                    .iter()
                    .all(|t| wanted.iter().any(|w| token_match(w, t) >= WORD_MATCH))
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry_parse::{BBox, FileKind, Page, Word};
    use serde_json::json;

    fn doc(lines: &[&str]) -> Document {
        let mut page = Page::new(1, 600.0, 800.0);
        page.lines = lines
            .iter()
            .map(|t| Line {
                text: (*t).into(),
                bbox: BBox::default(),
                words: t
                    .split_whitespace()
                    .map(|w| Word {
                        text: w.into(),
                        bbox: BBox::default(),
                        confidence: 1.0,
                    })
                    .collect(),
            })
            .collect();
        Document {
            einvoice: None,
            kind: FileKind::Text,
            pages: vec![page],
        }
    }

    fn at(line: usize) -> LineRef {
        LineRef { page: 0, line }
    }

    #[test]
    fn numbers_dates_and_wrapped_strings_are_found_on_their_words() {
        let d = doc(&[
            "ACME Trading GmbH",
            "Invoice date 5 March 2024",
            "12 Long Road",
            "Springfield 4711",
            "Subtotal 1 234,50",
            "Total 1 234,50 EUR",
        ]);
        let value = json!({"seller": "ACME Trading GmbH", "date": "2024-03-05",
            "address": "12 Long Road, Springfield 4711", "total_gross": 1234.5, "paid": true});
        let hits = locate(&d, 0..1, &value);
        assert_eq!(hits["seller"].lines, vec![(at(0), vec![0, 1, 2])]);
        assert_eq!(hits["date"].lines, vec![(at(1), vec![2, 3, 4])]);
        assert_eq!(
            hits["address"].lines,
            vec![(at(2), vec![0, 1, 2]), (at(3), vec![0, 1])]
        );
        // Split over two OCR words; the line naming the field wins the tie.
        assert_eq!(hits["total_gross"].lines, vec![(at(5), vec![1, 2])]);
        assert!(!hits.contains_key("paid"));
    }

    #[test]
    fn rows_are_read_in_order_and_absent_values_have_no_hit() {
        let d = doc(&["Item A 10.00", "Item B 10.00", "Item C 5.00"]);
        let value = json!({"items": [
            {"name": "A", "amount": 10.0}, {"name": "B", "amount": 10.0}, {"name": "Z9", "amount": 7.0}
        ]});
        let hits = locate(&d, 0..1, &value);
        assert_eq!(hits["items[1].amount"].lines, vec![(at(1), vec![2])]);
        assert!(!hits.contains_key("items[2].name"));
        assert!(!hits.contains_key("items[2].amount"));
    }

    #[test]
    fn ocr_misreads_are_found_with_lower_coverage() {
        let d = doc(&["RESTAURNAT SEDAP", "Total 9.90"]);
        let hits = locate(&d, 0..1, &json!({"company": "Restaurant Sedap"}));
        let hit = &hits["company"];
        assert_eq!(hit.lines, vec![(at(0), vec![0, 1])]);
        assert!(hit.coverage > 0.8 && hit.coverage < 1.0, "{}", hit.coverage);
    }
}
