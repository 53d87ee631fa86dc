-- Accounts. Portable between SQLite and PostgreSQL: ids are TEXT UUIDv7, timestamps are
-- TEXT RFC 3339 UTC, integers are BIGINT (the sqlx Any driver decodes them as i64 on both).
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'builder', 'runner')),
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Signed-out sessions: a JWT is stateless, so signing out records its id until it expires.
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);
