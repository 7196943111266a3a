//! Text normalisation and token metrics shared by the quality report.

use std::collections::HashMap;

/// Collapses every run of whitespace to one space and trims.
pub fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown with table separator rows made canonical (`| --- | :-: |`
/// becomes `| - | - |`), so the dash count and alignment colons of a
/// separator do not count as differences.
pub fn canonical_markdown(md: &str) -> String {
    md.lines()
        .map(|l| {
            let t = l.trim();
            let is_separator = t.starts_with('|')
                && t.contains('-')
                && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
            if is_separator {
                let cells = t.trim_matches('|').split('|').count();
                format!("|{}", " - |".repeat(cells))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Upper-cased tokens with surrounding punctuation stripped, counted.
pub fn bag(s: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for t in s.split_whitespace() {
        let t = t
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_uppercase();
        if !t.is_empty() {
            *out.entry(t).or_insert(0) += 1;
        }
    }
    out
}

/// (expected tokens found, expected tokens), counting repeats.
pub fn recall(expected: &HashMap<String, usize>, got: &HashMap<String, usize>) -> (usize, usize) {
    let want: usize = expected.values().sum();
    let hit = expected
        .iter()
        .map(|(t, n)| (*n).min(got.get(t).copied().unwrap_or(0)))
        .sum();
    (hit, want)
}

/// Token F1 of two texts (bags of tokens, repeats counted).
pub fn token_f1(expected: &str, got: &str) -> f64 {
    let (e, g) = (bag(expected), bag(got));
    let (hit, want) = recall(&e, &g);
    let produced: usize = g.values().sum();
    if want == 0 && produced == 0 {
        return 1.0;
    }
    let precision = hit as f64 / produced.max(1) as f64;
    let recall = hit as f64 / want.max(1) as f64;
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_counts_repeats_and_ignores_punctuation() {
        let (hit, want) = recall(&bag("No.53 JALAN, JALAN"), &bag("no.53 jalan"));
        assert_eq!((hit, want), (2, 3));
    }

    #[test]
    fn separator_rows_are_canonical() {
        assert_eq!(
            canonical_markdown("| a | b |\n|---|:--:|\n| 1 | 2 |"),
            "| a | b |\n| - | - |\n| 1 | 2 |"
        );
    }

    #[test]
    fn token_f1_is_one_for_the_same_text_modulo_spacing() {
        assert_eq!(token_f1("| a | b |", "|a|  b|"), 1.0);
        assert_eq!(token_f1("a", "b"), 0.0);
    }
}
