//! A run's storage rules, shared by the runs service and the action engine: who may read
//! or write a run, and the one durable merge of answer writes (the runner's saves and the
//! answers actions set). Both callers sit above this module, so the engine never calls
//! back into `runs` (ARCHITECTURE.md, "No cycles").
//!
//! Every write of a run goes through this module ([`update`], [`set_stored`], [`delete`],
//! the merges below), which drops the run's cached row once the write is committed: the
//! execute-event path reads runs through that cache ([`own_recent`], issue 15).

use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db;
use crate::backend::db::runs::{self as repo, RunRow, RunUpdate};
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::domain::condition::Answers;
use crate::domain::event::ActionLog;
use crate::domain::problem::FieldError;
use crate::domain::run::*;
use crate::domain::{Field, Wizard};

/// Most answers one save may carry.
const MAX_ANSWERS_PER_SAVE: usize = 500;

/// Attempts to merge answers when another save of the same run lands in between. Saves
/// on one instance take turns (`App::run_gates`), so only writers on other instances
/// sharing the database race; each retry waits a little longer, with jitter.
const MERGE_ATTEMPTS: u32 = 12;

/// Waits before merge attempt `attempt` + 1: a few milliseconds, growing, jittered so
/// racing instances do not retry in lockstep.
async fn merge_backoff(attempt: u32) {
    let ms = rand::random_range(1..=5) * u64::from(attempt + 1);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// The one implementation of an answer save, shared by `runs::save_answers` and the engine
/// (`execute-event` saves the runner's answers first with exactly these rules).
///
/// `loaded` is the run as the caller just read it (the caller's own, in progress): the
/// first attempt merges into it instead of reading it again. A save that changes nothing
/// writes nothing (issue 15: every statement is a round trip to the database).
pub(crate) async fn save_incoming(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    incoming: &Answers,
    mut loaded: Option<RunRow>,
) -> AppResult<RunState> {
    if incoming.len() > MAX_ANSWERS_PER_SAVE {
        return Err(AppError::field(
            "answers",
            format!("at most {MAX_ANSWERS_PER_SAVE} answers per save"),
        ));
    }
    let _turn = app.run_gates.turn(id).await;
    for attempt in 0..MERGE_ATTEMPTS {
        let run = match loaded.take() {
            Some(run) => run,
            None => editable(app, actor, id).await?,
        };
        let definition = app.versions.get(&app.db, run.version_id).await?;
        let stored = run.answers()?;
        let mut answers = stored.clone();
        let mut errors = Vec::new();
        for (key, value) in incoming {
            let path = format!("answers.{key}");
            match accept_answer(app, &run, &definition, &answers, key, value).await {
                Ok(Some(v)) => {
                    answers.insert(key.clone(), v);
                }
                Ok(None) => {
                    answers.remove(key);
                }
                Err(message) => errors.push(FieldError::new(path, message)),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if answers == stored {
            return Ok(state(
                &run,
                answers,
                run.current_step_id,
                RunStatus::InProgress,
                run.version,
                run.updated_at.clone(),
            ));
        }
        let change = RunUpdate {
            answers: &answers,
            current_step_id: run.current_step_id,
            current_step_title: &run.current_step_title,
            completed: false,
        };
        if let Some((version, updated_at)) = update(app, run.id, run.version, &change).await? {
            return Ok(state(
                &run,
                answers,
                run.current_step_id,
                RunStatus::InProgress,
                version,
                updated_at,
            ));
        }
        tracing::debug!(run_id = %run.id, attempt, "answer save raced another; merging again");
        merge_backoff(attempt).await;
    }
    Err(AppError::stale_version("run"))
}

/// Writes answers that actions set (`null` clears one), already checked by the engine, and
/// the execution's log rows `logs`, in one transaction: both land or neither (issue 15).
/// Retries like a save when another write of the run lands in between. A completed run is
/// left as it is (its answers are final), its logs are written alone, and `None` comes back.
pub(crate) async fn apply_action_answers(
    app: &AppState,
    id: Uuid,
    changes: &serde_json::Map<String, serde_json::Value>,
    logs: &[ActionLog],
) -> AppResult<Option<Answers>> {
    let _turn = app.run_gates.turn(id).await;
    for attempt in 0..MERGE_ATTEMPTS {
        let run = load(app, id).await?;
        if run.status == RunStatus::Completed {
            db::logs::insert_all(&app.db, logs.to_vec()).await?;
            return Ok(None);
        }
        let mut answers = run.answers()?;
        for (key, value) in changes {
            if value.is_null() {
                answers.remove(key);
            } else {
                answers.insert(key.clone(), value.clone());
            }
        }
        let change = RunUpdate {
            answers: &answers,
            current_step_id: run.current_step_id,
            current_step_title: &run.current_step_title,
            completed: false,
        };
        let mut tx = app.db.begin_write().await?;
        if repo::update_on(&mut tx, run.id, run.version, &change)
            .await?
            .is_some()
        {
            db::logs::insert_many(&mut tx, app.db.backend, logs).await?;
            tx.commit().await?;
            forget(app, run.id);
            return Ok(Some(answers));
        }
        drop(tx);
        forget(app, run.id);
        tracing::debug!(run_id = %run.id, attempt, "action answers raced a save; merging again");
        merge_backoff(attempt).await;
    }
    Err(AppError::stale_version("run"))
}

/// Checks one incoming answer; `Ok(None)` clears it. Rich text is sanitised and file
/// references are replaced by what the server stored, so nothing the client claims about
/// a file (name, size, type) is trusted.
async fn accept_answer(
    app: &AppState,
    run: &RunRow,
    definition: &Wizard,
    answers: &Answers,
    key: &str,
    value: &serde_json::Value,
) -> Result<Option<serde_json::Value>, String> {
    let step = definition
        .steps
        .iter()
        .find(|s| s.option_sets.iter().any(|os| os.key == key))
        .ok_or_else(|| "this wizard has no such field".to_owned())?;
    let os = definition
        .option_set(key)
        .ok_or_else(|| "this wizard has no such field".to_owned())?;
    if !step.is_visible(answers) {
        return Err("this field is on a step that is skipped".into());
    }
    if !os.is_visible(answers) {
        return Err("this field is hidden".into());
    }
    if os.is_disabled(answers) {
        return Err("this field is disabled".into());
    }
    if value.is_null() {
        return Ok(None);
    }
    os.field.check_draft_answer(value)?;
    if os.field.has_dynamic_options() {
        check_dynamic_choice(app, run, os, value).await?;
    }
    if let Field::DynamicTable(t) = &os.field {
        check_table_pick(app, run, key, t, value).await?;
    }
    match &os.field {
        Field::RichText(_) => {
            let html = value.as_str().unwrap_or_default();
            Ok(Some(serde_json::Value::String(ammonia::clean(html))))
        }
        Field::FileUpload(_) => {
            let refs: Vec<FileRef> = serde_json::from_value(value.clone())
                .map_err(|e| format!("must be a list of uploaded files: {e}"))?;
            let mut stored = Vec::with_capacity(refs.len());
            for r in refs {
                let file = db::files::get(&app.db, r.id)
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "reading file metadata");
                        "the file could not be checked; try again".to_owned()
                    })?
                    .filter(|f| f.run_id == run.id && f.field_key == key)
                    .ok_or_else(|| format!("file {} was not uploaded to this field", r.id))?;
                stored.push(FileRef {
                    id: r.id,
                    name: file.name,
                    content_type: file.content_type,
                    size: u64::try_from(file.size).unwrap_or_default(),
                });
            }
            serde_json::to_value(stored)
                .map(Some)
                .map_err(|e| e.to_string())
        }
        _ => Ok(Some(value.clone())),
    }
}

