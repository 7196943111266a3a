//! Identifiers printed for people, not machines: an IBAN in groups of four
//! (`DE45 3884 5441 …`) becomes its electronic form after its ISO 7064
//! mod-97 check digits are verified, so a wrong read is `None`, not a
//! plausible-looking wrong account.

/// Shortest and longest IBANs in use (Norway 15, Saint Lucia 32).
const IBAN_LEN: std::ops::RangeInclusive<usize> = 15..=34;

/// The first valid IBAN in `text`, without spaces and upper-cased.
pub(crate) fn normalize_iban(text: &str) -> Option<String> {
    let upper = text.to_uppercase();
    let chars: Vec<char> = upper.chars().collect();
    (0..chars.len()).find_map(|start| {
        let country = chars.get(start..start + 2)?;
        let boundary = start == 0 || !chars[start - 1].is_ascii_alphanumeric();
        if !boundary || !country.iter().all(char::is_ascii_uppercase) {
            return None;
        }
        let mut compact = String::new();
        for &c in &chars[start..] {
            if c.is_ascii_alphanumeric() {
                compact.push(c);
            } else if c != ' ' {
                break;
            }
            if compact.len() > *IBAN_LEN.end() {
                break;
            }
        }
        // Try the longest prefix first: trailing words may follow the IBAN.
        (*IBAN_LEN.start()..=compact.len().min(*IBAN_LEN.end()))
            .rev()
            .map(|len| &compact[..len])
            .find(|candidate| iban_checks(candidate))
            .map(str::to_string)
    })
}

fn iban_checks(iban: &str) -> bool {
    let bytes = iban.as_bytes();
    if bytes.len() < 4 || !bytes[2].is_ascii_digit() || !bytes[3].is_ascii_digit() {
        return false;
    }
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_ibans_become_electronic() {
        assert_eq!(
            normalize_iban("IBAN: DE89 3704 0044 0532 0130 00").as_deref(),
            Some("DE89370400440532013000")
        );
        assert_eq!(
            normalize_iban("gb29 nwbk 6016 1331 9268 19 (GBP)").as_deref(),
            Some("GB29NWBK60161331926819")
        );
        assert_eq!(
            normalize_iban("NL91ABNA0417164300").as_deref(),
            Some("NL91ABNA0417164300")
        );
    }

    #[test]
    fn wrong_check_digits_are_rejected() {
        assert_eq!(normalize_iban("DE88 3704 0044 0532 0130 00"), None);
        assert_eq!(normalize_iban("Invoice 2024-001"), None);
    }
}
