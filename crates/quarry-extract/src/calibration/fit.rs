//! Fitting a [`Calibration`]: a weighted, L2-regularised logistic
//! regression (Newton's method, deterministic), an isotonic curve over its
//! score (pool-adjacent-violators, thinned to a small table), and the two
//! thresholds the table carries. Also the two figures the fit and the
//! benchmark report: expected calibration error and the auto-accept share.

use super::{Calibration, sigmoid};

/// Strength of the L2 penalty on the logistic weights (in units of sample
/// weight): enough to keep rare features from running away.
const L2: f64 = 1.0;
/// Newton steps; the fit converges in well under this.
const STEPS: usize = 40;
/// The isotonic curve keeps blocks of at least this share of the weight, so
/// the shipped table stays small and a handful of values cannot pin a
/// probability to 0 or 1.
const MIN_BLOCK_SHARE: f64 = 0.02;
/// Accepted values must be at least this share right to be auto-accepted.
pub const AUTO_ACCEPT_PRECISION: f64 = 0.98;
/// Abstention thresholds tried (a value below is withdrawn).
const ABSTAIN_STEPS: [f64; 11] = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
/// Abstention is kept only when it raises F1 by at least this much.
const ABSTAIN_GAIN: f64 = 0.002;

/// One predicted value the fit learns from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Its features ([`crate::rules::FEATURE_NAMES`]).
    pub x: Vec<f64>,
    /// Whether the scorer counted it right.
    pub right: bool,
    /// Whether the truth has a value there (withdrawing a wrong value then
    /// still leaves a miss).
    pub truth_filled: bool,
    /// How much it counts (datasets are weighted so none dominates).
    pub weight: f64,
    /// Whether the schema lets it be withdrawn (nullable).
    pub nullable: bool,
}

/// Fits a calibration on `samples`; `missed` is the weight of truth values
/// that got no prediction at all (they count against recall whatever the
/// calibration does).
pub fn fit(names: &[&str], samples: &[Sample], missed: f64) -> Calibration {
    let weights = logistic(names.len(), samples);
    let mut table = Calibration {
        features: names.iter().map(|s| s.to_string()).collect(),
        weights,
        curve: Vec::new(),
        abstain_below: 0.0,
        auto_accept: 1.0,
    };
    let scored: Vec<(f64, f64, f64)> = samples
        .iter()
        .map(|s| (table.score(&s.x), f64::from(u8::from(s.right)), s.weight))
        .collect();
    table.curve = isotonic(scored);
    let probs: Vec<f64> = samples
        .iter()
        .map(|s| table.probability(&s.x, 0.0))
        .collect();
    table.abstain_below = abstain_threshold(samples, &probs, missed);
    let kept: Vec<(f64, bool)> = samples
        .iter()
        .zip(&probs)
        .filter(|(s, p)| !s.nullable || **p >= table.abstain_below)
        .map(|(s, p)| (*p, s.right))
        .collect();
    table.auto_accept = auto_accept(&kept).0;
    table
}

