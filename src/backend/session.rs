//! Who is calling: a request's session cookie or bearer token resolved to its
//! [`CurrentUser`], and the extractor every protected handler takes.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::backend::auth::{CurrentUser, token_from_headers};
use crate::backend::db::{self, Backend, users::UserRow};
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::backend::ttl_cache::TtlCache;

/// Resolves a token to its user: signature, expiry, sign-out and account existence.
pub async fn authenticate(app: &AppState, token: &str) -> AppResult<CurrentUser> {
    let claims = app.tokens.verify(token)?;
    let user = match app.sessions.get(&claims.jti) {
        Some(user) if user.id == claims.sub => user,
        _ => {
            let ticket = app.sessions.ticket();
            let (user, revoked) = db::users::session_user(&app.db, &claims.sub, &claims.jti)
                .await?
                .ok_or_else(|| AppError::Unauthenticated("the account no longer exists".into()))?;
            if revoked {
                return Err(AppError::Unauthenticated(
                    "this session was signed out; sign in again".into(),
                ));
            }
            app.sessions
                .insert(ticket, claims.jti.clone(), user.clone());
            user
        }
    };
    let role = user.role()?;
    Ok(CurrentUser { user, role, claims })
}

/// The cache of sessions checked against the database recently, by token id (issue 15:
/// every request asked). Sign-out and role changes drop their entries at once
/// ([`forget_token`], [`forget_user`]); see [`TtlCache::single_writer`] for when it is on.
pub fn session_cache(backend: Backend) -> TtlCache<String, UserRow> {
    TtlCache::single_writer(backend)
}

/// After a sign-out: the token must stop working now.
pub fn forget_token(app: &AppState, jti: &str) {
    app.sessions.remove(jti);
}

/// After an account change (role): its sessions reload the account.
pub fn forget_user(app: &AppState, user_id: &str) {
    app.sessions.remove_where(|_, user| user.id == user_id);
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
