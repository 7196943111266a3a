//! `split`: where each document in a packet starts and ends, and what
//! class it is.
//!
//! 1. Every page is read once ([`PageEvidence`]) and classified on its own.
//! 2. Every page after the first is weighed for a boundary
//!    ([`boundary::weigh`], whose doc lists the evidence and points): a
//!    positive sum opens a new split.
//! 3. Each split is classified on all its pages together (a page 2 of
//!    line items alone looks like a report; with its page 1 it is an
//!    invoice), and its identifier is read from its pages when its class
//!    has an `identifier_key`.
//! 4. With `strict_identifier`, neighbouring splits of one class that
//!    report the same identifier are one document and are merged.
//!
//! A split's confidence is its classification's confidence times the
//! certainty of its two edges (a logistic of each boundary's margin; the
//! packet's own start and end are certain).
//!
//! `page_overlap` (a page shared by two documents, one ending and the next
//! starting on it) is accepted and not acted on: the parse gives no
//! position within a page that could place such a cut, so every page
//! belongs to exactly one split.

mod boundary;
mod identifier;

use quarry_parse::Document;

use crate::classify::{Classified, decide};
use crate::page::PageEvidence;
use crate::profile::{self, Profile};
use crate::rules::RuleWords;
use crate::text::title_matches;
use crate::{Class, ClassifyError, class};

/// How to split.
#[derive(Debug, Clone, Copy, Default)]
pub struct SplitOptions<'a> {
    /// The config's split rules, read like classification rules.
    pub rules: Option<&'a str>,
    /// Accepted and not acted on (see the module doc).
    pub page_overlap: bool,
    /// Merge neighbouring splits of one class with the same identifier.
    pub strict_identifier: bool,
}

/// One document found in the packet.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Index into the classes given.
    pub class: usize,
    /// First and last page, 1-based and inclusive: the Document's own page
    /// numbers.
    pub start_page: u32,
    pub end_page: u32,
    /// The value the class's `identifier_key` names, when found.
    pub identifier: Option<String>,
    /// Why the split starts where it does and why it has its class.
    pub observation: String,
    /// Probability-like confidence in `0..=1`.
    pub confidence: f64,
}

/// Splits `doc` into documents of `classes`.
pub fn split(
    doc: &Document,
    classes: &[Class],
    opts: &SplitOptions,
) -> Result<Vec<Split>, ClassifyError> {
    class::check(classes)?;
    if doc.pages.is_empty() {
        return Err(ClassifyError::NoPages);
    }
    let profiles = profile::build(classes, &RuleWords::read(opts.rules, classes));
    let pages: Vec<PageEvidence> = doc.pages.iter().map(PageEvidence::read).collect();
    let alone: Vec<Classified> = pages.iter().map(|p| decide(&[p], &profiles)).collect();
    // (start index, margin of the boundary before it, its reasons)
    let mut starts: Vec<(usize, f64, Vec<String>)> = vec![(0, f64::INFINITY, Vec::new())];
    for i in 1..pages.len() {
        let title = has_title(&pages[i], &profiles[alone[i].class]);
        let b = boundary::weigh(&pages[i - 1], &pages[i], (&alone[i - 1], &alone[i]), title);
        if b.score > 0.0 {
            starts.push((i, b.score, b.reasons));
        } else if let Some(last) = starts.last_mut() {
            // Remember the weakest "goes on" inside the split for its confidence.
            last.1 = last.1.min(-b.score);
        }
    }
    let mut splits = Vec::new();
    for (n, (start, margin, reasons)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(pages.len(), |s| s.0);
        let next_margin = starts.get(n + 1).map_or(f64::INFINITY, |s| s.1);
        let refs: Vec<&PageEvidence> = pages[*start..end].iter().collect();
        splits.push(make(
            &refs,
            classes,
            &profiles,
            reasons,
            margin.min(next_margin),
        ));
    }
    if opts.strict_identifier {
        splits = merge_same_identifier(splits);
    }
    Ok(splits)
}

/// One split from its pages.
fn make(
    pages: &[&PageEvidence],
    classes: &[Class],
    profiles: &[Profile],
    reasons: &[String],
    margin: f64,
) -> Split {
    let decided = decide(pages, profiles);
    let class = &classes[decided.class];
    let first = pages.first().map_or(1, |p| p.number);
    let last = pages.last().map_or(first, |p| p.number);
    let identifier = class
        .identifier_key
        .as_deref()
        .and_then(|key| identifier::identifier(&pages[..pages.len().min(2)], key));
    let opened = if reasons.is_empty() {
        "the packet starts".to_string()
    } else {
        reasons.join(", ")
    };
    let evidence = decided.insights.first().cloned().unwrap_or_default();
    Split {
        class: decided.class,
        start_page: first,
        end_page: last,
        identifier,
        observation: format!(
            "pages {first}-{last}: {} ({evidence}); starts here because of {opened}",
            class.kind
        ),
        confidence: decided.confidence / (1.0 + (-margin).exp()),
    }
}

/// Whether `page` shows one of `profile`'s title words at its top.
fn has_title(page: &PageEvidence, profile: &Profile) -> bool {
    profile
        .titles
        .iter()
        .any(|t| page.title_terms.iter().any(|w| title_matches(w, t)))
}

/// Merges neighbours of one class that report the same identifier.
fn merge_same_identifier(splits: Vec<Split>) -> Vec<Split> {
    let mut merged: Vec<Split> = Vec::new();
    for s in splits {
        match merged.last_mut() {
            Some(prev)
                if prev.class == s.class
                    && prev.identifier.is_some()
                    && prev.identifier == s.identifier =>
            {
                prev.end_page = s.end_page;
                prev.confidence = prev.confidence.min(s.confidence);
                prev.observation.push_str(&format!(
                    "; merged with pages {}-{} (same identifier)",
                    s.start_page, s.end_page
                ));
            }
            _ => merged.push(s),
        }
    }
    merged
}
