//! Content-addressed blob storage. Keys are hex SHA-256 digests, so writes
//! are idempotent and identical uploads share one copy. The local-filesystem
//! backend shards by the first two hex characters and writes via a temp file
//! + rename, so a crash never leaves a truncated blob under a valid name.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use crate::StoreError;

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

/// Blobs as files under a root directory.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
}

impl FsBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(Self { root })
    }

    fn path_of(&self, key: &str) -> Result<PathBuf, StoreError> {
        if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Corrupt(format!("invalid blob key `{key}`")));
        }
        Ok(self.root.join(&key[..2]).join(key))
    }
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let key = sha256_hex(bytes);
        let path = self.path_of(&key)?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(key);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(dir).await?;
        let tmp = dir.join(format!(".{key}.{}.tmp", std::process::id()));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(key)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match tokio::fs::read(self.path_of(key)?).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match tokio::fs::remove_file(self.path_of(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_get_delete_by_content_hash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = FsBlobStore::new(dir.path()).expect("store");
        let key = store.put(b"hello").await.expect("put");
        assert_eq!(key, sha256_hex(b"hello"));
        assert_eq!(store.put(b"hello").await.expect("idempotent"), key);
        assert_eq!(
            store.get(&key).await.expect("get").as_deref(),
            Some(&b"hello"[..])
        );
        store.delete(&key).await.expect("delete");
        assert_eq!(store.get(&key).await.expect("get"), None);
        assert!(store.get("../etc/passwd").await.is_err());
    }
}
