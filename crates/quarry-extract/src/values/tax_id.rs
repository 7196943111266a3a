//! Tax identifiers as printed next to `VAT`, `USt-IdNr.` or `TVA`: a VAT
//! number in one of the European formats (`DE 123 456 789`, `FR 40 303 265
//! 045`, `NL 8019.96.603.B01`) comes back in its electronic form
//! (`DE123456789`), checked against its country's shape so that a postcode or
//! a phone number next to the label is not taken for it. Other tax numbers
//! that share the labels (a German `Steuernummer 21/815/08150`, a SIRET) are
//! kept as printed.

/// VAT number shapes by country prefix: each pattern letter is `9` (a
/// digit), `A` (a letter) or `X` (either); `|` separates alternatives.
const VAT_SHAPES: &[(&str, &str)] = &[
    ("AT", "A99999999"),
    ("BE", "9999999999"),
    ("BG", "999999999|9999999999"),
    ("CHE", "999999999"),
    ("CY", "99999999A"),
    ("CZ", "99999999|999999999|9999999999"),
    ("DE", "999999999"),
    ("DK", "99999999"),
    ("EE", "999999999"),
    ("EL", "999999999"),
    ("ES", "X9999999X"),
    ("FI", "99999999"),
    ("FR", "XX999999999"),
    ("GB", "999999999|999999999999"),
    ("HR", "99999999999"),
    ("HU", "99999999"),
    ("IE", "9X99999A|9999999AA"),
    ("IT", "99999999999"),
    ("LT", "999999999|999999999999"),
    ("LU", "99999999"),
    ("LV", "99999999999"),
    ("MT", "99999999"),
    ("NL", "999999999A99"),
    ("NO", "999999999"),
    ("PL", "9999999999"),
    ("PT", "999999999"),
    (
        "RO",
        "99|999|9999|99999|999999|9999999|99999999|999999999|9999999999",
    ),
    ("SE", "999999999999"),
    ("SI", "99999999"),
    ("SK", "9999999999"),
];

/// The most characters a VAT number's body has (Sweden, the UK's branch form).
const MAX_BODY: usize = 12;
/// Digits a non-VAT tax number has at least (`21/815/08150` has 10).
const MIN_TAX_DIGITS: usize = 6;

/// The tax identifier in `text`: a European VAT number compacted and
/// upper-cased, else the first printed token group that holds enough digits
/// to be a tax number; `None` when there is neither.
pub(crate) fn normalize_tax_id(text: &str) -> Option<String> {
    vat_number(text).or_else(|| printed_tax_number(text))
}

/// The first European VAT number in `text`, in electronic form.
pub(crate) fn vat_number(text: &str) -> Option<String> {
    let printed: Vec<char> = text.chars().collect();
    let chars: Vec<char> = printed.iter().map(char::to_ascii_uppercase).collect();
    (0..chars.len()).find_map(|start| {
        let boundary = start == 0 || !chars[start - 1].is_alphanumeric();
        if !boundary {
            return None;
        }
        VAT_SHAPES.iter().find_map(|(country, shapes)| {
            let prefix: Vec<char> = country.chars().collect();
            let end = start + prefix.len();
            if chars.get(start..end) != Some(&prefix[..]) || !is_prefix(&printed, start, end) {
                return None;
            }
            let body = compact_body(&chars[end..]);
            // Longest shape first: `DE 123456789 0` must not read as 9 digits
            // when a 12-character shape of the same country fits.
            let mut fits: Vec<&str> = shapes.split('|').filter(|s| fits(s, &body)).collect();
            fits.sort_by_key(|s| std::cmp::Reverse(s.len()));
            let shape = fits.first()?;
            let rest = &body[shape.len()..];
            // The body must end where the shape ends (no more digits glued on).
            if rest.first().is_some_and(char::is_ascii_digit) {
                return None;
            }
            Some(format!(
                "{country}{}",
                body[..shape.len()].iter().collect::<String>()
            ))
        })
    })
}