/// A select whose options an action replaced in this run takes only those options (unless
/// it allows other values); before any action filled it, any value of the right kind.
/// A `dynamic_table` answer must pick rows the table holds in this run: the latest rows an
/// action rendered into it (`run_renders`), by the field's `value_path`.
async fn check_table_pick(
    app: &AppState,
    run: &RunRow,
    key: &str,
    settings: &crate::domain::DynamicTableSettings,
    value: &serde_json::Value,
) -> Result<(), String> {
    use crate::domain::render::{DataPath, Renderer, table};
    if settings.selection.is_none() {
        return table::check_pick(settings.selection, value, &[]);
    }
    let path: DataPath = settings
        .value_path
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e| format!("the table's value_path is unusable: {e}"))?;
    let render = db::renders::get(&app.db, run.id, key)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "reading a run's table rows");
            "the rows could not be checked; try again".to_owned()
        })?
        .ok_or_else(|| "this table has no rows yet in this run".to_owned())?;
    let rows = match render.typed() {
        Ok(Renderer::Table(c)) => table::row_values(&render.data, &c, &path),
        _ => return Err("this field's rows are not shown as a table".into()),
    };
    table::check_pick(settings.selection, value, &rows)
}

async fn check_dynamic_choice(
    app: &AppState,
    run: &RunRow,
    os: &crate::domain::OptionSet,
    value: &serde_json::Value,
) -> Result<(), String> {
    let allow_other = match &os.field {
        Field::SingleSelect(s) => s.allow_other,
        Field::MultipleSelect(s) => s.allow_other,
        _ => true,
    };
    if allow_other {
        return Ok(());
    }
    let stored = db::dynamic_options::get(&app.db, run.id, os.key.as_str())
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "reading a run's dynamic options");
            "the options could not be checked; try again".to_owned()
        })?;
    let Some(stored) = stored else {
        return Ok(());
    };
    let options: Vec<crate::domain::WizardOption> = serde_json::from_str(&stored).map_err(|e| {
        tracing::error!(error = %e, run_id = %run.id, "unreadable dynamic options");
        "the options could not be checked; try again".to_owned()
    })?;
    let chosen: Vec<&str> = match value {
        serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect(),
        other => other.as_str().into_iter().collect(),
    };
    match chosen
        .iter()
        .find(|c| !options.iter().any(|o| o.value == **c))
    {
        Some(c) => Err(format!("`{c}` is not one of the options")),
        None => Ok(()),
    }
}

