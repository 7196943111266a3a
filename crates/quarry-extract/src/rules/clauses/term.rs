//! The term clause: how long the agreement, or its confidentiality
//! obligations, stay in force (`This Agreement shall terminate two (2) years
//! after the date hereof`, `obligations … shall survive for a period of
//! eighteen months`, `until the second anniversary of the Effective Date`),
//! written as `<number> <unit>` with the document's unit.
//!
//! Contracts are full of other periods (non-solicitation, standstill,
//! notice), so a duration counts only in a sentence whose subject is the
//! agreement or its obligations and whose verb ends or keeps them in force,
//! and sentences about those other covenants are passed over. The sentence
//! that speaks most directly of the agreement's own term wins.

use std::sync::LazyLock;

use regex::Regex;

use super::Found;
use super::prose::Prose;

/// Numbers contracts write out, with their values.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("fifteen", 15),
    ("eighteen", 18),
    ("twenty", 20),
    ("twenty-four", 24),
    ("thirty", 30),
    ("thirty-six", 36),
    ("forty-eight", 48),
    ("sixty", 60),
];

/// Ordinals of an anniversary (`the second anniversary` is two years).
const ORDINALS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
];

/// Confidence of a duration in the best term sentence, by its score.
const BASE: f64 = 0.45;
const PER_POINT: f64 = 0.1;
const MAX: f64 = 0.85;

static NUMBER: LazyLock<String> = LazyLock::new(|| {
    let mut words: Vec<&str> = NUMBER_WORDS.iter().map(|(w, _)| *w).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    format!(r"(\d+(?:\.\d+)?|{})", words.join("|"))
});

/// `two (2) years`, `12 months`, `one-year`.
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{}(?:\s*\(\d+\))?[\s-]+(years?|months?)\b",
        *NUMBER
    ))
    .expect("valid pattern")
});

/// `the second anniversary`, `the 2nd anniversary`, `the one year anniversary`.
static ANNIVERSARY: LazyLock<Regex> = LazyLock::new(|| {
    let ordinals: Vec<&str> = ORDINALS.iter().map(|(w, _)| *w).collect();
    Regex::new(&format!(
        r"(?i)\b(?:({})|(\d+)(?:st|nd|rd|th)|{}[\s-]+years?)[\s-]+anniversary\b",
        ordinals.join("|"),
        *NUMBER
    ))
    .expect("valid pattern")
});

/// The agreement or its obligations as the sentence's subject.
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(this|the)\s+(letter\s+)?agreement|\bterm\s+of\b|\bobligations\b|\bconfidentiality\b|\bhereunder\b|\bthis\s+letter\b")
        .expect("valid pattern")
});
/// A verb that ends the agreement or keeps it in force.
static IN_FORCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)terminat|expir|remain\s+in\s+(full\s+)?(force|effect)|continue|surviv|in\s+effect|period\s+of|term\s+of|until")
        .expect("valid pattern")
});
/// Other covenants with periods of their own.
static OTHER_COVENANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)solicit|standstill|employ|hire|acquire|purchase|securities|tender\s+offer|proxy|notice")
        .expect("valid pattern")
});
static TERM_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bterm\b").expect("valid pattern"));
static AGREEMENT_ENDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)this\s+(letter\s+)?agreement\s+(shall|will)\s+(terminate|expire|remain|continue)",
    )
    .expect("valid pattern")
});
static OBLIGATIONS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bobligations\b").expect("valid pattern"));

/// The term of the agreement as `<n> <unit>` (`2 years`, `1 year`, `18 months`).
pub(super) fn term(prose: &Prose) -> Option<Found> {
    let mut best: Option<(u32, Found)> = None;
    for range in prose.sentences() {
        let sentence = &prose.text[range.clone()];
        if !SUBJECT.is_match(sentence)
            || !IN_FORCE.is_match(sentence)
            || OTHER_COVENANT.is_match(sentence)
        {
            continue;
        }
        let Some((value, at)) = duration(sentence).or_else(|| anniversary(sentence)) else {
            continue;
        };
        let score = 1
            + u32::from(TERM_WORD.is_match(sentence))
            + 2 * u32::from(AGREEMENT_ENDS.is_match(sentence))
            + u32::from(OBLIGATIONS.is_match(sentence));
        if best.as_ref().is_some_and(|(s, _)| *s >= score) {
            continue;
        }
        let confidence = (BASE + PER_POINT * f64::from(score)).min(MAX);
        best = Some((
            score,
            Found {
                value,
                at: range.start + at,
                confidence,
            },
        ));
    }
    best.map(|(_, found)| found)
}

/// The first `<number> years|months` in `sentence`, normalised, and where it starts.
fn duration(sentence: &str) -> Option<(String, usize)> {
    let caps = DURATION.captures(sentence)?;
    let number = caps.get(1)?.as_str();
    let unit = caps.get(2)?.as_str().to_lowercase();
    let value = number_value(number)?;
    let singular = unit.trim_end_matches('s');
    let unit = if value == "1" {
        singular.to_string()
    } else {
        format!("{singular}s")
    };
    Some((format!("{value} {unit}"), caps.get(0)?.start()))
}

/// `the second anniversary of …` as a number of years.
fn anniversary(sentence: &str) -> Option<(String, usize)> {
    let caps = ANNIVERSARY.captures(sentence)?;
    let years = if let Some(ordinal) = caps.get(1) {
        let lower = ordinal.as_str().to_lowercase();
        ORDINALS.iter().find(|(w, _)| *w == lower)?.1.to_string()
    } else if let Some(digits) = caps.get(2) {
        digits.as_str().to_string()
    } else {
        number_value(caps.get(3)?.as_str())?
    };
    let unit = if years == "1" { "year" } else { "years" };
    Some((format!("{years} {unit}"), caps.get(0)?.start()))
}

/// Digits as printed, or a number word as digits.
fn number_value(text: &str) -> Option<String> {
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(text.to_string());
    }
    let lower = text.to_lowercase();
    NUMBER_WORDS
        .iter()
        .find(|(w, _)| *w == lower)
        .map(|(_, n)| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::prose::of_text;
    use super::*;

    fn read(text: &str) -> Option<String> {
        term(&of_text(text)).map(|f| f.value)
    }

    #[test]
    fn the_agreements_own_term_beats_other_covenants() {
        let text = "5. No Solicitation. For a period of one (1) year from the date hereof, \
                    Recipient will not solicit any employee of the Company.\n\
                    12. Term. This Agreement shall terminate two (2) years after the\n\
                    date of this Agreement.";
        assert_eq!(read(text).as_deref(), Some("2 years"));
    }

    #[test]
    fn months_anniversaries_and_obligations_are_terms_too() {
        assert_eq!(
            read("The obligations hereunder shall survive for a period of eighteen months.")
                .as_deref(),
            Some("18 months")
        );
        assert_eq!(
            read("The obligations of this Agreement shall terminate on the second anniversary of the Effective Date.")
                .as_deref(),
            Some("2 years")
        );
        assert_eq!(
            read("This Agreement shall remain in effect for one year.").as_deref(),
            Some("1 year")
        );
        assert_eq!(
            read("Payment is due within thirty (30) days of notice."),
            None
        );
    }
}
