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
//! - the merchant's letterhead is printed above its address: a street line
//!   before any name means the name was a logo, and no merchant is given
//!   rather than a guess from labels;
//! - the total is the labelled amount the rest of the receipt agrees with
//!   ([`super::receipt_total`]).

use serde_json::{Map, Value};

use super::ocr_fix::repair_company_forms;
use super::position::{LEGAL_FORMS, NOT_ADDRESS, TITLES, is_name_like, strip_registration};
use super::receipt_address;
use super::run::{Field, Run, Source};
use crate::layout::{LineId, Span};
use crate::values::{Kind, all_dates};

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
/// Blank space between two address lines, in line heights, from which the
/// lower line belongs to what follows the letterhead.
const ADDRESS_GAP: f64 = 1.5;
/// Most lines an address spans.
const MAX_ADDRESS_LINES: usize = 5;

/// Words that occur on till receipts and hardly on invoices or letters.
const RECEIPT_WORDS: &[&str] = &[
    "cashier", "change", "cash", "rounding", "receipt", "counter", "tender", "tendered", "server",
    "guest", "guests", "gratuity", "tip", "tips",
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
                lines
                    .and_then(|l| self.joined_text(&l))
                    .map(|(text, span)| {
                        let text = text.as_str().map(receipt_address::normalise);
                        (text.map_or(Value::Null, Value::String), span)
                    })
            } else if names.is("total_gross") && field.kind == Kind::Number {
                self.receipt_total()
            } else {
                None
            };
            match found {
                Some((value, span)) => {
                    self.record(field.key.to_string(), RECEIPT, span, Source::Receipt);
                    values.insert(field.key.to_string(), value);
                    decided.push(field.key.to_string());
                }
                // A labelled "total" that is no receipt amount (`Total Qty 9`,
                // an amount OCR lost the point of) is worse than none, and so
                // is a merchant guessed from labels when the letterhead was a
                // logo (it is an address or a slogan line).
                None if (names.is("total_gross") && field.kind == Kind::Number)
                    || (names.is("seller_name") && field.kind == Kind::String) =>
                {
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
    pub(super) fn lines_top_down(&self) -> Vec<LineId> {
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
            // The name is printed above the address: a street line before
            // any name means the name was a logo OCR could not read.
            if line.bbox.top > limit || candidates.len() >= MERCHANT_CANDIDATES {
                break;
            }
            if is_street_line(&line.text) {
                // A name in title case (`Yam Fresh`, `BHPetrol Subang
                // Airport`) right above the street is the letterhead too.
                let above = i.checked_sub(1).and_then(|p| self.layout.line(order[p]));
                if candidates.is_empty()
                    && above.is_some_and(|l| {
                        is_title_case_name(&l.text) && mean_confidence(l) >= MIN_NAME_CONFIDENCE
                    })
                {
                    candidates.push(i - 1);
                }
                break;
            }
            let confident = mean_confidence(line) >= MIN_NAME_CONFIDENCE;
            // A shop that prints its name in mixed case (`Thai village`,
            // `Koho Restaurant`) has it as the first line of words.
            let plain_first = candidates.is_empty() && is_plain_name(&line.text);
            if (is_merchant_like(&line.text) || plain_first) && confident {
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
            // A blank of more than a line and a half closes the letterhead.
            let after_gap = out
                .last()
                .and_then(|prev| self.layout.line(*prev))
                .is_some_and(|prev| {
                    let height = prev.bbox.bottom - prev.bbox.top;
                    line.bbox.top - prev.bbox.bottom > ADDRESS_GAP * height
                });
            if after_gap || ends_address(text, self) || out.len() >= MAX_ADDRESS_LINES {
                break;
            }
            out.push(*id);
            if ends_with_country(text) || receipt_address::ends_with_postcode(text) {
                break;
            }
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
}

/// Whether a line below the address ends it: a contact, tax-id,
/// registration, title, web, date or amount line, or one without letters
/// (a phone number).
fn ends_address(text: &str, run: &Run<'_>) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.')
        .collect();
    words.iter().any(|w| NOT_ADDRESS.contains(w))
        // A title OCR read without its space (`TAXINVOICE`).
        || words.iter().any(|w| w.ends_with("invoice") || w.ends_with("receipt"))
        || ["www.", "http", ".com"].iter().any(|web| lower.contains(web))
        || text.split_whitespace().any(is_amount)
        || lower.contains('@')
        || has_phone_number(text)
        || is_company_number(text)
        || !all_dates(text, run.layout.date_order).is_empty()
        || !text.chars().any(char::is_alphabetic)
}

/// A price such as `21.32` or `1,250.00`: item and total lines carry them,
/// addresses do not.
fn is_amount(word: &str) -> bool {
    let Some((whole, cents)) = word.rsplit_once('.') else {
        return false;
    };
    cents.len() == 2
        && cents.chars().all(|c| c.is_ascii_digit())
        && !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit() || c == ',')
}

/// Country names that close a postal address when they end a line.
const COUNTRIES: &[&str] = &[
    "malaysia",
    "singapore",
    "indonesia",
    "thailand",
    "germany",
    "deutschland",
    "france",
    "spain",
    "españa",
    "netherlands",
    "nederland",
    "belgium",
    "belgique",
    "belgië",
    "austria",
    "österreich",
    "switzerland",
    "schweiz",
    "suisse",
    "italy",
    "italia",
    "usa",
];

/// Whether the line ends with a country name (`56000 Kuala Lumpur,
/// Malaysia`): the last line of an address, whatever follows it.
fn ends_with_country(text: &str) -> bool {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .rfind(|w| !w.is_empty())
        .is_some_and(|w| COUNTRIES.contains(&w.to_lowercase().as_str()))
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
/// handwriting yields upper-case debris such as `3 18 OF OF`. A line in
/// mixed case counts when it carries a company form (`Farmasi Maluri
/// S/B(587969-U)`), and words joined by `&` or `and` are a name's (`CASH &
/// CARRY`, `BAR & GRILL`), not a till or contact label.
fn is_merchant_like(text: &str) -> bool {
    let name = strip_registration(text);
    let visible = name.chars().filter(|c| !c.is_whitespace()).count();
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    let unjoined = without_conjoined_words(&name);
    let named = is_name_like(&name)
        || (unjoined != name && is_name_like(&unjoined))
        || (has_company_form(&name) && !is_company_number(&name));
    // Slogans and promotions end in an exclamation mark (`REDEEM VOUCHER
    // BEFORE POINTS EXPIRY!*`, `THANK YOU!`); names do not.
    let exclaimed = name.trim_end_matches(['*', ' ']).ends_with('!');
    named && letters * 2 > visible && !exclaimed
}

/// The text with each pair of words joined by `&` or `and` (`CASH &
/// CARRY`, `CASH&CARRY`) replaced by the neutral word `TRADE`: a
/// conjunction makes its neighbours part of a trade name, so they are no
/// till or contact label.
fn without_conjoined_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_word = |w: &str| !w.is_empty() && w.chars().all(char::is_alphabetic);
    let glued = |w: &str| matches!(w.split_once('&'), Some((a, b)) if is_word(a) && is_word(b));
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let conjunction = words
            .get(i + 1)
            .is_some_and(|c| *c == "&" || c.eq_ignore_ascii_case("and"));
        if conjunction && is_word(words[i]) && words.get(i + 2).is_some_and(|w| is_word(w)) {
            out.push("TRADE");
            i += 3;
        } else {
            out.push(if glued(words[i]) { "TRADE" } else { words[i] });
            i += 1;
        }
    }
    out.join(" ")
}