fn not_found(id: Uuid) -> AppError {
    AppError::NotFound(format!("no run with id {id}"))
}

pub(crate) async fn load(app: &AppState, id: Uuid) -> AppResult<RunRow> {
    repo::get(&app.db, id).await?.ok_or_else(|| not_found(id))
}

/// The caller's own run as read at most a few seconds ago, for execute-event (issue 15:
/// one database round trip per event). Every write of the run on this instance drops the
/// cached row once committed ([`forget`]), so an event sees what any earlier, finished
/// request wrote. A stale row cannot be written back: answer saves are conditional on the
/// row's `version` and merge again from the database when it moved on.
pub(crate) async fn own_recent(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunRow> {
    let run = app.run_rows.get_or_load(id, load(app, id)).await?;
    owned_by(actor, run)
}

/// After a write of run `id` committed (or found the row moved on): reads go to the
/// database again.
fn forget(app: &AppState, id: Uuid) {
    app.run_rows.remove(&id);
}

/// [`repo::update`], then [`forget`].
pub(crate) async fn update(
    app: &AppState,
    id: Uuid,
    expected_version: i64,
    change: &RunUpdate<'_>,
) -> AppResult<Option<(i64, String)>> {
    let written = repo::update(&app.db, id, expected_version, change).await;
    forget(app, id);
    written
}

/// [`repo::set_stored`], then [`forget`].
pub(crate) async fn set_stored(
    app: &AppState,
    id: Uuid,
    name: Option<&str>,
    visibility: Visibility,
) -> AppResult<()> {
    let written = repo::set_stored(&app.db, id, name, visibility).await;
    forget(app, id);
    written
}

/// [`repo::delete`], then [`forget`].
pub(crate) async fn delete(app: &AppState, id: Uuid) -> AppResult<()> {
    let written = repo::delete(&app.db, id).await;
    forget(app, id);
    written
}

/// The caller's own run; anyone else's is "not found".
pub(crate) async fn own(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunRow> {
    owned_by(actor, load(app, id).await?)
}

/// `run` if it is `actor`'s; anyone else's is "not found".
fn owned_by(actor: &CurrentUser, run: RunRow) -> AppResult<RunRow> {
    if run.user_id == actor.user.id {
        Ok(run)
    } else {
        Err(not_found(run.id))
    }
}

/// Own runs, and runs shared in the Store.
pub(crate) async fn readable(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunRow> {
    let run = load(app, id).await?;
    if run.user_id == actor.user.id || is_shared(&run) {
        Ok(run)
    } else {
        Err(not_found(id))
    }
}

/// Own runs still in progress: a completed run is read-only.
pub(crate) async fn editable(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunRow> {
    let run = own(app, actor, id).await?;
    if run.status == RunStatus::Completed {
        return Err(AppError::conflict_on(
            "status",
            "this run is completed and read-only",
        ));
    }
    Ok(run)
}

fn is_shared(run: &RunRow) -> bool {
    run.stored_at.is_some() && run.visibility == Visibility::Shared
}

pub(crate) fn state(
    run: &RunRow,
    answers: Answers,
    step: Uuid,
    status: RunStatus,
    version: i64,
    updated_at: String,
) -> RunState {
    RunState {
        id: run.id,
        status,
        current_step_id: step,
        answers,
        updated_at,
        version,
    }
}
