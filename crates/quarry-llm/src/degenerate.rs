//! Degenerate answers: a model that repeats itself until `max_tokens`.
//!
//! Small models at temperature 0 sometimes fall into a loop (the same table
//! row, or the same few characters, over and over). Continuing such an
//! answer only repeats the loop on an ever longer context, which on a CPU
//! server costs minutes per page. So a cut-off answer is first checked for
//! a periodic tail ([`repeating_tail`]); when it loops, the text is cut
//! after the loop's first round and closed into valid JSON ([`close`]),
//! keeping every complete value written before the loop, instead of being
//! continued.

/// Shortest periodic tail, in bytes, that counts as a loop.
const MIN_LOOP_BYTES: usize = 64;
/// Rounds of the repeated unit a loop must show.
const MIN_ROUNDS: usize = 3;
/// Longest repeated unit looked for (a table row of a dozen fields).
const MAX_PERIOD: usize = 600;

/// When `text` ends in a loop, the byte length of the text up to the end
/// of the loop's first round.
pub(crate) fn repeating_tail(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let n = b.len();
    for period in 1..=MAX_PERIOD.min(n / MIN_ROUNDS) {
        // Trailing bytes equal to the byte one period earlier.
        let run = (period..n)
            .rev()
            .take_while(|&i| b[i] == b[i - period])
            .count();
        let looped = run + period;
        if looped >= MIN_LOOP_BYTES && looped >= MIN_ROUNDS * period {
            let mut keep = n - run;
            while !text.is_char_boundary(keep) {
                keep -= 1;
            }
            return Some(keep);
        }
    }
    None
}

/// The longest prefix of the cut-off JSON `text` that ends after a complete
/// value, with the open objects and arrays closed; `None` when not even
/// the outer object was opened.
pub(crate) fn close(text: &str) -> Option<String> {
    // Open containers as closing characters, and the last safe cut:
    // its byte position and the closers needed there.
    let mut stack: Vec<char> = Vec::new();
    let mut cut: Option<(usize, Vec<char>)> = None;
    let mut in_string = false;
    let mut escaped = false;
    // The last character outside strings that is not whitespace.
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                stack.push(if c == '{' { '}' } else { ']' });
                // The root or a property's value may be cut empty; an array
                // item may not (it would become a row of nulls).
                if matches!(previous, ' ' | ':') {
                    cut = Some((i + 1, stack.clone()));
                }
            }
            '}' | ']' => {
                stack.pop();
                if stack.is_empty() {
                    return Some(text[..=i].to_string());
                }
                cut = Some((i + 1, stack.clone()));
            }
            // Everything before a comma is complete.
            ',' => cut = Some((i, stack.clone())),
            _ => {}
        }
        if !c.is_whitespace() {
            previous = c;
        }
    }
    let (at, open) = cut?;
    let mut out = text[..at].trim_end().trim_end_matches(',').to_string();
    // A cut right after `"key":` cannot happen: cuts are only at commas and brackets.
    out.extend(open.iter().rev());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_looping_row_is_cut_after_its_first_round() {
        let row = r#"{"description":"Service fee","amount":10.0},"#;
        let text = format!(
            r#"{{"number":"7","items":[{{"description":"Setup","amount":5.0}},{}"#,
            row.repeat(6)
        );
        let keep = repeating_tail(&text).expect("loop found");
        let closed = close(&text[..keep]).expect("closable");
        let value: serde_json::Value = serde_json::from_str(&closed).expect("valid JSON");
        let items = value["items"].as_array().expect("items");
        assert!(items.len() <= 2, "{closed}");
        assert_eq!(items[0]["description"], "Setup");
        assert_eq!(value["number"], "7");
    }

    #[test]
    fn ordinary_answers_and_short_repeats_are_not_loops() {
        assert_eq!(
            repeating_tail(r#"{"a":"x","b":"y","c":[1,2,3,4,5,6,7,8,9,10]}"#),
            None
        );
        assert_eq!(repeating_tail(r#"{"total":1000000}"#), None);
        assert!(repeating_tail(&format!("{{\"n\":\"{}", "ab".repeat(40))).is_some());
    }

    #[test]
    fn cut_off_json_is_closed_after_its_last_complete_value() {
        assert_eq!(
            close(r#"{"a":1,"b":[{"x":1},{"x":"tw"#).as_deref(),
            Some(r#"{"a":1,"b":[{"x":1}]}"#)
        );
        assert_eq!(close(r#"{"a":"1,2","b"#).as_deref(), Some(r#"{"a":"1,2"}"#));
        assert_eq!(close(r#"{"a":1}"#).as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(close("no json"), None);
    }
}
