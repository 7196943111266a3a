//! Till receipts: merchant, merchant address and grand total read from where
//! a receipt prints them rather than from labels.
//!
//! A receipt rarely labels its merchant or address, and its "total" label is
//! shared by a dozen lines (`Total Qty`, `Total GST`, the GST summary's
//! `Total`, `Total Sales (Excluding GST)`, the rounded total). Label matching
//! therefore picks the wrong line more often than not, so on a document that
//! reads as a receipt these three fields are taken from here instead:
//!
//! - the merchant is the letterhead: among the first name-like lines at the
//!   top, the first one carrying a company form (`SDN BHD`, `S/B`,
//!   `ENTERPRISE`), else the first; OCR slips inside company-form words are
//!   repaired ([`super::ocr_fix`]);
//! - the address is the lines below it, from the first line with a digit (a
//!   trade name or slogan may come in between) to the first contact, tax-id
//!   or title line;
//! - the total is the labelled amount the rest of the receipt agrees with:
//!   the rounded/nett/grand total over the plain one, an amount that recurs
//!   (`Total`, `Cash`), or that equals cash tendered minus change.

use serde_json::{Map, Value};

use super::ocr_fix::{amount_at_end, repair_company_forms};
use super::position::{LEGAL_FORMS, NOT_ADDRESS, NOT_TOTAL, is_name_like, strip_registration};
use super::run::{Field, Run};
use crate::layout::{LineId, Span};
use crate::values::{Kind, all_dates, number_value};

/// Confidence of a receipt value before OCR confidence is applied: between a
/// positional guess and a labelled value.
const RECEIPT: f64 = 0.6;
/// Name-like lines at the top considered for the merchant.
const MERCHANT_CANDIDATES: usize = 4;
/// How far down the page (fraction of its height) the merchant may start.
const MERCHANT_ZONE: f64 = 0.4;
/// Mean OCR word confidence below which a top line is logo, stamp or
/// handwriting debris rather than the printed name (printed names read at
/// 0.8–0.95, debris such as `3 1% O Olt` at 0.3–0.5).
const MIN_NAME_CONFIDENCE: f64 = 0.6;
/// Lines after the merchant that may precede the first address line.
const ADDRESS_LEAD: usize = 4;
/// Most lines an address spans.
const MAX_ADDRESS_LINES: usize = 5;