fn logistic(n: usize, samples: &[Sample]) -> Vec<f64> {
    let mut w = vec![0.0; n];
    for _ in 0..STEPS {
        let mut grad = vec![0.0; n];
        let mut hess = vec![vec![0.0; n]; n];
        for s in samples {
            let p = sigmoid(w.iter().zip(&s.x).map(|(a, b)| a * b).sum());
            let y = f64::from(u8::from(s.right));
            let g = s.weight * (y - p);
            let h = s.weight * p * (1.0 - p);
            for i in 0..n {
                let xi = s.x.get(i).copied().unwrap_or(0.0);
                grad[i] += g * xi;
                for (hij, xj) in hess[i].iter_mut().zip(&s.x) {
                    *hij += h * xi * xj;
                }
            }
        }
        for i in 0..n {
            grad[i] -= L2 * w[i];
            hess[i][i] += L2;
        }
        let Some(step) = solve(hess, grad) else { break };
        let size: f64 = step.iter().map(|d| d.abs()).fold(0.0, f64::max);
        for (wi, d) in w.iter_mut().zip(&step) {
            *wi += d;
        }
        if size < 1e-7 {
            break;
        }
    }
    w
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in col + 1..n {
            let f = a[row][col] / pivot_row[col];
            for (ark, pk) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *ark -= f * pk;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// A block of pooled samples: weighted mean score and outcome, and weight.
#[derive(Debug, Clone, Copy)]
struct Block {
    score: f64,
    y: f64,
    weight: f64,
}

impl Block {
    fn absorb(&mut self, other: Block) {
        let w = self.weight + other.weight;
        if w > 0.0 {
            self.score = (self.score * self.weight + other.score * other.weight) / w;
            self.y = (self.y * self.weight + other.y * other.weight) / w;
        }
        self.weight = w;
    }
}

/// The isotonic (non-decreasing) fit of outcome on score, as curve points.
fn isotonic(mut scored: Vec<(f64, f64, f64)>) -> Vec<(f64, f64)> {
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let total: f64 = scored.iter().map(|s| s.2).sum();
    // Values with the same score are one point of the curve.
    let mut tied: Vec<Block> = Vec::new();
    let mut last_score = None;
    for (score, y, weight) in scored {
        let b = Block { score, y, weight };
        match tied.last_mut() {
            Some(last) if last_score == Some(score) => last.absorb(b),
            _ => tied.push(b),
        }
        last_score = Some(score);
    }
    let mut blocks: Vec<Block> = Vec::new();
    for mut b in tied {
        while let Some(last) = blocks.last() {
            if last.y < b.y {
                break;
            }
            let mut merged = *last;
            merged.absorb(b);
            b = merged;
            blocks.pop();
        }
        blocks.push(b);
    }
    // Thin: merge neighbours until each block carries enough weight. Merging
    // adjacent blocks of a non-decreasing sequence keeps it non-decreasing.
    let min = total * MIN_BLOCK_SHARE;
    let mut thin: Vec<Block> = Vec::new();
    for b in blocks {
        match thin.last_mut() {
            Some(last) if last.weight < min => last.absorb(b),
            _ => thin.push(b),
        }
    }
    if thin.len() > 1
        && thin.last().is_some_and(|b| b.weight < min)
        && let Some(b) = thin.pop()
        && let Some(last) = thin.last_mut()
    {
        last.absorb(b);
    }
    thin.iter().map(|b| (b.score, b.y)).collect()
}

/// The withdrawal threshold that maximises micro F1 over `samples`.
fn abstain_threshold(samples: &[Sample], probs: &[f64], missed: f64) -> f64 {
    let f1_at = |t: f64| {
        let (mut tp, mut fp, mut fn_) = (0.0, 0.0, missed);
        for (s, p) in samples.iter().zip(probs) {
            let withdrawn = s.nullable && *p < t;
            match (s.right, withdrawn) {
                (true, false) => tp += s.weight,
                (true, true) => fn_ += s.weight,
                (false, false) => {
                    fp += s.weight;
                    fn_ += if s.truth_filled { s.weight } else { 0.0 };
                }
                (false, true) => fn_ += if s.truth_filled { s.weight } else { 0.0 },
            }
        }
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fn_)
        }
    };
    let base = f1_at(0.0);
    let (best, f1) = ABSTAIN_STEPS
        .iter()
        .map(|&t| (t, f1_at(t)))
        .fold((0.0, base), |acc, c| if c.1 > acc.1 { c } else { acc });
    if f1 - base >= ABSTAIN_GAIN { best } else { 0.0 }
}

