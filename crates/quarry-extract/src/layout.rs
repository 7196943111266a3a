//! A read-only view of a parsed [`Document`] shaped for field matching.
//!
//! Words are split into tokens at `:`, `,`, `;` and `|` (keeping those
//! characters as their own tokens, "glued" to their neighbours) so that
//! `Total:`, `red,green` and `a|b` can be cut exactly, and every token keeps a
//! box derived from its word's box. Lines know their text block (lines with
//! no blank line between them), and can be cut into cells at wide horizontal
//! gaps, pipes or commas. Everything a citation needs (page size, box, line
//! text) is reachable from a [`Span`].

use std::ops::Range;

use quarry_parse::{BBox, Document};

use crate::values::{Conventions, DateOrder, infer_decimal_comma, infer_order};

/// Characters that become tokens of their own.
const PUNCT: [char; 4] = [':', ',', ';', '|'];

/// A piece of a word (or a whole word) with its own box.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tok {
    pub text: String,
    pub bbox: BBox,
    pub conf: f32,
    /// No whitespace between this token and the previous one.
    pub glued: bool,
}

/// One line of the document, tokenized.
#[derive(Debug, Clone)]
pub(crate) struct LineView {
    pub text: String,
    pub bbox: BBox,
    pub toks: Vec<Tok>,
    /// Index into [`Layout::blocks`].
    pub block: usize,
    /// Average character width, used to tell a column gap from a space.
    char_width: f64,
}

/// One page of lines.
#[derive(Debug, Clone)]
pub(crate) struct PageView {
    pub number: u32,
    pub width: f64,
    pub height: f64,
    pub lines: Vec<LineView>,
}

/// Consecutive lines on one page with no blank line between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlockView {
    pub page: usize,
    pub lines: Range<usize>,
}

/// Addresses one line: page index (0-based) and line index on that page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct LineId {
    pub page: usize,
    pub line: usize,
}

/// A run of tokens on one line: the evidence behind a value or a label.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Span {
    pub line: LineId,
    pub toks: Range<usize>,
}

/// How to cut a line into cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delim {
    /// Horizontal gaps of about two characters or more.
    Gap,
    Pipe,
    Comma,
}

/// The tokenized document.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub pages: Vec<PageView>,
    pub blocks: Vec<BlockView>,
    /// How this document writes ambiguous numeric dates (from its own dates and currency).
    pub date_order: DateOrder,
    /// Whether this document's amounts use a decimal comma (`1.234,56`).
    pub decimal_comma: bool,
}

impl Layout {
    pub(crate) fn new(doc: &Document) -> Self {
        let mut pages = Vec::with_capacity(doc.pages.len());
        let mut blocks: Vec<BlockView> = Vec::new();
        for (page_index, page) in doc.pages.iter().enumerate() {
            let mut lines: Vec<LineView> = Vec::with_capacity(page.lines.len());
            for (i, line) in page.lines.iter().enumerate() {
                let starts_block = match lines.last() {
                    None => true,
                    Some(prev) => {
                        let height = (prev.bbox.bottom - prev.bbox.top).max(1.0);
                        line.bbox.top - prev.bbox.bottom > 0.5 * height
                    }
                };
                if starts_block {
                    blocks.push(BlockView {
                        page: page_index,
                        lines: i..i,
                    });
                }
                let block = blocks.len() - 1;
                blocks[block].lines.end = i + 1;
                let chars: usize = line.words.iter().map(|w| w.text.chars().count()).sum();
                let width: f64 = line.words.iter().map(|w| w.bbox.right - w.bbox.left).sum();
                lines.push(LineView {
                    text: line.text.clone(),
                    bbox: line.bbox,
                    toks: tokenize(&line.words),
                    block,
                    char_width: if chars == 0 {
                        1.0
                    } else {
                        (width / chars as f64).max(0.1)
                    },
                });
            }
            pages.push(PageView {
                number: page.number,
                width: page.width,
                height: page.height,
                lines,
            });
        }
        let date_order = infer_order(
            pages
                .iter()
                .flat_map(|p| p.lines.iter().map(|l| l.text.as_str())),
        );
        let decimal_comma = infer_decimal_comma(
            pages
                .iter()
                .flat_map(|p| p.lines.iter().map(|l| l.text.as_str())),
        );
        Self {
            pages,
            blocks,
            date_order,
            decimal_comma,
        }
    }

    /// The document's conventions for reading ambiguous values.
    pub(crate) fn conventions(&self) -> Conventions {
        Conventions {
            date_order: self.date_order,
            decimal_comma: self.decimal_comma,
        }
    }

    pub(crate) fn line(&self, id: LineId) -> Option<&LineView> {
        self.pages.get(id.page)?.lines.get(id.line)
    }

    pub(crate) fn page(&self, index: usize) -> Option<&PageView> {
        self.pages.get(index)
    }

