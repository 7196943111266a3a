-- Classifiers and their versions, shaped like extractors (see
-- src/sql/processors.rs), and classify runs (`/classify_runs`), which share
-- the jobs queue and batch_runs (kind 'classify_run') like every run kind.
CREATE TABLE classifiers (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX classifiers_ws_created ON classifiers (workspace_id, created_at, id);
CREATE INDEX classifiers_ws_updated ON classifiers (workspace_id, updated_at, id);

CREATE TABLE classifier_versions (
    id TEXT PRIMARY KEY,
    classifier_id TEXT NOT NULL REFERENCES classifiers(id),
    workspace_id TEXT NOT NULL,
    version TEXT NOT NULL,
    major BIGINT NOT NULL,
    minor BIGINT NOT NULL,
    description TEXT,
    config TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (classifier_id, version)
);

CREATE TABLE classify_runs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    status TEXT NOT NULL,
    priority BIGINT NOT NULL,
    classifier_id TEXT,
    classifier_version_id TEXT,
    file_id TEXT,
    file_name TEXT,
    file_name_fold TEXT,
    file_url TEXT,
    batch_id TEXT,
    source TEXT NOT NULL,
    source_id TEXT,
    config TEXT NOT NULL,
    metadata TEXT,
    output TEXT,
    failure_reason TEXT,
    failure_message TEXT,
    parse_run_id TEXT,
    usage_json TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX classify_runs_ws_created ON classify_runs (workspace_id, created_at, id);
CREATE INDEX classify_runs_ws_updated ON classify_runs (workspace_id, updated_at, id);
CREATE INDEX classify_runs_batch ON classify_runs (batch_id);
CREATE INDEX classify_runs_classifier ON classify_runs (classifier_id);
