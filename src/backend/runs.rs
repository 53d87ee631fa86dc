//! Player, My Runs and Store use-cases. The server is the authority: every saved answer,
//! move and completion is re-checked with the same core code the browser runs, against
//! the run's pinned version (never a definition sent by the client).

use std::sync::Arc;

use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::runs::{self as repo, NewRun, RunRow, RunUpdate};
use crate::backend::db::{self, wizards as wizard_repo};
use crate::backend::error::{AppError, AppResult};
use crate::backend::run_store::{self, editable, load, own, readable, save_incoming, state};
use crate::backend::state::AppState;
use crate::domain::condition::Answers;
use crate::domain::event::{ExecuteEventRequest, Trigger};
use crate::domain::run::*;
use crate::domain::{Field, Wizard};

/// Longest Store name, in characters.
pub const MAX_STORED_NAME_LEN: usize = 120;

pub async fn start(
    app: &AppState,
    actor: &CurrentUser,
    req: &StartRunRequest,
) -> AppResult<RunView> {
    let wizard_id = req.wizard_id;
    let not_found = || AppError::NotFound(format!("no published wizard with id {wizard_id}"));
    let row = wizard_repo::get(&app.db, wizard_id)
        .await?
        .ok_or_else(not_found)?;
    let number = row.live_version.ok_or_else(not_found)?;
    let version = wizard_repo::version(&app.db, row.id, number)
        .await?
        .ok_or_else(not_found)?;
    let definition = app.versions.insert(&version)?;

    let mut answers = Answers::new();
    if let Some(from) = req.from_run_id {
        let source = readable(app, actor, from).await?;
        answers = prefill(&definition, source.answers()?);
    }
    let first = definition
        .first_step(&answers)
        .ok_or_else(|| AppError::conflict_on("wizard_id", "this wizard has no step to show"))?;
    let id = Uuid::now_v7();
    let run = repo::insert(
        &app.db,
        &NewRun {
            id,
            user_id: &actor.user.id,
            wizard_id: req.wizard_id,
            version_id: version.id,
            current_step_id: first.id,
            current_step_title: &first.title,
            answers: &answers,
        },
    )
    .await?;
    tracing::info!(run_id = %id, wizard_id = %row.id, version = number, "run started");
    view(&run, definition, actor)
}

/// [`start`], then what a player does when a run begins: `wizard.onStart` and the first
/// step's `step.onEntry` run once, here, so a reload of the player never fires them again.
/// Their answers and renders are stored with the run; a failing action shows in the run's
/// Activity and does not undo the start. (`POST /wizard-runs` is the plain start: API
/// clients fire start events themselves through `execute-event`.)
pub async fn start_playing(
    app: &AppState,
    actor: &CurrentUser,
    req: &StartRunRequest,
) -> AppResult<RunView> {
    let run = start(app, actor, req).await?;
    let first_step = run.summary.current_step_id;
    let mut fired = false;
    for (trigger, target) in [
        (Trigger::WizardOnStart, None),
        (Trigger::StepOnEntry, Some(first_step)),
    ] {
        if !run.definition.hooks.listens(trigger, target) {
            continue;
        }
        fired = true;
        let event = ExecuteEventRequest {
            trigger,
            target_id: target,
            answers: Answers::new(),
            value: None,
        };
        if let Err(e) =
            crate::backend::engine::execute_event(app, actor, run.summary.id, event).await
        {
            tracing::warn!(run_id = %run.summary.id, %trigger, error = %e, "a start event failed");
        }
    }
    if fired {
        get(app, actor, run.summary.id).await
    } else {
        Ok(run)
    }
}

/// Follows the progress of the events running in the caller's own run (anyone else's is
/// "not found"): the receiver holds what runs now, then each change.
pub async fn follow_progress(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
) -> AppResult<tokio::sync::watch::Receiver<Option<crate::domain::event::Progress>>> {
    let run = own(app, actor, id).await?;
    Ok(app.progress.subscribe(run.id))
}

pub async fn list(
    app: &AppState,
    actor: &CurrentUser,
    query: &RunQuery,
) -> AppResult<Vec<RunSummary>> {
    let runs = repo::list_by_user(&app.db, &actor.user.id, query.status).await?;
    Ok(runs.iter().map(summary).collect())
}

