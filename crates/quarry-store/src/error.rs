/// Failures of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("blob store I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("object storage error: {0}")]
    ObjectStore(#[from] object_store::Error),
    #[error("invalid object storage configuration: {0}")]
    BlobConfig(String),
    #[error("invalid page token")]
    InvalidPageToken,
    #[error("unsupported database URL `{0}` (use sqlite:// or postgres://)")]
    UnsupportedUrl(String),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
}
