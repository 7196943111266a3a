//! PPTX: one page per slide (`ppt/slides/slideN.xml`, in slide-number
//! order). Title placeholders become headings, other text paragraphs become
//! paragraphs, and slide tables (`a:tbl`) become tables. Shape positions
//! are not used: text follows the slide's shape order.

use super::package::Package;
use super::xml::{Node, attr, walk};
use crate::flow::{CellInput, Flow};
use crate::{Document, FileKind, Limits, ParseError};

pub(crate) fn parse_pptx(bytes: &[u8], limits: &Limits) -> Result<Document, ParseError> {
    let mut pkg = Package::open(bytes, limits.max_decompressed_bytes)?;
    let mut slides: Vec<(u32, String)> = pkg
        .names()
        .into_iter()
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
            slide(&mut flow, &String::from_utf8_lossy(&xml))?;
        }
    }
    Ok(Document {
        kind: FileKind::Pptx,
        pages: flow.finish(),
    })
}

fn slide(flow: &mut Flow, xml: &str) -> Result<(), ParseError> {
    let mut title = false;
    let mut text = String::new();
    let mut in_text = false;
    let mut in_table = false;
    let mut rows: Vec<Vec<CellInput>> = Vec::new();
    let mut cell = String::new();
    walk(xml, |node| {
        match node {
            Node::Open(name, e) => match name {
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
                _ => {}
            },
        }
        Ok(())
    })
}
