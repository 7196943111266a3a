//! Markdown rendering of a [`Document`]: the `markdown` target of the parse
//! API and the text an LLM engine reads. Blocks decide the shape; pages
//! without blocks (plain text) fall back to their lines.

use crate::{BlockKind, Document, Page, Table};

/// Renders the whole document; pages are separated by a blank line.
pub(crate) fn render(doc: &Document) -> String {
    doc.pages
        .iter()
        .map(render_page)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn render_page(page: &Page) -> String {
    if page.blocks.is_empty() {
        let mut parts: Vec<String> = vec![
            page.lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ];
        parts.extend(page.tables.iter().map(table));
        parts.retain(|p| !p.is_empty());
        return parts.join("\n\n");
    }
    let mut out: Vec<String> = Vec::with_capacity(page.blocks.len());
    let mut in_list = false;
    for block in &page.blocks {
        let text = block.text.trim();
        let rendered = match block.kind {
            BlockKind::Heading { level } => {
                format!(
                    "{} {}",
                    "#".repeat(level.clamp(1, 6) as usize),
                    one_line(text)
                )
            }
            BlockKind::Paragraph => escape_leading(text),
            BlockKind::ListItem => format!("- {}", one_line(text)),
            BlockKind::Table { index } => match page.tables.get(index) {
                Some(t) => table(t),
                None => continue,
            },
            BlockKind::Figure { .. } => figure(text),
        };
        if rendered.trim().is_empty() {
            continue;
        }
        let is_item = block.kind == BlockKind::ListItem;
        match out.last_mut() {
            // Consecutive list items form one tight list.
            Some(last) if is_item && in_list => {
                last.push('\n');
                last.push_str(&rendered);
            }
            _ => out.push(rendered),
        }
        in_list = is_item;
    }
    out.join("\n\n")
}

/// A pipe table; the first row is the header row.
pub(crate) fn table(t: &Table) -> String {
    if t.rows == 0 || t.cols == 0 {
        return String::new();
    }
    let mut grid = vec![vec![String::new(); t.cols]; t.rows];
    for c in &t.cells {
        if let Some(slot) = grid.get_mut(c.row).and_then(|r| r.get_mut(c.col)) {
            *slot = cell_text(&c.text);
        }
    }
    let row = |cells: &[String]| format!("| {} |", cells.join(" | "));
    let mut lines = Vec::with_capacity(t.rows + 1);
    lines.push(row(&grid[0]));
    lines.push(format!("|{}", " --- |".repeat(t.cols)));
    lines.extend(grid[1..].iter().map(|r| row(r)));
    lines.join("\n")
}

/// A figure as an HTML comment, which marks where it stands without
/// showing anything (docling's convention): `<!-- image -->`, with the
/// file's description when it has one (`<!-- image: Company logo -->`).
pub(crate) fn figure(description: &str) -> String {
    let description = one_line(description).replace("--", "-");
    if description.is_empty() {
        "<!-- image -->".to_string()
    } else {
        format!("<!-- image: {description} -->")
    }
}

fn cell_text(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Keeps a paragraph that starts like markdown syntax (`# `, `- `, `1. `)
/// from turning into a heading or list.
pub(crate) fn escape_leading(s: &str) -> String {
    let starts_special = s.starts_with('#')
        || s.starts_with("- ")
        || s.starts_with("* ")
        || s.starts_with("+ ")
        || s.starts_with('>')
        || s.starts_with('|');
    if starts_special {
        format!("\\{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BBox, Block, FigureKind, FileKind};

    #[test]
    fn blocks_render_as_headings_paragraphs_lists_and_tables() {
        let mut page = Page::new(1, 612.0, 792.0);
        let b = BBox::default();
        page.tables
            .push(Table::from_texts(&[&["Item", "Price"], &["A|B", "3"]], b));
        for (kind, text) in [
            (BlockKind::Heading { level: 2 }, "Title"),
            (BlockKind::Paragraph, "# not a heading"),
            (BlockKind::ListItem, "first"),
            (BlockKind::Table { index: 0 }, ""),
            (
                BlockKind::Figure {
                    figure: FigureKind::Logo,
                },
                "ACME [logo]",
            ),
            (
                BlockKind::Figure {
                    figure: FigureKind::Image,
                },
                "",
            ),
        ] {
            page.blocks.push(Block {
                kind,
                text: text.into(),
                bbox: b,
            });
        }
        let doc = Document {
            kind: FileKind::Docx,
            einvoice: None,
            pages: vec![page],
        };
        assert_eq!(
            doc.markdown(),
            "## Title\n\n\\# not a heading\n\n- first\n\n| Item | Price |\n| --- | --- |\n| A\\|B | 3 |\n\n<!-- image: ACME [logo] -->\n\n<!-- image -->"
        );
    }
}
