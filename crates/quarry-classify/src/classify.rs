//! `classify`: which one of the caller's classes a whole document is.
//!
//! Decision rule: every class is scored on all the document's pages
//! ([`crate::score`]: title, vocabulary, labels, layout cues); the highest
//! score wins (ties go to the class listed first) and the confidence is
//! the softmax of the scores ([`crate::confidence`]).

use quarry_parse::Document;

use crate::confidence::{TEMPERATURE, softmax};
use crate::page::PageEvidence;
use crate::profile;
use crate::rules::RuleWords;
use crate::score::score;
use crate::{Class, ClassifyError, class};

/// The answer for one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    /// Index into the classes given.
    pub class: usize,
    /// Probability-like confidence in `0..=1`.
    pub confidence: f64,
    /// Human-readable evidence for the chosen class, strongest first.
    pub insights: Vec<String>,
    /// Every class's confidence, in the order given (they sum to 1).
    pub distribution: Vec<f64>,
    /// Every class's score before the softmax (evidence points), for
    /// callers that calibrate or compare engines.
    pub scores: Vec<f64>,
}

/// Classifies `doc` as one of `classes`, with `rules` (the config's
/// `classificationRules`) read as extra evidence.
pub fn classify(
    doc: &Document,
    classes: &[Class],
    rules: Option<&str>,
) -> Result<Classified, ClassifyError> {
    class::check(classes)?;
    if doc.pages.is_empty() {
        return Err(ClassifyError::NoPages);
    }
    let profiles = profile::build(classes, &RuleWords::read(rules, classes));
    let pages: Vec<PageEvidence> = doc.pages.iter().map(PageEvidence::read).collect();
    let refs: Vec<&PageEvidence> = pages.iter().collect();
    Ok(decide(&refs, &profiles))
}

/// The decision over some pages: shared by `classify` and by each split.
pub(crate) fn decide(pages: &[&PageEvidence], profiles: &[profile::Profile]) -> Classified {
    let scores = score(pages, profiles);
    let totals: Vec<f64> = scores.iter().map(|s| s.total).collect();
    let distribution = softmax(&totals, TEMPERATURE);
    let best = (0..totals.len())
        .reduce(|best, i| if totals[i] > totals[best] { i } else { best })
        .unwrap_or(0);
    Classified {
        class: best,
        confidence: distribution[best],
        insights: scores[best].ranked_insights(),
        distribution,
        scores: totals,
    }
}
