//! `/api/v1/wizards/.../events` and `/actions`: a draft's events and their actions, and
//! the builder's action test. Ownership, validation and versions are the service's
//! (`wizard_core::backend::events`); handlers only parse and answer.

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::{AppError, AppResult};
use wizard_core::backend::events;
use wizard_core::backend::state::AppState;
use wizard_core::domain::draft::VersionOnly;
use wizard_core::domain::event::{Action, Event, ExecuteEventResponse, action_member_error};
use wizard_core::domain::event_view::{
    ActionView, EventView, OutputPreview, PreviewOutputRequest, PutActionRequest, PutEventRequest,
    ReorderActionsRequest, TestActionRequest, TestEventRequest, TestSavedActionRequest,
};
use wizard_core::domain::problem::{FieldError, Problem};

use crate::extract::{ApiJson, ApiPath, ApiQuery, PathId};

/// This module's endpoints (merged into `/api/v1` by `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_event, list_events))
        .routes(routes!(get_event, put_event, delete_event))
        .routes(routes!(list_actions, add_action))
        .routes(routes!(put_action, delete_action))
        .routes(routes!(reorder_actions))
        .routes(routes!(test_action))
        .routes(routes!(preview_output))
        .routes(routes!(test_event))
        .routes(routes!(test_saved_action))
}

/// [`ApiJson`] for bodies holding actions. An action's type and configuration are read
/// in one step after the rest (`action_type` decides how `config` parses), so serde
/// reports their problems at the action with the member in the message
/// (`config: missing field `url``); this moves the member into the path
/// (`actions[0].config.url`), where a client looks for it.
pub struct EventJson<T>(pub T);

impl<T, S> FromRequest<S> for EventJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match ApiJson::<T>::from_request(req, state).await {
            Ok(ApiJson(v)) => Ok(EventJson(v)),
            Err(AppError::Validation(errors)) => Err(AppError::Validation(
                errors.into_iter().map(member_into_path).collect(),
            )),
            Err(other) => Err(other),
        }
    }
}

fn member_into_path(e: FieldError) -> FieldError {
    match action_member_error(&e.field, &e.message) {
        Some((field, message)) => FieldError::new(field, message),
        None => e,
    }
}

