//! Who is calling: a request's session cookie or bearer token resolved to its
//! [`CurrentUser`], and the extractor every protected handler takes.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::backend::auth::{CurrentUser, token_from_headers};
use crate::backend::db;
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;

/// Resolves a token to its user: signature, expiry, sign-out and account existence.
pub async fn authenticate(app: &AppState, token: &str) -> AppResult<CurrentUser> {
    let claims = app.tokens.verify(token)?;
    let (user, revoked) = db::users::session_user(&app.db, &claims.sub, &claims.jti)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("the account no longer exists".into()))?;
    if revoked {
        return Err(AppError::Unauthenticated(
            "this session was signed out; sign in again".into(),
        ));
    }
    let role = user.role()?;
    Ok(CurrentUser { user, role, claims })
}

/// The user of a request if it carries a valid session, `None` if anonymous.
/// An invalid token is an error, so a client learns its token is bad.
pub async fn optional_user(app: &AppState, headers: &HeaderMap) -> AppResult<Option<CurrentUser>> {
    match token_from_headers(headers)? {
        Some(token) => authenticate(app, &token).await.map(Some),
        None => Ok(None),
    }
}

impl<S> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        optional_user(&state, &parts.headers)
            .await?
            .ok_or_else(|| AppError::Unauthenticated("sign in to continue".into()))
    }
}
