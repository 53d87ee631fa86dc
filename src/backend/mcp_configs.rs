//! A wizard's MCP configurations: which registered server its `mcp_call` actions reach, which
//! of its tools they may call, with what timeout and retries. Owned by the wizard's builder.

use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::mcp::{self as repo, ConfigFields, ConfigRow};
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::domain::integration::{McpConfig, McpConfigView, UpdateMcpConfig};
use crate::domain::problem::FieldError;
use crate::domain::user::Role;

/// Bounds of a configuration's timeout (ms) and retries.
pub const MAX_TIMEOUT_MS: u64 = 300_000;
pub const MAX_RETRIES: u32 = 10;

/// A row as the domain type.
pub fn to_config(row: &ConfigRow) -> AppResult<McpConfig> {
    Ok(McpConfig {
        id: row.id,
        name: row.config_name.clone(),
        description: row.description.clone(),
        server: row.mcp_server.clone(),
        available_tools: serde_json::from_str(&row.available_tools).map_err(|_| {
            AppError::Internal(format!(
                "unreadable available_tools of MCP configuration {}",
                row.id
            ))
        })?,
        timeout_ms: u64::try_from(row.timeout_ms).unwrap_or(0),
        max_retries: u32::try_from(row.max_retries).unwrap_or(0),
    })
}

fn to_view(row: &ConfigRow) -> AppResult<McpConfigView> {
    Ok(McpConfigView {
        config: to_config(row)?,
        wizard_id: row.wizard_id,
        version: row.version,
    })
}

/// The MCP configurations of a wizard (what loaders put into `Wizard::mcp_configs`).
pub async fn for_wizard(app: &AppState, wizard_id: Uuid) -> AppResult<Vec<McpConfig>> {
    repo::list_configs(&app.db, wizard_id)
        .await?
        .iter()
        .map(to_config)
        .collect()
}

pub async fn create(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
    req: &McpConfig,
) -> AppResult<McpConfigView> {
    let wizard_id = owned_wizard(app, actor, wizard_id).await?;
    let fields = check(app, wizard_id, None, req).await?;
    let row =
        repo::insert_config(&app.db, Uuid::now_v7(), wizard_id, &actor.user.id, &fields).await?;
    tracing::info!(wizard_id = %wizard_id, config = %row.config_name, "MCP configuration added");
    to_view(&row)
}

pub async fn list(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
) -> AppResult<Vec<McpConfigView>> {
    let wizard_id = owned_wizard(app, actor, wizard_id).await?;
    repo::list_configs(&app.db, wizard_id)
        .await?
        .iter()
        .map(to_view)
        .collect()
}

pub async fn get(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<McpConfigView> {
    to_view(&owned_config(app, actor, id).await?)
}

pub async fn update(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &UpdateMcpConfig,
) -> AppResult<McpConfigView> {
    let row = owned_config(app, actor, id).await?;
    let fields = check(app, row.wizard_id, Some(row.id), &req.config).await?;
    let updated = repo::update_config(&app.db, row.id, req.version, &fields)
        .await?
        .ok_or_else(|| AppError::stale_version("MCP configuration"))?;
    to_view(&updated)
}

pub async fn delete(app: &AppState, actor: &CurrentUser, id: Uuid, version: i64) -> AppResult<()> {
    let row = owned_config(app, actor, id).await?;
    if !repo::delete_config(&app.db, row.id, version).await? {
        return Err(AppError::stale_version("MCP configuration"));
    }
    Ok(())
}

/// The wizard, if it is the caller's (anything else is "not found", as for drafts).
async fn owned_wizard(app: &AppState, actor: &CurrentUser, wizard_id: Uuid) -> AppResult<Uuid> {
    Ok(crate::backend::wizards::owned(app, actor, wizard_id)
        .await?
        .id)
}

async fn owned_config(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<ConfigRow> {
    actor.require(Role::Builder)?;
    let not_found = || AppError::NotFound(format!("no MCP configuration with id {id}"));
    let row = repo::get_config(&app.db, id).await?.ok_or_else(not_found)?;
    crate::backend::wizards::check_part_owner(app, actor, row.wizard_id, not_found).await?;
    Ok(row)
}

/// Every rule of a configuration, each reported at its field: a unique name in the wizard,
/// a registered server, tools that server has, bounded timeout and retries.
async fn check(
    app: &AppState,
    wizard_id: Uuid,
    self_id: Option<Uuid>,
    req: &McpConfig,
) -> AppResult<ConfigFields> {
    let mut errors = Vec::new();
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "must be 1 to 100 characters"));
    } else if repo::list_configs(&app.db, wizard_id)
        .await?
        .iter()
        .any(|c| c.config_name == name && Some(c.id) != self_id)
    {
        errors.push(FieldError::new(
            "name",
            format!("this wizard already has an MCP configuration named `{name}`"),
        ));
    }
    if req.timeout_ms == 0 || req.timeout_ms > MAX_TIMEOUT_MS {
        errors.push(FieldError::new(
            "timeout_ms",
            format!("must be between 1 and {MAX_TIMEOUT_MS}"),
        ));
    }
    if req.max_retries > MAX_RETRIES {
        errors.push(FieldError::new(
            "max_retries",
            format!("must be between 0 and {MAX_RETRIES}"),
        ));
    }
    let server = req.server.trim();
    match repo::get_server(&app.db, server).await? {
        None => errors.push(FieldError::new(
            "server",
            format!("no MCP server named `{server}` is registered"),
        )),
        Some(_) if !req.available_tools.is_empty() => {
            // Needs the server's tool list: an unreachable server is a 503 with the reason.
            let tools = crate::backend::mcp_servers::tools_of(app, server).await?;
            for (i, t) in req.available_tools.iter().enumerate() {
                if !tools.iter().any(|x| &x.name == t) {
                    errors.push(FieldError::new(
                        format!("available_tools[{i}]"),
                        crate::backend::mcp::pool::no_such_tool(server, t, &tools),
                    ));
                }
            }
        }
        Some(_) => {}
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let available_tools = serde_json::to_string(&req.available_tools)
        .map_err(|e| AppError::Internal(format!("cannot serialize: {e}")))?;
    Ok(ConfigFields {
        config_name: name,
        description: req.description.trim().to_owned(),
        mcp_server: server.to_owned(),
        available_tools,
        timeout_ms: i64::try_from(req.timeout_ms).unwrap_or(i64::MAX),
        max_retries: i64::from(req.max_retries),
    })
}
