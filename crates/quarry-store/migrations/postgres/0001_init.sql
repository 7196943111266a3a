-- Quarry schema v1 (PostgreSQL). Keep in step with migrations/sqlite/0001_init.sql:
-- same tables, columns and indexes; only types and identity columns differ.
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE files (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    name TEXT NOT NULL,
    file_type TEXT,
    mime TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    page_count BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX files_ws_created ON files (workspace_id, created_at, id);
CREATE INDEX files_ws_updated ON files (workspace_id, updated_at, id);
CREATE INDEX files_sha ON files (sha256);

CREATE TABLE extractors (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX extractors_ws_created ON extractors (workspace_id, created_at, id);
CREATE INDEX extractors_ws_updated ON extractors (workspace_id, updated_at, id);

CREATE TABLE extractor_versions (
    id TEXT PRIMARY KEY,
    extractor_id TEXT NOT NULL REFERENCES extractors(id),
    workspace_id TEXT NOT NULL,
    version TEXT NOT NULL,
    major BIGINT NOT NULL,
    minor BIGINT NOT NULL,
    description TEXT,
    config TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (extractor_id, version)
);

CREATE TABLE batch_runs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    run_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE extract_runs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    status TEXT NOT NULL,
    priority BIGINT NOT NULL,
    extractor_id TEXT,
    extractor_version_id TEXT,
    file_id TEXT,
    file_name TEXT,
    batch_id TEXT,
    source TEXT NOT NULL,
    source_id TEXT,
    config TEXT NOT NULL,
    metadata TEXT,
    output TEXT,
    initial_output TEXT,
    reviewed_output TEXT,
    edits TEXT,
    reviewed BIGINT NOT NULL DEFAULT 0,
    edited BIGINT NOT NULL DEFAULT 0,
    failure_reason TEXT,
    failure_message TEXT,
    parse_run_id TEXT,
    usage_json TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX extract_runs_ws_created ON extract_runs (workspace_id, created_at, id);
CREATE INDEX extract_runs_ws_updated ON extract_runs (workspace_id, updated_at, id);
CREATE INDEX extract_runs_batch ON extract_runs (batch_id);
CREATE INDEX extract_runs_extractor ON extract_runs (extractor_id);

CREATE TABLE jobs (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    run_id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL,
    priority BIGINT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_token TEXT,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_claim ON jobs (state, priority, seq);
CREATE INDEX jobs_lease ON jobs (state, lease_expires_at);
