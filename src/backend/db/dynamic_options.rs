//! The `dynamic_option_sets` table: options an action put into a select of one run
//! (`output_handling.replace_options`), kept so a reload shows them.

use super::{Db, now_text};
use crate::backend::error::AppResult;
use uuid::Uuid;

/// Replaces the options of `option_set_key` in `run_id` (one row per run and select).
pub async fn upsert(
    db: &Db,
    id: Uuid,
    run_id: Uuid,
    option_set_key: &str,
    action_id: Uuid,
    options_json: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO dynamic_option_sets (id, run_id, option_set_key, action_id, options, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (run_id, option_set_key) DO UPDATE SET action_id = excluded.action_id, \
         options = excluded.options, updated_at = excluded.updated_at",
    )
    .bind(id.to_string())
    .bind(run_id.to_string())
    .bind(option_set_key)
    .bind(action_id.to_string())
    .bind(options_json)
    .bind(now_text())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// `(option_set_key, options JSON)` of every select an action filled in this run.
pub async fn list_by_run(db: &Db, run_id: Uuid) -> AppResult<Vec<(String, String)>> {
    Ok(sqlx::query_as::<_, (String, String)>(
        "SELECT option_set_key, options FROM dynamic_option_sets WHERE run_id = $1 \
         ORDER BY option_set_key",
    )
    .bind(run_id.to_string())
    .fetch_all(&db.pool)
    .await?)
}

/// The options JSON an action put into `option_set_key` of `run_id`, if any.
pub async fn get(db: &Db, run_id: Uuid, option_set_key: &str) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT options FROM dynamic_option_sets WHERE run_id = $1 AND option_set_key = $2",
    )
    .bind(run_id.to_string())
    .bind(option_set_key)
    .fetch_optional(&db.pool)
    .await?)
}
