//! The `wizard_events` and `wizard_actions` tables (a draft's events, one row each), plus
//! read/insert of the public columns of `api_configurations` and `mcp_configurations` for
//! assembling a whole draft (publish, export, clone, import).
//!
//! Functions taking `conn` run inside the caller's transaction, so an event and its actions
//! (or a cloned wizard and everything in it) are written all or nothing.

use std::collections::HashMap;

use serde_json::{Value, json};
use sqlx::{AnyConnection, FromRow};
use uuid::Uuid;

use super::{Db, is_unique_violation, parse_column};
use crate::backend::error::{AppError, AppResult};
use crate::domain::condition::Condition;
use crate::domain::event::{Action, Event, Trigger};
use crate::domain::integration::{ApiAuth, ApiConfig, McpConfig};

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub wizard_id: Uuid,
    pub event_trigger: String,
    pub event_name: String,
    pub description: String,
    pub is_enabled: i64,
    pub target_type: String,
    pub target_id: Option<String>,
    pub conditions: Option<String>,
    pub position: i64,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct ActionRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub event_id: Uuid,
    pub action_name: String,
    pub action_type: String,
    pub execution_order: i64,
    pub config: String,
    pub output_handling: Option<String>,
    pub on_error: String,
    pub retry_count: i64,
    pub timeout_ms: Option<i64>,
    pub loading_message: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn corrupt(what: &str, id: Uuid, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} {id} is unreadable: {e}"))
}

impl EventRow {
    /// The event without its actions.
    /// The event with its actions (in their stored order).
    pub fn with_actions(&self, actions: &[ActionRow]) -> AppResult<Event> {
        let mut e = self.to_event()?;
        e.actions = actions
            .iter()
            .map(ActionRow::to_action)
            .collect::<AppResult<_>>()?;
        Ok(e)
    }

    pub fn to_event(&self) -> AppResult<Event> {
        let trigger: Trigger = parse_column(&self.event_trigger, "wizard_events.event_trigger")?;
        let conditions: Option<Condition> = match &self.conditions {
            None => None,
            Some(text) => Some(
                serde_json::from_str(text).map_err(|e| corrupt("event conditions", self.id, e))?,
            ),
        };
        Ok(Event {
            id: self.id,
            name: self.event_name.clone(),
            description: self.description.clone(),
            trigger,
            target_type: Some(parse_column(
                &self.target_type,
                "wizard_events.target_type",
            )?),
            target_id: self
                .target_id
                .as_deref()
                .map(|t| parse_column(t, "wizard_events.target_id"))
                .transpose()?,
            conditions,
            enabled: self.is_enabled != 0,
            actions: Vec::new(),
        })
    }
}

impl ActionRow {
    pub fn to_action(&self) -> AppResult<Action> {
        let config: Value =
            serde_json::from_str(&self.config).map_err(|e| corrupt("action", self.id, e))?;
        let output_handling: Option<Value> = match &self.output_handling {
            None => None,
            Some(text) => {
                Some(serde_json::from_str(text).map_err(|e| corrupt("action", self.id, e))?)
            }
        };
        // The wire shape, so the one parser (with its checks) reads stored rows too.
        let wire = json!({
            "id": self.id,
            "name": self.action_name,
            "action_type": self.action_type,
            "config": config,
            "output_handling": output_handling,
            "on_error": self.on_error,
            "retry_count": self.retry_count,
            "timeout_ms": self.timeout_ms,
            "loading_message": self.loading_message,
        });
        serde_json::from_value(wire).map_err(|e| corrupt("action", self.id, e))
    }
}

const EVENT_COLUMNS: &str = "id, wizard_id, event_trigger, event_name, description, is_enabled, \
     target_type, target_id, conditions, position, version, created_at, updated_at";
const ACTION_COLUMNS: &str = "a.id, a.event_id, a.action_name, a.action_type, \
     a.execution_order, a.config, a.output_handling, a.on_error, a.retry_count, a.timeout_ms, \
     a.loading_message, a.version, a.created_at, a.updated_at";

