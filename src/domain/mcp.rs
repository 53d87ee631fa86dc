//! The wire types of the admin's MCP server registry and of the tools a server offers,
//! shared by the REST API (`backend::mcp_servers`) and the admin and builder screens, which
//! render a form from a tool's `inputSchema` (ARCHITECTURE.md, "The builder's events").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// How a server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum McpTransport {
    /// A command the server starts as a child process, speaking MCP on stdin/stdout.
    Stdio,
    /// An MCP endpoint over HTTP (streamable HTTP transport).
    StreamableHttp,
}

impl McpTransport {
    pub fn as_str(self) -> &'static str {
        match self {
            McpTransport::Stdio => "stdio",
            McpTransport::StreamableHttp => "streamable_http",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "stdio" => Some(McpTransport::Stdio),
            "streamable_http" => Some(McpTransport::StreamableHttp),
            _ => None,
        }
    }
}

fn default_timeout() -> u64 {
    crate::domain::integration::DEFAULT_TIMEOUT_MS
}

fn default_true() -> bool {
    true
}

/// Registers (POST) or replaces (PUT) a server. `env` and `headers` are write-only; left
/// out on PUT they keep the stored values, sent they replace them all.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct McpServerRequest {
    /// Unique; wizards refer to the server by it. Letters, digits, `_`, `-`, `.`.
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub transport: McpTransport,
    /// stdio: the program to start.
    #[serde(default)]
    pub command: Option<String>,
    /// stdio: its arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// stdio: environment variables of the child (the only ones it gets besides PATH and
    /// HOME). Write-only.
    #[serde(default)]
    pub env: Option<BTreeMap<String, String>>,
    /// streamable HTTP: the endpoint, `http(s)://…`.
    #[serde(default)]
    pub url: Option<String>,
    /// streamable HTTP: headers sent with every request (e.g. `Authorization`). Write-only.
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    /// Time allowed to start the server and to list its tools.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    #[serde(default = "default_true")]
    pub is_enabled: bool,
    /// PUT only: the version you read (409 when it changed since).
    #[serde(
        default,
        deserialize_with = "crate::domain::concurrency::optional_version"
    )]
    #[cfg_attr(feature = "ssr", schema(minimum = 1))]
    pub version: Option<i64>,
}

/// A registered server. Builders get the public part; admins also how it is reached and the
/// *names* of its env variables or headers (never their values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct McpServerView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub transport: McpTransport,
    pub timeout_ms: u64,
    pub is_enabled: bool,
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Names of the env variables (stdio) or headers (HTTP) that are set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_keys: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// A tool as builders see it: enough to render a form for its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ToolInfo {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The tool's JSON Schema for its arguments, as the server declared it.
    #[serde(rename = "inputSchema")]
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub input_schema: Value,
}
