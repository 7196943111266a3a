//! The grand total of a till receipt: the labelled amount the rest of the
//! receipt agrees with. A receipt prints a dozen "total" lines (`Total Qty`,
//! `Total GST`, the GST summary's `Total : 26.00 1.56`, `Total Sales
//! (Excluding GST)`, the rounded total), so each candidate is scored: the
//! rounded/nett/grand total over the plain one, an amount that recurs
//! (`Total`, `Cash`) or equals cash tendered minus change; a total printed
//! before cash rounding gives way to the rounded amount.

use serde_json::Value;

use super::ocr_fix::{amount_at_end, amount_count};
use super::position::NOT_TOTAL;
use super::run::Run;
use crate::layout::{LineId, Span};
use crate::values::number_value;

/// Words of a total line that, besides those of [`NOT_TOTAL`] (counts,
/// discounts), make it something other than the amount paid.
const PARTIAL: &[&str] = &["sub", "subtotal", "before"];
/// Words that say a total is the final, payable one.
const FINAL: &[&str] = &[
    "nett",
    "net",
    "grand",
    "rounded",
    "round",
    "adj",
    "rounding",
    "inc",
    "incl",
    "inclusive",
    "including",
    "includes",
    "included",
    "due",
    "payable",
    "amount",
];

impl Run<'_> {
    /// The grand total: the best-supported amount on a total line.
    pub(super) fn receipt_total(&self) -> Option<(Value, Span)> {
        let order = self.lines_top_down();
        let mut amounts: Vec<(LineId, String, f64)> = Vec::new();
        for (i, id) in order.iter().enumerate() {
            let Some(line) = self.layout.line(*id) else {
                continue;
            };
            let lower = line.text.to_lowercase();
            let amount = self.row_amount(*id).or_else(|| {
                // `TOTAL AMOUNT PAYABLE` alone on its line: the amount is below.
                let label_only = !line.text.chars().any(|c| c.is_ascii_digit())
                    && total_label_score(&lower).is_some();
                let next = order.get(i + 1)?;
                label_only.then(|| self.row_amount(*next)).flatten()
            });
            if let Some(amount) = amount {
                amounts.push((*id, lower, amount));
            }
        }
        let tendered_line = labelled(&amounts, &["cash", "tender", "tendered", "paid"]);
        let tendered = tendered_line.map(|(a, _)| a.abs());
        let change = labelled(&amounts, &["change"]).map(|(a, _)| a.abs());
        let mut best: Option<(f64, f64, LineId)> = None;
        for (id, lower, amount) in &amounts {
            let Some(mut score) = total_label_score(lower) else {
                continue;
            };
            // A breakdown row (`TOTAL : 26.00 1.56`) holds two amounts; a
            // bare `Rounding` line under one unit is the adjustment itself.
            let rounding_only = !has_total_word(lower);
            if *amount <= 0.0 || amount_count(lower) >= 2 || (rounding_only && *amount < 1.0) {
                continue;
            }
            let recurs = amounts
                .iter()
                .filter(|(other, _, a)| other != id && (a - amount).abs() < 0.005)
                .count();
            score += 0.3 * recurs.min(3) as f64;
            if let (Some(cash), Some(change)) = (tendered, change)
                && (cash - change - amount).abs() < 0.005
            {
                score += 1.0;
            }
            let better = best.is_none_or(|(s, a, _)| score > s || (score == s && *amount > a));
            if better {
                best = Some((score, *amount, *id));
            }
        }
        let paid = tendered_line.and_then(|(cash, line)| {
            let paid = cash.abs() - change.unwrap_or(0.0);
            (paid > 0.0).then_some((paid, line))
        });
        // Without a readable total line: what was tendered minus the change,
        // else the subtotal.
        let (amount, id) = best
            .map(|(_, amount, id)| cash_rounded(amount, id, &amounts))
            .or(paid)
            .or_else(|| {
                amounts
                    .iter()
                    .rev()
                    .find(|(_, lower, a)| *a > 0.0 && is_subtotal(lower))
                    .map(|(id, _, a)| (*a, *id))
            })?;
        Some((number_value(amount, false)?, self.layout.line_span(id)))
    }
    /// The amount a line ends with, or, for a label whose amount OCR put in
    /// a line of its own (a separate column block), the amount ending the
    /// rightmost line on the same row to its right.
    fn row_amount(&self, id: LineId) -> Option<f64> {
        let line = self.layout.line(id)?;
        if let Some(amount) = amount_at_end(&line.text) {
            return Some(amount);
        }
        let page = self.layout.page(id.page)?;
        let (top, bottom) = (line.bbox.top, line.bbox.bottom);
        let height = (bottom - top).max(1.0);
        page.lines
            .iter()
            .filter(|other| {
                let overlap = bottom.min(other.bbox.bottom) - top.max(other.bbox.top);
                other.bbox.left >= line.bbox.right && overlap >= 0.5 * height
            })
            .max_by(|a, b| a.bbox.left.total_cmp(&b.bbox.left))
            .and_then(|other| amount_at_end(&other.text))
    }
}

