//! DOCX: `word/document.xml` read as a stream of paragraphs and tables.
//! Headings come from the paragraph style (its id or its name in
//! `word/styles.xml`, e.g. "heading 2") or an outline level; list items from
//! numbering properties; explicit page breaks start a new page, and long
//! documents are paginated like Letter pages. Drawings become figures,
//! described by their alt text, after the paragraph they are anchored in.
//! Deleted (tracked) text and field codes are skipped.
//!
//! Headers come before the body and footers, footnotes and endnotes after
//! it: a letterhead or a company's registration details often live only in
//! a header or footer, and extraction must see them. A header or footer
//! repeated by several sections is read once. Comments are reviewers'
//! notes, not the document, and are left out.

use std::collections::{HashMap, HashSet};

use super::package::Package;
use crate::flow::{CellInput, Flow};
use crate::xml::{Node, attr, walk};
use crate::{Document, FigureKind, FileKind, Limits, ParseError};

#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    list: bool,
    page_break: bool,
    /// Drawings anchored in the paragraph, laid out after its text.
    figures: Vec<(FigureKind, String)>,
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
    let (headers, footers) = header_footer_parts(&mut pkg)?;
    let mut flow = Flow::new(true, limits.max_cells, limits.max_pages);
    let mut seen = HashSet::new();
    for part in &headers {
        read_part_once(&mut pkg, part, &mut seen, &mut flow, &styles)?;
    }
    read_part(&String::from_utf8_lossy(&body), &mut flow, &styles)?;
    let after = footers
        .iter()
        .map(String::as_str)
        .chain(["word/footnotes.xml", "word/endnotes.xml"]);
    for part in after {
        read_part_once(&mut pkg, part, &mut seen, &mut flow, &styles)?;
    }
    Ok(Document {
        kind: FileKind::Docx,
        einvoice: None,
        pages: flow.finish(),
    })
}

/// The header and footer parts the document's relationships name, in order.
fn header_footer_parts(pkg: &mut Package<'_>) -> Result<(Vec<String>, Vec<String>), ParseError> {
    let rels = pkg.relationships("word/_rels/document.xml.rels", "word")?;
    let of_kind = |suffix: &str| -> Vec<String> {
        rels.iter()
            .filter(|r| r.kind.ends_with(suffix))
            .map(|r| r.path.clone())
            .collect()
    };
    Ok((of_kind("/header"), of_kind("/footer")))
}

/// Reads `part` unless a part with the same text was read already (the
/// first-page, even and default headers of a section are often identical).
fn read_part_once(
    pkg: &mut Package<'_>,
    part: &str,
    seen: &mut HashSet<String>,
    flow: &mut Flow,
    styles: &HashMap<String, String>,
) -> Result<(), ParseError> {
    let Some(xml) = pkg.read(part)? else {
        return Ok(());
    };
    let xml = String::from_utf8_lossy(&xml);
    let mut text = String::new();
    walk(&xml, |node| {
        if let Node::Text(t) = node {
            text.push_str(t);
        }
        Ok(())
    })?;
    let text: String = text.split_whitespace().collect();
    if text.is_empty() || !seen.insert(text) {
        return Ok(());
    }
    read_part(&xml, flow, styles)
}

/// Lays out one part's paragraphs and tables (the body, a header, a
/// footer, the footnotes).
fn read_part(
    xml: &str,
    flow: &mut Flow,
    styles: &HashMap<String, String>,
) -> Result<(), ParseError> {
    let mut para = Para::default();
    let mut in_text = false;
    // Table nesting: only the outermost table becomes a Table; nested
    // tables' text lands in the enclosing cell.
    let mut depth = 0usize;
    let mut rows: Vec<Vec<CellInput>> = Vec::new();
    let mut cell = String::new();
    let mut drawing: Option<(FigureKind, String)> = None;
    // Whether the drawing being read holds a picture or a chart.
    let mut pictured = false;
    walk(xml, |node| {
        match node {
            Node::Open(name, e) => match name {
                "p" if drawing.is_none() => para = Para::default(),
                // A text box's paragraphs join the one it is anchored in.
                "p" => para.text.push(' '),
                "drawing" => {
                    drawing = Some((FigureKind::Image, String::new()));
                    pictured = false;
                }
                "docPr" => {
                    if let Some(d) = &mut drawing {
                        d.1 = attr(e, "descr")
                            .or_else(|| attr(e, "title"))
                            .unwrap_or_default();
                    }
                }
                "chart" => {
                    if let Some(d) = &mut drawing {
                        d.0 = FigureKind::Chart;
                    }
                    pictured = true;
                }
                "pic" | "blip" => pictured = true,
                // A legacy (VML) picture: `w:pict` holding `v:imagedata`.
                "imagedata" if drawing.is_none() => {
                    let title = attr(e, "title").unwrap_or_default();
                    para.figures.push((FigureKind::Image, title));
                }
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
                // A drawing that is only a text box or a shape is no figure.
                "drawing" => para.figures.extend(drawing.take().filter(|_| pictured)),
                "p" if drawing.is_some() => para.text.push(' '),
                "p" => {
                    let p = std::mem::take(&mut para);
                    if depth > 0 {
                        if !cell.is_empty() && !p.text.trim().is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(p.text.trim());
                    } else {
                        emit(flow, &p, styles)?;
                        for (kind, description) in &p.figures {
                            flow.figure(*kind, description)?;
                        }
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
