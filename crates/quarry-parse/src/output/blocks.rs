//! A page's blocks in reading order. Formats with structure (office, HTML,
//! PDFs whose layout was rebuilt) keep their headings, paragraphs, list
//! items and tables; pages with only lines (plain text, OCR) group lines into
//! paragraphs at vertical gaps. Content is markdown; tables follow the
//! requested table format.

use super::key_value;
use super::{
    BlockDetails, BlockMetadata, BlockPage, OutputBlock, ParseOptions, Point, TableFormat, block_id,
};
use crate::markdown::{
    escape_leading, figure as markdown_figure, one_line, table as markdown_table,
};
use crate::{BBox, BlockKind, Cell, Line, Page, Table};

/// A vertical gap above this many line heights starts a new paragraph.
const PARAGRAPH_GAP: f64 = 0.75;

/// A block before it gets its id: type, content, box, details, and the
/// table it shows (for cell blocks).
type RawBlock<'p> = (&'static str, String, BBox, BlockDetails, Option<&'p Table>);

/// The blocks of `page`, with ids unique within the page.
pub(crate) fn page_blocks(page: &Page, options: &ParseOptions) -> Vec<OutputBlock> {
    let tables = options.table_format;
    let mut raw: Vec<RawBlock<'_>> = Vec::new();
    if page.blocks.is_empty() {
        for para in paragraphs(&page.lines) {
            let text = para
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let bbox = para
                .iter()
                .skip(1)
                .fold(para[0].bbox, |acc, l| acc.union(&l.bbox));
            raw.push(("text", text, bbox, BlockDetails::TextDetails {}, None));
        }
        for t in &page.tables {
            raw.push(table_block(t, tables));
        }
    } else {
        for b in &page.blocks {
            let text = b.text.trim();
            let entry = match b.kind {
                BlockKind::Heading { level } => {
                    let kind = if level <= 1 {
                        "heading"
                    } else {
                        "section_heading"
                    };
                    let hashes = "#".repeat(level.clamp(1, 6) as usize);
                    let content = format!("{hashes} {}", one_line(text));
                    (kind, content, b.bbox, BlockDetails::TextDetails {}, None)
                }
                BlockKind::Paragraph => (
                    "text",
                    escape_leading(text),
                    b.bbox,
                    BlockDetails::TextDetails {},
                    None,
                ),
                BlockKind::ListItem => (
                    "text",
                    format!("- {}", one_line(text)),
                    b.bbox,
                    BlockDetails::TextDetails {},
                    None,
                ),
                BlockKind::Table { index } => match page.tables.get(index) {
                    Some(t) => table_block(t, tables),
                    None => continue,
                },
                BlockKind::Figure { .. } if options.skip_figures => continue,
                BlockKind::Figure { figure } => (
                    "figure",
                    markdown_figure(text),
                    b.bbox,
                    BlockDetails::FigureDetails {
                        figure_type: figure.as_str(),
                    },
                    None,
                ),
            };
            raw.push(entry);
        }
    }
    let mut raw = key_value_blocks(page, raw);
    raw.retain(|(_, content, ..)| !content.trim().is_empty());
    raw.into_iter()
        .enumerate()
        .map(|(i, (kind, content, bbox, details, table))| {
            let id = block_id(&content, page.number, i);
            let children = match table {
                Some(t) if options.cell_blocks => cell_blocks(page, t, &id),
                _ => Vec::new(),
            };
            OutputBlock {
                children,
                ..block(page, id, kind, content, bbox, details)
            }
        })
        .collect()
}

/// `raw` with every text block made only of `Label: value` lines cut into
/// one `key_value` block per line ([`key_value::split`]).
fn key_value_blocks<'p>(page: &Page, raw: Vec<RawBlock<'p>>) -> Vec<RawBlock<'p>> {
    let mut out = Vec::with_capacity(raw.len());
    for entry in raw {
        let pairs = match entry {
            ("text", ref content, ref bbox, ..) => key_value::split(page, content, bbox),
            _ => None,
        };
        match pairs {
            Some(pairs) => out.extend(pairs.into_iter().map(|(text, bbox)| {
                let details = BlockDetails::KeyValueDetails {};
                ("key_value", escape_leading(&text), bbox, details, None)
            })),
            None => out.push(entry),
        }
    }
    out
}

