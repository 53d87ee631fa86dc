-- Wizards, published versions, runs (and the Store), uploaded files, applied seeds.
--
-- A draft is one JSON document (`definition`) rather than rows per step/option set/option:
-- every edit is validated against the whole wizard (conditions name fields on other steps),
-- and one `version` per draft makes concurrent edits a 409 instead of a lost update.
CREATE TABLE wizards (
    id            TEXT PRIMARY KEY,
    -- NULL for the platform's own seeded templates, which nobody edits (they are cloned).
    owner_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    category      TEXT,
    definition    TEXT NOT NULL,
    is_template   INTEGER NOT NULL DEFAULT 0,
    live_version  BIGINT,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX wizards_owner ON wizards (owner_id, updated_at);

-- Immutable snapshots. No foreign key to `wizards`: a version outlives its wizard's
-- deletion so the runs pinned to it can still be opened.
CREATE TABLE wizard_versions (
    id            TEXT PRIMARY KEY,
    wizard_id     TEXT NOT NULL,
    number        BIGINT NOT NULL,
    name          TEXT NOT NULL,
    definition    TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    UNIQUE (wizard_id, number)
);

-- A run plays one version. A run with `stored_name` is in the Store.
CREATE TABLE wizard_runs (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    wizard_id           TEXT NOT NULL,
    version_id          TEXT NOT NULL REFERENCES wizard_versions (id),
    status              TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
    current_step_id     TEXT NOT NULL,
    current_step_title  TEXT NOT NULL,
    answers             TEXT NOT NULL,
    stored_name         TEXT,
    visibility          TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'shared')),
    stored_at           TEXT,
    started_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    completed_at        TEXT,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX wizard_runs_user ON wizard_runs (user_id, updated_at);
CREATE INDEX wizard_runs_store ON wizard_runs (stored_at);

-- Files of `file_upload` answers. Kept in the database (not on local disk) so several
-- server instances behind one PostgreSQL serve the same files. `BYTEA` is a BLOB to SQLite.
CREATE TABLE uploaded_files (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    run_id        TEXT NOT NULL REFERENCES wizard_runs (id) ON DELETE CASCADE,
    field_key     TEXT NOT NULL,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    data          BYTEA NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX uploaded_files_run ON uploaded_files (run_id, field_key);

-- Seeds applied once: a template an admin deletes does not come back on restart.
CREATE TABLE applied_seeds (
    slug        TEXT PRIMARY KEY,
    applied_at  TEXT NOT NULL
);
