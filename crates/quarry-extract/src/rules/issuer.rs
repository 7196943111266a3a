//! The issuer of an invoice found by its role in the document: the company
//! that names itself with a legal form (`Calendly LLC`, `Storyblok GmbH`,
//! `Netlify, Inc.`) and is not the party the invoice is addressed to.
//!
//! Invoices from online vendors rarely label their issuer: the letterhead
//! is a logo, the vendor's name sits over its address in a corner or in the
//! footer (`Atlassian Pty Ltd, Level 6, …`), and the customer's company is
//! printed under `Bill to`, `Billed to`, `Sold to`, `Ship to`, `Rechnung
//! an`, `To` ([`ADDRESSEE_HEADINGS`]), often more than once. So every company name in the document
//! is collected, those that appear in an addressee block are the buyer's,
//! and the first of the rest in reading order is the issuer. A name must
//! stand on its own (a cell, or a segment of an address line cut at
//! commas): a sentence that mentions a company (`Purchased through Fiverr
//! Limited`) or a value line (`VAT of Storyblok GmbH ATU72706128`) is not
//! a letterhead.

use super::parties::line_height;
use super::run::Run;
use crate::layout::{Delim, LineId, Span};

/// Legal forms that end a company name (lower case, inner points kept,
/// a final point dropped).
const LEGAL_FORMS: &[&str] = &[
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "se",
    "e.k",
    "ltd",
    "limited",
    "llc",
    "l.l.c",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "plc",
    "llp",
    "lp",
    "pty",
    "b.v",
    "bv",
    "n.v",
    "nv",
    "sarl",
    "s.a.r.l",
    "sas",
    "s.a.s",
    "sa",
    "s.a",
    "srl",
    "s.r.l",
    "spa",
    "s.p.a",
    "s.l",
    "sl",
    "oy",
    "ab",
    "as",
    "a/s",
    "aps",
    "kft",
    "sdn",
    "bhd",
    "pte",
    "co",
    "company",
];
/// Words that may stand inside a company name besides capitalised ones.
const NAME_JOINERS: &[&str] = &["&", "and", "und", "of", "de", "der", "la", "the", "+"];
/// Headings of an addressee block (lower case, as printed; stopwords such
/// as `to` matter here, so they are compared as text, not as label words).
const ADDRESSEE_HEADINGS: &[&str] = &[
    "to",
    "bill to",
    "billed to",
    "billing to",
    "invoice to",
    "invoiced to",
    "sold to",
    "ship to",
    "shipped to",
    "deliver to",
    "delivered to",
    "delivery address",
    "billing address",
    "invoice address",
    "billing contact",
    "technical contact",
    "licensed to",
    "customer",
    "client",
    "buyer",
    "recipient",
    "attention",
    "attn",
    "rechnung an",
    "rechnungsempfänger",
    "empfänger",
    "leistungsempfänger",
    "kunde",
    "käufer",
    "rechnungsadresse",
    "lieferadresse",
    "lieferanschrift",
    "facturé à",
    "facture à",
    "adresse de facturation",
    "acheteur",
    "destinataire",
    "facturar a",
    "cliente",
    "comprador",
    "destinatario",
    "klant",
    "koper",
    "factuuradres",
    "gefactureerd aan",
];
/// Words a company name has at most, legal form included.
const MAX_NAME_WORDS: usize = 7;
/// Line heights below its heading an addressee block may reach.
const BLOCK_DEPTH: f64 = 8.0;
/// How far (in line heights) a block's lines may start off its heading's left edge.
const BLOCK_COLUMN: f64 = 2.0;

/// A company name printed in the document.
struct Company {
    text: String,
    key: String,
    span: Span,
}

