-- The action library (DESIGN §5): reusable actions with typed parameters, forming a
-- hierarchy through `parent_id` (a child calls its parent by name at run time; the parent
-- is resolved from this column, never from an id baked into code).
--
-- `parent_id` has no ON DELETE: an action with children cannot be deleted (the service
-- refuses with the children's names first; the key backs it up).

CREATE TABLE library_actions (
    id            TEXT PRIMARY KEY,
    action_name   TEXT NOT NULL UNIQUE,
    description   TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    parent_id     TEXT REFERENCES library_actions (id),
    code          TEXT NOT NULL DEFAULT '',
    -- The description the code was generated from (generated actions).
    prompt        TEXT,
    code_status   TEXT NOT NULL DEFAULT 'draft',
    approved_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
    approved_at   TEXT,
    owner_id      TEXT REFERENCES users (id) ON DELETE SET NULL,
    visibility    TEXT NOT NULL DEFAULT 'private',
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX library_actions_parent ON library_actions (parent_id);

-- Parameters are retired (`is_deleted = 1`) rather than deleted, so code versions that
-- declared them still read; names are unique among the live ones.
CREATE TABLE library_action_params (
    id             TEXT PRIMARY KEY,
    action_id      TEXT NOT NULL REFERENCES library_actions (id) ON DELETE CASCADE,
    param_name     TEXT NOT NULL,
    param_type     TEXT NOT NULL,
    is_required    INTEGER NOT NULL DEFAULT 0,
    -- JSON, or NULL for none.
    default_value  TEXT,
    description    TEXT NOT NULL DEFAULT '',
    direction      TEXT NOT NULL DEFAULT 'input',
    sequence       BIGINT NOT NULL DEFAULT 0,
    is_deleted     INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX library_action_params_live_name
    ON library_action_params (action_id, param_name) WHERE is_deleted = 0;
CREATE INDEX library_action_params_action ON library_action_params (action_id, sequence);

-- Every code an action had, immutable: who saved or generated it, when and why, with the
-- parameters declared with it (JSON), so a builder can compare and restore.
CREATE TABLE library_action_code_versions (
    id          TEXT PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES library_actions (id) ON DELETE CASCADE,
    number      BIGINT NOT NULL,
    code        TEXT NOT NULL,
    params      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    prompt      TEXT,
    created_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (action_id, number)
);
