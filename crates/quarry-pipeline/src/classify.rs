//! A classify run: parse (under the config's ParseConfig, only the pages
//! `advancedOptions.pageRanges` names) → the offline classifier
//! (`quarry-classify`) choosing one of the config's classifications →
//! `{id, type, confidence, insights}` and usage (pages read). The config is
//! checked here, once, for both the create-time 400 and the run.

use quarry_classify::{Class, classify};
use quarry_model::enums::failure;
use quarry_parse::{Document, Limits};
use serde_json::{Value, json};

use crate::parse::read;
use crate::parse_config::{check_page_ranges, ranges};
use crate::{ConfigError, Input, Outcome, ParsePlan, page_usage};

/// Base processors a ClassifyConfig may name; the first is the default.
const BASE_PROCESSORS: [&str; 2] = ["classification_performance", "classification_light"];
/// Most classifications one config may hold.
pub const MAX_CLASSIFICATIONS: usize = 200;

/// How one classify run is processed.
#[derive(Debug, Clone)]
pub struct ClassifyPlan {
    /// The effective ClassifyConfig (defaults applied), as the run echoes it.
    config: Value,
    pub parse: ParsePlan,
    pub classes: Vec<Class>,
    /// `classificationRules`: free text the engine reads as extra evidence.
    pub rules: Option<String>,
    /// `advancedOptions.pageRanges` (1-based, inclusive); empty is every page.
    pub page_ranges: Vec<(u32, u32)>,
}

impl ClassifyPlan {
    /// Validates a ClassifyConfig and resolves it over the `server` parser
    /// limits. Errors name the offending JSON path.
    pub fn resolve(mut config: Value, server: &Limits) -> Result<ClassifyPlan, ConfigError> {
        let Some(obj) = config.as_object_mut() else {
            return Err(ConfigError::new("config must be an object"));
        };
        let base = obj
            .entry("baseProcessor")
            .or_insert_with(|| json!(BASE_PROCESSORS[0]));
        if !base.as_str().is_some_and(|b| BASE_PROCESSORS.contains(&b)) {
            return Err(ConfigError::new(format!(
                "config.baseProcessor must be one of {}",
                BASE_PROCESSORS.join(", ")
            )));
        }
        let classes = classes(config.get("classifications"), "config.classifications")?;
        let rules = match config.get("classificationRules") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(ConfigError::new(
                    "config.classificationRules must be a string",
                ));
            }
        };
        check_page_ranges(&config, "config")?;
        let page_ranges = ranges(config.pointer("/advancedOptions/pageRanges"))
            .map(|(s, e)| (s as u32, e as u32))
            .collect();
        let parse = ParsePlan::resolve_at(config.get("parseConfig"), "config.parseConfig", server)?;
        Ok(ClassifyPlan {
            config,
            parse,
            classes,
            rules,
            page_ranges,
        })
    }

    /// The effective config, as the run echoes it.
    pub fn config(&self) -> &Value {
        &self.config
    }

    /// The effective config, taken out of the plan.
    pub fn into_config(self) -> Value {
        self.config
    }
}

/// The classifications of a config at `path`: a non-empty array of
/// `{id, type, description}` objects with distinct ids.
pub(crate) fn classes(list: Option<&Value>, path: &str) -> Result<Vec<Class>, ConfigError> {
    let Some(items) = list.and_then(Value::as_array) else {
        return Err(ConfigError::new(format!(
            "{path} is required: an array of {{id, type, description}}"
        )));
    };
    if items.is_empty() || items.len() > MAX_CLASSIFICATIONS {
        return Err(ConfigError::new(format!(
            "{path} must hold 1 to {MAX_CLASSIFICATIONS} classifications; got {}",
            items.len()
        )));
    }
    let mut classes: Vec<Class> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let text = |key: &str, required: bool| -> Result<Option<String>, ConfigError> {
            match item.get(key) {
                Some(Value::String(s)) if !(required && s.trim().is_empty()) => Ok(Some(s.clone())),
                None | Some(Value::Null) if !required => Ok(None),
                _ => Err(ConfigError::new(format!(
                    "{path}[{i}].{key} must be a{} string",
                    if required { " non-empty" } else { "" }
                ))),
            }
        };
        let id = text("id", true)?.unwrap_or_default();
        if classes.iter().any(|c| c.id == id) {
            return Err(ConfigError::new(format!(
                "{path}[{i}].id `{id}` is used by an earlier classification; ids must be distinct"
            )));
        }
        classes.push(Class {
            kind: text("type", true)?.unwrap_or_default(),
            description: text("description", false)?.unwrap_or_default(),
            identifier_key: text("identifierKey", false)?,
            id,
        });
    }
    Ok(classes)
}

/// Keeps only the pages inside `ranges` (all of them when it is empty);
/// pages keep their numbers, so evidence names the file's pages.
pub(crate) fn keep_pages(doc: &mut Document, ranges: &[(u32, u32)]) {
    if !ranges.is_empty() {
        doc.pages
            .retain(|p| ranges.iter().any(|&(s, e)| (s..=e).contains(&p.number)));
    }
}

