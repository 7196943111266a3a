//! API key minting and lookup. A key is `qry_` + 32 random bytes
//! (base64url); only its hash is stored — HMAC-SHA256 under the operator's
//! `--key-secret` when set, else SHA-256 — so a leaked database does not
//! leak usable keys.

use base64::Engine as _;
use quarry_model::ids::{API_KEY, new_id};
use quarry_model::time::now_ms;
use quarry_store::{ApiKeyRecord, Store, StoreError};
use rand::RngCore;

use hmac::{Hmac, Mac};
use sha2::Sha256;

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

/// The operator's secret that keys are HMAC'd under (`--key-secret`).
/// Its `Debug` form is redacted so configs can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct KeySecret(pub String);

impl std::fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySecret(<redacted>)")
    }
}

/// The form a key is stored in: HMAC-SHA256 under the secret when one is
/// configured (a stolen database alone then cannot even check guesses),
/// else SHA-256 (the key is 256 random bits, so that is not brute-forceable
/// either; the secret adds defence in depth).
pub fn stored_hash(secret: Option<&KeySecret>, key: &str) -> String {
    match secret {
        Some(KeySecret(secret)) => {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
                .expect("HMAC accepts keys of any length");
            mac.update(key.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        None => hash_key(key),
    }
}

/// The live key behind `key`. Keys minted before a secret was configured
/// were stored as plain SHA-256 and keep working.
pub async fn find_key(
    store: &dyn Store,
    secret: Option<&KeySecret>,
    key: &str,
) -> Result<Option<ApiKeyRecord>, StoreError> {
    if secret.is_some()
        && let Some(found) = store.find_api_key(&stored_hash(secret, key)).await?
    {
        return Ok(Some(found));
    }
    store.find_api_key(&hash_key(key)).await
}

/// Registers `key` (idempotent) for `workspace`, hashed as SHA-256.
pub async fn register_key(
    store: &dyn Store,
    key: &str,
    name: &str,
    workspace: &str,
) -> Result<ApiKeyRecord, StoreError> {
    register_key_with(store, None, key, name, workspace).await
}

/// Registers `key` for `workspace` (created if needed), hashed under
/// `secret` when given (see [`stored_hash`]).
pub async fn register_key_with(
    store: &dyn Store,
    secret: Option<&KeySecret>,
    key: &str,
    name: &str,
    workspace: &str,
) -> Result<ApiKeyRecord, StoreError> {
    store.ensure_workspace(workspace, workspace).await?;
    let record = ApiKeyRecord {
        id: new_id(API_KEY),
        workspace_id: workspace.to_string(),
        name: name.to_string(),
        key_hash: stored_hash(secret, key),
        created_at: now_ms(),
        revoked_at: None,
    };
    store.insert_api_key(&record).await?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_hashes_depend_on_the_secret() {
        let key = "qry_example";
        let a = stored_hash(Some(&KeySecret("one".into())), key);
        let b = stored_hash(Some(&KeySecret("two".into())), key);
        assert_ne!(a, b);
        assert_ne!(a, stored_hash(None, key));
        assert_eq!(stored_hash(None, key), hash_key(key));
        assert_eq!(a.len(), 64);
        assert_eq!(
            format!("{:?}", KeySecret("one".into())),
            "KeySecret(<redacted>)"
        );
    }
}
