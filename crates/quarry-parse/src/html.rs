//! HTML: the visible text in block order. `scraper` (html5ever) builds the
//! same tree a browser would from any tag soup; the walk skips what a reader
//! never sees (`script`, `style`, `head`, `template`, `hidden`,
//! `display:none`), turns `h1`–`h6` into headings, `li` into list items,
//! tables into tables, images into figures (described by their `alt`
//! text), and every other block into a paragraph of its inline text.

use scraper::{ElementRef, Html, Node};

use crate::flow::{CellInput, Flow, one_line};
use crate::{Document, FigureKind, FileKind, Limits, ParseError};

/// Elements whose content is never shown.
const INVISIBLE: [&str; 9] = [
    "script", "style", "head", "template", "noscript", "title", "meta", "svg", "iframe",
];
/// Inline elements: their text joins the surrounding text without a space.
const INLINE: [&str; 18] = [
    "a", "b", "i", "em", "strong", "span", "small", "sup", "sub", "u", "code", "abbr", "mark", "s",
    "label", "font", "time", "q",
];
/// Elements that end the current paragraph.
const BLOCKS: [&str; 22] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "address",
    "body",
];

pub(crate) fn parse_html(bytes: &[u8], limits: &Limits) -> Result<Document, ParseError> {
    let html = Html::parse_document(&String::from_utf8_lossy(bytes));
    let mut walker = Walker {
        flow: Flow::new(true, limits.max_cells, limits.max_pages),
        inline: String::new(),
    };
    walker.block(html.root_element())?;
    walker.flush()?;
    Ok(Document {
        kind: FileKind::Html,
        einvoice: None,
        pages: walker.flow.finish(),
    })
}

struct Walker {
    flow: Flow,
    /// Inline text collected since the last block boundary.
    inline: String,
}

impl Walker {
    fn flush(&mut self) -> Result<(), ParseError> {
        let text = std::mem::take(&mut self.inline);
        self.flow.paragraph(&text)
    }

    fn block(&mut self, el: ElementRef<'_>) -> Result<(), ParseError> {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.inline.push_str(t),
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        self.element(e)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn element(&mut self, e: ElementRef<'_>) -> Result<(), ParseError> {
        let name = e.value().name();
        if !visible(e) {
            return Ok(());
        }
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush()?;
                let level = name[1..].parse::<u8>().unwrap_or(1);
                self.flow.heading(level, &text_of(e))?;
            }
            "li" => {
                self.flush()?;
                let mut own = String::new();
                let mut nested = Vec::new();
                for child in e.children() {
                    match (child.value(), ElementRef::wrap(child)) {
                        (_, Some(c)) if matches!(c.value().name(), "ul" | "ol") => nested.push(c),
                        (_, Some(c)) if visible(c) => own.push_str(&text_of(c)),
                        (Node::Text(t), _) => own.push_str(t),
                        _ => {}
                    }
                }
                self.flow.list_item(&own)?;
                for list in nested {
                    self.element(list)?;
                }
            }
            "table" => {
                self.flush()?;
                self.flow.table(rows_of(e), None)?;
            }
            "br" => self.inline.push(' '),
            "img" if !is_pixel(e) => {
                self.flush()?;
                let v = e.value();
                let description = v.attr("alt").or(v.attr("title")).unwrap_or("");
                self.flow.figure(FigureKind::Image, description)?;
            }
            _ if BLOCKS.contains(&name) => {
                self.flush()?;
                self.block(e)?;
                self.flush()?;
            }
            _ if INLINE.contains(&name) => self.block(e)?,
            _ => {
                // Anything else (td outside a table, custom tags) is spaced.
                self.inline.push(' ');
                self.block(e)?;
                self.inline.push(' ');
            }
        }
        Ok(())
    }
}

/// A tracking pixel or spacer: an image declared at most 2 pixels wide or
/// high shows nothing a reader would call a figure.
fn is_pixel(e: ElementRef<'_>) -> bool {
    ["width", "height"].iter().any(|a| {
        e.value()
            .attr(a)
            .and_then(|v| v.trim_end_matches("px").trim().parse::<f64>().ok())
            .is_some_and(|v| v <= 2.0)
    })
}

fn visible(e: ElementRef<'_>) -> bool {
    let v = e.value();
    if INVISIBLE.contains(&v.name()) || v.attr("hidden").is_some() {
        return false;
    }
    let style = v
        .attr("style")
        .unwrap_or("")
        .replace(' ', "")
        .to_ascii_lowercase();
    !(style.contains("display:none") || style.contains("visibility:hidden"))
}

/// Visible text of `e`, whitespace collapsed.
fn text_of(e: ElementRef<'_>) -> String {
    let mut out = String::new();
    collect(e, &mut out);
    one_line(&out)
}

fn collect(e: ElementRef<'_>, out: &mut String) {
    for child in e.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(_) => {
                if let Some(c) = ElementRef::wrap(child).filter(|c| visible(*c)) {
                    let name = c.value().name();
                    if name == "br" {
                        out.push(' ');
                    } else if INLINE.contains(&name) {
                        collect(c, out);
                    } else {
                        out.push(' ');
                        collect(c, out);
                        out.push(' ');
                    }
                }
            }
            _ => {}
        }
    }
}

/// Rows of `table` (not of tables nested in it), cells from `th`/`td`.
fn rows_of(table: ElementRef<'_>) -> Vec<Vec<CellInput>> {
    let mut rows = Vec::new();
    let mut stack: Vec<ElementRef<'_>> = table.child_elements().collect();
    stack.reverse();
    while let Some(e) = stack.pop() {
        match e.value().name() {
            "tr" => rows.push(
                e.child_elements()
                    .filter(|c| matches!(c.value().name(), "td" | "th"))
                    .map(|c| (text_of(c), None))
                    .collect(),
            ),
            "thead" | "tbody" | "tfoot" => {
                let mut kids: Vec<_> = e.child_elements().collect();
                kids.reverse();
                stack.extend(kids);
            }
            _ => {}
        }
    }
    rows
}
