//! `/api/v1/auth`: register, sign in, sign out, current user.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use wizard_core::backend::accounts::{self, Session};
use wizard_core::backend::auth::{CurrentUser, clear_session_cookie, session_cookie};
use wizard_core::backend::error::{AppError, AppResult};
use wizard_core::backend::state::AppState;
use wizard_core::domain::problem::Problem;
use wizard_core::domain::user::{LoginRequest, RegisterRequest, UserView};

use crate::extract::{ApiJson, ClientIp};

/// A new session: the user, and the token for `Authorization: Bearer` (browsers also
/// get it as an httpOnly cookie).
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    pub user: UserView,
    pub token: String,
    pub expires_at: String,
}

fn session_response(state: &AppState, status: StatusCode, session: Session) -> AppResult<Response> {
    let cookie = session_cookie(
        &session.token.token,
        session.token.max_age,
        state.auth.cookie_secure,
    );
    let cookie = HeaderValue::from_str(&cookie)
        .map_err(|e| AppError::Internal(format!("cookie header: {e}")))?;
    let body = SessionResponse {
        user: session.user,
        token: session.token.token,
        expires_at: session.token.expires_at,
    };
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut().insert(SET_COOKIE, cookie);
    Ok(resp)
}

/// Create an account. The first account ever created becomes admin.
#[utoipa::path(
    post, path = "/api/v1/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = SessionResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a JSON body", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid email, password or name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> AppResult<Response> {
    let session = accounts::register(&state, &req).await?;
    session_response(&state, StatusCode::CREATED, session)
}

/// Sign in with email and password. Rate limited per client address.
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = SessionResponse),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Response> {
    let session = accounts::login(&state, &req, ip).await?;
    session_response(&state, StatusCode::OK, session)
}

/// End this session: the token stops working and the cookie is cleared.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    accounts::logout(&state, &user).await?;
    let cookie = HeaderValue::from_str(&clear_session_cookie(state.auth.cookie_secure))
        .map_err(|e| AppError::Internal(format!("cookie header: {e}")))?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(SET_COOKIE, cookie);
    Ok(resp)
}

/// The signed-in user.
#[utoipa::path(
    get, path = "/api/v1/auth/me", tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The current user", body = UserView),
        (status = 401, description = "Not signed in, or the token is expired or forged", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(user: CurrentUser) -> AppResult<Json<UserView>> {
    Ok(Json(user.user.view()?))
}
