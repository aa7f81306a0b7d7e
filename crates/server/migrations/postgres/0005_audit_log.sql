-- The security audit log: append-only, hash-chained (see src/audit_log). `seq` is assigned by
-- the writer (previous + 1, under a transaction-level advisory lock) and is part of the hash,
-- so a deleted row leaves a gap and an edited row no longer matches its hash. `detail` is JSON
-- kept as TEXT (not jsonb, which would normalise it) because the hash covers it as stored.

CREATE TABLE audit_log (
    seq       BIGINT  PRIMARY KEY,
    at        BIGINT  NOT NULL,
    kind      TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL UNIQUE
);

-- Append-only at the database level too: UPDATE, DELETE and TRUNCATE are rejected for every
-- role that does not own the table's triggers (the application never needs them).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
