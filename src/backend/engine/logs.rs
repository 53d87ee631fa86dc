//! Execution logs: one row per event run, action attempt and call, linked by
//! `parent_log_id` into a trace tree; inputs redacted, outputs truncated.
//!
//! Writing a log row never fails an event: a database hiccup while logging is reported
//! through `tracing` and execution goes on, because the runner's answers matter more than
//! the trace.
//!
//! An execution's rows are kept in memory and written together when it ends, in the
//! transaction that saves the answers its actions set ([`Logger::close`]): one write per
//! event instead of one per row start and end (issue 15). An action that runs longer than
//! `EngineSettings::trace_after` gets the rows so far written at once ([`Logger::watch`]),
//! so a crash mid-event still leaves a `running` trace of where it was.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::logs::{self as repo, LogEnd, LogRow};
use crate::backend::db::{self, now_text};
use crate::backend::error::{ActionError, AppError, AppResult};
use crate::backend::state::AppState;
use crate::domain::event::{ActionLog, LogKind, LogStatus};

/// Key fragments that mark a secret (case-insensitive, anywhere in an object key).
const SECRET_KEYS: &[&str] = &[
    "authorization",
    "password",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "cookie",
];

fn is_secret_key(key: &str) -> bool {
    // Without a lowercased copy of every key logged (issue 15).
    let key = key.as_bytes();
    SECRET_KEYS.iter().any(|s| {
        key.windows(s.len())
            .any(|w| w.eq_ignore_ascii_case(s.as_bytes()))
    })
}

/// A copy of `value` with the value of every secret-looking object key replaced by `"***"`
/// (at any depth), so a resolved configuration can be logged.
pub fn redact(value: &Value) -> Value {
    // Most values hold no secret: a plain copy is cheaper than rebuilding every map.
    if !has_secret(value) {
        return value.clone();
    }
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) {
                        Value::String("***".into())
                    } else {
                        redact(v)
                    };
                    (k.clone(), v)
                })
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        other => other.clone(),
    }
}

/// Whether `value` has a secret-looking object key at any depth.
fn has_secret(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| is_secret_key(k) || has_secret(v)),
        Value::Array(items) => items.iter().any(has_secret),
        _ => false,
    }
}

/// `value` if its JSON fits in `max_bytes`, else `{"truncated": true, "preview": "<the
/// first max_bytes of its JSON>"}` — still valid JSON, so readers never choke on a cut.
pub fn truncate(value: &Value, max_bytes: usize) -> Value {
    truncated(value.clone(), max_bytes)
}

/// [`truncate`] of a value the caller owns: kept as it is when it fits.
fn truncated(value: Value, max_bytes: usize) -> Value {
    if fits(&value, max_bytes) {
        value
    } else {
        preview(&value, max_bytes)
    }
}

/// Whether `value`'s JSON is at most `max_bytes` long, found without building the text.
fn fits(value: &Value, max_bytes: usize) -> bool {
    /// Takes bytes until its budget runs out, then refuses, which ends the serialization.
    struct Budget(usize);
    impl std::io::Write for Budget {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 = self
                .0
                .checked_sub(bytes.len())
                .ok_or(std::io::ErrorKind::WriteZero)?;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Budget(max_bytes), value).is_ok()
}

/// The truncated form of `value`, whose JSON is longer than `max_bytes`.
fn preview(value: &Value, max_bytes: usize) -> Value {
    let text = value.to_string();
    let mut end = max_bytes.min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    json!({"truncated": true, "preview": &text[..end]})
}

/// Writes the log rows of one run: to the database, to memory (a library action's test
/// run returns its tree and stores nothing), or nowhere (an action's test in the builder).
#[derive(Clone)]
pub struct Logger {
    app: AppState,
    run_id: Uuid,
    sink: Sink,
}

/// Rows an in-memory logger keeps (a script may call in a loop until its time is up).
const MAX_MEMORY_ROWS: usize = 1000;

#[derive(Clone)]
enum Sink {
    Off,
    Db(Arc<Mutex<Journal>>),
    Memory(Arc<Mutex<Vec<ActionLog>>>),
}

/// The rows of one execution on their way to the database.
struct Journal {
    db: db::Db,
    /// Not written yet, as they are now (ended or still running).
    pending: Vec<ActionLog>,
    /// Written while still running: ending one updates its row.
    running: HashSet<Uuid>,
}

