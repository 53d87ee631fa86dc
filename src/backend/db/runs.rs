//! The `wizard_runs` table: runs and, when named, Store entries.

use sqlx::FromRow;

use super::{Db, now_text};
use crate::backend::error::{AppError, AppResult};
use crate::domain::condition::Answers;

/// A run joined with what lists show about it (wizard name, version number, owner).
#[derive(Debug, Clone, FromRow)]
pub struct RunRow {
    pub id: String,
    pub user_id: String,
    pub owner_name: String,
    pub wizard_id: String,
    pub version_id: String,
    pub version_number: i64,
    pub wizard_name: String,
    pub status: String,
    pub current_step_id: String,
    pub current_step_title: String,
    pub answers: String,
    pub stored_name: Option<String>,
    pub visibility: String,
    pub stored_at: Option<String>,
    pub started_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    pub version: i64,
}

impl RunRow {
    pub fn answers(&self) -> AppResult<Answers> {
        serde_json::from_str(&self.answers).map_err(|e| {
            AppError::Internal(format!(
                "stored answers of run {} are unreadable: {e}",
                self.id
            ))
        })
    }
}

const SELECT: &str = "SELECT r.id, r.user_id, u.display_name AS owner_name, r.wizard_id, \
     r.version_id, v.number AS version_number, v.name AS wizard_name, r.status, \
     r.current_step_id, r.current_step_title, r.answers, r.stored_name, r.visibility, \
     r.stored_at, r.started_at, r.updated_at, r.completed_at, r.version \
     FROM wizard_runs r \
     JOIN users u ON u.id = r.user_id \
     JOIN wizard_versions v ON v.id = r.version_id";

/// What a new run starts with.
pub struct NewRun<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub wizard_id: &'a str,
    pub version_id: &'a str,
    pub current_step_id: &'a str,
    pub current_step_title: &'a str,
    pub answers: &'a Answers,
}

fn answers_json(a: &Answers) -> AppResult<String> {
    serde_json::to_string(a).map_err(|e| AppError::Internal(format!("serialising answers: {e}")))
}

pub async fn insert(db: &Db, run: &NewRun<'_>) -> AppResult<RunRow> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO wizard_runs (id, user_id, wizard_id, version_id, status, current_step_id, \
         current_step_title, answers, visibility, started_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, 'in_progress', $5, $6, $7, 'private', $8, $8, 1)",
    )
    .bind(run.id)
    .bind(run.user_id)
    .bind(run.wizard_id)
    .bind(run.version_id)
    .bind(run.current_step_id)
    .bind(run.current_step_title)
    .bind(answers_json(run.answers)?)
    .bind(&now)
    .execute(&db.pool)
    .await?;
    get(db, run.id)
        .await?
        .ok_or_else(|| AppError::Internal("inserted run vanished".into()))
}

pub async fn get(db: &Db, id: &str) -> AppResult<Option<RunRow>> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    Ok(sqlx::query_as::<_, RunRow>(&sql)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn list_by_user(db: &Db, user_id: &str, status: Option<&str>) -> AppResult<Vec<RunRow>> {
    let sql = format!(
        "{SELECT} WHERE r.user_id = $1 AND ($2 IS NULL OR r.status = $2) \
         ORDER BY r.updated_at DESC, r.id"
    );
    Ok(sqlx::query_as::<_, RunRow>(&sql)
        .bind(user_id)
        .bind(status)
        .fetch_all(&db.pool)
        .await?)
}

/// The Store as `user_id` sees it: their own stored runs and everyone's shared ones.
pub async fn list_stored(db: &Db, user_id: &str) -> AppResult<Vec<RunRow>> {
    let sql = format!(
        "{SELECT} WHERE r.stored_at IS NOT NULL AND (r.user_id = $1 OR r.visibility = 'shared') \
         ORDER BY r.stored_at DESC, r.id"
    );
    Ok(sqlx::query_as::<_, RunRow>(&sql)
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

/// A change to a run's progress, applied only if the run is still at `expected_version`.
pub struct RunUpdate<'a> {
    pub answers: &'a Answers,
    pub current_step_id: &'a str,
    pub current_step_title: &'a str,
    pub completed: bool,
}

/// Writes the change and returns `(version, updated_at)`, or `None` when the run moved on
/// meanwhile (the caller retries or reports a conflict).
pub async fn update(
    db: &Db,
    id: &str,
    expected_version: i64,
    change: &RunUpdate<'_>,
) -> AppResult<Option<(i64, String)>> {
    let now = now_text();
    let res = sqlx::query(
        "UPDATE wizard_runs SET answers = $1, current_step_id = $2, current_step_title = $3, \
         status = CASE WHEN $4 = 1 THEN 'completed' ELSE status END, \
         completed_at = CASE WHEN $4 = 1 THEN $5 ELSE completed_at END, \
         updated_at = $5, version = version + 1 \
         WHERE id = $6 AND version = $7 AND status = 'in_progress'",
    )
    .bind(answers_json(change.answers)?)
    .bind(change.current_step_id)
    .bind(change.current_step_title)
    .bind(i64::from(change.completed))
    .bind(&now)
    .bind(id)
    .bind(expected_version)
    .execute(&db.pool)
    .await?;
    Ok((res.rows_affected() == 1).then_some((expected_version + 1, now)))
}

/// Names the run in the Store (or renames it / changes its visibility).
pub async fn set_stored(db: &Db, id: &str, name: Option<&str>, visibility: &str) -> AppResult<()> {
    let now = now_text();
    sqlx::query(
        "UPDATE wizard_runs SET stored_name = $1, visibility = $2, \
         stored_at = CASE WHEN $1 IS NULL THEN NULL ELSE COALESCE(stored_at, $3) END, \
         version = version + 1 WHERE id = $4",
    )
    .bind(name)
    .bind(visibility)
    .bind(&now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn delete(db: &Db, id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM wizard_runs WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
