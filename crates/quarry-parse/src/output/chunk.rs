//! Chunk boundaries: one chunk per page, one for the whole document, or one
//! per section (a new chunk at each heading). `maxCharacters` splits chunks
//! at block boundaries; `minCharacters` keeps a section growing until it is
//! long enough. Spatial chunks take their text from the page layout instead
//! of the blocks, so they are cut at page boundaries only.

use super::{
    Chunk, ChunkMetadata, Chunking, OutputBlock, PageRange, ParseOptions, Target, spatial,
};
use crate::Page;

/// Separator between the contents of blocks in a chunk.
const BLOCK_SEP: &str = "\n\n";

pub(crate) fn chunks(
    pages: &[&Page],
    page_blocks: Vec<Vec<OutputBlock>>,
    o: &ParseOptions,
) -> Vec<Chunk> {
    if pages.is_empty() {
        return Vec::new();
    }
    if o.target == Target::Spatial {
        return spatial_chunks(pages, page_blocks, o.chunking);
    }
    match o.chunking {
        Chunking::Page => pages
            .iter()
            .zip(page_blocks)
            .flat_map(|(page, blocks)| {
                let groups = pack(blocks, false, o.min_characters, o.max_characters);
                let n = page.number;
                groups.into_iter().map(move |g| chunk("page", g, (n, n)))
            })
            .collect(),
        Chunking::Document | Chunking::Section => {
            let all: Vec<OutputBlock> = page_blocks.into_iter().flatten().collect();
            let at_headings = o.chunking == Chunking::Section;
            let kind = if at_headings { "section" } else { "document" };
            let span = page_span(pages);
            pack(all, at_headings, o.min_characters, o.max_characters)
                .into_iter()
                .map(|g| chunk(kind, g, span))
                .collect()
        }
    }
}

fn page_span(pages: &[&Page]) -> (u32, u32) {
    let first = pages.first().map_or(1, |p| p.number);
    let last = pages.last().map_or(first, |p| p.number);
    (first, last)
}

fn spatial_chunks(
    pages: &[&Page],
    page_blocks: Vec<Vec<OutputBlock>>,
    chunking: Chunking,
) -> Vec<Chunk> {
    let texts: Vec<String> = pages.iter().map(|p| spatial::page_text(p)).collect();
    match chunking {
        Chunking::Document => {
            let span = page_span(pages);
            let mut c = chunk(
                "document",
                page_blocks.into_iter().flatten().collect(),
                span,
            );
            c.content = texts.join("\n\n");
            vec![c]
        }
        _ => pages
            .iter()
            .zip(page_blocks)
            .zip(texts)
            .map(|((p, blocks), text)| {
                let mut c = chunk("page", blocks, (p.number, p.number));
                c.content = text;
                c
            })
            .collect(),
    }
}

/// Groups blocks into chunks. A heading starts a new group when
/// `at_headings` and the current group has at least `min` characters; a
/// block that would push a non-empty group past `max` starts a new one. An
/// empty input gives one empty group (an empty page is still a chunk).
fn pack(
    blocks: Vec<OutputBlock>,
    at_headings: bool,
    min: Option<usize>,
    max: Option<usize>,
) -> Vec<Vec<OutputBlock>> {
    let mut groups: Vec<Vec<OutputBlock>> = Vec::new();
    let mut current: Vec<OutputBlock> = Vec::new();
    let mut len = 0usize;
    for b in blocks {
        let is_heading = matches!(b.kind, "heading" | "section_heading");
        let add = b.content.chars().count()
            + if current.is_empty() {
                0
            } else {
                BLOCK_SEP.len()
            };
        let heading_break = at_headings && is_heading && len >= min.unwrap_or(0);
        let size_break = max.is_some_and(|m| len + add > m);
        if !current.is_empty() && (heading_break || size_break) {
            groups.push(std::mem::take(&mut current));
            len = 0;
        }
        len += b.content.chars().count()
            + if current.is_empty() {
                0
            } else {
                BLOCK_SEP.len()
            };
        current.push(b);
    }
    if !current.is_empty() || groups.is_empty() {
        groups.push(current);
    }
    groups
}

fn chunk(kind: &'static str, blocks: Vec<OutputBlock>, span: (u32, u32)) -> Chunk {
    let content = blocks
        .iter()
        .map(|b| b.content.as_str())
        .collect::<Vec<_>>()
        .join(BLOCK_SEP);
    let pages = blocks.iter().map(|b| b.metadata.page.number);
    let (start, end) = match (pages.clone().min(), pages.max()) {
        (Some(s), Some(e)) => (s, e),
        _ => span,
    };
    Chunk {
        object: "chunk",
        kind,
        content,
        metadata: ChunkMetadata {
            page_range: PageRange { start, end },
        },
        blocks,
    }
}
