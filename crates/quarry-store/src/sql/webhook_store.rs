//! [`WebhookStore`] for [`SqlStore`]: the trait surface over the endpoint,
//! subscription and delivery modules.

use async_trait::async_trait;

use super::SqlStore;
use crate::{
    AttemptOutcome, DeliveryJob, DeliveryLog, EndpointPatch, EndpointRecord, EventRecord, Page,
    PageRequest, Result, SubscriptionRecord, WebhookStore,
};

#[async_trait]
impl WebhookStore for SqlStore {
    async fn insert_endpoint(&self, e: &EndpointRecord) -> Result<()> {
        self.endpoint_insert(e).await
    }
    async fn get_endpoint(&self, ws: &str, id: &str) -> Result<Option<EndpointRecord>> {
        self.endpoint_get(ws, id).await
    }
    async fn list_endpoints(
        &self,
        ws: &str,
        status: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<EndpointRecord>> {
        self.endpoint_list(ws, status, page).await
    }
    async fn update_endpoint(
        &self,
        ws: &str,
        id: &str,
        patch: &EndpointPatch,
    ) -> Result<Option<EndpointRecord>> {
        self.endpoint_update(ws, id, patch).await
    }
    async fn delete_endpoint(&self, ws: &str, id: &str) -> Result<bool> {
        self.endpoint_delete(ws, id).await
    }

    async fn upsert_subscription(&self, s: &SubscriptionRecord) -> Result<SubscriptionRecord> {
        self.subscription_upsert(s).await
    }
    async fn get_subscription(&self, ws: &str, id: &str) -> Result<Option<SubscriptionRecord>> {
        self.subscription_get(ws, id).await
    }
    async fn list_subscriptions(
        &self,
        ws: &str,
        endpoint_id: Option<&str>,
        resource_id: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<SubscriptionRecord>> {
        self.subscription_list(ws, endpoint_id, resource_id, page)
            .await
    }
    async fn update_subscription(
        &self,
        ws: &str,
        id: &str,
        events: &[String],
    ) -> Result<Option<SubscriptionRecord>> {
        self.subscription_update(ws, id, events).await
    }
    async fn delete_subscription(&self, ws: &str, id: &str) -> Result<bool> {
        self.subscription_delete(ws, id).await
    }

    async fn get_event(&self, ws: &str, id: &str) -> Result<Option<EventRecord>> {
        self.event_get(ws, id).await
    }
    async fn list_events(&self, ws: &str, page: &PageRequest) -> Result<Page<EventRecord>> {
        self.event_list(ws, page).await
    }
    async fn event_deliveries(&self, ws: &str, event_id: &str) -> Result<Vec<DeliveryLog>> {
        self.event_deliveries_log(ws, event_id).await
    }
    async fn replay_event(&self, ws: &str, id: &str) -> Result<usize> {
        self.event_replay(ws, id).await
    }
    async fn replay_range(&self, ws: &str, from_ms: i64, to_ms: i64) -> Result<usize> {
        self.event_replay_range(ws, from_ms, to_ms).await
    }

    async fn claim_deliveries(
        &self,
        owner: &str,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryJob>> {
        self.delivery_claim(owner, lease_ms, limit).await
    }
    async fn save_payload(&self, event_id: &str, payload: &str) -> Result<String> {
        self.payload_save(event_id, payload).await
    }
    async fn finish_delivery(
        &self,
        job: &DeliveryJob,
        outcome: &AttemptOutcome,
        retry_at: Option<i64>,
    ) -> Result<()> {
        self.delivery_finish(job, outcome, retry_at).await
    }
}
