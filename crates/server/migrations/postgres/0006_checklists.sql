-- Probe and load runs; checklist item verdicts per run; signed sign-offs.

ALTER TABLE runs DROP CONSTRAINT runs_kind_check;
ALTER TABLE runs ADD CONSTRAINT runs_kind_check
    CHECK (kind IN ('audit', 'checklist', 'probe', 'load'));

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
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
