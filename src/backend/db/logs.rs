//! The `action_execution_logs` table: one row per event run, action attempt and call, linked
//! by `parent_log_id`. An event's rows are written together when it ends ([`insert_many`],
//! in the transaction that saves the answers its actions set); an action slower than the
//! engine's threshold gets its rows written while it runs (`running`, finished later by
//! [`finish`]), so a crash mid-event still leaves a trace (`engine::logs`).

use sqlx::{AnyConnection, FromRow};
use uuid::Uuid;

use super::{Backend, Db};
use crate::backend::error::AppResult;
use crate::domain::event::ActionLog;

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

/// Columns of a row, in the order [`insert_many`] binds them.
const COLUMNS: usize = 15;

/// Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound parameters.
const ROWS_PER_INSERT: usize = 200;

/// Inserts `rows` (each as it is now: ended, or still running) with one statement per
/// [`ROWS_PER_INSERT`] rows, on `conn` (a transaction, so they land together).
pub async fn insert_many(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[ActionLog],
) -> AppResult<()> {
    let text = |v: &serde_json::Value| (!v.is_null()).then(|| v.to_string());
    // SQLite looks a numbered parameter (`$7`) up by name, in a list as long as the
    // statement's parameters, once per parameter: quadratic in a multi-row INSERT (it
    // showed in the profile, issue 15). Its anonymous `?` are bound in order instead.
    let anonymous = backend == Backend::Sqlite;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO action_execution_logs (id, run_id, parent_log_id, kind, event_id, \
             action_id, name, status, retry_attempt, started_at, input_data, completed_at, \
             duration_ms, output_data, error_message) VALUES ",
        );
        for i in 0..chunk.len() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for c in 1..=COLUMNS {
                if anonymous {
                    sql.push('?');
                } else {
                    sql.push_str(&format!("${}", i * COLUMNS + c));
                }
                sql.push_str(if c == COLUMNS { ")" } else { ", " });
            }
        }
        let mut query = sqlx::query(&sql);
        for log in chunk {
            query = query
                .bind(log.id.to_string())
                .bind(log.run_id.to_string())
                .bind(log.parent_log_id.map(|p| p.to_string()))
                .bind(log.kind.as_str())
                .bind(log.event_id.map(|p| p.to_string()))
                .bind(log.action_id.map(|p| p.to_string()))
                .bind(log.name.clone())
                .bind(log.status.as_str())
                .bind(i64::from(log.attempt))
                .bind(log.started_at.clone())
                .bind(text(&log.input))
                .bind(log.completed_at.clone())
                .bind(log.duration_ms)
                .bind(text(&log.output))
                .bind(log.error.clone());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts `rows` all or none, and returns once they are committed. Rows written on their
/// own (not with an answer save) go through the instance's [`LogQueue`] when it has one.
pub async fn insert_all(db: &Db, rows: Vec<ActionLog>) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match &db.logs {
        Some(queue) => queue.insert(db, rows).await,
        None => insert_alone(db, &rows).await,
    }
}

/// [`insert_all`] without the queue: one statement when the rows fit in one (atomic by
/// itself, so no BEGIN and COMMIT round trips), else one transaction.
async fn insert_alone(db: &Db, rows: &[ActionLog]) -> AppResult<()> {
    if rows.len() <= ROWS_PER_INSERT {
        return insert_many(&mut *db.write_conn().await?, db.backend, rows).await;
    }
    let mut tx = db.begin_write().await?;
    insert_many(&mut tx, db.backend, rows).await?;
    tx.commit().await?;
    Ok(())
}

/// Group commit of log rows (issue 15): the rows of executions ending at about the same
/// time are inserted by one statement in one commit, instead of one statement, one commit
/// and one round trip to the database each. Every caller still waits for its own rows'
/// commit, so an acknowledged event's rows are durable. When a group fails, each caller's
/// rows are tried alone: one bad row (its run deleted meanwhile) costs no other execution
/// its trace.
#[derive(Debug, Clone)]
pub struct LogQueue(tokio::sync::mpsc::Sender<Queued>);

#[derive(Debug)]
struct Queued {
    rows: Vec<ActionLog>,
    done: tokio::sync::oneshot::Sender<AppResult<()>>,
}

/// Executions waiting to be written at most; beyond it callers wait to queue.
const QUEUE_CAPACITY: usize = 1024;

impl LogQueue {
    /// Starts the writer task on `db` (which must have no queue itself). The task ends when
    /// the last handle of the queue goes.
    pub(super) fn start(db: Db) -> Self {
        let (sender, receiver) = tokio::sync::mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(write_groups(db, receiver));
        Self(sender)
    }

    async fn insert(&self, db: &Db, rows: Vec<ActionLog>) -> AppResult<()> {
        let (done, outcome) = tokio::sync::oneshot::channel();
        match self.0.send(Queued { rows, done }).await {
            Ok(()) => outcome.await.unwrap_or_else(|_| {
                Err(crate::backend::error::AppError::Internal(
                    "the log writer stopped".into(),
                ))
            }),
            // No writer (the runtime is shutting down): write them here.
            Err(tokio::sync::mpsc::error::SendError(queued)) => {
                insert_alone(db, &queued.rows).await
            }
        }
    }
}

async fn write_groups(db: Db, mut receiver: tokio::sync::mpsc::Receiver<Queued>) {
    while let Some(first) = receiver.recv().await {
        let Queued { mut rows, done } = first;
        // Each caller's share of `rows`, in order.
        let mut callers = vec![(rows.len(), done)];
        while rows.len() < ROWS_PER_INSERT {
            match receiver.try_recv() {
                Ok(next) => {
                    callers.push((next.rows.len(), next.done));
                    rows.extend(next.rows);
                }
                Err(_) => break,
            }
        }
        match insert_alone(&db, &rows).await {
            Ok(()) => {
                for (_, done) in callers {
                    let _ = done.send(Ok(()));
                }
                continue;
            }
            // One caller: its rows just failed alone, so trying them again would only
            // fail again.
            Err(e) if callers.len() == 1 => {
                if let Some((_, done)) = callers.pop() {
                    let _ = done.send(Err(e));
                }
                continue;
            }
            Err(e) => {
                tracing::debug!(error = %e, executions = callers.len(), "a group of log rows failed; writing each alone");
            }
        }
        let mut rest = rows.as_slice();
        for (count, done) in callers {
            let (own, after) = rest.split_at_checked(count).unwrap_or((rest, &[]));
            rest = after;
            let _ = done.send(insert_alone(&db, own).await);
        }
    }
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
    .execute(&mut *db.write_conn().await?)
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
