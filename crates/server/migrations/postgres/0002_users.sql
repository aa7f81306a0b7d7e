-- Users (argon2id password hashes, one role each) and their refresh tokens (SHA-256 only,
-- rotated on every use; a family is the chain of tokens from one login).

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    email         TEXT    UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'engineer', 'admin')),
    password_hash TEXT    NOT NULL,
    disabled      BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);

CREATE TABLE refresh_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id),
    family       TEXT    NOT NULL,
    token_sha256 TEXT    NOT NULL UNIQUE,
    expires_at   BIGINT  NOT NULL,
    rotated_at   BIGINT,
    revoked_at   BIGINT,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
