//! `/api/v1/wizards/{id}/steps`, `…/option-sets`, `…/options`: fine-grained edits of a
//! draft for API clients. Each answers with the whole updated draft (and its new
//! `version`), because a change can make other parts of the wizard invalid or valid.

use axum::Json;
use axum::extract::State;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::{AppError, AppResult};
use wizard_core::backend::state::AppState;
use wizard_core::backend::wizards;
use wizard_core::domain::draft::*;
use wizard_core::domain::problem::Problem;
use wizard_core::domain::{OptionSet, Step};

use crate::extract::{ApiJson, ApiPath, ApiQuery, PathId};

/// Add a step (with any option sets it holds) at `position` (default: the end).
#[utoipa::path(
    post, path = "/api/v1/wizards/{id}/steps", tag = "steps",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id")),
    request_body = AddStepRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid step", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_step(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<AddStepRequest>,
) -> AppResult<Json<WizardDraft>> {
    Ok(Json(
        wizards::add_step(&state, &user, id.uuid(), &req).await?,
    ))
}

/// One step of a draft.
#[utoipa::path(
    get, path = "/api/v1/wizards/{id}/steps/{step_id}", tag = "steps",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("step_id" = Uuid, Path, description = "Step id")),
    responses(
        (status = 200, description = "The step", body = Step),
        (status = 404, description = "No such step", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_step(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, step_id)): ApiPath<(PathId, PathId)>,
) -> AppResult<Json<Step>> {
    let step_id = step_id.uuid();
    let w = wizards::definition(&state, &user, id.uuid()).await?;
    w.steps
        .into_iter()
        .find(|s| s.id == step_id)
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no step with id {step_id}")))
}

/// Replace a step, its option sets included.
#[utoipa::path(
    put, path = "/api/v1/wizards/{id}/steps/{step_id}", tag = "steps",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("step_id" = Uuid, Path, description = "Step id")),
    request_body = PutStepRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such step", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid step", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_step(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, step_id)): ApiPath<(PathId, PathId)>,
    ApiJson(req): ApiJson<PutStepRequest>,
) -> AppResult<Json<WizardDraft>> {
    let step_id = step_id.uuid();
    Ok(Json(
        wizards::put_step(&state, &user, id.uuid(), step_id, &req).await?,
    ))
}

/// Delete a step and its option sets (refused while a condition still names one of them).
#[utoipa::path(
    delete, path = "/api/v1/wizards/{id}/steps/{step_id}", tag = "steps",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("step_id" = Uuid, Path, description = "Step id"), VersionOnly),
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such step", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A condition names a field of this step", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_step(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, step_id)): ApiPath<(PathId, PathId)>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<Json<WizardDraft>> {
    let step_id = step_id.uuid();
    Ok(Json(
        wizards::delete_step(&state, &user, id.uuid(), step_id, q.version).await?,
    ))
}

/// Put the steps in a new order: every step id, once.
#[utoipa::path(
    post, path = "/api/v1/wizards/{id}/steps/reorder", tag = "steps",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id")),
    request_body = ReorderRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a permutation of the step ids", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reorder_steps(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<ReorderRequest>,
) -> AppResult<Json<WizardDraft>> {
    Ok(Json(
        wizards::reorder_steps(&state, &user, id.uuid(), &req).await?,
    ))
}

/// Add an option set (a field) to a step.
#[utoipa::path(
    post, path = "/api/v1/wizards/{id}/steps/{step_id}/option-sets", tag = "option sets",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("step_id" = Uuid, Path, description = "Step id")),
    request_body = AddOptionSetRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such step", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid option set", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_option_set(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, step_id)): ApiPath<(PathId, PathId)>,
    ApiJson(req): ApiJson<AddOptionSetRequest>,
) -> AppResult<Json<WizardDraft>> {
    let step_id = step_id.uuid();
    Ok(Json(
        wizards::add_option_set(&state, &user, id.uuid(), step_id, &req).await?,
    ))
}

/// Put a step's option sets in a new order.
#[utoipa::path(
    post, path = "/api/v1/wizards/{id}/steps/{step_id}/option-sets/reorder", tag = "option sets",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("step_id" = Uuid, Path, description = "Step id")),
    request_body = ReorderRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a permutation of the step's option set ids", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reorder_option_sets(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, step_id)): ApiPath<(PathId, PathId)>,
    ApiJson(req): ApiJson<ReorderRequest>,
) -> AppResult<Json<WizardDraft>> {
    let step_id = step_id.uuid();
    Ok(Json(
        wizards::reorder_option_sets(&state, &user, id.uuid(), step_id, &req).await?,
    ))
}

