//! Turning class scores into a probability-like confidence: a softmax over
//! the scores at temperature [`TEMPERATURE`]. Scores are sums of evidence
//! points, so the confidence of the winner depends on its margin over the
//! others, not on how much a long document prints.
//!
//! The temperature was fitted by minimising the negative log-likelihood of
//! the true class on the public `classify_doctype` set and checked with
//! leave-one-kind-out folds (`quarry bench route` prints both), so that a
//! confidence of 0.9 is right about nine times in ten.

/// Score points per factor of e in the odds between two classes.
pub const TEMPERATURE: f64 = 3.0;

/// The softmax of `scores` at [`TEMPERATURE`] (or `temperature`).
pub fn softmax(scores: &[f64], temperature: f64) -> Vec<f64> {
    let t = temperature.max(1e-6);
    let top = scores.iter().copied().fold(f64::MIN, f64::max);
    let exps: Vec<f64> = scores.iter().map(|s| ((s - top) / t).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}