    /// Every line id in reading order.
    pub(crate) fn line_ids(&self) -> impl Iterator<Item = LineId> + '_ {
        self.pages
            .iter()
            .enumerate()
            .flat_map(|(page, p)| (0..p.lines.len()).map(move |line| LineId { page, line }))
    }

    /// The line directly below `id` if it belongs to the same block.
    pub(crate) fn next_in_block(&self, id: LineId) -> Option<LineId> {
        let next = LineId {
            page: id.page,
            line: id.line + 1,
        };
        let (a, b) = (self.line(id)?, self.line(next)?);
        (a.block == b.block).then_some(next)
    }

    pub(crate) fn tokens(&self, span: &Span) -> &[Tok] {
        self.line(span.line)
            .and_then(|l| l.toks.get(span.toks.clone()))
            .unwrap_or(&[])
    }

    /// The span's text, with single spaces where the source had whitespace.
    pub(crate) fn text(&self, span: &Span) -> String {
        join(self.tokens(span))
    }

    pub(crate) fn bbox(&self, span: &Span) -> Option<BBox> {
        let toks = self.tokens(span);
        let first = toks.first()?.bbox;
        Some(toks.iter().fold(first, |acc, t| acc.union(&t.bbox)))
    }

    /// Lowest word confidence in the span (1.0 for an empty span).
    pub(crate) fn confidence(&self, span: &Span) -> f64 {
        self.tokens(span)
            .iter()
            .map(|t| f64::from(t.conf))
            .fold(1.0, f64::min)
    }

    /// The whole line as one span.
    pub(crate) fn line_span(&self, id: LineId) -> Span {
        let len = self.line(id).map_or(0, |l| l.toks.len());
        Span {
            line: id,
            toks: 0..len,
        }
    }
}

impl LineView {
    /// Cuts `range` of this line's tokens into non-empty cells.
    pub(crate) fn cells(&self, range: Range<usize>, delim: Delim) -> Vec<Range<usize>> {
        let mut cells = Vec::new();
        let mut start = range.start;
        for i in range.clone() {
            let Some(tok) = self.toks.get(i) else { break };
            let cut_before = match delim {
                Delim::Gap => i > start && self.is_gap_before(i),
                Delim::Pipe | Delim::Comma => false,
            };
            if cut_before {
                cells.push(start..i);
                start = i;
            }
            let is_delim = match delim {
                Delim::Gap => false,
                Delim::Pipe => tok.text == "|",
                Delim::Comma => tok.text == ",",
            };
            if is_delim {
                cells.push(start..i);
                start = i + 1;
            }
        }
        cells.push(start..range.end.min(self.toks.len()));
        cells.retain(|c| !c.is_empty());
        cells
    }

    /// Whether a column-sized gap separates token `i` from token `i - 1`.
    pub(crate) fn is_gap_before(&self, i: usize) -> bool {
        match (
            i.checked_sub(1).and_then(|p| self.toks.get(p)),
            self.toks.get(i),
        ) {
            (Some(prev), Some(tok)) => {
                !tok.glued && tok.bbox.left - prev.bbox.right >= 1.5 * self.char_width
            }
            _ => false,
        }
    }
}

/// Joins tokens back into text.
pub(crate) fn join(toks: &[Tok]) -> String {
    let mut out = String::new();
    for (i, tok) in toks.iter().enumerate() {
        if i > 0 && !tok.glued {
            out.push(' ');
        }
        out.push_str(&tok.text);
    }
    out
}

fn tokenize(words: &[quarry_parse::Word]) -> Vec<Tok> {
    let mut toks = Vec::new();
    for word in words {
        let chars: Vec<char> = word.text.chars().collect();
        let n = chars.len().max(1) as f64;
        let char_w = (word.bbox.right - word.bbox.left) / n;
        let mut piece_start = 0;
        let mut first = true;
        let mut push = |from: usize, to: usize, toks: &mut Vec<Tok>| {
            if from >= to {
                return;
            }
            toks.push(Tok {
                text: chars[from..to].iter().collect(),
                bbox: BBox {
                    left: word.bbox.left + from as f64 * char_w,
                    right: word.bbox.left + to as f64 * char_w,
                    ..word.bbox
                },
                conf: word.confidence,
                glued: !first,
            });
            first = false;
        };
        for (i, c) in chars.iter().enumerate() {
            if PUNCT.contains(c) {
                push(piece_start, i, &mut toks);
                push(i, i + 1, &mut toks);
                piece_start = i + 1;
            }
        }
        push(piece_start, chars.len(), &mut toks);
    }
    toks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(text: &str) -> Layout {
        let doc =
            quarry_parse::parse(text.as_bytes(), "t.txt", &Default::default()).expect("parses");
        Layout::new(&doc)
    }

    #[test]
    fn punctuation_becomes_glued_tokens_with_exact_boxes() {
        let l = layout("Total:12,50 EUR");
        let line = &l.pages[0].lines[0];
        let texts: Vec<&str> = line.toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["Total", ":", "12", ",", "50", "EUR"]);
        assert_eq!(join(&line.toks), "Total:12,50 EUR");
        assert_eq!(line.toks[1].bbox.left, 30.0);
        assert_eq!(line.toks[1].bbox.right, 36.0);
    }

    #[test]
    fn blank_lines_separate_blocks_and_gaps_separate_cells() {
        let l = layout("a b    c\nd\n\ne");
        assert_eq!(l.blocks.len(), 2);
        let line = &l.pages[0].lines[0];
        assert_eq!(line.cells(0..line.toks.len(), Delim::Gap), vec![0..2, 2..3]);
        assert!(l.next_in_block(LineId { page: 0, line: 0 }).is_some());
        assert!(l.next_in_block(LineId { page: 0, line: 1 }).is_none());
    }
}
