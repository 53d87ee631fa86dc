//! Player, My Runs and Store use-cases. The server is the authority: every saved answer,
//! move and completion is re-checked with the same core code the browser runs, against
//! the run's pinned version (never a definition sent by the client).

use std::sync::Arc;

use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::condition::Answers;
use crate::db::runs::{self as repo, NewRun, RunRow, RunUpdate};
use crate::db::{self, wizards as wizard_repo};
use crate::domain::run::*;
use crate::domain::{Field, Wizard};
use crate::error::{AppError, AppResult};
use crate::problem::FieldError;
use crate::state::{App, AppState};

/// Longest Store name, in characters.
pub const MAX_STORED_NAME_LEN: usize = 120;
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

pub async fn start(app: &App, actor: &CurrentUser, req: &StartRunRequest) -> AppResult<RunView> {
    let wizard_id = req.wizard_id.to_string();
    let not_found = || AppError::NotFound(format!("no published wizard with id {wizard_id}"));
    let row = wizard_repo::get(&app.db, &wizard_id)
        .await?
        .ok_or_else(not_found)?;
    let number = row.live_version.ok_or_else(not_found)?;
    let version = wizard_repo::version(&app.db, &row.id, number)
        .await?
        .ok_or_else(not_found)?;
    let definition = app.versions.insert(&version)?;

    let mut answers = Answers::new();
    if let Some(from) = req.from_run_id {
        let source = readable(app, actor, &from.to_string()).await?;
        answers = prefill(&definition, source.answers()?);
    }
    let first = definition
        .first_step(&answers)
        .ok_or_else(|| AppError::conflict_on("wizard_id", "this wizard has no step to show"))?;
    let id = Uuid::now_v7().to_string();
    let run = repo::insert(
        &app.db,
        &NewRun {
            id: &id,
            user_id: &actor.user.id,
            wizard_id: &row.id,
            version_id: &version.id,
            current_step_id: &first.id.to_string(),
            current_step_title: &first.title,
            answers: &answers,
        },
    )
    .await?;
    tracing::info!(run_id = %id, wizard_id = %row.id, version = number, "run started");
    view(&run, definition, actor)
}

pub async fn list(app: &App, actor: &CurrentUser, query: &RunQuery) -> AppResult<Vec<RunSummary>> {
    let status = query.status.map(RunStatus::as_str);
    repo::list_by_user(&app.db, &actor.user.id, status)
        .await?
        .iter()
        .map(summary)
        .collect()
}

/// Own runs, and shared Store entries of others (read-only).
pub async fn get(app: &App, actor: &CurrentUser, id: &str) -> AppResult<RunView> {
    let run = readable(app, actor, id).await?;
    let definition = app.versions.get(&app.db, &run.version_id).await?;
    let mut v = view(&run, definition, actor)?;
    for (key, options) in db::dynamic_options::list_by_run(&app.db, &run.id).await? {
        let options = serde_json::from_str(&options).map_err(|e| {
            AppError::Internal(format!(
                "stored options of run {} are unreadable: {e}",
                run.id
            ))
        })?;
        v.dynamic_options.insert(key, options);
    }
    Ok(v)
}

/// Merges answers into the run (`null` clears one). Each value must fit its field's kind
/// and hard limits; the full rules (required, minimums, patterns) are applied when the
/// runner moves on, so half-typed answers are still saved.
pub async fn save_answers(
    app: &App,
    actor: &CurrentUser,
    id: &str,
    req: &SaveAnswersRequest,
) -> AppResult<RunState> {
    save_incoming(app, actor, id, &req.answers).await
}

