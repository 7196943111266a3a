//! Invoice totals that the document states through another total.
//!
//! Many invoices print no separate "amount due" line: with nothing paid in
//! advance, the grand total (`Gesamtbetrag`, `Total TTC`) *is* what the buyer
//! owes. So when the schema asks for both an amount due and a grand total,
//! the amount due was not found by any label, the grand total was, and the
//! document never mentions a prepayment, the amount due is the grand total's
//! printed value (with its evidence). A document that speaks of an advance,
//! a deposit or an amount already paid keeps its amount due empty, because
//! it differs from the grand total.

use serde_json::{Map, Value};

use super::matcher::words;
use super::run::{Field, Run, Source};
use crate::values::Kind;

/// Words that say part of the total was paid before (EN/DE/FR/ES/NL).
const PREPAYMENT: &[&str] = &[
    "prepaid",
    "prepayment",
    "prepayments",
    "deposit",
    "anzahlung",
    "anzahlungen",
    "vorauszahlung",
    "vorauszahlungen",
    "abschlagszahlung",
    "abschlagszahlungen",
    "acompte",
    "acomptes",
    "anticipo",
    "aanbetaling",
    "voorschot",
];
/// Phrases (consecutive words) that say the same.
const PAID_BEFORE: &[&str] = &[
    "already paid",
    "amount paid",
    "advance payment",
    "bereits gezahlt",
    "bereits bezahlt",
    "erhaltene zahlung",
    "erhaltene zahlungen",
    "déjà payé",
    "déjà réglé",
    "déjà versé",
    "ya pagado",
    "reeds betaald",
    "al betaald",
];

/// How far apart (in currency units) net + tax and gross may be.
const ROUNDING: f64 = 0.011;
/// Candidates per total considered when looking for a consistent triple.
const TRIPLE_CANDIDATES: usize = 12;

