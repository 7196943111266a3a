//! Fields best found by where they sit rather than by a label, used only
//! when no label named them: the issuer of a receipt or letter is its top
//! name-like line (the letterhead) and its address the lines below; the
//! document date is the date on its title line (`Rechnung Nr. 7 vom
//! 03.07.2014`), else its first date; the grand total is the largest amount
//! on a line that says "total"; the currency is the one the document uses
//! most; an IBAN is recognised by its check digits wherever it is printed;
//! a time of sale and a letterhead phone number by their shape
//! ([`super::printed_details`]).
//!
//! Values found this way carry a lower confidence ([`POSITIONAL`]) than
//! labelled ones.

use serde_json::{Map, Value};

use super::run::{Field, Run, Source};
use crate::layout::{LineId, Span};
use crate::values::{
    Kind, all_dates, currency_code, normalize_iban, number_value, parse_currency, parse_number,
};

/// Confidence of a value found by position before OCR confidence is applied.
const POSITIONAL: f64 = 0.5;
/// How far down page 1 (as a fraction of its height) a letterhead may start.
const LETTERHEAD_ZONE: f64 = 0.35;
/// Most lines an address block spans.
const MAX_ADDRESS_LINES: usize = 5;

/// Words of a line that ends an address block or cannot be a company name.
pub(super) const NOT_ADDRESS: &[&str] = &[
    "tel", "tel.", "fax", "phone", "telefon", "gst", "email", "e-mail", "invoice", "receipt",
    "cashier", "date", "hours", "www", "http", "vat", "ust", "tva", "iban", "order", "table",
    "rechnung", "facture", "factura", "factuur", "bill", "cash", "member",
];
/// Words of a "total" line that make it a count or a partial sum.
pub(super) const NOT_TOTAL: &[&str] = &[
    "qty",
    "quantity",
    "items",
    "item",
    "excl",
    "exclusive",
    "excluding",
    "saving",
    "savings",
    "discount",
    "points",
];
/// Lines that title a document instead of naming its issuer.
pub(super) const TITLES: &[&str] = &[
    "invoice",
    "tax invoice",
    "receipt",
    "official receipt",
    "cash sales",
    "cash bill",
    "simplified tax invoice",
    "rechnung",
    "facture",
    "factura",
    "factuur",
    "quittung",
    "bon",
];
/// Words that open a document's title line and name its type, including
/// credit notes (which [`TITLES`] leaves out because they are no letterhead
/// concern).
const DOCUMENT_TYPES: &[&str] = &[
    "invoice",
    "tax invoice",
    "credit note",
    "receipt",
    "rechnung",
    "gutschrift",
    "facture",
    "avoir",
    "factura",
    "nota de crédito",
    "factuur",
    "creditnota",
];

/// Whether `text` is a title line: it starts with a document-type word
/// (`Rechnung Nr. 7 vom …`, `Invoice #12 dated …`), not merely mentions one.
/// A German compound counts (`Handelsrechnung`, `Rechnungskorrektur`).
fn is_title_line(text: &str) -> bool {
    let lower = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let first_word = lower.split(|c: char| !c.is_alphanumeric()).next();
    opens_with(text, DOCUMENT_TYPES)
        || DOCUMENT_TYPES.iter().any(|t| {
            !t.contains(' ')
                && t.chars().count() >= MIN_COMPOUND_TYPE
                && first_word.is_some_and(|w| w.starts_with(t) || w.ends_with(t))
        })
}

/// Whether `text` (after leading punctuation such as `##`) starts with one
/// of the lower-case `phrases` as whole words.
pub(super) fn opens_with(text: &str, phrases: &[&str]) -> bool {
    let lower = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    phrases.iter().any(|t| {
        lower
            .strip_prefix(t)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
    })
}

/// Shortest document-type word recognised inside a compound.
const MIN_COMPOUND_TYPE: usize = 7;

/// Company-form words that may stand on a line of their own below the name.
pub(super) const LEGAL_FORMS: &[&str] = &[
    "sdn",
    "bhd",
    "berhad",
    "co",
    "(m)",
    "ltd",
    "limited",
    "gmbh",
    "ag",
    "inc",
    "llc",
    "plc",
    "sarl",
    "sa",
    "bv",
    "nv",
    "sl",
    "enterprise",
    "trading",
    "&",
];

