//! The gallery's starter templates, applied once per database on start-up: imported,
//! published and offered in the gallery. They have no owner, so nobody edits them; users
//! clone them instead. A seed an admin deletes stays deleted (see `applied_seeds`).

use uuid::Uuid;

use crate::backend::db::wizards as repo;
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
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
