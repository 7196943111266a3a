//! Small geometry and statistics helpers shared by layout and table
//! detection.

use crate::BBox;

/// The median of the finite values, if any: the upper middle one of an
/// even count. Selected in linear time rather than by sorting (layout asks
/// for it at every step of the XY-cut); `total_cmp` is a total order, so
/// the value is the one a full sort would put in the middle.
pub(crate) fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let middle = v.len() / 2;
    Some(*v.select_nth_unstable_by(middle, f64::total_cmp).1)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_is_the_upper_middle_of_the_sorted_finite_values() {
        assert_eq!(median([3.0, 1.0, 2.0].into_iter()), Some(2.0));
        assert_eq!(median([4.0, 1.0, 3.0, 2.0].into_iter()), Some(3.0));
        assert_eq!(
            median([f64::NAN, 5.0, f64::INFINITY].into_iter()),
            Some(5.0)
        );
        assert_eq!(median([f64::NAN].into_iter()), None);
        // Selection agrees with sorting on repeated and unordered values.
        let values: Vec<f64> = (0..101).map(|i| ((i * 37) % 11) as f64 * 0.5).collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(median(values.into_iter()), Some(sorted[50]));
    }
}
