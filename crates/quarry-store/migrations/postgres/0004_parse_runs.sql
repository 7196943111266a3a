-- Parse runs (`/parse_runs`): the document as chunks and blocks. They share
-- the jobs queue (kind 'parse_run') and batch_runs (kind 'parse_run').
CREATE TABLE parse_runs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    status TEXT NOT NULL,
    priority BIGINT NOT NULL,
    file_id TEXT,
    file_name TEXT,
    file_url TEXT,
    batch_id TEXT,
    source TEXT NOT NULL,
    source_id TEXT,
    config TEXT NOT NULL,
    metadata TEXT,
    output TEXT,
    failure_reason TEXT,
    failure_message TEXT,
    metrics TEXT,
    usage_json TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX parse_runs_ws_created ON parse_runs (workspace_id, created_at, id);
CREATE INDEX parse_runs_ws_updated ON parse_runs (workspace_id, updated_at, id);
CREATE INDEX parse_runs_batch ON parse_runs (batch_id);
