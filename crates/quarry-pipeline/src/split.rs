//! A split run: parse (under the config's ParseConfig, only the pages
//! `advancedOptions.pageRanges` names) → the offline splitter
//! (`quarry-classify`) finding where each document of a packet starts and
//! ends → `{splits: [...]}` and usage. Each split is also cut out of the
//! file losslessly ([`quarry_parse::cut_pages`]) and returned in
//! [`Outcome::files`], for the store to keep as a file of its own.

use quarry_classify::{SplitOptions, split};
use quarry_model::enums::failure;
use quarry_parse::{Limits, detect_kind};
use serde_json::{Value, json};

use crate::routing::{Routing, RoutingKeys};
use crate::{ConfigError, DerivedFile, Input, Outcome};

const KEYS: RoutingKeys = RoutingKeys {
    classes: "splitClassifications",
    rules: "splitRules",
    base_processors: ["splitting_performance", "splitting_light"],
};

/// How one split run is processed.
#[derive(Debug, Clone)]
pub struct SplitPlan {
    pub routing: Routing,
    /// `advancedOptions.pageOverlapEnabled` (accepted; see quarry-classify).
    pub page_overlap: bool,
    /// `advancedOptions.strictIdentifierModeEnabled`: neighbouring splits
    /// of one type with the same identifier become one.
    pub strict_identifier: bool,
}

impl SplitPlan {
    /// Validates a SplitConfig and resolves it over the `server` parser
    /// limits. Errors name the offending JSON path.
    pub fn resolve(config: Value, server: &Limits) -> Result<SplitPlan, ConfigError> {
        let flag = |key: &str| -> Result<Option<bool>, ConfigError> {
            match config.pointer(&format!("/advancedOptions/{key}")) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(ConfigError::new(format!(
                    "config.advancedOptions.{key} must be a boolean"
                ))),
            }
        };
        let page_overlap = flag("pageOverlapEnabled")?.unwrap_or(false);
        // On by default, as on the current hosted splitters.
        let strict_identifier = flag("strictIdentifierModeEnabled")?.unwrap_or(true);
        Ok(SplitPlan {
            routing: Routing::resolve(config, &KEYS, server)?,
            page_overlap,
            strict_identifier,
        })
    }

    /// The effective config, taken out of the plan.
    pub fn into_config(self) -> Value {
        self.routing.into_config()
    }
}

/// Processes one split run; `keep_parse` as for extract runs. Each split's
/// `fileId` is left for the store to fill once it kept the split's file.
pub fn run_split(plan: &SplitPlan, input: &Input<'_>, keep_parse: bool) -> Outcome {
    let routing = &plan.routing;
    let (doc, parse) = match routing.read(input, keep_parse) {
        Ok(read) => read,
        Err(failure) => return failure.into(),
    };
    let options = SplitOptions {
        rules: routing.rules.as_deref(),
        page_overlap: plan.page_overlap,
        strict_identifier: plan.strict_identifier,
    };
    let found = match split(&doc, &routing.classes, &options) {
        Ok(found) => found,
        Err(e) => return Outcome::failed(failure::FAILED_TO_PROCESS_FILE, e.to_string()),
    };
    let kind = detect_kind(input.bytes, input.file_name);
    let (stem, extension) = match input.file_name.rsplit_once('.') {
        Some((stem, ext)) => (stem, format!(".{ext}")),
        None => (input.file_name, String::new()),
    };
    let mut splits = Vec::with_capacity(found.len());
    let mut files = Vec::with_capacity(found.len());
    for (i, s) in found.iter().enumerate() {
        let class = &routing.classes[s.class];
        let id = format!("split_{}", i + 1);
        // The API always names a split: the value its `identifierKey` asks
        // for when found, else a short description of the document.
        let identifier = s
            .identifier
            .clone()
            .unwrap_or_else(|| format!("{} pages {}-{}", class.kind, s.start_page, s.end_page));
        let name = format!("{stem} (pages {}-{}){extension}", s.start_page, s.end_page);
        let bytes = match quarry_parse::cut_pages(input.bytes, kind, s.start_page, s.end_page) {
            Ok(bytes) => bytes,
            Err(e) => {
                return Outcome::failed(
                    failure::POST_PROCESSING_FAILURE,
                    format!(
                        "Could not cut pages {}-{} out of the file: {e}",
                        s.start_page, s.end_page
                    ),
                );
            }
        };
        let parent_split = json!({
            "id": id, "type": class.kind, "identifier": identifier,
            "startPage": s.start_page, "endPage": s.end_page,
        });
        files.push(DerivedFile {
            id_at: format!("/splits/{i}/fileId"),
            name: name.clone(),
            bytes,
            parent_split,
        });
        splits.push(json!({
            "id": id,
            "type": class.kind,
            "classificationId": class.id,
            "identifier": identifier,
            "startPage": s.start_page,
            "endPage": s.end_page,
            "observation": s.observation,
            "name": name,
            "confidence": s.confidence,
            "fileId": null,
        }));
    }
    let usage = routing.usage("split_run", input.run_id, doc.page_count());
    let mut outcome = Outcome::processed(json!({ "splits": splits }), usage);
    outcome.parse = parse;
    outcome.files = files;
    outcome
}

