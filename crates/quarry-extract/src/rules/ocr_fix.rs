//! Repairs of the character slips OCR makes on thermal-printed receipts,
//! limited to places where the intended text is known from its shape:
//!
//! - amounts whose decimal point was lost or detached (`327 00`, `49. 39`),
//!   glued to a currency code or symbol (`RM49.40`, `$7.60`, `€4,70`) or
//!   followed by a tax code
//!   (`12.48 SR`);
//! - the Malaysian company forms `SDN BHD` and `S/B`, which tesseract often
//!   reads one letter off (`SON BHD`, `SDN BHO`) or with look-alike glyphs
//!   (`5/8`, see [`fold_glyphs`]). `SDN`/`BHD` are repaired only next to
//!   each other, so ordinary words stay as printed.

use strsim::levenshtein;

use crate::values::strip_currency_prefix;

/// The amount printed at the end of `text`, if the line ends in one with two
/// decimals. Tax codes of one or two letters after the amount are skipped.
pub(super) fn amount_at_end(text: &str) -> Option<f64> {
    let mut tokens: Vec<&str> = text.split_whitespace().collect();
    // A tax code (`SR`, `Z`) or a table rule (`|`) after the amount.
    for _ in 0..2 {
        if tokens
            .last()
            .is_some_and(|t| t.chars().count() <= 2 && !t.chars().any(|c| c.is_ascii_digit()))
        {
            tokens.pop();
        }
    }
    let last = strip_currency(tokens.last()?);
    if let Some(amount) = decimal_amount(&last) {
        return Some(amount);
    }
    // `327 00`, `49. 39`: the fraction became a word of its own.
    if tokens.len() >= 2 && last.len() == 2 && last.chars().all(|c| c.is_ascii_digit()) {
        let whole = strip_currency(tokens[tokens.len() - 2]);
        let (sign, whole) = match whole.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", whole.as_str()),
        };
        let whole = whole.trim_end_matches(['.', ',']);
        if !whole.is_empty() && whole.chars().all(|c| c.is_ascii_digit()) && whole.len() <= 6 {
            return format!("{sign}{whole}.{last}").parse().ok();
        }
    }
    None
}

/// `RM12.50` → `12.50`, `-$3.00` → `-3.00`; the sign is kept. Marks OCR
/// reads around the currency (`<RM_34.80`, `(RM12.00`) go too.
fn strip_currency(token: &str) -> String {
    let (sign, rest) = match token.strip_prefix(['-', '~']) {
        Some(rest) => ("-", rest),
        None => ("", token),
    };
    let lower = rest.to_lowercase();
    let lower = lower.trim_start_matches(['<', '(', ':']);
    let rest = strip_currency_prefix(lower);
    let rest = rest.trim_start_matches([':', '.', '(', '_']);
    format!("{sign}{}", rest.trim_end_matches([':', ';', ')', '|']))
}

/// How many two-decimal amounts the text holds: a `Total` row with two
/// (`TOTAL : 26.00 1.56`) is a line of a tax breakdown, not the total.
pub(super) fn amount_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|t| decimal_amount(&strip_currency(t)).is_some())
        .count()
}

/// A token such as `1,234.56`, `34,70` or `-0.01` (two decimals, either
/// separator); `O` read for `0` inside it is accepted.
fn decimal_amount(token: &str) -> Option<f64> {
    let (negative, body) = match token.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, token),
    };
    let body: Vec<char> = body
        .chars()
        .map(|c| if c == 'O' || c == 'o' { '0' } else { c })
        .collect();
    let sep = body.len().checked_sub(3)?;
    if !matches!(body[sep], '.' | ',') || sep == 0 {
        return None;
    }
    let frac: String = body[sep + 1..].iter().collect();
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: String = body[..sep]
        .iter()
        .filter(|c| **c != ',' && **c != '.')
        .collect();
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let value: f64 = format!("{whole}.{frac}").parse().ok()?;
    Some(if negative { -value } else { value })
}

/// The text with misread `SDN`, `BHD` and `S/B` company forms corrected,
/// also where they are printed joined by a point (`Sdn.Rhd`).
pub(super) fn repair_company_forms(text: &str) -> String {
    let words: Vec<String> = text
        .split(' ')
        .map(|word| match word.split_once('.') {
            Some((sdn, bhd))
                if sdn.len() == 3
                    && bhd.trim_end_matches('.').len() == 3
                    && word.chars().filter(|c| c.is_alphabetic()).count() == 6 =>
            {
                repair_spaced_forms(&format!("{sdn}. {bhd}")).replacen(". ", ".", 1)
            }
            _ => word.to_string(),
        })
        .collect();
    repair_spaced_forms(&words.join(" "))
}

/// [`repair_company_forms`] for forms written as words of their own.
fn repair_spaced_forms(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let core = |w: &str| -> String {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/')
            .to_uppercase()
    };
    let cores: Vec<String> = words.iter().map(|w| core(w)).collect();
    let near = |c: &str, target: &str, max: usize| c.len() >= 3 && levenshtein(c, target) <= max;
    let mut out = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let c = &cores[i];
        let next = cores.get(i + 1).map(String::as_str).unwrap_or("");
        let prev = i.checked_sub(1).map(|p| cores[p].as_str()).unwrap_or("");
        let fixed = if c != "SDN" && near(c, "SDN", 1) && (next == "BHD" || near(next, "BHD", 2)) {
            Some("SDN")
        } else if c != "BHD" && c.len() <= 4 && near(c, "BHD", 2) && near(prev, "SDN", 1) {
            Some("BHD")
        } else if c != "S/B" && is_sb_shape(c) {
            Some("S/B")
        } else {
            None
        };
        out.push(match fixed {
            Some(form) => replace_core(word, form),
            None => (*word).to_string(),
        });
    }
    out.join(" ")
}

