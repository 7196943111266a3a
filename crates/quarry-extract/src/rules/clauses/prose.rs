//! A document read as running text: every line joined into one string with
//! single spaces, cut into sentences, and mapped back to its lines so a value
//! found in a clause can still cite where it was printed.
//!
//! Contracts wrap their sentences across lines and pages at arbitrary
//! points, so clause patterns (`governed by the laws of the State of …`)
//! must be matched on the joined text, never line by line.

use std::ops::Range;

use crate::layout::{Layout, LineId, Span};

/// Words before a full stop that do not end a sentence: legal forms,
/// honorifics and section references (`Acme, Inc. agrees`, `Sec. 4`).
const ABBREVIATIONS: &[&str] = &[
    "inc", "co", "corp", "ltd", "llc", "l.l.c", "l.p", "n.v", "s.a", "b.v", "p.c", "jr", "sr",
    "st", "no", "mr", "mrs", "ms", "dr", "sec", "u.s", "e.g", "i.e", "vs", "esq", "ph.d", "m.d",
];

/// The document as one string of text.
pub(super) struct Prose {
    pub text: String,
    /// Byte offset at which each line starts, in reading order.
    starts: Vec<(usize, LineId)>,
}

impl Prose {
    pub(super) fn new(layout: &Layout) -> Self {
        let mut text = String::new();
        let mut starts = Vec::new();
        for id in layout.line_ids() {
            let Some(line) = layout.line(id) else {
                continue;
            };
            let words: Vec<&str> = line.text.split_whitespace().collect();
            if words.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push(' ');
            }
            starts.push((text.len(), id));
            text.push_str(&words.join(" "));
        }
        Self { text, starts }
    }

    /// The whole line that holds byte `offset`, as a citation span.
    pub(super) fn span_at(&self, layout: &Layout, offset: usize) -> Option<Span> {
        let index = self.starts.partition_point(|(start, _)| *start <= offset);
        let (_, id) = self.starts.get(index.checked_sub(1)?)?;
        Some(layout.line_span(*id))
    }

    /// Byte ranges of the sentences, in order. A sentence ends at `.` or `;`
    /// followed by a space and a capital, digit, quote or bracket, unless
    /// the full stop closes an initial (`John D. Smith`) or an abbreviation.
    pub(super) fn sentences(&self) -> Vec<Range<usize>> {
        sentences(&self.text)
    }
}

/// The largest char boundary of `text` at or below `limit`.
pub(super) fn floor(text: &str, limit: usize) -> usize {
    let mut at = limit.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `text` laid out as a plain-text document and read as prose (for tests).
#[cfg(test)]
pub(super) fn of_text(text: &str) -> Prose {
    let doc = quarry_parse::parse(text.as_bytes(), "t.txt", &Default::default()).expect("parses");
    Prose::new(&Layout::new(&doc))
}

/// See [`Prose::sentences`].
pub(super) fn sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | ';') || bytes.get(i + 1) != Some(&b' ') {
            continue;
        }
        let next = text[i + 2..].chars().next();
        let opens = next.is_some_and(|n| {
            n.is_uppercase() || n.is_ascii_digit() || matches!(n, '(' | '"' | '“' | '[')
        });
        if !opens || (c == '.' && !ends_sentence(&text[start..i])) {
            continue;
        }
        out.push(start..i + 1);
        start = i + 2;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Whether a full stop after `before` ends a sentence: not after a single
/// capital (an initial) or a known abbreviation.
fn ends_sentence(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    let single_capital = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    !single_capital && !ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn sentences_end_at_full_stops_but_not_at_initials_or_legal_forms() {
        assert_eq!(
            cut("Acme, Inc. and John D. Smith agree. The term is one year. 2. Law."),
            [
                "Acme, Inc. and John D. Smith agree.",
                "The term is one year.",
                "2.",
                "Law."
            ]
        );
        assert_eq!(cut("as follows; (a) one"), ["as follows;", "(a) one"]);
    }

    #[test]
    fn lines_join_into_one_text_and_offsets_map_back_to_lines() {
        let doc = quarry_parse::parse(
            b"This Agreement is governed\nby the laws of Ohio.",
            "t.txt",
            &Default::default(),
        )
        .expect("parses");
        let layout = Layout::new(&doc);
        let prose = Prose::new(&layout);
        assert_eq!(
            prose.text,
            "This Agreement is governed by the laws of Ohio."
        );
        let at = prose.text.find("Ohio").expect("found");
        let span = prose.span_at(&layout, at).expect("span");
        assert_eq!(span.line.line, 1);
    }
}
