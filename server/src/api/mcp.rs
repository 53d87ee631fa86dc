//! `/api/v1/mcp/servers` (the admin's registry; builders list it and its tools) and a
//! wizard's MCP configurations (`/api/v1/wizards/{wizard_id}/mcp-configs`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wizard_core::backend::auth::CurrentUser;
use wizard_core::backend::error::AppResult;
use wizard_core::backend::mcp::ToolInfo;
use wizard_core::backend::mcp_configs;
use wizard_core::backend::mcp_servers::{self as registry, McpServerRequest, McpServerView};
use wizard_core::backend::state::AppState;
use wizard_core::domain::draft::VersionOnly;
use wizard_core::domain::integration::McpConfig;
use wizard_core::domain::integration::{McpConfigView, UpdateMcpConfig};
use wizard_core::domain::problem::Problem;

use crate::extract::{ApiJson, ApiPath, ApiQuery, PathId, Versioned};

/// This module's endpoints (merged into `/api/v1` by `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_servers, create_server))
        .routes(routes!(update_server, delete_server))
        .routes(routes!(list_tools))
        .routes(routes!(create_config, list_configs))
        .routes(routes!(get_config, update_config, delete_config))
}

/// The registered MCP servers. Builders see names and descriptions; admins also the
/// command/URL and the names (never values) of env variables or headers.
#[utoipa::path(
    get, path = "/api/v1/mcp/servers", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Registered servers", body = Vec<McpServerView>),
        (status = 403, description = "Runners cannot build", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_servers(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<McpServerView>>> {
    Ok(Json(registry::list(&state, &user).await?))
}

/// Register an MCP server (admin): a stdio command or a streamable HTTP URL. `env` and
/// `headers` are encrypted at rest and never returned.
#[utoipa::path(
    post, path = "/api/v1/mcp/servers", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    request_body = McpServerRequest,
    responses(
        (status = 201, description = "Registered", body = McpServerView),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, by name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_server(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<McpServerRequest>,
) -> AppResult<(StatusCode, Json<McpServerView>)> {
    Ok((
        StatusCode::CREATED,
        Json(registry::create(&state, &user, &req).await?),
    ))
}

/// Replace a server's settings (admin). Left-out `env`/`headers` keep the stored ones.
/// Its running session is restarted with the new settings on next use.
#[utoipa::path(
    put, path = "/api/v1/mcp/servers/{server}", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    params(("server" = String, Path, description = "Server name")),
    request_body = McpServerRequest,
    responses(
        (status = 200, description = "Updated", body = McpServerView),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such server", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, by name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_server(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(server): ApiPath<String>,
    ApiJson(req): ApiJson<McpServerRequest>,
) -> AppResult<Json<McpServerView>> {
    Ok(Json(registry::update(&state, &user, &server, &req).await?))
}

/// Remove a server from the registry (admin); its session is closed.
#[utoipa::path(
    delete, path = "/api/v1/mcp/servers/{server}", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    params(("server" = String, Path, description = "Server name"), VersionOnly),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such server", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_server(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(server): ApiPath<String>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<StatusCode> {
    registry::delete(&state, &user, &server, q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The server's tools with their `inputSchema` (the server is started if needed).
#[utoipa::path(
    get, path = "/api/v1/mcp/servers/{server}/tools", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    params(("server" = String, Path, description = "Server name")),
    responses(
        (status = 200, description = "Tools", body = Vec<ToolInfo>),
        (status = 404, description = "No such server", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server cannot be started or reached, or is disabled", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tools(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(server): ApiPath<String>,
) -> AppResult<Json<Vec<ToolInfo>>> {
    let tools = registry::tools(&state, &user, &server).await?;
    Ok(Json(tools.as_ref().clone()))
}

/// Let a wizard use a registered server (optionally only some of its tools).
#[utoipa::path(
    post, path = "/api/v1/wizards/{wizard_id}/mcp-configs", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    params(("wizard_id" = Uuid, Path, description = "Wizard id")),
    request_body = McpConfig,
    responses(
        (status = 201, description = "Created", body = McpConfigView),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown server (`server`), unknown tool (`available_tools[i]`), bounds, duplicate name", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server's tools cannot be listed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(wizard_id): ApiPath<PathId>,
    ApiJson(req): ApiJson<McpConfig>,
) -> AppResult<(StatusCode, Json<McpConfigView>)> {
    Ok((
        StatusCode::CREATED,
        Json(mcp_configs::create(&state, &user, wizard_id.uuid(), &req).await?),
    ))
}

/// A wizard's MCP configurations.
#[utoipa::path(
    get, path = "/api/v1/wizards/{wizard_id}/mcp-configs", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    params(("wizard_id" = Uuid, Path, description = "Wizard id")),
    responses(
        (status = 200, description = "Configurations", body = Vec<McpConfigView>),
        (status = 404, description = "No such wizard of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_configs(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(wizard_id): ApiPath<PathId>,
) -> AppResult<Json<Vec<McpConfigView>>> {
    Ok(Json(
        mcp_configs::list(&state, &user, wizard_id.uuid()).await?,
    ))
}

/// One MCP configuration.
#[utoipa::path(
    get, path = "/api/v1/wizards/mcp-configs/{id}", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Configuration id")),
    responses(
        (status = 200, description = "The configuration", body = McpConfigView),
        (status = 404, description = "No such configuration of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
) -> AppResult<Json<McpConfigView>> {
    Ok(Json(mcp_configs::get(&state, &user, id.uuid()).await?))
}

/// Replace an MCP configuration (send the `version` you read).
#[utoipa::path(
    put, path = "/api/v1/wizards/mcp-configs/{id}", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Configuration id")),
    request_body = UpdateMcpConfig,
    responses(
        (status = 200, description = "Updated", body = McpConfigView),
        (status = 404, description = "No such configuration of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, by path", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server's tools cannot be listed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    Versioned { version, body }: Versioned<McpConfig>,
) -> AppResult<Json<McpConfigView>> {
    let req = UpdateMcpConfig {
        version,
        config: body,
    };
    Ok(Json(
        mcp_configs::update(&state, &user, id.uuid(), &req).await?,
    ))
}

/// Delete an MCP configuration.
#[utoipa::path(
    delete, path = "/api/v1/wizards/mcp-configs/{id}", tag = "mcp",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "Configuration id"), VersionOnly),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such configuration of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_config(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<PathId>,
    ApiQuery(q): ApiQuery<VersionOnly>,
) -> AppResult<StatusCode> {
    mcp_configs::delete(&state, &user, id.uuid(), q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}
