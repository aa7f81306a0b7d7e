-- Webhooks: endpoints with their circuit breaker, the outbox of deliveries, and the facts of
-- each run that the next run's regressions are detected against.

CREATE TABLE webhook_endpoints (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL: every project.
    project_id           BIGINT  REFERENCES projects (id),
    url                  TEXT    NOT NULL,
    format               TEXT    NOT NULL CHECK (format IN ('json', 'slack')),
    -- Space-separated event names.
    events               TEXT    NOT NULL,
    -- Kept usable because the server signs with it; never returned by the API.
    secret               TEXT,
    enabled              BIGINT  NOT NULL DEFAULT 1,
    breaker_state        TEXT    NOT NULL DEFAULT 'closed'
                         CHECK (breaker_state IN ('closed', 'open', 'half_open')),
    consecutive_failures BIGINT  NOT NULL DEFAULT 0,
    -- open: when a probe may go; half_open: when the probe's claim expires.
    breaker_until        BIGINT,
    created_at           BIGINT  NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id     BIGINT  NOT NULL REFERENCES webhook_endpoints (id),
    event           TEXT    NOT NULL,
    project_id      BIGINT  NOT NULL,
    run_id          BIGINT  NOT NULL,
    body            TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    claim_token     TEXT,
    claimed_until   BIGINT,
    last_status     BIGINT,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE run_signals (
    run_id  BIGINT PRIMARY KEY REFERENCES runs (id),
    signals TEXT   NOT NULL
);
