//! Webhook records → wire objects, and the checks on what clients send for
//! endpoints and subscriptions (URL under the SSRF guard, known event types,
//! custom headers), so handlers stay thin.

use quarry_model::time::rfc3339;
use quarry_model::webhooks::{ENDPOINT_EVENT_TYPES, WebhookEndpoint, WebhookSubscription};
use quarry_store::{EndpointRecord, SubscriptionRecord};
use serde_json::Value;

use crate::error::ApiError;
use crate::net::fetch::{check_url, resolve_checked};
use crate::net::guard::AllowList;
use crate::net::resolve::Resolve;

pub fn endpoint_view(e: &EndpointRecord, with_secret: bool) -> WebhookEndpoint {
    WebhookEndpoint {
        object: "webhook_endpoint".into(),
        id: e.id.clone(),
        url: e.url.clone(),
        name: e.name.clone(),
        status: e.status.clone(),
        enabled_events: e.enabled_events.clone(),
        api_version: e.api_version.clone(),
        advanced_options: e.advanced_options.clone(),
        created_at: rfc3339(e.created_at),
        signing_secret: with_secret.then(|| e.signing_secret.clone()),
    }
}

pub fn subscription_view(s: &SubscriptionRecord) -> WebhookSubscription {
    WebhookSubscription {
        object: "webhook_subscription".into(),
        id: s.id.clone(),
        webhook_endpoint_id: s.endpoint_id.clone(),
        resource_type: s.resource_type.clone(),
        resource_id: s.resource_id.clone(),
        enabled_events: s.enabled_events.clone(),
        created_at: rfc3339(s.created_at),
    }
}

/// An http(s) URL whose host resolves only to addresses the guard (or
/// `--url-allow`) permits. Checked again at every delivery.
pub async fn check_endpoint_url(
    resolver: &dyn Resolve,
    allow: &AllowList,
    raw: &str,
) -> Result<String, ApiError> {
    let url = check_url(raw).map_err(|e| ApiError::bad_request(format!("url: {e}")))?;
    resolve_checked(resolver, allow, &url)
        .await
        .map_err(|e| ApiError::bad_request(format!("url: {e}")))?;
    Ok(raw.to_string())
}

/// Every entry must be one of `allowed`; duplicates are dropped.
pub fn check_events(
    events: &[String],
    allowed: &[&str],
    what: &str,
) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::with_capacity(events.len());
    for e in events {
        if !allowed.contains(&e.as_str()) {
            return Err(ApiError::bad_request(format!(
                "enabledEvents: `{e}` is not a valid {what} event type"
            )));
        }
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    Ok(out)
}

pub fn check_endpoint_events(events: &[String]) -> Result<Vec<String>, ApiError> {
    check_events(events, ENDPOINT_EVENT_TYPES, "webhook endpoint")
}

pub fn check_status(status: &str) -> Result<String, ApiError> {
    match status {
        "enabled" | "disabled" => Ok(status.to_string()),
        other => Err(ApiError::bad_request(format!(
            "status must be `enabled` or `disabled`; got `{other}`"
        ))),
    }
}

pub fn check_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::bad_request("name must be 1 to 200 characters"));
    }
    Ok(name.to_string())
}

/// `{headers?: {str: str}, payload?: {format: "json", urlThresholdBytes?}}`.
pub fn check_advanced_options(v: &Value) -> Result<Value, ApiError> {
    let bad = |m: &str| ApiError::bad_request(format!("advancedOptions: {m}"));
    let obj = v.as_object().ok_or_else(|| bad("must be an object"))?;
    if let Some(h) = obj.get("headers") {
        let h = h
            .as_object()
            .ok_or_else(|| bad("headers must be an object"))?;
        for (k, v) in h {
            let value = v
                .as_str()
                .ok_or_else(|| bad("header values must be strings"))?;
            if http::HeaderName::from_bytes(k.as_bytes()).is_err()
                || http::HeaderValue::from_str(value).is_err()
            {
                return Err(bad(&format!("`{k}` is not a valid HTTP header")));
            }
        }
    }
    if let Some(p) = obj.get("payload") {
        match p.get("format").and_then(Value::as_str) {
            Some("json") | None => {}
            Some("url") => {
                return Err(bad(
                    "payload format `url` (signed data URLs) is not supported by this server",
                ));
            }
            Some(other) => return Err(bad(&format!("unknown payload format `{other}`"))),
        }
    }
    Ok(v.clone())
}
