//! Field-level scoring of extracted values against ground truth, with the
//! matching rules of the corpus scorer (`eval/score.py`):
//!
//! - every leaf is one comparison, named by its path without indices
//!   (`invoice_number`, `vendor.name`, `line_items.quantity`);
//! - a field the truth fills and the prediction matches is a true positive;
//!   a wrong value is a false positive *and* a false negative; a missing
//!   value (null, `""`) is a false negative, an invented one a false
//!   positive; both empty counts nothing;
//! - a key the truth object does not hold is unannotated and not scored;
//! - values match after normalisation: numbers within ±0.01, strings
//!   case-insensitively with whitespace collapsed and punctuation or
//!   symbols stripped at both ends (dates are ISO strings in both, so they
//!   compare as strings), booleans exactly; fields a dataset's `score.json`
//!   lists under `ignore_whitespace` compare with all whitespace removed;
//! - arrays of objects are matched item by item: identical items are paired
//!   first, then the remaining ones by how many fields agree (ties go to the
//!   closest position); an unpaired truth item costs recall on each of its
//!   filled fields, an unpaired predicted item precision; arrays of
//!   primitives are compared as multisets;
//! - a document is an exact match when no comparison in it is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

/// Counts for one field (or a total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    /// Precision; 1 when nothing was predicted (nothing wrong was said).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Recall; 1 when the truth has nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn is_clean(&self) -> bool {
        self.fp == 0 && self.fn_ == 0
    }
}

fn ratio(hit: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        hit as f64 / total as f64
    }
}

/// Per-field counts of one document, keyed by field path.
pub type FieldCounts = BTreeMap<String, Counts>;

/// A dataset's own scoring options (its optional `score.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ScoreRules {
    /// Field paths (without indices) whose strings compare with all
    /// whitespace removed: truth transcribed without word spaces.
    #[serde(default)]
    pub ignore_whitespace: BTreeSet<String>,
}

impl ScoreRules {
    /// Reads `DATASET/score.json`; no file means the default rules.
    pub fn load(dataset_dir: &Path) -> anyhow::Result<Self> {
        let path = dataset_dir.join("score.json");
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{} is not valid: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        }
    }

    /// Whether two leaf values at `path` agree under these rules.
    pub fn same_at(&self, path: &str, a: &Value, b: &Value) -> bool {
        same(a, b)
            || match (a, b) {
                (Value::String(x), Value::String(y)) if self.ignore_whitespace.contains(path) => {
                    let squeeze = |s: &str| norm(s).split_whitespace().collect::<String>();
                    squeeze(x) == squeeze(y)
                }
                _ => false,
            }
    }
}

/// Scores one document's prediction against its truth.
pub fn score_document(truth: &Value, pred: &Value, rules: &ScoreRules) -> FieldCounts {
    let mut out = FieldCounts::new();
    compare(truth, pred, "", rules, &mut out);
    out
}

/// Whether every comparison of a scored document is right.
pub fn exact(counts: &FieldCounts) -> bool {
    counts.values().all(Counts::is_clean)
}

/// Sums counts over fields.
pub fn total<'a>(counts: impl IntoIterator<Item = &'a Counts>) -> Counts {
    let mut sum = Counts::default();
    for c in counts {
        sum.add(*c);
    }
    sum
}

fn compare(truth: &Value, pred: &Value, path: &str, rules: &ScoreRules, out: &mut FieldCounts) {
    match (truth, pred) {
        (Value::Object(t), _) => {
            // Keys the truth does not hold are unannotated: not scored.
            let empty = serde_json::Map::new();
            let p = pred.as_object().unwrap_or(&empty);
            for (key, tv) in t {
                let pv = p.get(key).unwrap_or(&Value::Null);
                compare(tv, pv, &join(path, key), rules, out);
            }
        }
        (Value::Array(t), _) if t.iter().any(Value::is_object) || is_object_array(pred) => {
            let empty = Vec::new();
            let p = pred.as_array().unwrap_or(&empty);
            object_items(t, p, path, rules, out);
        }
        (Value::Array(t), _) => {
            let empty = Vec::new();
            let p = pred.as_array().unwrap_or(&empty);
            let entry = out.entry(path.to_string()).or_default();
            entry.add(multiset(t, p, path, rules).0);
        }
        (Value::Null, Value::Object(p)) => {
            for (key, pv) in p {
                compare(&Value::Null, pv, &join(path, key), rules, out);
            }
        }
        (Value::Null, Value::Array(p)) => {
            if is_object_array(pred) {
                object_items(&[], p, path, rules, out);
            } else {
                out.entry(path.to_string())
                    .or_default()
                    .add(multiset(&[], p, path, rules).0);
            }
        }
        _ => {
            let counts = leaf(truth, pred, path, rules);
            out.entry(path.to_string()).or_default().add(counts);
        }
    }
}

