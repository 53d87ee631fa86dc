-- The action system: events and actions of a draft, API and MCP configurations, the MCP
-- server registry and outbound allow-list (admin), execution logs, and options that actions
-- put into a run's selects.
--
-- Events and actions of a *draft* live here, one row each (edited one by one, each with its
-- own `version`); publishing copies them into the version's JSON document, so a run always
-- plays the events of its pinned version.

CREATE TABLE wizard_events (
    id              TEXT PRIMARY KEY,
    wizard_id       TEXT NOT NULL REFERENCES wizards (id) ON DELETE CASCADE,
    event_trigger   TEXT NOT NULL,
    event_name      TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    is_enabled      INTEGER NOT NULL DEFAULT 1,
    target_type     TEXT NOT NULL,
    target_id       TEXT,
    conditions      TEXT,
    -- Events of one wizard in the order they were created (and are listed/exported).
    position        BIGINT NOT NULL DEFAULT 0,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX wizard_events_wizard ON wizard_events (wizard_id, position);

CREATE TABLE wizard_actions (
    id                TEXT PRIMARY KEY,
    event_id          TEXT NOT NULL REFERENCES wizard_events (id) ON DELETE CASCADE,
    action_name       TEXT NOT NULL,
    action_type       TEXT NOT NULL,
    execution_order   BIGINT NOT NULL,
    config            TEXT NOT NULL,
    output_handling   TEXT,
    on_error          TEXT NOT NULL DEFAULT 'continue',
    retry_count       BIGINT NOT NULL DEFAULT 0,
    timeout_ms        BIGINT,
    loading_message   TEXT,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (event_id, action_name)
);
CREATE INDEX wizard_actions_event ON wizard_actions (event_id, execution_order);

-- Credentials are AEAD-encrypted (`auth_secret`, base64 of nonce || ciphertext) and never
-- leave the server; `auth` holds the non-secret part (type, header name, username, …).
CREATE TABLE api_configurations (
    id               TEXT PRIMARY KEY,
    wizard_id        TEXT NOT NULL REFERENCES wizards (id) ON DELETE CASCADE,
    config_name      TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    base_url         TEXT NOT NULL,
    auth_type        TEXT NOT NULL DEFAULT 'none',
    auth             TEXT NOT NULL,
    auth_secret      TEXT,
    default_headers  TEXT NOT NULL DEFAULT '{}',
    timeout_ms       BIGINT NOT NULL DEFAULT 30000,
    created_by       TEXT REFERENCES users (id) ON DELETE SET NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (wizard_id, config_name)
);

-- The admin's registry of MCP servers builders may pick from.
CREATE TABLE mcp_servers (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    description   TEXT NOT NULL DEFAULT '',
    transport     TEXT NOT NULL CHECK (transport IN ('stdio', 'streamable_http')),
    -- stdio: command, args (JSON array); streamable HTTP: url.
    command       TEXT,
    args          TEXT NOT NULL DEFAULT '[]',
    url           TEXT,
    -- Encrypted JSON: environment variables (stdio) or headers (HTTP auth).
    secret        TEXT,
    -- Names of the env vars / headers set (shown to admins; values never are).
    secret_keys   TEXT NOT NULL DEFAULT '[]',
    timeout_ms    BIGINT NOT NULL DEFAULT 30000,
    is_enabled    INTEGER NOT NULL DEFAULT 1,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE mcp_configurations (
    id               TEXT PRIMARY KEY,
    wizard_id        TEXT NOT NULL REFERENCES wizards (id) ON DELETE CASCADE,
    config_name      TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    -- The registry entry, by name (kept portable across export/import).
    mcp_server       TEXT NOT NULL,
    -- JSON array of tool names this wizard may call; empty = all of the server's tools.
    available_tools  TEXT NOT NULL DEFAULT '[]',
    timeout_ms       BIGINT NOT NULL DEFAULT 30000,
    max_retries      BIGINT NOT NULL DEFAULT 2,
    created_by       TEXT REFERENCES users (id) ON DELETE SET NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (wizard_id, config_name)
);

-- Hosts and networks outbound calls may reach although they are loopback/private/
-- link-local (admin). `pattern` is a host name, an IP address or a CIDR block.
CREATE TABLE outbound_allowlist (
    id          TEXT PRIMARY KEY,
    pattern     TEXT NOT NULL UNIQUE,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);

-- One row per event run, per action attempt, per call an action makes; a trace tree by
-- `parent_log_id`. Event and action ids are those of the run's pinned version, so no
-- foreign keys to the (draft) event and action rows.
CREATE TABLE action_execution_logs (
    id              TEXT PRIMARY KEY,
    run_id          TEXT NOT NULL REFERENCES wizard_runs (id) ON DELETE CASCADE,
    parent_log_id   TEXT,
    kind            TEXT NOT NULL,
    event_id        TEXT,
    action_id       TEXT,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    retry_attempt   BIGINT NOT NULL DEFAULT 0,
    started_at      TEXT NOT NULL,
    completed_at    TEXT,
    duration_ms     BIGINT,
    input_data      TEXT,
    output_data     TEXT,
    error_message   TEXT
);
CREATE INDEX action_execution_logs_run ON action_execution_logs (run_id, started_at);

-- Options an action put into a select of one run (`output_handling.replace_options`):
-- the player shows them after a reload and answers are checked against them.
CREATE TABLE dynamic_option_sets (
    id               TEXT PRIMARY KEY,
    run_id           TEXT NOT NULL REFERENCES wizard_runs (id) ON DELETE CASCADE,
    option_set_key   TEXT NOT NULL,
    action_id        TEXT,
    options          TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (run_id, option_set_key)
);
