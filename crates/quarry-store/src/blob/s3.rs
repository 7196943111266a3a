//! Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, moto…), for
//! several API nodes and workers that share no disk. A PUT is atomic on S3,
//! so readers see a whole blob or none; identical content maps to one key,
//! so concurrent writers of the same bytes cannot conflict.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};

use super::{BlobStore, sha256_hex, sharded};
use crate::StoreError;

/// Where and how to reach the bucket. Unset credentials and region fall back
/// to the standard `AWS_*` environment variables.
#[derive(Clone, Default)]
pub struct S3Config {
    pub bucket: String,
    /// Key prefix inside the bucket (no leading or trailing `/` needed).
    pub prefix: String,
    /// Endpoint of a non-AWS service, e.g. `http://127.0.0.1:9000`. Plain
    /// `http://` is allowed only when given here explicitly.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Path-style requests (`endpoint/bucket/key`), which most self-hosted
    /// services need; `false` uses virtual-hosted style (`bucket.endpoint/key`).
    pub path_style: bool,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
}

/// Secrets stay out of logs and `Debug` dumps of the server config.
impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("path_style", &self.path_style)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Blobs as objects `<prefix>/ab/abcdef…` in one bucket.
#[derive(Debug, Clone)]
pub struct S3BlobStore {
    store: Arc<AmazonS3>,
    prefix: String,
}

impl S3BlobStore {
    /// Builds the client; no request is made until the first blob call.
    pub fn new(config: &S3Config) -> Result<Self, StoreError> {
        if config.bucket.trim().is_empty() {
            return Err(StoreError::BlobConfig("the S3 bucket name is empty".into()));
        }
        // reqwest is built without a bundled TLS provider; HTTPS endpoints
        // need one installed (a no-op when the server already did).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(config.bucket.trim())
            .with_virtual_hosted_style_request(!config.path_style);
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(region) = &config.region {
            builder = builder.with_region(region);
        }
        if let Some(id) = &config.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &config.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        if let Some(token) = &config.session_token {
            builder = builder.with_token(token);
        }
        let store = builder.build()?;
        Ok(Self {
            store: Arc::new(store),
            prefix: config.prefix.trim_matches('/').to_string(),
        })
    }

    fn path_of(&self, key: &str) -> Result<Path, StoreError> {
        let shard = sharded(key)?;
        Ok(if self.prefix.is_empty() {
            Path::from(shard)
        } else {
            Path::from(format!("{}/{shard}", self.prefix))
        })
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let key = sha256_hex(bytes);
        let path = self.path_of(&key)?;
        let payload = PutPayload::from(bytes.to_vec());
        self.store.put(&path, payload).await?;
        Ok(key)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.path_of(key)?;
        match self.store.get(&path).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path_of(key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
