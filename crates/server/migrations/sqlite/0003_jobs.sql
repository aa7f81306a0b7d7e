-- Durable jobs run by the server's workers (queued -> running -> succeeded | failed; a retry or
-- a recovered lease goes back to queued). Times are Unix milliseconds.

CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id       BIGINT  NOT NULL REFERENCES projects (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('audit', 'sleep')),
    params           TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    attempts         BIGINT  NOT NULL DEFAULT 0,
    max_attempts     BIGINT  NOT NULL,
    run_after        BIGINT  NOT NULL,
    lease_owner      TEXT,
    lease_expires_at BIGINT,
    heartbeat_at     BIGINT,
    last_error       TEXT,
    run_id           BIGINT  REFERENCES runs (id),
    created_by       BIGINT  REFERENCES api_keys (id),
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
-- Claiming takes the oldest runnable queued job; recovery looks for expired leases.
CREATE INDEX jobs_claimable ON jobs (state, run_after, id);
CREATE INDEX jobs_leases ON jobs (state, lease_expires_at);
CREATE INDEX jobs_by_project ON jobs (project_id, id);
