//! API key minting. A key is `qry_` + 32 random bytes (base64url); only its
//! SHA-256 is stored, so a leaked database does not leak usable keys.

use base64::Engine as _;
use quarry_model::ids::{API_KEY, new_id};
use quarry_model::time::now_ms;
use quarry_store::{ApiKeyRecord, Store, StoreError};
use rand::RngCore;

use crate::http::auth::hash_key;

/// The workspace keys belong to unless another is named.
pub const DEFAULT_WORKSPACE: &str = "ws_default";

/// A new random API key string.
pub fn generate_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "qry_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Registers `key` (idempotent) for `workspace`, creating the workspace if needed.
pub async fn register_key(
    store: &dyn Store,
    key: &str,
    name: &str,
    workspace: &str,
) -> Result<ApiKeyRecord, StoreError> {
    store.ensure_workspace(workspace, workspace).await?;
    let record = ApiKeyRecord {
        id: new_id(API_KEY),
        workspace_id: workspace.to_string(),
        name: name.to_string(),
        key_hash: hash_key(key),
        created_at: now_ms(),
        revoked_at: None,
    };
    store.insert_api_key(&record).await?;
    Ok(record)
}
