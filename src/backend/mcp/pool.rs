//! One client session per registered MCP server, started on first use and reused.
//!
//! A session is replaced when its transport has closed (the child exited, the HTTP session
//! broke) or when the registry entry changed (its `version`). A call that fails on the
//! transport drops the session, reconnects once and retries once: a server that crashed
//! between two calls is invisible to the runner. Every request has a timeout.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use rmcp::model::{CallToolRequestParams, CallToolResult, ContentBlock};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceError, ServiceExt};
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use crate::backend::error::ActionError;

/// How to reach a server, resolved from the registry with its secrets decrypted. Never
/// logged or serialized: `env` and `headers` hold credentials.
#[derive(Clone)]
pub struct ServerSpec {
    pub name: String,
    /// The registry row's id and version: a change restarts the session.
    pub id: String,
    pub version: i64,
    pub transport: Transport,
    /// Time allowed to start the server and finish the MCP handshake, and to list tools.
    pub timeout: Duration,
}

/// The transport of a server, with its secrets.
#[derive(Clone)]
pub enum Transport {
    Stdio {
        command: String,
        args: Vec<String>,
        env: BTreeMap<String, String>,
    },
    StreamableHttp {
        url: String,
        headers: BTreeMap<String, String>,
    },
}

impl std::fmt::Debug for ServerSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSpec")
            .field("name", &self.name)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

pub use crate::domain::mcp::ToolInfo;

/// Why the pool could not serve a request. Messages never contain a credential.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PoolError {
    /// The server cannot be started or reached, or its session broke.
    #[error("the MCP server `{server}` is unavailable: {reason}")]
    Unavailable { server: String, reason: String },
    #[error("the MCP server `{server}` did not answer within {ms} ms")]
    Timeout { server: String, ms: u64 },
    /// The server answered with a protocol error.
    #[error("the MCP server `{server}` refused the request: {reason}")]
    Refused { server: String, reason: String },
}

impl From<PoolError> for ActionError {
    fn from(e: PoolError) -> Self {
        match e {
            PoolError::Unavailable { .. } => ActionError::Transient(e.to_string()),
            PoolError::Timeout { ms, .. } => ActionError::Timeout(ms),
            PoolError::Refused { .. } => ActionError::Failed(e.to_string()),
        }
    }
}

type Client = RunningService<RoleClient, ()>;

/// One live client session.
struct Session {
    id: String,
    version: i64,
    client: Client,
    /// The child's process id (stdio only).
    pid: Option<u32>,
    /// Tools, listed once per session (a restarted server may have changed them).
    tools: tokio::sync::OnceCell<Arc<Vec<ToolInfo>>>,
}

impl Session {
    fn is_usable(&self, spec: &ServerSpec) -> bool {
        self.id == spec.id && self.version == spec.version && !self.client.is_transport_closed()
    }
}

type Slot = Arc<Mutex<Option<Arc<Session>>>>;

/// Pooled client sessions, one per registered server.
#[derive(Default)]
pub struct McpPool {
    slots: StdMutex<HashMap<String, Slot>>,
}

impl McpPool {
    pub fn new() -> Self {
        Self::default()
    }

    fn slot(&self, name: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(name.to_owned()).or_default().clone()
    }

    /// The live session of `spec`, starting one if there is none (or it died). Starts are
    /// serialized per server so concurrent first calls share one child process.
    async fn session(&self, spec: &ServerSpec) -> Result<Arc<Session>, PoolError> {
        let slot = self.slot(&spec.name);
        let mut guard = slot.lock().await;
        if let Some(s) = guard.as_ref()
            && s.is_usable(spec)
        {
            return Ok(s.clone());
        }
        if let Some(old) = guard.take() {
            tracing::info!(server = %spec.name, "MCP session closed or outdated; restarting");
            close(old).await;
        }
        let s = Arc::new(connect(spec).await?);
        tracing::info!(server = %spec.name, pid = ?s.pid, "MCP session started");
        *guard = Some(s.clone());
        Ok(s)
    }

    /// Drops `failed` if it is still the server's session (another caller may already have
    /// replaced it).
    async fn discard(&self, name: &str, failed: &Arc<Session>) {
        let slot = self.slot(name);
        let mut guard = slot.lock().await;
        if guard.as_ref().is_some_and(|s| Arc::ptr_eq(s, failed))
            && let Some(old) = guard.take()
        {
            close(old).await;
        }
    }

    /// Ends the session of a server (after the admin changed or removed it).
    pub async fn evict(&self, name: &str) {
        let slot = self.slot(name);
        let taken = slot.lock().await.take();
        if let Some(old) = taken {
            close(old).await;
        }
    }

