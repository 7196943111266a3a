//! What is known about each filled value, as numbers a calibration can
//! weigh ([`crate::calibration`]): how the rules found it (their score
//! before and after OCR confidence, which kind of rule, and for labelled
//! values whether another label read a different value or the same one),
//! what the field is for ([`super::role`]) and what kind of value it is,
//! how confidently OCR read all of its words, whether it adds up with the
//! document's other amounts, whether the document repeats it, and what kind
//! of document it came from (OCR'd, a till receipt, many pages of prose). Only what every rule already records is used, so new
//! rules get features without doing anything.

use std::collections::HashMap;

use serde_json::Value;

use super::metadata::Evidence;
use super::position::LEGAL_FORMS;
use super::role::{ROLES, Role};
use super::run::{Rivals, Run, Source};
use crate::layout::Layout;
use crate::values::Kind;

/// The features, in the order of [`FieldFeatures::x`] and of a
/// calibration table's weights.
pub const FEATURE_NAMES: &[&str] = &[
    "bias",
    "rule_score",
    "ocr_word_confidence",
    "ocr_document",
    "rule_score_x_ocr_document",
    "number",
    "date",
    "other_type",
    "in_table_row",
    "in_list",
    "string_length",
    "string_digit_share",
    "whole_number",
    "number_magnitude",
    "adds_up",
    "repeated_in_document",
    "receipt",
    "pages",
    "words",
    "words_per_page",
    "rule_score_x_number",
    "rule_score_x_date",
    "table_row_x_ocr_document",
    "several_lines",
    "no_evidence",
    "role_amount",
    "role_count",
    "role_rate",
    "role_date",
    "role_time",
    "role_phone",
    "role_address",
    "role_party_name",
    "role_identifier",
    "role_code",
    "role_text",
    "source_label_beside",
    "source_label_above",
    "source_table_row",
    "source_layout",
    "source_receipt",
    "source_arithmetic",
    "source_position",
    "source_clause",
    "rival",
    "rival_margin",
    "seconded",
    "ocr_confidence_product",
    "ocr_confidence_mean",
    "ocr_low_words",
    "legal_form",
];

/// A word read with less OCR confidence than this counts as doubtful.
const LOW_WORD: f32 = 0.8;

/// Arithmetic tolerance for `a + b = c` between amounts (a cent, rounded).
const CENT: f64 = 0.011;

/// The features of one filled leaf.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFeatures {
    /// The leaf's path as in `metadata` (`total`, `line_items[2].amount`, `party[0]`).
    pub path: String,
    /// One number per [`FEATURE_NAMES`] entry.
    pub x: Vec<f64>,
    /// The rules' own confidence (score times OCR confidence; 0 without evidence).
    pub raw: f64,
    /// Whether the schema allows null here, so the value may be withdrawn.
    pub nullable: bool,
}

/// Document-wide facts shared by every field.
struct DocFacts {
    ocr: bool,
    receipt: bool,
    pages: f64,
    words: f64,
    words_per_page: f64,
    /// How many lines print each digit string (`119.00` → `11900`), for
    /// telling a repeated amount in one lookup.
    digit_lines: HashMap<String, usize>,
    /// Each line lower-cased, for repeated names.
    lower_lines: Vec<String>,
}

/// Features of every non-empty leaf of `value` (filled under `schema`).
pub(crate) fn collect(run: &Run, schema: &Value, value: &Value) -> Vec<FieldFeatures> {
    let layout = run.layout;
    let words: usize = layout
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .map(|l| l.toks.len())
        .sum();
    let facts = DocFacts {
        ocr: layout
            .pages
            .iter()
            .flat_map(|p| &p.lines)
            .flat_map(|l| &l.toks)
            .any(|t| t.conf < 1.0),
        receipt: run.is_receipt(),
        pages: (layout.pages.len().max(1) as f64).ln(),
        words: (1.0 + words as f64).ln(),
        words_per_page: (1.0 + words as f64 / layout.pages.len().max(1) as f64).ln(),
        digit_lines: digit_lines(layout),
        lower_lines: layout
            .pages
            .iter()
            .flat_map(|p| &p.lines)
            .map(|l| l.text.to_lowercase())
            .collect(),
    };
    let mut out = Vec::new();
    let ctx = Walk {
        layout,
        evidence: run.evidence(),
        rule_scores: run.rule_scores(),
        sources: run.sources(),
        rivals: run.rivals(),
        facts: &facts,
    };
    ctx.walk(schema, value, "", Place::Top, value, &mut out);
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    Top,
    TableRow,
    List,
}

struct Walk<'a> {
    layout: &'a Layout,
    evidence: &'a HashMap<String, Evidence>,
    rule_scores: &'a HashMap<String, f64>,
    sources: &'a HashMap<String, Source>,
    rivals: &'a HashMap<String, Rivals>,
    facts: &'a DocFacts,
}