/// A block of `page` without parent or children.
fn block(
    page: &Page,
    id: String,
    kind: &'static str,
    content: String,
    bbox: BBox,
    details: BlockDetails,
) -> OutputBlock {
    OutputBlock {
        object: "block",
        id,
        kind,
        content,
        details,
        metadata: BlockMetadata {
            page: BlockPage {
                number: page.number,
                width: page.width,
                height: page.height,
            },
        },
        polygon: Point::corners(&bbox),
        bounding_box: bbox,
        parent_block_id: None,
        children: Vec::new(),
    }
}

/// One `table_cell` block per non-empty cell of `t`, in row order, each
/// pointing at the table block `parent`.
fn cell_blocks(page: &Page, t: &Table, parent: &str) -> Vec<OutputBlock> {
    t.cells
        .iter()
        .filter(|c| !c.text.trim().is_empty())
        .enumerate()
        .map(|(i, c)| {
            let content = one_line(&c.text);
            let id = block_id(&format!("{parent}/{content}"), page.number, i);
            let details = BlockDetails::TableCellDetails {
                row_index: c.row,
                column_index: c.col,
                cell_reference: c.reference.clone(),
            };
            OutputBlock {
                parent_block_id: Some(parent.to_string()),
                ..block(page, id, "table_cell", content, c.bbox, details)
            }
        })
        .collect()
}

fn table_block(t: &Table, format: TableFormat) -> RawBlock<'_> {
    let content = match format {
        TableFormat::Markdown => markdown_table(t),
        TableFormat::Html => html_table(t),
    };
    let details = BlockDetails::TableDetails {
        row_count: t.rows,
        column_count: t.cols,
    };
    ("table", content, t.bbox, details, Some(t))
}

/// Consecutive lines, split where the vertical gap exceeds [`PARAGRAPH_GAP`]
/// line heights.
fn paragraphs(lines: &[Line]) -> Vec<&[Line]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..lines.len() {
        let (prev, cur) = (&lines[i - 1].bbox, &lines[i].bbox);
        let height = (prev.bottom - prev.top).max(1.0);
        let gap = cur.top - prev.bottom;
        if gap > PARAGRAPH_GAP * height || cur.top < prev.top - height {
            out.push(&lines[start..i]);
            start = i;
        }
    }
    if start < lines.len() {
        out.push(&lines[start..]);
    }
    out
}

/// An HTML table; the first row is the header row. Merged cells carry
/// `rowspan`/`colspan`, and the positions they cover are left out.
pub(crate) fn html_table(t: &Table) -> String {
    if t.rows == 0 || t.cols == 0 {
        return String::new();
    }
    let mut grid: Vec<Vec<Option<&Cell>>> = vec![vec![None; t.cols]; t.rows];
    let mut covered = vec![vec![false; t.cols]; t.rows];
    for c in &t.cells {
        if c.row >= t.rows || c.col >= t.cols || covered[c.row][c.col] {
            continue;
        }
        grid[c.row][c.col] = Some(c);
        let cols = c.col..(c.col + c.col_span.max(1)).min(t.cols);
        for (r, row) in covered
            .iter_mut()
            .enumerate()
            .skip(c.row)
            .take(c.row_span.max(1))
        {
            for k in cols.clone() {
                row[k] = (r, k) != (c.row, c.col);
            }
        }
    }
    let mut html = String::from("<table>");
    for (i, row) in grid.iter().enumerate() {
        let tag = if i == 0 { "th" } else { "td" };
        html.push_str("<tr>");
        for (k, cell) in row.iter().enumerate() {
            if covered[i][k] {
                continue;
            }
            let mut attrs = String::new();
            let text = cell.map_or(String::new(), |c| {
                if c.row_span > 1 {
                    attrs.push_str(&format!(" rowspan=\"{}\"", c.row_span));
                }
                if c.col_span > 1 {
                    attrs.push_str(&format!(" colspan=\"{}\"", c.col_span));
                }
                escape_html(&one_line(&c.text))
            });
            html.push_str(&format!("<{tag}{attrs}>{text}</{tag}>"));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    html
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
