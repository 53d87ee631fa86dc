//! The one application state: every handler and server function reaches the database,
//! keys and settings through `AppState`.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use crate::backend::auth::{LoginLimiter, RateLimit, TokenKeys};
use crate::backend::db::Db;
use crate::backend::db::api_configs::ApiConfigRow;
use crate::backend::db::users::UserRow;
use crate::backend::mcp::McpPool;
use crate::backend::outbound::Outbound;
use crate::backend::secrets::SecretBox;
use crate::backend::ttl_cache::TtlCache;
use crate::backend::version_cache::VersionCache;
use crate::domain::user::Role;

/// Account and session settings (from the server's configuration).
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub session_ttl: Duration,
    /// Mark the cookie `Secure`: on whenever the site is served over HTTPS.
    pub cookie_secure: bool,
    /// Role of every account after the first (which is admin).
    pub default_role: Role,
}

/// Limits of the engine (from the server's configuration).
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Timeout of an action attempt when the action sets none.
    pub default_timeout: Duration,
    /// The JavaScript sandbox: heap limit, stack limit and wall-clock deadline per run.
    pub js_memory_limit_bytes: usize,
    pub js_stack_limit_bytes: usize,
    pub js_time_limit: Duration,
    /// Largest JSON a script or transform may return.
    pub max_output_bytes: usize,
    /// Logs and action outcomes keep at most this much of an input or output.
    pub log_truncate_bytes: usize,
    /// Event executions per user: sustained rate and burst.
    pub events_per_minute: u32,
    pub events_burst: u32,
    /// Deepest call stack of library actions (DESIGN §5).
    pub library_max_depth: usize,
    /// An event's log rows are written when it ends; an action still running after this
    /// long gets them written at once (`engine::logs`, issue 15).
    pub trace_after: Duration,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            default_timeout: Duration::from_secs(30),
            js_memory_limit_bytes: 32 * 1024 * 1024,
            js_stack_limit_bytes: 512 * 1024,
            js_time_limit: Duration::from_secs(2),
            max_output_bytes: 4 * 1024 * 1024,
            log_truncate_bytes: 16 * 1024,
            events_per_minute: 600,
            events_burst: 120,
            library_max_depth: 8,
            trace_after: Duration::from_millis(250),
        }
    }
}

pub struct App {
    pub db: Db,
    pub tokens: TokenKeys,
    pub auth: AuthSettings,
    pub login_limiter: LoginLimiter,
    /// Parsed published versions (immutable, so always fresh).
    pub versions: VersionCache,
    /// Encrypts credentials at rest (API configurations, MCP server env/headers).
    pub secrets: SecretBox,
    /// The one guarded outbound HTTP client.
    pub outbound: Outbound,
    /// Pooled MCP client sessions.
    pub mcp: McpPool,
    pub engine: EngineSettings,
    /// Event executions per user id.
    pub event_limiter: RateLimit<String>,
    /// Answer writes to one run take turns on this instance, so concurrent savers of
    /// different keys merge instead of colliding (runs.rs, issue 10).
    pub run_gates: crate::backend::gates::Gates<uuid::Uuid>,
    /// What each run's running event is doing, for the player's progress stream.
    pub progress: crate::backend::progress::ProgressHub,
    /// The prompts that ask a language model for library code.
    pub prompts: crate::backend::prompts::Prompts,
    /// Sessions recently checked against the database, by token id (see
    /// `session::session_cache`).
    pub sessions: TtlCache<String, UserRow>,
    /// API configuration rows calls read, by wizard and id or name (see
    /// `api_configs::row_cache`).
    pub api_config_rows: TtlCache<(uuid::Uuid, String), ApiConfigRow>,
    /// Runs execute-event read, by id (see `run_store::own_recent`).
    pub run_rows: TtlCache<uuid::Uuid, crate::backend::db::runs::RunRow>,
}

#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl AppState {
    pub fn new(app: App) -> Self {
        Self(Arc::new(app))
    }
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}
