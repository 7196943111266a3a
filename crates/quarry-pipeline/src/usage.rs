//! Credits charged for a processed run. The formula is deterministic and
//! documented in docs/usage.md: every page costs 1 credit on
//! `extraction_performance`/`extraction_operator` and 0.5 on
//! `extraction_light`; a document counts as at least one page. Runs served
//! by a model add a zero-credit `llm_tokens` charge with the tokens spent,
//! so operators can account for model cost without changing the bill.

use quarry_extract::TokenUsage;
use serde_json::{Value, json};

/// Credits per page for a base processor.
pub fn credits_per_page(base_processor: Option<&str>) -> f64 {
    match base_processor {
        Some("extraction_light") => 0.5,
        _ => 1.0,
    }
}

/// The `usage` object of a processed run over `pages` pages, with the
/// model `tokens` when a model served it.
pub fn usage_for(
    run_id: &str,
    base_processor: Option<&str>,
    pages: usize,
    tokens: Option<&TokenUsage>,
) -> Value {
    let product = base_processor.unwrap_or("extraction_performance");
    let per_page = credits_per_page(base_processor);
    let mut usage = page_usage("extract_run", run_id, product, per_page, pages);
    if let (Some(t), Some(charges)) = (tokens, usage["breakdown"][0]["charges"].as_array_mut()) {
        charges.push(json!({
            "product": "llm_tokens",
            "unit": "token",
            "quantity": t.input_tokens + t.output_tokens,
            "credits": 0.0,
            "model": t.model,
            "inputTokens": t.input_tokens,
            "outputTokens": t.output_tokens,
            "requests": t.requests,
        }));
    }
    usage
}

/// The `usage` of a run of wire `object` charged `per_page` credits for
/// each of its `pages` (at least one) under `product`.
pub fn page_usage(object: &str, run_id: &str, product: &str, per_page: f64, pages: usize) -> Value {
    let pages = pages.max(1);
    let credits = per_page * pages as f64;
    json!({
        "credits": credits,
        "totalCredits": credits,
        "breakdown": [{
            "object": object,
            "id": run_id,
            "credits": credits,
            "charges": [{
                "product": product,
                "unit": "page",
                "quantity": pages,
                "credits": credits,
                "pages": (1..=pages).collect::<Vec<_>>(),
            }],
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_costs_half_and_minimum_is_one_page() {
        assert_eq!(usage_for("r", None, 0, None)["credits"], json!(1.0));
        assert_eq!(
            usage_for("r", Some("extraction_light"), 4, None)["credits"],
            json!(2.0)
        );
        assert_eq!(
            usage_for("r", None, 3, None)["breakdown"][0]["charges"][0]["pages"],
            json!([1, 2, 3])
        );
    }

    #[test]
    fn model_tokens_are_a_zero_credit_charge() {
        let tokens = TokenUsage {
            model: "m".into(),
            input_tokens: 100,
            output_tokens: 20,
            requests: 2,
        };
        let usage = usage_for("r", None, 2, Some(&tokens));
        assert_eq!(usage["credits"], json!(2.0));
        let charge = &usage["breakdown"][0]["charges"][1];
        assert_eq!(charge["product"], "llm_tokens");
        assert_eq!(charge["quantity"], json!(120));
        assert_eq!(charge["credits"], json!(0.0));
        assert_eq!(charge["outputTokens"], json!(20));
    }
}
