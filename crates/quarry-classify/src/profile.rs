//! A class's profile: the weighted terms, title words and layout cues that
//! speak for it, built from nothing but the class itself (its `type`, `id`
//! and description), the caller's rules text, and the generic cues of
//! [`crate::cues`] that its words call up.
//!
//! Weights: the words of the type and id name the class (3); words that
//! rules text attaches to it (2; quoted phrases 3); the description's
//! words (1); the generic vocabulary of its kinds (1). A term that several
//! classes' profiles hold tells them apart less, so its weight is divided
//! by the number of classes holding it.

use std::collections::BTreeMap;

use crate::Class;
use crate::cues::{KINDS, Kind, LayoutCue};
use crate::rules::RuleWords;
use crate::text::{stem, terms};

const NAME_WEIGHT: f64 = 3.0;
const QUOTED_WEIGHT: f64 = 3.0;
const RULE_WEIGHT: f64 = 2.0;
const DESCRIPTION_WEIGHT: f64 = 1.0;
const VOCABULARY_WEIGHT: f64 = 1.0;

/// What speaks for one class.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Term → weight (after sharing between classes).
    pub terms: BTreeMap<String, f64>,
    /// Words that, in a first page's title region, say "this class".
    pub titles: Vec<String>,
    /// Layout cues of the kinds the class calls up.
    pub layout: Vec<LayoutCue>,
}

/// The profiles of `classes`, in order, with `rules` applied.
pub fn build(classes: &[Class], rules: &RuleWords) -> Vec<Profile> {
    let mut profiles: Vec<Profile> = classes
        .iter()
        .enumerate()
        .map(|(i, class)| own(class, rules.for_class(i)))
        .collect();
    share(&mut profiles);
    profiles
}

/// One class's profile before sharing.
fn own(class: &Class, rule_words: (&[String], &[String])) -> Profile {
    let (rule_terms, quoted) = rule_words;
    let name_terms: Vec<String> = [class.kind.as_str(), class.id.as_str()]
        .iter()
        .flat_map(|s| terms(&s.replace(['_', '-'], " ")))
        .collect();
    let description = terms(&class.description);
    let kinds = kinds_of(&name_terms, &description);
    let mut profile = Profile::default();
    let mut add = |term: &str, weight: f64| {
        let entry = profile.terms.entry(term.to_string()).or_insert(0.0);
        *entry = entry.max(weight);
    };
    for t in &name_terms {
        add(t, NAME_WEIGHT);
    }
    for t in quoted {
        add(t, QUOTED_WEIGHT);
    }
    for t in rule_terms {
        add(t, RULE_WEIGHT);
    }
    for t in &description {
        add(t, DESCRIPTION_WEIGHT);
    }
    for kind in &kinds {
        for word in kind.vocabulary {
            add(&stem(word), VOCABULARY_WEIGHT);
        }
    }
    // The head noun of a compound type names the document (`bank_statement`
    // is a statement; a report that mentions a bank at its top is not).
    profile.titles = [class.kind.as_str(), class.id.as_str()]
        .iter()
        .filter_map(|s| terms(&s.replace(['_', '-'], " ")).pop())
        .chain(quoted.iter().cloned())
        .collect();
    for kind in &kinds {
        profile.titles.extend(kind.titles.iter().map(|w| stem(w)));
        for cue in kind.layout {
            if !profile.layout.contains(cue) {
                profile.layout.push(*cue);
            }
        }
    }
    profile.titles.sort();
    profile.titles.dedup();
    profile
}

/// The built-in kinds a class calls up: those its type or id words name,
/// or, when they name none, those its description names.
fn kinds_of(name_terms: &[String], description: &[String]) -> Vec<&'static Kind> {
    let named = |words: &[String]| -> Vec<&'static Kind> {
        KINDS
            .iter()
            .filter(|k| {
                k.triggers
                    .iter()
                    .any(|t| words.iter().any(|w| w == &stem(t)))
            })
            .collect()
    };
    let by_name = named(name_terms);
    if by_name.is_empty() {
        named(description)
    } else {
        by_name
    }
}

/// Divides each term's weight by the number of profiles holding it.
fn share(profiles: &mut [Profile]) {
    let mut holders: BTreeMap<String, usize> = BTreeMap::new();
    for p in profiles.iter() {
        for term in p.terms.keys() {
            *holders.entry(term.clone()).or_insert(0) += 1;
        }
    }
    for p in profiles.iter_mut() {
        for (term, weight) in p.terms.iter_mut() {
            *weight /= holders.get(term).copied().unwrap_or(1) as f64;
        }
    }
}
