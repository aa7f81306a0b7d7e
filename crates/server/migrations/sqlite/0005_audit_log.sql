-- The security audit log: append-only, hash-chained (see src/audit_log). `seq` is assigned by
-- the writer (previous + 1, under the append lock) and is part of the hash, so a deleted row
-- leaves a gap and an edited row no longer matches its hash. `detail` is JSON text, hashed
-- exactly as stored.

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        BIGINT  NOT NULL,
    kind      TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL UNIQUE
);

-- Append-only at the database level too: the application never updates or deletes a row.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
