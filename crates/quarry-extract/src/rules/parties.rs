//! The two parties of a business letter, found by where letters print them
//! when no label names them.
//!
//! Invoices that follow the window-envelope layout (DIN 5008, its French and
//! English cousins) print a small *sender line* above the recipient's
//! address (`Lieferant GmbH · Lieferantenstraße 20 · 80333 München`): its
//! first segment is the seller, and the first line of the address block
//! under it (after a salutation such as `Herrn` or `Firma`) is the buyer.
//! Without a sender line the recipient block is the first short block at
//! the window position (upper third of page 1, left half) whose lines end
//! with a postcode line, unless it is the letterhead itself.

use serde_json::{Map, Value};

use super::matcher::{FieldNames, SYNONYM, SYNONYM_IN_LABEL, words};
use super::position::TITLES;
use super::run::{Field, Run, Source};
use crate::layout::{Delim, LineId, LineView, Span};
use crate::pairs::label_colon;
use crate::values::Kind;

/// Characters and words that cut a sender line into its segments.
const SEPARATORS: &[char] = &['·', '•', '●', '|', ',', '∙', '–', '/', ';'];
/// Confidence of a party name found by layout, before OCR confidence.
const PARTY: f64 = 0.7;
/// Lines of an address block that greet rather than name the recipient.
const SALUTATIONS: &[&str] = &[
    "herrn",
    "herr",
    "frau",
    "firma",
    "an",
    "to",
    "mr",
    "mrs",
    "ms",
    "monsieur",
    "madame",
    "m.",
    "mme",
    "messieurs",
    "société",
    "attn",
];
/// Label words of a `Name: …` line under a party heading.
const NAME_LABELS: &[&str] = &[
    "name", "nom", "nombre", "naam", "firma", "company", "raison", "sociale",
];
/// Legal forms that end a company name wrapped over two lines.
const LEGAL_FORMS: &[&str] = &[
    "gmbh", "ag", "kg", "a.g", "e.v", "ev", "ohg", "ug", "se", "ltd", "llc", "inc", "plc", "sarl",
    "sas", "sa", "eurl", "bv", "nv", "co",
];
/// Words of labels that name a date or a number, never a party heading.
const VALUE_WORDS: &[&str] = &[
    "date", "datum", "fecha", "number", "nummer", "numéro", "numero",
];
/// How far (as a share of the page width) a name may start off its heading's left edge.
const COLUMN_TOLERANCE: f64 = 0.03;
/// How far below its heading (in line heights) a party's name may be.
const MAX_HEADING_DISTANCE: f64 = 8.0;
/// Where the address window may start, as fractions of the page height.
const WINDOW_TOP: (f64, f64) = (0.08, 0.45);
/// Most lines between a sender line and the first line of the address.
const MAX_WINDOW_GAP_LINES: f64 = 4.0;
/// Most lines an address block holds.
const MAX_ADDRESS_LINES: usize = 7;

/// A sender line: its line, the span of the seller's name and where the
/// address below it starts horizontally.
#[derive(Debug, Clone)]
pub(super) struct SenderLine {
    pub line: LineId,
    pub name: Span,
    left: f64,
}

