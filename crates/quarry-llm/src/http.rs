//! POSTing a JSON body to the model server with bounded retries.
//!
//! 429, 5xx and connection failures are retried with exponential backoff
//! (`backoff_base · 2^n`, capped); a `Retry-After` header in seconds replaces
//! the computed delay, within the same cap, so a rate-limited run waits as
//! long as the server asks but never longer than the operator allows. Other
//! 4xx answers are final: retrying a bad request only burns time.
//!
//! The client is blocking because the [`quarry_extract::Engine`] trait is:
//! the worker calls engines on a blocking thread. It is built on first use,
//! on that thread, because reqwest's blocking client must not be created
//! inside an async context.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::RETRY_AFTER;
use serde_json::Value;

use crate::config::LlmConfig;
use crate::error::LlmError;

/// Longest error body quoted in a failure message.
const BODY_EXCERPT: usize = 500;

/// The HTTP side of one engine: a lazily built client and the retry policy.
pub(crate) struct Http {
    client: OnceLock<Result<Client, String>>,
    timeout: Duration,
    max_attempts: u32,
    backoff_base: Duration,
    backoff_cap: Duration,
}

impl Http {
    pub(crate) fn new(config: &LlmConfig) -> Self {
        Self {
            client: OnceLock::new(),
            timeout: config.timeout,
            max_attempts: config.max_attempts.max(1),
            backoff_base: config.backoff_base,
            backoff_cap: config.backoff_cap,
        }
    }

    fn client(&self) -> Result<&Client, LlmError> {
        self.client
            .get_or_init(|| {
                // reqwest is built without a bundled crypto provider; pick ring once.
                let _ = rustls::crypto::ring::default_provider().install_default();
                Client::builder()
                    .timeout(self.timeout)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| LlmError::Client(e.clone()))
    }

    /// POSTs `body` to `url` with `headers` and returns the JSON answer.
    pub(crate) fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: &Value,
    ) -> Result<Value, LlmError> {
        let client = self.client()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = client.post(url).json(body);
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            let wait = match request.send() {
                Err(e) if attempt < self.max_attempts => {
                    tracing::warn!(url, attempt, error = %e, "model server unreachable; retrying");
                    self.backoff(attempt, None)
                }
                Err(e) => {
                    return Err(LlmError::Unreachable {
                        url: url.to_string(),
                        attempts: attempt,
                        message: e.to_string(),
                    });
                }
                Ok(resp) if resp.status().is_success() => {
                    let text = resp
                        .text()
                        .map_err(|e| LlmError::Protocol(format!("reading the body: {e}")))?;
                    return serde_json::from_str(&text).map_err(|e| {
                        LlmError::Protocol(format!(
                            "the body is not JSON ({e}): {}",
                            excerpt(&text)
                        ))
                    });
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let body = resp.text().unwrap_or_default();
                    let retryable = status == 429 || status >= 500;
                    if !retryable || attempt >= self.max_attempts {
                        return Err(LlmError::Status {
                            url: url.to_string(),
                            status,
                            attempts: attempt,
                            body: excerpt(&body),
                        });
                    }
                    tracing::warn!(url, attempt, status, "model server refused; retrying");
                    self.backoff(attempt, retry_after)
                }
            };
            std::thread::sleep(wait);
        }
    }

    /// The delay before attempt `attempt + 1`.
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let computed = self.backoff_base.saturating_mul(1 << (attempt - 1).min(16));
        retry_after.unwrap_or(computed).min(self.backoff_cap)
    }
}

/// The first [`BODY_EXCERPT`] characters of `text`.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(BODY_EXCERPT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Provider;

    #[test]
    fn backoff_doubles_and_retry_after_wins_within_the_cap() {
        let mut config = LlmConfig::new(Provider::OpenAi, "m");
        config.backoff_base = Duration::from_millis(100);
        config.backoff_cap = Duration::from_secs(2);
        let http = Http::new(&config);
        assert_eq!(http.backoff(1, None), Duration::from_millis(100));
        assert_eq!(http.backoff(3, None), Duration::from_millis(400));
        assert_eq!(http.backoff(10, None), Duration::from_secs(2));
        assert_eq!(
            http.backoff(1, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
        assert_eq!(
            http.backoff(1, Some(Duration::from_secs(60))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn excerpts_cut_on_char_boundaries() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(BODY_EXCERPT + 5);
        assert_eq!(excerpt(&long).chars().count(), BODY_EXCERPT + 1);
    }
}