pub async fn list_events(db: &Db, wizard_id: Uuid) -> AppResult<Vec<EventRow>> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM wizard_events WHERE wizard_id = $1 ORDER BY position, id"
    );
    Ok(sqlx::query_as::<_, EventRow>(&sql)
        .bind(wizard_id.to_string())
        .fetch_all(&db.pool)
        .await?)
}

/// Every action of every event of a wizard, in execution order within each event.
pub async fn list_actions_of_wizard(db: &Db, wizard_id: Uuid) -> AppResult<Vec<ActionRow>> {
    let sql = format!(
        "SELECT {ACTION_COLUMNS} FROM wizard_actions a \
         JOIN wizard_events e ON e.id = a.event_id \
         WHERE e.wizard_id = $1 ORDER BY a.event_id, a.execution_order, a.id"
    );
    Ok(sqlx::query_as::<_, ActionRow>(&sql)
        .bind(wizard_id.to_string())
        .fetch_all(&db.pool)
        .await?)
}

pub async fn list_actions(db: &Db, event_id: Uuid) -> AppResult<Vec<ActionRow>> {
    let sql = format!(
        "SELECT {ACTION_COLUMNS} FROM wizard_actions a WHERE a.event_id = $1 \
         ORDER BY a.execution_order, a.id"
    );
    Ok(sqlx::query_as::<_, ActionRow>(&sql)
        .bind(event_id.to_string())
        .fetch_all(&db.pool)
        .await?)
}

pub async fn get_event(db: &Db, id: Uuid) -> AppResult<Option<EventRow>> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM wizard_events WHERE id = $1");
    Ok(sqlx::query_as::<_, EventRow>(&sql)
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn get_action(db: &Db, id: Uuid) -> AppResult<Option<ActionRow>> {
    let sql = format!("SELECT {ACTION_COLUMNS} FROM wizard_actions a WHERE a.id = $1");
    Ok(sqlx::query_as::<_, ActionRow>(&sql)
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?)
}

/// The events of a wizard with their actions, in order.
pub async fn load_events(db: &Db, wizard_id: Uuid) -> AppResult<Vec<(EventRow, Vec<ActionRow>)>> {
    let events = list_events(db, wizard_id).await?;
    let mut by_event: HashMap<Uuid, Vec<ActionRow>> = HashMap::new();
    for a in list_actions_of_wizard(db, wizard_id).await? {
        by_event.entry(a.event_id).or_default().push(a);
    }
    Ok(events
        .into_iter()
        .map(|e| {
            let actions = by_event.remove(&e.id).unwrap_or_default();
            (e, actions)
        })
        .collect())
}

/// The events of a wizard's draft with their actions, in order (for assembling the draft).
pub async fn events_of_wizard(db: &Db, wizard_id: Uuid) -> AppResult<Vec<Event>> {
    load_events(db, wizard_id)
        .await?
        .iter()
        .map(|(e, actions)| e.with_actions(actions))
        .collect()
}

fn to_text<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(format!("serialising: {e}")))
}

fn opt_text<T: serde::Serialize>(v: Option<&T>) -> AppResult<Option<String>> {
    v.map(to_text).transpose()
}

fn name_taken(e: sqlx::Error, field: &str) -> AppError {
    if is_unique_violation(&e) {
        AppError::conflict_on(field, "an action of this event already has this name")
    } else {
        e.into()
    }
}

/// The next `position` for a new event of `wizard_id`.
pub async fn next_position(conn: &mut AnyConnection, wizard_id: Uuid) -> AppResult<i64> {
    let (next,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM wizard_events WHERE wizard_id = $1",
    )
    .bind(wizard_id.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(next)
}

/// Inserts the event row (not its actions). The event must have its id.
pub async fn insert_event(
    conn: &mut AnyConnection,
    wizard_id: Uuid,
    e: &Event,
    position: i64,
    now: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO wizard_events (id, wizard_id, event_trigger, event_name, description, \
         is_enabled, target_type, target_id, conditions, position, version, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
    )
    .bind(e.id.to_string())
    .bind(wizard_id.to_string())
    .bind(e.trigger.as_str())
    .bind(&e.name)
    .bind(&e.description)
    .bind(i64::from(e.enabled))
    .bind(e.trigger.target_type().as_str())
    .bind(e.target_id.map(|t| t.to_string()))
    .bind(opt_text(e.conditions.as_ref())?)
    .bind(position)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|err| {
        if is_unique_violation(&err) {
            AppError::conflict_on("id", "an event with this id already exists")
        } else {
            err.into()
        }
    })?;
    Ok(())
}

