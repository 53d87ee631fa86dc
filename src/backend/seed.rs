//! The gallery's starter templates, applied once per database on start-up: imported,
//! published and offered in the gallery. They have no owner, so nobody edits them; users
//! clone them instead. A seed an admin deletes stays deleted (see `applied_seeds`).
//!
//! The library's reference hierarchy (DESIGN §5: "Generic REST API" → "Call Salesforce
//! API" → "Create Salesforce Contact") is seeded the same way from `seed/library/`:
//! shared, without an owner (only admins change it), its code approved by the seed.

use uuid::Uuid;

use crate::backend::db::library::{self, ActionWrite};
use crate::backend::db::wizards as repo;
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::domain::library::{ActionParam, CodeStatus, LibraryKind, Visibility, check_action};
use crate::domain::transfer;

/// `(slug, export document)` of every seeded template, compiled into the binary.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "bug-report",
        include_str!("../../seed/templates/bug-report.json"),
    ),
    (
        "event-registration",
        include_str!("../../seed/templates/event-registration.json"),
    ),
    (
        "laptop-configurator",
        include_str!("../../seed/templates/laptop-configurator.json"),
    ),
    (
        "onboarding-checklist",
        include_str!("../../seed/templates/onboarding-checklist.json"),
    ),
    (
        "satisfaction-survey",
        include_str!("../../seed/templates/satisfaction-survey.json"),
    ),
    (
        "trip-budget",
        include_str!("../../seed/templates/trip-budget.json"),
    ),
    (
        "weather-forecast",
        include_str!("../../seed/templates/weather-forecast.json"),
    ),
];

/// Imports and publishes every template not applied before; returns how many were added.
pub async fn apply(app: &AppState) -> AppResult<usize> {
    let mut added = 0;
    for (slug, doc) in TEMPLATES {
        let value: serde_json::Value = serde_json::from_str(doc)
            .map_err(|e| AppError::Internal(format!("seed {slug} is not JSON: {e}")))?;
        let mut w = transfer::import(&value)
            .map_err(|errors| AppError::Internal(format!("seed {slug} is invalid: {errors:?}")))?;
        if !repo::mark_seed_applied(&app.db, &format!("template:{slug}")).await? {
            continue;
        }
        w.id = Uuid::now_v7();
        // Event, action and configuration ids are global rows, as for an import: a
        // document's API configurations carry the export's local ids (`…0001`, `…0002`),
        // which another template's would repeat, so every one is renewed (references
        // follow).
        w.renew_event_and_config_ids();
        w.assign_missing_ids();
        // Events and configurations travel with the template (in their own tables, and in
        // the published version's document, as for any wizard).
        let row = repo::insert_with_events(&app.db, None, &w).await?;
        let version = crate::backend::wizards::assemble(app, &row).await?;
        repo::publish_snapshot(
            &app.db,
            &row,
            row.version,
            "seed",
            &repo::to_json(&version)?,
        )
        .await?;
        repo::set_template(&app.db, row.id).await?;
        added += 1;
    }
    if added > 0 {
        tracing::info!(added, "seeded gallery templates");
    }
    Ok(added)
}

/// The library manifest and the code files it names, compiled into the binary.
const LIBRARY: &str = include_str!("../../seed/library/actions.json");
const LIBRARY_CODE: &[(&str, &str)] = &[
    (
        "call-salesforce-api.js",
        include_str!("../../seed/library/call-salesforce-api.js"),
    ),
    (
        "create-salesforce-contact.js",
        include_str!("../../seed/library/create-salesforce-contact.js"),
    ),
];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedAction {
    slug: String,
    name: String,
    description: String,
    kind: LibraryKind,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    code_file: Option<String>,
    params: Vec<ActionParam>,
}

/// Adds every seeded library action not applied before (parents first, as listed); one
/// whose name a user took already is left out with a warning. Returns how many were added.
pub async fn apply_library(app: &AppState) -> AppResult<usize> {
    let actions: Vec<SeedAction> = serde_json::from_str(LIBRARY)
        .map_err(|e| AppError::Internal(format!("seed/library/actions.json: {e}")))?;
    let mut added = 0;
    for a in actions {
        let code = match &a.code_file {
            Some(file) => LIBRARY_CODE
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, c)| *c)
                .ok_or_else(|| AppError::Internal(format!("seed/library/{file} is missing")))?,
            None => "",
        };
        let problems = check_action(&a.name, code, a.kind, &a.params);
        if !problems.is_empty() {
            return Err(AppError::Internal(format!("seed {}: {problems:?}", a.slug)));
        }
        if library::get_by_name(&app.db, &a.name).await?.is_some() {
            tracing::warn!(name = %a.name, "a library action has this seed's name; the seed is left out");
            continue;
        }
        let parent_id = match &a.parent {
            Some(p) => Some(
                library::get_by_name(&app.db, p)
                    .await?
                    .ok_or_else(|| AppError::Internal(format!("seed {}: no parent {p}", a.slug)))?
                    .id
                    .to_string(),
            ),
            None => None,
        };
        if !repo::mark_seed_applied(&app.db, &format!("library:{}", a.slug)).await? {
            continue;
        }
        let id = Uuid::now_v7();
        let now = crate::backend::db::now_text();
        let mut tx = app.db.begin_write().await?;
        library::insert(
            &mut tx,
            id,
            None,
            &ActionWrite {
                name: &a.name,
                description: &a.description,
                kind: a.kind.as_str(),
                parent_id,
                code,
                prompt: None,
                code_status: CodeStatus::Approved.as_str(),
                approved_by: None,
                approved_at: Some(&now),
                visibility: Visibility::Shared.as_str(),
            },
        )
        .await?;
        library::sync_params(
            &mut tx,
            id,
            &crate::backend::library::params_write(&a.params)?,
        )
        .await?;
        library::insert_code_version(
            &mut tx,
            id,
            code,
            &crate::backend::library::to_json(&a.params)?,
            "seeded",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        added += 1;
    }
    if added > 0 {
        tracing::info!(added, "seeded library actions");
    }
    Ok(added)
}