impl Run<'_> {
    /// The issuer's name: the first company name in reading order that is
    /// not printed in an addressee block.
    pub(super) fn issuer_by_role(&self) -> Option<(String, Span)> {
        let buyer_text = self.addressee_text();
        self.companies()
            .into_iter()
            .find(|c| !buyer_text.iter().any(|t| t.contains(&c.key)))
            .map(|c| (c.text, c.span))
    }

    /// Every company name standing on its own in a cell or a segment.
    fn companies(&self) -> Vec<Company> {
        let mut out = Vec::new();
        for id in self.layout.line_ids() {
            let Some(line) = self.layout.line(id) else {
                continue;
            };
            for cell in line.cells(0..line.toks.len(), Delim::Gap) {
                let span = Span {
                    line: id,
                    toks: cell,
                };
                let text = self.layout.text(&span);
                for name in segments(&text).into_iter().filter(|s| is_company_name(s)) {
                    out.push(Company {
                        key: fold(&name),
                        text: name,
                        span: span.clone(),
                    });
                }
            }
        }
        out
    }

    /// The folded text of every addressee block (the rest of the heading's
    /// line and the lines under it, in its column).
    fn addressee_text(&self) -> Vec<String> {
        let mut out = Vec::new();
        for id in self.layout.line_ids() {
            let Some(line) = self.layout.line(id) else {
                continue;
            };
            let cells = line.cells(0..line.toks.len(), Delim::Gap);
            for (at, cell) in cells.iter().enumerate() {
                let span = Span {
                    line: id,
                    toks: cell.clone(),
                };
                let text = self.layout.text(&span);
                let Some(rest) = addressee_heading(&text) else {
                    continue;
                };
                let mut block = vec![rest];
                // `Rechnung an:   SimFin GmbH`: the name in the next cell.
                if let Some(next) = cells.get(at + 1) {
                    block.push(self.layout.text(&Span {
                        line: id,
                        toks: next.clone(),
                    }));
                }
                let left = line.toks.get(cell.start).map_or(0.0, |t| t.bbox.left);
                block.extend(self.column_below(id, left));
                out.push(fold(&block.join(" ")));
            }
        }
        out
    }

    /// The cells under line `id` that start at `left`, down to a few line
    /// heights below it.
    fn column_below(&self, id: LineId, left: f64) -> Vec<String> {
        let (Some(top), Some(page)) = (self.layout.line(id), self.layout.page(id.page)) else {
            return Vec::new();
        };
        let height = line_height(top);
        let mut out = Vec::new();
        for index in id.line + 1..page.lines.len() {
            let below = LineId {
                page: id.page,
                line: index,
            };
            let Some(line) = self.layout.line(below) else {
                break;
            };
            if line.bbox.top - top.bbox.bottom > BLOCK_DEPTH * height {
                continue;
            }
            if line.bbox.top < top.bbox.top {
                continue;
            }
            for cell in line.cells(0..line.toks.len(), Delim::Gap) {
                let start = line.toks.get(cell.start).map_or(f64::MAX, |t| t.bbox.left);
                if (start - left).abs() <= BLOCK_COLUMN * height {
                    out.push(self.layout.text(&Span {
                        line: below,
                        toks: cell,
                    }));
                }
            }
        }
        out
    }
}

/// When `text` opens with an addressee heading (`Bill to:`, `BILLED TO`,
/// `Rechnung an:`), the text after it.
fn addressee_heading(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let (label, rest) = match lower.split_once(':') {
        Some((label, rest)) => (label, rest.trim().to_string()),
        None => (lower.as_str(), String::new()),
    };
    let label = label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string();
    ADDRESSEE_HEADINGS.contains(&label.as_str()).then_some(rest)
}

/// The text cut at commas, `·`, `|` and `;`, with a segment of legal forms
/// only joined back to the one before it (`Userpilot, Inc.`).
fn segments(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in text.split([',', '·', '|', ';', '•']) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let forms_only = piece.split_whitespace().all(is_legal_form);
        match out.last_mut() {
            Some(prev) if forms_only => {
                prev.push_str(", ");
                prev.push_str(piece);
            }
            _ => out.push(piece.to_string()),
        }
    }
    out
}

