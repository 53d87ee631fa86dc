//! `/api/v1/library/actions`: the action library (DESIGN §5) — actions with typed
//! parameters, their hierarchy, code versions and review. Rules live in
//! `wizard_core::backend::library`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::{AppError, AppResult};
use wizard_core::backend::library::{self, LibraryQuery, ParamEdit};
use wizard_core::backend::state::AppState;
use wizard_core::domain::draft::VersionOnly;
use wizard_core::domain::library::{
    ActionParam, CodeVersionView, HierarchyView, LibraryActionSummary, LibraryActionView,
    LibraryRunRequest, LibraryRunResponse, NewLibraryAction, ParamRequest, ReorderParams,
    ReviewRequest, UpdateLibraryAction,
};
use wizard_core::domain::llm::{GenerateRequest, GenerationView};
use wizard_core::domain::problem::Problem;

use crate::extract::{ApiJson, ApiPath, ApiQuery, PathId};

/// This module's endpoints (merged into `/api/v1` by `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_library_actions, create_library_action))
        .routes(routes!(
            get_library_action,
            update_library_action,
            delete_library_action
        ))
        .routes(routes!(library_hierarchy))
        .routes(routes!(approve_library_action))
        .routes(routes!(reject_library_action))
        .routes(routes!(list_code_versions))
        .routes(routes!(restore_code_version))
        .routes(routes!(run_library_action))
        .routes(routes!(generate_library_code))
        .routes(routes!(list_params, add_param, reorder_params))
        .routes(routes!(replace_param, remove_param))
}

