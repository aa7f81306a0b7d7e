-- First schema: projects, immutable runs with indexed scores, API keys, idempotency records.
-- Timestamps are Unix milliseconds (UTC) in BIGINT columns on both databases.

CREATE TABLE projects (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    owner_team  TEXT    NOT NULL,
    tier        TEXT    NOT NULL CHECK (tier IN ('critical', 'standard', 'experimental')),
    repository  TEXT,
    service_url TEXT,
    labels      TEXT    NOT NULL DEFAULT '{}',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE api_keys (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT    NOT NULL,
    prefix        TEXT    NOT NULL,
    secret_sha256 TEXT    NOT NULL UNIQUE,
    scopes        TEXT    NOT NULL,
    expires_at    BIGINT,
    revoked_at    BIGINT,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE runs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    BIGINT  NOT NULL REFERENCES projects (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('audit', 'checklist')),
    schema        TEXT    NOT NULL,
    tool_version  TEXT,
    commit_sha    TEXT,
    score         BIGINT,
    gate_failed   BIGINT,
    counts        TEXT    NOT NULL,
    report_gzip   BYTEA   NOT NULL,
    report_sha256 TEXT    NOT NULL,
    report_bytes  BIGINT  NOT NULL,
    uploaded_by   BIGINT  REFERENCES api_keys (id),
    created_at    BIGINT  NOT NULL
);
CREATE INDEX runs_by_project ON runs (project_id, id);

CREATE TABLE run_area_scores (
    run_id BIGINT NOT NULL REFERENCES runs (id),
    area   TEXT   NOT NULL,
    score  BIGINT,
    PRIMARY KEY (run_id, area)
);

CREATE TABLE idempotency_keys (
    principal      BIGINT NOT NULL,
    idem_key       TEXT   NOT NULL,
    route          TEXT   NOT NULL,
    request_sha256 TEXT   NOT NULL,
    status         BIGINT,
    content_type   TEXT,
    location       TEXT,
    response_body  BYTEA,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (principal, idem_key)
);
