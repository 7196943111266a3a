//! Credits charged for a processed run. The formula is deterministic and
//! documented in docs/usage.md: every page costs 1 credit on
//! `extraction_performance`/`extraction_operator` and 0.5 on
//! `extraction_light`; a document counts as at least one page.

use serde_json::{Value, json};

/// Credits per page for a base processor.
pub fn credits_per_page(base_processor: Option<&str>) -> f64 {
    match base_processor {
        Some("extraction_light") => 0.5,
        _ => 1.0,
    }
}

/// The `usage` object of a processed run over `pages` pages.
pub fn usage_for(run_id: &str, base_processor: Option<&str>, pages: usize) -> Value {
    let pages = pages.max(1);
    let credits = credits_per_page(base_processor) * pages as f64;
    json!({
        "credits": credits,
        "totalCredits": credits,
        "breakdown": [{
            "object": "extract_run",
            "id": run_id,
            "credits": credits,
            "charges": [{
                "product": base_processor.unwrap_or("extraction_performance"),
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
        assert_eq!(usage_for("r", None, 0)["credits"], json!(1.0));
        assert_eq!(
            usage_for("r", Some("extraction_light"), 4)["credits"],
            json!(2.0)
        );
        assert_eq!(
            usage_for("r", None, 3)["breakdown"][0]["charges"][0]["pages"],
            json!([1, 2, 3])
        );
    }
}
