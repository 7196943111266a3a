//! What an operator configures about the model: which wire protocol, where,
//! which model, and the limits that keep a run bounded in time and tokens.
//! Filled by the CLI from `--llm-*` flags and `QUARRY_LLM_*` variables.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The wire protocol spoken to the model server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `POST {base}/chat/completions` with `response_format: json_schema`:
    /// OpenAI, vLLM, Ollama, llama.cpp server, and other compatible servers.
    OpenAi,
    /// `POST {base}/v1/messages` with a forced tool whose `input_schema` is the schema.
    Anthropic,
}

impl Provider {
    /// The base URL used when none is configured.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::OpenAi => "https://api.openai.com/v1",
            Self::Anthropic => "https://api.anthropic.com",
        }
    }

    /// The environment variable read for the API key when `QUARRY_LLM_API_KEY` is unset.
    pub fn key_env(self) -> &'static str {
        match self {
            Self::OpenAi => "OPENAI_API_KEY",
            Self::Anthropic => "ANTHROPIC_API_KEY",
        }
    }
}

impl FromStr for Provider {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "openai" | "openai-compatible" | "vllm" | "ollama" | "llamacpp" | "llama.cpp" => {
                Ok(Self::OpenAi)
            }
            "anthropic" => Ok(Self::Anthropic),
            other => Err(format!(
                "unknown LLM provider \"{other}\"; expected openai (also for vLLM, Ollama, llama.cpp) or anthropic"
            )),
        }
    }
}

/// The default [`LlmConfig::token_budget`]: input + output tokens of one
/// run. A bound, not a target: it stops a model that keeps continuing a
/// looping answer on a long document (a few dollars on a hosted API, tens of
/// minutes on a CPU server).
pub const DEFAULT_TOKEN_BUDGET: u64 = 200_000;

/// The default [`LlmConfig::hybrid_threshold`].
pub const DEFAULT_HYBRID_THRESHOLD: f64 = 0.6;

/// Model endpoint and per-run limits.
#[derive(Clone)]
pub struct LlmConfig {
    pub provider: Provider,
    /// Without a trailing slash, e.g. `http://127.0.0.1:11434/v1` (Ollama)
    /// or `https://api.anthropic.com`.
    pub base_url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer` (OpenAI-compatible) or `x-api-key`
    /// (Anthropic); local servers usually need none.
    pub api_key: Option<String>,
    /// Cap on tokens of one response (`max_tokens`).
    pub max_tokens: u32,
    /// Cap on input + output tokens of one run, over all requests; `None` is unlimited.
    pub token_budget: Option<u64>,
    /// Time cap for one HTTP request.
    pub timeout: Duration,
    /// Pages per request when a config has no `chunkingOptions.pageChunkSize`.
    pub page_chunk_size: usize,
    /// HTTP attempts per request on 429, 5xx and connection errors.
    pub max_attempts: u32,
    /// First retry delay; doubles per attempt up to `backoff_cap`
    /// (a `Retry-After` header wins, within the cap).
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// How often a response cut off at `max_tokens` is continued before the run fails.
    pub max_continuations: u32,
    /// Ask OpenAI-compatible servers for token logprobs (`logprobsConfidence`).
    pub logprobs: bool,
    /// The hybrid engine asks the model about fields whose rules confidence
    /// (`ocrConfidence`) is below this.
    pub hybrid_threshold: f64,
}

impl LlmConfig {
    /// Defaults for `provider` and `model` at the provider's public endpoint.
    pub fn new(provider: Provider, model: impl Into<String>) -> Self {
        Self {
            provider,
            base_url: provider.default_base_url().to_string(),
            model: model.into(),
            api_key: None,
            max_tokens: 4096,
            token_budget: Some(DEFAULT_TOKEN_BUDGET),
            timeout: Duration::from_secs(120),
            page_chunk_size: 10,
            max_attempts: 4,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            max_continuations: 3,
            logprobs: false,
            hybrid_threshold: DEFAULT_HYBRID_THRESHOLD,
        }
    }

    /// `base_url` with any trailing slash removed, so paths join cleanly.
    pub fn with_base_url(mut self, url: &str) -> Self {
        self.base_url = url.trim_end_matches('/').to_string();
        self
    }
}

/// Never prints the API key.
impl fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmConfig")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("max_tokens", &self.max_tokens)
            .field("token_budget", &self.token_budget)
            .field("timeout", &self.timeout)
            .field("page_chunk_size", &self.page_chunk_size)
            .field("max_attempts", &self.max_attempts)
            .field("max_continuations", &self.max_continuations)
            .field("logprobs", &self.logprobs)
            .field("hybrid_threshold", &self.hybrid_threshold)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_and_key_is_redacted() {
        assert_eq!("Ollama".parse::<Provider>(), Ok(Provider::OpenAi));
        assert_eq!("anthropic".parse::<Provider>(), Ok(Provider::Anthropic));
        assert!("gemini".parse::<Provider>().is_err());
        let mut c = LlmConfig::new(Provider::OpenAi, "m").with_base_url("http://h/v1/");
        c.api_key = Some("sk-secret".into());
        assert_eq!(c.base_url, "http://h/v1");
        assert!(!format!("{c:?}").contains("sk-secret"));
    }
}
