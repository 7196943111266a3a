//! `quarry-llm`: extraction engines backed by a language model, behind the
//! same [`quarry_extract::Engine`] trait as the offline rules engine.
//!
//! Two wire protocols cover the servers people run: OpenAI-compatible chat
//! completions with `json_schema` structured output (OpenAI, vLLM, Ollama,
//! llama.cpp server) and Anthropic Messages with a forced tool. The model
//! sees the document as text with page markers and line ids and cites those
//! ids; Quarry maps them back to word polygons, checks the cited text
//! against each value, chunks long documents by pages and merges the
//! answers. Network code lives here so `quarry-extract` stays pure;
//! [`Engines`] is the one place that decides which engine serves a run.

mod answer;
mod check;
mod config;
mod engine;
mod error;
mod http;
mod merge;
mod metadata;
mod prompt;
mod schema;
#[cfg(feature = "stub")]
pub mod stub;
mod wire;

use std::sync::Arc;

use quarry_extract::{Engine, RulesEngine};

pub use config::{LlmConfig, Provider};
pub use engine::LlmEngine;
pub use error::LlmError;

/// The engines available to a worker, and which one serves a `baseProcessor`.
#[derive(Clone)]
pub struct Engines {
    llm: Option<Arc<LlmEngine>>,
}

impl Engines {
    /// Rules only, or rules plus a model when `llm` is configured.
    pub fn new(llm: Option<LlmConfig>) -> Self {
        Self {
            llm: llm.map(|c| Arc::new(LlmEngine::new(c))),
        }
    }

    /// With a model configured, `extraction_performance` (the default) and
    /// `extraction_operator` use it and `extraction_light` uses the rules
    /// engine; without one, everything uses rules.
    pub fn for_processor(&self, base_processor: Option<&str>) -> &dyn Engine {
        match (&self.llm, base_processor) {
            (Some(_), Some("extraction_light")) | (None, _) => &RulesEngine,
            (Some(llm), _) => llm.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_uses_rules_and_the_rest_the_model_when_one_is_configured() {
        let with = Engines::new(Some(LlmConfig::new(Provider::OpenAi, "m")));
        assert_eq!(with.for_processor(None).name(), "llm");
        assert_eq!(
            with.for_processor(Some("extraction_operator")).name(),
            "llm"
        );
        assert_eq!(with.for_processor(Some("extraction_light")).name(), "rules");
        let without = Engines::new(None);
        assert_eq!(without.for_processor(None).name(), "rules");
    }
}
