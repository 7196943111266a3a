//! PPTX: one page per slide (`ppt/slides/slideN.xml`, in slide-number
//! order). Title placeholders become headings, other text paragraphs become
//! paragraphs, slide tables (`a:tbl`) become tables, and pictures and
//! charts become figures described by their alt text. Shape positions are
//! not used: text follows the slide's shape order.

use std::collections::HashSet;

use super::package::Package;
use crate::flow::{CellInput, Flow};
use crate::xml::{Node, attr, walk};
use crate::{Document, FigureKind, FileKind, Limits, ParseError};

pub(crate) fn parse_pptx(bytes: &[u8], limits: &Limits) -> Result<Document, ParseError> {
    let mut pkg = Package::open(bytes, limits.max_decompressed_bytes)?;
    let entries: HashSet<String> = pkg.names().into_iter().collect();
    let mut slides: Vec<(u32, String)> = entries
        .iter()
        .cloned()
        .filter_map(|n| {
            let num = n
                .strip_prefix("ppt/slides/slide")?
                .strip_suffix(".xml")?
                .parse::<u32>()
                .ok()?;
            Some((num, n))
        })
        .collect();
    if slides.is_empty() {
        return Err(ParseError::Corrupt("PPTX has no slides".into()));
    }
    if slides.len() > limits.max_pages {
        return Err(ParseError::TooManyPages {
            pages: slides.len(),
            limit: limits.max_pages,
        });
    }
    slides.sort();
    let mut flow = Flow::new(false, limits.max_cells, limits.max_pages.saturating_add(1));
    for (i, (_, name)) in slides.iter().enumerate() {
        if i > 0 {
            flow.page_break()?;
        }
        if let Some(xml) = pkg.read(name)? {
            let pictures = pictures(&mut pkg, &entries, name)?;
            slide(&mut flow, &String::from_utf8_lossy(&xml), &pictures)?;
        }
    }
    Ok(Document {
        kind: FileKind::Pptx,
        einvoice: None,
        pages: flow.finish(),
    })
}

/// The relationship ids of slide `name` that point at a part the package
/// holds: a picture whose image is missing shows nothing.
fn pictures(
    pkg: &mut Package<'_>,
    entries: &HashSet<String>,
    name: &str,
) -> Result<HashSet<String>, ParseError> {
    let (folder, file) = name.rsplit_once('/').unwrap_or(("", name));
    let rels = pkg.relationships(&format!("{folder}/_rels/{file}.rels"), folder)?;
    Ok(rels
        .into_iter()
        .filter(|r| entries.contains(&r.path))
        .map(|r| r.id)
        .collect())
}

/// A picture description that is only the image's file name says nothing.
fn describes(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    ![
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

fn slide(flow: &mut Flow, xml: &str, pictures: &HashSet<String>) -> Result<(), ParseError> {
    let mut title = false;
    let mut text = String::new();
    let mut in_text = false;
    let mut in_table = false;
    let mut rows: Vec<Vec<CellInput>> = Vec::new();
    let mut cell = String::new();
    // A picture or chart frame being read: its kind and description.
    let mut figure: Option<(FigureKind, String)> = None;
    // Whether the picture being read has an image the package holds.
    let mut shown = false;
    walk(xml, |node| {
        match node {
            Node::Open(name, e) => match name {
                "pic" => {
                    figure = Some((FigureKind::Image, String::new()));
                    shown = false;
                }
                "blip" => {
                    let id = attr(e, "embed").or_else(|| attr(e, "link"));
                    shown |= id.is_some_and(|id| pictures.contains(&id));
                }
                "graphicFrame" => figure = Some((FigureKind::Other, String::new())),
                "chart" => {
                    if let Some(f) = &mut figure {
                        f.0 = FigureKind::Chart;
                    }
                }
                "cNvPr" => {
                    if let Some(f) = &mut figure {
                        let text = attr(e, "descr").or_else(|| attr(e, "title"));
                        f.1 = text.filter(|t| describes(t)).unwrap_or_default();
                    }
                }
                "sp" => title = false,
                "ph" => {
                    title = matches!(attr(e, "type").as_deref(), Some("title" | "ctrTitle"));
                }
                "p" => text.clear(),
                "t" => in_text = true,
                "br" => text.push(' '),
                "tbl" => {
                    in_table = true;
                    rows.clear();
                }
                "tr" if in_table => rows.push(Vec::new()),
                "tc" if in_table => cell.clear(),
                _ => {}
            },
            Node::Text(t) if in_text => text.push_str(t),
            Node::Text(_) => {}
            Node::Close(name) => match name {
                "t" => in_text = false,
                "p" if in_table => {
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(text.trim());
                }
                "p" if title => flow.heading(1, &text)?,
                "p" => flow.paragraph(&text)?,
                "tc" if in_table => {
                    if let Some(row) = rows.last_mut() {
                        row.push((std::mem::take(&mut cell), None));
                    }
                }
                "tbl" => {
                    in_table = false;
                    flow.table(std::mem::take(&mut rows), None)?;
                }
                // A frame holding a table is the table, not a figure.
                "pic" | "graphicFrame" => match figure.take() {
                    Some((FigureKind::Image, description)) if shown => {
                        flow.figure(FigureKind::Image, &description)?
                    }
                    Some((FigureKind::Chart, description)) => {
                        flow.figure(FigureKind::Chart, &description)?
                    }
                    _ => {}
                },
                _ => {}
            },
        }
        Ok(())
    })
}
