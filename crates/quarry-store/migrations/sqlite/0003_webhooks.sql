-- Webhooks (SQLite). Keep in step with migrations/postgres/0003_webhooks.sql:
-- same tables, columns and indexes; only types and identity columns differ.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    url TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    -- JSON array of event types, matched with LIKE '%"type"%'.
    enabled_events TEXT NOT NULL,
    api_version TEXT NOT NULL,
    advanced_options TEXT,
    signing_secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_ws_created ON webhook_endpoints (workspace_id, created_at, id);

CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    enabled_events TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (endpoint_id, resource_id)
);
CREATE INDEX webhook_subscriptions_ws_created ON webhook_subscriptions (workspace_id, created_at, id);
CREATE INDEX webhook_subscriptions_resource ON webhook_subscriptions (resource_id);

-- The outbox: written in the transaction of the state change that causes it.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    -- The resource whose subscriptions also receive the event (an extractor).
    scope_id TEXT,
    -- Rendered on first delivery and kept, so redeliveries send the same payload.
    payload TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_ws_created ON events (workspace_id, created_at, id);
CREATE INDEX events_resource ON events (resource_id);

-- One row per (event, endpoint): the delivery state machine.
CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_token TEXT,
    lease_expires_at INTEGER,
    last_status INTEGER,
    last_latency_ms INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at, seq);

-- Every HTTP attempt, for the delivery log.
CREATE TABLE webhook_attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_seq INTEGER NOT NULL REFERENCES webhook_deliveries(seq) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status_code INTEGER,
    latency_ms INTEGER NOT NULL,
    error TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_event ON webhook_attempts (event_id, seq);
