//! DOCX: `word/document.xml` read as a stream of paragraphs and tables.
//! Headings come from the paragraph style (its id or its name in
//! `word/styles.xml`, e.g. "heading 2") or an outline level; list items from
//! numbering properties; explicit page breaks start a new page, and long
//! documents are paginated like Letter pages. Deleted (tracked) text, field
//! codes and drawings are skipped.

use std::collections::HashMap;

use super::package::Package;
use super::xml::{Node, attr, walk};
use crate::flow::{CellInput, Flow};
use crate::{Document, FileKind, Limits, ParseError};

#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    list: bool,
    page_break: bool,
}

pub(crate) fn parse_docx(bytes: &[u8], limits: &Limits) -> Result<Document, ParseError> {
    let mut pkg = Package::open(bytes, limits.max_decompressed_bytes)?;
    let body = pkg
        .read("word/document.xml")?
        .ok_or_else(|| ParseError::Corrupt("DOCX has no word/document.xml".into()))?;
    let styles = match pkg.read("word/styles.xml")? {
        Some(xml) => style_names(&String::from_utf8_lossy(&xml))?,
        None => HashMap::new(),
    };
    let mut flow = Flow::new(true, limits.max_cells, limits.max_pages);
    let mut para = Para::default();
    let mut in_text = false;
    // Table nesting: only the outermost table becomes a Table; nested
    // tables' text lands in the enclosing cell.
    let mut depth = 0usize;
    let mut rows: Vec<Vec<CellInput>> = Vec::new();
    let mut cell = String::new();
    walk(&String::from_utf8_lossy(&body), |node| {
        match node {
            Node::Open(name, e) => match name {
                "p" => para = Para::default(),
                "pStyle" => para.style = attr(e, "val"),
                "outlineLvl" => {
                    para.outline = attr(e, "val").and_then(|v| v.parse::<u8>().ok());
                }
                "numPr" => para.list = true,
                "t" => in_text = true,
                "tab" if !in_text => para.text.push('\t'),
                "br" | "cr" => {
                    if attr(e, "type").as_deref() == Some("page") {
                        para.page_break = true;
                    } else {
                        para.text.push(' ');
                    }
                }
                "tbl" => {
                    depth += 1;
                    if depth == 1 {
                        rows.clear();
                    }
                }
                "tr" if depth == 1 => rows.push(Vec::new()),
                "tc" if depth == 1 => cell.clear(),
                _ => {}
            },
            Node::Text(t) if in_text => para.text.push_str(t),
            Node::Text(_) => {}
            Node::Close(name) => match name {
                "t" => in_text = false,
                "p" => {
                    let p = std::mem::take(&mut para);
                    if depth > 0 {
                        if !cell.is_empty() && !p.text.trim().is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(p.text.trim());
                    } else {
                        emit(&mut flow, &p, &styles)?;
                    }
                    if p.page_break && depth == 0 {
                        flow.page_break()?;
                    }
                }
                "tc" if depth == 1 => {
                    if let Some(row) = rows.last_mut() {
                        row.push((std::mem::take(&mut cell), None));
                    }
                }
                "tbl" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        flow.table(std::mem::take(&mut rows), None)?;
                    }
                }
                _ => {}
            },
        }
        Ok(())
    })?;
    Ok(Document {
        kind: FileKind::Docx,
        pages: flow.finish(),
    })
}

fn emit(flow: &mut Flow, p: &Para, styles: &HashMap<String, String>) -> Result<(), ParseError> {
    let style = p.style.as_deref().unwrap_or("");
    let name = styles.get(style).map(String::as_str).unwrap_or(style);
    if let Some(level) = heading_level(name).or(p.outline.map(|l| l.saturating_add(1))) {
        flow.heading(level.clamp(1, 6), &p.text)
    } else if p.list || name.to_ascii_lowercase().starts_with("list") {
        flow.list_item(&p.text)
    } else {
        flow.paragraph(&p.text)
    }
}

/// "Title" → 1, "heading 2" / "Heading2" → 2.
fn heading_level(style: &str) -> Option<u8> {
    let s = style.to_ascii_lowercase().replace(' ', "");
    if s == "title" {
        return Some(1);
    }
    let n = s.strip_prefix("heading")?;
    n.parse::<u8>().ok().filter(|l| (1..=9).contains(l))
}

/// Style id → style name, from `word/styles.xml`.
fn style_names(xml: &str) -> Result<HashMap<String, String>, ParseError> {
    let mut map = HashMap::new();
    let mut id: Option<String> = None;
    walk(xml, |node| {
        match node {
            Node::Open("style", e) => id = attr(e, "styleId"),
            Node::Open("name", e) => {
                if let (Some(id), Some(name)) = (&id, attr(e, "val")) {
                    map.insert(id.clone(), name);
                }
            }
            Node::Close("style") => id = None,
            _ => {}
        }
        Ok(())
    })?;
    Ok(map)
}
