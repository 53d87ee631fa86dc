//! The `mcp_servers` registry (admin) and the `mcp_configurations` of wizards.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, is_unique_violation, new_id, now_text};
use crate::backend::error::{AppError, AppResult};

/// A `mcp_servers` row. `secret` is the sealed env (stdio) or headers (HTTP).
#[derive(Debug, Clone, FromRow)]
pub struct ServerRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub transport: String,
    pub command: Option<String>,
    pub args: String,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub secret_keys: String,
    pub timeout_ms: i64,
    pub is_enabled: i64,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// The columns an admin writes.
#[derive(Debug, Clone)]
pub struct ServerFields {
    pub name: String,
    pub description: String,
    pub transport: String,
    pub command: Option<String>,
    pub args: String,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub secret_keys: String,
    pub timeout_ms: i64,
    pub is_enabled: i64,
}

const SERVER_COLUMNS: &str = "id, name, description, transport, command, args, url, secret, \
     secret_keys, timeout_ms, is_enabled, version, created_at, updated_at";

fn duplicate_server(name: &str) -> AppError {
    AppError::conflict_on(
        "name",
        format!("an MCP server named `{name}` is already registered"),
    )
}

pub async fn insert_server(db: &Db, f: &ServerFields) -> AppResult<ServerRow> {
    let now = now_text();
    let sql = format!(
        "INSERT INTO mcp_servers ({SERVER_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12) RETURNING {SERVER_COLUMNS}"
    );
    sqlx::query_as::<_, ServerRow>(&sql)
        .bind(new_id())
        .bind(&f.name)
        .bind(&f.description)
        .bind(&f.transport)
        .bind(&f.command)
        .bind(&f.args)
        .bind(&f.url)
        .bind(&f.secret)
        .bind(&f.secret_keys)
        .bind(f.timeout_ms)
        .bind(f.is_enabled)
        .bind(&now)
        .fetch_one(&db.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                duplicate_server(&f.name)
            } else {
                e.into()
            }
        })
}

pub async fn list_servers(db: &Db) -> AppResult<Vec<ServerRow>> {
    let sql = format!("SELECT {SERVER_COLUMNS} FROM mcp_servers ORDER BY name");
    Ok(sqlx::query_as::<_, ServerRow>(&sql)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn get_server(db: &Db, name: &str) -> AppResult<Option<ServerRow>> {
    let sql = format!("SELECT {SERVER_COLUMNS} FROM mcp_servers WHERE name = $1");
    Ok(sqlx::query_as::<_, ServerRow>(&sql)
        .bind(name)
        .fetch_optional(&db.pool)
        .await?)
}

/// Writes `f` over the row if it is still at `expected_version`; `None` when it is not.
pub async fn update_server(
    db: &Db,
    id: Uuid,
    expected_version: i64,
    f: &ServerFields,
) -> AppResult<Option<ServerRow>> {
    let sql = format!(
        "UPDATE mcp_servers SET name = $1, description = $2, transport = $3, command = $4, \
         args = $5, url = $6, secret = $7, secret_keys = $8, timeout_ms = $9, is_enabled = $10, \
         version = version + 1, updated_at = $11 \
         WHERE id = $12 AND version = $13 RETURNING {SERVER_COLUMNS}"
    );
    sqlx::query_as::<_, ServerRow>(&sql)
        .bind(&f.name)
        .bind(&f.description)
        .bind(&f.transport)
        .bind(&f.command)
        .bind(&f.args)
        .bind(&f.url)
        .bind(&f.secret)
        .bind(&f.secret_keys)
        .bind(f.timeout_ms)
        .bind(f.is_enabled)
        .bind(now_text())
        .bind(id.to_string())
        .bind(expected_version)
        .fetch_optional(&db.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                duplicate_server(&f.name)
            } else {
                e.into()
            }
        })
}

/// How many wizard configurations name this server.
pub async fn count_configs_using(db: &Db, server: &str) -> AppResult<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM mcp_configurations WHERE mcp_server = $1")
            .bind(server)
            .fetch_one(&db.pool)
            .await?;
    Ok(n)
}