fn is_object_array(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().any(Value::is_object))
}

/// One leaf comparison.
fn leaf(truth: &Value, pred: &Value, path: &str, rules: &ScoreRules) -> Counts {
    match (is_empty(truth), is_empty(pred)) {
        (true, true) => Counts::default(),
        (false, true) => Counts {
            tp: 0,
            fp: 0,
            fn_: 1,
        },
        (true, false) => Counts {
            tp: 0,
            fp: 1,
            fn_: 0,
        },
        (false, false) if rules.same_at(path, truth, pred) => Counts {
            tp: 1,
            fp: 0,
            fn_: 0,
        },
        (false, false) => Counts {
            tp: 0,
            fp: 1,
            fn_: 1,
        },
    }
}

pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Whether two leaf values agree after normalisation.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() <= 0.01 + 1e-9,
            _ => false,
        },
        (Value::String(x), Value::String(y)) => norm(x) == norm(y),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        _ => false,
    }
}

/// Lower-cased with every whitespace run collapsed to one space and
/// punctuation or symbols stripped at both ends (`ACME Ltd.` = `acme ltd`).
fn norm(s: &str) -> String {
    let joined = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    joined
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// Arrays of primitives as multisets: each predicted element matches at
/// most one truth element. Also says, per predicted element, whether it
/// matched (empty elements count as unmatched and are not scored).
pub fn multiset(
    truth: &[Value],
    pred: &[Value],
    path: &str,
    rules: &ScoreRules,
) -> (Counts, Vec<bool>) {
    let mut free: Vec<&Value> = truth.iter().filter(|v| !is_empty(v)).collect();
    let mut c = Counts::default();
    let mut matched = vec![false; pred.len()];
    for (i, p) in pred.iter().enumerate().filter(|(_, v)| !is_empty(v)) {
        match free.iter().position(|t| rules.same_at(path, t, p)) {
            Some(j) => {
                free.swap_remove(j);
                c.tp += 1;
                matched[i] = true;
            }
            None => c.fp += 1,
        }
    }
    c.fn_ = free.len();
    (c, matched)
}

/// Pairs items one to one and scores the pairs and the leftovers.
fn object_items(
    truth: &[Value],
    pred: &[Value],
    path: &str,
    rules: &ScoreRules,
    out: &mut FieldCounts,
) {
    let pairs = pair_items(truth, pred, path, rules);
    let mut t_used = vec![false; truth.len()];
    let mut p_used = vec![false; pred.len()];
    for &(ti, pi) in &pairs {
        t_used[ti] = true;
        p_used[pi] = true;
        compare(&truth[ti], &pred[pi], path, rules, out);
    }
    for (_, t) in truth.iter().enumerate().filter(|(i, _)| !t_used[*i]) {
        compare(t, &Value::Null, path, rules, out);
    }
    for (_, p) in pred.iter().enumerate().filter(|(i, _)| !p_used[*i]) {
        compare(&Value::Null, p, path, rules, out);
    }
}

/// Identical items first (in order), then by agreeing fields, closest position on ties.
pub fn pair_items(
    truth: &[Value],
    pred: &[Value],
    path: &str,
    rules: &ScoreRules,
) -> Vec<(usize, usize)> {
    let mut t_used = vec![false; truth.len()];
    let mut p_used = vec![false; pred.len()];
    let mut pairs = Vec::new();
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for (ti, t) in truth.iter().enumerate() {
        for (pi, p) in pred.iter().enumerate() {
            let agree = agreeing_fields(t, p, path, rules);
            if agree > 0 {
                candidates.push((agree, ti, pi));
            }
        }
    }
    candidates.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.abs_diff(a.2).cmp(&b.1.abs_diff(b.2)))
            .then(a.1.cmp(&b.1))
    });
    // Identical items come first because they agree on every field; the sort
    // puts them ahead of partial matches of the same width.
    for (_, ti, pi) in candidates {
        if !t_used[ti] && !p_used[pi] {
            t_used[ti] = true;
            p_used[pi] = true;
            pairs.push((ti, pi));
        }
    }
    pairs.sort_unstable();
    pairs
}