/// Own runs, and shared Store entries of others (read-only).
pub async fn get(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunView> {
    let run = readable(app, actor, id).await?;
    let definition = app.versions.get(&app.db, run.version_id).await?;
    let mut v = view(&run, definition, actor)?;
    for (key, options) in db::dynamic_options::list_by_run(&app.db, run.id).await? {
        let options = serde_json::from_str(&options).map_err(|e| {
            AppError::Internal(format!(
                "stored options of run {} are unreadable: {e}",
                run.id
            ))
        })?;
        v.dynamic_options.insert(key, options);
    }
    v.renders = db::renders::of_run(&app.db, run.id).await?;
    Ok(v)
}

/// Merges answers into the run (`null` clears one). Each value must fit its field's kind
/// and hard limits; the full rules (required, minimums, patterns) are applied when the
/// runner moves on, so half-typed answers are still saved.
pub async fn save_answers(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &SaveAnswersRequest,
) -> AppResult<RunState> {
    save_incoming(app, actor, id, &req.answers, None).await
}

/// Validates the current step (422 with `answers.<key>` paths) and moves to the next
/// visible one.
///
/// The step's `step.onValidate` and then `step.onExit` events run first (on the server,
/// with the same engine as `execute-event`); a failing one refuses the move with 422
/// `step` and its message, and whatever answers the events set are kept.
pub async fn next(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunState> {
    let mut run = editable(app, actor, id).await?;
    let definition = app.versions.get(&app.db, run.version_id).await?;
    let current = current_step(&run, &definition)?;
    check_next(&run, &definition, current)?;
    if crate::backend::engine::execute::leave_step(app, actor, &run, &definition, current).await? {
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

pub async fn back(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunState> {
    let run = editable(app, actor, id).await?;
    let definition = app.versions.get(&app.db, run.version_id).await?;
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
pub async fn complete(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunState> {
    let mut run = editable(app, actor, id).await?;
    let definition = app.versions.get(&app.db, run.version_id).await?;
    let current = current_step(&run, &definition)?;
    check_complete(&run, &definition, current)?;
    if crate::backend::engine::execute::leave_step(app, actor, &run, &definition, current).await? {
        run = editable(app, actor, id).await?;
    }
    let answers = check_complete(&run, &definition, current)?;
    let kept = definition.visible_answers(&answers);
    let title = run.current_step_title.clone();
    let state = move_to(app, &run, kept, current, &title, true).await?;
    tracing::info!(run_id = %run.id, "run completed");
    Ok(state)
}

/// [`complete`], then what a player does when a run ends: the version's
/// `wizard.onComplete` events run once, here (their renders and logs are stored with the
/// completed run, which shows them). A failing action shows in the run's Activity and
/// does not undo the completion. (`POST /wizard-runs/{id}/complete` is the plain
/// completion: API clients fire `wizard.onComplete` themselves through `execute-event`.)
pub async fn complete_playing(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
) -> AppResult<RunState> {
    let state = complete(app, actor, id).await?;
    let run = own(app, actor, id).await?;
    let definition = app.versions.get(&app.db, run.version_id).await?;
    if definition
        .events
        .iter()
        .any(|e| e.enabled && e.trigger == Trigger::WizardOnComplete)
    {
        let event = ExecuteEventRequest {
            trigger: Trigger::WizardOnComplete,
            target_id: None,
            answers: Answers::new(),
            value: None,
        };
        if let Err(e) = crate::backend::engine::execute_event(app, actor, id, event).await {
            tracing::warn!(run_id = %id, error = %e, "a wizard.onComplete event failed");
        }
    }
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

pub async fn delete(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<()> {
    let run = own(app, actor, id).await?;
    run_store::delete(app, run.id).await?;
    tracing::info!(run_id = %run.id, "run deleted");
    Ok(())
}

pub async fn store(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
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
    run_store::set_stored(app, run.id, Some(name), req.visibility).await?;
    reload_summary(app, run.id).await
}

pub async fn unstore(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<RunSummary> {
    let run = own(app, actor, id).await?;
    run_store::set_stored(app, run.id, None, Visibility::Private).await?;
    reload_summary(app, run.id).await
}

/// The caller's stored runs and everyone's shared ones.
pub async fn store_list(app: &AppState, actor: &CurrentUser) -> AppResult<Vec<RunSummary>> {
    let runs = repo::list_stored(&app.db, &actor.user.id).await?;
    Ok(runs.iter().map(summary).collect())
}

// ---- rules ----------------------------------------------------------------------------

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
    definition
        .step(run.current_step_id)
        .map(|s| s.id)
        .ok_or_else(missing_step)
}

async fn move_to(
    app: &AppState,
    run: &RunRow,
    answers: Answers,
    to: Uuid,
    title: &str,
    completed: bool,
) -> AppResult<RunState> {
    let change = RunUpdate {
        answers: &answers,
        current_step_id: to,
        current_step_title: title,
        completed,
    };
    let (version, updated_at) = run_store::update(app, run.id, run.version, &change)
        .await?
        .ok_or_else(|| AppError::stale_version("run"))?;
    let status = if completed {
        RunStatus::Completed
    } else {
        RunStatus::InProgress
    };
    Ok(state(run, answers, to, status, version, updated_at))
}

// ---- views ----------------------------------------------------------------------------

fn summary(run: &RunRow) -> RunSummary {
    RunSummary {
        id: run.id,
        wizard_id: run.wizard_id,
        wizard_name: run.wizard_name.clone(),
        version_number: run.version_number,
        status: run.status,
        owner_id: run.user_id.clone(),
        owner_name: run.owner_name.clone(),
        current_step_id: run.current_step_id,
        current_step_title: run.current_step_title.clone(),
        started_at: run.started_at.clone(),
        updated_at: run.updated_at.clone(),
        completed_at: run.completed_at.clone(),
        stored_name: run.stored_name.clone(),
        visibility: run.visibility,
        version: run.version,
    }
}

async fn reload_summary(app: &AppState, id: Uuid) -> AppResult<RunSummary> {
    Ok(summary(&load(app, id).await?))
}

fn view(run: &RunRow, definition: Arc<Wizard>, actor: &CurrentUser) -> AppResult<RunView> {
    let summary = summary(run);
    Ok(RunView {
        editable: run.user_id == actor.user.id && summary.status == RunStatus::InProgress,
        summary,
        answers: run.answers()?,
        definition: RunDefinition::from(&*definition),
        dynamic_options: Default::default(),
        renders: Default::default(),
    })
}
