//! Cross-validation folds by group: documents from one vendor, merchant,
//! station or contract party always land in the same fold, so a held-out
//! fold holds only parties the fitted part never saw.
//!
//! The corpus names no group column, so the group is read from the truth:
//! documents are joined (transitively) when they share a normalised issuer
//! name (`seller_name`, `company`, `store_name`, `advertiser`, any `party`,
//! `account_holder`, …), the last seven digits of a phone number (as the
//! wildreceipt split does), or an invoice number with its grand total (one
//! invoice rendered by several generators, as the invoices_cii split does).
//! A document with none of these is a group of its own.

use std::collections::BTreeMap;

use serde_json::Value;

/// Truth fields naming the party a document comes from (or is about).
const PARTY_FIELDS: &[&str] = &[
    "seller_name",
    "vendor_name",
    "vendor",
    "merchant",
    "company",
    "store_name",
    "advertiser",
    "party",
    "account_holder",
    "issuer",
];
/// Truth fields holding a phone number.
const PHONE_FIELDS: &[&str] = &["phone", "store_phone", "telephone"];
/// A phone number is compared by its last digits (area codes are written
/// or left out).
const PHONE_DIGITS: usize = 7;

/// The group keys of one document's truth.
pub fn group_keys(truth: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for field in PARTY_FIELDS {
        let values: Vec<&Value> = match truth.get(*field) {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        for v in values {
            let name = normalise(v.as_str().unwrap_or(""));
            if name.chars().count() >= 2 {
                keys.push(format!("name:{name}"));
            }
        }
    }
    for field in PHONE_FIELDS {
        let digits: String = truth
            .get(*field)
            .and_then(Value::as_str)
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if digits.len() >= PHONE_DIGITS {
            keys.push(format!("phone:{}", &digits[digits.len() - PHONE_DIGITS..]));
        }
    }
    let number = truth.get("invoice_number").and_then(Value::as_str);
    let total = truth.get("total_gross").and_then(Value::as_f64);
    if let (Some(n), Some(t)) = (number, total) {
        keys.push(format!("invoice:{}:{t:.2}", normalise(n)));
    }
    keys
}

/// Letters and digits only, lower-cased: `ACME GmbH.` = `acme gmbh`.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Assigns each document (by its group keys) to one of `k` folds: groups
/// are formed by shared keys, then placed largest first, each into the fold
/// with the fewest documents so far (ties to the lower fold). Deterministic:
/// the same keys in the same order give the same folds.
pub fn assign(keys: &[Vec<String>], k: usize) -> Vec<usize> {
    let n = keys.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    for (doc, doc_keys) in keys.iter().enumerate() {
        for key in doc_keys {
            match owner.get(key.as_str()) {
                Some(&other) => union(&mut parent, doc, other),
                None => {
                    owner.insert(key, doc);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for doc in 0..n {
        let root = find(&mut parent, doc);
        groups.entry(root).or_default().push(doc);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    // Largest first; among equals, the group of the earliest document.
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let k = k.max(1);
    let mut sizes = vec![0usize; k];
    let mut fold = vec![0usize; n];
    for group in groups {
        let target = (0..k).min_by_key(|&f| (sizes[f], f)).unwrap_or(0);
        sizes[target] += group.len();
        for doc in group {
            fold[doc] = target;
        }
    }
    fold
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_come_from_names_phones_and_invoice_totals() {
        let keys = group_keys(&json!({
            "seller_name": "ACME GmbH.", "phone": "+49 (0)30 1234567",
            "invoice_number": "RE-1", "total_gross": 119.0, "party": ["A Inc", "B LLC"]
        }));
        assert_eq!(
            keys,
            [
                "name:acmegmbh",
                "name:ainc",
                "name:bllc",
                "phone:1234567",
                "invoice:re1:119.00"
            ]
        );
        assert!(group_keys(&json!({"total": 5.0, "company": null})).is_empty());
    }

    #[test]
    fn no_group_straddles_folds_and_the_split_is_deterministic() {
        // 40 documents: shop i%7 (so 7 groups of 5-6), plus two documents
        // joined only through a shared phone, and four with no key at all.
        let mut keys: Vec<Vec<String>> = (0..40)
            .map(|i| vec![format!("name:shop{}", i % 7)])
            .collect();
        keys.push(vec!["name:x".into(), "phone:1".into()]);
        keys.push(vec!["name:y".into(), "phone:1".into()]);
        keys.extend((0..4).map(|_| Vec::new()));
        let folds = assign(&keys, 5);
        assert_eq!(folds, assign(&keys, 5));
        for i in 0..40 {
            assert_eq!(folds[i], folds[i % 7], "shop {} straddles folds", i % 7);
        }
        assert_eq!(folds[40], folds[41]);
        // Every fold is used and none holds more than its share plus a group.
        for f in 0..5 {
            let size = folds.iter().filter(|&&x| x == f).count();
            assert!((1..=16).contains(&size), "fold {f}: {size}");
        }
    }
}