/// The one implementation of an answer save, shared by [`save_answers`] and the engine
/// (`execute-event` saves the runner's answers first with exactly these rules).
pub(crate) async fn save_incoming(
    app: &App,
    actor: &CurrentUser,
    id: &str,
    incoming: &Answers,
) -> AppResult<RunState> {
    if incoming.len() > MAX_ANSWERS_PER_SAVE {
        return Err(AppError::field(
            "answers",
            format!("at most {MAX_ANSWERS_PER_SAVE} answers per save"),
        ));
    }
    let _turn = app.run_gates.turn(id.to_ascii_lowercase()).await;
    for attempt in 0..MERGE_ATTEMPTS {
        let run = editable(app, actor, id).await?;
        let definition = app.versions.get(&app.db, &run.version_id).await?;
        let mut answers = run.answers()?;
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
        let change = RunUpdate {
            answers: &answers,
            current_step_id: &run.current_step_id,
            current_step_title: &run.current_step_title,
            completed: false,
        };
        if let Some((version, updated_at)) =
            repo::update(&app.db, &run.id, run.version, &change).await?
        {
            return state(
                &run,
                answers,
                &run.current_step_id,
                RunStatus::InProgress,
                version,
                updated_at,
            );
        }
        tracing::debug!(run_id = %run.id, attempt, "answer save raced another; merging again");
        merge_backoff(attempt).await;
    }
    Err(AppError::stale_version("run"))
}

/// Writes answers that actions set (`null` clears one), already checked by the engine,
/// with the same optimistic retry as a save. A completed run is left as it is (its
/// answers are final) and `None` comes back.
pub(crate) async fn apply_action_answers(
    app: &App,
    id: &str,
    changes: &serde_json::Map<String, serde_json::Value>,
) -> AppResult<Option<Answers>> {
    let _turn = app.run_gates.turn(id.to_ascii_lowercase()).await;
    for attempt in 0..MERGE_ATTEMPTS {
        let run = load(app, id).await?;
        if run.status == RunStatus::Completed.as_str() {
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
            current_step_id: &run.current_step_id,
            current_step_title: &run.current_step_title,
            completed: false,
        };
        if repo::update(&app.db, &run.id, run.version, &change)
            .await?
            .is_some()
        {
            return Ok(Some(answers));
        }
        tracing::debug!(run_id = %run.id, attempt, "action answers raced a save; merging again");
        merge_backoff(attempt).await;
    }
    Err(AppError::stale_version("run"))
}

/// Validates the current step (422 with `answers.<key>` paths) and moves to the next
/// visible one.
///
/// The step's `step.onValidate` and then `step.onExit` events run first (on the server,
/// with the same engine as `execute-event`); a failing one refuses the move with 422
/// `step` and its message, and whatever answers the events set are kept.
pub async fn next(app: &AppState, actor: &CurrentUser, id: &str) -> AppResult<RunState> {
    let mut run = editable(app, actor, id).await?;
    let definition = app.versions.get(&app.db, &run.version_id).await?;
    let current = current_step(&run, &definition)?;
    check_next(&run, &definition, current)?;
    if crate::engine::execute::leave_step(app, actor, &run, &definition, current).await? {
        // The events wrote answers: move with what is stored now.
        run = editable(app, actor, id).await?;
    }
    let (to, answers) = check_next(&run, &definition, current)?;
    move_to(app, &run, answers, to.0, &to.1, false).await
}

/// The step `next` goes to (id, title) and the answers, or why it may not.
fn check_next(
    run: &RunRow,
    definition: &Wizard,
    current: Uuid,
) -> AppResult<((Uuid, String), Answers)> {
    let answers = run.answers()?;
    let to = definition.next_step(current, &answers).ok_or_else(|| {
        AppError::conflict_on(
            "current_step_id",
            "this is the last step; complete the run instead",
        )
    })?;
    let step = definition.step(current).ok_or_else(missing_step)?;
    let errors = definition.check_step_answers(step, &answers);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(((to.id, to.title.clone()), answers))
}

pub async fn back(app: &App, actor: &CurrentUser, id: &str) -> AppResult<RunState> {
    let run = editable(app, actor, id).await?;
    let definition = app.versions.get(&app.db, &run.version_id).await?;
    let answers = run.answers()?;
    let current = current_step(&run, &definition)?;
    let to = definition
        .previous_step(current, &answers)
        .ok_or_else(|| AppError::conflict_on("current_step_id", "this is the first step"))?;
    move_to(app, &run, answers, to.id, &to.title, false).await
}

