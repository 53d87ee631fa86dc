//! The admin's registry of MCP servers. Builders see names and descriptions; admins also
//! see how each server is reached. Env variables (stdio) and headers (HTTP auth) are
//! credentials: sealed at rest, write-only, only their names are ever shown.
//!
//! Callers that have a server *name* use [`tools`] and [`call`], which look the server up
//! here and go through the session pool (`backend::mcp`).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use serde_json::{Map, Value};

use crate::backend::auth::CurrentUser;
use crate::backend::db::mcp::{self as repo, ServerFields, ServerRow};
use crate::backend::error::{ActionError, AppError, AppResult};
use crate::backend::mcp::{ServerSpec, ToolInfo, Transport};
use crate::backend::state::AppState;
pub use crate::domain::mcp::{McpServerRequest, McpServerView, McpTransport};
use crate::domain::problem::FieldError;
use crate::domain::user::Role;

/// Longest wait an admin may configure for starting a server or a request, in ms.
pub const MAX_TIMEOUT_MS: u64 = 300_000;

fn transport(row: &ServerRow) -> AppResult<McpTransport> {
    McpTransport::parse(&row.transport).ok_or_else(|| {
        AppError::Internal(format!(
            "unexpected value in column mcp_servers.transport: {:?}",
            row.transport
        ))
    })
}

fn view(row: &ServerRow, admin: bool) -> AppResult<McpServerView> {
    let id = row.id;
    let mut v = McpServerView {
        id,
        name: row.name.clone(),
        description: row.description.clone(),
        transport: transport(row)?,
        timeout_ms: u64::try_from(row.timeout_ms).unwrap_or(0),
        is_enabled: row.is_enabled != 0,
        version: row.version,
        command: None,
        args: None,
        url: None,
        secret_keys: None,
        updated_at: None,
    };
    if admin {
        v.command = row.command.clone();
        v.args = Some(json_list(&row.args, "args")?);
        v.url = row.url.clone();
        v.secret_keys = Some(json_list(&row.secret_keys, "secret_keys")?);
        v.updated_at = Some(row.updated_at.clone());
    }
    Ok(v)
}

fn json_list(s: &str, column: &str) -> AppResult<Vec<String>> {
    serde_json::from_str(s)
        .map_err(|_| AppError::Internal(format!("unreadable mcp_servers.{column}")))
}

fn to_json<T: Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(format!("cannot serialize: {e}")))
}

/// Every registered server (builders and admins).
pub async fn list(app: &AppState, actor: &CurrentUser) -> AppResult<Vec<McpServerView>> {
    actor.require(Role::Builder)?;
    let admin = actor.role >= Role::Admin;
    repo::list_servers(&app.db)
        .await?
        .iter()
        .map(|r| view(r, admin))
        .collect()
}

pub async fn create(
    app: &AppState,
    actor: &CurrentUser,
    req: &McpServerRequest,
) -> AppResult<McpServerView> {
    actor.require(Role::Admin)?;
    let fields = fields(app, req, None)?;
    let row = repo::insert_server(&app.db, &fields).await?;
    tracing::info!(server = %row.name, user_id = %actor.user.id, "MCP server registered");
    view(&row, true)
}

pub async fn update(
    app: &AppState,
    actor: &CurrentUser,
    name: &str,
    req: &McpServerRequest,
) -> AppResult<McpServerView> {
    actor.require(Role::Admin)?;
    let row = existing(app, name).await?;
    let Some(version) = req.version else {
        return Err(AppError::field(
            "version",
            "send the version you read, so a concurrent change is not overwritten",
        ));
    };
    if req.name.trim() != row.name {
        return Err(AppError::field(
            "name",
            "a server cannot be renamed (wizards refer to it by name); register a new one",
        ));
    }
    let fields = fields(app, req, Some(&row))?;
    let updated = repo::update_server(&app.db, row.id, version, &fields)
        .await?
        .ok_or_else(|| AppError::stale_version("MCP server"))?;
    app.mcp.evict(&updated.name).await;
    tracing::info!(server = %updated.name, user_id = %actor.user.id, "MCP server changed");
    view(&updated, true)
}

