//! [`ApiError`]: every failure a handler can return, converted once into the
//! documented error body and status. Store errors become `500
//! INTERNAL_ERROR` (retryable) with details logged, never leaked.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quarry_model::error::{ErrorBody, code};
use quarry_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Over a rate limit; retry after the given wait.
    #[error("Rate limit exceeded; retry in {} ms", .0.as_millis().max(1))]
    RateLimited(std::time::Duration),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError::BadRequest(msg.into())
    }

    /// `404` for a resource of `kind` with `id` (also used for other tenants' ids).
    pub fn not_found(kind: &str, id: &str) -> Self {
        ApiError::NotFound(format!("{kind} `{id}` was not found"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<quarry_pipeline::ConfigError> for ApiError {
    fn from(e: quarry_pipeline::ConfigError) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::InvalidPageToken => {
                ApiError::BadRequest("nextPageToken is invalid for this list and sort".into())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// The error body for `status` with `message`: code and retryability follow
/// the status, so middleware-generated errors match handler errors.
pub fn error_body(status: StatusCode, message: String) -> ErrorBody {
    let (code, retryable) = match status.as_u16() {
        400 | 422 => (code::INVALID_REQUEST, false),
        401 => (code::UNAUTHORIZED, false),
        403 => (code::FORBIDDEN, false),
        404 => (code::NOT_FOUND, false),
        405 => (code::METHOD_NOT_ALLOWED, false),
        413 => (code::PAYLOAD_TOO_LARGE, false),
        429 => (code::RATE_LIMIT_EXCEEDED, true),
        s if s >= 500 => (code::INTERNAL_ERROR, true),
        _ => (code::INVALID_REQUEST, false),
    };
    ErrorBody {
        code: code.to_string(),
        message,
        retryable,
        request_id: None,
        run_id: None,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "An internal error occurred; retry later.".to_string()
            }
            other => other.to_string(),
        };
        let mut resp = (status, Json(error_body(status, message))).into_response();
        if let ApiError::RateLimited(wait) = self {
            // Whole seconds, rounded up, for clients that only read
            // Retry-After; the SDKs prefer the exact Retry-After-Ms.
            let ms = wait.as_millis().max(1);
            let headers = resp.headers_mut();
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(ms.div_ceil(1000) as u64),
            );
            headers.insert("retry-after-ms", HeaderValue::from(ms as u64));
        }
        resp
    }
}