/// Rows still pending when the execution's last handle goes (work dropped after the final
/// write, or an execution cut short) are written on their own, so none is lost.
impl Drop for Journal {
    fn drop(&mut self) {
        let rows = std::mem::take(&mut self.pending);
        if rows.is_empty() {
            return;
        }
        let db = self.db.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { write_or_warn(&db, rows).await });
        }
    }
}

/// Writes `rows` for work that has no caller left to tell (rows written while an action
/// runs, or after the final write): a failure is logged.
async fn write_or_warn(db: &db::Db, rows: Vec<ActionLog>) {
    let Some(first) = rows.first() else {
        return;
    };
    let (run_id, count) = (first.run_id, rows.len());
    if let Err(e) = repo::insert_all(db, rows).await {
        tracing::warn!(error = %e, %run_id, rows = count, "writing execution log rows");
    }
}

/// A row that has started: finish it with [`Logger::finish`].
#[derive(Debug, Clone, Copy)]
pub struct LogHandle {
    pub id: Uuid,
    started: Instant,
}

/// A row written once, when its work ends, in one insert instead of an insert and an update
/// (issue 14, performance: a library level and an outbound call each cost one write). Its
/// id is fixed up front, so children written meanwhile can name it; the tree is built from
/// parent ids whatever the order (`nest`), and rows sort by their start time. If the work is
/// dropped unfinished (an action's time ran out), the row is still written, as stopped, so
/// the Activity tree shows where the time went.
pub struct Deferred {
    pub id: Uuid,
    logger: Logger,
    started: Instant,
    /// Taken when the row is written.
    parts: Option<DeferredParts>,
}

struct DeferredParts {
    started_at: String,
    parent: Option<Uuid>,
    kind: LogKind,
    name: String,
    /// Already redacted and truncated.
    input: Option<Value>,
}

/// The error of a deferred row whose work was dropped before it ended.
const STOPPED: &str = "stopped before it ended: the action's time ran out or the run was cancelled";

impl Deferred {
    /// Writes the row, ended with `status`. The write runs as its own task, so it completes
    /// even if the caller is dropped while waiting for it (its action's time running out
    /// just then).
    pub fn end(mut self, status: LogStatus, output: Option<&Value>, error: Option<&str>) {
        if let Some(parts) = self.parts.take() {
            let ms = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX);
            let output = output.map(|v| self.logger.kept(v));
            self.logger
                .write_whole(self.id, parts, ms, status, output, error);
        }
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        if let Some(parts) = self.parts.take() {
            let ms = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX);
            self.logger
                .write_whole(self.id, parts, ms, LogStatus::Error, None, Some(STOPPED));
        }
    }
}

/// What a row records when it starts.
pub struct LogStart<'a> {
    pub parent: Option<Uuid>,
    pub kind: LogKind,
    pub event_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub name: &'a str,
    pub attempt: u32,
    /// Redacted here; truncated like outputs.
    pub input: Option<&'a Value>,
}

impl Logger {
    pub fn new(app: AppState, run_id: Uuid, enabled: bool) -> Self {
        let sink = if enabled {
            Sink::Db(Arc::new(Mutex::new(Journal {
                db: app.db.clone(),
                pending: Vec::new(),
                running: HashSet::new(),
            })))
        } else {
            Sink::Off
        };
        Self { app, run_id, sink }
    }

    /// A logger that keeps its rows in memory, for [`Logger::trees`].
    pub fn in_memory(app: AppState) -> Self {
        Self {
            app,
            run_id: Uuid::nil(),
            sink: Sink::Memory(Arc::default()),
        }
    }

    /// Whether rows are kept (not for a test of an action in the builder).
    pub fn enabled(&self) -> bool {
        !matches!(self.sink, Sink::Off)
    }

    /// The rows kept in memory, as trees (empty for the other sinks).
    pub fn trees(&self) -> Vec<ActionLog> {
        match &self.sink {
            Sink::Memory(rows) => nest(lock(rows).clone()),
            _ => Vec::new(),
        }
    }