/// How many filled leaves of `truth` the item `pred` matches.
fn agreeing_fields(truth: &Value, pred: &Value, path: &str, rules: &ScoreRules) -> usize {
    match (truth, pred) {
        (Value::Object(t), Value::Object(p)) => t
            .iter()
            .map(|(k, tv)| {
                let pv = p.get(k).unwrap_or(&Value::Null);
                agreeing_fields(tv, pv, &join(path, k), rules)
            })
            .sum(),
        (Value::Array(_), _) | (Value::Object(_), _) => 0,
        _ => usize::from(!is_empty(truth) && rules.same_at(path, truth, pred)),
    }
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn c(tp: usize, fp: usize, fn_: usize) -> Counts {
        Counts { tp, fp, fn_ }
    }

    #[test]
    fn leaves_normalise_numbers_strings_and_dates() {
        let truth =
            json!({"n": 12.5, "s": "ACME  GmbH", "d": "2024-03-05", "x": null, "m": "a", "w": 1});
        let pred = json!({"n": 12.509, "s": "acme gmbh", "d": "2024-03-05", "x": "extra", "m": null, "w": 2});
        let got = score_document(&truth, &pred, &ScoreRules::default());
        assert_eq!(got["n"], c(1, 0, 0));
        assert_eq!(got["s"], c(1, 0, 0));
        assert_eq!(got["d"], c(1, 0, 0));
        assert_eq!(got["x"], c(0, 1, 0));
        assert_eq!(got["m"], c(0, 0, 1));
        assert_eq!(got["w"], c(0, 1, 1));
        assert!(!exact(&got));
        assert!(exact(&score_document(
            &truth,
            &truth,
            &ScoreRules::default()
        )));
    }

    #[test]
    fn numbers_outside_a_cent_do_not_match() {
        assert!(!same(&json!(10.0), &json!(10.02)));
        assert!(same(&json!(10), &json!(10.01)));
        assert!(!same(&json!("10"), &json!(10)));
    }

    #[test]
    fn array_items_pair_by_content_not_position() {
        let truth = json!({"items": [
            {"d": "a", "q": 1}, {"d": "b", "q": 2}, {"d": "c", "q": 3}
        ]});
        // The first row is missing and an extra row is invented at the end.
        let pred = json!({"items": [
            {"d": "b", "q": 2}, {"d": "c", "q": 4}, {"d": "z", "q": 9}
        ]});
        let got = score_document(&truth, &pred, &ScoreRules::default());
        assert_eq!(got["items.d"], c(2, 1, 1));
        assert_eq!(got["items.q"], c(1, 2, 2));
    }

    #[test]
    fn primitive_arrays_are_multisets() {
        let got = score_document(
            &json!({"t": ["a", "b", "b"]}),
            &json!({"t": ["B", "c"]}),
            &ScoreRules::default(),
        );
        assert_eq!(got["t"], c(1, 1, 2));
    }

    #[test]
    fn totals_give_micro_precision_recall_f1() {
        let sum = total([c(3, 1, 0), c(1, 0, 2)].iter());
        assert_eq!(sum, c(4, 1, 2));
        assert!((sum.precision() - 0.8).abs() < 1e-9);
        assert!((sum.recall() - 4.0 / 6.0).abs() < 1e-9);
        assert_eq!(Counts::default().f1(), 1.0);
        assert_eq!(c(0, 1, 1).f1(), 0.0);
    }

    #[test]
    fn unannotated_keys_are_not_scored() {
        let got = score_document(
            &json!({"a": "x"}),
            &json!({"a": "x", "term": "3 years"}),
            &ScoreRules::default(),
        );
        assert_eq!(got.get("term"), None);
        assert!(exact(&got));
    }

    #[test]
    fn punctuation_at_the_ends_and_listed_whitespace_are_ignored() {
        let rules = ScoreRules {
            ignore_whitespace: ["store".to_string()].into(),
        };
        let truth = json!({"name": "ACME Ltd", "store": "LATAURINA", "other": "LA TAURINA"});
        let pred = json!({"name": "acme ltd.", "store": "LA TAURINA", "other": "LATAURINA"});
        let got = score_document(&truth, &pred, &rules);
        assert_eq!(got["name"], c(1, 0, 0));
        assert_eq!(got["store"], c(1, 0, 0));
        assert_eq!(got["other"], c(0, 1, 1));
    }
}