pub async fn delete_server(db: &Db, id: Uuid, expected_version: i64) -> AppResult<bool> {
    let res = sqlx::query("DELETE FROM mcp_servers WHERE id = $1 AND version = $2")
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&db.pool)
        .await?;
    Ok(res.rows_affected() == 1)
}

/// A `mcp_configurations` row.
#[derive(Debug, Clone, FromRow)]
pub struct ConfigRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub wizard_id: Uuid,
    pub config_name: String,
    pub description: String,
    pub mcp_server: String,
    pub available_tools: String,
    pub timeout_ms: i64,
    pub max_retries: i64,
    pub created_by: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// The columns a builder writes.
#[derive(Debug, Clone)]
pub struct ConfigFields {
    pub config_name: String,
    pub description: String,
    pub mcp_server: String,
    pub available_tools: String,
    pub timeout_ms: i64,
    pub max_retries: i64,
}

const CONFIG_COLUMNS: &str = "id, wizard_id, config_name, description, mcp_server, \
     available_tools, timeout_ms, max_retries, created_by, version, created_at, updated_at";

/// A name clash inside one wizard is a field error (422), like any other bad name.
fn duplicate_config(name: &str) -> AppError {
    AppError::field(
        "name",
        format!("this wizard already has an MCP configuration named `{name}`"),
    )
}

pub async fn insert_config(
    db: &Db,
    id: Uuid,
    wizard_id: Uuid,
    created_by: &str,
    f: &ConfigFields,
) -> AppResult<ConfigRow> {
    let now = now_text();
    let sql = format!(
        "INSERT INTO mcp_configurations ({CONFIG_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING {CONFIG_COLUMNS}"
    );
    sqlx::query_as::<_, ConfigRow>(&sql)
        .bind(id.to_string())
        .bind(wizard_id.to_string())
        .bind(&f.config_name)
        .bind(&f.description)
        .bind(&f.mcp_server)
        .bind(&f.available_tools)
        .bind(f.timeout_ms)
        .bind(f.max_retries)
        .bind(created_by)
        .bind(&now)
        .fetch_one(&db.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                duplicate_config(&f.config_name)
            } else {
                e.into()
            }
        })
}

/// A wizard's MCP configurations in the order they were created.
pub async fn list_configs(db: &Db, wizard_id: Uuid) -> AppResult<Vec<ConfigRow>> {
    let sql = format!(
        "SELECT {CONFIG_COLUMNS} FROM mcp_configurations WHERE wizard_id = $1 \
         ORDER BY created_at, id"
    );
    Ok(sqlx::query_as::<_, ConfigRow>(&sql)
        .bind(wizard_id.to_string())
        .fetch_all(&db.pool)
        .await?)
}

pub async fn get_config(db: &Db, id: Uuid) -> AppResult<Option<ConfigRow>> {
    let sql = format!("SELECT {CONFIG_COLUMNS} FROM mcp_configurations WHERE id = $1");
    Ok(sqlx::query_as::<_, ConfigRow>(&sql)
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn update_config(
    db: &Db,
    id: Uuid,
    expected_version: i64,
    f: &ConfigFields,
) -> AppResult<Option<ConfigRow>> {
    let sql = format!(
        "UPDATE mcp_configurations SET config_name = $1, description = $2, mcp_server = $3, \
         available_tools = $4, timeout_ms = $5, max_retries = $6, version = version + 1, \
         updated_at = $7 WHERE id = $8 AND version = $9 RETURNING {CONFIG_COLUMNS}"
    );
    sqlx::query_as::<_, ConfigRow>(&sql)
        .bind(&f.config_name)
        .bind(&f.description)
        .bind(&f.mcp_server)
        .bind(&f.available_tools)
        .bind(f.timeout_ms)
        .bind(f.max_retries)
        .bind(now_text())
        .bind(id.to_string())
        .bind(expected_version)
        .fetch_optional(&db.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                duplicate_config(&f.config_name)
            } else {
                e.into()
            }
        })
}

pub async fn delete_config(db: &Db, id: Uuid, expected_version: i64) -> AppResult<bool> {
    let res = sqlx::query("DELETE FROM mcp_configurations WHERE id = $1 AND version = $2")
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&db.pool)
        .await?;
    Ok(res.rows_affected() == 1)
}
