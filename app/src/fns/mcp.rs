//! Server functions of MCP: the admin's server registry (`wizard_core::backend::mcp_servers`:
//! admin role, validation, sealed write-only env and headers) and a wizard's MCP
//! configurations (`wizard_core::backend::mcp_configs`: ownership, known servers and tools).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wizard_core::domain::integration::{McpConfig, McpConfigView};
use wizard_core::domain::mcp::{McpServerRequest, McpServerView, ToolInfo};

use super::{Outcome, UiError};
#[cfg(feature = "ssr")]
use crate::session::server::{require_user, state, ui_error};

/// A registered server with whether a session to it is live now (the admin's status line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpServerEntry {
    pub server: McpServerView,
    /// `Some` while a session is open; the child's process id for a stdio server.
    pub running: Option<Option<u32>>,
}

/// Every registered server: builders see names and descriptions, admins also how each is
/// reached and the names (never the values) of its env variables or headers.
#[server]
pub async fn list_mcp_servers() -> Result<Vec<McpServerEntry>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let servers = wizard_core::backend::mcp_servers::list(&state, &actor)
        .await
        .map_err(ui_error)?;
    let mut out = Vec::with_capacity(servers.len());
    for server in servers {
        let running = state.mcp.session_state(&server.name).await;
        out.push(McpServerEntry { server, running });
    }
    Ok(out)
}

#[server(input = Json)]
pub async fn create_mcp_server(req: McpServerRequest) -> Result<Outcome<McpServerView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::mcp_servers::create(&state, &actor, &req).await)
}

/// Replaces the server `name` if it is still at `req.version`; `env`/`headers` left out
/// (`None`) keep the stored values.
#[server(input = Json)]
pub async fn save_mcp_server(
    name: String,
    req: McpServerRequest,
) -> Result<Outcome<McpServerView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::mcp_servers::update(&state, &actor, &name, &req).await)
}

#[server(input = Json)]
pub async fn delete_mcp_server(name: String, version: i64) -> Result<Outcome<()>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::mcp_servers::delete(&state, &actor, &name, version).await)
}

/// The server's tools with their `inputSchema`; starting it if needed. An unreachable server
/// is an error naming why (the admin's "List tools", the builder's tool picker).
#[server(input = Json)]
pub async fn mcp_server_tools(name: String) -> Result<Vec<ToolInfo>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::mcp_servers::tools(&state, &actor, &name)
        .await
        .map(|t| t.as_ref().clone())
        .map_err(ui_error)
}

#[server]
pub async fn list_mcp_configs(wizard_id: Uuid) -> Result<Vec<McpConfigView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    wizard_core::backend::mcp_configs::list(&state, &actor, wizard_id)
        .await
        .map_err(ui_error)
}

#[server(input = Json)]
pub async fn create_mcp_config(
    wizard_id: Uuid,
    config: McpConfig,
) -> Result<Outcome<McpConfigView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(
        wizard_core::backend::mcp_configs::create(&state, &actor, wizard_id, &config).await,
    )
}

#[server(input = Json)]
pub async fn save_mcp_config(
    id: Uuid,
    version: i64,
    config: McpConfig,
) -> Result<Outcome<McpConfigView>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    let req = wizard_core::domain::integration::UpdateMcpConfig { version, config };
    super::outcome(wizard_core::backend::mcp_configs::update(&state, &actor, id, &req).await)
}

#[server(input = Json)]
pub async fn delete_mcp_config(id: Uuid, version: i64) -> Result<Outcome<()>, UiError> {
    let state = state()?;
    let actor = require_user().await?;
    super::outcome(wizard_core::backend::mcp_configs::delete(&state, &actor, id, version).await)
}
