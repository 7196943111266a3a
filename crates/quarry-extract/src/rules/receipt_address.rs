//! The punctuation and digit slips OCR makes in a receipt's printed
//! address, repaired from the address's own conventions.
//!
//! A receipt address is short thermal print where a comma and a point
//! differ by a few pixels, and the recogniser's word gaps after a comma are
//! the least certain of a line. What the print meant is usually visible in
//! the rest of the same address:
//!
//! - a point after a house number, a street number or a place name that
//!   more text follows (`TAMAN SRI PUTRA. 81200`, `NO 290. JALAN`) is the
//!   comma addresses put there; abbreviations keep their point (`NO.`,
//!   `JLN.`, `P. RAMLEE`);
//! - an address that puts a space after most of its commas puts one after
//!   all of them (`SS21/39,47400` in `Level 6, Bangunan TH, No.3, Jalan
//!   SS21/39,47400`), and one
//!   that prints them tight (`7/4,KAWASAN PERINDUSTRIAN TAMPOI,81200`) is
//!   left as it is;
//! - a point with no space between a number and a word or a postcode
//!   (`53200.KUALA`) is a comma too;
//! - a five-character postcode with one letter among four digits
//!   (`4330O`, `411S0`) holds the digit the letter looks like.

/// Abbreviations that end in a point inside addresses (lower case, without
/// the point); a point after them is not a misread comma.
const ABBREVIATIONS: &[&str] = &[
    "no", "jln", "jl", "tmn", "lrg", "kg", "kpg", "sel", "bhd", "sdn", "blk", "ave", "rd", "st",
    "bt", "sg", "co", "ltd", "flr", "lvl", "apt", "bldg", "ind", "inds", "ctr", "sek", "mt", "dr",
    "nr", "str", "hwy",
];

/// The address with [the slips above](self) repaired.
pub(super) fn normalise(address: &str) -> String {
    let words: Vec<String> = address
        .split_whitespace()
        .map(|word| postcode_digits(&inner_point_as_comma(word)))
        .collect();
    let last = words.len().saturating_sub(1);
    let words: Vec<String> = words
        .into_iter()
        .enumerate()
        .map(|(i, word)| {
            if i < last && is_misread_comma(&word) {
                format!("{},", &word[..word.len() - 1])
            } else {
                word
            }
        })
        .collect();
    space_after_commas(&words.join(" "))
}

/// Whether `word` ends in a point that stands for a comma: it is not the
/// address's last word, and what comes before the point is a number
/// (`290.`, `19/9.`, `3A.`) or a word of three or more letters that is no
/// abbreviation (`PUTRA.`); a word holding a point already (`KG.BATU.`,
/// `P.T.`) is an abbreviation chain.
fn is_misread_comma(word: &str) -> bool {
    let Some(core) = word.strip_suffix('.') else {
        return false;
    };
    if core.is_empty() || core.contains(['.', ',']) {
        return false;
    }
    let letters = core.chars().filter(|c| c.is_alphabetic()).count();
    let number = core.starts_with(|c: char| c.is_ascii_digit())
        && core.chars().all(|c| c.is_ascii_alphanumeric() || c == '/')
        && letters <= 1;
    let name = letters >= 3
        && core.chars().all(char::is_alphanumeric)
        && !ABBREVIATIONS.contains(&core.to_lowercase().as_str());
    number || name
}

/// A point between a number and a word or a postcode with no space
/// (`53200.KUALA`, `290.JALAN`, `5.51200`) as a comma: points in
/// abbreviations follow letters (`NO.2`, `KG.BATU`), and a price has two
/// decimals.
fn inner_point_as_comma(word: &str) -> String {
    let Some((head, tail)) = word.split_once('.') else {
        return word.to_string();
    };
    let number = !head.is_empty() && head.chars().all(|c| c.is_ascii_digit());
    let tail_core = tail.trim_end_matches([',', '.']);
    let name = tail_core.chars().count() >= 3 && tail_core.chars().all(char::is_alphabetic);
    let postcode = tail_core.len() == 5 && tail_core.chars().all(|c| c.is_ascii_digit());
    if number && (name || postcode) {
        format!("{head},{tail}")
    } else {
        word.to_string()
    }
}

/// Spaces after commas where the address prints them after most commas.
fn space_after_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let followed = |pred: fn(&char) -> bool| {
        chars
            .windows(2)
            .filter(|w| w[0] == ',' && pred(&w[1]))
            .count()
    };
    let spaced = followed(|c| c.is_whitespace());
    let tight = followed(|c| c.is_alphanumeric());
    if spaced == 0 || spaced <= tight {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + tight);
    for (i, c) in chars.iter().enumerate() {
        out.push(*c);
        if *c == ',' && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) {
            out.push(' ');
        }
    }
    out
}

/// A five-character token of four digits and one letter that looks like a
/// digit (`4330O`, `411S0`, `560o0`) as the postcode it is; other tokens
/// unchanged. Only Malaysian-style five-digit postcodes are meant, which
/// is also the shape of German, French, Spanish and US ones.
fn postcode_digits(word: &str) -> String {
    let core = word.trim_end_matches([',', '.']);
    let chars: Vec<char> = core.chars().collect();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    if chars.len() != 5 || digits != 4 || !chars[0].is_ascii_digit() {
        return word.to_string();
    }
    // A letter ending the token is a unit suffix (`1851B`) unless it is
    // round like a zero.
    let fixed: Option<String> = chars
        .iter()
        .enumerate()
        .map(|(i, c)| match c {
            '0'..='9' => Some(*c),
            'O' | 'o' => Some('0'),
            _ if i == chars.len() - 1 => None,
            'Q' | 'D' | 'C' => Some('0'),
            'I' | 'l' | '|' => Some('1'),
            'S' => Some('5'),
            'B' => Some('8'),
            'Z' => Some('2'),
            _ => None,
        })
        .collect();
    match fixed {
        Some(code) => format!("{code}{}", &word[core.len()..]),
        None => word.to_string(),
    }
}

