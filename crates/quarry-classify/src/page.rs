//! What one page offers as evidence, read once and shared by classify and
//! split: its vocabulary, the words of its title region, its `Label:
//! value` lines, its layout cues, its page marker and the edges a
//! boundary is judged by (first line, last lines, size).

use std::collections::{BTreeMap, BTreeSet};

use quarry_parse::Page;

use crate::layout::LayoutCues;
use crate::markers::{self, PageMarker};
use crate::text::{stem, terms, words};

/// How many lines from the top of the page make its title region.
const TITLE_LINES: usize = 8;
/// Longest title line, in words: a longer line is a sentence.
const TITLE_WORDS: usize = 8;
/// The share of the page's height the title region may reach down to.
const TITLE_DEPTH: f64 = 0.35;

/// The evidence of one page.
#[derive(Debug, Clone)]
pub struct PageEvidence {
    /// The page's own number (1-based, as the Document numbers it).
    pub number: u32,
    pub width: f64,
    pub height: f64,
    /// Vocabulary terms and how often each occurs.
    pub terms: BTreeMap<String, usize>,
    /// Terms of the title region (the first lines at the top).
    pub title_terms: BTreeSet<String>,
    /// `Label: value` lines, the label's terms lower-cased.
    pub labels: Vec<Labelled>,
    /// The text of every line, for identifier look-up.
    pub lines: Vec<String>,
    pub layout: LayoutCues,
    pub marker: Option<PageMarker>,
    /// The first line's text, normalised (digits dropped), to see a
    /// running header or a letterhead repeat.
    pub head: String,
    /// The last lines' words, to see a document ending in a total.
    pub tail_terms: BTreeSet<String>,
    /// Whether the page opens with a table that goes on from the previous
    /// page.
    pub continues_table: bool,
}

/// One `Label: value` line.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub label_terms: Vec<String>,
    pub value: String,
}

impl PageEvidence {
    pub fn read(page: &Page) -> Self {
        let mut counts = BTreeMap::new();
        for line in &page.lines {
            for term in terms(&line.text) {
                *counts.entry(term).or_insert(0) += 1;
            }
        }
        let depth = TITLE_DEPTH * page.height;
        let title_terms = page
            .lines
            .iter()
            .take(TITLE_LINES)
            .filter(|l| l.bbox.top <= depth && l.text.split_whitespace().count() <= TITLE_WORDS)
            .flat_map(|l| terms(&l.text))
            .collect();
        let tail_terms = page
            .lines
            .iter()
            .rev()
            .take(4)
            .flat_map(|l| terms(&l.text))
            .collect();
        let head = page
            .lines
            .first()
            .map(|l| {
                words(&l.text)
                    .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        Self {
            number: page.number,
            width: page.width,
            height: page.height,
            terms: counts,
            title_terms,
            labels: page
                .lines
                .iter()
                .filter_map(|l| labelled(&l.text))
                .collect(),
            lines: page.lines.iter().map(|l| l.text.clone()).collect(),
            layout: LayoutCues::measure(page),
            marker: markers::find(page),
            head,
            tail_terms,
            continues_table: page.tables.first().is_some_and(|t| t.continued),
        }
    }
}

/// Longest label, in words; longer text before a colon is a sentence.
const MAX_LABEL_WORDS: usize = 6;

/// `Invoice No: 4711` → label terms `invoice`, `no`; value `4711`.
/// Times (`12:30`) and URLs have no label.
fn labelled(line: &str) -> Option<Labelled> {
    let (label, value) = line.split_once(':')?;
    let label = label.trim();
    let value = value.trim();
    let ok = !value.is_empty()
        && !value.starts_with("//")
        && label.split_whitespace().count() <= MAX_LABEL_WORDS
        && label.chars().next().is_some_and(char::is_alphabetic)
        && !label.ends_with(|c: char| c.is_ascii_digit());
    ok.then(|| Labelled {
        label_terms: words(label).map(|w| stem(&w)).collect(),
        value: value.to_string(),
    })
}
