//! The parse API's output shape: a [`Document`] turned into chunks of
//! blocks, each block with an id, a type, its content, a polygon and a box.
//!
//! This is pure (no I/O, no HTTP) so the server's parse runs, the CLI and
//! tests all produce the same output from the same document. Blocks come
//! from [`blocks`] (running headers, footers and page numbers retyped by
//! [`furniture`], `Label: value` lines cut out by [`key_value`]), chunk
//! boundaries from [`chunk`], the `spatial` target's
//! layout-preserving text from [`spatial`], and `output.ocr` from [`ocr`].

mod blocks;
mod chunk;
mod furniture;
mod key_value;
mod ocr;
mod spatial;
mod types;

pub use furniture::is_page_number;
pub use types::*;

use crate::Document;

/// What the output should look like: the parts of a ParseConfig that change
/// the result (the server validates the config and fills these in).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParseOptions {
    pub target: Target,
    pub chunking: Chunking,
    /// Section chunks shorter than this are merged with the next one.
    pub min_characters: Option<usize>,
    /// Chunks longer than this are split at block boundaries.
    pub max_characters: Option<usize>,
    pub table_format: TableFormat,
    /// Inclusive 1-based page ranges to keep; empty keeps every page.
    pub page_ranges: Vec<(u32, u32)>,
    /// `blockOptions.tables.cellBlocksEnabled`: table blocks carry one
    /// `table_cell` child per cell.
    pub cell_blocks: bool,
    /// `advancedOptions.returnOcr.words` / `.lines`: add `output.ocr`.
    pub ocr_words: bool,
    pub ocr_lines: bool,
    /// `blockOptions.figures.enabled: false`: no `figure` blocks.
    pub skip_figures: bool,
}

/// `target`: reading-order markdown, or layout-preserving text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    #[default]
    Markdown,
    Spatial,
}

/// `chunkingStrategy.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Chunking {
    #[default]
    Page,
    Document,
    Section,
}

/// `blockOptions.tables.targetFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableFormat {
    #[default]
    Markdown,
    Html,
}

/// Builds the parse output of `doc` under `options`.
pub fn parse_output(doc: &Document, options: &ParseOptions) -> ParseOutput {
    let pages: Vec<_> = doc
        .pages
        .iter()
        .filter(|p| {
            options.page_ranges.is_empty()
                || options
                    .page_ranges
                    .iter()
                    .any(|&(start, end)| (start..=end).contains(&p.number))
        })
        .collect();
    let mut page_blocks: Vec<_> = pages
        .iter()
        .map(|p| blocks::page_blocks(p, options))
        .collect();
    furniture::mark(&mut page_blocks);
    let ocr = ocr::output(&pages, options);
    let chunks = chunk::chunks(&pages, page_blocks, options);
    ParseOutput {
        chunks,
        ocr,
        metadata: OutputMetadata {
            pages: pages
                .iter()
                .map(|p| PageInfo {
                    number: p.number,
                    original_page_width: p.width,
                    original_page_height: p.height,
                    dpi: 72,
                    rotation_applied: (p.rotation != 0).then_some(p.rotation),
                })
                .collect(),
        },
    }
}

/// A short, stable id for a block: FNV-1a of its content, page and index.
pub(crate) fn block_id(content: &str, page: u32, index: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = content
        .bytes()
        .chain(page.to_le_bytes())
        .chain((index as u64).to_le_bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("blk_{h:016x}")
}

#[cfg(test)]
mod tests;