impl Run<'_> {
    /// Fills the root object's still-empty leaves that can be found by
    /// position, except those in `decided` (already settled, possibly as
    /// `null`, by a more specific reader such as [`Run::receipt`]).
    pub(super) fn positional(
        &mut self,
        fields: &[Field],
        decided: &[String],
        values: &mut Map<String, Value>,
    ) {
        let mut company: Option<Vec<LineId>> = None;
        for field in fields {
            let names = &field.names;
            if !values.get(field.key).is_some_and(Value::is_null)
                || decided.iter().any(|k| k == field.key)
            {
                continue;
            }
            let found = if names.is("seller_name") && field.kind == Kind::String {
                company = company.or_else(|| self.letterhead());
                company.as_ref().and_then(|lines| self.joined(lines))
            } else if names.is("buyer_name") && field.kind == Kind::String {
                self.recipient_name(None)
                    .map(|(text, span)| (Value::String(text), span))
            } else if names.is("address") && field.kind == Kind::String {
                company = company.or_else(|| self.letterhead());
                let lines = company.as_ref().map(|c| self.address_below(c));
                lines.and_then(|l| self.joined(&l))
            } else if names.is("invoice_date") && field.kind == Kind::Date {
                self.first_date()
            } else if names.is("total_gross") && matches!(field.kind, Kind::Number | Kind::Currency)
            {
                self.largest_total(&field.kind)
            } else if names.is("currency") && field.kind == Kind::String {
                self.dominant_currency()
            } else if names.is("iban") && field.kind == Kind::String {
                self.any_iban()
            } else if names.is("time") && field.kind == Kind::String {
                self.printed_time()
            } else if names.is("phone") && field.kind == Kind::String {
                self.letterhead_phone()
            } else {
                None
            };
            if let Some((value, span)) = found {
                self.record(field.key.to_string(), POSITIONAL, span, Source::Position);
                values.insert(field.key.to_string(), value);
            }
        }
    }

    /// Lines not claimed by a table, in reading order.
    fn free_lines(&self) -> impl Iterator<Item = LineId> + '_ {
        self.layout
            .line_ids()
            .filter(|id| !self.table_lines.contains(id))
    }

    /// The issuer's name lines: the first name-like line near the top of
    /// page 1, with a following line that only holds its legal form.
    fn letterhead(&self) -> Option<Vec<LineId>> {
        let page = self.layout.page(0)?;
        let limit = page.height * LETTERHEAD_ZONE;
        let first = self
            .free_lines()
            .take_while(|id| id.page == 0)
            .filter(|id| self.layout.line(*id).is_some_and(|l| l.bbox.top <= limit))
            .find(|id| self.layout.line(*id).is_some_and(|l| is_name_like(&l.text)))?;
        let mut lines = vec![first];
        let next = LineId {
            page: first.page,
            line: first.line + 1,
        };
        let continues = |text: &str| {
            let lower = text.to_lowercase();
            let words: Vec<&str> = lower.split_whitespace().collect();
            !words.is_empty()
                && words
                    .iter()
                    .all(|w| LEGAL_FORMS.contains(&w.trim_end_matches('.')))
        };
        let first_text = self
            .layout
            .line(first)
            .map(|l| l.text.trim_end().to_string())?;
        if let Some(line) = self.layout.line(next)
            && (first_text.ends_with('&') || continues(&strip_registration(&line.text)))
        {
            lines.push(next);
        }
        Some(lines)
    }

    /// The address lines under the issuer's name, up to a contact or title line.
    fn address_below(&self, company: &[LineId]) -> Vec<LineId> {
        let Some(last) = company.last() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let Some(page) = self.layout.page(last.page) else {
            return out;
        };
        for index in last.line + 1..page.lines.len() {
            let id = LineId {
                page: last.page,
                line: index,
            };
            let Some(line) = self.layout.line(id) else {
                break;
            };
            let text = line.text.trim();
            if is_registration(text) && out.is_empty() {
                continue;
            }
            let lower = text.to_lowercase();
            let stop = lower
                .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.')
                .any(|w| NOT_ADDRESS.contains(&w))
                || lower.contains('@')
                || !all_dates(text, self.layout.date_order).is_empty()
                || !text.chars().any(char::is_alphabetic);
            if stop || out.len() >= MAX_ADDRESS_LINES {
                break;
            }
            out.push(id);
        }
        out
    }

    /// Lines joined with single spaces, registration numbers removed.
    pub(super) fn joined(&self, lines: &[LineId]) -> Option<(Value, Span)> {
        let texts: Vec<String> = lines
            .iter()
            .filter_map(|id| self.layout.line(*id))
            .map(|l| strip_registration(&l.text))
            .filter(|t| !t.is_empty())
            .collect();
        let first = *lines.first()?;
        let text = texts.join(" ");
        (!text.is_empty()).then(|| (Value::String(text), self.layout.line_span(first)))
    }

    /// The document date: the first date on a title line, else the first
    /// date anywhere. The title is preferred because generated documents
    /// often print other dates above it (a stylesheet or form version, a
    /// print date) that are not the document's.
    fn first_date(&self) -> Option<(Value, Span)> {
        let date_on = |id: LineId| {
            let line = self.layout.line(id)?;
            let date = all_dates(&line.text, self.layout.date_order)
                .into_iter()
                .next()?;
            Some((Value::String(date), self.layout.line_span(id)))
        };
        let titled = self.free_lines().find(|id| {
            self.layout
                .line(*id)
                .is_some_and(|l| is_title_line(&l.text))
                && date_on(*id).is_some()
        });
        titled.map_or_else(|| self.free_lines().find_map(date_on), date_on)
    }

    /// The largest amount printed on a line that says total (not subtotal).
    fn largest_total(&self, kind: &Kind) -> Option<(Value, Span)> {
        let mut best: Option<(f64, LineId)> = None;
        for id in self.layout.line_ids() {
            let Some(line) = self.layout.line(id) else {
                continue;
            };
            let lower = line.text.to_lowercase();
            let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
            let says_total = words.iter().any(|w| {
                matches!(
                    *w,
                    "total" | "jumlah" | "gesamt" | "gesamtbetrag" | "totaal" | "due"
                )
            }) && !words.iter().any(|w| NOT_TOTAL.contains(w))
                && !lower.contains("sub");
            if !says_total {
                continue;
            }
            let Some(amount) = last_amount(&line.text) else {
                continue;
            };
            if best.is_none_or(|(b, _)| amount > b) {
                best = Some((amount, id));
            }
        }
        let (amount, id) = best?;
        let value = match kind {
            Kind::Currency => parse_currency(&format!("{amount} {}", self.dominant_code()?))
                .or_else(|| parse_currency(&amount.to_string()))?,
            _ => number_value(amount, false)?,
        };
        Some((value, self.layout.line_span(id)))
    }

    fn dominant_code(&self) -> Option<&'static str> {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for id in self.layout.line_ids() {
            let Some(line) = self.layout.line(id) else {
                continue;
            };
            for tok in &line.toks {
                if let Some(code) = currency_code(&tok.text) {
                    match counts.iter_mut().find(|(c, _)| *c == code) {
                        Some(entry) => entry.1 += 1,
                        None => counts.push((code, 1)),
                    }
                }
            }
        }
        counts.into_iter().max_by_key(|(_, n)| *n).map(|(c, _)| c)
    }

    fn dominant_currency(&self) -> Option<(Value, Span)> {
        let code = self.dominant_code()?;
        let id = self.layout.line_ids().find(|id| {
            self.layout
                .line(*id)
                .is_some_and(|l| l.toks.iter().any(|t| currency_code(&t.text) == Some(code)))
        })?;
        Some((Value::String(code.to_string()), self.layout.line_span(id)))
    }

    fn any_iban(&self) -> Option<(Value, Span)> {
        self.free_lines().find_map(|id| {
            let iban = normalize_iban(&self.layout.line(id)?.text)?;
            Some((Value::String(iban), self.layout.line_span(id)))
        })
    }
}

