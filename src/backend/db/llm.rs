//! The `llm_settings` table: one row (id 1), see [`crate::backend::llm`].

use sqlx::FromRow;

use super::{Db, now_text};
use crate::backend::error::AppResult;

#[derive(Debug, Clone, FromRow)]
pub struct LlmRow {
    pub provider: String,
    pub base_url: String,
    pub model: String,
    /// Encrypted.
    pub api_key: Option<String>,
    pub timeout_ms: i64,
    pub updated_at: String,
}

pub async fn get(db: &Db) -> AppResult<Option<LlmRow>> {
    Ok(sqlx::query_as::<_, LlmRow>(
        "SELECT provider, base_url, model, api_key, timeout_ms, updated_at \
         FROM llm_settings WHERE id = 1",
    )
    .fetch_optional(&db.pool)
    .await?)
}

pub struct LlmWrite<'a> {
    pub provider: &'a str,
    pub base_url: &'a str,
    pub model: &'a str,
    pub api_key: Option<&'a str>,
    pub timeout_ms: i64,
    pub updated_by: &'a str,
}

pub async fn put(db: &Db, w: &LlmWrite<'_>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO llm_settings \
           (id, provider, base_url, model, api_key, timeout_ms, updated_by, updated_at) \
         VALUES (1, $1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, \
           base_url = excluded.base_url, model = excluded.model, api_key = excluded.api_key, \
           timeout_ms = excluded.timeout_ms, updated_by = excluded.updated_by, \
           updated_at = excluded.updated_at",
    )
    .bind(w.provider)
    .bind(w.base_url)
    .bind(w.model)
    .bind(w.api_key)
    .bind(w.timeout_ms)
    .bind(w.updated_by)
    .bind(now_text())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// True when settings were removed.
pub async fn delete(db: &Db) -> AppResult<bool> {
    Ok(sqlx::query("DELETE FROM llm_settings WHERE id = 1")
        .execute(&db.pool)
        .await?
        .rows_affected()
        > 0)
}
