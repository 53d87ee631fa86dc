//! Events and actions of a draft: create, read, replace, delete, reorder, and the builder's
//! action test. Called by the REST API (and later the builder's server functions).
//!
//! Every write checks ownership like the wizard services (builders their own wizards,
//! runners 403, someone else's wizard 404), then validates the event against the *current*
//! draft — [`Event::check`] plus each action type's own checks (compiling expressions, MCP
//! tool schemas) — and only then writes, so a broken event is refused at save time.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::events::{self as repo, ActionRow, EventRow};
use crate::backend::db::now_text;
use crate::backend::db::wizards::WizardRow;
use crate::backend::engine::CheckCtx;
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::backend::wizards;
use crate::domain::Wizard;
use crate::domain::event::{Action, Event, ExecuteEventRequest, ExecuteEventResponse, Trigger};
use crate::domain::event_view::{
    ActionView, EventView, OutputPreview, PreviewOutputRequest, PutActionRequest, PutEventRequest,
    ReorderActionsRequest, TestActionRequest, TestEventRequest, TestSavedActionRequest,
};
use crate::domain::problem::FieldError;
use crate::domain::template::Scope;
use crate::domain::user::Role;
use crate::domain::wizard::event_check::join;

// ---- reads ------------------------------------------------------------------------------

fn action_view(row: &ActionRow) -> AppResult<ActionView> {
    Ok(ActionView {
        action: row.to_action()?,
        event_id: row.event_id,
        version: row.version,
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
    })
}

fn event_view(row: &EventRow, actions: &[ActionRow]) -> AppResult<EventView> {
    let e = row.to_event()?;
    Ok(EventView {
        id: e.id,
        wizard_id: row.wizard_id,
        name: e.name,
        description: e.description,
        trigger: e.trigger,
        target_type: e.trigger.target_type(),
        target_id: e.target_id,
        conditions: e.conditions,
        enabled: e.enabled,
        actions: actions.iter().map(action_view).collect::<AppResult<_>>()?,
        version: row.version,
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
    })
}

async fn view_of(app: &AppState, event_id: Uuid) -> AppResult<EventView> {
    let row = repo::get_event(&app.db, event_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no event with id {event_id}")))?;
    let actions = repo::list_actions(&app.db, event_id).await?;
    event_view(&row, &actions)
}

pub async fn list(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
) -> AppResult<Vec<EventView>> {
    let wizard = wizards::owned(app, actor, wizard_id).await?;
    repo::load_events(&app.db, wizard.id)
        .await?
        .iter()
        .map(|(e, a)| event_view(e, a))
        .collect()
}

pub async fn get(app: &AppState, actor: &CurrentUser, event_id: Uuid) -> AppResult<EventView> {
    let (row, _) = owned_event(app, actor, event_id).await?;
    let actions = repo::list_actions(&app.db, row.id).await?;
    event_view(&row, &actions)
}

pub async fn list_actions(
    app: &AppState,
    actor: &CurrentUser,
    event_id: Uuid,
) -> AppResult<Vec<ActionView>> {
    let (row, _) = owned_event(app, actor, event_id).await?;
    repo::list_actions(&app.db, row.id)
        .await?
        .iter()
        .map(action_view)
        .collect()
}

/// The event and its wizard, if the wizard is the caller's; otherwise "not found" (runners
/// get 403 first), so other builders' ids do not leak.
async fn owned_event(
    app: &AppState,
    actor: &CurrentUser,
    event_id: Uuid,
) -> AppResult<(EventRow, WizardRow)> {
    actor.require(Role::Builder)?;
    let not_found = || AppError::NotFound(format!("no event with id {event_id}"));
    let row = repo::get_event(&app.db, event_id)
        .await?
        .ok_or_else(not_found)?;
    let wizard = wizards::owned(app, actor, row.wizard_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => not_found(),
            other => other,
        })?;
    Ok((row, wizard))
}

// ---- validation -------------------------------------------------------------------------