/// Every source, in the order of the source features.
const SOURCES: [Source; 8] = [
    Source::LabelBeside,
    Source::LabelAbove,
    Source::TableRow,
    Source::Layout,
    Source::Receipt,
    Source::Arithmetic,
    Source::Position,
    Source::Clause,
];

impl Walk<'_> {
    fn walk(
        &self,
        node: &Value,
        value: &Value,
        path: &str,
        place: Place,
        parent: &Value,
        out: &mut Vec<FieldFeatures>,
    ) {
        match value {
            Value::Object(map) => {
                let props = node.get("properties");
                for (key, child) in map {
                    let child_node = props.and_then(|p| p.get(key)).unwrap_or(&Value::Null);
                    let child_path = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    self.walk(child_node, child, &child_path, place, value, out);
                }
            }
            Value::Array(items) => {
                let item_node = node.get("items").unwrap_or(&Value::Null);
                for (i, item) in items.iter().enumerate() {
                    let item_place = if item.is_object() {
                        Place::TableRow
                    } else {
                        Place::List
                    };
                    self.walk(
                        item_node,
                        item,
                        &format!("{path}[{i}]"),
                        item_place,
                        value,
                        out,
                    );
                }
            }
            Value::Null => {}
            Value::String(s) if s.trim().is_empty() => {}
            leaf => out.push(self.leaf(node, leaf, path, place, parent)),
        }
    }

    fn leaf(
        &self,
        node: &Value,
        value: &Value,
        path: &str,
        place: Place,
        parent: &Value,
    ) -> FieldFeatures {
        let evidence = self.evidence_of(path);
        let source = evidence.and_then(|(key, _)| self.sources.get(key).copied());
        let rivals = evidence.and_then(|(key, _)| self.rivals.get(key).copied());
        let role = Role::of(leaf_key(path), node);
        let confs: Vec<f64> = evidence
            .into_iter()
            .flat_map(|(_, e)| &e.spans)
            .flat_map(|s| self.layout.tokens(s))
            .map(|t| f64::from(t.conf.clamp(0.0, 1.0)))
            .collect();
        let ocr_product = confs.iter().product::<f64>();
        let ocr_mean = if confs.is_empty() {
            1.0
        } else {
            confs.iter().sum::<f64>() / confs.len() as f64
        };
        let low_words = confs.iter().filter(|c| **c < f64::from(LOW_WORD)).count();
        let (raw, ocr_word, lines, rule) = match evidence {
            Some((key, e)) => {
                let ocr_word = e
                    .spans
                    .iter()
                    .map(|s| self.layout.confidence(s))
                    .fold(1.0, f64::min);
                let mut lines: Vec<_> = e.spans.iter().map(|s| s.line).collect();
                lines.dedup();
                let rule = self
                    .rule_scores
                    .get(key)
                    .copied()
                    .unwrap_or(if ocr_word > 0.0 {
                        e.confidence / ocr_word
                    } else {
                        e.confidence
                    });
                (e.confidence, ocr_word, lines.len(), rule)
            }
            None => (0.0, 1.0, 0, 0.0),
        };
        let kind = Kind::of(node);
        let text = value.as_str().unwrap_or("");
        let chars = text.chars().count();
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let number = value.as_f64();
        let ocr = f64::from(u8::from(self.facts.ocr));
        let flag = |b: bool| f64::from(u8::from(b));
        let mut x = vec![
            1.0,
            rule,
            ocr_word,
            ocr,
            rule * ocr,
            flag(matches!(kind, Kind::Number | Kind::Integer) || number.is_some()),
            flag(kind == Kind::Date),
            flag(matches!(kind, Kind::Boolean | Kind::Enum(_))),
            flag(place == Place::TableRow),
            flag(place == Place::List),
            if kind == Kind::String {
                (1.0 + chars as f64).ln() / 4.0
            } else {
                0.0
            },
            if chars > 0 && kind == Kind::String {
                digits as f64 / chars as f64
            } else {
                0.0
            },
            flag(number.is_some_and(|n| n.fract() == 0.0)),
            number.map_or(0.0, |n| (1.0 + n.abs()).ln() / 10.0),
            flag(number.is_some_and(|n| adds_up(n, parent))),
            flag(self.repeated(value, place)),
            flag(self.facts.receipt),
            self.facts.pages / 3.0,
            self.facts.words / 10.0,
            self.facts.words_per_page / 6.0,
            rule * flag(matches!(kind, Kind::Number | Kind::Integer) || number.is_some()),
            rule * flag(kind == Kind::Date),
            flag(place == Place::TableRow) * ocr,
            flag(lines > 1),
            flag(evidence.is_none()),
        ];
        x.extend(ROLES.iter().map(|r| flag(*r == role)));
        x.extend(SOURCES.iter().map(|s| flag(source == Some(*s))));
        let rival = rivals.filter(|r| r.runner_up > 0.0);
        x.push(flag(rival.is_some()));
        x.push(rival.map_or(0.0, |r| (rule - r.runner_up).max(0.0)));
        x.push(flag(rivals.is_some_and(|r| r.seconded)));
        x.push(ocr_product);
        x.push(ocr_mean);
        x.push((1.0 + low_words as f64).ln() / 2.0);
        x.push(flag(names_a_legal_form(text)));
        FieldFeatures {
            path: path.to_string(),
            x,
            raw,
            nullable: allows_null(node),
        }
    }

    /// The evidence of `path`, or of its nearest ancestor that has some.
    fn evidence_of<'p>(&self, path: &'p str) -> Option<(&'p str, &Evidence)> {
        let mut p = path;
        loop {
            if let Some(e) = self.evidence.get(p) {
                return Some((p, e));
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Whether the value is printed on at least two lines of the document
    /// (a total repeated under the items and at the foot, a name in the
    /// letterhead and the footer). Table cells are not looked up: a long
    /// table would make that quadratic, and its cells repeat by nature.
    fn repeated(&self, value: &Value, place: Place) -> bool {
        match value {
            Value::Number(n) => {
                let Some(n) = n.as_f64() else { return false };
                let cents = format!("{:.2}", n.abs()).replace('.', "");
                let whole = (n.fract() == 0.0).then(|| format!("{}", n.abs() as i64));
                let count = |d: &str| self.facts.digit_lines.get(d).copied().unwrap_or(0);
                count(&cents) + whole.as_deref().map_or(0, count) >= 2
            }
            Value::String(s) if place != Place::TableRow && s.chars().count() >= 3 => {
                let needle = s.to_lowercase();
                self.facts
                    .lower_lines
                    .iter()
                    .filter(|l| l.contains(&needle))
                    .take(2)
                    .count()
                    >= 2
            }
            _ => false,
        }
    }
}

/// The property key a leaf path ends in (`line_items[2].amount` → `amount`,
/// `party[0]` → `party`).
fn leaf_key(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// Whether a text names a company's legal form as a word (`Acme Sdn Bhd`,
/// `Widgets GmbH`); `&` and `Co` alone do not count.
fn names_a_legal_form(text: &str) -> bool {
    text.split_whitespace().any(|w| {
        let w = w.to_lowercase();
        let w = w.trim_end_matches(['.', ',']);
        LEGAL_FORMS.contains(&w) && w != "&" && w != "co"
    })
}

/// Lines per digit string of a token (each line counted once per string).
fn digit_lines(layout: &Layout) -> HashMap<String, usize> {
    let mut out: HashMap<String, usize> = HashMap::new();
    for line in layout.pages.iter().flat_map(|p| &p.lines) {
        let mut seen: Vec<String> = Vec::new();
        for t in &line.toks {
            let d: String = t.text.chars().filter(char::is_ascii_digit).collect();
            if !d.is_empty() && !seen.contains(&d) {
                seen.push(d);
            }
        }
        for d in seen {
            *out.entry(d).or_default() += 1;
        }
    }
    out
}

/// Whether `n` is the sum or a part of two other amounts of the same object
/// (net + tax = gross, subtotal + tip = total).
fn adds_up(n: f64, parent: &Value) -> bool {
    let Some(map) = parent.as_object() else {
        return false;
    };
    let others: Vec<f64> = map.values().filter_map(Value::as_f64).collect();
    let close = |a: f64, b: f64| (a - b).abs() <= CENT;
    let mut seen_self = false;
    let mut rest = Vec::with_capacity(others.len());
    for o in others {
        if !seen_self && close(o, n) {
            seen_self = true;
        } else {
            rest.push(o);
        }
    }
    rest.iter().enumerate().any(|(i, &a)| {
        rest.iter().skip(i + 1).any(|&b| {
            (a != 0.0 && b != 0.0) && (close(a + b, n) || close(n + a, b) || close(n + b, a))
        })
    })
}

/// Whether the schema node's `type` admits null.
fn allows_null(node: &Value) -> bool {
    match node.get("type") {
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        Some(Value::String(t)) => t == "null",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::engine::ExtractRequest;

    /// A plain-text document and a request for `schema` on it.
    fn text_and_request(text: &str, schema: Value) -> (quarry_parse::Document, ExtractRequest) {
        let doc = quarry_parse::parse(text.as_bytes(), "t.txt", &Default::default())
            .expect("text parses");
        let request = ExtractRequest {
            schema: Some(schema),
            ..Default::default()
        };
        (doc, request)
    }

    #[test]
    fn amounts_that_add_up_are_marked() {
        let parent = json!({"net": 100.0, "tax": 19.0, "gross": 119.0, "other": 5.0});
        assert!(adds_up(119.0, &parent));
        assert!(adds_up(19.0, &parent));
        assert!(!adds_up(5.0, &parent));
        assert!(!adds_up(7.0, &json!({"a": 7.0})));
    }

    #[test]
    fn the_engine_returns_calibrated_confidences() {
        use crate::calibration::Calibration;
        use crate::engine::Engine;
        use crate::rules::RulesEngine;

        let text = "ACME Widgets Ltd\n\nInvoice No: INV-2024-7\nNet amount: 100.00\nVAT: 19.00\nTotal: 119.00\n";
        let nullable = |t: &str| json!({"type": [t, "null"]});
        let schema = json!({"type": "object", "properties": {
            "invoice_number": nullable("string"),
            "total_net": nullable("number"),
            "total_tax": nullable("number"),
            "total_gross": nullable("number")
        }, "required": ["invoice_number", "total_net", "total_tax", "total_gross"],
           "additionalProperties": false});
        let (doc, request) = text_and_request(text, schema);
        let analysis = RulesEngine.analyse(&doc, &request).expect("analyses");
        let out = RulesEngine.extract(&doc, &request).expect("extracts");
        assert_eq!(analysis.value["total_gross"].as_f64(), Some(119.0));
        let shipped = Calibration::shipped();
        for f in &analysis.fields {
            let p = shipped.probability(&f.x, f.raw);
            let got = out.metadata[&f.path]["ocrConfidence"]
                .as_f64()
                .expect("a confidence");
            assert!(
                (got - (p * 1000.0).round() / 1000.0).abs() < 1e-9,
                "{}",
                f.path
            );
            assert!((0.0..=1.0).contains(&got));
        }
        let adds_up = FEATURE_NAMES
            .iter()
            .position(|n| *n == "adds_up")
            .expect("feature");
        let gross = analysis
            .fields
            .iter()
            .find(|f| f.path == "total_gross")
            .expect("gross");
        assert_eq!(gross.x[adds_up], 1.0);

        // A calibration that rates such values unlikely withdraws them, and
        // the withdrawn field keeps its low probability.
        let mut weights = vec![0.0; FEATURE_NAMES.len()];
        weights[0] = -5.0;
        let strict = Calibration {
            features: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
            weights,
            curve: Vec::new(),
            abstain_below: 0.5,
            auto_accept: 0.9,
        };
        let (value, probs) = analysis.calibrate(&strict);
        assert!(value["total_gross"].is_null());
        assert!(probs["total_gross"] < 0.01);
    }

    #[test]
    fn features_tell_the_role_the_rule_and_the_rivals() {
        use crate::engine::Engine;
        use crate::rules::RulesEngine;

        // The invoice number is printed twice under two labels (seconded);
        // the order date has a rival date; the name comes from the letterhead.
        let text = "ACME Widgets Ltd\n\nInvoice No: INV-2024-7\nInvoice #: INV-2024-7\n\
            Invoice date: 03/04/2024\nDelivery date: 05/04/2024\nTotal: 119.00\n";
        let nullable = |t: &str| json!({"type": [t, "null"]});
        let schema = json!({"type": "object", "properties": {
            "invoice_number": nullable("string"),
            "invoice_date": {"type": ["string", "null"], "extend:type": "date"},
            "total_gross": nullable("number"),
            "seller_name": nullable("string")
        }});
        let (doc, request) = text_and_request(text, schema);
        let analysis = RulesEngine.analyse(&doc, &request).expect("analyses");
        let x = |path: &str, name: &str| {
            let i = FEATURE_NAMES.iter().position(|n| *n == name).expect(name);
            let f = analysis.fields.iter().find(|f| f.path == path).expect(path);
            f.x[i]
        };
        assert_eq!(analysis.value["invoice_number"], "INV-2024-7");
        assert_eq!(x("invoice_number", "role_identifier"), 1.0);
        assert_eq!(x("invoice_number", "source_label_beside"), 1.0);
        assert_eq!(x("invoice_number", "seconded"), 1.0);
        assert_eq!(x("invoice_date", "role_date"), 1.0);
        assert_eq!(x("invoice_date", "rival"), 1.0);
        assert!(x("invoice_date", "rival_margin") > 0.0);
        assert_eq!(x("total_gross", "role_amount"), 1.0);
        assert_eq!(x("total_gross", "rival"), 0.0);
        assert_eq!(x("seller_name", "role_party_name"), 1.0);
        assert_eq!(x("seller_name", "source_label_beside"), 0.0);
        let _ = RulesEngine.extract(&doc, &request).expect("extracts");
    }

    #[test]
    fn null_is_allowed_only_where_the_type_says_so() {
        assert!(allows_null(&json!({"type": ["string", "null"]})));
        assert!(!allows_null(&json!({"type": "string"})));
    }
}