/// Validates every visible step, keeps only the answers of visible fields (hidden ones are
/// not submitted) and makes the run read-only.
///
/// Like [`next`], the last step's `step.onValidate`/`step.onExit` events run first and
/// may refuse (422 `step`).
pub async fn complete(app: &AppState, actor: &CurrentUser, id: &str) -> AppResult<RunState> {
    let mut run = editable(app, actor, id).await?;
    let definition = app.versions.get(&app.db, &run.version_id).await?;
    let current = current_step(&run, &definition)?;
    check_complete(&run, &definition, current)?;
    if crate::engine::execute::leave_step(app, actor, &run, &definition, current).await? {
        run = editable(app, actor, id).await?;
    }
    let answers = check_complete(&run, &definition, current)?;
    let kept = definition.visible_answers(&answers);
    let title = run.current_step_title.clone();
    let state = move_to(app, &run, kept, current, &title, true).await?;
    tracing::info!(run_id = %run.id, "run completed");
    Ok(state)
}

fn check_complete(run: &RunRow, definition: &Wizard, current: Uuid) -> AppResult<Answers> {
    let answers = run.answers()?;
    if definition.next_step(current, &answers).is_some() {
        return Err(AppError::conflict_on(
            "current_step_id",
            "there are steps left; finish them before completing",
        ));
    }
    let errors = definition.check_all_answers(&answers);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(answers)
}

pub async fn delete(app: &App, actor: &CurrentUser, id: &str) -> AppResult<()> {
    let run = own(app, actor, id).await?;
    repo::delete(&app.db, &run.id).await?;
    tracing::info!(run_id = %run.id, "run deleted");
    Ok(())
}

pub async fn store(
    app: &App,
    actor: &CurrentUser,
    id: &str,
    req: &StoreRunRequest,
) -> AppResult<RunSummary> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(AppError::field("name", "give the stored run a name"));
    }
    if name.chars().count() > MAX_STORED_NAME_LEN {
        return Err(AppError::field(
            "name",
            format!("must be at most {MAX_STORED_NAME_LEN} characters"),
        ));
    }
    let run = own(app, actor, id).await?;
    repo::set_stored(&app.db, &run.id, Some(name), req.visibility.as_str()).await?;
    reload_summary(app, &run.id).await
}

pub async fn unstore(app: &App, actor: &CurrentUser, id: &str) -> AppResult<RunSummary> {
    let run = own(app, actor, id).await?;
    repo::set_stored(&app.db, &run.id, None, Visibility::Private.as_str()).await?;
    reload_summary(app, &run.id).await
}

/// The caller's stored runs and everyone's shared ones.
pub async fn store_list(app: &App, actor: &CurrentUser) -> AppResult<Vec<RunSummary>> {
    repo::list_stored(&app.db, &actor.user.id)
        .await?
        .iter()
        .map(summary)
        .collect()
}

// ---- rules ----------------------------------------------------------------------------

/// Checks one incoming answer; `Ok(None)` clears it. Rich text is sanitised and file
/// references are replaced by what the server stored, so nothing the client claims about
/// a file (name, size, type) is trusted.
async fn accept_answer(
    app: &App,
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
                let file = db::files::get(&app.db, &r.id.to_string())
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
async fn check_dynamic_choice(
    app: &App,
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
    let stored = db::dynamic_options::get(&app.db, &run.id, os.key.as_str())
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

/// Answers carried over from another run: only fields the new version still has, with
/// values it accepts. Files belong to their run, so file answers are not carried over.
fn prefill(definition: &Wizard, from: Answers) -> Answers {
    from.into_iter()
        .filter(|(key, value)| {
            definition.option_set(key).is_some_and(|os| {
                !matches!(os.field, Field::FileUpload(_))
                    && os.field.check_draft_answer(value).is_ok()
            })
        })
        .collect()
}

fn missing_step() -> AppError {
    AppError::Internal("the run's current step is not in its version".into())
}

fn current_step(run: &RunRow, definition: &Wizard) -> AppResult<Uuid> {
    let id = Uuid::parse_str(&run.current_step_id).map_err(|_| missing_step())?;
    definition.step(id).map(|s| s.id).ok_or_else(missing_step)
}

async fn move_to(
    app: &App,
    run: &RunRow,
    answers: Answers,
    to: Uuid,
    title: &str,
    completed: bool,
) -> AppResult<RunState> {
    let to_text = to.to_string();
    let change = RunUpdate {
        answers: &answers,
        current_step_id: &to_text,
        current_step_title: title,
        completed,
    };
    let (version, updated_at) = repo::update(&app.db, &run.id, run.version, &change)
        .await?
        .ok_or_else(|| AppError::stale_version("run"))?;
    let status = if completed {
        RunStatus::Completed
    } else {
        RunStatus::InProgress
    };
    state(run, answers, &to_text, status, version, updated_at)
}

// ---- access ---------------------------------------------------------------------------

fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!("no run with id {id}"))
}

