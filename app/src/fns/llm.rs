//! Server functions of the language model settings (admins), over
//! `wizard_core::backend::llm`, which checks the caller is an admin and validates the fields.
//! The key is write-only: nothing here ever returns it.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use wizard_core::domain::llm::{LlmSettingsUpdate, LlmSettingsView};

use super::{Outcome, UiError};
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

#[server]
pub async fn llm_settings() -> Result<LlmSettingsView, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::llm::settings(&state, &actor)
        .await
        .map_err(ui_error)
}

/// Saves the settings; bad fields come back `Invalid` by name.
#[server(input = Json)]
pub async fn save_llm_settings(
    req: LlmSettingsUpdate,
) -> Result<Outcome<LlmSettingsView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::llm::save_settings(&state, &actor, &req).await)
}

#[server]
pub async fn clear_llm_settings() -> Result<(), UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::llm::clear_settings(&state, &actor)
        .await
        .map_err(ui_error)
}