/// Words that occur on till receipts and hardly on invoices or letters.
const RECEIPT_WORDS: &[&str] = &[
    "cashier", "change", "cash", "rounding", "receipt", "counter", "tender", "tendered",
];
/// Words of sales documents in general, receipts among them.
const SALES_WORDS: &[&str] = &["gst", "sst", "qty", "thank", "subtotal", "total"];
/// Height-to-width ratio from which a page is a paper roll (A4 is 1.41).
const ROLL_ASPECT: f64 = 1.6;
/// Company forms that mark a line as the merchant's legal name.
const COMPANY_FORMS: &[&str] = &[
    "sdn",
    "bhd",
    "berhad",
    "s/b",
    "enterprise",
    "trading",
    "ltd",
    "limited",
    "gmbh",
    "inc",
    "llc",
    "plc",
    "company",
];
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
    /// Whether the document reads as a till receipt: one page that uses two
    /// till words (`cashier`, `change`, `rounding`…), or a tall narrow page
    /// (a paper roll, not A4 or Letter) with two till or sales words.
    pub(super) fn is_receipt(&self) -> bool {
        let [page] = self.layout.pages.as_slice() else {
            return false;
        };
        let mut till: Vec<&str> = Vec::new();
        let mut sales: Vec<&str> = Vec::new();
        for line in &page.lines {
            for word in line
                .text
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
            {
                for (list, seen) in [(RECEIPT_WORDS, &mut till), (SALES_WORDS, &mut sales)] {
                    if let Some(w) = list.iter().find(|w| **w == word)
                        && !seen.contains(w)
                    {
                        seen.push(w);
                    }
                }
            }
        }
        let tall = page.height >= ROLL_ASPECT * page.width;
        till.len() >= 2 || (tall && till.len() + sales.len() >= 2)
    }

    /// Fills (or replaces) the merchant, address and total of a receipt;
    /// returns the keys it settled.
    pub(super) fn receipt(
        &mut self,
        fields: &[Field],
        values: &mut Map<String, Value>,
    ) -> Vec<String> {
        let merchant = self.merchant();
        let mut decided = Vec::new();
        for field in fields {
            let names = &field.names;
            let found = if names.is("seller_name") && field.kind == Kind::String {
                merchant
                    .as_ref()
                    .and_then(|lines| self.merchant_name(lines))
            } else if names.is("address") && field.kind == Kind::String {
                let lines = merchant.as_ref().map(|m| self.merchant_address(m));
                lines.and_then(|l| self.joined_text(&l))
            } else if names.is("total_gross") && field.kind == Kind::Number {
                self.receipt_total()
            } else {
                None
            };
            match found {
                Some((value, span)) => {
                    self.record(field.key.to_string(), RECEIPT, span);
                    values.insert(field.key.to_string(), value);
                    decided.push(field.key.to_string());
                }
                // A labelled "total" that is no receipt amount (`Total Qty 9`,
                // an amount OCR lost the point of) is worse than none.
                None if names.is("total_gross") && field.kind == Kind::Number => {
                    self.forget(field.key);
                    values.insert(field.key.to_string(), Value::Null);
                    decided.push(field.key.to_string());
                }
                None => {}
            }
        }
        decided
    }

    /// Lines of the page in top-to-bottom order (OCR blocks can list a
    /// side column before the header above it).
    fn lines_top_down(&self) -> Vec<LineId> {
        let mut ids: Vec<LineId> = self.layout.line_ids().filter(|id| id.page == 0).collect();
        ids.sort_by(|a, b| {
            let top = |id: &LineId| self.layout.line(*id).map_or(0.0, |l| l.bbox.top);
            top(a).total_cmp(&top(b))
        });
        ids
    }

    /// The merchant's name lines: among the name-like lines at the top
    /// (up to the first address-like line below the first of them), the
    /// first with a company form, else the first. A line holding only the
    /// company form (`CO. (M) SDN BHD`) takes the name line above it; a name
    /// ending in `&`, or followed by a line of company-form words, takes the
    /// line below.
    fn merchant(&self) -> Option<Vec<LineId>> {
        let page = self.layout.page(0)?;
        let limit = page.height * MERCHANT_ZONE;
        let order = self.lines_top_down();
        let text = |i: usize| {
            self.layout
                .line(order[i])
                .map(|l| repair_company_forms(&strip_registration(&l.text)))
                .unwrap_or_default()
        };
        let mut candidates: Vec<usize> = Vec::new();
        for (i, id) in order.iter().enumerate() {
            let Some(line) = self.layout.line(*id) else {
                continue;
            };
            if line.bbox.top > limit || candidates.len() >= MERCHANT_CANDIDATES {
                break;
            }
            if is_merchant_like(&line.text) && mean_confidence(line) >= MIN_NAME_CONFIDENCE {
                candidates.push(i);
            } else if !candidates.is_empty()
                && line.text.chars().any(|c| c.is_ascii_digit())
                && !is_company_number(&line.text)
            {
                break;
            }
        }
        let chosen = *candidates
            .iter()
            .find(|i| has_company_form(&text(**i)))
            .or(candidates.first())?;
        let mut lines = vec![order[chosen]];
        if chosen > 0 && only_legal_forms(&text(chosen)) && is_name_like(&text(chosen - 1)) {
            lines.insert(0, order[chosen - 1]);
        }
        if let Some(&next) = order.get(chosen + 1)
            && (text(chosen).trim_end().ends_with('&') || only_legal_forms(&text(chosen + 1)))
        {
            lines.push(next);
        }
        Some(lines)
    }

    fn merchant_name(&self, lines: &[LineId]) -> Option<(Value, Span)> {
        let (text, span) = self.joined_text(lines)?;
        let text = clean_name(&repair_company_forms(text.as_str()?));
        (!text.is_empty()).then_some((Value::String(text), span))
    }

    /// The address lines under the merchant: from the first line with a
    /// digit (a trade name, slogan, registration number or date may come
    /// first) to the first contact, tax-id, registration or title line.
    fn merchant_address(&self, merchant: &[LineId]) -> Vec<LineId> {
        let order = self.lines_top_down();
        let Some(start) = merchant
            .last()
            .and_then(|last| order.iter().position(|id| id == last))
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (skipped, id) in order[start + 1..].iter().enumerate() {
            let Some(line) = self.layout.line(*id) else {
                break;
            };
            let text = line.text.trim();
            if out.is_empty() {
                let lead = is_company_number(text)
                    || !all_dates(text, self.layout.date_order).is_empty()
                    || !text.chars().any(|c| c.is_ascii_digit());
                if lead {
                    if skipped >= ADDRESS_LEAD {
                        break;
                    }
                    continue;
                }
            }
            if ends_address(text, self) || out.len() >= MAX_ADDRESS_LINES {
                break;
            }
            out.push(*id);
        }
        out
    }

    /// The lines joined as [`Run::joined`] does, without the stray marks
    /// OCR adds at either end (`' Lot 3`, `SELANGOR =.`).
    fn joined_text(&self, lines: &[LineId]) -> Option<(Value, Span)> {
        let (joined, span) = self.joined(lines)?;
        // OCR puts a space before a closing parenthesis that print never has
        // (`(KL )`). Spaces before commas are left: receipts do print them.
        let joined = joined.as_str()?.replace(" )", ")");
        let mut words: Vec<&str> = joined
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .split_whitespace()
            .collect();
        while words
            .last()
            .is_some_and(|w| !w.chars().any(char::is_alphanumeric))
        {
            words.pop();
        }
        (!words.is_empty()).then(|| (Value::String(words.join(" ")), span))
    }

    /// The grand total: the best-supported amount on a total line.
    fn receipt_total(&self) -> Option<(Value, Span)> {
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
            if *amount <= 0.0 {
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
            .map(|(_, amount, id)| (amount, id))
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
}

impl Run<'_> {
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

/// Whether a line below the address ends it: a contact, tax-id,
/// registration, title or date line, or one without letters (a phone number).
fn ends_address(text: &str, run: &Run<'_>) -> bool {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.')
        .any(|w| NOT_ADDRESS.contains(&w))
        || lower.contains('@')
        || has_phone_number(text)
        || is_company_number(text)
        || !all_dates(text, run.layout.date_order).is_empty()
        || !text.chars().any(char::is_alphabetic)
}

