//! `/api/v1/admin/llm`: the language model that writes library code (admin). The key is
//! write-only. Rules live in `wizard_core::backend::llm`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::AppResult;
use wizard_core::backend::llm;
use wizard_core::backend::state::AppState;
use wizard_core::domain::llm::{LlmSettingsUpdate, LlmSettingsView};
use wizard_core::domain::problem::Problem;

use crate::extract::ApiJson;

/// This module's endpoints (merged into `/api/v1` by `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        get_llm_settings,
        put_llm_settings,
        delete_llm_settings
    ))
}

/// The language model settings (admin); `configured: false` until saved. The API key is
/// never shown, only whether one is set.
#[utoipa::path(
    get, path = "/api/v1/admin/llm", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The settings", body = LlmSettingsView),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_llm_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<LlmSettingsView>> {
    Ok(Json(llm::settings(&state, &user).await?))
}

/// Save the language model settings (admin). Leave `api_key` out to keep the stored key,
/// send one to replace it, or set `clear_api_key`.
#[utoipa::path(
    put, path = "/api/v1/admin/llm", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    request_body = LlmSettingsUpdate,
    responses(
        (status = 200, description = "The saved settings", body = LlmSettingsView),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`base_url`, `model`, `timeout_ms`, `clear_api_key`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_llm_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<LlmSettingsUpdate>,
) -> AppResult<Json<LlmSettingsView>> {
    Ok(Json(llm::save_settings(&state, &user, &req).await?))
}

/// Remove the language model settings and key (admin): generation then says none is set.
#[utoipa::path(
    delete, path = "/api/v1/admin/llm", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Removed (or there were none)"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_llm_settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<StatusCode> {
    llm::clear_settings(&state, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