/// Whether `core` is the `S/B` abbreviation (Sdn Bhd) with some of its
/// characters read as their look-alikes (`5/8`, `S/8`).
fn is_sb_shape(core: &str) -> bool {
    fold_glyphs(core) == fold_glyphs("S/B")
}

/// The text with characters that OCR confuses on thermal print folded to
/// one representative each: `5`/`$` and `S`, `8` and `B`, `0`/`D`/`Q` and
/// `O`, `1`/`|`/`l` and `I`, `2` and `Z`. Two words that fold alike read
/// the same to a recogniser.
fn fold_glyphs(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_ascii_uppercase() {
            '5' | '$' => 'S',
            '8' => 'B',
            '0' | 'D' | 'Q' => 'O',
            '1' | '|' | 'L' => 'I',
            '2' => 'Z',
            other => other,
        })
        .collect()
}

/// The word with its alphanumeric core replaced, punctuation around it kept
/// (`SON.` → `SDN.`), in the word's letter case.
fn replace_core(word: &str, form: &str) -> String {
    let start = word
        .find(|c: char| c.is_alphanumeric() || c == '$')
        .unwrap_or(0);
    let end = word
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(word.len(), |(i, c)| i + c.len_utf8())
        .max(start);
    let lower = word[start..end].chars().any(char::is_lowercase);
    let form = if lower {
        let mut s = form[..1].to_string();
        s.push_str(&form[1..].to_lowercase());
        s
    } else {
        form.to_string()
    };
    format!("{}{}{}", &word[..start], form, &word[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_survive_lost_points_currency_and_tax_codes() {
        assert_eq!(amount_at_end("Total Sales : 327.00"), Some(327.0));
        assert_eq!(amount_at_end("Total Qty 9 327 00"), Some(327.0));
        assert_eq!(amount_at_end("Total RM 49. 39"), Some(49.39));
        assert_eq!(amount_at_end("Nett Total: $7.60"), Some(7.6));
        assert_eq!(amount_at_end("CASH RM10.00"), Some(10.0));
        assert_eq!(amount_at_end("TOTAL €4,70"), Some(4.7));
        assert_eq!(amount_at_end("Total AED152.00"), Some(152.0));
        assert_eq!(amount_at_end("BALANCE £5.55"), Some(5.55));
        assert_eq!(amount_at_end("Change Due : 34,70"), Some(34.7));
        assert_eq!(amount_at_end("Rounding -0.01"), Some(-0.01));
        assert_eq!(amount_at_end("COKE ZERO 2.50 SR"), Some(2.5));
        assert_eq!(amount_at_end("TOTAL 1,234.50"), Some(1234.5));
        assert_eq!(amount_at_end("Total 4O.40"), Some(40.4));
        assert_eq!(
            amount_at_end("Total (Inclusive of GST) : ( 47.10)"),
            Some(47.1)
        );
        assert_eq!(amount_at_end("Total Incl. of GST 7.00 |"), Some(7.0));
        assert_eq!(amount_at_end("Total Qty: 2"), None);
        assert_eq!(amount_at_end("Table 5"), None);
        assert_eq!(amount_at_end("Cash -50. 00"), Some(-50.0));
        assert_eq!(amount_at_end("11°40"), None);
        assert_eq!(amount_at_end("21u:30-—sr"), None);
        assert_eq!(amount_at_end("~ Total Incl. GST@6% <RM_34.80"), Some(34.8));
    }

    #[test]
    fn breakdown_rows_hold_two_amounts() {
        assert_eq!(amount_count("TOTAL : 26.00 1.56"), 2);
        assert_eq!(amount_count("Total Qty. : 1 26.00"), 1);
        assert_eq!(amount_count("Total Sales (Inclusive GST) RM 177.22"), 1);
    }

    #[test]
    fn company_forms_are_repaired_only_next_to_each_other() {
        assert_eq!(
            repair_company_forms("UNIHAKKA INTERNATIONAL SON BHD"),
            "UNIHAKKA INTERNATIONAL SDN BHD"
        );
        assert_eq!(
            repair_company_forms("POPULAR BOOK CO. (M) SDN BAD"),
            "POPULAR BOOK CO. (M) SDN BHD"
        );
        assert_eq!(
            repair_company_forms("99 SPEED MART 5/8"),
            "99 SPEED MART S/B"
        );
        assert_eq!(repair_company_forms("SDN BHÖ"), "SDN BHD");
        assert_eq!(repair_company_forms("ACME S/8"), "ACME S/B");
        assert_eq!(repair_company_forms("A/B TESTING"), "A/B TESTING");
        assert_eq!(repair_company_forms("Segi Sdn. kbd"), "Segi Sdn. Bhd");
        assert_eq!(repair_company_forms("Segi Sdn.Rhd"), "Segi Sdn.Bhd");
        assert_eq!(repair_company_forms("SEGI SDN.BHD"), "SEGI SDN.BHD");
        assert_eq!(repair_company_forms("Tel.No"), "Tel.No");
        assert_eq!(
            repair_company_forms("MIZU MENTAI SDN. BHD."),
            "MIZU MENTAI SDN. BHD."
        );
        // A word like a company form but without a partner stays as printed.
        assert_eq!(repair_company_forms("SON OF BHAD"), "SON OF BHAD");
    }
}
