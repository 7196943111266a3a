//! Outbound HTTP on behalf of callers, guarded against reaching internal
//! networks (SSRF): [`guard`] decides which addresses are reachable and
//! [`fetch`] downloads with that guard applied to every hop.

pub mod fetch;
pub mod guard;
pub mod resolve;
