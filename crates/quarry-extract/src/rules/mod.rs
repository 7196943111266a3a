//! The `rules` engine: an honest, offline, deterministic extractor that
//! fills a schema from what the document literally says.
//!
//! It reads label/value candidates (`Invoice No: INV-7`, `Total Due   1,234.56`,
//! a label with its value below, `Rechnung Nr. 4711 vom 05.03.2024`), names
//! fields by their key, `extend:name`, title, description and a multilingual
//! label table ([`synonyms`]), reads arrays of objects from tables whose header
//! names the item properties (rows across blank lines and pages, wrapped
//! cells, totals left out), and falls back to position for what no label
//! names (letterhead, address, first date, largest total). Values are typed
//! by the schema (numbers in either separator convention, dates in the
//! document's own order, currencies, enums, booleans, IBANs) and every value
//! records where it came from. It does not interpret `extractionRules` and
//! never invents a value: fields it cannot find are `null` (arrays `[]`),
//! with `null` confidence.
//!
//! A value's `ocrConfidence` is calibrated ([`crate::calibration`]): the
//! probability, fitted on the public corpus, that a value found the way it
//! was found is right. Values very likely wrong are withdrawn (null, with
//! that low probability as their confidence).

mod address_column;
mod clauses;
mod credit_note;
mod features;
mod fit;
mod header;
mod issuer;
mod matcher;
pub(crate) mod metadata;
mod ocr_fix;
mod parties;
mod position;
mod printed_details;
mod receipt;
mod receipt_address;
mod receipt_total;
mod role;
mod row_shape;
mod run;
mod synonyms;
mod table;
mod totals;
mod vat_rate;

use std::collections::HashMap;

use quarry_parse::Document;
use serde_json::Value;

use crate::calibration::Calibration;
use crate::engine::{Engine, ExtractError, ExtractOutput, ExtractRequest};
use crate::layout::Layout;
use crate::validate_output;

pub use features::{FEATURE_NAMES, FieldFeatures};
pub(crate) use matcher::{FieldNames, words};
use metadata::Evidence;

/// What the rules found before calibration: the value and the features of
/// each filled leaf. `quarry bench` fits and cross-validates calibrations on
/// this; [`Analysis::calibrate`] is what the engine itself does with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The value as the rules filled it (nothing withdrawn).
    pub value: Value,
    /// One entry per non-empty leaf of `value`.
    pub fields: Vec<FieldFeatures>,
}

impl Analysis {
    /// The value under `calibration` (leaves below its `abstain_below`
    /// withdrawn where the schema allows null) and each leaf's probability.
    pub fn calibrate(&self, calibration: &Calibration) -> (Value, HashMap<String, f64>) {
        let mut value = self.value.clone();
        let mut probs = HashMap::with_capacity(self.fields.len());
        for f in &self.fields {
            let p = calibration.probability(&f.x, f.raw);
            if f.nullable && p < calibration.abstain_below {
                withdraw(&mut value, &f.path);
            }
            probs.insert(f.path.clone(), p);
        }
        (value, probs)
    }
}

/// Sets the leaf at a metadata path (`a.b`, `items[2].x`) to null.
fn withdraw(value: &mut Value, path: &str) {
    let mut node = value;
    for part in path.split('.') {
        let (key, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        let Some(next) = node.get_mut(key) else {
            return;
        };
        node = next;
        for index in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            let Some(next) = index.parse::<usize>().ok().and_then(|i| node.get_mut(i)) else {
                return;
            };
            node = next;
        }
    }
    *node = Value::Null;
}

/// What the rules engine knows a schema field as, for engines that build on
/// its reading (the hybrid engine in `quarry-llm` routes fields by concept
/// and finds their labels on the page).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldKnowledge {
    /// Ids of the concepts the field is named after (`total_net`,
    /// `total_tax`, `total_gross`, `line_total`, `invoice_date`, …).
    pub concepts: Vec<&'static str>,
    /// Labels that name the field on documents, as normalized word lists:
    /// its own names and its concepts' labels in several languages.
    pub labels: Vec<Vec<String>>,
}

impl FieldKnowledge {
    /// Whether `text` (a printed line) contains one of the field's labels,
    /// compared after the same normalization (`Invoice No.` = `invoice number`).
    pub fn names_line(&self, text: &str) -> bool {
        let line = words(text);
        self.labels
            .iter()
            .filter(|l| !l.is_empty())
            .any(|label| line.windows(label.len()).any(|w| w == label.as_slice()))
    }
}

/// The concepts and printed labels of property `key` with schema `node`.
pub fn field_knowledge(key: &str, node: &serde_json::Value) -> FieldKnowledge {
    let names = matcher::FieldNames::of(key, node);
    let labels = names
        .variants
        .iter()
        .chain(&names.synonyms)
        .cloned()
        .collect();
    FieldKnowledge {
        concepts: names.concepts,
        labels,
    }
}

/// The label/table matching engine; the default for every `baseProcessor`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RulesEngine;

impl Engine for RulesEngine {
    fn name(&self) -> &'static str {
        "rules"
    }

    fn extract(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<ExtractOutput, ExtractError> {
        let schema = request.schema_for(doc)?;
        let schema = schema.as_ref();
        let layout = Layout::new(doc);
        let mut run = run::Run::new(&layout);
        let analysis = analyse_run(&mut run, schema);
        let (value, probs) = analysis.calibrate(Calibration::shipped());
        let evidence = calibrated(run.evidence(), &probs);
        let metadata = metadata::build(&layout, &value, &evidence, request);
        validate_output(schema, &value).map_err(|e| {
            ExtractError::Internal(format!(
                "rules engine produced a non-conforming output: {e}"
            ))
        })?;
        Ok(ExtractOutput { value, metadata })
    }
}

impl RulesEngine {
    /// The rules' value before calibration and the features of its leaves.
    pub fn analyse(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<Analysis, ExtractError> {
        let schema = request.schema_for(doc)?;
        let layout = Layout::new(doc);
        let mut run = run::Run::new(&layout);
        Ok(analyse_run(&mut run, schema.as_ref()))
    }
}

fn analyse_run(run: &mut run::Run, schema: &Value) -> Analysis {
    let value = run.extract(schema);
    let fields = features::collect(run, schema, &value);
    Analysis { value, fields }
}

/// The evidence with each leaf's confidence replaced by its calibrated
/// probability; leaves without one keep the rules' own.
fn calibrated(
    evidence: &HashMap<String, Evidence>,
    probs: &HashMap<String, f64>,
) -> HashMap<String, Evidence> {
    let mut out = evidence.clone();
    for (path, p) in probs {
        match out.get_mut(path) {
            Some(e) => e.confidence = *p,
            None => {
                out.insert(
                    path.clone(),
                    Evidence {
                        confidence: *p,
                        spans: Vec::new(),
                    },
                );
            }
        }
    }
    out
}

/// The rules engine's value for `text` (laid out as a plain-text document)
/// under `schema`: what the unit tests of the rules assert on.
#[cfg(test)]
pub(crate) fn extract_text(text: &str, schema: serde_json::Value) -> serde_json::Value {
    let doc =
        quarry_parse::parse(text.as_bytes(), "t.txt", &Default::default()).expect("text parses");
    let request = ExtractRequest {
        schema: Some(schema),
        ..Default::default()
    };
    RulesEngine.extract(&doc, &request).expect("extracts").value
}
