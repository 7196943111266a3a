//! The recipient's address where no window sits under the sender line.
//!
//! A letterhead may run its sender details across the top of the page
//! (`Shop SARL - 12 rue … - 84340 Town - France`) while the recipient's
//! address stands in a window elsewhere, often on the right (French and
//! Swiss layouts), beside a delivery address under its own heading. The
//! address is then found by its shape alone: a column of cells that share a
//! left edge, one line under the other, opening with a name (letters, no
//! digits, no `Label:`) and holding a postcode and town further down.

use quarry_parse::BBox;

use super::parties::{has_postcode, line_height};
use super::run::Run;
use super::synonyms::CONCEPTS;
use crate::layout::{Delim, LineId, Span};
use crate::pairs::label_colon;

/// Lines an address column holds at least (name, street, town) and at most.
const ADDRESS_LINES: (usize, usize) = (3, 7);
/// Most blank space between two lines of one address, in line heights.
const MAX_LINE_GAP: f64 = 1.5;
/// Share of the page height the window may start in (upper part of page 1).
const WINDOW_BOTTOM: f64 = 0.45;

/// A cell of page 1 with its box.
struct Cell {
    span: Span,
    bbox: BBox,
}

impl Run<'_> {
    /// The cells of the first address column in the upper part of page 1
    /// whose name is not `sender` (the seller's own letterhead block), name
    /// first; `None` when there is none.
    pub(super) fn address_column(&self, sender: &str) -> Option<Vec<Span>> {
        let cells = self.window_cells();
        let sender = sender.to_lowercase();
        cells.iter().enumerate().find_map(|(start, first)| {
            let name = self.layout.text(&first.span);
            let line = self.layout.line(first.span.line)?;
            let opens = name.chars().filter(|c| c.is_alphabetic()).count() >= 3
                && !name.chars().any(|c| c.is_ascii_digit())
                && label_colon(line, first.span.toks.clone()).is_none()
                && !names_an_address(&name)
                && !name.to_lowercase().contains(&sender)
                && !sender.contains(&name.to_lowercase());
            if !opens {
                return None;
            }
            let column = column_below(&cells, start, line_height(line));
            let towns = column
                .iter()
                .skip(1)
                .any(|&i| has_postcode(&self.layout.text(&cells[i].span)));
            let size = (ADDRESS_LINES.0..=ADDRESS_LINES.1).contains(&column.len());
            (towns && size).then(|| column.iter().map(|&i| cells[i].span.clone()).collect())
        })
    }

    /// The gap-separated cells of page 1's upper part, top first.
    fn window_cells(&self) -> Vec<Cell> {
        let Some(page) = self.layout.page(0) else {
            return Vec::new();
        };
        let mut out: Vec<Cell> = (0..page.lines.len())
            .map(|line| LineId { page: 0, line })
            .filter_map(|id| Some((id, self.layout.line(id)?)))
            .filter(|(_, line)| line.bbox.top <= page.height * WINDOW_BOTTOM)
            .flat_map(|(id, line)| {
                line.cells(0..line.toks.len(), Delim::Gap)
                    .into_iter()
                    .map(move |toks| Span { line: id, toks })
            })
            .filter_map(|span| {
                let bbox = self.layout.bbox(&span)?;
                Some(Cell { span, bbox })
            })
            .collect();
        out.sort_by(|a, b| a.bbox.top.total_cmp(&b.bbox.top));
        out
    }
}

/// Indices of the cells that continue the column opened by `cells[start]`:
/// each the nearest cell below the previous one starting at the same left
/// edge, until a blank wider than [`MAX_LINE_GAP`] lines.
fn column_below(cells: &[Cell], start: usize, height: f64) -> Vec<usize> {
    let left = cells[start].bbox.left;
    let mut out = vec![start];
    let mut bottom = cells[start].bbox.bottom;
    while out.len() <= ADDRESS_LINES.1 {
        let next = cells
            .iter()
            .enumerate()
            .filter(|(_, c)| (c.bbox.left - left).abs() <= 0.5 * height)
            .filter(|(_, c)| c.bbox.top >= bottom - 0.25 * height)
            .min_by(|a, b| a.1.bbox.top.total_cmp(&b.1.bbox.top));
        match next {
            Some((i, c)) if c.bbox.top - bottom <= MAX_LINE_GAP * height => {
                out.push(i);
                bottom = c.bbox.bottom;
            }
            _ => break,
        }
    }
    out
}

/// Whether `text` is a heading naming an address (`Delivery address`,
/// `Adresse de livraison`, `Lieferanschrift`) rather than a name.
fn names_an_address(text: &str) -> bool {
    let words = super::words(text);
    CONCEPTS
        .iter()
        .filter(|c| c.id == "address")
        .flat_map(|c| c.labels.split('|'))
        .any(|label| words.iter().any(|w| w.contains(label.trim())))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::extract_text;

    #[test]
    fn the_address_window_on_the_right_names_the_buyer() {
        let text = "\
                        Moulin SARL - 12 chemin de l'olive - 84340 Malaucene - France
                        +33 4 50 44 68 99 - www.moulin.example
                        SIRET : 99999999800010 - SARL au capital de 120 000,00 €



  Invoice   FA-0008

    Delivery Address
                                                   Olive Shop
    Olive Shop
    87 camino de la calor                          Pedro Sanchez
    41700 Dos Hermanas                             87 camino de la calor
    Spain                                          41700 Dos Hermanas
                                                   Spain

  Invoice Date     11/03/2017
  Payment Terms    30 days
";
        let mut text = text.to_string();
        text.push_str(&"\n".repeat(30));
        let schema = json!({"type": "object", "properties": {
            "seller_name": {"type": ["string", "null"]},
            "buyer_name": {"type": ["string", "null"]},
        }});
        let value = extract_text(&text, schema);
        assert_eq!(value["buyer_name"], "Olive Shop");
        assert_eq!(value["seller_name"], "Moulin SARL");
    }
}
