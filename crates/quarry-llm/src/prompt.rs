//! What the model is told: fixed instructions and the schema first, the
//! document last, so a server's prompt cache reuses the prefix from one
//! document (and one chunk) to the next.
//!
//! The model answers values only, as compact JSON: citations are computed
//! from the parse afterwards ([`crate::locate`]), so no line ids are sent or
//! written. The schema travels in the system message as compact JSON with
//! its descriptions, because servers that enforce `json_schema` with a
//! grammar (llama.cpp) never show it to the model. The document is sent
//! line by line with page markers; an excerpt ([`Prompt::excerpt`], used by
//! the hybrid engine) sends only some lines and marks the gaps.

use std::ops::Range;

use quarry_parse::{BlockKind, Document};
use serde_json::Value;

/// Addresses one parsed line: page index and line index, both 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct LineRef {
    pub page: usize,
    pub line: usize,
}

/// One request's worth of the document: a range of page indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub pages: Range<usize>,
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

/// One request: system and user messages and the answer's token cap.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prompt {
    pub system: String,
    pub user: String,
    pub max_tokens: u32,
}

const INSTRUCTIONS: &str = "\
You extract structured data from documents. Answer with one compact JSON object (no spaces or \
line breaks between tokens) that follows the schema below and holds only the values the \
document states. Use null (or []) when a field is not in the document; never invent values. \
Copy names, numbers and ids exactly as printed. Write dates as YYYY-MM-DD and numbers as plain \
JSON numbers without thousands separators or currency symbols. List each table row once.";

/// Appended when a cut-off answer is continued.
pub(crate) const CONTINUE: &str = "Your answer was cut off at the token limit. Continue it \
exactly where it stopped: output only the remaining characters of the JSON, with no repetition \
and no commentary.";

/// Appended to the user message when the answer is requested as plain JSON text.
pub(crate) const JSON_ONLY: &str = "Answer with the JSON object only.";

/// Lines of one page sent to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Excerpt {
    pub page: usize,
    pub lines: Range<usize>,
}

impl Prompt {
    /// The request for a whole chunk of pages.
    pub(crate) fn new(
        doc: &Document,
        chunk: &Chunk,
        schema: &Value,
        rules: Option<&str>,
        max_tokens: u32,
    ) -> Self {
        let excerpts: Vec<Excerpt> = chunk
            .pages
            .clone()
            .filter_map(|page| {
                let lines = doc.pages.get(page)?.lines.len();
                Some(Excerpt {
                    page,
                    lines: 0..lines,
                })
            })
            .collect();
        let total = doc.pages.len();
        let note = (chunk.pages.len() < total).then(|| {
            format!(
                "You see pages {}-{} of a {total}-page document; extract what these pages contain.",
                chunk.pages.start + 1,
                chunk.pages.end
            )
        });
        Self::excerpt(doc, &excerpts, schema, rules, note.as_deref(), max_tokens)
    }

    /// The request for some lines of some pages; `note` says what part of
    /// the document this is.
    pub(crate) fn excerpt(
        doc: &Document,
        excerpts: &[Excerpt],
        schema: &Value,
        rules: Option<&str>,
        note: Option<&str>,
        max_tokens: u32,
    ) -> Self {
        let mut system = INSTRUCTIONS.to_string();
        system.push_str("\n\nSchema:\n");
        system.push_str(&serde_json::to_string(schema).unwrap_or_default());
        if let Some(rules) = rules.map(str::trim).filter(|r| !r.is_empty()) {
            system.push_str("\n\nExtraction rules from the user:\n");
            system.push_str(rules);
        }
        let mut user = String::new();
        if let Some(note) = note {
            user.push_str(note);
            user.push('\n');
        }
        user.push_str(&render(doc, excerpts));
        Self {
            system,
            user,
            max_tokens,
        }
    }
}

/// The excerpts (in page order) as text with page markers; `[...]` marks
/// left-out lines.
fn render(doc: &Document, excerpts: &[Excerpt]) -> String {
    let mut out = String::from("<document>\n");
    // The open page: its index and the end of the last excerpt sent from it.
    let mut open: Option<(usize, usize)> = None;
    let close = |out: &mut String, (page, end): (usize, usize)| {
        if doc.pages.get(page).is_some_and(|p| end < p.lines.len()) {
            out.push_str("[...]\n");
        }
        out.push_str(&format!("</page {}>\n", page + 1));
    };
    for ex in excerpts {
        let Some(page) = doc.pages.get(ex.page) else {
            continue;
        };
        let sent = match open {
            Some((p, end)) if p == ex.page => end,
            other => {
                if let Some(prev) = other {
                    close(&mut out, prev);
                }
                out.push_str(&format!("<page {}>\n", ex.page + 1));
                0
            }
        };
        let start = ex.lines.start.max(sent);
        if start > sent {
            out.push_str("[...]\n");
        }
        for line in page
            .lines
            .get(start..ex.lines.end.max(start))
            .unwrap_or(&[])
        {
            out.push_str(&line.text);
            out.push('\n');
        }
        open = Some((ex.page, ex.lines.end.max(sent)));
    }
    if let Some(prev) = open {
        close(&mut out, prev);
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
    fn pages_are_chunked_and_rendered_with_ids_and_rules() {
        let d = doc(&[&["a"], &["b", "c"], &["d"]]);
        let parts = chunks(&d, 2, false);
        assert_eq!(parts, vec![Chunk { pages: 0..2 }, Chunk { pages: 2..3 }]);
        let schema = serde_json::json!({"type": "object"});
        let p = Prompt::new(&d, &parts[1], &schema, Some("Amounts in cents"), 64);
        assert!(p.user.contains("<page 3>\nd\n</page 3>"), "{}", p.user);
        assert!(!p.user.contains("<page 1>"));
        assert!(p.system.contains("Amounts in cents"));
        assert!(p.system.contains("Schema:\n{\"type\":\"object\"}"));
        // The chunk note follows the fixed prefix, so the prefix is cacheable.
        assert!(p.user.starts_with("You see pages 3-3 of a 3-page document"));
        assert_eq!(p.max_tokens, 64);
        assert_eq!(chunks(&doc(&[]), 10, true).len(), 1);
    }

    #[test]
    fn excerpts_mark_left_out_lines() {
        let d = doc(&[&["a", "b", "c", "d"], &["e", "f"]]);
        let schema = serde_json::json!({"type": "object"});
        let parts = [
            Excerpt {
                page: 0,
                lines: 1..2,
            },
            Excerpt {
                page: 0,
                lines: 3..4,
            },
            Excerpt {
                page: 1,
                lines: 0..2,
            },
        ];
        let p = Prompt::excerpt(&d, &parts, &schema, None, None, 10);
        assert_eq!(
            p.user,
            "<document>\n<page 1>\n[...]\nb\n[...]\nd\n</page 1>\n<page 2>\ne\nf\n</page 2>\n</document>"
        );
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
