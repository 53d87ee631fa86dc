//! The `run_renders` table: the latest render of each output slot of a run, kept so a
//! reload and the read-only views show what the actions produced.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{Db, now_text};
use crate::backend::error::{AppError, AppResult};
use crate::domain::event::Render;

/// Replaces the render of `slot` in `run_id`.
pub async fn upsert(
    db: &Db,
    run_id: Uuid,
    slot: &str,
    action_id: Uuid,
    render: &Render,
) -> AppResult<()> {
    let text = serde_json::to_string(render)
        .map_err(|e| AppError::Internal(format!("serialising a render: {e}")))?;
    sqlx::query(
        "INSERT INTO run_renders (run_id, slot, action_id, render, updated_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (run_id, slot) DO UPDATE SET action_id = excluded.action_id, \
         render = excluded.render, updated_at = excluded.updated_at",
    )
    .bind(run_id.to_string())
    .bind(slot)
    .bind(action_id.to_string())
    .bind(text)
    .bind(now_text())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The stored render of `slot` in `run_id`, if an action made one.
pub async fn get(db: &Db, run_id: Uuid, slot: &str) -> AppResult<Option<Render>> {
    let row = sqlx::query_as::<_, (String,)>(
        "SELECT render FROM run_renders WHERE run_id = $1 AND slot = $2",
    )
    .bind(run_id.to_string())
    .bind(slot)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(text,)| {
        serde_json::from_str(&text).map_err(|e| {
            AppError::Internal(format!(
                "stored render of slot {slot} in run {run_id} is unreadable: {e}"
            ))
        })
    })
    .transpose()
}

/// Every stored render of a run, by slot.
pub async fn of_run(db: &Db, run_id: Uuid) -> AppResult<BTreeMap<String, Render>> {
    let rows = sqlx::query_as::<_, (String, String)>(
        "SELECT slot, render FROM run_renders WHERE run_id = $1 ORDER BY slot",
    )
    .bind(run_id.to_string())
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(slot, text)| {
            let render = serde_json::from_str(&text).map_err(|e| {
                AppError::Internal(format!(
                    "stored render of slot {slot} in run {run_id} is unreadable: {e}"
                ))
            })?;
            Ok((slot, render))
        })
        .collect()
}