/// Every problem of `event` within `draft`: the pure checks and each action type's own.
async fn problems(state: &AppState, draft: &Wizard, event: &Event, path: &str) -> Vec<FieldError> {
    let mut errors = event.check(draft, path);
    let ctx = CheckCtx {
        app: state,
        wizard: draft,
    };
    for (i, action) in event.actions.iter().enumerate() {
        let at = join(path, &format!("actions[{i}].config"));
        errors.extend(crate::backend::engine::actions::check(&action.config, &ctx, &at).await);
    }
    let mut seen = HashSet::new();
    errors.retain(|e| seen.insert((e.field.clone(), e.message.clone())));
    errors
}

fn refuse(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The draft an event is checked against, without the event itself (it is being replaced).
async fn draft_without(
    app: &AppState,
    wizard: &WizardRow,
    event_id: Option<Uuid>,
) -> AppResult<Wizard> {
    let mut draft = wizards::assemble(app, wizard).await?;
    if let Some(id) = event_id {
        draft.events.retain(|e| e.id != id);
    }
    Ok(draft)
}

/// For a change to one action of an event: the problems the change introduces (problems the
/// event already had stay out of the way), the changed action's own under `body_path`.
async fn new_problems(
    state: &AppState,
    draft: &Wizard,
    before: &Event,
    after: &Event,
    changed: Option<usize>,
    body_path: &str,
) -> Vec<FieldError> {
    let old: HashSet<(String, String)> = problems(state, draft, before, "")
        .await
        .into_iter()
        .map(|e| (e.field, e.message))
        .collect();
    let prefix = changed.map(|i| format!("actions[{i}]"));
    problems(state, draft, after, "")
        .await
        .into_iter()
        .filter(|e| !old.contains(&(e.field.clone(), e.message.clone())))
        .map(|e| match &prefix {
            Some(p) if e.field == *p || e.field.starts_with(&format!("{p}.")) => {
                let rest = e.field[p.len()..].trim_start_matches('.');
                let field = if rest.is_empty() {
                    body_path.to_owned()
                } else {
                    join(body_path, rest)
                };
                FieldError::new(field, e.message)
            }
            _ => FieldError::new(join("event", &e.field), e.message),
        })
        .collect()
}

fn fill_ids(event: &mut Event) {
    if event.id.is_nil() {
        event.id = Uuid::now_v7();
    }
    for a in &mut event.actions {
        if a.id.is_nil() {
            a.id = Uuid::now_v7();
        }
    }
}

fn i64_of(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// ---- events -----------------------------------------------------------------------------

pub async fn create(
    state: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
    mut event: Event,
) -> AppResult<EventView> {
    let wizard = wizards::owned(state, actor, wizard_id).await?;
    fill_ids(&mut event);
    let draft = draft_without(state, &wizard, None).await?;
    refuse(problems(state, &draft, &event, "").await)?;
    let now = now_text();
    let mut tx = state.db.begin_write().await?;
    let position = repo::next_position(&mut tx, wizard.id).await?;
    repo::insert_event(&mut tx, wizard.id, &event, position, &now).await?;
    for (i, a) in event.actions.iter().enumerate() {
        let path = format!("actions[{i}].name");
        repo::insert_action(&mut tx, event.id, a, i64_of(i), 1, &now, &now, &path).await?;
    }
    repo::touch_wizard(&mut tx, wizard.id, &now).await?;
    tx.commit().await?;
    tracing::info!(wizard_id = %wizard.id, event_id = %event.id, user_id = %actor.user.id, "event created");
    view_of(state, event.id).await
}

pub async fn put(
    state: &AppState,
    actor: &CurrentUser,
    event_id: Uuid,
    req: PutEventRequest,
) -> AppResult<EventView> {
    let (row, wizard) = owned_event(state, actor, event_id).await?;
    let mut event = req.event;
    let id = row.id;
    if !event.id.is_nil() && event.id != id {
        return Err(AppError::field(
            "event.id",
            "does not match the id in the address",
        ));
    }
    event.id = id;
    fill_ids(&mut event);
    if row.version != req.version {
        return Err(AppError::stale_version("event"));
    }
    let draft = draft_without(state, &wizard, Some(id)).await?;
    refuse(problems(state, &draft, &event, "event").await)?;

    let existing: HashMap<Uuid, ActionRow> = repo::list_actions(&state.db, row.id)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let now = now_text();
    let mut tx = state.db.begin_write().await?;
    if !repo::update_event(&mut tx, &event, req.version, &now).await? {
        return Err(AppError::stale_version("event"));
    }
    // Replaced wholesale (names are unique per event, so old rows go first); an action
    // that keeps its id keeps its history.
    repo::delete_actions_of(&mut tx, row.id).await?;
    for (i, a) in event.actions.iter().enumerate() {
        let (version, created) = match existing.get(&a.id) {
            Some(old) => (old.version + 1, old.created_at.clone()),
            None => (1, now.clone()),
        };
        let path = format!("event.actions[{i}].name");
        repo::insert_action(
            &mut tx,
            row.id,
            a,
            i64_of(i),
            version,
            &created,
            &now,
            &path,
        )
        .await?;
    }
    repo::touch_wizard(&mut tx, wizard.id, &now).await?;
    tx.commit().await?;
    view_of(state, row.id).await
}

/// The problems saving `event` would meet, without saving anything: the builder checks an
/// edited event as it is typed (unknown template paths, a later action named, a script that
/// does not compile), with the same rules as [`create`] and [`put`], rooted at `event`.
pub async fn check(
    state: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
    mut event: Event,
) -> AppResult<Vec<FieldError>> {
    let wizard = wizards::owned(state, actor, wizard_id).await?;
    let replaced = (!event.id.is_nil()).then_some(event.id);
    fill_ids(&mut event);
    let draft = draft_without(state, &wizard, replaced).await?;
    Ok(problems(state, &draft, &event, "event").await)
}

pub async fn delete(
    state: &AppState,
    actor: &CurrentUser,
    event_id: Uuid,
    version: i64,
) -> AppResult<()> {
    let (row, wizard) = owned_event(state, actor, event_id).await?;
    if row.version != version {
        return Err(AppError::stale_version("event"));
    }
    let now = now_text();
    let mut tx = state.db.begin_write().await?;
    if !repo::delete_event(&mut tx, row.id, version).await? {
        return Err(AppError::stale_version("event"));
    }
    repo::touch_wizard(&mut tx, wizard.id, &now).await?;
    tx.commit().await?;
    tracing::info!(wizard_id = %wizard.id, event_id = %row.id, user_id = %actor.user.id, "event deleted");
    Ok(())
}

// ---- actions ----------------------------------------------------------------------------

/// The event with its actions as stored, plus the draft it lives in (without it).
async fn event_and_draft(
    state: &AppState,
    row: &EventRow,
    wizard: &WizardRow,
) -> AppResult<(Event, Vec<ActionRow>, Wizard)> {
    let actions = repo::list_actions(&state.db, row.id).await?;
    let event = row.with_actions(&actions)?;
    let draft = draft_without(state, wizard, Some(event.id)).await?;
    Ok((event, actions, draft))
}

pub async fn add_action(
    state: &AppState,
    actor: &CurrentUser,
    event_id: Uuid,
    mut action: Action,
) -> AppResult<ActionView> {
    let (row, wizard) = owned_event(state, actor, event_id).await?;
    if action.id.is_nil() {
        action.id = Uuid::now_v7();
    }
    let (before, rows, draft) = event_and_draft(state, &row, &wizard).await?;
    let mut after = before.clone();
    after.actions.push(action.clone());
    let index = after.actions.len() - 1;
    refuse(new_problems(state, &draft, &before, &after, Some(index), "").await)?;
    let order = rows
        .iter()
        .map(|a| a.execution_order + 1)
        .max()
        .unwrap_or(0);
    let now = now_text();
    let mut tx = state.db.begin_write().await?;
    repo::insert_action(&mut tx, row.id, &action, order, 1, &now, &now, "name").await?;
    repo::touch_event(&mut tx, row.id, &now).await?;
    repo::touch_wizard(&mut tx, wizard.id, &now).await?;
    tx.commit().await?;
    saved_action(state, action.id).await
}

async fn saved_action(app: &AppState, action_id: Uuid) -> AppResult<ActionView> {
    let row = repo::get_action(&app.db, action_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no action with id {action_id}")))?;
    action_view(&row)
}

fn action_index(event: &Event, action_id: Uuid) -> AppResult<usize> {
    event
        .actions
        .iter()
        .position(|a| a.id == action_id)
        .ok_or_else(|| AppError::NotFound(format!("no action with id {action_id} in this event")))
}

pub async fn put_action(
    state: &AppState,
    actor: &CurrentUser,
    event_id: Uuid,
    action_id: Uuid,
    req: PutActionRequest,
) -> AppResult<ActionView> {
    let (row, wizard) = owned_event(state, actor, event_id).await?;
    let (before, rows, draft) = event_and_draft(state, &row, &wizard).await?;
    let index = action_index(&before, action_id)?;
    let mut action = req.action;
    let id = before.actions[index].id;
    if !action.id.is_nil() && action.id != id {
        return Err(AppError::field(
            "action.id",
            "does not match the id in the address",
        ));
    }
    action.id = id;
    if rows
        .iter()
        .any(|r| r.id == action_id && r.version != req.version)
    {
        return Err(AppError::stale_version("action"));
    }
    let mut after = before.clone();
    after.actions[index] = action.clone();
    refuse(new_problems(state, &draft, &before, &after, Some(index), "action").await)?;
    let now = now_text();
    let mut tx = state.db.begin_write().await?;
    if !repo::update_action(&mut tx, &action, req.version, &now).await? {
        return Err(AppError::stale_version("action"));
    }
    repo::touch_event(&mut tx, row.id, &now).await?;
    repo::touch_wizard(&mut tx, wizard.id, &now).await?;
    tx.commit().await?;
    saved_action(state, action_id).await
}

pub async fn delete_action(
    state: &AppState,
    actor: &CurrentUser,
    event_id: Uuid,
    action_id: Uuid,
    version: i64,
) -> AppResult<()> {
    let (row, wizard) = owned_event(state, actor, event_id).await?;
    let (before, rows, draft) = event_and_draft(state, &row, &wizard).await?;
    let index = action_index(&before, action_id)?;
    if rows
        .iter()
        .any(|r| r.id == action_id && r.version != version)
    {
        return Err(AppError::stale_version("action"));
    }
    let mut after = before.clone();
    after.actions.remove(index);
    // A later action reading `actions.<this>.output` would break: say which.
    refuse(new_problems(state, &draft, &before, &after, None, "").await)?;
    let now = now_text();
    let mut tx = state.db.begin_write().await?;
    if !repo::delete_action(&mut tx, action_id, version).await? {
        return Err(AppError::stale_version("action"));
    }
    repo::touch_event(&mut tx, row.id, &now).await?;
    repo::touch_wizard(&mut tx, wizard.id, &now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn reorder_actions(
    state: &AppState,
    actor: &CurrentUser,
    event_id: Uuid,
    req: &ReorderActionsRequest,
) -> AppResult<Vec<ActionView>> {
    let (row, wizard) = owned_event(state, actor, event_id).await?;
    let (before, _, draft) = event_and_draft(state, &row, &wizard).await?;
    let mut current: Vec<Uuid> = before.actions.iter().map(|a| a.id).collect();
    let mut wanted = req.action_ids.clone();
    current.sort();
    wanted.sort();
    if current != wanted {
        return Err(AppError::field(
            "action_ids",
            format!(
                "must list each of the event's {} action ids exactly once",
                current.len()
            ),
        ));
    }
    let mut after = before.clone();
    after
        .actions
        .sort_by_key(|a| req.action_ids.iter().position(|id| *id == a.id));
    // Moving an action above the one whose output it reads breaks its templates.
    refuse(new_problems(state, &draft, &before, &after, None, "").await)?;
    let now = now_text();
    let mut tx = state.db.begin_write().await?;
    for (i, id) in req.action_ids.iter().enumerate() {
        repo::set_action_order(&mut tx, *id, i64_of(i), &now).await?;
    }
    repo::touch_event(&mut tx, row.id, &now).await?;
    repo::touch_wizard(&mut tx, wizard.id, &now).await?;
    tx.commit().await?;
    list_actions(state, actor, event_id).await
}

// ---- tests of one action ----------------------------------------------------------------

pub async fn test_new(
    state: &AppState,
    actor: &CurrentUser,
    req: TestActionRequest,
) -> AppResult<ExecuteEventResponse> {
    let wizard_id = req.wizard_id;
    let draft = wizards::definition(state, actor, wizard_id).await?;
    // The pure checks first (templates, references), named under `action`; the engine
    // adds each type's own checks before running it.
    let scope = Scope {
        fields: draft.option_sets().map(|os| os.key.to_string()).collect(),
        actions: Vec::new(),
    };
    let mut errors = Vec::new();
    req.action.check(&draft, &scope, "action", &mut errors);
    refuse(errors)?;
    let sample = ExecuteEventRequest {
        trigger: req.trigger.unwrap_or(Trigger::WizardOnStart),
        target_id: req.target_id,
        answers: req.answers,
        value: req.value,
    };
    crate::backend::engine::test_action(state, actor, wizard_id, &req.action, &sample).await
}

/// Runs an event as edited once against sample answers (the builder's "Test the event"):
/// checked first like a save (problems named under `event.`), then every action in order
/// with the effects it would have; nothing is stored.
pub async fn test_event(
    state: &AppState,
    actor: &CurrentUser,
    req: TestEventRequest,
) -> AppResult<ExecuteEventResponse> {
    let TestEventRequest {
        wizard_id,
        mut event,
        answers,
        value,
    } = req;
    let wizard = wizards::owned(state, actor, wizard_id).await?;
    let replaced = (!event.id.is_nil()).then_some(event.id);
    fill_ids(&mut event);
    let draft = draft_without(state, &wizard, replaced).await?;
    refuse(problems(state, &draft, &event, "event").await)?;
    let sample = ExecuteEventRequest {
        trigger: event.trigger,
        target_id: event.target_id,
        answers,
        value,
    };
    crate::backend::engine::test_event(state, actor, &draft, &event, &sample).await
}

/// What an action's output handling makes of a test's raw output (the builder's live
/// preview of extract, options and render); only the wizard's owner may ask.
pub async fn preview_output(
    state: &AppState,
    actor: &CurrentUser,
    req: PreviewOutputRequest,
) -> AppResult<OutputPreview> {
    let draft = wizards::definition(state, actor, req.wizard_id).await?;
    Ok(crate::backend::engine::preview_output(
        &draft,
        &req.output_handling,
        req.data,
    ))
}

pub async fn test_saved(
    state: &AppState,
    actor: &CurrentUser,
    action_id: Uuid,
    req: TestSavedActionRequest,
) -> AppResult<ExecuteEventResponse> {
    actor.require(Role::Builder)?;
    let not_found = || AppError::NotFound(format!("no action with id {action_id}"));
    let action_row = repo::get_action(&state.db, action_id)
        .await?
        .ok_or_else(not_found)?;
    let (row, wizard) = owned_event(state, actor, action_row.event_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => not_found(),
            other => other,
        })?;
    let event = row.to_event()?;
    let action = action_row.to_action()?;
    let sample = ExecuteEventRequest {
        trigger: event.trigger,
        target_id: event.target_id,
        answers: req.answers,
        value: req.value,
    };
    crate::backend::engine::test_action(state, actor, wizard.id, &action, &sample).await
}
