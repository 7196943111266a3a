//! Whether a page opens a new document or goes on with the one before it.
//!
//! Decision rule: page `p` (not the first) opens a document when the sum
//! of the evidence below is positive. Evidence for a new document counts
//! up, evidence for a continuation counts down, and the bias makes "goes
//! on" the answer when nothing speaks either way.
//!
//! | evidence | points |
//! |---|---|
//! | `p` is numbered page 1 (`Page 1 of 2`, `1/3`) | +4 |
//! | `p`'s number follows the previous page's (`2 of 3` after `1 of 3`) | −4 |
//! | `p` is numbered beyond 1 of a count otherwise (`2 of 3`) | −2 |
//! | the previous page was the last of its count (`3 of 3`) | +2 |
//! | the previous page was not yet the last of its count | −2 |
//! | the two pages' classes differ | +3 × the smaller of their confidences |
//! | a document number (`Invoice no.`, `Statement no.`, `Rechnung Nr.`) differs | +3 |
//! | the same document number on both pages | −2 |
//! | a title word of the page's class at its top | +1.5 |
//! | the same first line as the previous page (a running header) | −1.5 |
//! | a different page size (another source file) | +1.5 |
//! | the page opens with a table carried on, or says `continued` / `brought forward` at its top | −2 |
//! | the previous page ends with a total, a closing balance or thanks | +1 |
//! | the page is a till roll (a receipt is one page) | +2 |
//! | bias | −1 |

use crate::classify::Classified;
use crate::page::PageEvidence;
use crate::split::identifier::document_numbers;
use crate::text::term_matches;

const BIAS: f64 = -1.0;

/// Words that, at the top of a page, say it goes on from the one before.
const CONTINUED: &[&str] = &[
    "continued",
    "contd",
    "cont",
    "fortsetzung",
    "übertrag",
    "forward",
    "suite",
    "continuación",
];
/// Words that, in a page's last lines, say a document ended there.
const ENDINGS: &[&str] = &[
    "total",
    "closing",
    "thank",
    "zahlbetrag",
    "bruttosumme",
    "gesamtbetrag",
    "endsaldo",
    "signature",
    "sincerely",
    "regards",
];

/// The evidence for a boundary before `page`, and what it consists of.
pub struct Boundary {
    pub score: f64,
    pub reasons: Vec<String>,
}

/// Weighs the evidence for a new document starting at `page`, the page
/// after `previous`; `classes` are the two pages' own classifications and
/// `titles` whether `page` shows a title word of its class at the top.
pub fn weigh(
    previous: &PageEvidence,
    page: &PageEvidence,
    classes: (&Classified, &Classified),
    title_at_top: bool,
) -> Boundary {
    let mut b = Boundary {
        score: BIAS,
        reasons: Vec::new(),
    };
    markers(previous, page, &mut b);
    let (before, here) = classes;
    if before.class != here.class {
        let points = 3.0 * before.confidence.min(here.confidence);
        b.add(points, "the class changes");
    }
    let (old, new) = (document_numbers(previous), document_numbers(page));
    let shared: Vec<_> = new
        .iter()
        .filter(|(k, _)| old.iter().any(|(o, _)| o == k))
        .collect();
    if shared
        .iter()
        .any(|(k, v)| old.iter().any(|(o, w)| o == k && w != v))
    {
        b.add(3.0, "a different document number");
    } else if !shared.is_empty() {
        b.add(-2.0, "the same document number");
    }
    if title_at_top {
        b.add(1.5, "a title at the top");
    }
    if !page.head.is_empty() && page.head == previous.head {
        b.add(-1.5, "the same running header");
    }
    let differs = |a: f64, b: f64| (a - b).abs() > 0.02 * a.max(b);
    if differs(page.width, previous.width) || differs(page.height, previous.height) {
        b.add(1.5, "another page size");
    }
    let continued = page.continues_table
        || CONTINUED
            .iter()
            .any(|w| page.title_terms.iter().any(|t| term_matches(t, w)));
    if continued {
        b.add(-2.0, "a continuation");
    }
    if ENDINGS
        .iter()
        .any(|w| previous.tail_terms.iter().any(|t| term_matches(t, w)))
    {
        b.add(1.0, "the previous page ends with a total");
    }
    if page.layout.till_roll >= 0.9 {
        b.add(2.0, "a till roll");
    }
    b
}

impl Boundary {
    fn add(&mut self, points: f64, reason: &str) {
        self.score += points;
        self.reasons.push(reason.to_string());
    }
}

fn markers(previous: &PageEvidence, page: &PageEvidence, b: &mut Boundary) {
    if let Some(m) = page.marker {
        let follows = previous
            .marker
            .is_some_and(|p| p.number + 1 == m.number && (m.of.is_none() || p.of == m.of));
        if m.number == 1 {
            b.add(4.0, "page marker 1");
        } else if follows {
            b.add(-4.0, "page markers in sequence");
        } else if m.of.is_some() {
            b.add(-2.0, "a page marker beyond 1");
        }
    }
    if let Some(p) = previous.marker
        && let Some(of) = p.of
    {
        if p.number == of {
            b.add(2.0, "the previous page was the last of its count");
        } else if page.marker.is_none_or(|m| m.number != 1) {
            b.add(-2.0, "the previous page's count goes on");
        }
    }
}
