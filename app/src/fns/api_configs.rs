//! Server functions of the builder's API configurations, over
//! `wizard_core::backend::api_configs` (ownership, validation, encrypted write-only
//! credentials, optimistic concurrency, the guarded test call).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;
use wizard_core::domain::integration::{
    ApiConfigView, NewApiConfig, TestApiConfigResponse, UpdateApiConfig,
};

use super::{Outcome, UiError};
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

#[server]
pub async fn list_api_configs(wizard_id: Uuid) -> Result<Vec<ApiConfigView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::api_configs::list(&state, &actor, wizard_id)
        .await
        .map_err(ui_error)
}

#[server(input = Json)]
pub async fn create_api_config(
    wizard_id: Uuid,
    req: NewApiConfig,
) -> Result<Outcome<ApiConfigView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::api_configs::create(&state, &actor, wizard_id, &req).await)
}

/// Replaces the configuration if it is still at `req.version`; a secret left out keeps the
/// stored one.
#[server(input = Json)]
pub async fn save_api_config(
    id: Uuid,
    req: UpdateApiConfig,
) -> Result<Outcome<ApiConfigView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::api_configs::update(&state, &actor, id, &req).await)
}

#[server(input = Json)]
pub async fn delete_api_config(id: Uuid, version: i64) -> Result<Outcome<()>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::api_configs::delete(&state, &actor, id, version).await)
}

/// "Test connection": a GET of the base URL (or a path under it) with the auth applied.
#[server(input = Json)]
pub async fn test_api_config(
    id: Uuid,
    path: Option<String>,
) -> Result<Outcome<TestApiConfigResponse>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let req = wizard_core::domain::integration::TestApiConfigRequest { path };
    super::outcome(wizard_core::backend::api_configs::test(&state, &actor, id, &req).await)
}