/// Whether `printed[start..end]` stands as a country prefix: an
/// abbreviation (`No.`, `Nr:`) is not one, and a prefix set apart from its
/// digits is printed in capitals (`NO 123456789`, but not `No 123456789`).
fn is_prefix(printed: &[char], start: usize, end: usize) -> bool {
    match printed.get(end) {
        Some('.' | ':') => false,
        Some(c) if c.is_ascii_alphanumeric() => true,
        _ => printed[start..end].iter().all(char::is_ascii_uppercase),
    }
}

/// Letters and digits after a country prefix, skipping the separators people
/// print inside VAT numbers (spaces, dots, dashes), up to [`MAX_BODY`] + 1.
fn compact_body(chars: &[char]) -> Vec<char> {
    let mut body = Vec::new();
    for &c in chars {
        if c.is_ascii_alphanumeric() {
            body.push(c);
        } else if !matches!(c, ' ' | '.' | '-') {
            break;
        }
        if body.len() > MAX_BODY {
            break;
        }
    }
    body
}

/// Whether `body` starts with characters of `shape`.
fn fits(shape: &str, body: &[char]) -> bool {
    shape.len() <= body.len()
        && shape.chars().zip(body).all(|(want, &c)| match want {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            'X' => c.is_ascii_alphanumeric(),
            literal => literal == c,
        })
}

/// A printed tax number that is not a VAT number: the first group of
/// tokens made of digits and `/ . -` holding at least [`MIN_TAX_DIGITS`]
/// digits, as printed.
fn printed_tax_number(text: &str) -> Option<String> {
    let is_part = |w: &str| {
        !w.is_empty()
            && w.chars().any(|c| c.is_ascii_digit())
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/.-".contains(c))
    };
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches([':', ',', ';', '(', ')']))
        .collect();
    let mut i = 0;
    while i < words.len() {
        let start = i;
        while i < words.len() && is_part(words[i]) {
            i += 1;
        }
        let group = &words[start..i];
        let digits: usize = group
            .iter()
            .map(|w| w.chars().filter(char::is_ascii_digit).count())
            .sum();
        if digits >= MIN_TAX_DIGITS {
            return Some(group.join(" "));
        }
        i = i.max(start + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_vat_numbers_become_electronic() {
        let cases = [
            ("USt-IdNr.: DE 123 456 789", "DE123456789"),
            ("TVA intracommunautaire : FR40303265045", "FR40303265045"),
            ("N° TVA FR 40 303 265 045", "FR40303265045"),
            ("BTW-nummer NL8019.96.603.B01", "NL801996603B01"),
            ("VAT Reg No: GB 123 4567 89", "GB123456789"),
            ("UID: ATU12345678", "ATU12345678"),
            ("NIF/IVA ES-B12345678", "ESB12345678"),
            ("vat id de123456789", "DE123456789"),
            ("CHE-123.456.789 MWST", "CHE123456789"),
            ("BE 0123.456.789", "BE0123456789"),
        ];
        for (text, want) in cases {
            assert_eq!(vat_number(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn wrong_shapes_are_not_vat_numbers() {
        // Too few digits, a postcode, digits glued on, a word starting with a prefix.
        for text in [
            "DE 1234 5678",
            "D-80331 München",
            "DE1234567890123",
            "DESIGN 123456789",
            "Invoice 2024-001",
            "VAT No. 123456789",
            "Invoice No 123456789",
        ] {
            assert_eq!(vat_number(text), None, "{text}");
        }
    }

    #[test]
    fn other_tax_numbers_stay_as_printed() {
        assert_eq!(
            normalize_tax_id("Steuernummer: 21/815/08150").as_deref(),
            Some("21/815/08150")
        );
        assert_eq!(
            normalize_tax_id("SIRET 732 829 320 00074").as_deref(),
            Some("732 829 320 00074")
        );
        assert_eq!(
            normalize_tax_id("USt-IdNr. DE 123 456 789, St.-Nr. 21/815/08150").as_deref(),
            Some("DE123456789")
        );
        assert_eq!(normalize_tax_id("n/a"), None);
        assert_eq!(normalize_tax_id("Tax 12"), None);
    }
}
