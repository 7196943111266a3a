//! Cross-cutting HTTP behaviour, applied as middleware rather than per handler:
//! request ids and the uniform error envelope ([`envelope`]), authentication,
//! API-version and workspace checks ([`auth`]), per-workspace and per-key
//! rate limits ([`rate_limit`], checked right after authentication), and the request extractors
//! that turn decoding failures into documented 400s ([`extract`]).

pub mod auth;
pub mod envelope;
pub mod extract;
pub mod rate_limit;
