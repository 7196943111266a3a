//! Calibration figures of `bench accuracy` and the refit of `bench
//! calibrate`: cross-validated F1 by group folds ([`super::folds`]), the
//! expected calibration error and the auto-accept share, all from the
//! scorer's own judgement of each predicted value ([`super::outcomes`]).
//!
//! The rules themselves are written by hand, not fitted, so what
//! cross-validation holds out is what is fitted: the calibration and its
//! abstention threshold. For each dataset and fold, a calibration is fitted
//! on every other dataset plus this dataset's other folds, and applied to
//! the held-out fold; F1, ECE and the auto-accept share are then counted
//! over the held-out predictions of all folds together.

use std::collections::HashMap;

use quarry_extract::calibration::{Calibration, Sample, auto_accept, ece, fit};
use quarry_extract::{Analysis, FEATURE_NAMES};
use serde_json::Value;

use super::folds;
use super::outcomes::outcomes;
use super::score::{Counts, FieldCounts, ScoreRules, score_document};

/// Every dataset weighs as much as this many predicted values, however
/// many it has (a long list has thousands of cells, a contract set a few
/// dozen values): the calibration must hold on each kind of document, not
/// on the one with the most values.
const SAMPLES_PER_SET: f64 = 400.0;
/// Values per dataset in the pooled auto-accept threshold of the shipped
/// table (every n-th held-out value), so no dataset dominates it either.
const POOLED_PER_SET: usize = 400;

/// One scored document with the rules' analysis.
pub struct Doc<'a> {
    pub truth: &'a Value,
    pub analysis: &'a Analysis,
}

/// One dataset's documents and scoring rules.
pub struct Set<'a> {
    pub name: &'a str,
    pub rules: &'a ScoreRules,
    pub docs: Vec<Doc<'a>>,
}

/// What cross-validation measured on one dataset.
pub struct CrossValidated {
    /// Per-field counts of the held-out predictions.
    pub fields: FieldCounts,
    /// (probability, right) of every held-out predicted value.
    pub judged: Vec<(f64, bool)>,
    /// Values withdrawn by the fitted abstention thresholds.
    pub withdrawn: usize,
}

/// The training samples of `set`'s documents selected by `keep`, and the
/// weight of truth values no prediction covered.
fn samples(set: &Set, weight: f64, keep: impl Fn(usize) -> bool) -> (Vec<Sample>, f64) {
    let mut out = Vec::new();
    let mut missed = 0.0;
    for (_, doc) in set.docs.iter().enumerate().filter(|(i, _)| keep(*i)) {
        let value = &doc.analysis.value;
        let judged = outcomes(doc.truth, value, set.rules);
        let features: HashMap<&str, _> = doc
            .analysis
            .fields
            .iter()
            .map(|f| (f.path.as_str(), f))
            .collect();
        let mut wrong_filled = 0usize;
        for o in &judged {
            wrong_filled += usize::from(!o.right && o.truth_filled);
            if let Some(f) = features.get(o.path.as_str()) {
                out.push(Sample {
                    x: f.x.clone(),
                    right: o.right,
                    truth_filled: o.truth_filled,
                    weight,
                    nullable: f.nullable,
                });
            }
        }
        let counts = total(&score_document(doc.truth, value, set.rules));
        missed += weight * counts.fn_.saturating_sub(wrong_filled) as f64;
    }
    (out, missed)
}

fn total(fields: &FieldCounts) -> Counts {
    super::score::total(fields.values())
}

/// Each set's sample weight, so that every set weighs the same in all.
fn set_weights(sets: &[Set]) -> Vec<f64> {
    sets.iter()
        .map(|s| {
            let n: usize = s.docs.iter().map(|d| d.analysis.fields.len()).sum();
            SAMPLES_PER_SET / n.max(1) as f64
        })
        .collect()
}

/// Fits one calibration on all of `sets`.
pub fn fit_all(sets: &[Set]) -> Calibration {
    let weights = set_weights(sets);
    let mut all = Vec::new();
    let mut missed = 0.0;
    for (set, w) in sets.iter().zip(&weights) {
        let (s, m) = samples(set, *w, |_| true);
        all.extend(s);
        missed += m;
    }
    fit(FEATURE_NAMES, &all, missed)
}

