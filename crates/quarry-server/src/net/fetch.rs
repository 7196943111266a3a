//! Downloading a document from a caller-supplied URL.
//!
//! Each hop is resolved here, every resolved address is checked against the
//! [`guard`](super::guard), and the connection is pinned to the checked
//! address (so DNS cannot rebind between check and connect). Redirects are
//! followed by hand, re-checked each time; size and time are capped while
//! streaming.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use url::{Host, Url};

use super::guard::{AllowList, blocked_reason};
use super::resolve::{self, Resolve};

/// Most redirects followed for one download.
const MAX_REDIRECTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    #[error("{host} resolves to {ip}, {reason}; such addresses are not reachable from this server")]
    Blocked {
        host: String,
        ip: IpAddr,
        reason: &'static str,
    },
    #[error("could not resolve {0}")]
    Resolve(String),
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("the file is larger than the {0}-byte limit")]
    TooLarge(usize),
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("the download took longer than {0} s")]
    Timeout(u64),
    #[error("the download failed: {0}")]
    Transport(String),
}

/// A downloaded document and a file name for it.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub name: String,
}

/// Downloads URLs under the guard, a size cap and a time cap.
#[derive(Debug, Clone)]
pub struct Fetcher {
    allow: AllowList,
    max_bytes: usize,
    timeout: Duration,
    resolver: Arc<dyn Resolve>,
}

/// Checks that `raw` is an absolute http(s) URL with a host and no credentials.
pub fn check_url(raw: &str) -> Result<Url, FetchError> {
    let url = Url::parse(raw).map_err(|e| FetchError::InvalidUrl(format!("`{raw}`: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::InvalidUrl(format!(
            "scheme `{}` is not allowed; use http or https",
            url.scheme()
        )));
    }
    if url.host().is_none() {
        return Err(FetchError::InvalidUrl(format!("`{raw}` has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::InvalidUrl(
            "credentials in URLs are not accepted".into(),
        ));
    }
    Ok(url)
}

/// The file name a URL suggests (its last path segment), if any.
pub fn name_from_url(url: &Url) -> Option<String> {
    url.path_segments()
        .and_then(|mut s| s.next_back())
        .filter(|s| !s.is_empty())
        .map(|s| {
            url::form_urlencoded::parse(s.as_bytes())
                .next()
                .map(|(k, _)| k.into_owned())
                .unwrap_or_else(|| s.to_string())
        })
}

impl Fetcher {
    pub fn new(allow: AllowList, max_bytes: usize, timeout: Duration) -> Self {
        // reqwest is built without a bundled crypto provider; pick ring once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            allow,
            max_bytes,
            timeout,
            resolver: resolve::system(),
        }
    }

    /// Resolves host names with `resolver` instead of the system resolver.
    pub fn with_resolver(mut self, resolver: Arc<dyn Resolve>) -> Self {
        self.resolver = resolver;
        self
    }

    pub async fn fetch(&self, raw: &str) -> Result<Fetched, FetchError> {
        tokio::time::timeout(self.timeout, self.fetch_hops(raw))
            .await
            .map_err(|_| FetchError::Timeout(self.timeout.as_secs()))?
    }

    async fn fetch_hops(&self, raw: &str) -> Result<Fetched, FetchError> {
        let mut url = check_url(raw)?;
        for _ in 0..=MAX_REDIRECTS {
            let addr = self.resolve(&url).await?;
            let client =
                pinned_client(&url, addr).map_err(|e| FetchError::Transport(e.to_string()))?;
            let resp = client
                .get(url.clone())
                .send()
                .await
                .map_err(|e| FetchError::Transport(without_url(e)))?;
            let status = resp.status();
            if status.is_redirection() {
                let location = resp
                    .headers()
                    .get(http::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or(FetchError::Status(status.as_u16()))?;
                let next = url.join(location).map_err(|e| {
                    FetchError::InvalidUrl(format!("redirect to `{location}`: {e}"))
                })?;
                url = check_url(next.as_str())?;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16()));
            }
            if resp
                .content_length()
                .is_some_and(|n| n as usize > self.max_bytes)
            {
                return Err(FetchError::TooLarge(self.max_bytes));
            }
            let mut bytes = Vec::new();
            let mut body = resp.bytes_stream();
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| FetchError::Transport(without_url(e)))?;
                if bytes.len() + chunk.len() > self.max_bytes {
                    return Err(FetchError::TooLarge(self.max_bytes));
                }
                bytes.extend_from_slice(&chunk);
            }
            let name = name_from_url(&url).unwrap_or_else(|| "download".to_string());
            return Ok(Fetched { bytes, name });
        }
        Err(FetchError::TooManyRedirects)
    }

    async fn resolve(&self, url: &Url) -> Result<SocketAddr, FetchError> {
        resolve_checked(self.resolver.as_ref(), &self.allow, url).await
    }
}