/// Replaces the event row's own columns if it is still at `expected_version`.
pub async fn update_event(
    conn: &mut AnyConnection,
    e: &Event,
    expected_version: i64,
    now: &str,
) -> AppResult<bool> {
    let res = sqlx::query(
        "UPDATE wizard_events SET event_trigger = $1, event_name = $2, description = $3, \
         is_enabled = $4, target_type = $5, target_id = $6, conditions = $7, \
         version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
    )
    .bind(e.trigger.as_str())
    .bind(&e.name)
    .bind(&e.description)
    .bind(i64::from(e.enabled))
    .bind(e.trigger.target_type().as_str())
    .bind(e.target_id.map(|t| t.to_string()))
    .bind(opt_text(e.conditions.as_ref())?)
    .bind(now)
    .bind(e.id.to_string())
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    Ok(res.rows_affected() == 1)
}

pub async fn delete_event(
    conn: &mut AnyConnection,
    id: Uuid,
    expected_version: i64,
) -> AppResult<bool> {
    // Actions go first: SQLite enforces the cascade only with `foreign_keys` on, and this
    // must not depend on a pragma.
    sqlx::query(
        "DELETE FROM wizard_actions WHERE event_id = $1 AND EXISTS \
         (SELECT 1 FROM wizard_events WHERE id = $1 AND version = $2)",
    )
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    let res = sqlx::query("DELETE FROM wizard_events WHERE id = $1 AND version = $2")
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    Ok(res.rows_affected() == 1)
}

/// Inserts one action row. `version`/`created_at` let a replaced action keep its history.
#[allow(clippy::too_many_arguments)]
pub async fn insert_action(
    conn: &mut AnyConnection,
    event_id: Uuid,
    a: &Action,
    order: i64,
    version: i64,
    created_at: &str,
    now: &str,
    path: &str,
) -> AppResult<()> {
    let (config, output) = action_columns(a)?;
    sqlx::query(
        "INSERT INTO wizard_actions (id, event_id, action_name, action_type, execution_order, \
         config, output_handling, on_error, retry_count, timeout_ms, loading_message, version, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(a.id.to_string())
    .bind(event_id.to_string())
    .bind(a.name.to_string())
    .bind(a.action_type().as_str())
    .bind(order)
    .bind(config)
    .bind(output)
    .bind(a.on_error.as_str())
    .bind(i64::from(a.retry_count))
    .bind(timeout(a))
    .bind(a.loading_message.as_deref())
    .bind(version)
    .bind(created_at)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) && e.to_string().contains("action_name") {
            name_taken(e, path)
        } else if is_unique_violation(&e) {
            AppError::conflict_on("id", "an action with this id already exists")
        } else {
            e.into()
        }
    })?;
    Ok(())
}

fn timeout(a: &Action) -> Option<i64> {
    a.timeout_ms.map(|t| i64::try_from(t).unwrap_or(i64::MAX))
}

/// The `config` and `output_handling` columns: the config object alone (the type has its
/// own column).
fn action_columns(a: &Action) -> AppResult<(String, Option<String>)> {
    let wire = serde_json::to_value(&a.config)
        .map_err(|e| AppError::Internal(format!("serialising an action: {e}")))?;
    let config = wire.get("config").cloned().unwrap_or(Value::Null);
    Ok((to_text(&config)?, opt_text(a.output_handling.as_ref())?))
}