    /// Inserts a `running` row (or a `skipped` one with `status`).
    pub async fn start(&self, start: &LogStart<'_>) -> LogHandle {
        self.start_with(start, LogStatus::Running).await
    }

    pub async fn start_with(&self, start: &LogStart<'_>, status: LogStatus) -> LogHandle {
        let handle = LogHandle {
            id: Uuid::now_v7(),
            started: Instant::now(),
        };
        if self.enabled() {
            self.put(ActionLog {
                id: handle.id,
                run_id: self.run_id,
                parent_log_id: start.parent,
                kind: start.kind,
                event_id: start.event_id,
                action_id: start.action_id,
                name: start.name.to_owned(),
                status,
                attempt: start.attempt,
                started_at: now_text(),
                completed_at: None,
                duration_ms: None,
                input: start.input.map(|v| self.kept(v)).unwrap_or(Value::Null),
                output: Value::Null,
                error: None,
                children: Vec::new(),
            });
        }
        handle
    }

    /// Keeps one row as it is (input and output already redacted and truncated): in memory,
    /// or in the journal until the execution's rows are written.
    fn put(&self, log: ActionLog) {
        match &self.sink {
            Sink::Off => {}
            Sink::Memory(rows) => {
                let mut rows = lock(rows);
                if rows.len() < MAX_MEMORY_ROWS {
                    rows.push(log);
                }
            }
            Sink::Db(journal) => lock(journal).pending.push(log),
        }
    }

    /// Runs `work` (an action attempt); if it is still running after the engine's
    /// `trace_after`, the execution's rows so far are written meanwhile, so a crash while it
    /// runs leaves them (as `running` where they have not ended).
    pub async fn watch<F: Future>(&self, work: F) -> F::Output {
        if !matches!(self.sink, Sink::Db(_)) {
            return work.await;
        }
        let mut work = std::pin::pin!(work);
        tokio::select! {
            out = &mut work => out,
            () = tokio::time::sleep(self.app.engine.trace_after) => {
                let (out, ()) = tokio::join!(work, self.flush());
                out
            }
        }
    }

    /// The rows not written yet, taken for the execution's final write (which stores them
    /// with the answers its actions set); rows kept after this are written when the last
    /// handle of this logger goes.
    pub fn close(&self) -> Vec<ActionLog> {
        match &self.sink {
            Sink::Db(journal) => take_pending(&mut lock(journal)),
            _ => Vec::new(),
        }
    }

    /// Writes the rows not written yet, all or none ([`repo::insert_all`]).
    async fn flush(&self) {
        if let Sink::Db(journal) = &self.sink {
            let rows = take_pending(&mut lock(journal));
            write_or_warn(&self.app.db, rows).await;
        }
    }

    /// Writes `rows` together (nothing when there are none); they are committed when this
    /// returns `Ok`.
    pub async fn write(&self, rows: Vec<ActionLog>) -> AppResult<()> {
        repo::insert_all(&self.app.db, rows).await
    }

    /// A row of `kind` named `name` under `parent`, written whole when it ends
    /// ([`Deferred::end`]).
    pub fn defer(
        &self,
        parent: Option<Uuid>,
        kind: LogKind,
        name: &str,
        input: Option<&Value>,
    ) -> Deferred {
        let keep = !matches!(self.sink, Sink::Off);
        Deferred {
            id: Uuid::now_v7(),
            logger: self.clone(),
            started: Instant::now(),
            parts: keep.then(|| DeferredParts {
                started_at: now_text(),
                parent,
                kind,
                name: name.to_owned(),
                input: input.map(|v| self.kept(v)),
            }),
        }
    }

    fn write_whole(
        &self,
        id: Uuid,
        parts: DeferredParts,
        duration_ms: i64,
        status: LogStatus,
        // Already redacted and truncated.
        output: Option<Value>,
        error: Option<&str>,
    ) {
        self.put(ActionLog {
            id,
            run_id: self.run_id,
            parent_log_id: parts.parent,
            kind: parts.kind,
            event_id: None,
            action_id: None,
            name: parts.name,
            status,
            attempt: 0,
            started_at: parts.started_at,
            completed_at: Some(now_text()),
            duration_ms: Some(duration_ms),
            input: parts.input.unwrap_or(Value::Null),
            output: output.unwrap_or(Value::Null),
            error: error.map(str::to_owned),
            children: Vec::new(),
        });
    }

