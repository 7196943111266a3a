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

mod address_column;
mod credit_note;
mod fit;
mod header;
mod issuer;
mod matcher;
mod metadata;
mod ocr_fix;
mod parties;
mod position;
mod printed_details;
mod receipt;
mod receipt_address;
mod receipt_total;
mod row_shape;
mod run;
mod synonyms;
mod table;
mod totals;
mod vat_rate;

use quarry_parse::Document;

use crate::engine::{Engine, ExtractError, ExtractOutput, ExtractRequest};
use crate::layout::Layout;
use crate::validate_output;

pub(crate) use matcher::words;

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
        let value = run.extract(schema);
        let metadata = metadata::build(&layout, &value, run.evidence(), request);
        validate_output(schema, &value).map_err(|e| {
            ExtractError::Internal(format!(
                "rules engine produced a non-conforming output: {e}"
            ))
        })?;
        Ok(ExtractOutput { value, metadata })
    }
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