/// Whether the line holds a phone number (`03-55425228`, `+6012-918 7937`,
/// `03- 7859 9863`): two to four digits, a dash, then three or more digits.
/// Catches contact lines whose label OCR garbled (`fel:`, `Vel:`).
fn has_phone_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        if *c != '-' {
            return false;
        }
        let before = chars[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let starts_number = i
            .checked_sub(before + 1)
            .is_none_or(|p| !chars[p].is_alphanumeric());
        let after = chars[i + 1..]
            .iter()
            .skip_while(|c| **c == ' ')
            .take_while(|c| c.is_ascii_digit())
            .count();
        (2..=4).contains(&before) && starts_number && after >= 3
    })
}

/// A company registration or tax number line: `(001451637-M)`,
/// `148481-U`, `Company Reg No. …`, `CO. NO. 373665-A`, or a run of nine or
/// more digits (a GST id). Address lines carry shorter numbers.
fn is_company_number(text: &str) -> bool {
    let lower = text.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut run = 0;
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 9 {
                return true;
            }
            continue;
        }
        // `123456-X`: five or more digits, a dash, one letter ending the word.
        let suffixed = run >= 5
            && *c == '-'
            && chars.get(i + 1).is_some_and(|c| c.is_alphabetic())
            && !chars.get(i + 2).is_some_and(|c| c.is_alphanumeric());
        if suffixed {
            return true;
        }
        run = 0;
    }
    lower.contains("reg")
        || lower
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| {
                w[0].trim_end_matches('.') == "co" && w[1].trim_end_matches(['.', ':']) == "no"
            })
}

/// The mean confidence of a line's tokens (1 for text that was not OCRed).
fn mean_confidence(line: &crate::layout::LineView) -> f64 {
    if line.toks.is_empty() {
        return 0.0;
    }
    line.toks.iter().map(|t| f64::from(t.conf)).sum::<f64>() / line.toks.len() as f64
}

/// A name-like line that is mostly letters: OCR of logos, stamps and
/// handwriting yields upper-case debris such as `3 18 OF OF`.
fn is_merchant_like(text: &str) -> bool {
    let name = strip_registration(text);
    let visible = name.chars().filter(|c| !c.is_whitespace()).count();
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    is_name_like(text) && letters * 2 > visible
}

/// Whether every word is a company-form word (`CO. (M) SDN BHD`).
fn only_legal_forms(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    !words.is_empty()
        && words
            .iter()
            .all(|w| LEGAL_FORMS.contains(&w.trim_end_matches('.')) || *w == "s/b")
}

