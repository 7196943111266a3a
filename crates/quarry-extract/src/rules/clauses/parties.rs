//! The parties of an agreement, from its preamble: `This Agreement is
//! entered into … by and between ACME HOLDINGS, INC., a Delaware
//! corporation (“Acme”), and John D. Smith (“Employee”)`.
//!
//! The preamble is the first sentence that opens a list with `between` or
//! `among`. Each party's name runs from the start of its entry to the first
//! thing that is no longer the name: its description (`, a Delaware
//! corporation`, `, located at`), its defined short name (`(“Acme”)`), a
//! quote, or the end of the sentence. The next entry starts after the
//! defined name or after `, and`.

use std::sync::LazyLock;

use regex::Regex;

use super::Found;
use super::prose::{Prose, floor};

/// How far into the text (bytes) the preamble is looked for.
const OPENING: usize = 5000;
/// How far past `between` the list of parties may run without a sentence end.
const MAX_LIST: usize = 1500;
/// At most this many parties are read.
const MAX_PARTIES: usize = 9;
/// Longest plausible name, in words.
const MAX_NAME_WORDS: usize = 10;
/// Confidence of a name read from the preamble.
const PARTY: f64 = 0.7;

/// `between` / `among` as prose writes it (lower case; a title such as
/// `AGREEMENT BY AND BETWEEN A AND B` is not the preamble).
static BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:by\s+and\s+between|by\s+and\s+among|between|among)\s+(?:and\s+among\s+)?")
        .expect("valid pattern")
});

/// Where a name ends: its description, defined term or a quote.
static NAME_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\(|,\s*an?\s|",
        r"\s+an?\s+[A-Z][a-z]+\s+(?:corporation|limited|company|general|banking|partnership|nonprofit|not-for-profit|state|statutory|business|mutual|savings|national|federal|cooperative)|",
        r",\s*(?:located|with|having|whose|residing|organized|on\s+behalf|the\s|its\s|who|each|as\s|in\s+its|acting|hereinafter|doing\s+business|d/b/a|an\s+individual|individually|together|collectively|and\s+its|and\s+their)|",
        r"\s+(?:referred|hereinafter|and\s+its|and\s+their)\b|",
        r#",\s*and\s|;|:|“|"|”"#
    ))
    .expect("valid pattern")
});

/// Where the next entry of the list starts: after a defined name or `, and`.
static NEXT_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\)\s*(?:,\s*)?(?:and\s+|&\s+|,\s*)|,\s+and\s+").expect("valid pattern")
});

/// A list that the preamble's sentence runs into rather than ends.
static LIST_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"WHEREAS|RECITALS|W I T N E S S").expect("valid pattern"));

/// The names of the parties, in the order the preamble lists them.
pub(super) fn parties(prose: &Prose) -> Vec<Found> {
    let text = prose.text.as_str();
    let opening = floor(text, OPENING);
    let Some(between) = BETWEEN.find(&text[..opening]) else {
        return Vec::new();
    };
    let list_start = between.end();
    let sentence_end = prose
        .sentences()
        .into_iter()
        .find(|r| r.end > list_start)
        .map_or(text.len(), |r| r.end);
    let mut end = floor(text, sentence_end.min(list_start + MAX_LIST));
    if let Some(m) = LIST_END.find(&text[list_start..end]) {
        end = list_start + m.start();
    }
    let list = &text[list_start..end];

    let mut out: Vec<Found> = Vec::new();
    let mut pos = 0;
    while pos < list.len() && out.len() < MAX_PARTIES {
        let entry = &list[pos..];
        let trimmed = entry.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '&');
        let trimmed = trimmed.strip_prefix("and ").unwrap_or(trimmed);
        let skipped = entry.len() - trimmed.len();
        let stop = name_end(trimmed);
        let name = trimmed[..stop].trim_matches(|c: char| c.is_whitespace() || c == ',');
        if is_name(name) && !out.iter().any(|f| same_name(&f.value, name)) {
            out.push(Found {
                value: name.to_string(),
                at: list_start + pos + skipped,
                confidence: PARTY,
            });
        }
        let rest = &trimmed[stop..];
        let Some(next) = NEXT_ENTRY
            .find_iter(rest)
            .find(|m| rest[m.end()..].starts_with(|c: char| c.is_uppercase()))
        else {
            break;
        };
        pos += skipped + stop + next.end();
    }
    out
}

/// Byte length of the name at the start of `entry`.
fn name_end(entry: &str) -> usize {
    let by_pattern = NAME_END.find(entry).map_or(entry.len(), |m| m.start());
    let by_stop = sentence_stop(entry).unwrap_or(entry.len());
    by_pattern.min(by_stop)
}

/// The first full stop that ends a sentence (not an initial or a legal form).
fn sentence_stop(entry: &str) -> Option<usize> {
    super::prose::sentences(entry)
        .first()
        .filter(|r| r.end < entry.len())
        .map(|r| r.end - 1)
}

/// Starts like a name, is not a blank to fill in, and is not a sentence.
fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        && name.split_whitespace().count() <= MAX_NAME_WORDS
        && !name.contains("__")
        && !name.contains('[')
}

fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::super::prose::of_text;
    use super::*;

    fn read(text: &str) -> Vec<String> {
        parties(&of_text(text))
            .into_iter()
            .map(|f| f.value)
            .collect()
    }

    #[test]
    fn names_end_at_their_description_or_defined_term() {
        let text = "MUTUAL NONDISCLOSURE AGREEMENT BY AND BETWEEN ACME AND BETA\n\
                    This Agreement is entered into as of May 1, 2020 by and between ACME\n\
                    HOLDINGS, INC., a Delaware corporation having its principal place of\n\
                    business at 1 Main Street (“Acme”), and Beta Tools, LLC, a Colorado\n\
                    limited liability company (“Beta”). WHEREAS the parties wish to talk.";
        assert_eq!(read(text), ["ACME HOLDINGS, INC.", "Beta Tools, LLC"]);
    }

    #[test]
    fn people_keep_their_initials_and_lists_of_three_are_read() {
        let text = "This Agreement is made by and among Gamma Corp. (the “Company”),\n\
                    John D. Smith (“Smith”) and Delta Partners, L.P. (“Delta”).";
        assert_eq!(
            read(text),
            ["Gamma Corp.", "John D. Smith", "Delta Partners, L.P."]
        );
    }
}
