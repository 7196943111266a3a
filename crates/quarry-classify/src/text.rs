//! Words as the engine compares them: lower-cased, split at anything that is
//! not a letter or digit, with a light stem so that `invoices`, `Invoice`
//! and `INVOICE:` are one term. Class descriptions and page text go through
//! the same functions, so a class's own words meet the document's words on
//! equal terms.

/// Words that carry no evidence about a document's kind: English function
/// words and the words class descriptions use to talk about documents in
/// general ("a document whose pages hold text").
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "by",
    "can",
    "data",
    "document",
    "documents",
    "each",
    "for",
    "from",
    "has",
    "have",
    "hold",
    "holds",
    "in",
    "into",
    "is",
    "it",
    "its",
    "kind",
    "of",
    "on",
    "one",
    "or",
    "other",
    "page",
    "pages",
    "such",
    "text",
    "that",
    "the",
    "their",
    "them",
    "these",
    "this",
    "those",
    "to",
    "type",
    "was",
    "whose",
    "with",
    "which",
    "who",
    "e",
    "g",
    "eg",
    "ie",
    "etc",
    "like",
    "also",
    "all",
    "some",
    "more",
    "most",
    "not",
    "no",
    "if",
    "then",
    "than",
    "when",
    "where",
    "should",
    "must",
    "always",
    "never",
    "only",
    "treat",
    "classify",
    "class",
    "classified",
    "label",
    "labelled",
    "labeled",
    "as",
    "mark",
    "use",
    "file",
    "files",
    "contains",
    "contain",
    "containing",
    "shows",
    "show",
    "showing",
    "typically",
    "usually",
    "often",
    "mostly",
    "may",
    "might",
    "will",
    "would",
    "but",
    "so",
    "do",
    "does",
];

/// Whether `word` (already lower-cased) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// The stem of a lower-cased word: a plural or possessive `s` removed
/// (`invoices` → `invoice`, `statements` → `statement`), `ies` → `y`.
/// Deliberately light: a heavier stemmer merges words such as `balance` and
/// `balanced` that say different things about a page.
pub fn stem(word: &str) -> String {
    let chars = word.chars().count();
    if chars > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    if chars > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// The lower-cased alphanumeric runs of `text`, in order (`Invoice-No.` →
/// `invoice`, `no`). Digits stay part of a run so that `2024` and `a4` are
/// words too; callers that want vocabulary filter with [`is_vocabulary`].
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whether a word can be vocabulary evidence: at least two letters, no
/// digits, not a stop word.
pub fn is_vocabulary(word: &str) -> bool {
    word.chars().count() >= 2 && word.chars().all(char::is_alphabetic) && !is_stop_word(word)
}

/// The stemmed vocabulary terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    words(text)
        .filter(|w| is_vocabulary(w))
        .map(|w| stem(&w))
        .collect()
}

/// Whether the document term `token` matches the cue term `cue`: equal, or,
/// for cues of six letters or more, contained in the token, so compounds
/// (`rechnungsnummer`, `kontoauszug`) and run-together OCR words
/// (`invoiceno`) still count.
pub fn term_matches(token: &str, cue: &str) -> bool {
    token == cue || (cue.len() >= 6 && token.len() > cue.len() && token.contains(cue))
}

/// Whether the title-region token `token` is the title word `title`:
/// equal, or a compound ending in it (`handelsrechnung` is a kind of
/// `rechnung`; `rechnungsbetrag`, an amount, is not).
pub fn title_matches(token: &str, title: &str) -> bool {
    token == title || (title.len() >= 5 && token.ends_with(title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_plurals_only() {
        assert_eq!(stem("invoices"), "invoice");
        assert_eq!(stem("statements"), "statement");
        assert_eq!(stem("entries"), "entry");
        assert_eq!(stem("gross"), "gross");
        assert_eq!(stem("balance"), "balance");
    }

    #[test]
    fn terms_drop_stop_words_and_numbers() {
        assert_eq!(
            terms("A bank account statement: IBAN, 12 rows"),
            ["bank", "account", "statement", "iban", "row"]
        );
    }

    #[test]
    fn long_cues_match_inside_compounds() {
        assert!(term_matches("rechnungsnummer", "rechnung"));
        assert!(term_matches("invoice", "invoice"));
        assert!(!term_matches("taxable", "tax"));
    }
}
