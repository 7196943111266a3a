//! Cross-cutting HTTP behaviour, applied as middleware rather than per handler:
//! request ids and the uniform error envelope ([`envelope`]), authentication,
//! API-version and workspace checks ([`auth`]), per-workspace and per-key
//! rate limits ([`rate_limit`], checked right after authentication), and the
//! axum request extractors that turn decoding failures into documented 400s
//! ([`request`]).

pub mod auth;
pub mod envelope;
pub mod rate_limit;
pub mod request;
