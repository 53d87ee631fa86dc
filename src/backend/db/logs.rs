//! The `action_execution_logs` table: one row per event run, action attempt and call, linked
//! by `parent_log_id`. Rows are written as execution goes (inserted `running`, finished
//! later), so a crash mid-event leaves honest `running` rows.

use sqlx::FromRow;
use uuid::Uuid;

use super::Db;
use crate::backend::error::AppResult;

#[derive(Debug, Clone, FromRow)]
pub struct LogRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub run_id: Uuid,
    pub parent_log_id: Option<String>,
    pub kind: String,
    pub event_id: Option<String>,
    pub action_id: Option<String>,
    pub name: String,
    pub status: String,
    pub retry_attempt: i64,
    pub started_at: String,
    pub completed_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub input_data: Option<String>,
    pub output_data: Option<String>,
    pub error_message: Option<String>,
}

/// A row as it starts (or, for skipped actions, as it ends right away).
pub struct NewLog<'a> {
    pub id: &'a str,
    pub run_id: &'a str,
    pub parent_log_id: Option<&'a str>,
    pub kind: &'a str,
    pub event_id: Option<&'a str>,
    pub action_id: Option<&'a str>,
    pub name: &'a str,
    pub status: &'a str,
    pub retry_attempt: i64,
    pub started_at: &'a str,
    pub input_data: Option<&'a str>,
}

/// Inserts a row as it starts (`end` is `None`: it is finished later by [`finish`]) or,
/// when it has already ended, whole: one write instead of an insert and an update
/// (`Logger::defer`).
pub async fn insert(db: &Db, row: &NewLog<'_>, end: Option<&LogEnd<'_>>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO action_execution_logs (id, run_id, parent_log_id, kind, event_id, \
         action_id, name, status, retry_attempt, started_at, input_data, completed_at, \
         duration_ms, output_data, error_message) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(row.id)
    .bind(row.run_id)
    .bind(row.parent_log_id)
    .bind(row.kind)
    .bind(row.event_id)
    .bind(row.action_id)
    .bind(row.name)
    .bind(end.map_or(row.status, |e| e.status))
    .bind(row.retry_attempt)
    .bind(row.started_at)
    .bind(row.input_data)
    .bind(end.map(|e| e.completed_at))
    .bind(end.map(|e| e.duration_ms))
    .bind(end.and_then(|e| e.output_data))
    .bind(end.and_then(|e| e.error_message))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// How a row ended.
pub struct LogEnd<'a> {
    pub status: &'a str,
    pub completed_at: &'a str,
    pub duration_ms: i64,
    pub output_data: Option<&'a str>,
    pub error_message: Option<&'a str>,
}

pub async fn finish(db: &Db, id: Uuid, end: &LogEnd<'_>) -> AppResult<()> {
    sqlx::query(
        "UPDATE action_execution_logs SET status = $1, completed_at = $2, duration_ms = $3, \
         output_data = $4, error_message = $5 WHERE id = $6",
    )
    .bind(end.status)
    .bind(end.completed_at)
    .bind(end.duration_ms)
    .bind(end.output_data)
    .bind(end.error_message)
    .bind(id.to_string())
    .execute(&db.pool)
    .await?;
    Ok(())
}

const SELECT: &str = "SELECT id, run_id, parent_log_id, kind, event_id, action_id, name, \
     status, retry_attempt, started_at, completed_at, duration_ms, input_data, output_data, \
     error_message FROM action_execution_logs";

/// Every row of a run, oldest first (ids are v7, so they break ties in start order).
pub async fn list_by_run(db: &Db, run_id: Uuid) -> AppResult<Vec<LogRow>> {
    let sql = format!("{SELECT} WHERE run_id = $1 ORDER BY started_at, id");
    Ok(sqlx::query_as::<_, LogRow>(&sql)
        .bind(run_id.to_string())
        .fetch_all(&db.pool)
        .await?)
}