pub async fn delete(
    app: &AppState,
    actor: &CurrentUser,
    name: &str,
    version: i64,
) -> AppResult<()> {
    actor.require(Role::Admin)?;
    let row = existing(app, name).await?;
    // Wizards name servers in their configurations: removing one under them would break
    // their actions at run time. Disabling (`is_enabled: false`) is the way to pause one.
    let users = repo::count_configs_using(&app.db, &row.name).await?;
    if users > 0 {
        return Err(AppError::Conflict {
            detail: format!(
                "the MCP server `{name}` is used by {users} wizard MCP configuration(s); \
                 remove those first, or disable the server instead"
            ),
            errors: Vec::new(),
        });
    }
    if !repo::delete_server(&app.db, row.id, version).await? {
        return Err(AppError::stale_version("MCP server"));
    }
    app.mcp.evict(&row.name).await;
    tracing::info!(server = %row.name, user_id = %actor.user.id, "MCP server removed");
    Ok(())
}

/// The tools of a server (builders pick from them and render forms from `inputSchema`).
pub async fn tools(
    app: &AppState,
    actor: &CurrentUser,
    name: &str,
) -> AppResult<std::sync::Arc<Vec<ToolInfo>>> {
    actor.require(Role::Builder)?;
    tools_of(app, name).await
}

async fn existing(app: &AppState, name: &str) -> AppResult<ServerRow> {
    repo::get_server(&app.db, name)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no MCP server named `{name}`")))
}

/// How to reach a registered, enabled server, secrets decrypted. Unknown → 404; disabled →
/// 503 (the admin switched it off).
pub async fn spec(app: &AppState, name: &str) -> AppResult<ServerSpec> {
    let row = existing(app, name).await?;
    if row.is_enabled == 0 {
        return Err(AppError::Unavailable(format!(
            "the MCP server `{name}` is disabled by an administrator"
        )));
    }
    let secrets: BTreeMap<String, String> = match &row.secret {
        Some(sealed) => serde_json::from_value(app.secrets.open_json(sealed)?).map_err(|_| {
            AppError::Internal(format!(
                "the stored secrets of MCP server `{name}` are unreadable"
            ))
        })?,
        None => BTreeMap::new(),
    };
    let transport = match transport(&row)? {
        McpTransport::Stdio => Transport::Stdio {
            command: row.command.clone().unwrap_or_default(),
            args: json_list(&row.args, "args")?,
            env: secrets,
        },
        McpTransport::StreamableHttp => Transport::StreamableHttp {
            url: row.url.clone().unwrap_or_default(),
            headers: secrets,
        },
    };
    Ok(ServerSpec {
        name: row.name.clone(),
        id: row.id.to_string(),
        version: row.version,
        transport,
        timeout: Duration::from_millis(u64::try_from(row.timeout_ms).unwrap_or(1).max(1)),
    })
}

/// Header names the MCP transport sets itself.
const RESERVED_HEADERS: &[&str] = &[
    "accept",
    "content-type",
    "content-length",
    "host",
    "mcp-session-id",
    "mcp-protocol-version",
    "last-event-id",
];

