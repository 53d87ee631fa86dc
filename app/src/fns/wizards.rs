//! Server functions of the builder: drafts, publishing, versions, import/export.
//!
//! Each is a thin wrapper over `wizard_core::backend::wizards`, so the REST API and the UI share
//! every rule (ownership, roles, validation, optimistic concurrency). Calls that a form
//! makes return [`Outcome`] so field errors and 409s reach the form instead of a banner.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;
use wizard_core::domain::Wizard;
use wizard_core::domain::draft::{UpdateWizardRequest, VersionSummary, WizardDraft, WizardSummary};

#[cfg(feature = "ssr")]
use super::outcome;
use super::{Outcome, UiError};
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

/// The caller's own wizards, newest change first.
#[server]
pub async fn list_my_wizards() -> Result<Vec<WizardSummary>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::wizards::list_mine(&state, &actor)
        .await
        .map_err(ui_error)
}

/// Creates an empty draft; a blank category means none.
#[server]
pub async fn create_wizard(
    name: String,
    description: String,
    category: String,
) -> Result<Outcome<WizardDraft>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let category = category.trim();
    let req = wizard_core::domain::draft::CreateWizardRequest {
        name,
        description,
        category: (!category.is_empty()).then(|| category.to_owned()),
    };
    outcome(wizard_core::backend::wizards::create(&state, &actor, &req).await)
}

#[server]
pub async fn get_wizard_draft(id: Uuid) -> Result<WizardDraft, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::wizards::get_draft(&state, &actor, id)
        .await
        .map_err(ui_error)
}

/// Replaces the whole draft. JSON-encoded because a `Wizard` is a deep tree that a
/// URL-encoded form cannot carry.
#[server(input = Json)]
pub async fn save_wizard_draft(
    id: Uuid,
    version: i64,
    definition: Wizard,
) -> Result<Outcome<WizardDraft>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let req = wizard_core::domain::draft::SaveDraftRequest {
        version,
        definition,
    };
    outcome(wizard_core::backend::wizards::save_draft(&state, &actor, id, &req).await)
}

/// Changes the wizard's own properties (here: the gallery flag).
#[server(input = Json)]
pub async fn update_wizard(
    id: Uuid,
    req: UpdateWizardRequest,
) -> Result<Outcome<WizardDraft>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    outcome(wizard_core::backend::wizards::update(&state, &actor, id, &req).await)
}

#[server]
pub async fn delete_wizard(id: Uuid, version: i64) -> Result<Outcome<()>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    outcome(wizard_core::backend::wizards::delete(&state, &actor, id, version).await)
}

/// Freezes the draft at `version` into a new immutable version that runs start on.
#[server]
pub async fn publish_wizard(id: Uuid, version: i64) -> Result<Outcome<VersionSummary>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    outcome(wizard_core::backend::wizards::publish(&state, &actor, id, version).await)
}

#[server]
pub async fn list_wizard_versions(id: Uuid) -> Result<Vec<VersionSummary>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::wizards::versions(&state, &actor, id)
        .await
        .map_err(ui_error)
}

/// Imports a wizard document pasted or chosen by the user. Takes the raw text so a
/// document that is not even JSON is reported like any other problem, with a position.
#[server]
pub async fn import_wizard(document: String) -> Result<Outcome<WizardDraft>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let doc: serde_json::Value = match serde_json::from_str(&document) {
        Ok(doc) => doc,
        Err(e) => {
            return Ok(Outcome::Invalid(vec![
                wizard_core::domain::problem::FieldError::new(
                    "$",
                    format!("this is not JSON: {e}"),
                ),
            ]));
        }
    };
    outcome(wizard_core::backend::wizards::import(&state, &actor, &doc).await)
}
