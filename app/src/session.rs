//! Who is signed in, as the UI sees it, and the server functions behind it.

use leptos::prelude::*;
use wizard_core::user::{Role, UserView};

/// The signed-in user (or `None`), fetched once per page load and shared by context.
#[derive(Clone, Copy)]
pub struct SessionCtx(pub Resource<Result<Option<UserView>, ServerFnError>>);

pub fn provide_session() {
    provide_context(SessionCtx(Resource::new(|| (), |_| current_user())));
}

pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}

pub fn is_admin(user: &Option<UserView>) -> bool {
    user.as_ref().is_some_and(|u| u.role == Role::Admin)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use leptos::prelude::*;
    use wizard_core::auth::{self, CurrentUser};
    use wizard_core::error::AppError;
    use wizard_core::state::AppState;

    pub fn state() -> Result<AppState, ServerFnError> {
        use_context::<AppState>().ok_or_else(|| ServerFnError::new("application state is missing"))
    }

    /// Maps a service error to what the UI shows: the problem's detail, never internals.
    pub fn ui_error(e: AppError) -> ServerFnError {
        let problem = e.to_problem();
        let mut text = problem.detail.unwrap_or(problem.title);
        for fe in problem.errors {
            if !text.contains(&fe.message) {
                text.push_str(&format!(" ({}: {})", fe.field, fe.message));
            }
        }
        ServerFnError::new(text)
    }

    /// The user behind this server-function call; anonymous is `None`.
    pub async fn optional_user() -> Result<Option<CurrentUser>, ServerFnError> {
        let state = state()?;
        let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
        match auth::optional_user(&state, &headers).await {
            Ok(user) => Ok(user),
            // A stale or forged cookie reads as signed out in the UI.
            Err(AppError::Unauthenticated(_)) => Ok(None),
            Err(e) => Err(ui_error(e)),
        }
    }

    pub async fn require_user() -> Result<CurrentUser, ServerFnError> {
        optional_user()
            .await?
            .ok_or_else(|| ui_error(AppError::Unauthenticated("sign in to continue".into())))
    }
}

#[server]
pub async fn current_user() -> Result<Option<UserView>, ServerFnError> {
    match server::optional_user().await? {
        Some(u) => Ok(Some(u.user.view().map_err(server::ui_error)?)),
        None => Ok(None),
    }
}

#[server]
pub async fn list_users() -> Result<Vec<UserView>, ServerFnError> {
    let state = server::state()?;
    let actor = server::require_user().await?;
    wizard_core::accounts::list_users(&state, &actor)
        .await
        .map_err(server::ui_error)
}

#[server]
pub async fn change_role(
    user_id: String,
    role: String,
    version: i64,
) -> Result<UserView, ServerFnError> {
    let state = server::state()?;
    let actor = server::require_user().await?;
    let req = wizard_core::user::ChangeRoleRequest { role, version };
    wizard_core::accounts::change_role(&state, &actor, &user_id, &req)
        .await
        .map_err(server::ui_error)
}