/// Processes one classify run; `keep_parse` as for extract runs.
pub fn run_classify(plan: &ClassifyPlan, input: &Input<'_>, keep_parse: bool) -> Outcome {
    let (mut doc, parse) = match read(&plan.parse, input, keep_parse) {
        Ok(read) => read,
        Err(failure) => return failure.into(),
    };
    keep_pages(&mut doc, &plan.page_ranges);
    let answer = match classify(&doc, &plan.classes, plan.rules.as_deref()) {
        Ok(a) => a,
        Err(e) => return Outcome::failed(failure::FAILED_TO_PROCESS_FILE, e.to_string()),
    };
    let class = &plan.classes[answer.class];
    let output = json!({
        "id": class.id,
        "type": class.kind,
        "confidence": answer.confidence,
        "insights": answer.insights.iter()
            .map(|i| json!({"type": "reasoning", "content": i}))
            .collect::<Vec<_>>(),
    });
    let product = plan.config["baseProcessor"]
        .as_str()
        .unwrap_or(BASE_PROCESSORS[0]);
    let per_page = if product == "classification_light" {
        0.5
    } else {
        1.0
    };
    let usage = page_usage(
        "classify_run",
        input.run_id,
        product,
        per_page,
        doc.page_count(),
    );
    let mut outcome = Outcome::processed(output, usage);
    outcome.parse = parse;
    outcome
}

#[cfg(test)]
mod tests {
    use quarry_model::enums::RunStatus;

    use super::*;

    fn config(classes: Value) -> Value {
        json!({"classifications": classes})
    }

    fn kinds() -> Value {
        json!([
            {"id": "invoice", "type": "invoice",
             "description": "A supplier invoice: invoice number, line items, amount due."},
            {"id": "statement", "type": "bank_statement",
             "description": "A bank account statement: IBAN, transactions, running balance."}
        ])
    }

    fn error_of(c: Value) -> String {
        ClassifyPlan::resolve(c, &Limits::default())
            .expect_err("invalid")
            .to_string()
    }

    #[test]
    fn configs_are_checked_with_the_path_of_the_problem() {
        assert!(error_of(json!({})).starts_with("config.classifications is required"));
        assert!(error_of(config(json!([]))).contains("1 to 200"));
        let dup = config(json!([{"id": "a", "type": "x"}, {"id": "a", "type": "y"}]));
        assert!(error_of(dup).starts_with("config.classifications[1].id"));
        let untyped = config(json!([{"id": "a", "type": " "}]));
        assert!(error_of(untyped).starts_with("config.classifications[0].type"));
        let mut bad_base = config(kinds());
        bad_base["baseProcessor"] = json!("extraction_performance");
        assert!(error_of(bad_base).starts_with("config.baseProcessor"));
        let mut ranges = config(kinds());
        ranges["advancedOptions"] = json!({"pageRanges": [{"start": 2, "end": 1}]});
        assert!(error_of(ranges).contains("pageRanges[0]"));
        let plan = ClassifyPlan::resolve(config(kinds()), &Limits::default()).expect("valid");
        assert_eq!(plan.config()["baseProcessor"], "classification_performance");
        assert_eq!(plan.classes[1].kind, "bank_statement");
    }

    fn run(text: &str, c: Value) -> Outcome {
        let plan = ClassifyPlan::resolve(c, &Limits::default()).expect("valid");
        let input = Input {
            run_id: "clr_t",
            file_id: "file_t",
            file_name: "doc.txt",
            bytes: text.as_bytes(),
        };
        run_classify(&plan, &input, true)
    }

    #[test]
    fn a_document_gets_one_classification_with_usage_and_its_parse() {
        let statement = "ACCOUNT STATEMENT\nIBAN: DE89 3704 0044 0532 0130 00\n\
            Date Description Debit Credit Balance\n01.03.2026 Opening balance 1,200.00\n\
            03.03.2026 Card payment 45.10 1,154.90\n31.03.2026 Closing balance 1,154.90\n";
        let out = run(statement, config(kinds()));
        assert_eq!(out.status, RunStatus::Processed, "{out:?}");
        let output = out.output.expect("output");
        assert_eq!(
            (output["id"].as_str(), output["type"].as_str()),
            (Some("statement"), Some("bank_statement"))
        );
        let confidence = output["confidence"].as_f64().expect("confidence");
        assert!((0.0..=1.0).contains(&confidence));
        assert_eq!(output["insights"][0]["type"], "reasoning");
        assert_eq!(
            out.usage.expect("usage")["breakdown"][0]["object"],
            "classify_run"
        );
        assert!(out.parse.is_some());
    }

    #[test]
    fn page_ranges_keep_only_the_pages_named() {
        // Page 1 is a statement, page 2 an invoice; classifying page 2 only
        // must name the invoice.
        let text = "ACCOUNT STATEMENT\nIBAN DE89 3704 0044 0532 0130 00\nOpening balance 1,200.00\n\
            Closing balance 1,154.90\n\u{c}INVOICE\nInvoice Number: INV-7\nBill To: Northwind\n\
            Item Qty Price Amount\nHammer 2 12.00 24.00\nAmount Due: 24.00\n";
        let mut c = config(kinds());
        c["advancedOptions"] = json!({"pageRanges": [{"start": 2, "end": 2}]});
        let out = run(text, c);
        let output = out.output.expect("output");
        assert_eq!(output["id"], "invoice", "{output}");
        assert_eq!(out.usage.expect("usage")["credits"], json!(1.0));
    }
}
