//! A classify run: parse (under the config's ParseConfig, only the pages
//! `advancedOptions.pageRanges` names) → the offline classifier
//! (`quarry-classify`) choosing one of the config's classifications →
//! `{id, type, confidence, insights}` and usage (pages read). The config is
//! checked here, once, for both the create-time 400 and the run.

use quarry_classify::classify;
use quarry_model::enums::failure;
use quarry_parse::Limits;
use serde_json::{Value, json};

use crate::routing::{Routing, RoutingKeys};
use crate::{ConfigError, Input, Outcome};

const KEYS: RoutingKeys = RoutingKeys {
    classes: "classifications",
    rules: "classificationRules",
    base_processors: ["classification_performance", "classification_light"],
};

/// How one classify run is processed.
#[derive(Debug, Clone)]
pub struct ClassifyPlan {
    pub routing: Routing,
}

impl ClassifyPlan {
    /// Validates a ClassifyConfig and resolves it over the `server` parser
    /// limits. Errors name the offending JSON path.
    pub fn resolve(config: Value, server: &Limits) -> Result<ClassifyPlan, ConfigError> {
        let routing = Routing::resolve(config, &KEYS, server)?;
        Ok(ClassifyPlan { routing })
    }

    /// The effective config, taken out of the plan.
    pub fn into_config(self) -> Value {
        self.routing.into_config()
    }
}

/// Processes one classify run; `keep_parse` as for extract runs.
pub fn run_classify(plan: &ClassifyPlan, input: &Input<'_>, keep_parse: bool) -> Outcome {
    let routing = &plan.routing;
    let (doc, parse) = match routing.read(input, keep_parse) {
        Ok(read) => read,
        Err(failure) => return failure.into(),
    };
    let answer = match classify(&doc, &routing.classes, routing.rules.as_deref()) {
        Ok(a) => a,
        Err(e) => return Outcome::failed(failure::FAILED_TO_PROCESS_FILE, e.to_string()),
    };
    let class = &routing.classes[answer.class];
    let output = json!({
        "id": class.id,
        "type": class.kind,
        "confidence": answer.confidence,
        "insights": answer.insights.iter()
            .map(|i| json!({"type": "reasoning", "content": i}))
            .collect::<Vec<_>>(),
    });
    let usage = routing.usage("classify_run", input.run_id, doc.page_count());
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
        assert_eq!(
            plan.routing.config()["baseProcessor"],
            "classification_performance"
        );
        assert_eq!(plan.routing.classes[1].kind, "bank_statement");
    }

    fn run(text: &str, c: Value) -> Outcome {
        let plan = ClassifyPlan::resolve(c, &Limits::default()).expect("valid");
        let input = Input {
            run_id: "clr_t",
            file_id: "file_t",
            file_name: "doc.txt",
            bytes: text.as_bytes(),
            password: None,
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