/// The group folds of one set's documents.
pub fn fold_of(set: &Set, k: usize) -> Vec<usize> {
    let keys: Vec<Vec<String>> = set
        .docs
        .iter()
        .map(|d| folds::group_keys(d.truth))
        .collect();
    folds::assign(&keys, k)
}

/// Cross-validates the calibration on `sets[target]` with `k` group folds.
pub fn cross_validate(sets: &[Set], target: usize, k: usize) -> CrossValidated {
    let weights = set_weights(sets);
    let mut others = Vec::new();
    let mut others_missed = 0.0;
    for (i, (set, w)) in sets.iter().zip(&weights).enumerate() {
        if i != target {
            let (s, m) = samples(set, *w, |_| true);
            others.extend(s);
            others_missed += m;
        }
    }
    let set = &sets[target];
    let fold = fold_of(set, k);
    let mut result = CrossValidated {
        fields: FieldCounts::new(),
        judged: Vec::new(),
        withdrawn: 0,
    };
    for f in 0..k {
        if !fold.contains(&f) {
            continue;
        }
        let (mut train, missed) = samples(set, weights[target], |i| fold[i] != f);
        train.extend(others.iter().cloned());
        let calibration = fit(FEATURE_NAMES, &train, missed + others_missed);
        for (doc, _) in set.docs.iter().zip(&fold).filter(|(_, g)| **g == f) {
            let (value, probs) = doc.analysis.calibrate(&calibration);
            for (field, c) in score_document(doc.truth, &value, set.rules) {
                result.fields.entry(field).or_default().add(c);
            }
            let judged = outcomes(doc.truth, &value, set.rules);
            result.withdrawn += doc
                .analysis
                .fields
                .iter()
                .filter(|x| {
                    x.nullable
                        && probs
                            .get(&x.path)
                            .is_some_and(|p| *p < calibration.abstain_below)
                })
                .count();
            result.judged.extend(
                judged
                    .iter()
                    .filter_map(|o| probs.get(&o.path).map(|p| (*p, o.right))),
            );
        }
    }
    result
}

/// Every n-th of `judged`, keeping at most [`POOLED_PER_SET`] values.
pub fn thinned(judged: &[(f64, bool)]) -> Vec<(f64, bool)> {
    let step = judged.len().div_ceil(POOLED_PER_SET).max(1);
    judged.iter().step_by(step).copied().collect()
}

/// ECE and the auto-accept threshold and share of judged values, formatted
/// for the report: `ece`, `threshold`, `share`.
pub fn figures(judged: &[(f64, bool)]) -> (f64, f64, f64) {
    let (threshold, share) = auto_accept(judged);
    (ece(judged), threshold, share)
}

/// Every judged value of every set as JSON lines, one document a line
/// (`set`, `doc`, `fold` of `k` group folds, `fields`: its analysed leaves,
/// `missed`: truth values no prediction covered, `samples`: path, features,
/// right, truth_filled, nullable), for exploring fits outside the binary.
pub fn dump(sets: &[Set], k: usize, out: &mut impl std::io::Write) -> std::io::Result<()> {
    for set in sets {
        let fold = fold_of(set, k);
        for (i, doc) in set.docs.iter().enumerate() {
            let (samples, missed) = samples_of(set, doc);
            let line = serde_json::json!({
                "set": set.name,
                "doc": i,
                "fold": fold[i],
                "fields": doc.analysis.fields.len(),
                "missed": missed,
                "samples": samples,
            });
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// One document's judged values (as JSON) and its uncovered truth values.
fn samples_of(set: &Set, doc: &Doc) -> (Vec<Value>, usize) {
    let value = &doc.analysis.value;
    let judged = outcomes(doc.truth, value, set.rules);
    let mut out = Vec::new();
    let mut wrong_filled = 0usize;
    for o in &judged {
        wrong_filled += usize::from(!o.right && o.truth_filled);
        if let Some(f) = doc.analysis.fields.iter().find(|f| f.path == o.path) {
            out.push(serde_json::json!({
                "path": o.path, "x": f.x, "right": o.right,
                "truth_filled": o.truth_filled, "nullable": f.nullable,
            }));
        }
    }
    let counts = total(&score_document(doc.truth, value, set.rules));
    (out, counts.fn_.saturating_sub(wrong_filled))
}
