//! Wire model of the Extend API version `2026-02-09` as Quarry serves it.
//!
//! Everything here is plain data with serde derives: resource objects,
//! request bodies, enums, id generation and the error body. No I/O, so the
//! store, the server and the CLI can all share one vocabulary, and the JSON
//! shape of the API is decided in exactly one place.

pub mod enums;
pub mod error;
pub mod ids;
pub mod requests;
pub mod resources;
pub mod time;
pub mod webhooks;

/// The only API version this server speaks.
pub const API_VERSION: &str = "2026-02-09";
/// Header carrying the API version on every request.
pub const API_VERSION_HEADER: &str = "x-extend-api-version";
/// Header selecting a workspace for organisation-scoped keys.
pub const WORKSPACE_HEADER: &str = "x-extend-workspace-id";
