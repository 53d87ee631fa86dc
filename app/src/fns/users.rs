//! Server functions of user administration (admins): the list of accounts and role
//! changes, over `wizard_core::backend::accounts`, which checks the caller is an admin.

use leptos::prelude::*;
use wizard_core::domain::user::UserView;

use super::UiError;
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

/// Every account (admins only).
#[server]
pub async fn list_users() -> Result<Vec<UserView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::accounts::list_users(&state, &actor)
        .await
        .map_err(ui_error)
}

/// Changes a user's role, at the `version` the admin saw (409 when it changed since).
#[server]
pub async fn change_role(
    user_id: uuid::Uuid,
    role: String,
    version: i64,
) -> Result<UserView, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let req = wizard_core::domain::user::ChangeRoleRequest { role, version };
    wizard_core::backend::accounts::change_role(&state, &actor, user_id, &req)
        .await
        .map_err(ui_error)
}
