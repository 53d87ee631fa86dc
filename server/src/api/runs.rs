//! `/api/v1/wizard-runs`, `/api/v1/store`, `/api/v1/files`: playing published wizards,
//! My Runs, the Store, and the files of upload fields.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::{AppError, AppResult};
use wizard_core::backend::files::{self, Upload};
use wizard_core::backend::runs;
use wizard_core::backend::state::AppState;
use wizard_core::domain::problem::Problem;
use wizard_core::domain::run::*;

use crate::extract::{ApiJson, ApiPath, ApiQuery, PathId};

/// Start a run on a wizard's live version, optionally pre-filled from a readable run.
#[utoipa::path(
    post, path = "/api/v1/wizard-runs", tag = "runs",
    security(("bearer" = []), ("cookie" = [])),
    request_body = StartRunRequest,
    responses(
        (status = 201, description = "The new run with its definition", body = RunView),
        (status = 404, description = "No such published wizard, or source run", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start_run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<StartRunRequest>,
) -> AppResult<(StatusCode, Json<RunView>)> {
    Ok((
        StatusCode::CREATED,
        Json(runs::start(&state, &user, &req).await?),
    ))
}

/// My Runs, most recently updated first; filter with `status`.
#[utoipa::path(
    get, path = "/api/v1/wizard-runs", tag = "runs",
    security(("bearer" = []), ("cookie" = [])),
    params(RunQuery),
    responses(
        (status = 200, description = "The caller's runs", body = Vec<RunSummary>),
        (status = 422, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_runs(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RunQuery>,
) -> AppResult<Json<Vec<RunSummary>>> {
    Ok(Json(runs::list(&state, &user, &q).await?))
}

/// One run with its answers and pinned definition (own runs, or shared Store entries).
#[utoipa::path(
    get, path = "/api/v1/wizard-runs/{id}", tag = "runs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run", body = RunView),
        (status = 404, description = "No such run you may read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<RunView>> {
    Ok(Json(runs::get(&state, &user, id.uuid()).await?))
}

/// Delete one of your runs (and its files).
#[utoipa::path(
    delete, path = "/api/v1/wizard-runs/{id}", tag = "runs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such run of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<StatusCode> {
    runs::delete(&state, &user, id.uuid()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Save answers as they are given (`null` clears one). Written before it is acknowledged.
#[utoipa::path(
    patch, path = "/api/v1/wizard-runs/{id}/answers", tag = "runs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id")),
    request_body = SaveAnswersRequest,
    responses(
        (status = 200, description = "The run's new state", body = RunState),
        (status = 404, description = "No such run of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The run is completed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown, hidden or ill-typed answers, by `answers.<key>`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn save_answers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<SaveAnswersRequest>,
) -> AppResult<Json<RunState>> {
    Ok(Json(
        runs::save_answers(&state, &user, id.uuid(), &req).await?,
    ))
}

/// Check the current step and move to the next visible one.
#[utoipa::path(
    post, path = "/api/v1/wizard-runs/{id}/next", tag = "runs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "Moved", body = RunState),
        (status = 409, description = "Last step, or completed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The step's answers are incomplete or invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn next_step(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<RunState>> {
    Ok(Json(runs::next(&state, &user, id.uuid()).await?))
}

/// Move back to the previous visible step.
#[utoipa::path(
    post, path = "/api/v1/wizard-runs/{id}/back", tag = "runs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "Moved", body = RunState),
        (status = 409, description = "First step, or completed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn previous_step(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<RunState>> {
    Ok(Json(runs::back(&state, &user, id.uuid()).await?))
}

/// Check every visible step and complete the run (read-only from then on).
#[utoipa::path(
    post, path = "/api/v1/wizard-runs/{id}/complete", tag = "runs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "Completed", body = RunState),
        (status = 409, description = "Steps left, or already completed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Incomplete or invalid answers", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complete_run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<RunState>> {
    Ok(Json(runs::complete(&state, &user, id.uuid()).await?))
}

/// Save the run to the Store under a name, private or shared.
#[utoipa::path(
    put, path = "/api/v1/wizard-runs/{id}/store", tag = "store",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id")),
    request_body = StoreRunRequest,
    responses(
        (status = 200, description = "Stored", body = RunSummary),
        (status = 404, description = "No such run of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn store_run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<StoreRunRequest>,
) -> AppResult<Json<RunSummary>> {
    Ok(Json(runs::store(&state, &user, id.uuid(), &req).await?))
}

/// Take the run out of the Store (the run itself stays).
#[utoipa::path(
    delete, path = "/api/v1/wizard-runs/{id}/store", tag = "store",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "No longer stored", body = RunSummary),
        (status = 404, description = "No such run of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unstore_run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<RunSummary>> {
    Ok(Json(runs::unstore(&state, &user, id.uuid()).await?))
}

/// The Store: your stored runs and everyone's shared ones.
#[utoipa::path(
    get, path = "/api/v1/store", tag = "store",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Stored runs", body = Vec<RunSummary>))
)]
pub async fn list_store(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<RunSummary>>> {
    Ok(Json(runs::store_list(&state, &user).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// Key of the `file_upload` field.
    pub field: String,
    /// The file's name as the user sees it.
    pub filename: String,
}

/// Upload one file for a `file_upload` field: the raw bytes as the body, its media type as
/// `Content-Type`. The answer then lists the returned reference.
#[utoipa::path(
    post, path = "/api/v1/wizard-runs/{id}/files", tag = "files",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Run id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses(
        (status = 201, description = "Stored", body = FileRef),
        (status = 404, description = "No such run of yours", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the field accepts", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a file field, or a type it does not accept", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload_file(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiQuery(params): ApiQuery<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<(StatusCode, Json<FileRef>)> {
    // Read at most the largest size any field accepts; the service applies the field's own.
    let limit = usize::try_from(wizard_core::domain::FILE_SIZE_CAP).unwrap_or(usize::MAX);
    let body = axum::body::to_bytes(body, limit).await.map_err(|_| {
        AppError::PayloadTooLarge(format!(
            "files are limited to {} bytes",
            wizard_core::domain::FILE_SIZE_CAP
        ))
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let up = Upload {
        run_id: id.uuid(),
        field: &params.field,
        filename: &params.filename,
        content_type,
        data: &body,
    };
    Ok((
        StatusCode::CREATED,
        Json(files::upload(&state, &user, &up).await?),
    ))
}

/// Download a file (its run's owner, or anyone when the run is shared in the Store). Always
/// an attachment and never sniffed, so an uploaded page cannot run on this site.
#[utoipa::path(
    get, path = "/api/v1/files/{id}", tag = "files",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
        (status = 404, description = "No such file you may read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn download_file(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Response> {
    let (file, data) = files::download(&state, &user, id.uuid()).await?;
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let ascii: String = file
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(resp)
}