/// Library actions the caller may see (theirs and shared ones; all for an admin).
#[utoipa::path(
    get, path = "/api/v1/library/actions", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(LibraryQuery),
    responses(
        (status = 200, description = "The actions, by name", body = Vec<LibraryActionSummary>),
        (status = 403, description = "Runners have no library", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A malformed filter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_library_actions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LibraryQuery>,
) -> AppResult<Json<Vec<LibraryActionSummary>>> {
    Ok(Json(library::list(&state, &user, &q).await?))
}

/// Create a library action with its parameters. Code is compile-checked first; code that
/// compiles is stored `pending` until its owner or an admin approves it.
#[utoipa::path(
    post, path = "/api/v1/library/actions", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewLibraryAction,
    responses(
        (status = 201, description = "The new action", body = LibraryActionView),
        (status = 403, description = "Runners cannot create actions", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields by path (`params[1].name`, `parent_id`, `code`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_library_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewLibraryAction>,
) -> AppResult<(StatusCode, Json<LibraryActionView>)> {
    Ok((
        StatusCode::CREATED,
        Json(library::create(&state, &user, &req).await?),
    ))
}

/// One library action with its live parameters.
#[utoipa::path(
    get, path = "/api/v1/library/actions/{id}", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    responses(
        (status = 200, description = "The action", body = LibraryActionView),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_library_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<LibraryActionView>> {
    Ok(Json(library::get(&state, &user, id.uuid()).await?))
}

/// Replace a library action (its owner or an admin). Parameters are synced by name (kept,
/// changed, added, retired; order as sent); a parent that would make a cycle is refused at
/// `parent_id`; new code goes back to `pending`.
#[utoipa::path(
    put, path = "/api/v1/library/actions/{id}", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    request_body = UpdateLibraryAction,
    responses(
        (status = 200, description = "The updated action", body = LibraryActionView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, or the name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields by path", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_library_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<UpdateLibraryAction>,
) -> AppResult<Json<LibraryActionView>> {
    Ok(Json(library::update(&state, &user, id.uuid(), &req).await?))
}

/// Delete a library action (its owner or an admin); refused while other actions name it
/// as their parent.
#[utoipa::path(
    delete, path = "/api/v1/library/actions/{id}", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id"), VersionOnly),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, or children use it (named)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_library_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<StatusCode> {
    library::delete(&state, &user, id.uuid(), q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The action's lineage (root first, ending with it) and its descendants as a tree.
#[utoipa::path(
    get, path = "/api/v1/library/actions/{id}/hierarchy", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    responses(
        (status = 200, description = "Lineage and descendants", body = HierarchyView),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn library_hierarchy(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<HierarchyView>> {
    Ok(Json(library::hierarchy(&state, &user, id.uuid()).await?))
}

/// Approve the action's current code (its owner or an admin): it may then run inside
/// wizards. The approver and time are recorded by the server.
#[utoipa::path(
    post, path = "/api/v1/library/actions/{id}/approve", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "Approved", body = LibraryActionView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, or no code to review", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve_library_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> AppResult<Json<LibraryActionView>> {
    Ok(Json(
        library::approve(&state, &user, id.uuid(), &req).await?,
    ))
}

/// Reject the action's current code (its owner or an admin).
#[utoipa::path(
    post, path = "/api/v1/library/actions/{id}/reject", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "Rejected", body = LibraryActionView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, or no code to review", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reject_library_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> AppResult<Json<LibraryActionView>> {
    Ok(Json(library::reject(&state, &user, id.uuid(), &req).await?))
}

/// Every code version of the action, newest first (immutable).
#[utoipa::path(
    get, path = "/api/v1/library/actions/{id}/code-versions", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    responses(
        (status = 200, description = "The versions", body = Vec<CodeVersionView>),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_code_versions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<Vec<CodeVersionView>>> {
    Ok(Json(
        library::code_versions(&state, &user, id.uuid()).await?,
    ))
}

/// Make an earlier code version (with its parameters) current again, as new code to review.
#[utoipa::path(
    post, path = "/api/v1/library/actions/{id}/code-versions/{number}/restore", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("id" = Uuid, Path, description = "Library action id"),
        ("number" = i64, Path, description = "Code version number"),
        VersionOnly,
    ),
    responses(
        (status = 200, description = "The action with that code", body = LibraryActionView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action or version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A malformed version number", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore_code_version(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, number)): ApiPath<(PathId, String)>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<Json<LibraryActionView>> {
    let number = number
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            AppError::field(
                "number",
                format!("`{number}` is not a code version number (1 or more)"),
            )
        })?;
    Ok(Json(
        library::restore(&state, &user, id.uuid(), number, q.version).await?,
    ))
}

/// Test-run the action with parameters: its owner or an admin also runs draft and pending
/// code. Nothing is stored; the log tree comes back. The action failing is `ok: false` with
/// the error naming every level of the hierarchy.
#[utoipa::path(
    post, path = "/api/v1/library/actions/{id}/run", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    request_body = LibraryRunRequest,
    responses(
        (status = 200, description = "The outcome and the log tree", body = LibraryRunResponse),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Parameters that do not fit, by path (`params.LastName`), or a wizard_id not yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn run_library_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<LibraryRunRequest>,
) -> AppResult<Json<LibraryRunResponse>> {
    Ok(Json(library::run(&state, &user, id.uuid(), &req).await?))
}

/// Ask the configured language model to write the action's code and declare its
/// parameters from a description (its owner or an admin; `script` and `generated` actions).
/// The answer is read, compile-checked and stored as a new code version that is *not* yet
/// current; the response holds it with the diff of code and parameters. Accept it by
/// restoring that version (`…/code-versions/{number}/restore`); discard it by doing nothing.
#[utoipa::path(
    post, path = "/api/v1/library/actions/{id}/generate", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    request_body = GenerateRequest,
    responses(
        (status = 200, description = "The proposal and its diff", body = GenerationView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, an action without code (`kind`), or no language model configured", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty or too long `description`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The model failed, timed out, or answered something unusable (code that does not compile, parameters that do not fit); nothing was changed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn generate_library_code(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<GenerateRequest>,
) -> AppResult<Json<GenerationView>> {
    Ok(Json(
        library::generate(&state, &user, id.uuid(), &req).await?,
    ))
}

/// The action's live parameters, in order.
#[utoipa::path(
    get, path = "/api/v1/library/actions/{id}/params", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    responses(
        (status = 200, description = "The parameters", body = Vec<ActionParam>),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_params(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<Vec<ActionParam>>> {
    Ok(Json(library::params(&state, &user, id.uuid()).await?))
}

/// Add a parameter at the end (its owner or an admin).
#[utoipa::path(
    post, path = "/api/v1/library/actions/{id}/params", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    request_body = ParamRequest,
    responses(
        (status = 201, description = "The action with the parameter", body = LibraryActionView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A name taken or malformed, a default of the wrong type (`params[i].…`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_param(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<ParamRequest>,
) -> AppResult<(StatusCode, Json<LibraryActionView>)> {
    let view = library::edit_params(
        &state,
        &user,
        id.uuid(),
        req.version,
        ParamEdit::Add(req.param),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Put the parameters in a new order: `names` lists every live parameter once.
#[utoipa::path(
    put, path = "/api/v1/library/actions/{id}/params", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Library action id")),
    request_body = ReorderParams,
    responses(
        (status = 200, description = "The action, parameters reordered", body = LibraryActionView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`names` is not every parameter once", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reorder_params(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<ReorderParams>,
) -> AppResult<Json<LibraryActionView>> {
    Ok(Json(
        library::edit_params(
            &state,
            &user,
            id.uuid(),
            req.version,
            ParamEdit::Reorder(req.names),
        )
        .await?,
    ))
}

/// Replace one parameter (it may be renamed), keeping its place.
#[utoipa::path(
    put, path = "/api/v1/library/actions/{id}/params/{name}", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("id" = Uuid, Path, description = "Library action id"),
        ("name" = String, Path, description = "The parameter's current name"),
    ),
    request_body = ParamRequest,
    responses(
        (status = 200, description = "The action with the parameter replaced", body = LibraryActionView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action or parameter", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`params[i].…`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replace_param(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, name)): ApiPath<(PathId, String)>,
    ApiJson(req): ApiJson<ParamRequest>,
) -> AppResult<Json<LibraryActionView>> {
    Ok(Json(
        library::edit_params(
            &state,
            &user,
            id.uuid(),
            req.version,
            ParamEdit::Replace(name, req.param),
        )
        .await?,
    ))
}

/// Retire one parameter (kept in the code versions that declared it).
#[utoipa::path(
    delete, path = "/api/v1/library/actions/{id}/params/{name}", tag = "library",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("id" = Uuid, Path, description = "Library action id"),
        ("name" = String, Path, description = "The parameter's name"),
        VersionOnly,
    ),
    responses(
        (status = 200, description = "The action without the parameter", body = LibraryActionView),
        (status = 403, description = "Not yours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action or parameter", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A malformed version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_param(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, name)): ApiPath<(PathId, String)>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<Json<LibraryActionView>> {
    Ok(Json(
        library::edit_params(&state, &user, id.uuid(), q.version, ParamEdit::Remove(name)).await?,
    ))
}
