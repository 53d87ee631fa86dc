//! The `api_configurations` table (see [`crate::backend::api_configs`]).
//!
//! Storage format (other modules read these columns directly): `auth` is the JSON of
//! `ApiAuth::without_secrets()`, `auth_type` is `ApiAuth::type_name()`, `auth_secret` is
//! `secrets.seal_json(<JSON of the full ApiAuth>)` or NULL, `default_headers` a JSON object.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, is_unique_violation, now_text};
use crate::backend::error::{AppError, AppResult};

#[derive(Debug, Clone, FromRow)]
pub struct ApiConfigRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub wizard_id: Uuid,
    pub config_name: String,
    pub description: String,
    pub base_url: String,
    pub auth_type: String,
    pub auth: String,
    pub auth_secret: Option<String>,
    pub default_headers: String,
    pub timeout_ms: i64,
    pub created_by: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// The columns a create or update writes.
#[derive(Debug, Clone)]
pub struct ApiConfigWrite<'a> {
    pub config_name: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub auth_type: &'a str,
    pub auth: &'a str,
    pub auth_secret: Option<&'a str>,
    pub default_headers: &'a str,
    pub timeout_ms: i64,
}

const SELECT: &str = "SELECT id, wizard_id, config_name, description, base_url, auth_type, \
     auth, auth_secret, default_headers, timeout_ms, created_by, version, created_at, \
     updated_at FROM api_configurations";

fn name_taken(e: sqlx::Error) -> AppError {
    if is_unique_violation(&e) {
        AppError::conflict_on(
            "name",
            "this wizard already has an API configuration of this name",
        )
    } else {
        e.into()
    }
}

pub async fn insert(
    db: &Db,
    id: Uuid,
    wizard_id: Uuid,
    created_by: Option<&str>,
    w: &ApiConfigWrite<'_>,
) -> AppResult<ApiConfigRow> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO api_configurations (id, wizard_id, config_name, description, base_url, \
         auth_type, auth, auth_secret, default_headers, timeout_ms, created_by, version, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12)",
    )
    .bind(id.to_string())
    .bind(wizard_id.to_string())
    .bind(w.config_name)
    .bind(w.description)
    .bind(w.base_url)
    .bind(w.auth_type)
    .bind(w.auth)
    .bind(w.auth_secret)
    .bind(w.default_headers)
    .bind(w.timeout_ms)
    .bind(created_by)
    .bind(&now)
    .execute(&db.pool)
    .await
    .map_err(name_taken)?;
    get(db, id)
        .await?
        .ok_or_else(|| AppError::Internal("inserted API configuration vanished".into()))
}

pub async fn get(db: &Db, id: Uuid) -> AppResult<Option<ApiConfigRow>> {
    let sql = format!("{SELECT} WHERE id = $1");
    Ok(sqlx::query_as::<_, ApiConfigRow>(&sql)
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?)
}

/// A configuration of `wizard_id` by id or, failing that, by name.
pub async fn find(db: &Db, wizard_id: Uuid, id_or_name: &str) -> AppResult<Option<ApiConfigRow>> {
    let sql = format!(
        "{SELECT} WHERE wizard_id = $1 AND (id = $2 OR config_name = $2) \
         ORDER BY CASE WHEN id = $2 THEN 0 ELSE 1 END LIMIT 1"
    );
    Ok(sqlx::query_as::<_, ApiConfigRow>(&sql)
        .bind(wizard_id.to_string())
        .bind(id_or_name)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn list_by_wizard(db: &Db, wizard_id: Uuid) -> AppResult<Vec<ApiConfigRow>> {
    let sql = format!("{SELECT} WHERE wizard_id = $1 ORDER BY config_name, id");
    Ok(sqlx::query_as::<_, ApiConfigRow>(&sql)
        .bind(wizard_id.to_string())
        .fetch_all(&db.pool)
        .await?)
}

/// Writes only if the row is still at `version`; false when it is not (or is gone).
pub async fn update(db: &Db, id: Uuid, version: i64, w: &ApiConfigWrite<'_>) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE api_configurations SET config_name = $1, description = $2, base_url = $3, \
         auth_type = $4, auth = $5, auth_secret = $6, default_headers = $7, timeout_ms = $8, \
         version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11",
    )
    .bind(w.config_name)
    .bind(w.description)
    .bind(w.base_url)
    .bind(w.auth_type)
    .bind(w.auth)
    .bind(w.auth_secret)
    .bind(w.default_headers)
    .bind(w.timeout_ms)
    .bind(now_text())
    .bind(id.to_string())
    .bind(version)
    .execute(&db.pool)
    .await
    .map_err(name_taken)?;
    Ok(done.rows_affected() > 0)
}

/// Deletes only if the row is still at `version`.
pub async fn delete(db: &Db, id: Uuid, version: i64) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM api_configurations WHERE id = $1 AND version = $2")
        .bind(id.to_string())
        .bind(version)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() > 0)
}
