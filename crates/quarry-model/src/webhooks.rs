//! Webhook wire types: endpoints, resource-scoped subscriptions, their
//! request bodies, and the event types each may subscribe to (§12 of the
//! digest). Delivery envelopes are built by the server from stored text.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Event types an endpoint can enable globally.
pub const ENDPOINT_EVENT_TYPES: &[&str] = &[
    "parse_run.processed",
    "parse_run.failed",
    "edit_run.processed",
    "edit_run.failed",
    "form_detection_run.processed",
    "form_detection_run.failed",
    "extract_run.processed",
    "extract_run.failed",
    "classify_run.processed",
    "classify_run.failed",
    "split_run.processed",
    "split_run.failed",
    "batch_processor_run.processed",
    "batch_processor_run.failed",
    "batch_parse_run.processed",
    "batch_parse_run.failed",
    "extractor.created",
    "extractor.updated",
    "extractor.deleted",
    "extractor.draft.updated",
    "extractor.version.published",
    "classifier.created",
    "classifier.updated",
    "classifier.deleted",
    "classifier.draft.updated",
    "classifier.version.published",
    "splitter.created",
    "splitter.updated",
    "splitter.deleted",
    "splitter.draft.updated",
    "splitter.version.published",
    "workflow.created",
    "workflow.deployed",
    "workflow.deleted",
];

/// Event types a subscription on a resource of `resource_type` may enable,
/// or `None` for an unknown resource type.
pub fn subscription_event_types(resource_type: &str) -> Option<&'static [&'static str]> {
    match resource_type {
        "extractor" => Some(&[
            "extract_run.processed",
            "extract_run.failed",
            "batch_processor_run.processed",
            "batch_processor_run.failed",
        ]),
        "classifier" => Some(&["classify_run.processed", "classify_run.failed"]),
        "splitter" => Some(&["split_run.processed", "split_run.failed"]),
        "workflow" => Some(&[
            "workflow_run.completed",
            "workflow_run.failed",
            "workflow_run.needs_review",
            "workflow_run.rejected",
            "workflow_run.cancelled",
            "workflow_run.step_run.processed",
        ]),
        _ => None,
    }
}

/// `webhook_endpoint` (and WebhookEndpointCreate when `signing_secret` is set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpoint {
    pub object: String,
    pub id: String,
    pub url: String,
    pub name: String,
    pub status: String,
    pub enabled_events: Vec<String>,
    pub api_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advanced_options: Option<Value>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookSubscription {
    pub object: String,
    pub id: String,
    pub webhook_endpoint_id: String,
    pub resource_type: String,
    pub resource_id: String,
    pub enabled_events: Vec<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhookEndpoint {
    pub url: String,
    pub name: String,
    pub enabled_events: Vec<String>,
    pub api_version: String,
    pub status: Option<String>,
    pub advanced_options: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateWebhookEndpoint {
    pub url: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub enabled_events: Option<Vec<String>>,
    pub advanced_options: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhookSubscription {
    pub webhook_endpoint_id: String,
    pub resource_type: String,
    pub resource_id: String,
    pub enabled_events: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateWebhookSubscription {
    pub enabled_events: Vec<String>,
}