    /// Ends every session: children get the MCP stdio shutdown (stdin closed, then
    /// SIGTERM, then kill). Without it, dropping the pool still kills them.
    pub async fn shutdown(&self) {
        let names: Vec<String> = {
            let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            slots.keys().cloned().collect()
        };
        for name in names {
            self.evict(&name).await;
        }
    }

    /// Whether a live session to the server exists (`Some`), with its child's process id
    /// for a stdio server: the admin screen's status line.
    pub async fn session_state(&self, name: &str) -> Option<Option<u32>> {
        let slot = self.slot(name);
        let guard = slot.lock().await;
        guard
            .as_ref()
            .filter(|s| !s.client.is_transport_closed())
            .map(|s| s.pid)
    }

    /// The process id of a stdio server's current child, if one runs. For diagnostics and
    /// for tests that kill a server mid-session.
    pub async fn child_pid(&self, name: &str) -> Option<u32> {
        let slot = self.slot(name);
        let guard = slot.lock().await;
        guard.as_ref().and_then(|s| s.pid)
    }

    /// The server's tools with their `inputSchema` (cached for the session's life).
    pub async fn list_tools(&self, spec: &ServerSpec) -> Result<Arc<Vec<ToolInfo>>, PoolError> {
        let mut retried = false;
        loop {
            let s = self.session(spec).await?;
            match fetch_tools(spec, &s).await {
                Ok(tools) => return Ok(tools),
                Err(Fail::Transport(reason)) if !retried => {
                    tracing::warn!(server = %spec.name, %reason, "MCP session failed; reconnecting");
                    self.discard(&spec.name, &s).await;
                    retried = true;
                }
                Err(f) => {
                    if matches!(f, Fail::Transport(_)) {
                        self.discard(&spec.name, &s).await;
                    }
                    return Err(f.into_pool_error(&spec.name, spec.timeout));
                }
            }
        }
    }

    /// Calls a tool after validating `arguments` against its `inputSchema`.
    ///
    /// A tool result with `isError` is [`ActionError::Failed`] with the tool's text; a
    /// transport failure (after one reconnect and retry) is `Transient`; no answer within
    /// `timeout` is `Timeout`; arguments the schema refuses are `Invalid`, naming each.
    pub async fn call_tool(
        &self,
        spec: &ServerSpec,
        tool: &str,
        arguments: Map<String, Value>,
        timeout: Duration,
    ) -> Result<Value, ActionError> {
        let tools = self.list_tools(spec).await?;
        let Some(info) = tools.iter().find(|t| t.name == tool) else {
            return Err(ActionError::Invalid(no_such_tool(&spec.name, tool, &tools)));
        };
        let problems = super::schema::validate(&info.input_schema, &arguments);
        if !problems.is_empty() {
            let list: Vec<String> = problems
                .iter()
                .map(|p| format!("arguments.{}: {}", p.argument, p.message))
                .collect();
            return Err(ActionError::Invalid(format!(
                "the arguments of `{tool}` do not match its input schema: {}",
                list.join("; ")
            )));
        }
        let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        let mut retried = false;
        loop {
            let s = self.session(spec).await?;
            let outcome = tokio::time::timeout(timeout, s.client.call_tool(params.clone())).await;
            let err = match outcome {
                Err(_) => return Err(ActionError::Timeout(millis(timeout))),
                Ok(Ok(result)) => return tool_result(result),
                Ok(Err(e)) => classify(e),
            };
            match err {
                Fail::Transport(reason) if !retried => {
                    tracing::warn!(server = %spec.name, %tool, %reason, "MCP call failed on the transport; reconnecting");
                    self.discard(&spec.name, &s).await;
                    retried = true;
                }
                Fail::Transport(reason) => {
                    self.discard(&spec.name, &s).await;
                    return Err(ActionError::Transient(format!(
                        "the MCP server `{}` is unavailable: {reason}",
                        spec.name
                    )));
                }
                Fail::Timeout => return Err(ActionError::Timeout(millis(timeout))),
                Fail::Refused(reason) => {
                    return Err(ActionError::Failed(format!(
                        "the MCP tool `{tool}` failed: {reason}"
                    )));
                }
            }
        }
    }
}

