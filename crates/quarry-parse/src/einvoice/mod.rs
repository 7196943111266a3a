//! Structured e-invoices: the EN 16931 business terms of a CII invoice
//! (Factur-X, ZUGFeRD 1.0/2.x, XRechnung CII) or a UBL 2.1 invoice or credit
//! note, read from XML into one syntax-neutral [`EInvoice`].
//!
//! A hybrid PDF carries its XML as an embedded file; [`from_embedded`]
//! finds it among the files a PDF embeds, whatever its name, by the root
//! element. A pure XML e-invoice is a document of its own: [`document`]
//! lays it out as readable text (`render.rs`) and keeps the invoice. The XML holds every value exactly, so extraction prefers it to
//! the printed page and checks the two against each other
//! (`quarry_extract::einvoice`).

mod cii;
mod render;
mod tree;
mod ubl;

use serde::{Deserialize, Serialize};

use crate::{Document, FileKind, ParseError};

/// A file a document embeds, kept when it is UTF-8 text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EmbeddedFile {
    /// The name the document gives it (`factur-x.xml`).
    pub name: String,
    pub text: String,
}

/// Which XML syntax the invoice was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Syntax {
    /// UN/CEFACT Cross Industry Invoice (and ZUGFeRD 1.0's CrossIndustryDocument).
    Cii,
    /// OASIS UBL 2.1 `Invoice` or `CreditNote`.
    Ubl,
}

/// A party of the invoice (seller BG-4, buyer BG-7).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// BT-27 / BT-44.
    pub name: Option<String>,
    /// BT-31 / BT-48: the VAT identifier.
    pub vat_id: Option<String>,
    /// BT-35..BT-38 / BT-50..BT-53 joined: street, postcode and city.
    pub address: Option<String>,
}

/// One invoice line (BG-25).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// BT-153: item name.
    pub name: Option<String>,
    /// BT-129: invoiced quantity.
    pub quantity: Option<f64>,
    /// BT-146: net unit price.
    pub net_price: Option<f64>,
    /// BT-148: gross unit price, when given.
    pub gross_price: Option<f64>,
    /// BT-131: line net amount.
    pub line_total: Option<f64>,
}

/// Document totals (BG-22).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// BT-106: sum of line net amounts.
    pub line_net: Option<f64>,
    /// BT-109: total without VAT.
    pub net: Option<f64>,
    /// BT-110: total VAT in the invoice currency.
    pub tax: Option<f64>,
    /// BT-112: total with VAT.
    pub gross: Option<f64>,
    /// BT-113: paid in advance.
    pub prepaid: Option<f64>,
    /// BT-115: amount due for payment.
    pub due: Option<f64>,
}

/// The business terms of one e-invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EInvoice {
    /// Where it was read from: the embedded file's name.
    pub source: String,
    pub syntax: Syntax,
    /// BT-1.
    pub number: Option<String>,
    /// BT-3 (380 invoice, 381 credit note, …).
    pub type_code: Option<String>,
    /// BT-2, ISO `yyyy-mm-dd`.
    pub issue_date: Option<String>,
    /// BT-9, ISO `yyyy-mm-dd`.
    pub due_date: Option<String>,
    /// BT-5.
    pub currency: Option<String>,
    pub seller: Party,
    pub buyer: Party,
    /// BT-84: the payee's IBAN.
    pub iban: Option<String>,
    /// BT-119 of the first VAT breakdown: its rate in percent.
    pub vat_rate: Option<f64>,
    pub totals: Totals,
    pub lines: Vec<Line>,
}

/// Reads an e-invoice from XML text; `None` when the text is not CII or UBL.
pub fn read(source: &str, text: &str) -> Option<EInvoice> {
    let root = tree::parse(text)?;
    match root.name.as_str() {
        "CrossIndustryInvoice" | "CrossIndustryDocument" => Some(cii::read(source, &root)),
        "Invoice" | "CreditNote" => Some(ubl::read(source, &root)),
        _ => None,
    }
}

/// The first embedded file that is an e-invoice.
pub(crate) fn from_embedded(files: &[EmbeddedFile]) -> Option<EInvoice> {
    files.iter().find_map(|f| read(&f.name, &f.text))
}

/// An XML file: an e-invoice laid out as readable text, with the invoice
/// kept for extraction; any other XML as plain text.
pub(crate) fn document(name: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    let invoice = std::str::from_utf8(bytes)
        .ok()
        .and_then(|text| read(name, text.trim_start_matches('\u{feff}')));
    let Some(invoice) = invoice else {
        return crate::text::parse_text(bytes, FileKind::Xml);
    };
    let mut doc = crate::text::parse_text(render::text(&invoice).as_bytes(), FileKind::Xml)?;
    doc.einvoice = Some(invoice);
    Ok(doc)
}

/// An XML decimal (`1234.50`, `-3`) as a number.
fn decimal(text: Option<String>) -> Option<f64> {
    text?.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date as ISO `yyyy-mm-dd`, from ISO text or CII's `102` form `yyyymmdd`.
fn iso_date(text: Option<String>) -> Option<String> {
    let text = text?;
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 8 {
        return None;
    }
    let (y, rest) = digits.split_at(4);
    let (m, d) = rest.split_at(2);
    let month: u32 = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| format!("{y}-{m}-{d}"))
}

/// Non-empty parts joined with `, `; `None` when all are empty.
fn joined(parts: &[Option<String>]) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_decimals() {
        assert_eq!(
            iso_date(Some("20240305".into())).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(
            iso_date(Some("2024-03-05".into())).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(iso_date(Some("20241305".into())), None);
        assert_eq!(decimal(Some(" -12.50 ".into())), Some(-12.5));
        assert_eq!(decimal(Some("NaN".into())), None);
    }

    #[test]
    fn other_xml_is_no_invoice() {
        assert!(read("a.xml", "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>").is_none());
        assert!(read("a.xml", "garbage").is_none());
    }
}
