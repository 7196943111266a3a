//! A pure XML e-invoice (XRechnung, Peppol UBL, a CII file on its own) as
//! a page a person can read: `Label: value` lines for the header, the
//! parties and the totals, and one line per item. The parse API shows it
//! as text and key/value blocks; extraction fills fields from the
//! [`EInvoice`] itself and cites these lines, as it cites the printed page
//! of a hybrid PDF.

use std::fmt::Write;

use super::{EInvoice, Line, Party};

/// The readable text of `inv`, one `Label: value` per line, blank lines
/// between sections; absent terms are left out.
pub(crate) fn text(inv: &EInvoice) -> String {
    let mut out = String::new();
    let title = match inv.type_code.as_deref() {
        Some("381") => "Credit note",
        _ => "Invoice",
    };
    field(&mut out, title, inv.number.as_deref());
    field(&mut out, "Issue date", inv.issue_date.as_deref());
    field(&mut out, "Due date", inv.due_date.as_deref());
    field(&mut out, "Currency", inv.currency.as_deref());
    party(&mut out, "Seller", &inv.seller);
    party(&mut out, "Buyer", &inv.buyer);
    if !inv.lines.is_empty() {
        out.push_str("\nItems\n");
        for (i, l) in inv.lines.iter().enumerate() {
            item(&mut out, i + 1, l);
        }
    }
    out.push('\n');
    let t = &inv.totals;
    amount(&mut out, "Sum of lines", t.line_net);
    amount(&mut out, "Net total", t.net);
    let rate = inv.vat_rate.map(|r| format!(" ({}%)", number(r)));
    amount(&mut out, &format!("VAT{}", rate.unwrap_or_default()), t.tax);
    amount(&mut out, "Total", t.gross);
    amount(&mut out, "Prepaid", t.prepaid);
    amount(&mut out, "Amount due", t.due);
    field(&mut out, "IBAN", inv.iban.as_deref());
    out
}

fn field(out: &mut String, label: &str, value: Option<&str>) {
    if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
        // One line per term: a value's own line breaks would split it.
        let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
        let _ = writeln!(out, "{label}: {v}");
    }
}

fn amount(out: &mut String, label: &str, value: Option<f64>) {
    field(out, label, value.map(|v| format!("{v:.2}")).as_deref());
}

fn party(out: &mut String, role: &str, p: &Party) {
    if p.name.is_none() && p.vat_id.is_none() && p.address.is_none() {
        return;
    }
    out.push('\n');
    field(out, role, p.name.as_deref());
    field(out, &format!("{role} VAT ID"), p.vat_id.as_deref());
    field(out, &format!("{role} address"), p.address.as_deref());
}

/// `3. Widget: quantity 2, unit price 10.00, amount 20.00`.
fn item(out: &mut String, n: usize, l: &Line) {
    let mut parts = Vec::new();
    if let Some(q) = l.quantity {
        parts.push(format!("quantity {}", number(q)));
    }
    if let Some(p) = l.net_price {
        parts.push(format!("unit price {p:.2}"));
    }
    if let Some(a) = l.line_total {
        parts.push(format!("amount {a:.2}"));
    }
    let name = l.name.as_deref().unwrap_or("Item");
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let _ = writeln!(out, "{n}. {name}: {}", parts.join(", "));
}

/// A quantity or rate without trailing zeros (`3`, `2.5`, `19`).
fn number(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::super::{Syntax, Totals};
    use super::*;

    #[test]
    fn header_parties_items_and_totals_are_labelled_lines() {
        let inv = EInvoice {
            source: "x.xml".into(),
            syntax: Syntax::Ubl,
            number: Some("CN-9".into()),
            type_code: Some("381".into()),
            issue_date: Some("2025-01-31".into()),
            due_date: None,
            currency: Some("EUR".into()),
            seller: Party {
                name: Some("Seller\n B.V.".into()),
                vat_id: Some("NL123456789B01".into()),
                address: None,
            },
            buyer: Party::default(),
            iban: Some("NL91ABNA0417164300".into()),
            vat_rate: Some(21.0),
            totals: Totals {
                net: Some(100.0),
                tax: Some(21.0),
                gross: Some(121.0),
                ..Totals::default()
            },
            lines: vec![Line {
                name: Some("Returned chairs".into()),
                quantity: Some(4.0),
                net_price: Some(25.0),
                gross_price: None,
                line_total: Some(100.0),
            }],
        };
        let text = text(&inv);
        for line in [
            "Credit note: CN-9",
            "Issue date: 2025-01-31",
            "Seller: Seller B.V.",
            "Seller VAT ID: NL123456789B01",
            "1. Returned chairs: quantity 4, unit price 25.00, amount 100.00",
            "Net total: 100.00",
            "VAT (21%): 21.00",
            "Total: 121.00",
            "IBAN: NL91ABNA0417164300",
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
        }
        assert!(!text.contains("Buyer"), "an empty party is left out");
        assert!(!text.contains("Due date"));
    }

    #[test]
    fn numbers_lose_trailing_zeros() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(19.0), "19");
    }
}