    /// Ends a row: status, duration, output (redacted, truncated) and error.
    pub async fn finish(
        &self,
        handle: LogHandle,
        status: LogStatus,
        output: Option<&Value>,
        error: Option<&str>,
    ) {
        // Outputs are redacted too: an upstream may echo a credential back (`{"token": …}`).
        let duration_ms = i64::try_from(handle.started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let end_row = |rows: &mut Vec<ActionLog>| match rows.iter_mut().find(|r| r.id == handle.id)
        {
            Some(row) => {
                row.status = status;
                row.completed_at = Some(now_text());
                row.duration_ms = Some(duration_ms);
                row.output = output.map(|v| self.kept(v)).unwrap_or(Value::Null);
                row.error = error.map(str::to_owned);
                true
            }
            None => false,
        };
        let output = match &self.sink {
            Sink::Off => return,
            Sink::Memory(rows) => {
                end_row(&mut lock(rows));
                return;
            }
            Sink::Db(journal) => {
                let mut j = lock(journal);
                if end_row(&mut j.pending) || !j.running.remove(&handle.id) {
                    return;
                }
                output.map(|v| self.kept(v).to_string())
            }
        };
        let end = LogEnd {
            status: status.as_str(),
            completed_at: &now_text(),
            duration_ms,
            output_data: output.as_deref(),
            error_message: error,
        };
        if let Err(e) = repo::finish(&self.app.db, handle.id, &end).await {
            tracing::warn!(error = %e, run_id = %self.run_id, "finishing an execution log row");
        }
    }
}

impl Logger {
    /// Runs `call` under a `call` row named `name` beneath `parent` (what a script or a
    /// library action reaches: an HTTP request, an MCP tool), finished with its output or
    /// its error.
    pub async fn call(
        &self,
        parent: Uuid,
        name: &str,
        input: &Value,
        call: impl Future<Output = Result<Value, ActionError>>,
    ) -> Result<Value, ActionError> {
        let row = self.defer(Some(parent), LogKind::Call, name, Some(input));
        let result = call.await;
        match &result {
            Ok(v) => row.end(LogStatus::Success, Some(v), None),
            Err(e) => row.end(LogStatus::Error, None, Some(&e.to_string())),
        }
        result
    }

