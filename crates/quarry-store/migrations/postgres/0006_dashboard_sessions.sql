-- Dashboard sign-in sessions, minted from an API key. Only the SHA-256 of the
-- session token is stored (like API keys), so a leaked database holds no
-- usable cookie. A session dies with its key (revocation is checked on every
-- lookup) or at expires_at; logout deletes the row.
CREATE TABLE dashboard_sessions (
    token_hash TEXT PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES api_keys(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at);
