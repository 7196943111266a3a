//! `quarry-llm`: extraction engines backed by a language model, behind the
//! same [`quarry_extract::Engine`] trait as the offline rules engine.
//!
//! Two wire protocols cover the servers people run: OpenAI-compatible chat
//! completions with `json_schema` structured output (OpenAI, vLLM, Ollama,
//! llama.cpp server) and Anthropic Messages with a forced tool. The model
//! sees the document as text with page markers and answers values only;
//! Quarry finds each value's words on the page for citations, chunks long
//! documents by pages and merges the answers. [`LlmEngine`] asks the model
//! for everything; [`HybridEngine`] runs the rules engine first and asks the
//! model only about the fields it is unsure of. Network code lives here so
//! `quarry-extract` stays pure; [`Engines`] is the one place that decides
//! which engine serves a run.

mod answer;
mod check;
mod config;
mod context;
mod degenerate;
mod engine;
mod error;
mod http;
mod hybrid;
mod locate;
mod merge;
mod metadata;
mod prompt;
mod route;
mod schema;
#[cfg(feature = "stub")]
pub mod stub;
mod wire;

use std::sync::Arc;

use quarry_extract::{Engine, RulesEngine};

pub use config::{DEFAULT_HYBRID_THRESHOLD, DEFAULT_TOKEN_BUDGET, LlmConfig, Provider};
pub use engine::LlmEngine;
pub use error::LlmError;
pub use hybrid::HybridEngine;

/// The engines available to a worker, and which one serves a `baseProcessor`.
#[derive(Clone)]
pub struct Engines {
    model: Option<(Arc<LlmEngine>, Arc<HybridEngine>)>,
}

impl Engines {
    /// Rules only, or rules plus a model when `llm` is configured.
    pub fn new(llm: Option<LlmConfig>) -> Self {
        Self {
            model: llm.map(|c| {
                let threshold = c.hybrid_threshold;
                let llm = Arc::new(LlmEngine::new(c));
                let hybrid = Arc::new(HybridEngine::new(llm.clone(), threshold));
                (llm, hybrid)
            }),
        }
    }

    /// With a model configured, `extraction_performance` (the default) uses
    /// the hybrid engine, `extraction_operator` the model for everything
    /// and `extraction_light` the rules engine; without one, everything
    /// uses rules.
    pub fn for_processor(&self, base_processor: Option<&str>) -> &dyn Engine {
        match (&self.model, base_processor) {
            (Some(_), Some("extraction_light")) | (None, _) => &RulesEngine,
            (Some((llm, _)), Some("extraction_operator")) => llm.as_ref(),
            (Some((_, hybrid)), _) => hybrid.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_uses_rules_performance_the_hybrid_and_operator_the_model() {
        let with = Engines::new(Some(LlmConfig::new(Provider::OpenAi, "m")));
        assert_eq!(with.for_processor(None).name(), "hybrid");
        assert_eq!(
            with.for_processor(Some("extraction_performance")).name(),
            "hybrid"
        );
        assert_eq!(
            with.for_processor(Some("extraction_operator")).name(),
            "llm"
        );
        assert_eq!(with.for_processor(Some("extraction_light")).name(), "rules");
        let without = Engines::new(None);
        assert_eq!(without.for_processor(None).name(), "rules");
    }
}