impl Run<'_> {
    /// Makes net, tax and gross totals agree: when the values picked by label
    /// do not add up (`Zwischensumme` taken for the net total, `Summe
    /// Umsatzsteuer` for the gross one), the best-scored labelled
    /// candidates with net + tax = gross replace them. A document whose
    /// totals already add up, or where no such triple is printed, is left
    /// as it is.
    pub(super) fn consistent_totals(&mut self, fields: &[Field], values: &mut Map<String, Value>) {
        let number = |concept: &str| {
            fields
                .iter()
                .find(|f| f.names.is(concept) && f.kind == Kind::Number)
        };
        let (Some(net), Some(tax), Some(gross)) = (
            number("total_net"),
            number("total_tax"),
            number("total_gross"),
        ) else {
            return;
        };
        let amount = |f: &Field| values.get(f.key).and_then(Value::as_f64);
        if let (Some(n), Some(t), Some(g)) = (amount(net), amount(tax), amount(gross)) {
            if (n + t - g).abs() <= ROUNDING {
                return;
            }
            // A correction may print its tax as a magnitude beside negative
            // totals (`-7,67` net, `1,12` tax, `-8,79` gross): the tax takes
            // the sign that makes them add up.
            if t != 0.0 && (n - t - g).abs() <= ROUNDING {
                values.insert(tax.key.to_string(), Value::from(-t));
                return;
            }
        }
        let list = |f: &Field| {
            let mut c = self.candidates(f);
            c.truncate(TRIPLE_CANDIDATES);
            c
        };
        let (nets, taxes, grosses) = (list(net), list(tax), list(gross));
        let mut best: Option<(f64, [usize; 3])> = None;
        for (ni, n) in nets.iter().enumerate() {
            for (ti, t) in taxes.iter().enumerate() {
                for (gi, g) in grosses.iter().enumerate() {
                    let (Some(nv), Some(tv), Some(gv)) = (n.1.as_f64(), t.1.as_f64(), g.1.as_f64())
                    else {
                        continue;
                    };
                    // Three different printed amounts, adding up.
                    let distinct = n.2 != t.2 && t.2 != g.2 && n.2 != g.2;
                    if !distinct || (nv + tv - gv).abs() > ROUNDING || gv == 0.0 {
                        continue;
                    }
                    let score = n.0 + t.0 + g.0;
                    if best.is_none_or(|(b, _)| score > b) {
                        best = Some((score, [ni, ti, gi]));
                    }
                }
            }
        }
        let Some((_, [ni, ti, gi])) = best else {
            return;
        };
        for (field, (score, value, span)) in
            [(net, &nets[ni]), (tax, &taxes[ti]), (gross, &grosses[gi])]
        {
            self.record(
                field.key.to_string(),
                *score,
                span.clone(),
                Source::Arithmetic,
            );
            values.insert(field.key.to_string(), value.clone());
        }
    }

    /// Fills an empty amount-due field of the root object from its grand total.
    pub(super) fn due_from_gross(&mut self, fields: &[Field], values: &mut Map<String, Value>) {
        let amount = |concept: &str| {
            fields
                .iter()
                .find(|f| f.names.is(concept) && matches!(f.kind, Kind::Number | Kind::Currency))
        };
        let (Some(due), Some(gross)) = (amount("due_payable"), amount("total_gross")) else {
            return;
        };
        let Some(total) = values.get(gross.key).filter(|v| !v.is_null()).cloned() else {
            return;
        };
        if due.kind != gross.kind
            || !values.get(due.key).is_some_and(Value::is_null)
            || self.mentions_prepayment()
        {
            return;
        }
        self.copy_evidence(gross.key, due.key);
        values.insert(due.key.to_string(), total);
    }

    /// Whether any line speaks of an amount paid before this invoice.
    fn mentions_prepayment(&self) -> bool {
        self.layout.line_ids().any(|id| {
            self.layout.line(id).is_some_and(|line| {
                let words = words(&line.text);
                let phrase = format!(" {} ", words.join(" "));
                words.iter().any(|w| PREPAYMENT.contains(&w.as_str()))
                    || PAID_BEFORE
                        .iter()
                        .any(|p| phrase.contains(&format!(" {p} ")))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::rules::extract_text;

    fn extract(text: &str) -> Value {
        let schema = json!({"type": "object", "properties": {
            "total_gross": {"type": ["number", "null"], "description": "Grand total including tax"},
            "due_payable": {"type": ["number", "null"],
                "description": "Amount due for payment (grand total minus prepaid amounts)"},
        }});
        extract_text(text, schema)
    }

    fn totals_schema() -> Value {
        json!({"type": "object", "properties": {
            "total_net": {"type": ["number", "null"], "description": "Tax basis total"},
            "total_tax": {"type": ["number", "null"], "description": "Total VAT"},
            "total_gross": {"type": ["number", "null"], "description": "Grand total"},
        }})
    }

    #[test]
    fn totals_that_do_not_add_up_are_replaced_by_ones_that_do() {
        let schema = totals_schema();
        let text = "\
Zwischensumme:                        202,76
Rechnungssumme Netto (exkl. USt.):    193,83
Umsatzsteuer 7%:                        9,06
Umsatzsteuer 19%:                      12,25
Summe Umsatzsteuer:                    21,31
Rechnungssumme Brutto (inkl. USt.):   215,14
";
        assert_eq!(
            extract_text(text, schema),
            json!({"total_net": 193.83, "total_tax": 21.31, "total_gross": 215.14})
        );
    }

    #[test]
    fn a_tax_printed_as_a_magnitude_takes_the_sign_of_the_totals() {
        let schema = totals_schema();
        let text = "\
Rechnungskorrektur 4711

Rechnungssumme ohne USt.:     -7,67
Steuerbetrag:                  1,12
Bruttosumme:                  -8,79
";
        assert_eq!(
            extract_text(text, schema),
            json!({"total_net": -7.67, "total_tax": -1.12, "total_gross": -8.79})
        );
    }

    #[test]
    fn the_grand_total_is_due_when_nothing_was_paid_before() {
        let text = "Rechnung 4711\n\nNettobetrag: 100,00\nUSt 19%: 19,00\nGesamtbetrag: 119,00\n";
        assert_eq!(
            extract(text),
            json!({"total_gross": 119, "due_payable": 119})
        );
    }

    #[test]
    fn a_prepayment_keeps_the_amount_due_unknown() {
        let text = "Gesamtbetrag: 119,00\nAnzahlung vom 01.03.2024: 50,00\n";
        assert_eq!(
            extract(text),
            json!({"total_gross": 119, "due_payable": null})
        );
    }

    #[test]
    fn a_printed_amount_due_is_kept() {
        let text = "Total: 119.00\nAmount due: 69.00\n";
        assert_eq!(
            extract(text),
            json!({"total_gross": 119, "due_payable": 69})
        );
    }
}
