//! `/api/v1/wizards`: drafts, publishing, versions, import/export, and the catalogue of
//! published wizards. Ownership and roles are checked by the services.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::AppResult;
use wizard_core::backend::state::AppState;
use wizard_core::backend::wizards;
use wizard_core::domain::draft::*;
use wizard_core::domain::problem::Problem;

use crate::extract::{ApiJson, ApiPath, ApiQuery, PathId};

/// Create an empty draft (builder).
#[utoipa::path(
    post, path = "/api/v1/wizards", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    request_body = CreateWizardRequest,
    responses(
        (status = 201, description = "The new draft", body = WizardDraft),
        (status = 403, description = "Not a builder", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name or category", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_wizard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateWizardRequest>,
) -> AppResult<(StatusCode, Json<WizardDraft>)> {
    Ok((
        StatusCode::CREATED,
        Json(wizards::create(&state, &user, &req).await?),
    ))
}

/// The caller's wizards, most recently changed first (builder).
#[utoipa::path(
    get, path = "/api/v1/wizards", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Own wizards", body = Vec<WizardSummary>),
        (status = 403, description = "Not a builder", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_wizards(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<WizardSummary>>> {
    Ok(Json(wizards::list_mine(&state, &user).await?))
}

/// Every wizard with a live version: what a signed-in user may start.
#[utoipa::path(
    get, path = "/api/v1/published-wizards", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Runnable wizards", body = Vec<WizardSummary>))
)]
pub async fn list_published(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<WizardSummary>>> {
    Ok(Json(wizards::list_published(&state, &user).await?))
}

/// One draft (owner only; anyone else gets 404).
#[utoipa::path(
    get, path = "/api/v1/wizards/{id}", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id")),
    responses(
        (status = 200, description = "The draft", body = WizardDraft),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_wizard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<WizardDraft>> {
    Ok(Json(wizards::get_draft(&state, &user, id.uuid()).await?))
}

/// Replace the whole draft. Items without ids get new ones; every problem is reported with
/// its JSON path; a stale `version` gets 409.
#[utoipa::path(
    put, path = "/api/v1/wizards/{id}", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id")),
    request_body = SaveDraftRequest,
    responses(
        (status = 200, description = "The saved draft", body = WizardDraft),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid wizard", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn save_wizard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<SaveDraftRequest>,
) -> AppResult<Json<WizardDraft>> {
    Ok(Json(
        wizards::save_draft(&state, &user, id.uuid(), &req).await?,
    ))
}

/// Rename, describe, categorise, or offer in the gallery.
#[utoipa::path(
    patch, path = "/api/v1/wizards/{id}", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id")),
    request_body = UpdateWizardRequest,
    responses(
        (status = 200, description = "The updated draft", body = WizardDraft),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid change", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_wizard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<UpdateWizardRequest>,
) -> AppResult<Json<WizardDraft>> {
    Ok(Json(wizards::update(&state, &user, id.uuid(), &req).await?))
}

/// Delete a wizard. Published versions stay, so runs already started can still be opened.
#[utoipa::path(
    delete, path = "/api/v1/wizards/{id}", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), VersionOnly),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_wizard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<StatusCode> {
    wizards::delete(&state, &user, id.uuid(), q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Freeze the draft into a new immutable version and make it live.
#[utoipa::path(
    post, path = "/api/v1/wizards/{id}/publish", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id")),
    request_body = VersionOnly,
    responses(
        (status = 201, description = "The new live version", body = VersionSummary),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, or nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The draft cannot be published", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<VersionOnly>,
) -> AppResult<(StatusCode, Json<VersionSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(wizards::publish(&state, &user, id.uuid(), req.version).await?),
    ))
}

/// Every published version, newest first, marking the live one.
#[utoipa::path(
    get, path = "/api/v1/wizards/{id}/versions", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id")),
    responses(
        (status = 200, description = "Versions", body = Vec<VersionSummary>),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_versions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<Vec<VersionSummary>>> {
    Ok(Json(wizards::versions(&state, &user, id.uuid()).await?))
}

/// One published version with its frozen definition.
#[utoipa::path(
    get, path = "/api/v1/wizards/{id}/versions/{number}", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id"), ("number" = i64, Path, description = "Version number")),
    responses(
        (status = 200, description = "The version", body = PublishedVersion),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_version(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, number)): ApiPath<(PathId, String)>,
) -> AppResult<Json<PublishedVersion>> {
    let number = number
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            wizard_core::backend::error::AppError::field(
                "number",
                format!("`{number}` is not a version number (1 or more)"),
            )
        })?;
    Ok(Json(
        wizards::version(&state, &user, id.uuid(), number).await?,
    ))
}

/// The draft as one JSON document with a schema version (served as a download).
#[utoipa::path(
    get, path = "/api/v1/wizards/{id}/export", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Wizard id")),
    responses(
        (status = 200, description = "Export document `{schema_version, wizard}`", body = Object),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Response> {
    let doc = wizards::export(&state, &user, id.uuid()).await?;
    let name = doc
        .pointer("/wizard/name")
        .and_then(Value::as_str)
        .unwrap_or("wizard");
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut resp = Json(doc.clone()).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.wizard.json\"",
        slug.trim_matches('-')
    )) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// Import an export document as a new draft; every problem is reported with its JSON path.
#[utoipa::path(
    post, path = "/api/v1/wizards/import", tag = "wizards",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = Object, description = "An export document"),
    responses(
        (status = 201, description = "The imported draft", body = WizardDraft),
        (status = 422, description = "Invalid document: every problem with its path", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(doc): ApiJson<Value>,
) -> AppResult<(StatusCode, Json<WizardDraft>)> {
    Ok((
        StatusCode::CREATED,
        Json(wizards::import(&state, &user, &doc).await?),
    ))
}

/// Published templates; `q` searches names and descriptions, `category` filters.
#[utoipa::path(
    get, path = "/api/v1/templates", tag = "templates",
    params(TemplateQuery),
    responses((status = 200, description = "Templates", body = Vec<TemplateSummary>))
)]
pub async fn list_templates(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<TemplateQuery>,
) -> AppResult<Json<Vec<TemplateSummary>>> {
    Ok(Json(wizards::templates(&state, &q).await?))
}

/// Copy a template into a new draft of the caller (builder), every id renewed.
#[utoipa::path(
    post, path = "/api/v1/templates/{id}/clone", tag = "templates",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Template (wizard) id")),
    responses(
        (status = 201, description = "The new draft", body = WizardDraft),
        (status = 403, description = "Not a builder", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn clone_template(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<(StatusCode, Json<WizardDraft>)> {
    Ok((
        StatusCode::CREATED,
        Json(wizards::clone_template(&state, &user, id.uuid()).await?),
    ))
}
