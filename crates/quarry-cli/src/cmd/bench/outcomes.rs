//! Which predicted values are right, one by one: what calibration is fitted
//! on and what ECE and the auto-accept share count. "Right" is exactly the
//! scorer's match ([`super::score`]): a predicted leaf is right when the
//! scorer counts it a true positive (same pairing of array items, same
//! normalisation, same unannotated keys skipped), and wrong when it counts
//! it a false positive.

use serde_json::Value;

use super::score::{ScoreRules, is_empty, join, multiset, pair_items};

/// One predicted (non-empty) leaf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Its path as in the engine's metadata (`total`, `line_items[2].amount`).
    pub path: String,
    /// Whether the scorer counts it right.
    pub right: bool,
    /// Whether the truth has a value there.
    pub truth_filled: bool,
}

/// Every scored predicted leaf of `pred`, judged against `truth`.
pub fn outcomes(truth: &Value, pred: &Value, rules: &ScoreRules) -> Vec<Outcome> {
    let mut out = Vec::new();
    walk(truth, pred, "", "", rules, &mut out);
    out
}

fn walk(
    truth: &Value,
    pred: &Value,
    path: &str,
    field: &str,
    rules: &ScoreRules,
    out: &mut Vec<Outcome>,
) {
    match pred {
        Value::Object(p) => {
            for (key, pv) in p {
                let tv = match truth {
                    // A key the truth does not hold is unannotated.
                    Value::Object(t) => match t.get(key) {
                        Some(tv) => tv,
                        None => continue,
                    },
                    _ => &Value::Null,
                };
                walk(tv, pv, &join(path, key), &join(field, key), rules, out);
            }
        }
        Value::Array(p) => {
            let empty = Vec::new();
            let t = truth.as_array().unwrap_or(&empty);
            let objects = t.iter().any(Value::is_object) || p.iter().any(Value::is_object);
            if objects {
                let pairs = pair_items(t, p, field, rules);
                for (pi, item) in p.iter().enumerate() {
                    let ti = pairs.iter().find(|(_, q)| *q == pi).map(|(ti, _)| *ti);
                    let tv = ti.and_then(|i| t.get(i)).unwrap_or(&Value::Null);
                    walk(tv, item, &format!("{path}[{pi}]"), field, rules, out);
                }
            } else {
                let (_, matched) = multiset(t, p, field, rules);
                let filled = t.iter().any(|v| !is_empty(v));
                for (pi, _) in p.iter().enumerate().filter(|(_, v)| !is_empty(v)) {
                    out.push(Outcome {
                        path: format!("{path}[{pi}]"),
                        right: matched.get(pi).copied().unwrap_or(false),
                        truth_filled: filled,
                    });
                }
            }
        }
        leaf if !is_empty(leaf) => {
            let filled = !is_empty(truth) && !truth.is_object() && !truth.is_array();
            out.push(Outcome {
                path: path.to_string(),
                right: filled && rules.same_at(field, truth, leaf),
                truth_filled: filled,
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::score::{score_document, total};
    use super::*;

    #[test]
    fn outcomes_agree_with_the_scorer() {
        let truth = json!({
            "total": 10.0, "name": "ACME", "missing": "x", "empty": null,
            "items": [{"d": "a", "q": 1}, {"d": "b", "q": 2}],
            "party": ["A Inc", "B LLC"]
        });
        let pred = json!({
            "total": 10.001, "name": "Other", "missing": null, "empty": "invented",
            "unannotated": "y",
            "items": [{"d": "b", "q": 2}, {"d": "z", "q": 1}],
            "party": ["b llc", "C"]
        });
        let rules = ScoreRules::default();
        let got = outcomes(&truth, &pred, &rules);
        let right: Vec<&str> = got
            .iter()
            .filter(|o| o.right)
            .map(|o| o.path.as_str())
            .collect();
        let wrong: Vec<&str> = got
            .iter()
            .filter(|o| !o.right)
            .map(|o| o.path.as_str())
            .collect();
        assert_eq!(
            right,
            [
                "total",
                "items[0].d",
                "items[0].q",
                "items[1].q",
                "party[0]"
            ]
        );
        assert_eq!(wrong, ["name", "empty", "items[1].d", "party[1]"]);
        // The scorer's true and false positives are exactly these.
        let counts = total(score_document(&truth, &pred, &rules).values());
        assert_eq!(counts.tp, right.len());
        assert_eq!(counts.fp, wrong.len());
        assert!(
            !got.iter()
                .find(|o| o.path == "empty")
                .is_some_and(|o| o.truth_filled)
        );
    }
}
