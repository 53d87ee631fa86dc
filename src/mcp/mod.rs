//! MCP (Model Context Protocol) with `rmcp`: the admin's server registry, one pooled client
//! session per server (stdio child processes started lazily and restarted when they exit;
//! streamable HTTP with header auth), tool listing with `inputSchema`, argument validation
//! against it, and tool calls with timeouts.
//!
//! The registry (rows, secrets, admin rules) is in [`registry`]; the sessions are in
//! [`pool`]. Callers that have a server *name* use [`tools`] and [`call`], which look the
//! server up and go through the pool.

pub mod pool;
pub mod registry;
pub mod schema;

use std::time::Duration;

use serde_json::{Map, Value};

pub use pool::{McpPool, PoolError, ServerSpec, ToolInfo, Transport};
pub use registry::{McpServerRequest, McpServerView};

use crate::engine::ActionError;
use crate::error::{AppError, AppResult};
use crate::state::App;

/// The tools of a registered server (cached per session). A server that cannot be started
/// or reached is a 503 with the reason, not a 500.
pub async fn tools(app: &App, server: &str) -> AppResult<std::sync::Arc<Vec<ToolInfo>>> {
    let spec = registry::spec(app, server).await?;
    app.mcp
        .list_tools(&spec)
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))
}

/// Calls `tool` on a registered server with already-rendered `arguments`, validated
/// against the tool's `inputSchema` first.
pub async fn call(
    app: &App,
    server: &str,
    tool: &str,
    arguments: Map<String, Value>,
    timeout: Duration,
) -> Result<Value, ActionError> {
    let spec = registry::spec(app, server)
        .await
        .map_err(|e| ActionError::Invalid(e.to_problem().detail.unwrap_or_default()))?;
    app.mcp.call_tool(&spec, tool, arguments, timeout).await
}
