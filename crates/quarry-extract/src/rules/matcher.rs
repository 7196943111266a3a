//! Scores how well a document label names a schema field.
//!
//! A field is known by its property key (`invoice_number`, `invoiceNumber`),
//! its `extend:name`, its `title`, and more loosely its `description`. Labels
//! and names are reduced to comparable words (case, punctuation, `#`/`No.`
//! and a few abbreviations normalized), then compared in tiers: the same
//! words ([`EXACT`]), all of one inside the other ([`ALL_WORDS`]), a
//! substantial overlap ([`PARTIAL`]), or the label appearing in the
//! description ([`DESCRIBED`]). The tier is the field's confidence before
//! word confidence is applied.

use serde_json::Value;

/// Label and name have the same words.
pub(crate) const EXACT: f64 = 0.95;
/// Every word of the name is in the label (or, for two words or more, the reverse).
pub(crate) const ALL_WORDS: f64 = 0.8;
/// At least half of the longer side's words are shared.
pub(crate) const PARTIAL: f64 = 0.6;
/// Every label word occurs in the field's description.
pub(crate) const DESCRIBED: f64 = 0.55;
/// The label is one of the field's printed synonyms ([`super::synonyms`]).
pub(crate) const SYNONYM: f64 = 0.9;
/// The label holds a synonym plus a word or two (`Gesamtbetrag brutto`).
pub(crate) const SYNONYM_IN_LABEL: f64 = 0.7;
/// Extra label words tolerated around a synonym.
const SYNONYM_SLACK: usize = 2;

/// Words that name no field on their own: a label sharing only these with a
/// field name (`Nummer` for `invoice_number`) is not a partial match.
const GENERIC: &[&str] = &[
    "number", "name", "id", "code", "date", "amount", "no", "type",
];

const STOPWORDS: &[&str] = &[
    "the", "of", "a", "an", "and", "for", "in", "on", "to", "at", "by", "is", "or",
];

/// The names a field answers to, as normalized word lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FieldNames {
    pub variants: Vec<Vec<String>>,
    pub description: Vec<String>,
    /// Printed labels of the field's concept in several languages.
    pub synonyms: Vec<Vec<String>>,
    /// Ids of the [`super::synonyms::Concept`]s the field is named after.
    pub concepts: Vec<&'static str>,
}

impl FieldNames {
    /// Names of property `key` with schema `node`.
    pub(crate) fn of(key: &str, node: &Value) -> Self {
        let mut variants = vec![words(key)];
        for k in ["extend:name", "title"] {
            if let Some(name) = node.get(k).and_then(Value::as_str) {
                variants.push(words(name));
            }
        }
        variants.retain(|v| !v.is_empty());
        variants.dedup();
        let description = node
            .get("description")
            .and_then(Value::as_str)
            .map(words)
            .unwrap_or_default();
        let (synonyms, concepts) = super::synonyms::labels_for(&variants);
        Self {
            variants,
            description,
            synonyms,
            concepts,
        }
    }

    /// Names of a child qualified by its parent (`vendor` + `name` → `vendor name`).
    pub(crate) fn qualified(parent: &FieldNames, child: &FieldNames) -> Self {
        let variants = parent
            .variants
            .iter()
            .flat_map(|p| {
                child
                    .variants
                    .iter()
                    .map(move |c| [p.as_slice(), c.as_slice()].concat())
            })
            .collect();
        Self {
            variants,
            description: Vec::new(),
            synonyms: Vec::new(),
            concepts: Vec::new(),
        }
    }

    /// Whether the field is named after the concept `id`.
    pub(crate) fn is(&self, id: &str) -> bool {
        self.concepts.contains(&id)
    }

    /// Whether the field is the end of a range (`period_end`, `valid_to`).
    pub(crate) fn is_range_end(&self) -> bool {
        self.variants.iter().flatten().any(|w| {
            matches!(
                w.as_str(),
                "end"
                    | "to"
                    | "until"
                    | "through"
                    | "last"
                    | "ending"
                    | "bis"
                    | "fin"
                    | "hasta"
                    | "tot"
            )
        })
    }

