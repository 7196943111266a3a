//! What the model is told: instructions (with `extractionRules`) and the
//! document as text with page markers and one id per line.
//!
//! Every line is prefixed with its id, `[p{page}:l{line}]` (both 1-based),
//! and the model cites those ids. Ids rather than quoted text keep citations
//! short and unambiguous, and map straight back to the parsed lines and
//! their word boxes ([`crate::cite`]). The document is sent line by line
//! rather than through `Document::markdown`, because markdown merges lines
//! into blocks and table rows and would lose the ids.

use std::ops::Range;

use quarry_parse::{BlockKind, Document};

/// Addresses one parsed line: page index and line index, both 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct LineRef {
    pub page: usize,
    pub line: usize,
}

impl LineRef {
    /// Reads `p2:l14`, `[p2:l14]` or `P2:L14` (1-based on the wire).
    pub(crate) fn parse(id: &str) -> Option<Self> {
        let id = id.trim().trim_start_matches('[').trim_end_matches(']');
        let (page, line) = id.split_once(':')?;
        let number = |s: &str, prefix: char| -> Option<usize> {
            let s = s.trim();
            let rest = s
                .strip_prefix(prefix)
                .or(s.strip_prefix(prefix.to_ascii_uppercase()))?;
            rest.parse::<usize>().ok()?.checked_sub(1)
        };
        Some(Self {
            page: number(page, 'p')?,
            line: number(line, 'l')?,
        })
    }
}

/// One request's worth of the document: a range of page indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub pages: Range<usize>,
}

impl Chunk {
    /// Whether `line` lies in this chunk's pages (models sometimes cite elsewhere).
    pub(crate) fn contains(&self, line: LineRef) -> bool {
        self.pages.contains(&line.page)
    }
}

/// Splits the document into runs of `size` pages (at least one chunk, even
/// for an empty document, so the schema is always answered). `semantic`
/// chunks end before the last page in the second half of their window that
/// opens a section (its first block is a heading), so a section is not cut
/// between two requests when it need not be; without one they are cut at
/// `size` pages like standard chunks.
pub(crate) fn chunks(doc: &Document, size: usize, semantic: bool) -> Vec<Chunk> {
    let size = size.max(1);
    let total = doc.pages.len();
    if total == 0 {
        return vec![Chunk { pages: 0..0 }];
    }
    let opens_section = |page: usize| {
        doc.pages[page]
            .blocks
            .first()
            .is_some_and(|b| matches!(b.kind, BlockKind::Heading { .. }))
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < total {
        let limit = (start + size).min(total);
        let earliest = start + size.div_ceil(2).max(1);
        let end = if semantic && limit < total {
            (earliest..=limit)
                .rev()
                .find(|&p| opens_section(p))
                .unwrap_or(limit)
        } else {
            limit
        };
        out.push(Chunk { pages: start..end });
        start = end;
    }
    out
}

/// The system and user messages of one chunk's request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prompt {
    pub system: String,
    pub user: String,
}