/// Checks a request and turns it into columns, sealing the secrets. `old` is the stored row
/// on update (its secrets are kept when the request leaves them out).
fn fields(
    app: &AppState,
    req: &McpServerRequest,
    old: Option<&ServerRow>,
) -> AppResult<ServerFields> {
    let mut errors = Vec::new();
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.len() > 100 {
        errors.push(FieldError::new("name", "must be 1 to 100 characters"));
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        errors.push(FieldError::new(
            "name",
            "may contain only letters, digits, `_`, `-` and `.` (it appears in URLs)",
        ));
    }
    if req.timeout_ms == 0 || req.timeout_ms > MAX_TIMEOUT_MS {
        errors.push(FieldError::new(
            "timeout_ms",
            format!("must be between 1 and {MAX_TIMEOUT_MS}"),
        ));
    }
    let secrets = match req.transport {
        McpTransport::Stdio => {
            match req.command.as_deref().map(str::trim) {
                None | Some("") => errors.push(FieldError::new(
                    "command",
                    "a stdio server needs the command that starts it",
                )),
                Some(_) => {}
            }
            if req.url.is_some() {
                errors.push(FieldError::new(
                    "url",
                    "only streamable HTTP servers have a URL",
                ));
            }
            if req.headers.is_some() {
                errors.push(FieldError::new(
                    "headers",
                    "only streamable HTTP servers have headers; use `env` for a stdio server",
                ));
            }
            if let Some(env) = &req.env {
                for k in env.keys() {
                    let ok = !k.is_empty()
                        && !k.starts_with(|c: char| c.is_ascii_digit())
                        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if !ok {
                        errors.push(FieldError::new(
                            format!("env.{k}"),
                            "an environment variable name has letters, digits and `_` only",
                        ));
                    }
                }
            }
            &req.env
        }
        McpTransport::StreamableHttp => {
            match req.url.as_deref().map(str::trim) {
                Some(u) if is_http_url(u) => {}
                _ => errors.push(FieldError::new(
                    "url",
                    "a streamable HTTP server needs an http:// or https:// URL",
                )),
            }
            if req.command.is_some() || !req.args.is_empty() {
                errors.push(FieldError::new(
                    "command",
                    "only stdio servers have a command and arguments",
                ));
            }
            if req.env.is_some() {
                errors.push(FieldError::new(
                    "env",
                    "only stdio servers have environment variables; use `headers` for HTTP auth",
                ));
            }
            if let Some(headers) = &req.headers {
                for (k, v) in headers {
                    let path = format!("headers.{k}");
                    if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err() {
                        errors.push(FieldError::new(path, "not a valid header name"));
                    } else if RESERVED_HEADERS.contains(&k.to_ascii_lowercase().as_str()) {
                        errors.push(FieldError::new(
                            path,
                            "this header is set by the MCP transport",
                        ));
                    } else if reqwest::header::HeaderValue::from_str(v).is_err() {
                        errors.push(FieldError::new(path, "not a valid header value"));
                    }
                }
            }
            &req.headers
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    // A transport change drops the old secrets: env variables are no headers.
    let same_transport = old.is_some_and(|o| o.transport == req.transport.as_str());
    let (secret, secret_keys) = match secrets {
        Some(map) if map.is_empty() => (None, Vec::new()),
        Some(map) => (
            Some(
                app.secrets.seal_json(
                    &serde_json::to_value(map).map_err(|e| {
                        AppError::Internal(format!("cannot serialize secrets: {e}"))
                    })?,
                )?,
            ),
            map.keys().cloned().collect(),
        ),
        None => match old {
            Some(o) if same_transport => {
                (o.secret.clone(), json_list(&o.secret_keys, "secret_keys")?)
            }
            _ => (None, Vec::new()),
        },
    };
    let stdio = req.transport == McpTransport::Stdio;
    Ok(ServerFields {
        name,
        description: req.description.trim().to_owned(),
        transport: req.transport.as_str().to_owned(),
        command: if stdio {
            req.command.as_deref().map(|c| c.trim().to_owned())
        } else {
            None
        },
        args: to_json(&if stdio { req.args.clone() } else { Vec::new() })?,
        url: if stdio {
            None
        } else {
            req.url.as_deref().map(|u| u.trim().to_owned())
        },
        secret,
        secret_keys: to_json(&secret_keys)?,
        timeout_ms: i64::try_from(req.timeout_ms).unwrap_or(i64::MAX),
        is_enabled: i64::from(req.is_enabled),
    })
}

fn is_http_url(u: &str) -> bool {
    match reqwest::Url::parse(u) {
        Ok(url) => matches!(url.scheme(), "http" | "https") && url.host_str().is_some(),
        Err(_) => false,
    }
}

/// The tools of a registered server (cached per session). A server that cannot be started
/// or reached is a 503 with the reason, not a 500.
pub async fn tools_of(app: &AppState, server: &str) -> AppResult<std::sync::Arc<Vec<ToolInfo>>> {
    let spec = spec(app, server).await?;
    app.mcp
        .list_tools(&spec)
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))
}

/// Calls `tool` on a registered server with already-rendered `arguments`, validated
/// against the tool's `inputSchema` first.
pub async fn call(
    app: &AppState,
    server: &str,
    tool: &str,
    arguments: Map<String, Value>,
    timeout: Duration,
) -> Result<Value, ActionError> {
    let spec = spec(app, server)
        .await
        .map_err(|e| ActionError::Invalid(e.to_problem().detail.unwrap_or_default()))?;
    app.mcp.call_tool(&spec, tool, arguments, timeout).await
}
