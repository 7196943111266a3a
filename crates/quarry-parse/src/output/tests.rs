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
        einvoice: None,
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

#[test]
fn table_cells_become_child_blocks_when_asked() {
    let doc = structured_doc();
    let cells = ParseOptions {
        cell_blocks: true,
        ..ParseOptions::default()
    };
    let out = parse_output(&doc, &cells);
    let table = out.chunks[0]
        .blocks
        .iter()
        .find(|b| b.kind == "table")
        .expect("table block");
    let texts: Vec<_> = table.children.iter().map(|c| c.content.as_str()).collect();
    assert_eq!(texts, ["Item", "Price", "Bolt", "3"]);
    let bolt = &table.children[2];
    assert_eq!(bolt.kind, "table_cell");
    assert_eq!(bolt.parent_block_id.as_deref(), Some(table.id.as_str()));
    assert_eq!(
        bolt.details,
        BlockDetails::TableCellDetails {
            row_index: 1,
            column_index: 0,
            cell_reference: None
        }
    );
    let wire = serde_json::to_value(bolt).expect("serializes");
    assert_eq!(wire["details"]["type"], "table_cell_details");
    assert_eq!(wire["parentBlockId"], table.id.as_str());
    let plain = parse_output(&doc, &ParseOptions::default());
    let wire = serde_json::to_value(&plain.chunks[0].blocks[3]).expect("serializes");
    assert!(wire.get("children").is_none() && wire.get("parentBlockId").is_none());
}

/// Three pages with a running header, body text, and a page number at the
/// foot, laid out on a Letter page.
fn paged_doc() -> Document {
    let pages = (1..=3)
        .map(|n| {
            let mut page = Page::new(n, 612.0, 792.0);
            for (kind, text, top) in [
                (
                    BlockKind::Paragraph,
                    format!("Statement 2024-0{n} · Karlsbach GmbH"),
                    30.0,
                ),
                (
                    BlockKind::Paragraph,
                    format!("Body text of page {n}."),
                    300.0,
                ),
                (BlockKind::Paragraph, format!("Page {n} of 3"), 760.0),
            ] {
                let bbox = BBox {
                    left: 72.0,
                    top,
                    right: 400.0,
                    bottom: top + 12.0,
                };
                page.blocks.push(Block { kind, text, bbox });
            }
            page
        })
        .collect();
    Document {
        kind: FileKind::Pdf,
        einvoice: None,
        pages,
    }
}

#[test]
fn running_headers_and_page_numbers_are_typed() {
    let out = parse_output(&paged_doc(), &ParseOptions::default());
    for chunk in &out.chunks {
        let kinds: Vec<_> = chunk.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, ["header", "text", "page_number"], "{chunk:?}");
    }
    // A heading in the top band stays a heading; one page has no running text.
    let mut single = paged_doc();
    single.pages.truncate(1);
    let out = parse_output(&single, &ParseOptions::default());
    let kinds: Vec<_> = out.chunks[0].blocks.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, ["text", "text", "page_number"]);
}

#[test]
fn ocr_words_and_lines_are_returned_when_asked() {
    let doc = text_doc("Invoice 7\u{c}Total 12");
    assert!(parse_output(&doc, &ParseOptions::default()).ocr.is_none());
    let words = ParseOptions {
        ocr_words: true,
        ..ParseOptions::default()
    };
    let out = parse_output(&doc, &words);
    let ocr = out.ocr.expect("ocr");
    assert!(ocr.lines.is_none());
    let words = ocr.words.expect("words");
    let texts: Vec<_> = words
        .iter()
        .map(|w| (w.content.as_str(), w.page_number))
        .collect();
    assert_eq!(texts, [("Invoice", 1), ("7", 1), ("Total", 2), ("12", 2)]);
    assert!(
        words
            .iter()
            .all(|w| w.bounding_box.right > w.bounding_box.left)
    );
    let wire = serde_json::to_value(&words[0]).expect("serializes");
    assert!(wire["boundingBox"].is_object() && wire["pageNumber"] == 1);
}