/// Add an event (with any actions) to a draft. It is checked against the draft first:
/// target, conditions, templates, references, and each action type's own checks.
#[utoipa::path(
    post, path = "/api/v1/wizards/{wizard_id}/events", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("wizard_id" = Uuid, Path, description = "Wizard id")),
    request_body = Event,
    responses(
        (status = 201, description = "The new event", body = EventView),
        (status = 403, description = "Not a builder", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid event, by path (`actions[1].config.url`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_event(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(wizard_id): ApiPath<PathId>,
    EventJson(event): EventJson<Event>,
) -> AppResult<(StatusCode, Json<EventView>)> {
    Ok((
        StatusCode::CREATED,
        Json(events::create(&state, &user, wizard_id.uuid(), event).await?),
    ))
}

/// A draft's events with their actions, in order.
#[utoipa::path(
    get, path = "/api/v1/wizards/{wizard_id}/events", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("wizard_id" = Uuid, Path, description = "Wizard id")),
    responses(
        (status = 200, description = "The events", body = Vec<EventView>),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_events(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(wizard_id): ApiPath<PathId>,
) -> AppResult<Json<Vec<EventView>>> {
    Ok(Json(events::list(&state, &user, wizard_id.uuid()).await?))
}

/// One event with its actions.
#[utoipa::path(
    get, path = "/api/v1/wizards/events/{event_id}", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("event_id" = Uuid, Path, description = "Event id")),
    responses(
        (status = 200, description = "The event", body = EventView),
        (status = 404, description = "No such event of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_event(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(event_id): ApiPath<PathId>,
) -> AppResult<Json<EventView>> {
    Ok(Json(events::get(&state, &user, event_id.uuid()).await?))
}

/// Replace an event, actions included (actions keeping their id keep their history).
#[utoipa::path(
    put, path = "/api/v1/wizards/events/{event_id}", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("event_id" = Uuid, Path, description = "Event id")),
    request_body = PutEventRequest,
    responses(
        (status = 200, description = "The event as saved", body = EventView),
        (status = 404, description = "No such event of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid event, by path (`event.actions[0].config.url`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_event(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(event_id): ApiPath<PathId>,
    EventJson(req): EventJson<PutEventRequest>,
) -> AppResult<Json<EventView>> {
    Ok(Json(
        events::put(&state, &user, event_id.uuid(), req).await?,
    ))
}

/// Delete an event and its actions.
#[utoipa::path(
    delete, path = "/api/v1/wizards/events/{event_id}", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("event_id" = Uuid, Path, description = "Event id"), VersionOnly),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such event of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_event(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(event_id): ApiPath<PathId>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<StatusCode> {
    events::delete(&state, &user, event_id.uuid(), q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An event's actions in execution order.
#[utoipa::path(
    get, path = "/api/v1/wizards/events/{event_id}/actions", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("event_id" = Uuid, Path, description = "Event id")),
    responses(
        (status = 200, description = "The actions", body = Vec<ActionView>),
        (status = 404, description = "No such event of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_actions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(event_id): ApiPath<PathId>,
) -> AppResult<Json<Vec<ActionView>>> {
    Ok(Json(
        events::list_actions(&state, &user, event_id.uuid()).await?,
    ))
}

/// Append an action to an event.
#[utoipa::path(
    post, path = "/api/v1/wizards/events/{event_id}/actions", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("event_id" = Uuid, Path, description = "Event id")),
    request_body = Action,
    responses(
        (status = 201, description = "The new action", body = ActionView),
        (status = 404, description = "No such event of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another action of the event has this name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid action, by path (`config.url`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(event_id): ApiPath<PathId>,
    EventJson(action): EventJson<Action>,
) -> AppResult<(StatusCode, Json<ActionView>)> {
    Ok((
        StatusCode::CREATED,
        Json(events::add_action(&state, &user, event_id.uuid(), action).await?),
    ))
}

/// Replace one action.
#[utoipa::path(
    put, path = "/api/v1/wizards/events/{event_id}/actions/{action_id}", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("event_id" = Uuid, Path, description = "Event id"),
        ("action_id" = Uuid, Path, description = "Action id"),
    ),
    request_body = PutActionRequest,
    responses(
        (status = 200, description = "The action as saved", body = ActionView),
        (status = 404, description = "No such action of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid action, by path (`action.config.url`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((event_id, action_id)): ApiPath<(PathId, PathId)>,
    EventJson(req): EventJson<PutActionRequest>,
) -> AppResult<Json<ActionView>> {
    Ok(Json(
        events::put_action(&state, &user, event_id.uuid(), action_id.uuid(), req).await?,
    ))
}

/// Delete one action (refused while a later action reads its output).
#[utoipa::path(
    delete, path = "/api/v1/wizards/events/{event_id}/actions/{action_id}", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("event_id" = Uuid, Path, description = "Event id"),
        ("action_id" = Uuid, Path, description = "Action id"),
        VersionOnly,
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such action of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A later action reads this one's output", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((event_id, action_id)): ApiPath<(PathId, PathId)>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<StatusCode> {
    events::delete_action(&state, &user, event_id.uuid(), action_id.uuid(), q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set the execution order of an event's actions.
#[utoipa::path(
    post, path = "/api/v1/wizards/events/{event_id}/actions/reorder", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("event_id" = Uuid, Path, description = "Event id")),
    request_body = ReorderActionsRequest,
    responses(
        (status = 200, description = "The actions in their new order", body = Vec<ActionView>),
        (status = 404, description = "No such event of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`action_ids` is not a permutation of the event's actions, or the order breaks a template", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reorder_actions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(event_id): ApiPath<PathId>,
    ApiJson(req): ApiJson<ReorderActionsRequest>,
) -> AppResult<Json<Vec<ActionView>>> {
    Ok(Json(
        events::reorder_actions(&state, &user, event_id.uuid(), &req).await?,
    ))
}

/// Run an unsaved action against a draft with sample answers (nothing is stored).
#[utoipa::path(
    post, path = "/api/v1/wizards/actions/test", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    request_body = TestActionRequest,
    responses(
        (status = 200, description = "What the action did", body = ExecuteEventResponse),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid action, by path (`action.config.url`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn test_action(
    State(state): State<AppState>,
    user: CurrentUser,
    EventJson(req): EventJson<TestActionRequest>,
) -> AppResult<Json<ExecuteEventResponse>> {
    Ok(Json(events::test_new(&state, &user, req).await?))
}

/// Run an event as edited (saved or not) once with sample answers: every action in order,
/// with the effects it would have (nothing is stored).
#[utoipa::path(
    post, path = "/api/v1/wizards/events/test", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    request_body = TestEventRequest,
    responses(
        (status = 200, description = "What the event's actions did", body = ExecuteEventResponse),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid event or sample answers, by path (`event.actions[0].config.url`, `event.conditions`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn test_event(
    State(state): State<AppState>,
    user: CurrentUser,
    EventJson(req): EventJson<TestEventRequest>,
) -> AppResult<Json<ExecuteEventResponse>> {
    Ok(Json(events::test_event(&state, &user, req).await?))
}

/// Apply an action's output handling to sample data (a test's raw output): the extracted
/// value, the field value, the options and the render, or why each would fail.
#[utoipa::path(
    post, path = "/api/v1/wizards/actions/preview-output", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PreviewOutputRequest,
    responses(
        (status = 200, description = "Each part of the output handling on the data", body = OutputPreview),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid request, by field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn preview_output(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PreviewOutputRequest>,
) -> AppResult<Json<OutputPreview>> {
    Ok(Json(events::preview_output(&state, &user, req).await?))
}

/// Run a saved action as its event would fire it, with sample answers.
#[utoipa::path(
    post, path = "/api/v1/wizards/actions/{action_id}/test", tag = "events",
    security(("bearer" = []), ("cookie" = [])),
    params(("action_id" = Uuid, Path, description = "Action id")),
    request_body = TestSavedActionRequest,
    responses(
        (status = 200, description = "What the action did", body = ExecuteEventResponse),
        (status = 404, description = "No such action of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn test_saved_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(action_id): ApiPath<PathId>,
    ApiJson(req): ApiJson<TestSavedActionRequest>,
) -> AppResult<Json<ExecuteEventResponse>> {
    Ok(Json(
        events::test_saved(&state, &user, action_id.uuid(), req).await?,
    ))
}