/// Whether a word is a legal form (`GmbH`, `Inc.`, `B.V.`).
fn is_legal_form(word: &str) -> bool {
    let lower = word.to_lowercase();
    let core = lower.trim_matches(|c: char| matches!(c, '.' | ',' | '(' | ')'));
    LEGAL_FORMS.contains(&core)
}

/// A company name: two to seven words, capitalised (or joiners such as
/// `&`), ending in a legal form that follows at least one other word, with
/// no contact or number in it. A name after a label (`Vendor Name: Acme
/// GmbH`, `Customer: …`) is that label's value, not a letterhead: the label
/// says whose name it is, and the label matcher reads it.
fn is_company_name(text: &str) -> bool {
    if text.contains(':') {
        return false;
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let Some(last) = words.last() else {
        return false;
    };
    let first_is_name = words
        .first()
        .is_some_and(|w| !is_legal_form(w) && w.chars().next().is_some_and(char::is_uppercase));
    let shaped = words.iter().all(|w| {
        NAME_JOINERS.contains(&w.to_lowercase().as_str())
            || is_legal_form(w)
            || (w.chars().next().is_some_and(char::is_uppercase)
                && !w.chars().all(|c| c.is_ascii_digit())
                && !w.contains('@'))
    });
    (2..=MAX_NAME_WORDS).contains(&words.len())
        && first_is_name
        && is_legal_form(last)
        && shaped
        && !text.to_lowercase().contains("www.")
}

/// Lower-case letters and digits only: how names are compared across the
/// places they are printed.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rules::extract_text;

    fn seller(text: &str) -> serde_json::Value {
        let schema = json!({"type": "object", "properties": {
            "seller_name": {"type": ["string", "null"]},
        }});
        extract_text(text, schema)["seller_name"].clone()
    }

    #[test]
    fn company_names_stand_on_their_own_and_end_in_a_legal_form() {
        assert!(is_company_name("Calendly LLC"));
        assert!(is_company_name("Papoo Software & Media GmbH"));
        assert!(is_company_name("Squeaky B.V."));
        assert!(is_company_name("Userpilot, Inc."));
        assert!(!is_company_name(
            "Purchased on Fiverr.com through Fiverr Limited"
        ));
        assert!(!is_company_name("VAT of Storyblok GmbH ATU72706128"));
        assert!(!is_company_name("GmbH"));
        assert_eq!(
            segments("Atlassian Pty Ltd, Level 6, 341 George St"),
            ["Atlassian Pty Ltd", "Level 6", "341 George St"]
        );
        assert_eq!(segments("Netlify, Inc."), ["Netlify, Inc."]);
    }

    #[test]
    fn the_issuer_is_the_company_outside_the_bill_to_block() {
        let text = "\
Invoice
Invoice number  A-1001
Date of issue   May 2, 2024

Bill to                                   Ship to
Harbour Analytics GmbH                    Harbour Analytics GmbH
Kaiserstraße 4                            Kaiserstraße 4
60311 Frankfurt                           60311 Frankfurt

Description            Qty     Amount
Pro plan               1       49.00
Total                          49.00

Thanks for your business.
Purchased through Brightlane Limited
Brightlane Software Ltd., 12 Dock Road, Leeds LS1 4AP
";
        assert_eq!(seller(text), json!("Brightlane Software Ltd."));
    }

    #[test]
    fn a_labelled_name_is_read_by_its_label_not_as_a_letterhead() {
        assert!(!is_company_name("Vendor Name: Acme GmbH"));
        assert!(!is_company_name("Customer: Kunde AG"));
        let text = "ACME GMBH - INVOICE\nInvoice Number: INV-001\nVendor Name: Acme GmbH\n";
        assert_eq!(seller(text), "Acme GmbH");
    }

    #[test]
    fn a_company_named_only_as_the_addressee_is_no_issuer() {
        let text = "\
INVOICE
Rechnung an:   Nordwind Handels GmbH
               Hafenweg 3
               20457 Hamburg
Total   12.00
";
        assert_ne!(seller(text), json!("Nordwind Handels GmbH"));
    }
}
