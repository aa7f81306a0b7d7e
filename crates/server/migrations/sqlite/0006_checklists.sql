-- Probe and load runs; checklist item verdicts per run; signed sign-offs.
--
-- `runs.kind` gains 'probe' and 'load'. SQLite cannot alter a CHECK constraint, so the table is
-- rebuilt. Renaming `runs` away would rewrite the foreign keys of its children
-- (run_area_scores, jobs, run_signals) to the old name, so instead: copy the rows aside, drop
-- `runs` (the children's references are counted as deferred violations), create the new
-- `runs` and insert the rows back (each insert settles its children's violations), all in the
-- migration's transaction. The AUTOINCREMENT counter is carried over so ids are never reused.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE runs_0006_copy AS SELECT * FROM runs;
CREATE TABLE runs_0006_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'runs';

DROP TABLE runs;

CREATE TABLE runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    BIGINT  NOT NULL REFERENCES projects (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('audit', 'checklist', 'probe', 'load')),
    schema        TEXT    NOT NULL,
    tool_version  TEXT,
    commit_sha    TEXT,
    score         BIGINT,
    gate_failed   BIGINT,
    counts        TEXT    NOT NULL,
    report_gzip   BLOB    NOT NULL,
    report_sha256 TEXT    NOT NULL,
    report_bytes  BIGINT  NOT NULL,
    uploaded_by   BIGINT  REFERENCES api_keys (id),
    created_at    BIGINT  NOT NULL
);

INSERT INTO runs (id, project_id, kind, schema, tool_version, commit_sha, score, gate_failed,
                  counts, report_gzip, report_sha256, report_bytes, uploaded_by, created_at)
SELECT id, project_id, kind, schema, tool_version, commit_sha, score, gate_failed,
       counts, report_gzip, report_sha256, report_bytes, uploaded_by, created_at
FROM runs_0006_copy ORDER BY id;

UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM runs_0006_seq)
WHERE name = 'runs' AND seq < (SELECT MAX(seq) FROM runs_0006_seq);

DROP TABLE runs_0006_copy;
DROP TABLE runs_0006_seq;

CREATE INDEX runs_by_project ON runs (project_id, id);

-- One row per item of a stored checklist run, written in the run's transaction: the item
-- verdict history. `section` is the heading path as a JSON array; `claimed` is 1 when the
-- document ticks the item.
CREATE TABLE checklist_items (
    run_id     BIGINT  NOT NULL REFERENCES runs (id),
    position   BIGINT  NOT NULL,
    project_id BIGINT  NOT NULL REFERENCES projects (id),
    checklist  TEXT    NOT NULL,
    item_id    TEXT    NOT NULL,
    section    TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    verdict    TEXT    NOT NULL,
    claimed    BIGINT  NOT NULL,
    PRIMARY KEY (run_id, position)
);
CREATE INDEX checklist_items_history ON checklist_items (project_id, item_id, run_id);

-- Sign-offs whose Ed25519 signature verified when stored (uploaded, or made by the server).
-- `entry` is the `vouch.signoffs/v1` entry as JSON, re-verified whenever it is shown.
CREATE TABLE signoffs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT  NOT NULL REFERENCES projects (id),
    checklist  TEXT    NOT NULL,
    section    TEXT    NOT NULL,
    signer     TEXT    NOT NULL,
    signed_at  TEXT    NOT NULL,
    public_key TEXT    NOT NULL,
    signature  TEXT    NOT NULL,
    entry      TEXT    NOT NULL,
    source     TEXT    NOT NULL CHECK (source IN ('upload', 'server')),
    run_id     BIGINT  REFERENCES runs (id),
    created_by TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    UNIQUE (project_id, signature)
);
CREATE INDEX signoffs_by_project ON signoffs (project_id, id);