/// Two to five words of letters, each starting with a capital (`Yam
/// Fresh`), that are no title or contact line: how shops that print their
/// name in mixed case print it.
fn is_title_case_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let lower = text.to_lowercase();
    let clean = lower.trim().trim_matches(|c: char| !c.is_alphanumeric());
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '\'' || c == '&')
        })
        && !TITLES.contains(&clean)
        && !lower
            .split_whitespace()
            .any(|w| NOT_ADDRESS.contains(&w) || RECEIPT_WORDS.contains(&w))
}

/// One to five words of letters, the first capitalised, that are no
/// title, label, contact or till line: a shop name as a receipt's first
/// line prints it in any case (`Thai village`, `Cavendish & Ross`).
fn is_plain_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let lower = text.to_lowercase();
    let clean = lower.trim().trim_matches(|c: char| !c.is_alphanumeric());
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    (1..=5).contains(&words.len())
        && letters >= 4
        && words
            .first()
            .is_some_and(|w| w.starts_with(char::is_uppercase))
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '&' | '-' | '.'))
                // OCR debris leaves one-letter words (`Cele R`).
                && (w.chars().filter(|c| c.is_alphabetic()).count() >= 2 || *w == "&")
        })
        // A sentence (`Thank you. Please come again.`) is no name.
        && !(words.len() > 1 && text.trim_end().ends_with(['.', '!']))
        && !TITLES.contains(&clean)
        && !lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| NOT_ADDRESS.contains(&w) || RECEIPT_WORDS.contains(&w) || COURTESY.contains(&w))
}

