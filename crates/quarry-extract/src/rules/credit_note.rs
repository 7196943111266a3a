//! Credit notes: the document type carries the direction of the money.
//!
//! E-invoicing standards (EN 16931, ZUGFeRD/Factur-X, UBL) state a credit
//! note's totals as positive amounts, yet many renderings print them with
//! a minus sign (`Total TTC -233,47 €`) to show that money flows back. A
//! document titled as a credit note (`Avoir`, `Credit note`, `Gutschrift`)
//! therefore reports its totals as magnitudes. A corrected invoice
//! (`Rechnungskorrektur`) is no credit note: its negative totals stay.

use serde_json::{Map, Value};

use super::position::opens_with;
use super::run::{Field, Run};
use crate::values::{Kind, number_value};

/// Titles of a credit note (EN/DE/FR/ES/NL), lower case.
const CREDIT_NOTE_TITLES: &[&str] = &[
    "credit note",
    "credit memo",
    "gutschrift",
    "avoir",
    "facture d'avoir",
    "nota de crédito",
    "factura rectificativa de abono",
    "creditnota",
    "creditfactuur",
];

/// Concepts whose value is a document total.
const TOTALS: &[&str] = &["total_net", "total_tax", "total_gross", "due_payable"];

impl Run<'_> {
    /// Makes the document totals of a credit note positive (see the module docs).
    pub(super) fn credit_note_magnitudes(&self, fields: &[Field], values: &mut Map<String, Value>) {
        if !self.is_credit_note() {
            return;
        }
        let totals = fields
            .iter()
            .filter(|f| TOTALS.iter().any(|c| f.names.is(c)));
        for field in totals {
            let amount = match (&field.kind, values.get_mut(field.key)) {
                (Kind::Number, Some(v)) => v,
                (Kind::Currency, Some(Value::Object(o))) => match o.get_mut("amount") {
                    Some(v) => v,
                    None => continue,
                },
                _ => continue,
            };
            if let Some(positive) = amount
                .as_f64()
                .filter(|n| *n < 0.0)
                .and_then(|n| number_value(-n, false))
            {
                *amount = positive;
            }
        }
    }

    /// Whether a line on the first page titles the document a credit note.
    fn is_credit_note(&self) -> bool {
        self.layout
            .line_ids()
            .take_while(|id| id.page == 0)
            .filter_map(|id| self.layout.line(id))
            .any(|line| opens_with(&line.text, CREDIT_NOTE_TITLES))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::rules::extract_text;

    fn extract(text: &str) -> Value {
        let schema = json!({"type": "object", "properties": {
            "total_net": {"type": ["number", "null"]},
            "total_gross": {"type": ["number", "null"]},
        }});
        extract_text(text, schema)
    }

    #[test]
    fn a_credit_note_reports_its_totals_as_magnitudes() {
        let text = "Avoir AV-2017-0005\n\nTotal HT   -218,48 €\nTotal TTC   -233,47 €\n";
        assert_eq!(
            extract(text),
            json!({"total_net": 218.48, "total_gross": 233.47})
        );
    }

    #[test]
    fn a_corrected_invoice_keeps_its_negative_totals() {
        let text = "Rechnungskorrektur RK-7\n\nNettobetrag   -7,67\nGesamtbetrag   -8,79\n";
        assert_eq!(
            extract(text),
            json!({"total_net": -7.67, "total_gross": -8.79})
        );
    }
}
