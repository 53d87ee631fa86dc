//! `/api/v1/users`: user administration, admin only.

use axum::Json;
use axum::extract::State;
use wizard_core::backend::accounts;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::AppResult;
use wizard_core::backend::state::AppState;
use wizard_core::domain::problem::Problem;
use wizard_core::domain::user::{ChangeRoleRequest, UserView};

use crate::extract::ApiJson;
use crate::extract::{ApiPath, PathId};

/// Every account, oldest first.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "users",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "All users", body = Vec<UserView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<UserView>>> {
    Ok(Json(accounts::list_users(&state, &user).await?))
}

/// Change a user's role. Send the `version` you last saw: a stale one gets 409.
#[utoipa::path(
    patch, path = "/api/v1/users/{id}/role", tag = "users",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = ChangeRoleRequest,
    responses(
        (status = 200, description = "The updated user", body = UserView),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version, or the last admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown role", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiJson(req): ApiJson<ChangeRoleRequest>,
) -> AppResult<Json<UserView>> {
    Ok(Json(
        accounts::change_role(&state, &user, id.uuid(), &req).await?,
    ))
}
