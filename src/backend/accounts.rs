//! Account use-cases, called by both the REST API and the Leptos server functions so the
//! rules live in one place.

use std::net::IpAddr;

use uuid::Uuid;

use crate::backend::auth::{self, CurrentUser, IssuedToken};
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::backend::{db, session};
use crate::domain::user::{
    ChangeRoleRequest, LoginRequest, NewAccount, RegisterRequest, Role, UserView,
};

/// A signed-in account and its new session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: UserView,
    pub token: IssuedToken,
}

pub async fn register(app: &AppState, req: &RegisterRequest) -> AppResult<Session> {
    let account = NewAccount::parse(req).map_err(AppError::Validation)?;
    let hash = auth::hash_password(account.password.expose().to_owned()).await?;
    let row = db::users::insert(&app.db, &account, &hash, app.auth.default_role).await?;
    tracing::info!(user_id = %row.id, role = %row.role, "account registered");
    let token = app.tokens.issue(&row.id, app.auth.session_ttl)?;
    Ok(Session {
        user: row.view()?,
        token,
    })
}

/// A hash of a random password: checked when the email is unknown so that a miss costs
/// the same time as a wrong password and does not reveal which emails have accounts.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$W2YfsPlyyPbwlJzG3XSwT5ZOBRZWgkS8fGcnxhTLmBc";

pub async fn login(app: &AppState, req: &LoginRequest, client: IpAddr) -> AppResult<Session> {
    app.login_limiter.check(&client)?;
    let mut missing = Vec::new();
    if req.email.trim().is_empty() {
        missing.push(crate::domain::problem::FieldError::new(
            "email",
            "an email address is required",
        ));
    }
    if req.password.is_empty() {
        missing.push(crate::domain::problem::FieldError::new(
            "password",
            "a password is required",
        ));
    }
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    let email = req.email.trim().to_lowercase();
    let row = db::users::by_email(&app.db, &email).await?;
    let hash = row
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_owned(), |r| r.password_hash.clone());
    let ok = auth::verify_password(req.password.clone(), hash).await?;
    let row = match row {
        Some(row) if ok => row,
        _ => {
            tracing::info!(%client, "sign-in refused");
            return Err(AppError::Unauthenticated(
                "the email or password is not right".into(),
            ));
        }
    };
    let token = app.tokens.issue(&row.id, app.auth.session_ttl)?;
    tracing::info!(user_id = %row.id, "signed in");
    Ok(Session {
        user: row.view()?,
        token,
    })
}

/// Ends the session whose token the user presented (other devices stay signed in).
pub async fn logout(app: &AppState, user: &CurrentUser) -> AppResult<()> {
    let expires = chrono::DateTime::from_timestamp(user.claims.exp, 0)
        .unwrap_or_else(chrono::Utc::now)
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    db::users::revoke_token(&app.db, &user.claims.jti, &expires).await?;
    session::forget_token(app, &user.claims.jti);
    tracing::info!(user_id = %user.user.id, "signed out");
    Ok(())
}

pub async fn list_users(app: &AppState, actor: &CurrentUser) -> AppResult<Vec<UserView>> {
    actor.require(Role::Admin)?;
    db::users::list(&app.db)
        .await?
        .iter()
        .map(db::users::UserRow::view)
        .collect()
}

pub async fn change_role(
    app: &AppState,
    actor: &CurrentUser,
    user_id: Uuid,
    req: &ChangeRoleRequest,
) -> AppResult<UserView> {
    actor.require(Role::Admin)?;
    let role: Role = req
        .role
        .parse()
        .map_err(|m: String| AppError::field("role", m))?;
    let row = db::users::change_role(&app.db, &user_id.to_string(), role, req.version).await?;
    session::forget_user(app, &row.id);
    tracing::info!(actor = %actor.user.id, %user_id, %role, "role changed");
    row.view()
}