async fn load(app: &App, id: &str) -> AppResult<RunRow> {
    if Uuid::parse_str(id).is_err() {
        return Err(not_found(id));
    }
    repo::get(&app.db, id).await?.ok_or_else(|| not_found(id))
}

/// The caller's own run; anyone else's is "not found".
pub(crate) async fn own_run(app: &App, actor: &CurrentUser, id: &str) -> AppResult<RunRow> {
    own(app, actor, id).await
}

async fn own(app: &App, actor: &CurrentUser, id: &str) -> AppResult<RunRow> {
    let run = load(app, id).await?;
    if run.user_id == actor.user.id {
        Ok(run)
    } else {
        Err(not_found(id))
    }
}

/// Own runs, and runs shared in the Store.
async fn readable(app: &App, actor: &CurrentUser, id: &str) -> AppResult<RunRow> {
    let run = load(app, id).await?;
    if run.user_id == actor.user.id || is_shared(&run) {
        Ok(run)
    } else {
        Err(not_found(id))
    }
}

/// Own runs still in progress: a completed run is read-only.
async fn editable(app: &App, actor: &CurrentUser, id: &str) -> AppResult<RunRow> {
    let run = own(app, actor, id).await?;
    if run.status == RunStatus::Completed.as_str() {
        return Err(AppError::conflict_on(
            "status",
            "this run is completed and read-only",
        ));
    }
    Ok(run)
}

fn is_shared(run: &RunRow) -> bool {
    run.stored_at.is_some() && run.visibility == Visibility::Shared.as_str()
}

// ---- views ----------------------------------------------------------------------------

fn uuid_of(s: &str, column: &str) -> AppResult<Uuid> {
    db::parse_column(s, column)
}

fn summary(run: &RunRow) -> AppResult<RunSummary> {
    Ok(RunSummary {
        id: uuid_of(&run.id, "wizard_runs.id")?,
        wizard_id: uuid_of(&run.wizard_id, "wizard_runs.wizard_id")?,
        wizard_name: run.wizard_name.clone(),
        version_number: run.version_number,
        status: db::parse_column(&run.status, "wizard_runs.status")?,
        owner_id: run.user_id.clone(),
        owner_name: run.owner_name.clone(),
        current_step_id: uuid_of(&run.current_step_id, "wizard_runs.current_step_id")?,
        current_step_title: run.current_step_title.clone(),
        started_at: run.started_at.clone(),
        updated_at: run.updated_at.clone(),
        completed_at: run.completed_at.clone(),
        stored_name: run.stored_name.clone(),
        visibility: db::parse_column(&run.visibility, "wizard_runs.visibility")?,
        version: run.version,
    })
}

fn view(run: &RunRow, definition: Arc<Wizard>, actor: &CurrentUser) -> AppResult<RunView> {
    let summary = summary(run)?;
    Ok(RunView {
        editable: run.user_id == actor.user.id && summary.status == RunStatus::InProgress,
        summary,
        answers: run.answers()?,
        definition: (*definition).clone(),
        dynamic_options: Default::default(),
    })
}

fn state(
    run: &RunRow,
    answers: Answers,
    step: &str,
    status: RunStatus,
    version: i64,
    updated_at: String,
) -> AppResult<RunState> {
    Ok(RunState {
        id: uuid_of(&run.id, "wizard_runs.id")?,
        status,
        current_step_id: uuid_of(step, "wizard_runs.current_step_id")?,
        answers,
        updated_at,
        version,
    })
}

async fn reload_summary(app: &App, id: &str) -> AppResult<RunSummary> {
    summary(&load(app, id).await?)
}
