//! Server functions of the outbound allow-list (admins), over
//! `wizard_core::backend::allowlist`, which checks the caller is an admin and validates
//! the pattern.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;
use wizard_core::domain::allowlist::AllowEntry;

use super::{Outcome, UiError};
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

/// Every entry (admins only).
#[server]
pub async fn list_allowlist() -> Result<Vec<AllowEntry>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::allowlist::list(&state, &actor)
        .await
        .map_err(ui_error)
}

/// Adds a host, IP address or CIDR block; a malformed one is `Invalid` at `pattern`.
#[server(input = Json)]
pub async fn add_allowlist(pattern: String, note: String) -> Result<Outcome<AllowEntry>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let req = wizard_core::domain::allowlist::NewAllowEntry { pattern, note };
    super::outcome(wizard_core::backend::allowlist::add(&state, &actor, &req).await)
}

#[server(input = Json)]
pub async fn remove_allowlist(id: Uuid) -> Result<(), UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::allowlist::remove(&state, &actor, id)
        .await
        .map_err(ui_error)
}