/// One option set of a draft.
#[utoipa::path(
    get, path = "/api/v1/wizards/{id}/option-sets/{option_set_id}", tag = "option sets",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("option_set_id" = Uuid, Path, description = "Option set id")),
    responses(
        (status = 200, description = "The option set", body = OptionSet),
        (status = 404, description = "No such option set", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_option_set(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, os_id)): ApiPath<(PathId, PathId)>,
) -> AppResult<Json<OptionSet>> {
    let os_id = os_id.uuid();
    let w = wizards::definition(&state, &user, id.uuid()).await?;
    w.steps
        .into_iter()
        .flat_map(|s| s.option_sets)
        .find(|o| o.id == os_id)
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no option set with id {os_id}")))
}

/// Replace an option set (its options included); `step_id` moves it to another step.
#[utoipa::path(
    put, path = "/api/v1/wizards/{id}/option-sets/{option_set_id}", tag = "option sets",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("option_set_id" = Uuid, Path, description = "Option set id")),
    request_body = PutOptionSetRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such option set", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid option set", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_option_set(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, os_id)): ApiPath<(PathId, PathId)>,
    ApiJson(req): ApiJson<PutOptionSetRequest>,
) -> AppResult<Json<WizardDraft>> {
    let os_id = os_id.uuid();
    Ok(Json(
        wizards::put_option_set(&state, &user, id.uuid(), os_id, &req).await?,
    ))
}

/// Delete an option set (refused while a condition still names it).
#[utoipa::path(
    delete, path = "/api/v1/wizards/{id}/option-sets/{option_set_id}", tag = "option sets",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("option_set_id" = Uuid, Path, description = "Option set id"), VersionOnly),
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such option set", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A condition names this field", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_option_set(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, os_id)): ApiPath<(PathId, PathId)>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<Json<WizardDraft>> {
    let os_id = os_id.uuid();
    Ok(Json(
        wizards::delete_option_set(&state, &user, id.uuid(), os_id, q.version).await?,
    ))
}

/// Add an option (a choice) to a select.
#[utoipa::path(
    post, path = "/api/v1/wizards/{id}/option-sets/{option_set_id}/options", tag = "options",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("option_set_id" = Uuid, Path, description = "Option set id")),
    request_body = AddOptionRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such option set", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid option (e.g. duplicate value, or not a select)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_option(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, os_id)): ApiPath<(PathId, PathId)>,
    ApiJson(req): ApiJson<AddOptionRequest>,
) -> AppResult<Json<WizardDraft>> {
    let os_id = os_id.uuid();
    Ok(Json(
        wizards::add_option(&state, &user, id.uuid(), os_id, &req).await?,
    ))
}

/// Put a select's options in a new order.
#[utoipa::path(
    post, path = "/api/v1/wizards/{id}/option-sets/{option_set_id}/options/reorder", tag = "options",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("option_set_id" = Uuid, Path, description = "Option set id")),
    request_body = ReorderRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a permutation of the option ids", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reorder_options(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, os_id)): ApiPath<(PathId, PathId)>,
    ApiJson(req): ApiJson<ReorderRequest>,
) -> AppResult<Json<WizardDraft>> {
    let os_id = os_id.uuid();
    Ok(Json(
        wizards::reorder_options(&state, &user, id.uuid(), os_id, &req).await?,
    ))
}

/// Replace an option.
#[utoipa::path(
    put, path = "/api/v1/wizards/{id}/options/{option_id}", tag = "options",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("option_id" = Uuid, Path, description = "Option id")),
    request_body = PutOptionRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such option", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid option", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_option(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, option_id)): ApiPath<(PathId, PathId)>,
    ApiJson(req): ApiJson<PutOptionRequest>,
) -> AppResult<Json<WizardDraft>> {
    let option_id = option_id.uuid();
    Ok(Json(
        wizards::put_option(&state, &user, id.uuid(), option_id, &req).await?,
    ))
}

/// Delete an option (refused while a condition compares with its value).
#[utoipa::path(
    delete, path = "/api/v1/wizards/{id}/options/{option_id}", tag = "options",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("option_id" = Uuid, Path, description = "Option id"), VersionOnly),
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such option", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The select would be left without options, or a condition uses the value", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_option(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, option_id)): ApiPath<(PathId, PathId)>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<Json<WizardDraft>> {
    let option_id = option_id.uuid();
    Ok(Json(
        wizards::delete_option(&state, &user, id.uuid(), option_id, q.version).await?,
    ))
}
