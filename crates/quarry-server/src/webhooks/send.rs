//! One delivery attempt over HTTP, under the same SSRF guard as `file.url`
//! downloads: the endpoint's host is resolved at send time, every address is
//! checked (unless `--url-allow` lists it), the connection is pinned to the
//! checked address, redirects are not followed, and the whole attempt is
//! capped by the webhook timeout.

use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName, HeaderValue};
use quarry_store::AttemptOutcome;

use crate::net::fetch::{check_url, error_chain, pinned_client, resolve_checked};
use crate::net::guard::AllowList;
use crate::net::resolve::{self, Resolve};

/// Sends signed webhook bodies.
#[derive(Debug, Clone)]
pub struct Sender {
    allow: AllowList,
    timeout: Duration,
    resolver: Arc<dyn Resolve>,
}

impl Sender {
    pub fn new(allow: AllowList, timeout: Duration) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            allow,
            timeout,
            resolver: resolve::system(),
        }
    }

    /// Resolves host names with `resolver` (shared with the downloader).
    pub fn with_resolver(mut self, resolver: Arc<dyn Resolve>) -> Self {
        self.resolver = resolver;
        self
    }

    /// POSTs `body` to `url` with `headers`; any 2xx is a delivery.
    pub async fn post(&self, url: &str, headers: HeaderMap, body: Vec<u8>) -> AttemptOutcome {
        let started = Instant::now();
        let result = tokio::time::timeout(self.timeout, self.try_post(url, headers, body)).await;
        let latency_ms = started.elapsed().as_millis() as i64;
        let (status_code, error) = match result {
            Err(_) => (
                None,
                Some(format!("timed out after {} ms", self.timeout.as_millis())),
            ),
            Ok(Err(e)) => (None, Some(e)),
            Ok(Ok(status)) if (200..300).contains(&status) => (Some(status), None),
            Ok(Ok(status)) => (
                Some(status),
                Some(format!("the endpoint answered HTTP {status}")),
            ),
        };
        AttemptOutcome {
            delivered: error.is_none(),
            status_code: status_code.map(i64::from),
            latency_ms,
            error,
        }
    }

    async fn try_post(&self, raw: &str, headers: HeaderMap, body: Vec<u8>) -> Result<u16, String> {
        let url = check_url(raw).map_err(|e| e.to_string())?;
        let addr = resolve_checked(self.resolver.as_ref(), &self.allow, &url)
            .await
            .map_err(|e| e.to_string())?;
        let client = pinned_client(&url, addr).map_err(|e| error_chain(&e))?;
        let resp = client
            .post(url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|e| error_chain(&e.without_url()))?;
        Ok(resp.status().as_u16())
    }
}

/// Custom headers from `advancedOptions.headers` that form valid HTTP headers.
pub fn custom_headers(advanced: Option<&serde_json::Value>) -> HeaderMap {
    let mut map = HeaderMap::new();
    let Some(headers) = advanced
        .and_then(|a| a.get("headers"))
        .and_then(|h| h.as_object())
    else {
        return map;
    };
    for (k, v) in headers {
        if let (Ok(name), Some(Ok(value))) = (
            HeaderName::from_bytes(k.as_bytes()),
            v.as_str().map(HeaderValue::from_str),
        ) {
            map.insert(name, value);
        }
    }
    map
}
