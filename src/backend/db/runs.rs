//! The `wizard_runs` table: runs and, when named, Store entries.

use sqlx::{AnyConnection, FromRow};
use uuid::Uuid;

use super::{Db, now_text, parse_column};
use crate::backend::error::{AppError, AppResult};
use crate::domain::condition::Answers;
use crate::domain::run::{RunStatus, Visibility};

/// A run joined with what lists show about it (wizard name, version number, owner), with
/// its ids and states decoded: past this module nobody parses a column again.
#[derive(Debug, Clone)]
pub struct RunRow {
    pub id: Uuid,
    pub user_id: String,
    pub owner_name: String,
    pub wizard_id: Uuid,
    pub version_id: Uuid,
    pub version_number: i64,
    pub wizard_name: String,
    pub status: RunStatus,
    pub current_step_id: Uuid,
    pub current_step_title: String,
    pub answers: String,
    pub stored_name: Option<String>,
    pub visibility: Visibility,
    pub stored_at: Option<String>,
    pub started_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    pub version: i64,
}

/// The columns as stored (text), decoded into [`RunRow`] right after the query.
#[derive(FromRow)]
struct StoredRun {
    id: String,
    user_id: String,
    owner_name: String,
    wizard_id: String,
    version_id: String,
    version_number: i64,
    wizard_name: String,
    status: String,
    current_step_id: String,
    current_step_title: String,
    answers: String,
    stored_name: Option<String>,
    visibility: String,
    stored_at: Option<String>,
    started_at: String,
    updated_at: String,
    completed_at: Option<String>,
    version: i64,
}

impl TryFrom<StoredRun> for RunRow {
    type Error = AppError;

    fn try_from(r: StoredRun) -> AppResult<Self> {
        Ok(RunRow {
            id: parse_column(&r.id, "wizard_runs.id")?,
            user_id: r.user_id,
            owner_name: r.owner_name,
            wizard_id: parse_column(&r.wizard_id, "wizard_runs.wizard_id")?,
            version_id: parse_column(&r.version_id, "wizard_runs.version_id")?,
            version_number: r.version_number,
            wizard_name: r.wizard_name,
            status: parse_column(&r.status, "wizard_runs.status")?,
            current_step_id: parse_column(&r.current_step_id, "wizard_runs.current_step_id")?,
            current_step_title: r.current_step_title,
            answers: r.answers,
            stored_name: r.stored_name,
            visibility: parse_column(&r.visibility, "wizard_runs.visibility")?,
            stored_at: r.stored_at,
            started_at: r.started_at,
            updated_at: r.updated_at,
            completed_at: r.completed_at,
            version: r.version,
        })
    }
}

fn decode(rows: Vec<StoredRun>) -> AppResult<Vec<RunRow>> {
    rows.into_iter().map(RunRow::try_from).collect()
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
    pub id: Uuid,
    pub user_id: &'a str,
    pub wizard_id: Uuid,
    pub version_id: Uuid,
    pub current_step_id: Uuid,
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
    .bind(run.id.to_string())
    .bind(run.user_id)
    .bind(run.wizard_id.to_string())
    .bind(run.version_id.to_string())
    .bind(run.current_step_id.to_string())
    .bind(run.current_step_title)
    .bind(answers_json(run.answers)?)
    .bind(&now)
    .execute(&db.pool)
    .await?;
    get(db, run.id)
        .await?
        .ok_or_else(|| AppError::Internal("inserted run vanished".into()))
}

pub async fn get(db: &Db, id: Uuid) -> AppResult<Option<RunRow>> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    sqlx::query_as::<_, StoredRun>(&sql)
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?
        .map(RunRow::try_from)
        .transpose()
}

pub async fn list_by_user(
    db: &Db,
    user_id: &str,
    status: Option<RunStatus>,
) -> AppResult<Vec<RunRow>> {
    let sql = format!(
        "{SELECT} WHERE r.user_id = $1 AND ($2 IS NULL OR r.status = $2) \
         ORDER BY r.updated_at DESC, r.id"
    );
    decode(
        sqlx::query_as::<_, StoredRun>(&sql)
            .bind(user_id)
            .bind(status.map(RunStatus::as_str))
            .fetch_all(&db.pool)
            .await?,
    )
}

/// The Store as `user_id` sees it: their own stored runs and everyone's shared ones.
pub async fn list_stored(db: &Db, user_id: &str) -> AppResult<Vec<RunRow>> {
    let sql = format!(
        "{SELECT} WHERE r.stored_at IS NOT NULL AND (r.user_id = $1 OR r.visibility = 'shared') \
         ORDER BY r.stored_at DESC, r.id"
    );
    decode(
        sqlx::query_as::<_, StoredRun>(&sql)
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?,
    )
}

/// A change to a run's progress, applied only if the run is still at `expected_version`.
pub struct RunUpdate<'a> {
    pub answers: &'a Answers,
    pub current_step_id: Uuid,
    pub current_step_title: &'a str,
    pub completed: bool,
}

/// Writes the change and returns `(version, updated_at)`, or `None` when the run moved on
/// meanwhile (the caller retries or reports a conflict).
pub async fn update(
    db: &Db,
    id: Uuid,
    expected_version: i64,
    change: &RunUpdate<'_>,
) -> AppResult<Option<(i64, String)>> {
    update_on(&mut *db.write_conn().await?, id, expected_version, change).await
}

/// [`update`] on `conn` (a transaction that writes more with it).
pub async fn update_on(
    conn: &mut AnyConnection,
    id: Uuid,
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
    .bind(change.current_step_id.to_string())
    .bind(change.current_step_title)
    .bind(i64::from(change.completed))
    .bind(&now)
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    Ok((res.rows_affected() == 1).then_some((expected_version + 1, now)))
}

/// Names the run in the Store (or renames it / changes its visibility).
pub async fn set_stored(
    db: &Db,
    id: Uuid,
    name: Option<&str>,
    visibility: Visibility,
) -> AppResult<()> {
    let now = now_text();
    sqlx::query(
        "UPDATE wizard_runs SET stored_name = $1, visibility = $2, \
         stored_at = CASE WHEN $1 IS NULL THEN NULL ELSE COALESCE(stored_at, $3) END, \
         version = version + 1 WHERE id = $4",
    )
    .bind(name)
    .bind(visibility.as_str())
    .bind(&now)
    .bind(id.to_string())
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn delete(db: &Db, id: Uuid) -> AppResult<()> {
    sqlx::query("DELETE FROM wizard_runs WHERE id = $1")
        .bind(id.to_string())
        .execute(&db.pool)
        .await?;
    Ok(())
}