/// Expected calibration error over `(probability, right)` pairs: 10 bins of
/// equal width, each bin's |share right − mean probability| weighted by its
/// share of the values. 0 for no values.
pub fn ece(values: &[(f64, bool)]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut bins = [(0.0f64, 0.0f64, 0usize); 10];
    for &(p, right) in values {
        let i = ((p.clamp(0.0, 1.0) * 10.0) as usize).min(9);
        bins[i].0 += p;
        bins[i].1 += f64::from(u8::from(right));
        bins[i].2 += 1;
    }
    let n = values.len() as f64;
    bins.iter()
        .filter(|b| b.2 > 0)
        .map(|(p, r, c)| (*c as f64 / n) * ((r - p) / *c as f64).abs())
        .sum()
}

/// The auto-accept threshold and share: the lowest probability `t` such
/// that the values at or above `t` are at least 98 % right, and the share
/// of all values at or above it. `(1.0, 0.0)` when no threshold qualifies
/// (even the most confident values are wrong too often).
pub fn auto_accept(values: &[(f64, bool)]) -> (f64, f64) {
    let mut sorted: Vec<(f64, bool)> = values.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut right, mut best) = (0usize, None);
    let mut i = 0;
    while i < sorted.len() {
        // Values with the same probability are accepted together.
        let p = sorted[i].0;
        while i < sorted.len() && sorted[i].0 == p {
            right += usize::from(sorted[i].1);
            i += 1;
        }
        if right as f64 >= AUTO_ACCEPT_PRECISION * i as f64 {
            best = Some((p, i));
        }
    }
    match best {
        Some((t, n)) => (t, n as f64 / sorted.len() as f64),
        None => (1.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_weighs_each_bin_by_its_share() {
        // Bin 9: p 0.95 twice, both right (gap 0.05); bin 5: p 0.5 twice, none right (gap 0.5).
        let v = [(0.95, true), (0.95, true), (0.5, false), (0.5, false)];
        assert!((ece(&v) - (0.5 * 0.05 + 0.5 * 0.5)).abs() < 1e-9);
        assert_eq!(ece(&[]), 0.0);
        assert!(ece(&[(1.0, true), (0.0, false)]).abs() < 1e-9);
    }

    #[test]
    fn auto_accept_takes_the_lowest_threshold_that_stays_98_percent_right() {
        let mut v: Vec<(f64, bool)> = (0..97).map(|_| (0.99, true)).collect();
        v.push((0.9, false));
        v.push((0.5, false));
        // At 0.99: 97/97 right; at 0.9: 97/98 (98.98 %); at 0.5: 97/99 (97.98 %).
        let (t, share) = auto_accept(&v);
        assert_eq!(t, 0.9);
        assert!((share - 98.0 / 99.0).abs() < 1e-9);
        assert_eq!(auto_accept(&[(0.9, false), (0.8, true)]), (1.0, 0.0));
    }

    fn sample(x1: f64, right: bool) -> Sample {
        Sample {
            x: vec![1.0, x1],
            right,
            truth_filled: true,
            weight: 1.0,
            nullable: true,
        }
    }

    #[test]
    fn the_fit_is_monotone_deterministic_and_learns_the_rate() {
        // x1 = 1: right 9 times in 10; x1 = 0: right 2 times in 10.
        let mut samples = Vec::new();
        for i in 0..100 {
            samples.push(sample(1.0, i % 10 != 0));
            samples.push(sample(0.0, i % 10 < 2));
        }
        let a = fit(&["bias", "x"], &samples, 0.0);
        let b = fit(&["bias", "x"], &samples, 0.0);
        assert_eq!(a, b);
        let hi = a.probability(&[1.0, 1.0], 0.0);
        let lo = a.probability(&[1.0, 0.0], 0.0);
        assert!((hi - 0.9).abs() < 0.02, "{hi}");
        assert!((lo - 0.2).abs() < 0.02, "{lo}");
        assert!(a.curve.windows(2).all(|w| w[0].1 <= w[1].1));
        // Withdrawing the 20 %-right values raises F1 (each wrong one costs
        // a false positive as well as the miss).
        assert!(
            a.abstain_below > lo && a.abstain_below <= 0.5,
            "{}",
            a.abstain_below
        );
    }
}