pub async fn update_action(
    conn: &mut AnyConnection,
    a: &Action,
    expected_version: i64,
    now: &str,
) -> AppResult<bool> {
    let (config, output) = action_columns(a)?;
    let res = sqlx::query(
        "UPDATE wizard_actions SET action_name = $1, action_type = $2, config = $3, \
         output_handling = $4, on_error = $5, retry_count = $6, timeout_ms = $7, \
         loading_message = $8, version = version + 1, updated_at = $9 \
         WHERE id = $10 AND version = $11",
    )
    .bind(a.name.to_string())
    .bind(a.action_type().as_str())
    .bind(config)
    .bind(output)
    .bind(a.on_error.as_str())
    .bind(i64::from(a.retry_count))
    .bind(timeout(a))
    .bind(a.loading_message.as_deref())
    .bind(now)
    .bind(a.id.to_string())
    .bind(expected_version)
    .execute(&mut *conn)
    .await
    .map_err(|e| name_taken(e, "action.name"))?;
    Ok(res.rows_affected() == 1)
}

pub async fn delete_actions_of(conn: &mut AnyConnection, event_id: Uuid) -> AppResult<()> {
    sqlx::query("DELETE FROM wizard_actions WHERE event_id = $1")
        .bind(event_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete_action(
    conn: &mut AnyConnection,
    id: Uuid,
    expected_version: i64,
) -> AppResult<bool> {
    let res = sqlx::query("DELETE FROM wizard_actions WHERE id = $1 AND version = $2")
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    Ok(res.rows_affected() == 1)
}

pub async fn set_action_order(
    conn: &mut AnyConnection,
    id: Uuid,
    order: i64,
    now: &str,
) -> AppResult<()> {
    sqlx::query("UPDATE wizard_actions SET execution_order = $1, updated_at = $2 WHERE id = $3")
        .bind(order)
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks the event changed because one of its actions changed. Its `version` moves too: a
/// `PUT` of the event replaces every action, so one prepared before this change must get
/// 409 instead of silently undoing it.
pub async fn touch_event(conn: &mut AnyConnection, id: Uuid, now: &str) -> AppResult<()> {
    sqlx::query("UPDATE wizard_events SET updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks the wizard as changed (lists sort by `updated_at`). Its `version` is left alone:
/// editing an event must not make a concurrent step edit stale.
pub async fn touch_wizard(conn: &mut AnyConnection, wizard_id: Uuid, now: &str) -> AppResult<()> {
    sqlx::query("UPDATE wizards SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(wizard_id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// ---- configurations (public columns only) ----------------------------------------------

#[derive(Debug, Clone, FromRow)]
struct ApiConfigRow {
    #[sqlx(try_from = "String")]
    id: Uuid,
    config_name: String,
    description: String,
    base_url: String,
    auth: String,
    has_secret: i64,
    default_headers: String,
    timeout_ms: i64,
}

#[derive(Debug, Clone, FromRow)]
struct McpConfigRow {
    #[sqlx(try_from = "String")]
    id: Uuid,
    config_name: String,
    description: String,
    mcp_server: String,
    available_tools: String,
    timeout_ms: i64,
    max_retries: i64,
}

/// A wizard's API configurations without secrets (`secret_set` says whether one is stored).
pub async fn api_configs(db: &Db, wizard_id: Uuid) -> AppResult<Vec<ApiConfig>> {
    let rows = sqlx::query_as::<_, ApiConfigRow>(
        "SELECT id, config_name, description, base_url, auth, \
         CASE WHEN auth_secret IS NULL THEN 0 ELSE 1 END AS has_secret, default_headers, \
         timeout_ms FROM api_configurations WHERE wizard_id = $1 ORDER BY config_name, id",
    )
    .bind(wizard_id.to_string())
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let auth: ApiAuth =
                serde_json::from_str(&r.auth).map_err(|e| corrupt("API configuration", r.id, e))?;
            Ok(ApiConfig {
                id: r.id,
                name: r.config_name,
                description: r.description,
                base_url: r.base_url,
                auth: auth.without_secrets(),
                default_headers: serde_json::from_str(&r.default_headers)
                    .map_err(|e| corrupt("API configuration", r.id, e))?,
                timeout_ms: u64::try_from(r.timeout_ms).unwrap_or_default(),
                secret_set: r.has_secret != 0,
            })
        })
        .collect()
}

pub async fn mcp_configs(db: &Db, wizard_id: Uuid) -> AppResult<Vec<McpConfig>> {
    let rows = sqlx::query_as::<_, McpConfigRow>(
        "SELECT id, config_name, description, mcp_server, available_tools, timeout_ms, \
         max_retries FROM mcp_configurations WHERE wizard_id = $1 ORDER BY config_name, id",
    )
    .bind(wizard_id.to_string())
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(McpConfig {
                id: r.id,
                name: r.config_name,
                description: r.description,
                server: r.mcp_server,
                available_tools: serde_json::from_str(&r.available_tools)
                    .map_err(|e| corrupt("MCP configuration", r.id, e))?,
                timeout_ms: u64::try_from(r.timeout_ms).unwrap_or_default(),
                max_retries: u32::try_from(r.max_retries).unwrap_or_default(),
            })
        })
        .collect()
}

/// Inserts an API configuration without any secret (clone/import carry none).
pub async fn insert_api_config(
    conn: &mut AnyConnection,
    wizard_id: Uuid,
    c: &ApiConfig,
    created_by: Option<&str>,
    now: &str,
    path: &str,
) -> AppResult<()> {
    let auth = c.auth.without_secrets();
    sqlx::query(
        "INSERT INTO api_configurations (id, wizard_id, config_name, description, base_url, \
         auth_type, auth, auth_secret, default_headers, timeout_ms, created_by, version, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, 1, $11, $11)",
    )
    .bind(c.id.to_string())
    .bind(wizard_id.to_string())
    .bind(&c.name)
    .bind(&c.description)
    .bind(&c.base_url)
    .bind(auth.type_name())
    .bind(to_text(&auth)?)
    .bind(to_text(&c.default_headers)?)
    .bind(i64::try_from(c.timeout_ms).unwrap_or(i64::MAX))
    .bind(created_by)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict_on(
                path,
                "another API configuration of this wizard has this name",
            )
        } else {
            e.into()
        }
    })?;
    Ok(())
}

