//! [`LlmEngine`]: the [`Engine`] that asks a model for the whole schema,
//! chunk by chunk, and [`Session`], one run's conversation with the model
//! (shared with the hybrid engine).
//!
//! For each request: ask for structured output, and while the answer is cut
//! off at `max_tokens` either stop it (it loops: [`crate::degenerate`]) or
//! continue it (at most `max_continuations` times); parse it, and re-ask
//! once more when it is not the requested JSON. Then merge the chunks
//! ([`crate::merge`]), find each value's words on the page
//! ([`crate::locate`]) for citations and confidence ([`crate::metadata`])
//! and check the value against the schema. Every response's tokens count
//! against the run's budget.

use std::collections::{BTreeSet, HashMap};

use quarry_extract::{
    Engine, ExtractError, ExtractOutput, ExtractRequest, Extraction, TokenUsage, validate_output,
};
use quarry_parse::Document;
use serde_json::{Map, Value};

use crate::answer;
use crate::config::LlmConfig;
use crate::degenerate;
use crate::error::LlmError;
use crate::http::Http;
use crate::locate::locate;
use crate::merge::{Part, merge};
use crate::metadata::{self, Evidence};
use crate::prompt::{Prompt, chunks};
use crate::schema::translate;
use crate::wire::{self, Reply, Turn};

/// Whole answers requested per request before a malformed one fails it.
const ANSWER_ATTEMPTS: u32 = 2;

/// A model-backed engine for one configured endpoint and model.
pub struct LlmEngine {
    config: LlmConfig,
    http: Http,
}

impl LlmEngine {
    pub fn new(config: LlmConfig) -> Self {
        let http = Http::new(&config);
        Self { config, http }
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// A new run's conversation with the model.
    pub(crate) fn session(&self) -> Session<'_> {
        Session {
            engine: self,
            usage: TokenUsage {
                model: self.config.model.clone(),
                ..TokenUsage::default()
            },
            confidences: Vec::new(),
        }
    }
}

/// One run's requests: the tokens and logprobs they spent, against the budget.
pub(crate) struct Session<'e> {
    engine: &'e LlmEngine,
    pub usage: TokenUsage,
    confidences: Vec<f64>,
}

/// A parsed answer, and whether it was cut off on the way.
pub(crate) struct Asked {
    pub value: Value,
    pub truncated: bool,
}

impl Session<'_> {
    /// The model's answer to `prompt`, conformed to `schema` (the dialect
    /// schema; the wire gets its portable translation).
    pub(crate) fn ask(&mut self, prompt: &Prompt, schema: &Value) -> Result<Asked, LlmError> {
        let wanted = translate(schema);
        let mut last = LlmError::Malformed("no answer".into());
        for _ in 0..ANSWER_ATTEMPTS {
            let (text, truncated) = self.complete(prompt, &wanted)?;
            match answer::parse(&text, schema) {
                Ok(value) => return Ok(Asked { value, truncated }),
                Err(e) => {
                    tracing::warn!(error = %e, "malformed model answer; asking again");
                    last = e;
                }
            }
        }
        Err(last)
    }

    /// The run's mean token probability, when the server returned logprobs.
    pub(crate) fn logprobs(&self) -> Option<f64> {
        (!self.confidences.is_empty())
            .then(|| self.confidences.iter().sum::<f64>() / self.confidences.len() as f64)
    }

    /// The full answer text, continuing while it is cut off, or cut and
    /// closed where it started looping.
    fn complete(&mut self, prompt: &Prompt, wanted: &Value) -> Result<(String, bool), LlmError> {
        let mut text = self.send(prompt, wanted, Turn::First)?;
        let mut continuations = 0;
        while text.truncated {
            if let Some(keep) = degenerate::repeating_tail(&text.text) {
                tracing::warn!(
                    bytes = text.text.len(),
                    "the model's answer loops; cut, not continued"
                );
                let closed = degenerate::close(&text.text[..keep]).ok_or_else(|| {
                    LlmError::Malformed("the model's answer looped before any value".into())
                })?;
                return Ok((closed, true));
            }
            if continuations == self.engine.config.max_continuations {
                return Err(LlmError::Truncated(continuations));
            }
            continuations += 1;
            let turn = Turn::Continue {
                partial: &text.text,
            };
            let next = self.send(prompt, wanted, turn)?;
            text.text.push_str(&next.text);
            text.truncated = next.truncated;
        }
        Ok((text.text, continuations > 0))
    }

    fn send(&mut self, prompt: &Prompt, wanted: &Value, turn: Turn) -> Result<Reply, LlmError> {
        self.check()?;
        let config = &self.engine.config;
        let req = wire::request(config, prompt, wanted, turn);
        let body = self.engine.http.post(&req.url, &req.headers, &req.body)?;
        let reply = wire::read(config.provider, &body)?;
        self.usage.input_tokens += reply.input_tokens;
        self.usage.output_tokens += reply.output_tokens;
        self.usage.requests += 1;
        self.confidences.extend(reply.confidence);
        self.check()?;
        Ok(reply)
    }

    /// Fails once the run has spent its budget (checked before and after each request).
    fn check(&self) -> Result<(), LlmError> {
        let used = self.usage.input_tokens + self.usage.output_tokens;
        match self.engine.config.token_budget {
            Some(budget) if used > budget => Err(LlmError::Budget { used, budget }),
            _ => Ok(()),
        }
    }
}

impl Engine for LlmEngine {
    fn name(&self) -> &'static str {
        "llm"
    }

    fn extract(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<ExtractOutput, ExtractError> {
        self.extract_metered(doc, request).map(|e| e.output)
    }

    fn extract_metered(
        &self,
        doc: &Document,
        request: &ExtractRequest,
    ) -> Result<Extraction, ExtractError> {
        let schema = request.schema_for(doc)?;
        let schema = schema.as_ref();
        let mut session = self.session();
        let size = request
            .page_chunk_size
            .unwrap_or(self.config.page_chunk_size);
        let portable = translate(schema);
        let rules = request.extraction_rules.as_deref();
        let mut parts = Vec::new();
        for chunk in chunks(doc, size, request.semantic_chunks) {
            let prompt = Prompt::new(doc, &chunk, &portable, rules, self.config.max_tokens);
            let asked = session.ask(&prompt, schema)?;
            parts.push(Part {
                value: asked.value,
                truncated: asked.truncated,
            });
        }
        let merged = merge(&parts);
        let value = answer::conform(schema, &merged.value);
        let metadata = cited_metadata(
            doc,
            request,
            &value,
            &merged.possibly_truncated,
            session.logprobs(),
        );
        validate_output(schema, &value).map_err(|e| {
            ExtractError::Internal(format!(
                "the conformed model answer does not match the schema: {e}"
            ))
        })?;
        Ok(Extraction {
            output: ExtractOutput { value, metadata },
            tokens: Some(session.usage),
        })
    }
}

/// Metadata for a model-produced `value`, its citations found on every page.
pub(crate) fn cited_metadata(
    doc: &Document,
    request: &ExtractRequest,
    value: &Value,
    possibly_truncated: &BTreeSet<String>,
    logprobs: Option<f64>,
) -> Map<String, Value> {
    let hits: HashMap<_, _> = locate(doc, 0..doc.pages.len(), value);
    metadata::build(
        value,
        &Evidence {
            doc,
            request,
            hits: &hits,
            possibly_truncated,
            logprobs,
        },
    )
}