#[cfg(test)]
mod tests {
    use quarry_model::enums::RunStatus;

    use super::*;

    fn plan(extra: Value) -> Result<SplitPlan, ConfigError> {
        let mut config = json!({"splitClassifications": [
            {"id": "invoice", "type": "invoice", "identifierKey": "the invoice number",
             "description": "A supplier invoice: invoice number, line items, amount due."},
            {"id": "statement", "type": "bank_statement",
             "description": "A bank statement: IBAN, transactions, running balance."}
        ]});
        if let (Some(c), Some(e)) = (config.as_object_mut(), extra.as_object()) {
            c.extend(e.clone());
        }
        SplitPlan::resolve(config, &Limits::default())
    }

    #[test]
    fn configs_are_checked_with_the_path_of_the_problem() {
        let err = |extra| plan(extra).expect_err("invalid").to_string();
        assert!(
            err(json!({"splitClassifications": []})).starts_with("config.splitClassifications")
        );
        assert!(err(json!({"splitRules": 3})).starts_with("config.splitRules"));
        let flag = json!({"advancedOptions": {"strictIdentifierModeEnabled": "yes"}});
        assert!(err(flag).contains("strictIdentifierModeEnabled"));
        let p = plan(json!({})).expect("valid");
        assert!(p.strict_identifier && !p.page_overlap);
        assert_eq!(p.routing.config()["baseProcessor"], "splitting_performance");
    }

    #[test]
    fn each_document_of_a_text_packet_is_a_split_with_its_pages_as_a_file() {
        let packet = "INVOICE\nInvoice Number: A-1\nItem Qty Price Amount\nHammer 2 12.00 24.00\n\
            Amount Due: 24.00\n\u{c}INVOICE\nInvoice Number: B-2\nItem Qty Price Amount\n\
            Paper 10 5.00 50.00\nAmount Due: 50.00\n";
        let input = Input {
            run_id: "splr_t",
            file_id: "file_t",
            file_name: "packet.txt",
            bytes: packet.as_bytes(),
            password: None,
        };
        let out = run_split(&plan(json!({})).expect("valid"), &input, false);
        assert_eq!(out.status, RunStatus::Processed, "{out:?}");
        let splits = out.output.expect("output")["splits"].clone();
        let pages: Vec<_> = splits
            .as_array()
            .expect("splits")
            .iter()
            .map(|s| {
                (
                    s["type"].clone(),
                    s["startPage"].clone(),
                    s["identifier"].clone(),
                )
            })
            .collect();
        assert_eq!(
            pages,
            [
                (json!("invoice"), json!(1), json!("A-1")),
                (json!("invoice"), json!(2), json!("B-2"))
            ]
        );
        assert_eq!(out.files.len(), 2);
        assert!(String::from_utf8_lossy(&out.files[1].bytes).contains("B-2"));
        assert_eq!(out.files[1].id_at, "/splits/1/fileId");
        assert_eq!(out.usage.expect("usage")["credits"], json!(2.0));
    }
}