    /// What a row keeps of an input or output: secrets redacted, size capped.
    fn kept(&self, v: &Value) -> Value {
        truncated(redact(v), self.app.engine.log_truncate_bytes)
    }
}

/// The journal's pending rows, noting which of them are still running.
fn take_pending(j: &mut Journal) -> Vec<ActionLog> {
    let rows = std::mem::take(&mut j.pending);
    j.running.extend(
        rows.iter()
            .filter(|r| r.completed_at.is_none())
            .map(|r| r.id),
    );
    rows
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ---- reading ---------------------------------------------------------------------------

fn parse_json(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

fn opt_uuid(v: Option<&str>, column: &str) -> AppResult<Option<Uuid>> {
    v.map(|s| db::parse_column(s, column)).transpose()
}

fn to_log(row: &LogRow) -> AppResult<ActionLog> {
    Ok(ActionLog {
        id: row.id,
        run_id: row.run_id,
        parent_log_id: opt_uuid(row.parent_log_id.as_deref(), "parent_log_id")?,
        kind: db::parse_column(&row.kind, "action_execution_logs.kind")?,
        event_id: opt_uuid(row.event_id.as_deref(), "event_id")?,
        action_id: opt_uuid(row.action_id.as_deref(), "action_id")?,
        name: row.name.clone(),
        status: db::parse_column(&row.status, "action_execution_logs.status")?,
        attempt: u32::try_from(row.retry_attempt).unwrap_or_default(),
        started_at: row.started_at.clone(),
        completed_at: row.completed_at.clone(),
        duration_ms: row.duration_ms,
        input: parse_json(row.input_data.as_deref()),
        output: parse_json(row.output_data.as_deref()),
        error: row.error_message.clone(),
        children: Vec::new(),
    })
}

/// Builds the trees: rows in start order, children nested under their parent. A row whose
/// parent is missing (should not happen) becomes a root rather than vanishing.
fn build_trees(rows: &[LogRow]) -> AppResult<Vec<ActionLog>> {
    Ok(nest(
        rows.iter().map(to_log).collect::<AppResult<Vec<_>>>()?,
    ))
}

fn nest(logs: Vec<ActionLog>) -> Vec<ActionLog> {
    let ids: std::collections::HashSet<Uuid> = logs.iter().map(|l| l.id).collect();
    let mut children: HashMap<Uuid, Vec<ActionLog>> = HashMap::new();
    let mut roots = Vec::new();
    for log in logs {
        match log.parent_log_id.filter(|p| ids.contains(p)) {
            Some(p) => children.entry(p).or_default().push(log),
            None => roots.push(log),
        }
    }
    fn attach(mut node: ActionLog, children: &mut HashMap<Uuid, Vec<ActionLog>>) -> ActionLog {
        let kids = children.remove(&node.id).unwrap_or_default();
        node.children = kids.into_iter().map(|k| attach(k, children)).collect();
        node
    }
    roots
        .into_iter()
        .map(|r| attach(r, &mut children))
        .collect()
}

/// `GET /wizard-runs/{run_id}/action-logs`: the trace trees of a run (roots are events).
///
/// What a runner sees of the actions (issue 10 §1): names, statuses, attempts, timings and
/// error messages. Inputs and raw outputs (a request's URL and headers, a response's body,
/// a script's arguments) are the wizard's internals and go only to its owner, who testing
/// their own wizard is also its runner; what a wizard shows its runners is what its
/// effects and rendered results show.
pub async fn run_logs(
    app: &AppState,
    actor: &CurrentUser,
    run_id: Uuid,
) -> AppResult<Vec<ActionLog>> {
    let run = crate::backend::run_store::own(app, actor, run_id).await?;
    let rows = repo::list_by_run(&app.db, run.id).await?;
    let mut trees = build_trees(&rows)?;
    let owns_wizard = db::wizards::get(&app.db, run.wizard_id)
        .await?
        .is_some_and(|w| w.owner_id.as_deref() == Some(actor.user.id.as_str()));
    if !owns_wizard {
        trees.iter_mut().for_each(without_internals);
    }
    Ok(trees)
}

/// A log tree as a runner who does not own the wizard sees it.
fn without_internals(log: &mut ActionLog) {
    log.input = Value::Null;
    log.output = Value::Null;
    log.children.iter_mut().for_each(without_internals);
}

/// `GET /wizard-runs/{run_id}/action-logs/{log_id}`: one row with its subtree.
pub async fn run_log(
    app: &AppState,
    actor: &CurrentUser,
    run_id: Uuid,
    log_id: Uuid,
) -> AppResult<ActionLog> {
    let not_found = || AppError::NotFound(format!("no execution log with id {log_id}"));
    fn find(nodes: Vec<ActionLog>, id: Uuid) -> Option<ActionLog> {
        for n in nodes {
            if n.id == id {
                return Some(n);
            }
            if let Some(found) = find(n.children, id) {
                return Some(found);
            }
        }
        None
    }
    find(run_logs(app, actor, run_id).await?, log_id).ok_or_else(not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let v = json!({"headers": {"Authorization": "Bearer x", "X-Api-Key": "k", "Accept": "a"},
                       "query": {"access_token": "t"}, "list": [{"password": "p"}], "url": "u"});
        let r = redact(&v);
        assert_eq!(r["headers"]["Authorization"], "***");
        assert_eq!(r["headers"]["X-Api-Key"], "***");
        assert_eq!(r["headers"]["Accept"], "a");
        assert_eq!(r["query"]["access_token"], "***");
        assert_eq!(r["list"][0]["password"], "***");
        assert_eq!(r["url"], "u");
    }

    #[test]
    fn truncation_keeps_valid_json() {
        let small = json!({"a": 1});
        assert_eq!(truncate(&small, 100), small);
        let exact = small.to_string().len();
        assert_eq!(truncate(&small, exact), small);
        assert_eq!(truncate(&small, exact - 1)["truncated"], true);
        let big = json!({"text": "é".repeat(100)});
        let t = truncate(&big, 21);
        assert_eq!(t["truncated"], true);
        assert!(t["preview"].as_str().is_some_and(|p| p.len() <= 21));
    }
}
