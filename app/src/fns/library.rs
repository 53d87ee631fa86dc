//! Server functions of the action library (`wizard_core::backend::library`: visibility,
//! ownership, review and test runs are decided there, for every call).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;
use wizard_core::domain::library::{
    CodeVersionView, HierarchyView, LibraryActionSummary, LibraryActionView, LibraryChoice,
    LibraryKind, LibraryRunRequest, LibraryRunResponse, NewLibraryAction, ReviewRequest,
    UpdateLibraryAction,
};

use wizard_core::domain::llm::{GenerateRequest, GenerationView};

use super::{Outcome, UiError};
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

/// The library actions the builder may use in an event, with their parameters.
#[server]
pub async fn library_choices() -> Result<Vec<LibraryChoice>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::library::choices(&state, &actor)
        .await
        .map_err(ui_error)
}

/// The actions the caller may see, narrowed by words and a kind.
#[server]
pub async fn list_library(
    search: String,
    kind: Option<LibraryKind>,
) -> Result<Vec<LibraryActionSummary>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let q = wizard_core::backend::library::LibraryQuery {
        search: Some(search),
        kind,
        parent_id: None,
    };
    wizard_core::backend::library::list(&state, &actor, &q)
        .await
        .map_err(ui_error)
}

#[server]
pub async fn get_library_action(id: Uuid) -> Result<LibraryActionView, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::library::get(&state, &actor, id)
        .await
        .map_err(ui_error)
}

#[server(input = Json)]
pub async fn create_library_action(
    req: NewLibraryAction,
) -> Result<Outcome<LibraryActionView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::library::create(&state, &actor, &req).await)
}

#[server(input = Json)]
pub async fn save_library_action(
    id: Uuid,
    req: UpdateLibraryAction,
) -> Result<Outcome<LibraryActionView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::library::update(&state, &actor, id, &req).await)
}

#[server]
pub async fn delete_library_action(id: Uuid, version: i64) -> Result<Outcome<()>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::library::delete(&state, &actor, id, version).await)
}

/// Approves (`approve`) or rejects the current code; the reviewer is the signed-in user.
#[server(input = Json)]
pub async fn review_library_action(
    id: Uuid,
    approve: bool,
    req: ReviewRequest,
) -> Result<Outcome<LibraryActionView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let r = if approve {
        wizard_core::backend::library::approve(&state, &actor, id, &req).await
    } else {
        wizard_core::backend::library::reject(&state, &actor, id, &req).await
    };
    super::outcome(r)
}

#[server]
pub async fn library_hierarchy(id: Uuid) -> Result<HierarchyView, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::library::hierarchy(&state, &actor, id)
        .await
        .map_err(ui_error)
}

#[server]
pub async fn library_code_versions(id: Uuid) -> Result<Vec<CodeVersionView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::library::code_versions(&state, &actor, id)
        .await
        .map_err(ui_error)
}

#[server]
pub async fn restore_library_code(
    id: Uuid,
    number: i64,
    version: i64,
) -> Result<Outcome<LibraryActionView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(
        wizard_core::backend::library::restore(&state, &actor, id, number, version).await,
    )
}

/// A test run: the outcome and the log tree (nothing stored).
#[server(input = Json)]
pub async fn run_library_action(
    id: Uuid,
    req: LibraryRunRequest,
) -> Result<Outcome<LibraryRunResponse>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::library::run(&state, &actor, id, &req).await)
}

/// Asks the language model for the action's code; the proposal is stored as a code version
/// that is not current (accept it with [`restore_library_code`]). No model configured is a
/// `Conflict`; a failing model is an error whose text says how.
#[server(input = Json)]
pub async fn generate_library_code(
    id: Uuid,
    req: GenerateRequest,
) -> Result<Outcome<GenerationView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::library::generate(&state, &actor, id, &req).await)
}
