//! Chunking strategies, targets, table formats and page ranges on small
//! hand-built documents.

use super::*;
use crate::{BBox, Block, BlockKind, FileKind, Limits, Page, Table, parse};

fn text_doc(text: &str) -> Document {
    parse(text.as_bytes(), "a.txt", &Limits::default()).expect("text parses")
}

fn opts(chunking: Chunking) -> ParseOptions {
    ParseOptions {
        chunking,
        ..ParseOptions::default()
    }
}

fn structured_doc() -> Document {
    let b = BBox {
        left: 10.0,
        top: 10.0,
        right: 100.0,
        bottom: 20.0,
    };
    let mut page = Page::new(1, 612.0, 792.0);
    page.tables
        .push(Table::from_texts(&[&["Item", "Price"], &["Bolt", "3"]], b));
    for (kind, text) in [
        (BlockKind::Heading { level: 1 }, "Intro"),
        (BlockKind::Paragraph, "First section text."),
        (BlockKind::Heading { level: 2 }, "Prices"),
        (BlockKind::Table { index: 0 }, ""),
    ] {
        page.blocks.push(Block {
            kind,
            text: text.into(),
            bbox: b,
        });
    }
    Document {
        kind: FileKind::Docx,
        pages: vec![page],
    }
}

#[test]
fn page_chunking_gives_one_chunk_per_page() {
    let doc = text_doc("Invoice 7\nTotal 12\u{c}Second page");
    let out = parse_output(&doc, &ParseOptions::default());
    assert_eq!(out.chunks.len(), 2);
    assert_eq!(out.chunks[0].kind, "page");
    assert_eq!(out.chunks[0].content, "Invoice 7\nTotal 12");
    assert_eq!(
        out.chunks[1].metadata.page_range,
        PageRange { start: 2, end: 2 }
    );
    assert_eq!(out.metadata.pages.len(), 2);
    assert_eq!(out.metadata.pages[0].dpi, 72);
    let block = &out.chunks[0].blocks[0];
    assert_eq!(block.kind, "text");
    assert_eq!(block.polygon.len(), 4);
    assert!(block.id.starts_with("blk_"));
}

#[test]
fn document_chunking_joins_pages_and_page_ranges_filter() {
    let doc = text_doc("one\u{c}two\u{c}three");
    let out = parse_output(&doc, &opts(Chunking::Document));
    assert_eq!(out.chunks.len(), 1);
    assert_eq!(out.chunks[0].content, "one\n\ntwo\n\nthree");
    assert_eq!(
        out.chunks[0].metadata.page_range,
        PageRange { start: 1, end: 3 }
    );
    let ranged = ParseOptions {
        page_ranges: vec![(2, 3)],
        ..opts(Chunking::Page)
    };
    let out = parse_output(&doc, &ranged);
    let contents: Vec<_> = out.chunks.iter().map(|c| c.content.as_str()).collect();
    assert_eq!(contents, ["two", "three"]);
}

#[test]
fn section_chunking_splits_at_headings_and_respects_min() {
    let doc = structured_doc();
    let out = parse_output(&doc, &opts(Chunking::Section));
    assert_eq!(out.chunks.len(), 2);
    assert_eq!(out.chunks[0].kind, "section");
    assert_eq!(out.chunks[0].content, "# Intro\n\nFirst section text.");
    assert!(
        out.chunks[1]
            .content
            .starts_with("## Prices\n\n| Item | Price |")
    );
    assert_eq!(out.chunks[1].blocks[0].kind, "section_heading");
    assert_eq!(out.chunks[1].blocks[1].kind, "table");
    let merged = ParseOptions {
        min_characters: Some(1000),
        ..opts(Chunking::Section)
    };
    assert_eq!(parse_output(&doc, &merged).chunks.len(), 1);
}

#[test]
fn max_characters_splits_at_block_boundaries() {
    let doc = text_doc("alpha alpha\n\nbeta beta\n\ngamma gamma");
    let small = ParseOptions {
        max_characters: Some(12),
        ..opts(Chunking::Document)
    };
    let out = parse_output(&doc, &small);
    assert_eq!(out.chunks.len(), 3);
    assert!(out.chunks.iter().all(|c| c.content.chars().count() <= 12));
}

#[test]
fn tables_render_as_html_when_asked() {
    let doc = structured_doc();
    let html = ParseOptions {
        table_format: TableFormat::Html,
        ..ParseOptions::default()
    };
    let out = parse_output(&doc, &html);
    let table = out.chunks[0]
        .blocks
        .iter()
        .find(|b| b.kind == "table")
        .expect("table block");
    assert_eq!(
        table.content,
        "<table><tr><th>Item</th><th>Price</th></tr><tr><td>Bolt</td><td>3</td></tr></table>"
    );
    assert_eq!(
        table.details,
        BlockDetails::TableDetails {
            row_count: 2,
            column_count: 2
        }
    );
}

#[test]
fn spatial_target_keeps_columns() {
    let doc = text_doc("Name        Qty\nBolt          3");
    let spatial = ParseOptions {
        target: Target::Spatial,
        ..ParseOptions::default()
    };
    let out = parse_output(&doc, &spatial);
    assert_eq!(out.chunks[0].content, "Name        Qty\nBolt          3");
    let markdown = parse_output(&doc, &ParseOptions::default());
    assert_eq!(
        markdown.chunks[0].content,
        "Name        Qty\nBolt          3"
    );
}

#[test]
fn block_ids_are_stable_and_distinct() {
    assert_eq!(block_id("x", 1, 0), block_id("x", 1, 0));
    assert_ne!(block_id("x", 1, 0), block_id("x", 1, 1));
    assert_ne!(block_id("x", 1, 0), block_id("x", 2, 0));
}
