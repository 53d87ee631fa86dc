//! `/api/v1/wizards/.../api-configs`: a wizard's API configurations (credentials
//! write-only) and their test call; `/api/v1/admin/outbound-allowlist`: the hosts and
//! networks outbound calls may reach although they are internal (admin).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wizard_core::backend::allowlist::{self, AllowEntry, NewAllowEntry};
use wizard_core::backend::api_configs;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::AppResult;
use wizard_core::backend::state::AppState;
use wizard_core::domain::draft::VersionOnly;
use wizard_core::domain::integration::{
    ApiConfigView, NewApiConfig, TestApiConfigRequest, TestApiConfigResponse, UpdateApiConfig,
};
use wizard_core::domain::problem::Problem;

use crate::extract::{ApiJson, ApiPath, ApiQuery, PathId, parse_json};

/// This module's endpoints (merged into `/api/v1` by `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_api_config, list_api_configs))
        .routes(routes!(
            get_api_config,
            update_api_config,
            delete_api_config
        ))
        .routes(routes!(test_api_config))
        .routes(routes!(list_allowlist, add_allowlist))
        .routes(routes!(delete_allowlist))
}

/// Add an API configuration to a wizard (its owner). Credentials are stored encrypted
/// and never returned.
#[utoipa::path(
    post, path = "/api/v1/wizards/{wizard_id}/api-configs", tag = "api configs",
    security(("bearer" = []), ("cookie" = [])),
    params(("wizard_id" = Uuid, Path, description = "Wizard id")),
    request_body = NewApiConfig,
    responses(
        (status = 201, description = "The new configuration (secrets shown only as `secret_set`)", body = ApiConfigView),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken in this wizard", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, by path (`base_url`, `auth.token_url`, …)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_api_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(wizard_id): ApiPath<PathId>,
    ApiJson(req): ApiJson<NewApiConfig>,
) -> AppResult<(StatusCode, Json<ApiConfigView>)> {
    Ok((
        StatusCode::CREATED,
        Json(api_configs::create(&state, &user, wizard_id.uuid(), &req).await?),
    ))
}

/// A wizard's API configurations (its owner; admins may read).
#[utoipa::path(
    get, path = "/api/v1/wizards/{wizard_id}/api-configs", tag = "api configs",
    security(("bearer" = []), ("cookie" = [])),
    params(("wizard_id" = Uuid, Path, description = "Wizard id")),
    responses(
        (status = 200, description = "The configurations, by name", body = Vec<ApiConfigView>),
        (status = 404, description = "No such wizard you may read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_api_configs(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(wizard_id): ApiPath<PathId>,
) -> AppResult<Json<Vec<ApiConfigView>>> {
    Ok(Json(
        api_configs::list(&state, &user, wizard_id.uuid()).await?,
    ))
}

/// One API configuration.
#[utoipa::path(
    get, path = "/api/v1/wizards/api-configs/{id}", tag = "api configs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "API configuration id")),
    responses(
        (status = 200, description = "The configuration", body = ApiConfigView),
        (status = 404, description = "No such configuration you may read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_api_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<ApiConfigView>> {
    Ok(Json(api_configs::get(&state, &user, id.uuid()).await?))
}

/// Replace an API configuration. A secret left out keeps the stored one while the auth
/// type stays the same; a new auth type needs its secret.
#[utoipa::path(
    put, path = "/api/v1/wizards/api-configs/{id}", tag = "api configs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "API configuration id")),
    request_body = UpdateApiConfig,
    responses(
        (status = 200, description = "The updated configuration", body = ApiConfigView),
        (status = 404, description = "No such configuration of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, or the name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, by path", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_api_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<UpdateApiConfig>,
) -> AppResult<Json<ApiConfigView>> {
    Ok(Json(
        api_configs::update(&state, &user, id.uuid(), &req).await?,
    ))
}

/// Delete an API configuration.
#[utoipa::path(
    delete, path = "/api/v1/wizards/api-configs/{id}", tag = "api configs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "API configuration id"), VersionOnly),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such configuration of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_api_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<StatusCode> {
    api_configs::delete(&state, &user, id.uuid(), q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Try a configuration: a GET of its base URL (or `path` under it) with its auth, through
/// the guarded client. Upstream failures are reported in the body (`ok: false`, `error`).
#[utoipa::path(
    post, path = "/api/v1/wizards/api-configs/{id}/test", tag = "api configs",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "API configuration id")),
    request_body(content = Option<TestApiConfigRequest>, description = "Optional: `{\"path\": \"/health\"}`"),
    responses(
        (status = 200, description = "Status, duration and a body excerpt (credentials never shown)", body = TestApiConfigResponse),
        (status = 404, description = "No such configuration of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `path`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn test_api_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    body: Bytes,
) -> AppResult<Json<TestApiConfigResponse>> {
    let req: TestApiConfigRequest = if body.iter().all(u8::is_ascii_whitespace) {
        TestApiConfigRequest::default()
    } else {
        parse_json(&body)?
    };
    Ok(Json(
        api_configs::test(&state, &user, id.uuid(), &req).await?,
    ))
}

/// The outbound allow-list (admin).
#[utoipa::path(
    get, path = "/api/v1/admin/outbound-allowlist", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The entries, oldest first", body = Vec<AllowEntry>),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_allowlist(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<AllowEntry>>> {
    Ok(Json(allowlist::list(&state, &user).await?))
}

/// Allow outbound calls to a host name, an IP address or a CIDR block although it is
/// loopback, private or link-local (admin).
#[utoipa::path(
    post, path = "/api/v1/admin/outbound-allowlist", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewAllowEntry,
    responses(
        (status = 201, description = "The new entry (pattern normalised)", body = AllowEntry),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already on the list", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a host name, IP address or CIDR block (`pattern`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_allowlist(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewAllowEntry>,
) -> AppResult<(StatusCode, Json<AllowEntry>)> {
    Ok((
        StatusCode::CREATED,
        Json(allowlist::add(&state, &user, &req).await?),
    ))
}

/// Remove an allow-list entry (admin).
#[utoipa::path(
    delete, path = "/api/v1/admin/outbound-allowlist/{id}", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Entry id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_allowlist(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<StatusCode> {
    allowlist::remove(&state, &user, id.uuid()).await?;
    Ok(StatusCode::NO_CONTENT)
}