/// Whether an address line ends with the postcode that closes addresses
/// written town-last: a US state and ZIP (`PUEBLO, CO 81008`, `TX
/// 77055-1234`), a Canadian (`V6Y 0L4`) or British (`EC1R 5BX`) postcode.
/// What follows such a line is a phone, a slogan or the sale.
pub(super) fn ends_with_postcode(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let [.., before, last] = words.as_slice() else {
        return false;
    };
    let last = last.trim_end_matches('.');
    let zip = |w: &str| {
        let (five, four) = w.split_once('-').unwrap_or((w, "0000"));
        five.len() == 5
            && five.chars().all(|c| c.is_ascii_digit())
            && four.len() == 4
            && four.chars().all(|c| c.is_ascii_digit())
    };
    let state = before.len() == 2 && before.chars().all(|c| c.is_ascii_uppercase());
    // `V6Y 0L4` and `EC1R 5BX`: an outward code with a digit, then digit-letter-letter
    // (British) or digit-letter-digit (Canadian).
    let inward: Vec<char> = last.chars().collect();
    let outward_ok = (2..=4).contains(&before.len())
        && before.starts_with(|c: char| c.is_ascii_uppercase())
        && before.chars().any(|c| c.is_ascii_digit())
        && before
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let inward_ok = matches!(inward.as_slice(), [d, a, b] if d.is_ascii_digit()
        && a.is_ascii_uppercase() && (b.is_ascii_uppercase() || b.is_ascii_digit()));
    (state && zip(last)) || (outward_ok && inward_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_where_commas_belong_become_commas() {
        assert_eq!(
            normalise("NO.53 JALAN PUTRA 1, TAMAN SRI PUTRA. 81200 JOHOR BAHRU JOHOR"),
            "NO.53 JALAN PUTRA 1, TAMAN SRI PUTRA, 81200 JOHOR BAHRU JOHOR"
        );
        assert_eq!(
            normalise("NO 290. JALAN AIR PANAS, SETAPAK, 53200, KUALA LUMPUR."),
            "NO 290, JALAN AIR PANAS, SETAPAK, 53200, KUALA LUMPUR."
        );
        assert_eq!(
            normalise("No.2, Jalan Temenggung 19/9. Seksyen 9"),
            "No.2, Jalan Temenggung 19/9, Seksyen 9"
        );
    }

    #[test]
    fn points_between_a_number_and_a_word_become_commas() {
        assert_eq!(
            normalise("NO 290, JALAN AIR PANAS, SETAPAK, 53200.KUALA LUMPUR."),
            "NO 290, JALAN AIR PANAS, SETAPAK, 53200, KUALA LUMPUR."
        );
        assert_eq!(inner_point_as_comma("5.51200"), "5,51200");
        for kept in ["NO.2,", "KG.BATU", "12.50", "1.5KM", "P.T."] {
            assert_eq!(inner_point_as_comma(kept), kept);
        }
    }

    #[test]
    fn abbreviations_and_the_final_point_keep_their_points() {
        for kept in [
            "NO. 135, JALAN BANGI, 43500 SEMENYIH, SELANGOR.",
            "NO 21, JLN. BUNGA KANTAN TAMAN P. RAMLEE SETAPAK",
            "22 LRG PERUSAHAAN 4 KIMPAL INDS.PARK B.CAVES",
            "LOT P. T. 2811, JALAN ANGSA",
        ] {
            assert_eq!(normalise(kept), kept);
        }
    }

    #[test]
    fn commas_are_spaced_as_the_rest_of_the_address_spaces_them() {
        assert_eq!(
            normalise("Level 6, Bangunan TH, No.3, Jalan SS21/39,47400 Petaling Jaya"),
            "Level 6, Bangunan TH, No.3, Jalan SS21/39, 47400 Petaling Jaya"
        );
        // One of each: as printed.
        let even = "NO.53, JALAN BESAR,45600 BATANG BERJUNTAI";
        assert_eq!(normalise(even), even);
        let tight = "12, JALAN TAMPOI 7/4,KAWASAN PERINDUSTRIAN TAMPOI,81200 JOHOR BAHRU,JOHOR";
        assert_eq!(normalise(tight), tight);
    }

    #[test]
    fn a_town_last_postcode_closes_the_address() {
        assert!(ends_with_postcode("PUEBLO, CO 81008"));
        assert!(ends_with_postcode("Houston, TX 77055-1234"));
        assert!(ends_with_postcode("London, EC1R 5BX"));
        assert!(ends_with_postcode("Richmond BC V6Y 0L4"));
        assert!(!ends_with_postcode("40150 SHAH ALAM,"));
        assert!(!ends_with_postcode("JALAN SS 21/39"));
        assert!(!ends_with_postcode("LOT 1851"));
    }

    #[test]
    fn letters_in_postcodes_are_read_as_digits() {
        assert_eq!(
            normalise("KAWASAN PERINDUSTRIAN BALAKONG, 4330O SERI KEMBANGAN"),
            "KAWASAN PERINDUSTRIAN BALAKONG, 43300 SERI KEMBANGAN"
        );
        assert_eq!(postcode_digits("411S0"), "41150");
        assert_eq!(postcode_digits("560o0,"), "56000,");
        // Codes with letters of their own stay.
        assert_eq!(postcode_digits("PJU6A"), "PJU6A");
        assert_eq!(postcode_digits("1851B"), "1851B");
        assert_eq!(postcode_digits("U13/X"), "U13/X");
    }
}