/// How strongly a line's words say it holds the grand total; `None` when it
/// is not a total line or is a partial one (`Total Qty`, `Sub Total`,
/// `Total GST`).
fn total_label_score(lower: &str) -> Option<f64> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // `Rounding RM 42.35`, `Total Amt Rounded`: the amount after rounding;
    // `Rounding Adj` is the adjustment.
    let rounded = words.iter().any(|w| matches!(*w, "rounding" | "rounded"))
        && !words.iter().any(|w| w.starts_with("adj"));
    if !(has_total_word(lower) || rounded)
        || words
            .iter()
            .any(|w| NOT_TOTAL.contains(w) || PARTIAL.contains(w))
        || lower.contains("sub")
    {
        return None;
    }
    let is_tax = |w: &&str| matches!(*w, "tax" | "gst" | "vat");
    let tax_only = words.iter().any(is_tax) && !words.iter().any(|w| FINAL.contains(w));
    // `GST @6% included in total`: the tax, named before the total.
    let tax_first = words.iter().position(is_tax) < words.iter().position(|w| *w == "total")
        && words.iter().any(is_tax);
    if tax_only || tax_first {
        return None;
    }
    let strong = words.iter().any(|w| FINAL.contains(w));
    Some(if strong { 1.5 } else { 1.0 })
}

/// Words that name a total outright.
fn has_total_word(lower: &str) -> bool {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "total" || w == "jumlah")
        || lower.contains("amount due")
        || lower.contains("to be paid")
        || lower.contains("grand")
}

/// Whether an amount is a whole number of 5-cent units: what cash rounding
/// (to 0.05, 0.10, 0.50 or 1.00, depending on the country) leaves.
fn is_cash_rounded(amount: f64) -> bool {
    ((amount * 100.0).round() as i64) % 5 == 0
}

/// The paid amount for a total printed before cash rounding (`Total
/// (Inclusive of GST) 65.53`, `Rounding Adj 0.02`): on a receipt with a
/// rounding line, a total that is not a whole number of 5-cent units gives
/// way to a total within 5 cents that is (`Rounding RM 65.55`), else to
/// itself plus the printed adjustment when that sum is one.
fn cash_rounded(amount: f64, id: LineId, amounts: &[(LineId, String, f64)]) -> (f64, LineId) {
    let rounding = |lower: &str| lower.contains("round");
    if is_cash_rounded(amount) || !amounts.iter().any(|(_, lower, _)| rounding(lower)) {
        return (amount, id);
    }
    let near = amounts.iter().find(|(_, lower, a)| {
        (a - amount).abs() < 0.05 && is_cash_rounded(*a) && total_label_score(lower).is_some()
    });
    if let Some((other, _, a)) = near {
        return (*a, *other);
    }
    amounts
        .iter()
        .filter(|(_, lower, a)| rounding(lower) && a.abs() < 0.05 && *a != 0.0)
        .flat_map(|(_, _, a)| [amount + a, amount - a.abs()])
        .find(|sum| is_cash_rounded(*sum))
        .map_or((amount, id), |sum| ((sum * 100.0).round() / 100.0, id))
}

/// `Sub Total`, `SUBTOTAL`, `Sub-total (ex)`.
fn is_subtotal(lower: &str) -> bool {
    let squashed: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    squashed.contains("subtotal")
}

/// The amount (and line) of the last line labelled with one of `labels`.
fn labelled(amounts: &[(LineId, String, f64)], labels: &[&str]) -> Option<(f64, LineId)> {
    amounts
        .iter()
        .rev()
        .find(|(_, lower, _)| {
            lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| labels.contains(&w))
        })
        .map(|(id, _, a)| (*a, *id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_totals_are_not_grand_totals() {
        assert_eq!(total_label_score("total qty 9 327 00"), None);
        assert_eq!(total_label_score("sub-total (ex) : 26,00"), None);
        assert_eq!(total_label_score("total gst 5.71"), None);
        assert_eq!(total_label_score("total sales (excluding gst) 95.17"), None);
        assert_eq!(total_label_score("total 13.80"), Some(1.0));
        assert_eq!(total_label_score("gst @6% included in total rm 1.97"), None);
        assert_eq!(total_label_score("rounding adj: 0.02"), None);
        assert_eq!(total_label_score("rounding rm 42,35"), Some(1.5));
        assert_eq!(
            total_label_score("total (inc lusive of gst): 4.80"),
            Some(1.5)
        );
        assert_eq!(total_label_score("nett total: $7.60"), Some(1.5));
        assert_eq!(
            total_label_score("total sales (inclusive of gst) : 100.90"),
            Some(1.5)
        );
    }

    #[test]
    fn cash_rounding_gives_the_paid_amount() {
        assert!(is_cash_rounded(65.55));
        assert!(!is_cash_rounded(65.53));
        let line = |n| LineId { page: 0, line: n };
        let amounts = vec![
            (
                line(0),
                "total (inclusive of gst): 65.53".to_string(),
                65.53,
            ),
            (line(1), "rounding adj: 0.02".to_string(), 0.02),
        ];
        assert_eq!(cash_rounded(65.53, line(0), &amounts), (65.55, line(0)));
        let amounts = vec![
            (
                line(0),
                "total sales (inclusive gst) rm 177.22".to_string(),
                177.22,
            ),
            (line(1), "rounding rm 177,20".to_string(), 177.2),
        ];
        assert_eq!(cash_rounded(177.22, line(0), &amounts), (177.2, line(1)));
        // Without a rounding line the total stands as printed.
        assert_eq!(
            cash_rounded(12.34, line(0), &amounts[..1]),
            (12.34, line(0))
        );
    }
}
