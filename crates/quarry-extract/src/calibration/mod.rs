//! Calibrated confidence: the probability that a value the rules engine
//! returns is right, from features of how it was found.
//!
//! The rules assign each value a hand-set score (a label's match tier times
//! the type fit, a layout rule's constant, the OCR confidence of its words).
//! Those scores order values reasonably but are not probabilities: on some
//! document kinds a 0.6 is right nine times in ten, on others one time in
//! three. A [`Calibration`] maps the features of a value
//! ([`crate::rules::FieldFeatures`]: the rule's score, the OCR confidence,
//! the field's type, the value's shape, arithmetic consistency, repetition
//! in the document, the document's kind) to a probability in two steps, a
//! logistic model and a monotone (isotonic) correction of its output, both
//! fitted on the public corpus by `quarry bench calibrate` and shipped as
//! `table.json` in this crate.
//!
//! A value whose probability falls below the table's `abstain_below` is
//! withdrawn (null), because a confident wrong value costs a reader more
//! than a missing one; the threshold is the one that maximised F1 where it
//! was fitted. `auto_accept` is the lowest probability at which the values
//! were still at least 98 % right there: the dashboard marks values below
//! it for review.

mod fit;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use fit::{AUTO_ACCEPT_PRECISION, Sample, auto_accept, ece, fit};

/// The shipped table, refitted by `quarry bench calibrate --write`.
const SHIPPED: &str = include_str!("table.json");

/// A fitted calibration: logistic weights over the feature vector, then an
/// isotonic curve from the logistic score to a probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Names of the features, in the order of `weights`, so a table fitted
    /// for another feature set is recognised and not misapplied.
    pub features: Vec<String>,
    /// Logistic weights, one per feature (the first feature is the bias).
    pub weights: Vec<f64>,
    /// Points `(score, probability)` of the isotonic curve, scores rising,
    /// probabilities not falling; between points the curve is linear.
    pub curve: Vec<(f64, f64)>,
    /// Values below this probability are withdrawn (0 keeps every value).
    pub abstain_below: f64,
    /// The lowest probability at which fitted values were ≥ 98 % right.
    pub auto_accept: f64,
}

impl Calibration {
    /// The table shipped with the crate, or, if it does not fit the
    /// current features, the identity (the rules' own score).
    pub fn shipped() -> &'static Calibration {
        static TABLE: OnceLock<Calibration> = OnceLock::new();
        TABLE.get_or_init(|| {
            serde_json::from_str::<Calibration>(SHIPPED)
                .ok()
                .filter(Calibration::fits_features)
                .unwrap_or_else(Calibration::identity)
        })
    }

    /// No calibration: the probability is the rules' own score, nothing is
    /// withdrawn and nothing is auto-accepted below 0.8.
    pub fn identity() -> Calibration {
        Calibration {
            features: Vec::new(),
            weights: Vec::new(),
            curve: Vec::new(),
            abstain_below: 0.0,
            auto_accept: 0.8,
        }
    }

    fn fits_features(&self) -> bool {
        let names = crate::rules::FEATURE_NAMES;
        self.features.len() == names.len()
            && self.features.iter().zip(names).all(|(a, b)| a == b)
            && self.weights.len() == names.len()
            && self
                .curve
                .windows(2)
                .all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1)
    }

    /// The logistic score (log-odds) of a feature vector.
    pub fn score(&self, x: &[f64]) -> f64 {
        self.weights.iter().zip(x).map(|(w, v)| w * v).sum()
    }

    /// The probability that a value with features `x` and the rules' own
    /// score `raw` is right: always in 0–1, and never falling as the
    /// logistic score rises.
    pub fn probability(&self, x: &[f64], raw: f64) -> f64 {
        if self.weights.is_empty() {
            return raw.clamp(0.0, 1.0);
        }
        let s = self.score(x);
        if self.curve.is_empty() {
            return sigmoid(s);
        }
        interpolate(&self.curve, s).clamp(0.0, 1.0)
    }

    /// Writes the table as the JSON `table.json` holds.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The logistic function.
pub fn sigmoid(s: f64) -> f64 {
    1.0 / (1.0 + (-s).exp())
}

/// Piecewise-linear lookup, flat beyond the first and last point.
fn interpolate(curve: &[(f64, f64)], s: f64) -> f64 {
    let (Some(first), Some(last)) = (curve.first(), curve.last()) else {
        return sigmoid(s);
    };
    if s <= first.0 {
        return first.1;
    }
    if s >= last.0 {
        return last.1;
    }
    let i = curve.partition_point(|p| p.0 <= s);
    let (a, b) = (curve[i - 1], curve[i]);
    if b.0 - a.0 <= f64::EPSILON {
        return b.1;
    }
    a.1 + (b.1 - a.1) * (s - a.0) / (b.0 - a.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Calibration {
        let n = crate::rules::FEATURE_NAMES.len();
        let mut weights = vec![0.0; n];
        weights[0] = -1.0;
        weights[1] = 3.0;
        Calibration {
            features: crate::rules::FEATURE_NAMES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            weights,
            curve: vec![(-2.0, 0.05), (0.0, 0.4), (0.5, 0.4), (2.0, 0.97)],
            abstain_below: 0.1,
            auto_accept: 0.9,
        }
    }

    #[test]
    fn lookup_is_monotone_and_bounded() {
        let t = table();
        let n = crate::rules::FEATURE_NAMES.len();
        let mut last = 0.0;
        for i in 0..=200 {
            let mut x = vec![0.0; n];
            x[0] = 1.0;
            x[1] = -3.0 + 0.04 * f64::from(i);
            let p = t.probability(&x, 0.5);
            assert!((0.0..=1.0).contains(&p), "{p}");
            assert!(p >= last, "falls at {i}: {p} < {last}");
            last = p;
        }
        assert_eq!(interpolate(&t.curve, -9.0), 0.05);
        assert_eq!(interpolate(&t.curve, 9.0), 0.97);
        assert!((interpolate(&t.curve, -1.0) - 0.225).abs() < 1e-9);
    }

    #[test]
    fn a_table_for_other_features_is_not_applied() {
        let mut t = table();
        assert!(t.fits_features());
        t.features.pop();
        assert!(!t.fits_features());
        let id = Calibration::identity();
        assert_eq!(id.probability(&[1.0, 2.0], 0.7), 0.7);
    }

    #[test]
    fn the_shipped_table_parses_and_fits() {
        let parsed: Calibration = serde_json::from_str(SHIPPED).expect("table.json parses");
        assert!(parsed.fits_features() || parsed.weights.is_empty());
    }
}
