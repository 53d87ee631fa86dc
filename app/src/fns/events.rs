//! Server functions of the builder's event editor, over `wizard_core::backend::events`,
//! which owns every rule (ownership, the event and action checks against the draft,
//! optimistic concurrency). Writes return [`Outcome`] so the editor can put each problem
//! beside its input and show a 409 without losing the edits on screen.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;
use wizard_core::domain::event::{Event, ExecuteEventResponse};
use wizard_core::domain::event_view::{
    EventView, OutputPreview, PreviewOutputRequest, PutEventRequest, TestActionRequest,
    TestEventRequest,
};

use super::{Outcome, UiError};
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

/// Every event of the caller's wizard, with its actions and versions.
#[server]
pub async fn list_events(wizard_id: Uuid) -> Result<Vec<EventView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::events::list(&state, &actor, wizard_id)
        .await
        .map_err(ui_error)
}

/// One event as stored now (the editor's "reload" after a conflict).
#[server]
pub async fn get_event(event_id: Uuid) -> Result<EventView, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::events::get(&state, &actor, event_id)
        .await
        .map_err(ui_error)
}

/// Adds an event to the draft; problems are named from the event's root (`name`, `trigger`).
#[server(input = Json)]
pub async fn create_event(wizard_id: Uuid, event: Event) -> Result<Outcome<EventView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::events::create(&state, &actor, wizard_id, event).await)
}

/// Replaces the whole event (actions included) if it is still at `req.version`; problems
/// are named under `event.` (`event.actions[1].config.expression`).
#[server(input = Json)]
pub async fn save_event(
    event_id: Uuid,
    req: PutEventRequest,
) -> Result<Outcome<EventView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::events::put(&state, &actor, event_id, req).await)
}

#[server(input = Json)]
pub async fn delete_event(event_id: Uuid, version: i64) -> Result<Outcome<()>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::events::delete(&state, &actor, event_id, version).await)
}

/// Runs an action as edited (saved or not) once against sample answers; nothing is stored.
/// Problems with the action are named under `action.`.
#[server(input = Json)]
pub async fn test_action(req: TestActionRequest) -> Result<Outcome<ExecuteEventResponse>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::events::test_new(&state, &actor, req).await)
}

/// Runs the event as edited (saved or not) once against sample answers; nothing is
/// stored. Problems are named under `event.` (and `event.conditions` when they do not
/// hold, so it would not fire).
#[server(input = Json)]
pub async fn test_event(req: TestEventRequest) -> Result<Outcome<ExecuteEventResponse>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::events::test_event(&state, &actor, req).await)
}

/// What the action's output handling makes of the last test's raw output (the output
/// editor's live preview); nothing runs again and nothing is stored.
#[server(input = Json)]
pub async fn preview_output(req: PreviewOutputRequest) -> Result<OutputPreview, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::events::preview_output(&state, &actor, req)
        .await
        .map_err(ui_error)
}

/// The problems saving `event` would meet, found without saving (the editor's live checks).
#[server(input = Json)]
pub async fn check_event(
    wizard_id: Uuid,
    event: Event,
) -> Result<Vec<wizard_core::domain::problem::FieldError>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::events::check(&state, &actor, wizard_id, event)
        .await
        .map_err(ui_error)
}