    /// The best tier at which `label` (already normalized) names this field; 0 when it does not.
    pub(crate) fn score(&self, label: &[String]) -> f64 {
        if label.is_empty() {
            return 0.0;
        }
        let by_name = self
            .variants
            .iter()
            .map(|n| tier(n, label))
            .fold(0.0, f64::max);
        let by_synonym = self
            .synonyms
            .iter()
            .map(|s| synonym_tier(s, label, self))
            .fold(0.0, f64::max);
        let described =
            !self.description.is_empty() && label.iter().all(|w| self.description.contains(w));
        let by_description = if described { DESCRIBED } else { 0.0 };
        by_name.max(by_synonym).max(by_description)
    }
}

fn tier(name: &[String], label: &[String]) -> f64 {
    let shared = name.iter().filter(|w| label.contains(w)).count();
    let name_in_label = shared == name.len();
    let label_in_name = label.iter().all(|w| name.contains(w));
    if name_in_label && label_in_name {
        EXACT
    } else if name_in_label || (label_in_name && label.len() >= 2) {
        ALL_WORDS
    } else if shared > 0
        && shared * 2 >= name.len().max(label.len())
        && name
            .iter()
            .any(|w| label.contains(w) && !GENERIC.contains(&w.as_str()))
    {
        PARTIAL
    } else {
        0.0
    }
}

/// Tier of a synonym whose word ends a compound of the label (`Handels|rechnung Nr.`).
const COMPOUND: f64 = 0.75;
/// Shortest synonym word that may end a compound (`Handels|rechnung`).
const MIN_COMPOUND_TAIL: usize = 5;

/// A label that is a synonym plus words of the field's own names or other
/// one-word synonyms (`Verkäufer Name` for `seller_name`) counts as the synonym.
fn synonym_tier(synonym: &[String], label: &[String], field: &FieldNames) -> f64 {
    // Numbers in a label (`Rechnung (380) Nr.`) are codes, not words.
    let label: Vec<&String> = label
        .iter()
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let compound = synonym.len() >= 2;
    let contained = synonym.iter().all(|s| {
        label.iter().any(|w| {
            *w == s
                || (compound && s.chars().count() >= MIN_COMPOUND_TAIL && w.ends_with(s.as_str()))
        })
    });
    let extra_from_own_name = || {
        label.iter().filter(|w| !synonym.contains(w)).all(|w| {
            field.variants.iter().any(|v| v.contains(w))
                || field.synonyms.iter().any(|v| v.len() == 1 && v.contains(w))
        })
    };
    // `Ursprungsbeleg-Nr` holds `Beleg Nr` inside a compound: another
    // document's number, so it ranks below the synonym itself.
    let exact = synonym.iter().all(|s| label.contains(&s));
    if contained && (label.len() == synonym.len() || extra_from_own_name()) {
        if exact { SYNONYM } else { COMPOUND }
    } else if contained && label.len() <= synonym.len() + SYNONYM_SLACK {
        SYNONYM_IN_LABEL
    } else {
        0.0
    }
}