/// Words of the courtesy lines receipts print (`Thank you`, `Please come
/// again`, `Have a nice day`), never of a shop's name.
const COURTESY: &[&str] = &[
    "thank", "thanks", "please", "again", "visit", "nice", "enjoy",
];

/// Street words of receipt addresses (Malay abbreviations included) and of
/// the languages the engine reads.
const STREET_WORDS: &[&str] = &[
    "jalan", "jln", "lorong", "lrg", "taman", "tmn", "lot", "blok", "street", "road", "rd",
    "avenue", "ave", "strasse", "straße", "str", "rue", "calle", "avenida", "straat", "weg",
];

/// An address line: a street word next to a number (`22 LRG PERUSAHAAN 4`,
/// `LOT P.T. 2811, JALAN ANGSA,`), or a five-digit postcode before a place
/// name (`40150 SHAH ALAM,`).
fn is_street_line(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != 'ß')
        .filter(|w| !w.is_empty())
        .collect();
    let number = words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()));
    // German compounds carry the street word at the end (`Hauptstraße`).
    let street = words
        .iter()
        .any(|w| STREET_WORDS.contains(w) || w.ends_with("straße") || w.ends_with("strasse"));
    // The place name after a postcode has letters (`31804 051` is a stamp).
    let postcode = words
        .first()
        .is_some_and(|w| w.len() == 5 && w.chars().all(|c| c.is_ascii_digit()))
        && words
            .get(1)
            .is_some_and(|w| w.chars().any(char::is_alphabetic));
    (number && street) || postcode
}

/// Whether every word is a company-form word (`CO. (M) SDN BHD`).
fn only_legal_forms(text: &str) -> bool {
    let lower = space_parentheses(&text.to_lowercase());
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
    let text = space_parentheses(&text.replace(['\u{2018}', '\u{2019}'], "'"));
    let text = text.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '(');
    let mut words: Vec<&str> = text.split_whitespace().collect();
    // A one-word label before the name (`Dimiliki: BANH MI CAFE SDN BHD`,
    // Malay for "owned by").
    let label = words.first().and_then(|w| w.strip_suffix(':'));
    if words.len() > 2 && label.is_some_and(|l| l.len() >= 4 && l.chars().all(char::is_alphabetic))
    {
        words.remove(0);
    }
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

/// A parenthesised part of a name set off by spaces, as names print it
/// (`GARDENIA BAKERIES(KL)SDN BHD` → `GARDENIA BAKERIES (KL) SDN BHD`):
/// OCR loses the narrow gaps beside parentheses.
fn space_parentheses(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (i, c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        if *c == '(' && prev.is_some_and(|p| p.is_alphanumeric() || p == '.') {
            out.push(' ');
        }
        out.push(*c);
        if *c == ')' && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) {
            out.push(' ');
        }
    }
    out
}

