//! The outermost middleware. It gives every request a `req_…` id (echoed in
//! the `x-request-id` header), logs one line per request, records the HTTP
//! metrics under the matched route template, and guarantees that
//! every error response — from handlers, extractors, the body limit, method
//! routing or the 404 fallback — is the documented JSON error body carrying
//! that request id (except the dashboard's own HTML error pages).

use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use quarry_model::error::ErrorBody;
use quarry_model::ids::{REQUEST, new_id};
use tracing::Instrument;

use crate::error::error_body;

/// The id of the request being served, available to handlers as an extension.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Error bodies larger than this are not rewritten (they are not ours).
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn envelope(mut req: Request, next: Next) -> Response {
    let request_id = new_id(REQUEST);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(crate::metrics::UNMATCHED, |m| m.as_str())
        .to_string();
    let span = tracing::info_span!("request", id = %request_id, %method, %path);
    let started = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    let status = resp.status();
    if (status.is_client_error() || status.is_server_error()) && !is_html(&resp) {
        resp = into_error_envelope(resp, &request_id).await;
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    let elapsed = started.elapsed();
    crate::metrics::http_request(method.as_str(), &route, status.as_u16(), elapsed);
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            ms = elapsed.as_millis() as u64,
            "served"
        )
    });
    resp
}

/// Dashboard pages render their own HTML error pages; those are kept.
fn is_html(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

async fn into_error_envelope(resp: Response, request_id: &str) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = to_bytes(body, MAX_ERROR_BODY).await.unwrap_or_default();
    let is_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed = is_json
        .then(|| serde_json::from_slice::<ErrorBody>(&bytes).ok())
        .flatten();
    let mut body = parsed.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(&bytes).trim().to_string();
        let message = if text.is_empty() {
            parts
                .status
                .canonical_reason()
                .unwrap_or("Request failed")
                .to_string()
        } else {
            text
        };
        error_body(parts.status, message)
    });
    body.request_id = Some(request_id.to_string());
    let json = serde_json::to_vec(&body).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(json))
}
