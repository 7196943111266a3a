//! Scoring a run of pages against every class profile. A class's score is
//! the sum of four parts, each recorded as an insight when it counts:
//!
//! - **title**: a title word of the class in the title region of the run's
//!   first page (`INVOICE`, `Account Statement`): [`TITLE_WEIGHT`] times
//!   the word's share (a title word several classes hold counts less);
//! - **vocabulary**: every profile term the pages print, its weight times
//!   a saturating count (`1 + ln n`, at most 2), so one word repeated down
//!   a long table does not outweigh many different ones;
//! - **labels**: `Label: value` lines whose label holds a profile term
//!   (half the term's weight each, at most [`LABEL_CAP`]);
//! - **layout**: each layout cue of the class's kinds, its weight
//!   ([`crate::cues::LayoutCue::weight`]) times its strength on the run's pages (the strongest page).

use crate::layout::LayoutCues;
use crate::page::PageEvidence;
use crate::profile::Profile;
use crate::text::{term_matches, title_matches};

pub const TITLE_WEIGHT: f64 = 4.0;
const LABEL_CAP: f64 = 3.0;
const SATURATION: f64 = 2.0;

/// One class's score and the evidence behind it.
#[derive(Debug, Clone, Default)]
pub struct ClassScore {
    pub total: f64,
    pub insights: Vec<(f64, String)>,
}

/// Scores `pages` (one document, or the pages of one candidate split)
/// against each profile, in order.
pub fn score(pages: &[&PageEvidence], profiles: &[Profile]) -> Vec<ClassScore> {
    let layout = pages
        .iter()
        .map(|p| p.layout)
        .fold(LayoutCues::default(), LayoutCues::max);
    let holders = |word: &str| {
        profiles
            .iter()
            .filter(|p| p.titles.iter().any(|t| t == word))
            .count()
    };
    profiles
        .iter()
        .map(|profile| {
            let mut s = ClassScore::default();
            if let Some(first) = pages.first() {
                title(first, profile, &holders, &mut s);
            }
            vocabulary(pages, profile, &mut s);
            labels(pages, profile, &mut s);
            for cue in &profile.layout {
                let strength = layout.get(*cue);
                if strength > 0.0 {
                    s.add(
                        cue.weight() * strength,
                        format!("layout: {cue:?} ({strength:.2})"),
                    );
                }
            }
            s
        })
        .collect()
}

impl ClassScore {
    fn add(&mut self, points: f64, insight: String) {
        self.total += points;
        self.insights.push((points, insight));
    }

    /// The insights, strongest first.
    pub fn ranked_insights(&self) -> Vec<String> {
        let mut v = self.insights.clone();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        v.into_iter().map(|(_, s)| s).collect()
    }
}

fn title(
    first: &PageEvidence,
    profile: &Profile,
    holders: &dyn Fn(&str) -> usize,
    s: &mut ClassScore,
) {
    let best = profile
        .titles
        .iter()
        .filter(|t| first.title_terms.iter().any(|w| title_matches(w, t)))
        .map(|t| (TITLE_WEIGHT / holders(t).max(1) as f64, t))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((points, word)) = best {
        s.add(
            points,
            format!("title word \"{word}\" at the top of page {}", first.number),
        );
    }
}

fn vocabulary(pages: &[&PageEvidence], profile: &Profile, s: &mut ClassScore) {
    let mut found: Vec<(f64, &str)> = Vec::new();
    for (term, weight) in &profile.terms {
        let count: usize = pages
            .iter()
            .flat_map(|p| p.terms.iter())
            .filter(|(token, _)| term_matches(token, term))
            .map(|(_, n)| n)
            .sum();
        if count > 0 {
            let points = weight * (1.0 + (count as f64).ln()).min(SATURATION);
            found.push((points, term));
        }
    }
    if found.is_empty() {
        return;
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = found.iter().map(|f| f.0).sum();
    let shown: Vec<&str> = found.iter().take(6).map(|f| f.1).collect();
    s.add(total, format!("words: {}", shown.join(", ")));
}

fn labels(pages: &[&PageEvidence], profile: &Profile, s: &mut ClassScore) {
    let mut points = 0.0;
    let mut names = Vec::new();
    for label in pages.iter().flat_map(|p| &p.labels) {
        let best = label
            .label_terms
            .iter()
            .filter_map(|w| {
                profile
                    .terms
                    .iter()
                    .find(|(t, _)| term_matches(w, t))
                    .map(|(_, weight)| *weight)
            })
            .fold(0.0, f64::max);
        if best > 0.0 {
            points += 0.5 * best;
            names.push(label.label_terms.join(" "));
        }
    }
    if points > 0.0 {
        names.truncate(4);
        s.add(
            points.min(LABEL_CAP),
            format!("labels: {}", names.join("; ")),
        );
    }
}
