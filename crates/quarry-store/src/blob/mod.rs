//! Content-addressed blob storage. Keys are hex SHA-256 digests, so writes
//! are idempotent and identical uploads share one copy. Two backends pass
//! one test suite (`tests/blobs.rs`): [`FsBlobStore`] for the embedded
//! single-machine setup and [`S3BlobStore`] for several nodes sharing
//! S3-compatible object storage. Both shard keys by their first two hex
//! characters (`ab/abcdef…`) and never expose a partly written blob.

mod fs;
mod s3;

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use crate::StoreError;
pub use fs::FsBlobStore;
pub use s3::{S3BlobStore, S3Config};

/// Hex SHA-256 of `bytes`: the blob key.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` and returns their key.
    async fn put(&self, bytes: &[u8]) -> Result<String, StoreError>;
    /// The bytes under `key`, or `None` when absent.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Removes `key`; absent keys are not an error.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
}

/// `ab/abcdef…` for a valid key. Keys reach the store from database rows,
/// so anything but 64 hex digits is refused rather than used as a path.
fn sharded(key: &str) -> Result<String, StoreError> {
    if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::Corrupt(format!("invalid blob key `{key}`")));
    }
    Ok(format!("{}/{key}", &key[..2]))
}