impl Run<'_> {
    /// The first sender line in the upper half of page 1: one cell whose
    /// text is cut by separators into a name without digits and at least one
    /// segment holding a postcode and a town.
    pub(super) fn sender_line(&self) -> Option<SenderLine> {
        let page = self.layout.page(0)?;
        (0..page.lines.len())
            .map(|line| LineId { page: 0, line })
            .take_while(|id| {
                self.layout
                    .line(*id)
                    .is_some_and(|l| l.bbox.top <= page.height * WINDOW_TOP.1)
            })
            .find_map(|id| {
                let line = self.layout.line(id)?;
                sender_name(line, 0..line.toks.len()).map(|(name, left)| SenderLine {
                    line: id,
                    name: Span {
                        line: id,
                        toks: name,
                    },
                    left,
                })
            })
    }

    /// The recipient's name: the first line of the address block under the
    /// sender line (or, when no named block stands there, of an address
    /// column elsewhere at the window position), or of the first postal
    /// block at the window position when there is no sender line (a
    /// salutation line such as `Herrn` is joined with the name after it).
    pub(super) fn recipient_name(&self, sender: Option<&SenderLine>) -> Option<(String, Span)> {
        let first_cells = |block: Vec<LineId>| -> Vec<Span> {
            block
                .into_iter()
                .filter_map(|id| {
                    let line = self.layout.line(id)?;
                    let first = line
                        .cells(0..line.toks.len(), Delim::Gap)
                        .into_iter()
                        .next()?;
                    Some(Span {
                        line: id,
                        toks: first,
                    })
                })
                .collect()
        };
        match sender {
            Some(sender) => self
                .block_under(sender)
                .and_then(|b| self.name_of_block(&first_cells(b)))
                .or_else(|| {
                    let column = self.address_column(&self.layout.text(&sender.name))?;
                    self.name_of_block(&column)
                }),
            None => self
                .window_block()
                .and_then(|b| self.name_of_block(&first_cells(b))),
        }
    }

    /// The name an address block opens with, a greeting joined to it.
    fn name_of_block(&self, cells: &[Span]) -> Option<(String, Span)> {
        let first = cells.first()?;
        let mut text = self.layout.text(first);
        if let Some(next) = cells.get(1).map(|s| self.layout.text(s))
            && continues_name(&text, &next)
        {
            text = format!("{text} {next}");
        }
        text.chars()
            .any(char::is_alphabetic)
            .then(|| (text, first.clone()))
    }

    /// Fills the seller and buyer names from the layout before any label
    /// candidate is tried: a party heading's name, then (for the seller) the
    /// company outside the addressee blocks ([`super::issuer`]), then the
    /// sender line and the address under it. Found names carry [`PARTY`]
    /// confidence.
    pub(super) fn party_names(&mut self, fields: &[Field], values: &mut Map<String, Value>) {
        let sender = self.sender_line();
        for field in fields.iter().filter(|f| f.kind == Kind::String) {
            let from_sender = || -> Option<(String, Span)> {
                let sender = sender.as_ref()?;
                if field.names.is("seller_name") {
                    Some((self.layout.text(&sender.name), sender.name.clone()))
                } else {
                    self.recipient_name(Some(sender))
                }
            };
            let is_party = field.names.is("seller_name") || field.names.is("buyer_name");
            if !is_party || !values.get(field.key).is_some_and(Value::is_null) {
                continue;
            }
            let by_role = || {
                field
                    .names
                    .is("seller_name")
                    .then(|| self.issuer_by_role())
                    .flatten()
            };
            let found = self
                .name_under_heading(&field.names)
                .or_else(by_role)
                .or_else(from_sender);
            if let Some((text, span)) = found {
                self.record(field.key.to_string(), PARTY, span, Source::Layout);
                values.insert(field.key.to_string(), Value::String(text));
            }
        }
    }

    /// The lines whose first cell starts under the sender line, in order from
    /// the top, until a blank of more than a line or the end of the block.
    fn block_under(&self, sender: &SenderLine) -> Option<Vec<LineId>> {
        let page = self.layout.page(sender.line.page)?;
        let top = self.layout.line(sender.line)?;
        let height = line_height(top);
        let mut rows: Vec<(f64, LineId)> = (0..page.lines.len())
            .map(|line| LineId {
                page: sender.line.page,
                line,
            })
            .filter(|id| *id != sender.line)
            .filter_map(|id| {
                let line = self.layout.line(id)?;
                let left = line.toks.first()?.bbox.left;
                let below = line.bbox.top >= top.bbox.bottom - 0.25 * height;
                // The address may start a little left of the sender line, not right of it.
                let aligned =
                    left >= sender.left - 4.0 * height && left <= sender.left + 2.0 * height;
                (below && aligned).then_some((line.bbox.top, id))
            })
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out = Vec::new();
        let mut last_bottom = top.bbox.bottom;
        for (row_top, id) in rows {
            let line = self.layout.line(id)?;
            let limit = if out.is_empty() {
                MAX_WINDOW_GAP_LINES
            } else {
                1.5
            };
            if row_top - last_bottom > limit * line_height(line) || out.len() >= MAX_ADDRESS_LINES {
                break;
            }
            out.push(id);
            last_bottom = line.bbox.bottom;
        }
        (!out.is_empty()).then_some(out)
    }

    /// The first block of two to seven lines at the window position (left
    /// half of page 1, in its upper part) that holds a postcode line and is
    /// not the first block of the page (the letterhead).
    fn window_block(&self) -> Option<Vec<LineId>> {
        let page = self.layout.page(0)?;
        let (min, max) = (page.height * WINDOW_TOP.0, page.height * WINDOW_TOP.1);
        let first_block = self.layout.line(LineId { page: 0, line: 0 })?.block;
        self.layout
            .blocks
            .iter()
            .enumerate()
            .filter(|(i, b)| b.page == 0 && *i != first_block)
            .map(|(_, b)| {
                b.lines
                    .clone()
                    .map(|line| LineId { page: 0, line })
                    .collect::<Vec<_>>()
            })
            .find(|lines| {
                let Some(first) = lines.first().and_then(|id| self.layout.line(*id)) else {
                    return false;
                };
                let placed = first.bbox.top >= min
                    && first.bbox.top <= max
                    && first.bbox.left < page.width / 2.0;
                placed
                    && (2..=MAX_ADDRESS_LINES).contains(&lines.len())
                    && lines.iter().skip(1).any(|id| {
                        self.layout.line(*id).is_some_and(|l| {
                            has_postcode(&l.text) && l.bbox.right < page.width * 0.6
                        })
                    })
            })
    }
}

