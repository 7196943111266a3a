//! Small geometry and statistics helpers shared by layout and table
//! detection.

use crate::BBox;

/// The median of the finite values, if any.
pub(crate) fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// The centre point of a box.
pub(crate) fn center(b: &BBox) -> (f64, f64) {
    ((b.left + b.right) / 2.0, (b.top + b.bottom) / 2.0)
}

/// Sorted values grouped where neighbours are within `tol`; each group
/// becomes its mean.
pub(crate) fn cluster(mut values: Vec<f64>, tol: f64) -> Vec<f64> {
    values.retain(|v| v.is_finite());
    values.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, usize)> = Vec::new();
    let mut last = f64::NEG_INFINITY;
    for v in values {
        match out.last_mut() {
            Some((sum, n)) if v - last <= tol => {
                *sum += v;
                *n += 1;
            }
            _ => out.push((v, 1)),
        }
        last = v;
    }
    out.into_iter().map(|(sum, n)| sum / n as f64).collect()
}