/// A merchant name without the OCR debris around it: stray marks before it
/// (`* `, `> `), typographic quotes (receipts print ASCII), and short
/// fragments after its company form (`SDN. BHD. |`, `ENTERPRISE PO ;`).
fn clean_name(text: &str) -> String {
    let text = text.replace(['\u{2018}', '\u{2019}'], "'");
    let text = text.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '(');
    let words: Vec<&str> = text.split_whitespace().collect();
    let last_form = words.iter().rposition(|w| has_company_form(w));
    let keep = match last_form {
        Some(i)
            if words[i + 1..]
                .iter()
                .all(|w| w.chars().filter(|c| c.is_alphabetic()).count() < 3) =>
        {
            i + 1
        }
        _ => words.len(),
    };
    words[..keep].join(" ")
}

fn has_company_form(text: &str) -> bool {
    text.to_lowercase()
        .split_whitespace()
        .any(|w| COMPANY_FORMS.contains(&w.trim_matches(|c: char| c == '.' || c == ',')))
}

/// How strongly a line's words say it holds the grand total; `None` when it
/// is not a total line or is a partial one (`Total Qty`, `Sub Total`,
/// `Total GST`).
fn total_label_score(lower: &str) -> Option<f64> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let total = words.iter().any(|w| *w == "total" || *w == "jumlah")
        || lower.contains("amount due")
        || lower.contains("to be paid")
        || lower.contains("grand");
    if !total
        || words
            .iter()
            .any(|w| NOT_TOTAL.contains(w) || PARTIAL.contains(w))
        || lower.contains("sub")
    {
        return None;
    }
    let tax_only = words.iter().any(|w| matches!(*w, "tax" | "gst" | "vat"))
        && !words.iter().any(|w| FINAL.contains(w));
    if tax_only {
        return None;
    }
    let strong = words.iter().any(|w| FINAL.contains(w));
    Some(if strong { 1.5 } else { 1.0 })
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
        assert_eq!(total_label_score("nett total: $7.60"), Some(1.5));
        assert_eq!(
            total_label_score("total sales (inclusive of gst) : 100.90"),
            Some(1.5)
        );
    }

    #[test]
    fn registration_and_tax_numbers_are_told_from_address_numbers() {
        assert!(is_company_number("(001451637-M)"));
        assert!(is_company_number("148481-U"));
        assert!(is_company_number("CO. NO. 373665-A"));
        assert!(is_company_number("GST ID : 002116837376"));
        assert!(is_company_number("Company Reg No. SA03711951-F"));
        assert!(!is_company_number("109, SS21/1A,"));
        assert!(!is_company_number("NO 19-G&19-1&19-2 JALAN TASIK UTAMA 4,"));
        assert!(!is_company_number("81200 JOHOR BAHRU"));
    }

    #[test]
    fn phone_numbers_end_the_address_but_house_numbers_do_not() {
        assert!(has_phone_number("Vel: 03- 55423228 Bax:03- 55423213"));
        assert!(has_phone_number("Mobile /Whatsapps : +6012-918 7937"));
        assert!(!has_phone_number("LOT 1851-A & 1851-B, JALAN KPB 6,"));
        assert!(!has_phone_number("NO: 1-1&2 GROUND FLOOR,"));
        assert!(!has_phone_number("NO. 20-A1, JALAN SS6/3,"));
        assert!(!has_phone_number("SS21-123 JALAN"));
    }

    #[test]
    fn merchant_names_lose_ocr_debris() {
        assert_eq!(
            clean_name("* POPULAR BOOK CO. (M) SDN BHD"),
            "POPULAR BOOK CO. (M) SDN BHD"
        );
        assert_eq!(clean_name("BEMED (SP} SDN. BHD. |"), "BEMED (SP} SDN. BHD.");
        assert_eq!(
            clean_name("KING\u{2019}S CONFECTIONERY S/B"),
            "KING'S CONFECTIONERY S/B"
        );
        assert_eq!(
            clean_name("CHECKERS HYPERMARKET SDN BHD (JALAN KLANG LAMA)"),
            "CHECKERS HYPERMARKET SDN BHD (JALAN KLANG LAMA)"
        );
        assert!(only_legal_forms("CO. (M) SDN BHD"));
        assert!(!only_legal_forms("POPULAR BOOK"));
    }

    #[test]
    fn company_forms_mark_the_legal_name() {
        assert!(has_company_form("MIZU MENTAI SDN. BHD."));
        assert!(has_company_form("99 SPEED MART S/B"));
        assert!(!has_company_form("SUSHI MENTAI - MAHKOTA CHERAS"));
    }
}
