-- API key rotation: a rotated key gets a new secret under the same id, name and scopes; the
-- secret it replaced (its SHA-256) keeps working until `previous_valid_until` (Unix ms), so CI
-- jobs can switch over without downtime. A second rotation replaces the previous secret.

ALTER TABLE api_keys ADD COLUMN previous_secret_sha256 TEXT;
ALTER TABLE api_keys ADD COLUMN previous_valid_until BIGINT;
ALTER TABLE api_keys ADD COLUMN rotated_at BIGINT;
CREATE UNIQUE INDEX api_keys_by_previous_secret ON api_keys (previous_secret_sha256);
