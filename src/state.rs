//! The one application state: every handler and server function reaches the database,
//! keys and settings through `AppState`.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{LoginLimiter, RateLimit, TokenKeys};
use crate::db::Db;
use crate::engine::EngineSettings;
use crate::engine::outbound::Outbound;
use crate::mcp::McpPool;
use crate::secrets::SecretBox;
use crate::user::Role;
use crate::version_cache::VersionCache;

/// Account and session settings (from the server's configuration).
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub session_ttl: Duration,
    /// Mark the cookie `Secure`: on whenever the site is served over HTTPS.
    pub cookie_secure: bool,
    /// Role of every account after the first (which is admin).
    pub default_role: Role,
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
    pub run_gates: crate::gates::Gates<String>,
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
