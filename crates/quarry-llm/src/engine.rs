//! [`LlmEngine`]: the [`Engine`] that asks a model, chunk by chunk.
//!
//! For each chunk of pages: build the prompt, ask for structured output,
//! continue the answer while it is cut off at `max_tokens` (at most
//! `max_continuations` times), parse it, and re-ask once more when it is
//! not the requested JSON. Then merge the chunks ([`crate::merge`]), map
//! line ids to citations ([`crate::metadata`]) and check the value against
//! the schema. Every response's tokens count against the run's budget.

use std::collections::HashMap;

use quarry_extract::{
    Engine, ExtractError, ExtractOutput, ExtractRequest, Extraction, TokenUsage, validate_output,
};
use quarry_parse::Document;
use serde_json::Value;

use crate::answer::{self, Answer};
use crate::config::LlmConfig;
use crate::error::LlmError;
use crate::http::Http;
use crate::merge::{Part, merge};
use crate::metadata::{self, Evidence};
use crate::prompt::{Chunk, LineRef, Prompt, chunks};
use crate::schema::answer_schema;
use crate::wire::{self, Reply, Turn};

/// Whole answers requested per chunk before a malformed one fails the run.
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
}

/// Tokens and logprobs accumulated over one run.
struct Meter {
    usage: TokenUsage,
    budget: Option<u64>,
    confidences: Vec<f64>,
}

impl Meter {
    fn record(&mut self, reply: &Reply) -> Result<(), LlmError> {
        self.usage.input_tokens += reply.input_tokens;
        self.usage.output_tokens += reply.output_tokens;
        self.usage.requests += 1;
        self.confidences.extend(reply.confidence);
        self.check()
    }

    /// Fails once the run has spent its budget (checked before each request, too).
    fn check(&self) -> Result<(), LlmError> {
        let used = self.usage.input_tokens + self.usage.output_tokens;
        match self.budget {
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
        let mut meter = Meter {
            usage: TokenUsage {
                model: self.config.model.clone(),
                ..TokenUsage::default()
            },
            budget: self.config.token_budget,
            confidences: Vec::new(),
        };
        let wanted = answer_schema(schema);
        let size = request
            .page_chunk_size
            .unwrap_or(self.config.page_chunk_size);
        let mut parts = Vec::new();
        for chunk in chunks(doc, size, request.semantic_chunks) {
            let prompt = Prompt::new(doc, &chunk, request.extraction_rules.as_deref());
            let (answer, continued) = self.answer(&prompt, schema, &wanted, &mut meter)?;
            parts.push(Part {
                value: answer.value,
                citations: in_chunk(answer.citations, &chunk),
                continued,
            });
        }
        let merged = merge(&parts);
        let value = answer::conform(schema, &merged.value);
        let logprobs = (!meter.confidences.is_empty())
            .then(|| meter.confidences.iter().sum::<f64>() / meter.confidences.len() as f64);
        let metadata = metadata::build(
            &value,
            &Evidence {
                doc,
                request,
                citations: &merged.citations,
                possibly_truncated: &merged.possibly_truncated,
                logprobs,
            },
        );
        validate_output(schema, &value).map_err(|e| {
            ExtractError::Internal(format!(
                "the conformed model answer does not match the schema: {e}"
            ))
        })?;
        Ok(Extraction {
            output: ExtractOutput { value, metadata },
            tokens: Some(meter.usage),
        })
    }
}

impl LlmEngine {
    /// One chunk's parsed answer, and whether it needed continuing.
    fn answer(
        &self,
        prompt: &Prompt,
        schema: &Value,
        wanted: &Value,
        meter: &mut Meter,
    ) -> Result<(Answer, bool), LlmError> {
        let mut last = LlmError::Malformed("no answer".into());
        for _ in 0..ANSWER_ATTEMPTS {
            let (text, continued) = self.complete(prompt, wanted, meter)?;
            match answer::parse(&text, schema) {
                Ok(a) => return Ok((a, continued)),
                Err(e) => {
                    tracing::warn!(error = %e, "malformed model answer; asking again");
                    last = e;
                }
            }
        }
        Err(last)
    }

    /// The full answer text, continuing while it is cut off.
    fn complete(
        &self,
        prompt: &Prompt,
        wanted: &Value,
        meter: &mut Meter,
    ) -> Result<(String, bool), LlmError> {
        let mut text = self.send(prompt, wanted, Turn::First, meter)?;
        let mut continuations = 0;
        while text.truncated {
            if continuations == self.config.max_continuations {
                return Err(LlmError::Truncated(continuations));
            }
            continuations += 1;
            let turn = Turn::Continue {
                partial: &text.text,
            };
            let next = self.send(prompt, wanted, turn, meter)?;
            text.text.push_str(&next.text);
            text.truncated = next.truncated;
        }
        Ok((text.text, continuations > 0))
    }

    fn send(
        &self,
        prompt: &Prompt,
        wanted: &Value,
        turn: Turn,
        meter: &mut Meter,
    ) -> Result<Reply, LlmError> {
        meter.check()?;
        let req = wire::request(&self.config, prompt, wanted, turn);
        let body = self.http.post(&req.url, &req.headers, &req.body)?;
        let reply = wire::read(self.config.provider, &body)?;
        meter.record(&reply)?;
        Ok(reply)
    }
}

/// Drops cited lines outside the chunk: the model only saw these pages.
fn in_chunk(
    citations: HashMap<String, Vec<LineRef>>,
    chunk: &Chunk,
) -> HashMap<String, Vec<LineRef>> {
    citations
        .into_iter()
        .map(|(path, lines)| {
            (
                path,
                lines.into_iter().filter(|l| chunk.contains(*l)).collect(),
            )
        })
        .collect()
}