/// A client that connects `url`'s host only to `addr` (checked by
/// [`resolve_checked`]), through no proxy, following no redirects.
pub fn pinned_client(url: &Url, addr: SocketAddr) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .resolve(url.host_str().unwrap_or_default(), addr)
        .build()
}

/// Resolves the URL's host and returns one address to pin, after checking
/// every resolved address against the guard and `allow`.
pub async fn resolve_checked(
    resolver: &dyn Resolve,
    allow: &AllowList,
    url: &Url,
) -> Result<SocketAddr, FetchError> {
    let port = url.port_or_known_default().unwrap_or(80);
    let (name, addrs): (String, Vec<IpAddr>) = match url.host() {
        Some(Host::Ipv4(ip)) => (ip.to_string(), vec![IpAddr::V4(ip)]),
        Some(Host::Ipv6(ip)) => (ip.to_string(), vec![IpAddr::V6(ip)]),
        Some(Host::Domain(d)) => {
            let found = resolver
                .resolve(d, port)
                .await
                .map_err(|_| FetchError::Resolve(d.to_string()))?;
            (d.to_string(), found)
        }
        None => return Err(FetchError::InvalidUrl("no host".into())),
    };
    let host_allowed = allow.allows_host(&name);
    // Every address must pass: otherwise a name with one public and one
    // internal record could be steered to the internal one.
    for ip in &addrs {
        if let Some(reason) = blocked_reason(*ip)
            && !host_allowed
            && !allow.allows_ip(*ip)
        {
            return Err(FetchError::Blocked {
                host: name,
                ip: *ip,
                reason,
            });
        }
    }
    addrs
        .first()
        .map(|ip| SocketAddr::new(*ip, port))
        .ok_or(FetchError::Resolve(name))
}

/// The error and its causes on one line (reqwest's top-level message alone,
/// "error sending request", does not say what went wrong).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = c.source();
    }
    parts.join(": ")
}

/// reqwest errors embed the URL (which may carry tokens); keep only the cause.
fn without_url(e: reqwest::Error) -> String {
    e.without_url().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_urls_pass_syntax_checks() {
        assert!(check_url("https://example.com/a.pdf").is_ok());
        assert!(check_url("file:///etc/passwd").is_err());
        assert!(check_url("gopher://x/").is_err());
        assert!(check_url("http://user:pw@example.com/").is_err());
        assert!(check_url("not a url").is_err());
    }

    #[test]
    fn odd_ipv4_spellings_normalise_to_the_address_they_mean() {
        for raw in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://017700000001/",
            "http://127.1/",
        ] {
            let url = check_url(raw).expect("parses");
            assert_eq!(url.host_str(), Some("127.0.0.1"), "{raw}");
        }
    }

    #[tokio::test]
    async fn blocked_addresses_are_refused_before_connecting() {
        let f = Fetcher::new(AllowList::default(), 1024, Duration::from_secs(5));
        for raw in [
            "http://127.0.0.1:9/x",
            "http://[::1]:9/",
            "http://169.254.169.254/latest",
            "http://localhost:9/",
        ] {
            let err = f.fetch(raw).await.expect_err("must be blocked");
            assert!(matches!(err, FetchError::Blocked { .. }), "{raw}: {err}");
        }
    }

    #[test]
    fn names_come_from_the_last_path_segment() {
        let url = Url::parse("https://x.test/docs/Invoice%20May.pdf?sig=1").expect("url");
        assert_eq!(name_from_url(&url).as_deref(), Some("Invoice May.pdf"));
        assert_eq!(
            name_from_url(&Url::parse("https://x.test/").expect("url")),
            None
        );
    }
}
