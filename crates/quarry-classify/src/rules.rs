//! The caller's free-text rules (`classificationRules` / `splitRules`),
//! read the simple way a person skims them: each sentence that names a
//! class gives that class its other words as evidence, and its quoted
//! phrases as strong evidence (also title words). A sentence naming
//! several classes gives its words to the class named after `as`, `is`,
//! `are`, `=` or `→` (`Documents titled "Kontoauszug" are bank_statement,
//! not invoice`); without such a word it is ambiguous and skipped.

use crate::Class;
use crate::text::{stem, terms, words};

/// Words the rules text attaches to each class: (terms, quoted terms).
#[derive(Debug, Clone, Default)]
pub struct RuleWords {
    per_class: Vec<(Vec<String>, Vec<String>)>,
}

impl RuleWords {
    /// Reads `rules` against `classes`.
    pub fn read(rules: Option<&str>, classes: &[Class]) -> Self {
        let mut per_class = vec![(Vec::new(), Vec::new()); classes.len()];
        let names: Vec<Vec<String>> = classes.iter().map(class_names).collect();
        // A class's own name words are already its strongest terms.
        let own: Vec<String> = names
            .iter()
            .flatten()
            .flat_map(|n| n.split(' ').map(str::to_string))
            .collect();
        for sentence in rules.unwrap_or("").split(['.', ';', '\n', '!', '?']) {
            let Some(class) = named_class(sentence, &names) else {
                continue;
            };
            let (quoted, plain) = split_quoted(sentence);
            let keep = |t: &String| !own.contains(t) && !is_rule_word(t);
            per_class[class]
                .0
                .extend(terms(&plain).into_iter().filter(keep));
            per_class[class]
                .1
                .extend(terms(&quoted).into_iter().filter(keep));
        }
        Self { per_class }
    }

    /// The (terms, quoted terms) for class `index`.
    pub fn for_class(&self, index: usize) -> (&[String], &[String]) {
        self.per_class
            .get(index)
            .map_or((&[][..], &[][..]), |(t, q)| (t.as_slice(), q.as_slice()))
    }
}

/// Words of rules sentences that direct rather than describe.
fn is_rule_word(term: &str) -> bool {
    [
        "not", "titled", "named", "called", "say", "says", "mention", "mentions", "print", "prints",
    ]
    .contains(&term)
}

/// The stemmed words that name a class: its id and type, with `_` and `-`
/// read as spaces, as single words and as the joined phrase.
fn class_names(class: &Class) -> Vec<String> {
    let mut names = Vec::new();
    for s in [&class.id, &class.kind] {
        let joined: String = words(&s.replace(['_', '-'], " "))
            .map(|w| stem(&w))
            .collect::<Vec<_>>()
            .join(" ");
        if !joined.is_empty() && !names.contains(&joined) {
            names.push(joined);
        }
    }
    names
}

/// The class a sentence is about (see the module doc).
fn named_class(sentence: &str, names: &[Vec<String>]) -> Option<usize> {
    let text: String = words(&sentence.replace(['_', '-'], " "))
        .map(|w| stem(&w))
        .collect::<Vec<_>>()
        .join(" ");
    let padded = format!(" {text} ");
    let position = |class: &Vec<String>| {
        class
            .iter()
            .filter_map(|n| padded.find(&format!(" {n} ")))
            .min()
    };
    let found: Vec<(usize, usize)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| position(n).map(|p| (p, i)))
        .collect();
    match found.as_slice() {
        [] => None,
        [(_, only)] => Some(*only),
        _ => {
            let pointer = [" as ", " is ", " are ", " = ", " → "]
                .iter()
                .filter_map(|w| padded.rfind(w))
                .max()?;
            found
                .iter()
                .filter(|(p, _)| *p >= pointer)
                .min()
                .map(|(_, i)| *i)
        }
    }
}

/// The text inside double quotes (straight or curly), and the rest.
fn split_quoted(sentence: &str) -> (String, String) {
    let mut quoted = String::new();
    let mut plain = String::new();
    let mut inside = false;
    for c in sentence.chars() {
        if matches!(c, '"' | '“' | '”' | '«' | '»') {
            inside = !inside;
            quoted.push(' ');
            plain.push(' ');
        } else if inside {
            quoted.push(c);
        } else {
            plain.push(c);
        }
    }
    (quoted, plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<Class> {
        vec![Class::new("invoice", ""), Class::new("bank_statement", "")]
    }

    #[test]
    fn a_sentence_naming_one_class_gives_it_its_words() {
        let rules = RuleWords::read(Some("A bank statement lists overdraft fees."), &classes());
        assert_eq!(rules.for_class(1).0, ["list", "overdraft", "fee"]);
        assert!(rules.for_class(0).0.is_empty());
    }

    #[test]
    fn quoted_phrases_go_to_the_class_after_are() {
        let rules = RuleWords::read(
            Some("Documents titled \"Kontoauszug\" are bank_statement, not invoice."),
            &classes(),
        );
        assert_eq!(rules.for_class(1).1, ["kontoauszug"]);
        assert!(rules.for_class(0).1.is_empty());
    }
}
