//! The `outbound_allowlist` table (see [`crate::backend::allowlist`]).

use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, is_unique_violation, new_id, now_text};
use crate::backend::error::{AppError, AppResult};

#[derive(Debug, Clone, FromRow)]
pub struct AllowRow {
    pub id: String,
    pub pattern: String,
    pub note: String,
    pub created_by: Option<String>,
    pub created_at: String,
}

const SELECT: &str = "SELECT id, pattern, note, created_by, created_at FROM outbound_allowlist";

pub async fn list(db: &Db) -> AppResult<Vec<AllowRow>> {
    let sql = format!("{SELECT} ORDER BY created_at, id");
    Ok(sqlx::query_as::<_, AllowRow>(&sql)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn insert(
    db: &Db,
    pattern: &str,
    note: &str,
    created_by: Option<&str>,
) -> AppResult<AllowRow> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO outbound_allowlist (id, pattern, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(pattern)
    .bind(note)
    .bind(created_by)
    .bind(now_text())
    .execute(&db.pool)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict_on("pattern", "this pattern is already on the allow-list")
        } else {
            e.into()
        }
    })?;
    let sql = format!("{SELECT} WHERE id = $1");
    sqlx::query_as::<_, AllowRow>(&sql)
        .bind(&id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::Internal("inserted allow-list entry vanished".into()))
}

/// True when a row was deleted.
pub async fn delete(db: &Db, id: Uuid) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM outbound_allowlist WHERE id = $1")
        .bind(id.to_string())
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() > 0)
}
