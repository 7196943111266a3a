//! Why a model call failed, and how that becomes a run's `failureReason`.

use quarry_extract::ExtractError;

/// A failed model interaction.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    /// No HTTP answer (connection refused, timeout) after every attempt.
    #[error("{url} could not be reached after {attempts} attempts: {message}")]
    Unreachable {
        url: String,
        attempts: u32,
        message: String,
    },
    /// An error status: not retryable (4xx), or still failing after every attempt.
    #[error("{url} answered HTTP {status} after {attempts} attempts: {body}")]
    Status {
        url: String,
        status: u16,
        attempts: u32,
        body: String,
    },
    /// A 2xx answer that is not the provider's documented shape.
    #[error("unexpected response from the model server: {0}")]
    Protocol(String),
    /// The model's answer is not the requested JSON, after every retry.
    #[error("{0}")]
    Malformed(String),
    /// The answer was still cut off at `max_tokens` after every continuation.
    #[error(
        "the answer was still cut off at the token limit after {0} continuations; raise --llm-max-tokens or lower pageChunkSize"
    )]
    Truncated(u32),
    /// The run used more tokens than its budget allows.
    #[error("the run used {used} tokens, over its budget of {budget} (--llm-token-budget)")]
    Budget { used: u64, budget: u64 },
    /// The HTTP client could not be built (TLS setup).
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

impl From<LlmError> for ExtractError {
    fn from(err: LlmError) -> Self {
        match err {
            LlmError::Malformed(_) | LlmError::Truncated(_) => Self::Parsing(err.to_string()),
            _ => Self::Service(err.to_string()),
        }
    }
}
