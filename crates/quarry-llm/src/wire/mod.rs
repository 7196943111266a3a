//! The two wire protocols: how a request body is built and how an answer is
//! read, one module per provider. Everything else in the crate is
//! provider-neutral and sees only [`Turn`] and [`Reply`].

mod anthropic;
mod openai;

use serde_json::Value;

use crate::config::{LlmConfig, Provider};
use crate::error::LlmError;
use crate::prompt::Prompt;

/// Which request of an answer is being made.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Turn<'a> {
    /// The first request: structured output (`json_schema` or a forced tool).
    First,
    /// A cut-off answer is continued; `partial` is everything received so
    /// far (possibly empty when the provider's partial was unusable).
    Continue { partial: &'a str },
}

/// One response, reduced to what the engine needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reply {
    /// The answer's JSON text (or the next piece of it when continuing).
    pub text: String,
    /// Stopped at `max_tokens` (`finish_reason: length`, `stop_reason: max_tokens`).
    pub truncated: bool,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Mean token probability, when the server returned logprobs.
    pub confidence: Option<f64>,
}

/// URL, headers and body of a request.
pub(crate) struct Request {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Value,
}

pub(crate) fn request(config: &LlmConfig, prompt: &Prompt, schema: &Value, turn: Turn) -> Request {
    match config.provider {
        Provider::OpenAi => openai::request(config, prompt, schema, turn),
        Provider::Anthropic => anthropic::request(config, prompt, schema, turn),
    }
}

pub(crate) fn read(provider: Provider, body: &Value) -> Result<Reply, LlmError> {
    match provider {
        Provider::OpenAi => openai::read(body),
        Provider::Anthropic => anthropic::read(body),
    }
}

/// A non-negative integer field, 0 when absent.
fn count(value: &Value) -> u64 {
    value.as_u64().unwrap_or(0)
}
