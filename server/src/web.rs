//! Plain HTML form endpoints for signing in, registering and signing out. They work with
//! and without JavaScript: a native form post, then a 303 redirect either to the page the
//! user wanted or back to the form with the errors in the query string.

use app::session::SessionUser;
use axum::extract::{Request, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use wizard_core::backend::accounts::{self, Session};
use wizard_core::backend::auth::{clear_session_cookie, session_cookie};
use wizard_core::backend::error::AppError;
use wizard_core::backend::session;
use wizard_core::backend::state::AppState;
use wizard_core::domain::user::{LoginRequest, RegisterRequest};

use crate::extract::ClientIp;

pub fn router<S: Clone + Send + Sync + 'static>(state: AppState) -> Router<S> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/register", post(register))
        .route("/auth/logout", post(logout))
        .layer(axum::middleware::from_fn(same_site_only))
        .with_state(state)
}

/// Refuses form posts that another site makes the browser send. SameSite cookies protect
/// an existing session, but not *sign-in* CSRF (a foreign page posting the attacker's
/// credentials so the victim works inside the attacker's account) nor forced sign-out.
/// Browsers say where a request comes from in `Sec-Fetch-Site`, older ones in `Origin`;
/// clients that send neither (curl, tests) are not browsers being tricked.
pub(crate) async fn same_site_only(req: Request, next: Next) -> Response {
    let headers = req.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let allowed = match (header("sec-fetch-site"), header("origin")) {
        (Some(site), _) => matches!(site, "same-origin" | "none"),
        (None, Some(origin)) => {
            let origin_host = origin.split("://").nth(1).unwrap_or("");
            header("host").is_some_and(|host| host == origin_host)
        }
        (None, None) => true,
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site form post refused");
        (
            StatusCode::FORBIDDEN,
            "This form can only be submitted from Wizard Platform itself.",
        )
            .into_response()
    }
}

/// Resolves the session of a page request before Leptos renders it, so the layout can
/// read the user synchronously (see `app::session`). API, form and asset requests
/// authenticate on their own and skip this.
pub async fn resolve_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_page = !["/api/", "/pkg/", "/auth/"]
        .iter()
        .any(|p| path.starts_with(p));
    if is_page {
        let user = match session::optional_user(&state, req.headers()).await {
            Ok(Some(current)) => current.user.view().ok(),
            // A stale or forged cookie reads as signed out.
            Ok(None) | Err(AppError::Unauthenticated(_)) => None,
            Err(e) => {
                log_unexpected(&e);
                None
            }
        };
        req.extensions_mut().insert(SessionUser(user));
    }
    next.run(req).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AuthForm {
    email: String,
    password: String,
    display_name: String,
    next: String,
}

/// Only same-site paths are followed, so `next` cannot send a user elsewhere.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

fn see_other(location: &str, cookie: Option<String>) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(LOCATION, v);
    }
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().insert(SET_COOKIE, c);
    }
    resp
}

/// Back to the form with the problem: `error` is the summary, `err_<field>` each field's
/// message; the email is kept so the user does not retype it (never the password).
fn back_to_form(page: &str, form: &AuthForm, err: &AppError) -> Response {
    let problem = err.to_problem();
    let mut pairs: Vec<(String, String)> = vec![
        ("error".into(), problem.detail.unwrap_or(problem.title)),
        ("email".into(), form.email.clone()),
    ];
    if !form.display_name.is_empty() {
        pairs.push(("display_name".into(), form.display_name.clone()));
    }
    if !form.next.is_empty() {
        pairs.push(("next".into(), form.next.clone()));
    }
    for fe in problem.errors {
        pairs.push((format!("err_{}", fe.field), fe.message));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    see_other(&format!("{page}?{query}"), None)
}

fn signed_in(state: &AppState, form: &AuthForm, session: Session) -> Response {
    let cookie = session_cookie(
        &session.token.token,
        session.token.max_age,
        state.auth.cookie_secure,
    );
    see_other(safe_next(&form.next), Some(cookie))
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<AuthForm>,
) -> Response {
    let req = LoginRequest {
        email: form.email.clone(),
        password: form.password.clone(),
    };
    match accounts::login(&state, &req, ip).await {
        Ok(session) => signed_in(&state, &form, session),
        Err(e) => {
            log_unexpected(&e);
            back_to_form("/login", &form, &e)
        }
    }
}

async fn register(State(state): State<AppState>, Form(form): Form<AuthForm>) -> Response {
    let req = RegisterRequest {
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: (!form.display_name.trim().is_empty()).then(|| form.display_name.clone()),
    };
    match accounts::register(&state, &req).await {
        Ok(session) => signed_in(&state, &form, session),
        Err(e) => {
            log_unexpected(&e);
            back_to_form("/register", &form, &e)
        }
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // Whatever the token's state, the browser ends up signed out.
    if let Ok(Some(user)) = session::optional_user(&state, &headers).await
        && let Err(e) = accounts::logout(&state, &user).await
    {
        log_unexpected(&e);
    }
    see_other(
        "/login",
        Some(clear_session_cookie(state.auth.cookie_secure)),
    )
}

fn log_unexpected(e: &AppError) {
    if e.status().is_server_error() {
        tracing::error!(error = %e, "form request failed");
    }
}
