//! Webhook endpoints, subscriptions, the event outbox and its deliveries.
//!
//! Events are rows written in the same transaction as the state change that
//! causes them (a run reaching a terminal state, an extractor changing), and
//! in that transaction one delivery row is added per endpoint that wants the
//! event. A dispatcher leases due deliveries, sends them, and records every
//! attempt; the database is the only state, so nothing is lost on restart.

use async_trait::async_trait;
use serde_json::Value;

use crate::{Page, PageRequest, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointRecord {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    pub name: String,
    /// `enabled` or `disabled`.
    pub status: String,
    pub enabled_events: Vec<String>,
    pub api_version: String,
    pub advanced_options: Option<Value>,
    /// `wss_…`; the HMAC key. Shown to the client once, at creation.
    pub signing_secret: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A partial endpoint update; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointPatch {
    pub url: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub enabled_events: Option<Vec<String>>,
    pub advanced_options: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRecord {
    pub id: String,
    pub workspace_id: String,
    pub endpoint_id: String,
    pub resource_type: String,
    pub resource_id: String,
    pub enabled_events: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One outbox row.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub id: String,
    pub workspace_id: String,
    pub event_type: String,
    /// The resource the payload renders (run, batch, extractor, version).
    pub resource_id: String,
    /// The resource whose subscriptions also receive the event (an extractor).
    pub scope_id: Option<String>,
    /// The rendered payload (JSON text), once first delivered.
    pub payload: Option<String>,
    pub created_at: i64,
}

/// A delivery leased to a dispatcher, with what it needs to send it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryJob {
    pub seq: i64,
    pub lease_token: String,
    /// Attempts made before this one.
    pub attempts: i64,
    pub event: EventRecord,
    pub endpoint: EndpointRecord,
}

/// What one HTTP attempt produced.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptOutcome {
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    /// Transport error or a short reason for a non-2xx answer.
    pub error: Option<String>,
    pub delivered: bool,
}

/// A delivery with its attempt log, for `GET /quarry/events/{id}/deliveries`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryLog {
    pub endpoint_id: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub attempt_log: Vec<AttemptRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    pub attempt: i64,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub created_at: i64,
}

/// Endpoints, subscriptions, events and the delivery queue.
#[async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    async fn insert_endpoint(&self, e: &EndpointRecord) -> Result<()>;
    async fn get_endpoint(&self, ws: &str, id: &str) -> Result<Option<EndpointRecord>>;
    async fn list_endpoints(
        &self,
        ws: &str,
        status: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<EndpointRecord>>;
    async fn update_endpoint(
        &self,
        ws: &str,
        id: &str,
        patch: &EndpointPatch,
    ) -> Result<Option<EndpointRecord>>;
    /// Deletes the endpoint with its subscriptions and deliveries.
    async fn delete_endpoint(&self, ws: &str, id: &str) -> Result<bool>;

    /// Inserts, or replaces the events of the subscription for the same
    /// endpoint and resource; returns the stored row.
    async fn upsert_subscription(&self, s: &SubscriptionRecord) -> Result<SubscriptionRecord>;
    async fn get_subscription(&self, ws: &str, id: &str) -> Result<Option<SubscriptionRecord>>;
    async fn list_subscriptions(
        &self,
        ws: &str,
        endpoint_id: Option<&str>,
        resource_id: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<SubscriptionRecord>>;
    async fn update_subscription(
        &self,
        ws: &str,
        id: &str,
        events: &[String],
    ) -> Result<Option<SubscriptionRecord>>;
    async fn delete_subscription(&self, ws: &str, id: &str) -> Result<bool>;

    async fn get_event(&self, ws: &str, id: &str) -> Result<Option<EventRecord>>;
    async fn list_events(&self, ws: &str, page: &PageRequest) -> Result<Page<EventRecord>>;
    async fn event_deliveries(&self, ws: &str, event_id: &str) -> Result<Vec<DeliveryLog>>;
    /// Makes the event due now for its endpoints (existing deliveries and
    /// endpoints that want it today). Returns how many deliveries are due.
    async fn replay_event(&self, ws: &str, id: &str) -> Result<usize>;
    /// Replays every event created in `[from_ms, to_ms]`; returns how many.
    async fn replay_range(&self, ws: &str, from_ms: i64, to_ms: i64) -> Result<usize>;

    /// Leases up to `limit` due deliveries for `lease_ms`, oldest first.
    async fn claim_deliveries(
        &self,
        owner: &str,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryJob>>;
    /// Stores the payload unless one is stored already; returns the stored one.
    async fn save_payload(&self, event_id: &str, payload: &str) -> Result<String>;
    /// Logs the attempt and, if the lease is still held, marks the delivery
    /// delivered, due again at `retry_at`, or `failed` when `retry_at` is `None`.
    async fn finish_delivery(
        &self,
        job: &DeliveryJob,
        outcome: &AttemptOutcome,
        retry_at: Option<i64>,
    ) -> Result<()>;
}