impl Run<'_> {
    /// The name under the best heading that names this party (`Verkäufer:`,
    /// `Rechnungsempfänger`, `Adresse du client`): the first line below it,
    /// in the heading's column, that is neither a `Label: value` line nor an
    /// identifier (`GLN 4000001123452`); a `Name: …` line gives its value.
    pub(super) fn name_under_heading(&self, names: &FieldNames) -> Option<(String, Span)> {
        let mut best: Option<(f64, LineId, f64)> = None;
        for id in self.layout.line_ids() {
            let Some(line) = self.layout.line(id) else {
                continue;
            };
            for cell in line.cells(0..line.toks.len(), Delim::Gap) {
                let score = heading_score(line, cell.clone(), names);
                let left = line.toks.get(cell.start).map_or(0.0, |t| t.bbox.left);
                if score > best.map_or(0.0, |b| b.0) {
                    best = Some((score, id, left));
                }
            }
        }
        let (_, heading, left) = best?;
        let top = self.layout.line(heading)?;
        let height = line_height(top);
        let page = self.layout.page(heading.page)?;
        let column = (2.0 * height).max(COLUMN_TOLERANCE * page.width);
        let mut found: Vec<Span> = Vec::new();
        for index in heading.line + 1..page.lines.len() {
            let id = LineId {
                page: heading.page,
                line: index,
            };
            let line = self.layout.line(id)?;
            if line.bbox.top - top.bbox.bottom > MAX_HEADING_DISTANCE * height || found.len() == 2 {
                break;
            }
            let cells = line.cells(0..line.toks.len(), Delim::Gap);
            let Some(at) = cells.iter().position(|c| {
                line.toks
                    .get(c.start)
                    .is_some_and(|t| (t.bbox.left - left).abs() <= column)
            }) else {
                continue;
            };
            let cell = cells[at].clone();
            // `Nummer   : 549910`: the colon may open the next cell.
            let label_end = match cells.get(at + 1) {
                Some(next) if line.toks.get(next.start).is_some_and(|t| t.text == ":") => next.end,
                _ => cell.end,
            };
            if let Some(colon) = label_colon(line, cell.start..label_end) {
                let label = words(&self.layout.text(&Span {
                    line: id,
                    toks: cell.start..colon,
                }));
                let is_name = label.iter().all(|w| NAME_LABELS.contains(&w.as_str()));
                if found.is_empty() && is_name && colon + 1 < line.toks.len() {
                    let value = line.cells(colon + 1..line.toks.len(), Delim::Gap);
                    let span = Span {
                        line: id,
                        toks: value.first()?.clone(),
                    };
                    return Some((self.wrapped_up(&span), span));
                }
                if found.is_empty() {
                    continue;
                }
                break;
            }
            let span = Span {
                line: id,
                toks: cell,
            };
            let text = self.layout.text(&span);
            if found.is_empty() {
                let letters = text.chars().filter(|c| c.is_alphabetic()).count();
                let digits = text.chars().filter(char::is_ascii_digit).count();
                // `Lieferant GmbH` under `Verkäufer:` is the name, `SELLER TRADE NAME` a label.
                let label = words(&text);
                let is_heading = heading_score(line, span.toks.clone(), names) >= SYNONYM
                    || label.iter().any(|w| w == "name");
                if letters >= 3 && digits * 2 < letters && !is_heading {
                    found.push(span);
                }
                continue;
            }
            if continues_name(&self.layout.text(&found[0]), &text) {
                found.push(span);
            } else {
                break;
            }
        }
        let first = found.first()?.clone();
        let text: Vec<String> = found.iter().map(|s| self.layout.text(s)).collect();
        Some((text.join(" "), first))
    }
}

impl Run<'_> {
    /// The text of a value cell with the lines printed just above it in
    /// its column: layouts that centre a label on a wrapped value put the
    /// value's first line above the label's line (`Herrn` over
    /// `Name:  Max Mustermann`).
    fn wrapped_up(&self, span: &Span) -> String {
        let text = self.layout.text(span);
        let (Some(value), Some(line)) = (self.layout.bbox(span), self.layout.line(span.line))
        else {
            return text;
        };
        let height = line_height(line);
        let above = span.line.line.checked_sub(1).map(|line| LineId {
            page: span.line.page,
            line,
        });
        let wrapped = above.and_then(|id| {
            let prev = self.layout.line(id)?;
            let cells = prev.cells(0..prev.toks.len(), Delim::Gap);
            let [cell] = cells.as_slice() else {
                return None;
            };
            let first = prev.toks.get(cell.start)?;
            let aligned = (first.bbox.left - value.left).abs() <= height;
            let touching = line.bbox.top - prev.bbox.bottom < 0.5 * height;
            let words_only = !prev.text.chars().any(|c| c.is_ascii_digit());
            (aligned && touching && words_only && label_colon(prev, cell.clone()).is_none())
                .then(|| prev.text.trim().to_string())
        });
        match wrapped {
            Some(first) => format!("{first} {text}"),
            None => text,
        }
    }
}