/// The last amount on a line (`TOTAL RM 12.50` → 12.5), ignoring percentages.
fn last_amount(text: &str) -> Option<f64> {
    text.split_whitespace()
        .rev()
        .filter(|w| !w.ends_with('%'))
        .filter(|w| w.chars().any(|c| c == '.' || c == ','))
        .find_map(parse_number)
}

/// Upper-case text with at least two words of letters, not a document title,
/// a contact line or a number.
pub(super) fn is_name_like(text: &str) -> bool {
    let clean = strip_registration(text);
    let letters: Vec<char> = clean.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 4 {
        return false;
    }
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    let lower = clean.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let title = TITLES.contains(&lower.trim().trim_matches(|c: char| !c.is_alphanumeric()));
    let contact = words
        .iter()
        .any(|w| NOT_ADDRESS.contains(&w.trim_end_matches([':', '.'])));
    // Mixed case counts when a legal form says it is a company (`Acme Tools Ltd`).
    let company = words
        .iter()
        .any(|w| LEGAL_FORMS.contains(&w.trim_end_matches('.')) && *w != "&" && *w != "co");
    (upper * 2 >= letters.len() || company)
        && !title
        && !contact
        && !is_registration(text)
        && !states_a_value(&clean)
}

/// Whether a line states a date or an amount (`TOTAL AMOUNT DUE ON August
/// 3, 2014 $4.11`, `PAID 12/05/2023`): a sentence or a label with its
/// value, never a name.
fn states_a_value(text: &str) -> bool {
    let amount = text.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '$' | '€' | '£'));
        let digits = w.trim_start_matches(['$', '€', '£']);
        let priced = digits.len() < w.len() && digits.starts_with(|c: char| c.is_ascii_digit());
        let cents = digits.rsplit_once(['.', ',']).is_some_and(|(whole, frac)| {
            frac.len() == 2
                && !whole.is_empty()
                && whole
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
                && frac.chars().all(|c| c.is_ascii_digit())
        });
        priced || cents
    });
    amount || !all_dates(text, crate::values::DateOrder::DayFirst).is_empty()
}

