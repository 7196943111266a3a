//! The `rules` engine: an honest, offline, deterministic extractor that
//! fills a schema from what the document literally says.
//!
//! It reads label/value lines (`Invoice No: INV-7`, `Total Due   1,234.56`,
//! a label with its value on the line below), simple tables whose header row
//! names the item properties, and comma-separated lists; it types values
//! by the schema (numbers in either separator convention, ISO dates,
//! currencies, enums, booleans) and reports where each value came from. It
//! does not interpret `extractionRules` and never invents a value: fields it
//! cannot find are `null` (arrays `[]`), with `null` confidence.

mod matcher;
mod metadata;
mod position;
mod run;
mod synonyms;
mod table;

use quarry_parse::Document;

use crate::engine::{Engine, ExtractError, ExtractOutput, ExtractRequest};
use crate::layout::Layout;
use crate::{infer_schema, validate_output, validate_schema};

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
        let inferred;
        let schema = match &request.schema {
            Some(schema) => {
                validate_schema(schema)?;
                schema
            }
            None => {
                inferred = infer_schema(doc)?;
                &inferred
            }
        };
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