/// How strongly a cell is a heading for the party `names` (0 when it is
/// not): a few words without digits or a value, naming the party.
fn heading_score(line: &LineView, cell: std::ops::Range<usize>, names: &FieldNames) -> f64 {
    let Some(toks) = line.toks.get(cell.clone()) else {
        return 0.0;
    };
    let text = crate::layout::join(toks);
    let has_value = label_colon(line, cell.clone()).is_some_and(|c| c + 1 < cell.end);
    let label = words(&text);
    // `Invoice` titles the document; it is not the `Invoice to` heading.
    let title = TITLES.contains(&label.join(" ").as_str());
    // `Lieferant GmbH` holds a party word, but a legal form makes it a company's name;
    // `Invoice date` (`invoice to` less its stopword, plus a word) labels a value.
    let labels_value = label.iter().any(|w| VALUE_WORDS.contains(&w.as_str()));
    if has_value
        || title
        || labels_value
        || has_legal_form(&text)
        || text.chars().any(|c| c.is_ascii_digit())
        || label.len() > 4
    {
        return 0.0;
    }
    let score = names.score(&label);
    if score >= SYNONYM_IN_LABEL {
        score
    } else {
        0.0
    }
}

/// Whether the line after a party's first name line continues the name: the
/// first line only greets (`Herrn`), or the next one ends with the legal
/// form the first lacks (`MVM Musterhafter` / `Versicherungsverein a.G.`).
fn continues_name(first: &str, next: &str) -> bool {
    let lower = first.to_lowercase();
    let greeting = SALUTATIONS.contains(&lower.trim_end_matches(['.', ':']).trim());
    let next_ok = !next.chars().any(|c| c.is_ascii_digit());
    next_ok && (greeting || (has_legal_form(next) && !has_legal_form(first)))
}

/// Whether `text` holds a company's legal form as a word (`Lieferant GmbH`).
fn has_legal_form(text: &str) -> bool {
    text.split_whitespace()
        .any(|w| LEGAL_FORMS.contains(&w.to_lowercase().trim_end_matches([',', '.'])))
}

pub(super) fn line_height(line: &LineView) -> f64 {
    (line.bbox.bottom - line.bbox.top).max(1.0)
}

/// The tokens of the name segment of a sender line held in `cell`, and the
/// cell's left edge; `None` unless the cell is a sender line.
fn sender_name(
    line: &LineView,
    cell: std::ops::Range<usize>,
) -> Option<(std::ops::Range<usize>, f64)> {
    let toks = line.toks.get(cell.clone())?;
    let is_sep =
        |t: &str| t.chars().count() == 1 && t.chars().all(|c| SEPARATORS.contains(&c)) || t == "-";
    let mut segments: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    for (i, tok) in toks.iter().enumerate() {
        if is_sep(&tok.text) {
            segments.push(start..i);
            start = i + 1;
        }
    }
    segments.push(start..toks.len());
    segments.retain(|s| !s.is_empty());
    let [name, rest @ ..] = segments.as_slice() else {
        return None;
    };
    let text = |r: &std::ops::Range<usize>| crate::layout::join(&toks[r.clone()]);
    let name_text = text(name);
    // A company name has two words or more (`Lieferant GmbH`); one word
    // before a comma is the street or district of an address line.
    let name_ok = name_text.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && !name_text.chars().any(|c| c.is_ascii_digit())
        && (2..=8).contains(&name.len());
    let postal = rest.iter().any(|s| has_postcode(&text(s)));
    (name_ok && !rest.is_empty() && postal).then(|| {
        let first = toks.first().map_or(0.0, |t| t.bbox.left);
        (cell.start + name.start..cell.start + name.end, first)
    })
}

/// Whether `text` holds a postcode followed by a town: `80333 München`,
/// `F-75001 Paris`, `D-69876 Frankfurt`.
pub(super) fn has_postcode(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).any(|pair| {
        let code = pair[0]
            .rsplit_once('-')
            .filter(|(country, _)| country.len() <= 2 && country.chars().all(char::is_alphabetic))
            .map_or(pair[0], |(_, code)| code);
        (4..=5).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_digit())
            && pair[1].chars().next().is_some_and(char::is_alphabetic)
    })
}

#[cfg(test)]
mod tests;
