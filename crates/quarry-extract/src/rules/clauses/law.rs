//! The governing-law clause: the sentence that says which law governs the
//! agreement (`This Agreement shall be governed by and construed in
//! accordance with the laws of the State of New York`, `California law shall
//! govern …`), and the place it names.
//!
//! Contracts name places in other roles too (a party `organized under the
//! laws of Delaware`, offices, courts), so only a sentence about governing,
//! construing or interpreting counts, and incorporation sentences do not.

use std::sync::LazyLock;

use regex::Regex;

use super::Found;
use super::prose::Prose;

/// Places whose law a contract chooses: the US states, DC, and the
/// provinces and countries contracts commonly name. Longer names first, so
/// `West Virginia` is not read as `Virginia`.
const PLACES: &[&str] = &[
    "District of Columbia",
    "England and Wales",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "West Virginia",
    "British Columbia",
    "Cayman Islands",
    "Hong Kong",
    "New South Wales",
    "United Kingdom",
    "United States",
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "Wisconsin",
    "Wyoming",
    "Ontario",
    "Quebec",
    "Alberta",
    "England",
    "Scotland",
    "Ireland",
    "Canada",
    "Bermuda",
    "Germany",
    "France",
    "Switzerland",
    "Netherlands",
    "Luxembourg",
    "Belgium",
    "Sweden",
    "Denmark",
    "Norway",
    "Finland",
    "Spain",
    "Italy",
    "Israel",
    "Japan",
    "Singapore",
    "Australia",
    "India",
    "China",
];

/// Confidence of a place named in a sentence that says the law governs.
const GOVERNS: f64 = 0.9;
/// Confidence of a place named in a sentence that only construes or interprets.
const CONSTRUES: f64 = 0.75;

static PLACE_RE: LazyLock<String> = LazyLock::new(|| PLACES.join("|"));

/// `laws of the State of X`, `law of X`, `laws of the Commonwealth of X`.
static LAW_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\blaws?\s+of\s+(?:the\s+)?(?:(?:state|commonwealth|province|republic|kingdom)\s+of\s+)?({})\b",
        *PLACE_RE
    ))
    .expect("valid pattern")
});

/// `California law shall govern`.
static PLACE_LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b({})\s+law\b", *PLACE_RE)).expect("valid pattern")
});

/// `… and the state of California` after a federal law.
static STATE_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:state|commonwealth)\s+of\s+({})\b",
        *PLACE_RE
    ))
    .expect("valid pattern")
});

static GOVERN_VERB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bgovern").expect("valid pattern"));
static CONSTRUE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(constru|interpret|controlled|determined|decided|enforced|subject\s+to)")
        .expect("valid pattern")
});
/// Where a place names a party's home rather than the contract's law.
static INCORPORATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(organi[sz]ed|incorporated|existing|formed|chartered)\b")
        .expect("valid pattern")
});

/// The place whose law governs, from the strongest governing-law sentence
/// (the first of equals).
pub(super) fn governing_law(prose: &Prose) -> Option<Found> {
    let mut best: Option<Found> = None;
    for range in prose.sentences() {
        let sentence = &prose.text[range.clone()];
        let confidence = if GOVERN_VERB.is_match(sentence) {
            GOVERNS
        } else if CONSTRUE_VERB.is_match(sentence) {
            CONSTRUES
        } else {
            continue;
        };
        if INCORPORATION.is_match(sentence) {
            continue;
        }
        let named: Vec<regex::Match> = [&*LAW_OF, &*PLACE_LAW, &*STATE_OF]
            .iter()
            .flat_map(|re| re.captures_iter(sentence).filter_map(|c| c.get(1)))
            .collect();
        // Federal law names the country; a state named beside it is the choice.
        let Some(m) = named
            .iter()
            .find(|m| !m.as_str().eq_ignore_ascii_case("united states"))
            .or(named.first())
            .copied()
        else {
            continue;
        };
        if best.as_ref().is_some_and(|b| b.confidence >= confidence) {
            continue;
        }
        let place = PLACES
            .iter()
            .find(|p| p.eq_ignore_ascii_case(m.as_str()))
            .copied()
            .unwrap_or(m.as_str());
        best = Some(Found {
            value: place.to_string(),
            at: range.start + m.start(),
            confidence,
        });
    }
    best
}

#[cfg(test)]
mod tests {
    use super::super::prose::of_text;
    use super::*;

    fn law(text: &str) -> Option<String> {
        governing_law(&of_text(text)).map(|f| f.value)
    }

    #[test]
    fn the_governing_sentence_names_the_place_not_the_incorporation() {
        let text = "ACME CORP., a corporation organized under the laws of the State of\n\
                    Delaware, and Beta LLC agree. 9. Governing Law. This Agreement shall be\n\
                    governed by and construed in accordance with the laws of the STATE OF\n\
                    NEW YORK, without regard to conflicts of law.";
        assert_eq!(law(text).as_deref(), Some("New York"));
    }

    #[test]
    fn place_before_law_and_construing_sentences_count() {
        assert_eq!(
            law("California law shall in all respects govern this Agreement.").as_deref(),
            Some("California")
        );
        assert_eq!(
            law("This Agreement shall be construed under the laws of the Commonwealth of Massachusetts.")
                .as_deref(),
            Some("Massachusetts")
        );
        assert_eq!(
            law("It shall be construed according to the laws of the United States of America and the state of California.")
                .as_deref(),
            Some("California")
        );
        assert_eq!(law("Notices go to New York, New York."), None);
    }
}