/// Lowercase words of a key or label: split at punctuation, `snake_case`,
/// `kebab-case` and `camelCase`; `#`, `no`, `nr`, `num` become `number`; a
/// few abbreviations are expanded; a plural `s` is dropped; stopwords are
/// removed unless nothing else is left.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_start: Option<char> = None;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '#' {
            flush(&mut current, &mut raw);
            raw.push("number".into());
        } else if c.is_alphanumeric() {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            let next = chars.get(i + 1).copied();
            // A short capitalised piece is an abbreviation (`MwSt`, `USt`,
            // `IdNr`), not the first word of a camelCase key.
            let abbreviation = current.chars().count() <= 2
                && current_start.is_some_and(|s: char| s.is_uppercase());
            let boundary = match prev {
                Some(p) if p.is_alphanumeric() => {
                    let camel = (p.is_lowercase() && c.is_uppercase())
                        || (p.is_uppercase()
                            && c.is_uppercase()
                            && next.is_some_and(char::is_lowercase));
                    (camel && !abbreviation) || (p.is_ascii_digit() != c.is_ascii_digit())
                }
                _ => false,
            };
            if boundary {
                flush(&mut current, &mut raw);
            }
            if current.is_empty() {
                current_start = Some(c);
            }
            current.extend(c.to_lowercase());
        } else {
            flush(&mut current, &mut raw);
        }
    }
    flush(&mut current, &mut raw);
    let normalized: Vec<String> = raw.into_iter().map(|w| canonical(&w)).collect();
    let content: Vec<String> = normalized
        .iter()
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .cloned()
        .collect();
    if content.is_empty() {
        normalized
    } else {
        content
    }
}

fn flush(current: &mut String, out: &mut Vec<String>) {
    if !current.is_empty() {
        out.push(std::mem::take(current));
    }
}

fn canonical(word: &str) -> String {
    let expanded = match word {
        "no" | "nr" | "num" | "nbr" | "n" | "nº" | "nummer" | "numéro" | "numero" | "número" => {
            "number"
        }
        "qty" => "quantity",
        "amt" => "amount",
        "desc" => "description",
        "addr" => "address",
        "tel" => "phone",
        "dob" => "birth",
        _ => word,
    };
    let chars = expanded.chars().count();
    if chars > 3 && expanded.ends_with('s') && !expanded.ends_with("ss") {
        expanded[..expanded.len() - 1].to_string()
    } else {
        expanded.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn words_normalize_keys_and_labels_alike() {
        assert_eq!(words("invoiceNumber"), ["invoice", "number"]);
        assert_eq!(words("Invoice #"), ["invoice", "number"]);
        assert_eq!(words("Invoice No."), ["invoice", "number"]);
        assert_eq!(words("line_items"), ["line", "item"]);
        assert_eq!(words("ISOCode"), ["iso", "code"]);
        assert_eq!(words("Date of Issue"), ["date", "issue"]);
        assert_eq!(words("MwSt."), ["mwst"]);
        assert_eq!(words("USt-IdNr."), ["ust", "idnr"]);
        assert_eq!(words("poNumber"), ["po", "number"]);
    }

    #[test]
    fn tiers_rank_exact_over_all_words_over_partial() {
        let names = FieldNames::of("shipping_cost", &json!({"description": "freight charged"}));
        assert_eq!(names.score(&words("Shipping Cost:")), EXACT);
        assert_eq!(names.score(&words("Total Shipping Cost")), ALL_WORDS);
        assert_eq!(names.score(&words("Shipping")), PARTIAL);
        assert_eq!(names.score(&words("Shipping fee")), PARTIAL);
        assert_eq!(names.score(&words("Charged")), DESCRIBED);
        assert_eq!(names.score(&words("Vendor")), 0.0);
    }

    #[test]
    fn synonyms_rank_below_own_names_and_generic_words_do_not_match() {
        let names = FieldNames::of("total_amount", &json!({}));
        assert_eq!(names.score(&words("Total Amount")), EXACT);
        assert_eq!(names.score(&words("Gesamtbetrag")), SYNONYM);
        assert_eq!(
            names.score(&words("Gesamtbetrag inkl. MwSt")),
            SYNONYM_IN_LABEL
        );
        let invoice = FieldNames::of("invoice_number", &json!({}));
        assert_eq!(invoice.score(&words("Nummer")), 0.0);
        assert_eq!(invoice.score(&words("Customer number")), 0.0);
    }

    #[test]
    fn extend_name_and_title_are_names_too() {
        let names = FieldNames::of(
            "x1",
            &json!({"extend:name": "PO Number", "title": "Order Ref"}),
        );
        assert_eq!(names.score(&words("PO Number")), EXACT);
        assert_eq!(names.score(&words("order ref")), EXACT);
    }
}
