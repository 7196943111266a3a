//! Authentication and request scoping: `Authorization: Bearer <key>` (keys are
//! looked up by their stored hash, `keys::stored_hash`: HMAC-SHA256 under the
//! operator's secret when one is set, else SHA-256; never stored in clear), the
//! `x-extend-api-version` check, and `x-extend-workspace-id`, which may only
//! name the key's own workspace. The resulting [`Caller`] is an extension
//! every handler reads its workspace from.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use quarry_model::{API_VERSION, API_VERSION_HEADER, WORKSPACE_HEADER};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// Who is calling: the workspace every query is scoped to.
#[derive(Debug, Clone)]
pub struct Caller {
    pub workspace_id: String,
    pub key_id: String,
    pub key_name: String,
}

/// Paths served without authentication (probes and the metrics scrape).
pub const PUBLIC_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// Hex SHA-256 of an API key: the stored form when no key secret is set.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if PUBLIC_PATHS.contains(&req.uri().path()) {
        return Ok(next.run(req).await);
    }
    let headers = req.headers();
    let token = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "Missing API key: send an `Authorization: Bearer <API key>` header".into(),
            )
        })?;
    let key = crate::keys::find_key(
        state.store.as_ref(),
        state.config.key_secret.as_ref(),
        token,
    )
    .await?
    .ok_or_else(|| ApiError::Unauthorized("Invalid or revoked API key".into()))?;

    let version = headers
        .get(API_VERSION_HEADER)
        .map(|v| v.to_str().unwrap_or("").to_string())
        .or_else(|| state.config.default_api_version.clone());
    match version.as_deref() {
        Some(API_VERSION) => {}
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Unsupported `{API_VERSION_HEADER}` header value `{other}`; this server \
                 implements `{API_VERSION}`"
            )));
        }
        None => {
            return Err(ApiError::bad_request(format!(
                "Missing `{API_VERSION_HEADER}` header; send `{API_VERSION_HEADER}: {API_VERSION}`"
            )));
        }
    }

    if let Some(ws) = headers.get(WORKSPACE_HEADER) {
        let ws = ws.to_str().unwrap_or("");
        if ws != key.workspace_id {
            return Err(ApiError::Forbidden(format!(
                "This API key has no access to workspace `{ws}` (`{WORKSPACE_HEADER}`)"
            )));
        }
    }
    if let Err(wait) = state.rate_limiter.check(&key.workspace_id, &key.id) {
        return Err(ApiError::RateLimited(wait));
    }
    req.extensions_mut().insert(Caller {
        workspace_id: key.workspace_id,
        key_id: key.id,
        key_name: key.name,
    });
    Ok(next.run(req).await)
}