/// `(126926-H)`, `JM0352019-K`, `Co. No. 113825-W`: a company registration line.
fn is_registration(text: &str) -> bool {
    let lower = text.to_lowercase();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    (digits >= 4 && letters <= 3)
        || lower.contains("reg")
        || lower.contains("co. no")
        || (text.trim().starts_with('(') && digits >= 4)
}

/// The text without a `(123456-X)` registration number (whose parenthesis
/// OCR may read as `{` or `[`): cut off where it ends the line, taken out
/// where a name printed on two lines beside it was joined around it
/// (`YONG TAT (JM0292487-D) HARDWARE TRADING`).
pub(super) fn strip_registration(text: &str) -> String {
    let trimmed = text.trim();
    let Some(open) = trimmed.rfind(['(', '{', '[']) else {
        return trimmed.to_string();
    };
    let group = &trimmed[open..];
    let close = group.find([')', '}', ']']).map_or(group.len(), |i| i + 1);
    if group[..close].chars().filter(char::is_ascii_digit).count() < 3 {
        return trimmed.to_string();
    }
    let rest = group[close..].trim();
    let head = trimmed[..open].trim_end();
    if rest.is_empty() || head.is_empty() {
        head.to_string()
    } else {
        format!("{head} {rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_like_lines_are_upper_case_names_not_titles_or_contacts() {
        assert!(is_name_like("SOON HUAT MACHINERY ENTERPRISE"));
        assert!(is_name_like("AEON CO. (M) BHD (126926-H)"));
        assert!(!is_name_like("tan chay yee"));
        assert!(is_name_like("Silverline Werkzeuge Ltd"));
        assert!(!is_name_like("TAX INVOICE"));
        assert!(!is_name_like("TEL: 03-3271 9872"));
        assert!(!is_name_like("(001451637-M)"));
        assert!(!is_name_like("TOTAL AMOUNT DUE ON August 3 , 2014 $4.11"));
        assert!(!is_name_like("BALANCE DUE 1,250.00"));
        assert!(is_name_like("7-ELEVEN MALAYSIA SDN BHD"));
        assert_eq!(
            strip_registration("99 SPEED MART S/B {519537-X)"),
            "99 SPEED MART S/B"
        );
    }

    #[test]
    fn registration_numbers_are_stripped() {
        assert_eq!(
            strip_registration("AEON CO. (M) BHD (126926-H)"),
            "AEON CO. (M) BHD"
        );
        assert_eq!(strip_registration("CO. (M) SDN BHD"), "CO. (M) SDN BHD");
        assert_eq!(
            strip_registration("YONG TAT (JM0292487-D) HARDWARE TRADING"),
            "YONG TAT HARDWARE TRADING"
        );
        assert!(is_registration("(JM0352019-K)"));
        assert!(is_registration("Company Reg No. SA03711951-F"));
        assert!(!is_registration("NO.53 JALAN PUTRA 1,"));
    }

    #[test]
    fn title_lines_start_with_a_document_type() {
        assert!(is_title_line("Rechnung # RE-502 vom 03.07.2014"));
        assert!(is_title_line("## Gutschrift (389) Nr. 4711 vom 31.10.2018"));
        assert!(is_title_line("Invoice: 12 dated 2024-01-05"));
        assert!(is_title_line(
            "Handelsrechnung (380) Nr. 471102 vom 15.11.2024"
        ));
        assert!(is_title_line("Rechnungskorrektur Nr. RK2 vom 16.09.2018"));
        assert!(!is_title_line("Stylesheet-Version: 2.5 vom 10.01.2023"));
        assert!(!is_title_line("Payable 30 days after invoice date"));
    }

    #[test]
    fn last_amount_skips_percentages_and_counts() {
        assert_eq!(last_amount("TOTAL RM 12.50"), Some(12.5));
        assert_eq!(last_amount("Total incl. 6% GST 10.60"), Some(10.6));
        assert_eq!(last_amount("Total Qty 9"), None);
    }
}
