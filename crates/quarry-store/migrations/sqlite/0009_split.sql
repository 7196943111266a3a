-- Splitters and their versions, shaped like extractors (see
-- src/sql/processors.rs), and split runs (`/split_runs`), which share
-- the jobs queue and batch_runs (kind 'split_run') like every run kind.
CREATE TABLE splitters (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX splitters_ws_created ON splitters (workspace_id, created_at, id);
CREATE INDEX splitters_ws_updated ON splitters (workspace_id, updated_at, id);

CREATE TABLE splitter_versions (
    id TEXT PRIMARY KEY,
    splitter_id TEXT NOT NULL REFERENCES splitters(id),
    workspace_id TEXT NOT NULL,
    version TEXT NOT NULL,
    major INTEGER NOT NULL,
    minor INTEGER NOT NULL,
    description TEXT,
    config TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (splitter_id, version)
);

CREATE TABLE split_runs (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    splitter_id TEXT,
    splitter_version_id TEXT,
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
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX split_runs_ws_created ON split_runs (workspace_id, created_at, id);
CREATE INDEX split_runs_ws_updated ON split_runs (workspace_id, updated_at, id);
CREATE INDEX split_runs_batch ON split_runs (batch_id);
CREATE INDEX split_runs_splitter ON split_runs (splitter_id);

-- A file cut from another by a split run names its parent and the split
-- it holds (`metadata.parentSplit`, JSON). A password-protected PDF keeps
-- the password it was uploaded with, to open it when a run reads it.
ALTER TABLE files ADD COLUMN parent_file_id TEXT;
ALTER TABLE files ADD COLUMN parent_split TEXT;
ALTER TABLE files ADD COLUMN password TEXT;