const INSTRUCTIONS: &str = "\
You extract structured data from documents.
The document is given page by page; every line starts with its id in brackets, like [p2:l14].
Fill `value` following the JSON schema with what the document states. Use null (or an empty \
array) when a field is not in the document; never invent values. Write dates as ISO 8601 \
(YYYY-MM-DD) and numbers without thousands separators or currency symbols.
In `citations`, list every non-null leaf value with its field path (dot and bracket notation, \
e.g. vendor.name or line_items[0].amount) and the ids of the lines it was read from, without \
brackets (e.g. \"p1:l7\").";

/// Appended when a cut-off answer is continued.
pub(crate) const CONTINUE: &str = "Your answer was cut off at the token limit. Continue it \
exactly where it stopped: output only the remaining characters of the JSON, with no repetition \
and no commentary.";

/// Appended to the user message when the answer is requested as plain JSON text.
pub(crate) const JSON_ONLY: &str =
    "Answer with the JSON object {\"value\": …, \"citations\": […]} only.";

impl Prompt {
    pub(crate) fn new(doc: &Document, chunk: &Chunk, rules: Option<&str>) -> Self {
        let mut system = INSTRUCTIONS.to_string();
        if let Some(rules) = rules.map(str::trim).filter(|r| !r.is_empty()) {
            system.push_str("\n\nExtraction rules from the user:\n");
            system.push_str(rules);
        }
        let total = doc.pages.len();
        if chunk.pages.len() < total {
            system.push_str(&format!(
                "\n\nYou see pages {}-{} of a {total}-page document; extract what these pages contain.",
                chunk.pages.start + 1,
                chunk.pages.end
            ));
        }
        Self {
            system,
            user: render(doc, chunk),
        }
    }
}

/// The chunk's pages with page markers and line ids.
fn render(doc: &Document, chunk: &Chunk) -> String {
    let mut out = String::from("<document>\n");
    for page_index in chunk.pages.clone() {
        let Some(page) = doc.pages.get(page_index) else {
            continue;
        };
        let number = page_index + 1;
        out.push_str(&format!("<page {number}>\n"));
        for (i, line) in page.lines.iter().enumerate() {
            out.push_str(&format!("[p{number}:l{}] {}\n", i + 1, line.text));
        }
        out.push_str(&format!("</page {number}>\n"));
    }
    out.push_str("</document>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry_parse::{BBox, Block, FileKind, Line, Page};

    fn doc(pages: &[&[&str]]) -> Document {
        Document {
            kind: FileKind::Text,
            einvoice: None,
            pages: pages
                .iter()
                .enumerate()
                .map(|(i, lines)| {
                    let mut page = Page::new(i as u32 + 1, 100.0, 100.0);
                    page.lines = lines
                        .iter()
                        .map(|t| Line {
                            text: (*t).into(),
                            bbox: BBox::default(),
                            words: Vec::new(),
                        })
                        .collect();
                    page
                })
                .collect(),
        }
    }

    #[test]
    fn line_ids_round_trip() {
        assert_eq!(
            LineRef::parse("p2:l14"),
            Some(LineRef { page: 1, line: 13 })
        );
        assert_eq!(
            LineRef::parse("[P1:L1]"),
            Some(LineRef { page: 0, line: 0 })
        );
        assert_eq!(LineRef::parse("p0:l1"), None);
        assert_eq!(LineRef::parse("line 3"), None);
    }

    #[test]
    fn pages_are_chunked_and_rendered_with_ids_and_rules() {
        let d = doc(&[&["a"], &["b", "c"], &["d"]]);
        let parts = chunks(&d, 2, false);
        assert_eq!(parts, vec![Chunk { pages: 0..2 }, Chunk { pages: 2..3 }]);
        let p = Prompt::new(&d, &parts[1], Some("Amounts in cents"));
        assert!(
            p.user.contains("<page 3>\n[p3:l1] d\n</page 3>"),
            "{}",
            p.user
        );
        assert!(!p.user.contains("[p1:"));
        assert!(p.system.contains("Amounts in cents"));
        assert!(p.system.contains("pages 3-3 of a 3-page document"));
        assert_eq!(chunks(&doc(&[]), 10, true).len(), 1);
    }

    #[test]
    fn semantic_chunks_end_where_a_section_begins() {
        // Six pages; sections open on pages 1 and 4 (indices 0 and 3).
        let mut d = doc(&[&["a"], &["b"], &["c"], &["d"], &["e"], &["f"]]);
        for i in [0, 3] {
            let bbox = d.pages[i].lines[0].bbox;
            d.pages[i].blocks.push(Block {
                kind: BlockKind::Heading { level: 1 },
                text: "Section".into(),
                bbox,
            });
        }
        let pages = |parts: Vec<Chunk>| parts.into_iter().map(|c| c.pages).collect::<Vec<_>>();
        assert_eq!(pages(chunks(&d, 4, false)), [0..4, 4..6]);
        assert_eq!(pages(chunks(&d, 4, true)), [0..3, 3..6]);
        // A section start in the first half of the window is not worth a
        // short chunk: the cut stays at the size.
        assert_eq!(chunks(&d, 6, true), vec![Chunk { pages: 0..6 }]);
        assert_eq!(pages(chunks(&d, 2, true)), [0..2, 2..3, 3..5, 5..6]);
    }
}
