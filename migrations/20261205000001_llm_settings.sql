-- The language model that writes library code (DESIGN §5, issue 14): one row, set by an
-- admin. The API key is encrypted with the credentials key (`backend::secrets`) and never
-- leaves the server; NULL means none (a local model may need none).

CREATE TABLE llm_settings (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    base_url    TEXT NOT NULL,
    model       TEXT NOT NULL,
    api_key     TEXT,
    timeout_ms  BIGINT NOT NULL,
    updated_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_at  TEXT NOT NULL
);