/// Whether a company-form word occurs, also one joined to the next by a
/// point (`SDN.BHD`).
fn has_company_form(text: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
        .any(|w| COMPANY_FORMS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;
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
            clean_name("GARDENIA BAKERIES(KL)SDN BHD"),
            "GARDENIA BAKERIES (KL) SDN BHD"
        );
        assert_eq!(
            clean_name("MR. D.I.Y.(M) SDN BHD"),
            "MR. D.I.Y. (M) SDN BHD"
        );
        assert_eq!(
            clean_name("KING\u{2019}S CONFECTIONERY S/B"),
            "KING'S CONFECTIONERY S/B"
        );
        assert_eq!(
            clean_name("CHECKERS HYPERMARKET SDN BHD (JALAN KLANG LAMA)"),
            "CHECKERS HYPERMARKET SDN BHD (JALAN KLANG LAMA)"
        );
        assert!(only_legal_forms("CO. (M) SDN BHD"));
        assert!(only_legal_forms("CO.(M) SDN BHD"));
        assert!(!only_legal_forms("POPULAR BOOK"));
    }

    #[test]
    fn trade_names_and_mixed_case_company_lines_are_merchants() {
        assert!(is_merchant_like("SLF CASH & CARRY"));
        assert!(is_merchant_like("HARBOR FISH & CHIPS BAR"));
        assert!(is_merchant_like("THE TABLE AND BENCH CO"));
        assert!(!is_merchant_like("TABLE 12"));
        assert_eq!(without_conjoined_words("ACME CASH&CARRY"), "ACME TRADE");
        assert_eq!(without_conjoined_words("SLF CASH AND CARRY"), "SLF TRADE");
        assert!(is_merchant_like("Farmasi Maluri S/B(587969-U)"));
        assert!(!is_merchant_like("CASH"));
        assert!(!is_merchant_like("Cashier : Kelly"));
    }

    #[test]
    fn titles_web_addresses_and_amounts_end_the_address() {
        assert!(is_amount("21.32") && is_amount("1,250.00"));
        assert!(!is_amount("NO.53") && !is_amount("G.23") && !is_amount("5.90SR"));
    }

    #[test]
    fn a_country_closes_the_address() {
        assert!(ends_with_country(
            "Desa Tun Razak 56000 Kuala Lumpur, Malaysia ."
        ));
        assert!(!ends_with_country("TAMAN MALAYSIA JAYA,"));
    }

    #[test]
    fn slogans_and_labels_are_not_part_of_names() {
        assert!(!is_merchant_like("REDEEM VOUCHER BEFORE POINTS EXPIRY!*"));
        assert!(is_merchant_like("SEGI CASH & CARRY SDN.BHD"));
        assert_eq!(
            clean_name("Dimiliki: banh mi cafe Sdn bhd"),
            "banh mi cafe Sdn bhd"
        );
        assert_eq!(clean_name("NO: 12 TRADING"), "NO: 12 TRADING");
    }

    #[test]
    fn title_case_names_are_told_from_titles_and_labels() {
        assert!(is_title_case_name("Yam Fresh"));
        assert!(is_title_case_name("BHPetrol Subang Airport"));
        assert!(!is_title_case_name("Tax Invoice"));
        assert!(!is_title_case_name("Cashier Kelly"));
        assert!(!is_title_case_name("Welcome"));
        assert!(!is_title_case_name("Table 5"));
    }

    #[test]
    fn a_first_line_of_words_in_any_case_is_a_shop_name() {
        assert!(is_plain_name("Thai village"));
        assert!(is_plain_name("Cavendish & Ross"));
        assert!(is_plain_name("Guacamole"));
        assert!(!is_plain_name("Server: Ann"));
        assert!(!is_plain_name("Receipt"));
        assert!(!is_plain_name("4903 Main Road"));
        assert!(!is_plain_name("thank you"));
        assert!(!is_plain_name("Thank You. Please come again."));
        assert!(!is_plain_name("Cele R"));
    }

    #[test]
    fn a_mixed_case_shop_name_heads_its_receipt() {
        let schema = serde_json::json!({"type": "object", "properties": {
            "store_name": {"type": ["string", "null"]},
            "store_address": {"type": ["string", "null"]},
        }});
        let text = "\
Harbor Noodle House
4903 Elm Road
Springfield, IL 62704
Thank you for visiting
Server: Ann      Guests: 2
Noodles          12.00
Subtotal         12.00
Total            12.00
Cash             20.00
Change            8.00
";
        let value = crate::rules::extract_text(text, schema);
        assert_eq!(value["store_name"], "Harbor Noodle House");
        assert_eq!(
            value["store_address"],
            "4903 Elm Road Springfield, IL 62704"
        );
    }

    #[test]
    fn street_lines_are_not_merchant_names() {
        assert!(is_street_line("22 LRG PERUSAHAAN 4"));
        assert!(is_street_line("LOT P.T. 2811, JALAN ANGSA,"));
        assert!(is_street_line("40150 SHAH ALAM,"));
        assert!(!is_street_line("31804 051"));
        assert!(is_street_line("Hauptstraße 5"));
        assert!(!is_street_line("99 SPEED MART S/B"));
        assert!(!is_street_line("TAMAN SRI PUTRA BAKERY"));
        assert!(!is_street_line("MR. D.I.Y. (M) SDN BHD"));
    }

    #[test]
    fn company_forms_mark_the_legal_name() {
        assert!(has_company_form("MIZU MENTAI SDN. BHD."));
        assert!(has_company_form("99 SPEED MART S/B"));
        assert!(!has_company_form("SUSHI MENTAI - MAHKOTA CHERAS"));
        assert!(has_company_form("ST TIONERY SDN.BHD"));
    }
}