pub async fn insert_mcp_config(
    conn: &mut AnyConnection,
    wizard_id: Uuid,
    c: &McpConfig,
    created_by: Option<&str>,
    now: &str,
    path: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO mcp_configurations (id, wizard_id, config_name, description, mcp_server, \
         available_tools, timeout_ms, max_retries, created_by, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)",
    )
    .bind(c.id.to_string())
    .bind(wizard_id.to_string())
    .bind(&c.name)
    .bind(&c.description)
    .bind(&c.server)
    .bind(to_text(&c.available_tools)?)
    .bind(i64::try_from(c.timeout_ms).unwrap_or(i64::MAX))
    .bind(i64::from(c.max_retries))
    .bind(created_by)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict_on(
                path,
                "another MCP configuration of this wizard has this name",
            )
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// Inserts every event (with actions) and configuration of `w` under `wizard_id`; ids must
/// be fresh (the caller renews them).
pub async fn insert_all(
    conn: &mut AnyConnection,
    wizard_id: Uuid,
    w: &crate::domain::Wizard,
    created_by: Option<&str>,
    now: &str,
) -> AppResult<()> {
    for (i, c) in w.api_configs.iter().enumerate() {
        insert_api_config(
            conn,
            wizard_id,
            c,
            created_by,
            now,
            &format!("api_configs[{i}].name"),
        )
        .await?;
    }
    for (i, c) in w.mcp_configs.iter().enumerate() {
        insert_mcp_config(
            conn,
            wizard_id,
            c,
            created_by,
            now,
            &format!("mcp_configs[{i}].name"),
        )
        .await?;
    }
    for (i, e) in w.events.iter().enumerate() {
        let position = i64::try_from(i).unwrap_or(i64::MAX) + 1;
        insert_event(conn, wizard_id, e, position, now).await?;
        for (j, a) in e.actions.iter().enumerate() {
            let order = i64::try_from(j).unwrap_or(i64::MAX);
            let path = format!("events[{i}].actions[{j}].name");
            insert_action(conn, e.id, a, order, 1, now, now, &path).await?;
        }
    }
    Ok(())
}