/// "the server `time` has no tool `x`; it has: a, b".
pub fn no_such_tool(server: &str, tool: &str, tools: &[ToolInfo]) -> String {
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    format!(
        "the server `{server}` has no tool `{tool}`; it has: {}",
        names.join(", ")
    )
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// What went wrong with one request, before it is turned into a caller's error.
enum Fail {
    Transport(String),
    Timeout,
    Refused(String),
}

impl Fail {
    fn into_pool_error(self, server: &str, timeout: Duration) -> PoolError {
        let server = server.to_owned();
        match self {
            Fail::Transport(reason) => PoolError::Unavailable { server, reason },
            Fail::Timeout => PoolError::Timeout {
                server,
                ms: millis(timeout),
            },
            Fail::Refused(reason) => PoolError::Refused { server, reason },
        }
    }
}

fn classify(e: ServiceError) -> Fail {
    match e {
        ServiceError::McpError(err) => Fail::Refused(err.message.to_string()),
        ServiceError::Timeout { .. } => Fail::Timeout,
        other => Fail::Transport(other.to_string()),
    }
}

async fn fetch_tools(spec: &ServerSpec, s: &Session) -> Result<Arc<Vec<ToolInfo>>, Fail> {
    s.tools
        .get_or_try_init(|| async {
            let listed = tokio::time::timeout(spec.timeout, s.client.list_all_tools())
                .await
                .map_err(|_| Fail::Timeout)?
                .map_err(classify)?;
            Ok(Arc::new(
                listed
                    .into_iter()
                    .map(|t| ToolInfo {
                        name: t.name.to_string(),
                        description: t.description.map(|d| d.to_string()).unwrap_or_default(),
                        input_schema: Value::Object((*t.input_schema).clone()),
                    })
                    .collect(),
            ))
        })
        .await
        .cloned()
}

/// The action's output: structured content when the tool gives it, else the content
/// blocks (text as strings, anything else as its JSON form).
fn tool_result(result: CallToolResult) -> Result<Value, ActionError> {
    if result.is_error == Some(true) {
        let text: Vec<&str> = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.as_str()))
            .collect();
        let message = if text.is_empty() {
            "the tool reported an error without a message".to_owned()
        } else {
            text.join("\n")
        };
        return Err(ActionError::Failed(message));
    }
    if let Some(structured) = result.structured_content {
        return Ok(structured);
    }
    Ok(Value::Array(
        result
            .content
            .iter()
            .map(|c| match c {
                ContentBlock::Text(t) => Value::String(t.text.clone()),
                other => serde_json::to_value(other).unwrap_or(Value::Null),
            })
            .collect(),
    ))
}

/// Starts a server and completes the MCP handshake within the spec's timeout.
async fn connect(spec: &ServerSpec) -> Result<Session, PoolError> {
    let unavailable = |reason: String| PoolError::Unavailable {
        server: spec.name.clone(),
        reason,
    };
    let timed_out = || PoolError::Timeout {
        server: spec.name.clone(),
        ms: millis(spec.timeout),
    };
    match &spec.transport {
        Transport::Stdio { command, args, env } => {
            let mut cmd = tokio::process::Command::new(command);
            cmd.args(args)
                // The server's own environment holds its secrets: the child gets only what
                // the admin configured, plus what finding programs needs.
                .env_clear()
                .envs(
                    ["PATH", "HOME"]
                        .iter()
                        .filter_map(|k| std::env::var(k).ok().map(|v| (*k, v))),
                )
                .envs(env)
                // A child never outlives its session, even if the graceful close is skipped.
                .kill_on_drop(true);
            let (child, _) = TokioChildProcess::builder(cmd)
                .stderr(std::process::Stdio::null())
                .spawn()
                .map_err(|e| unavailable(format!("cannot start `{command}`: {e}")))?;
            let pid = child.id();
            let client = tokio::time::timeout(spec.timeout, ().serve(child))
                .await
                .map_err(|_| timed_out())?
                .map_err(|e| unavailable(format!("the MCP handshake failed: {e}")))?;
            Ok(Session {
                id: spec.id.clone(),
                version: spec.version,
                client,
                pid,
                tools: Default::default(),
            })
        }
        Transport::StreamableHttp { url, headers } => {
            let mut custom = HashMap::new();
            for (k, v) in headers {
                let name = HeaderName::from_bytes(k.as_bytes())
                    .map_err(|_| unavailable(format!("invalid header name `{k}`")))?;
                let value = HeaderValue::from_str(v)
                    .map_err(|_| unavailable(format!("invalid value for header `{k}`")))?;
                custom.insert(name, value);
            }
            let config =
                StreamableHttpClientTransportConfig::with_uri(url.as_str()).custom_headers(custom);
            let transport = StreamableHttpClientTransport::from_config(config);
            let client = tokio::time::timeout(spec.timeout, ().serve(transport))
                .await
                .map_err(|_| timed_out())?
                .map_err(|e| unavailable(format!("the MCP handshake failed: {e}")))?;
            Ok(Session {
                id: spec.id.clone(),
                version: spec.version,
                client,
                pid: None,
                tools: Default::default(),
            })
        }
    }
}

/// Closes a session: the MCP stdio shutdown for children (bounded by rmcp's own waits),
/// a plain cancel for HTTP. If another holder still has the session, it dies with the
/// last reference instead.
async fn close(s: Arc<Session>) {
    if let Ok(mut s) = Arc::try_unwrap(s) {
        let _ = s.client.close_with_timeout(Duration::from_secs(5)).await;
    }
}
