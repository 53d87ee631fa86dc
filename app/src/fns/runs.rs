//! Server functions of the player, My Runs, the Store and the gallery.
//!
//! Each is a thin wrapper over `wizard_core::backend::runs` / `wizard_core::backend::wizards`, so the REST API
//! and the UI share every rule (ownership, visibility, validation). Calls whose failures a
//! form shows beside its inputs return [`Outcome`]; the rest return the service's message.
//! Inputs are JSON-encoded: answers are arbitrary JSON maps that a URL-encoded form cannot
//! carry faithfully, and one encoding everywhere keeps the client calls uniform.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wizard_core::domain::condition::Answers;
use wizard_core::domain::draft::{TemplateSummary, WizardSummary};
use wizard_core::domain::event::{ActionLog, ExecuteEventRequest, ExecuteEventResponse};
use wizard_core::domain::run::{RunState, RunStatus, RunSummary, RunView, Visibility};

#[cfg(feature = "ssr")]
use super::outcome;
use super::{Outcome, UiError};
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

/// Starts a run on the wizard's live version, pre-filled from `from_run_id` when given
/// (the caller's own run or a shared Store entry), and plays its start events
/// (`wizard.onStart`, the first step's `step.onEntry`) once.
#[server(input = Json)]
pub async fn start_run(wizard_id: Uuid, from_run_id: Option<Uuid>) -> Result<RunView, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let req = wizard_core::domain::run::StartRunRequest {
        wizard_id,
        from_run_id,
    };
    wizard_core::backend::runs::start_playing(&state, &actor, &req)
        .await
        .map_err(ui_error)
}

/// The caller's runs, optionally only those with `status`.
#[server(input = Json)]
pub async fn list_runs(status: Option<RunStatus>) -> Result<Vec<RunSummary>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let query = wizard_core::domain::run::RunQuery { status };
    wizard_core::backend::runs::list(&state, &actor, &query)
        .await
        .map_err(ui_error)
}

/// One run with its answers and pinned definition (own runs, or shared Store entries).
#[server(input = Json)]
pub async fn get_run(id: Uuid) -> Result<RunView, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::runs::get(&state, &actor, id)
        .await
        .map_err(ui_error)
}

/// Merges `answers` into the run (`null` removes one). Refused answers come back as
/// `answers.<key>` field errors.
#[server(input = Json)]
pub async fn save_run_answers(id: Uuid, answers: Answers) -> Result<Outcome<RunState>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let req = wizard_core::domain::run::SaveAnswersRequest { answers };
    outcome(wizard_core::backend::runs::save_answers(&state, &actor, id, &req).await)
}

/// Runs the events of the run's pinned version that match `req.trigger` and its target
/// (the answers in the request are saved first) and returns their effects for the player
/// to apply. Field problems (a refused answer) come back as [`Outcome::Invalid`].
#[server(input = Json)]
pub async fn execute_event(
    id: Uuid,
    req: ExecuteEventRequest,
) -> Result<Outcome<ExecuteEventResponse>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    outcome(wizard_core::backend::engine::execute_event(&state, &actor, id, req).await)
}

/// The run's action-log trees, newest event last (inputs and outputs only for the
/// wizard's owner).
#[server(input = Json)]
pub async fn run_activity(id: Uuid) -> Result<Vec<ActionLog>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::engine::logs::run_logs(&state, &actor, id)
        .await
        .map_err(ui_error)
}

/// Validates the current step on the server and moves to the next visible one.
#[server(input = Json)]
pub async fn next_step(id: Uuid) -> Result<Outcome<RunState>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    outcome(wizard_core::backend::runs::next(&state, &actor, id).await)
}

/// Moves to the previous visible step (no validation: going back never loses anything).
#[server(input = Json)]
pub async fn previous_step(id: Uuid) -> Result<Outcome<RunState>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    outcome(wizard_core::backend::runs::back(&state, &actor, id).await)
}

/// Validates every visible step, makes the run read-only and runs its `wizard.onComplete`.
#[server(input = Json)]
pub async fn complete_run(id: Uuid) -> Result<Outcome<RunState>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    outcome(wizard_core::backend::runs::complete_playing(&state, &actor, id).await)
}

#[server(input = Json)]
pub async fn delete_run(id: Uuid) -> Result<(), UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::runs::delete(&state, &actor, id)
        .await
        .map_err(ui_error)
}

/// Saves the run to the Store under `name` (again: renames it or changes its visibility).
#[server(input = Json)]
pub async fn store_run(
    id: Uuid,
    name: String,
    visibility: Visibility,
) -> Result<Outcome<RunSummary>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let req = wizard_core::domain::run::StoreRunRequest { name, visibility };
    outcome(wizard_core::backend::runs::store(&state, &actor, id, &req).await)
}

/// Takes the run out of the Store; the run itself stays in My Runs.
#[server(input = Json)]
pub async fn unstore_run(id: Uuid) -> Result<RunSummary, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::runs::unstore(&state, &actor, id)
        .await
        .map_err(ui_error)
}

/// The caller's stored runs and everyone's shared ones.
#[server]
pub async fn list_store() -> Result<Vec<RunSummary>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::runs::store_list(&state, &actor)
        .await
        .map_err(ui_error)
}

/// Every wizard with a live version: what the caller may start.
#[server]
pub async fn list_runnable() -> Result<Vec<WizardSummary>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::wizards::list_published(&state, &actor)
        .await
        .map_err(ui_error)
}

/// What the gallery shows: the templates matching the search, and every category (from
/// the unfiltered list, so the filter still offers the others once one is chosen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GalleryData {
    pub templates: Vec<TemplateSummary>,
    pub categories: Vec<String>,
}

/// The gallery is public: anyone may browse it, signed in or not.
#[server(input = Json)]
pub async fn gallery(q: Option<String>, category: Option<String>) -> Result<GalleryData, UiError> {
    use wizard_core::domain::draft::TemplateQuery;
    let state = state()?;
    let clean = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let query = TemplateQuery {
        q: clean(q),
        category: clean(category),
    };
    let all = wizard_core::backend::wizards::templates(&state, &TemplateQuery::default())
        .await
        .map_err(ui_error)?;
    let mut categories: Vec<String> = all.iter().filter_map(|t| t.category.clone()).collect();
    categories.sort_by_key(|c| c.to_lowercase());
    categories.dedup();
    let templates = if query == TemplateQuery::default() {
        all
    } else {
        wizard_core::backend::wizards::templates(&state, &query)
            .await
            .map_err(ui_error)?
    };
    Ok(GalleryData {
        templates,
        categories,
    })
}

/// Copies a template into a new draft owned by the caller (builders and admins); returns
/// the new wizard's id.
#[server(input = Json)]
pub async fn clone_template(wizard_id: Uuid) -> Result<Uuid, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::wizards::clone_template(&state, &actor, wizard_id)
        .await
        .map(|draft| draft.id)
        .map_err(ui_error)
}
