//! The action engine (DESIGN §4): runs the events of a run's pinned version on the server
//! and returns effects.
//!
//! One module per action type under [`actions`], each implementing [`ExecuteAction`]; one
//! dispatch ([`actions::check`], [`actions::execute`]). The engine around them
//! ([`execute`]) matches events, checks conditions, resolves templates, applies
//! `on_error`, handles output, writes logs and the run.

pub mod actions;
pub mod execute;
pub mod jmes;
pub mod logs;
pub mod outbound;
pub mod sandbox;

use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use uuid::Uuid;

use crate::domain::Wizard;
use crate::domain::event::Effects;
use crate::problem::FieldError;
use crate::state::AppState;

pub use execute::{execute_event, test_action};

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
        }
    }
}

/// Who is running what: the run an action works for.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub run_id: Uuid,
    pub wizard_id: Uuid,
    pub user_id: String,
    pub user_email: String,
}

/// Why an action attempt failed. The message is shown to the runner and logged, so it
/// must never contain a credential.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ActionError {
    /// The action cannot work as configured with this input (not retried).
    #[error("{0}")]
    Invalid(String),
    /// The other side refused (a 4xx, a tool error): not retried.
    #[error("{0}")]
    Failed(String),
    /// Might work next time (a 5xx, a refused connection): retried under `on_error: retry`.
    #[error("{0}")]
    Transient(String),
    #[error("timed out after {0} ms")]
    Timeout(u64),
}

impl ActionError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, ActionError::Transient(_) | ActionError::Timeout(_))
    }
}

/// What an action sees while it runs.
pub struct ActionCtx<'a> {
    pub app: &'a AppState,
    pub run: &'a RunInfo,
    /// The pinned version (its API/MCP configurations name what actions may reach).
    pub wizard: &'a Wizard,
    /// The template context: `fields`, `run`, `wizard`, `step`, `event`, `actions`.
    pub context: &'a Value,
    /// Effects so far; actions that set fields, show messages or navigate add to it.
    pub effects: &'a mut Effects,
    /// The log row of this attempt: calls the action makes log under it.
    pub log_id: Uuid,
    /// This attempt's time budget.
    pub timeout: Duration,
}

/// What is known when an action is saved or tested: the wizard it belongs to (the draft,
/// with its API/MCP configurations) and where in the request the action sits.
pub struct CheckCtx<'a> {
    pub app: &'a AppState,
    pub wizard: &'a Wizard,
}

/// One action type. `check` runs at save/test time (compile, references, schemas) and
/// reports problems with their paths under `path`; `execute` runs one attempt and returns
/// the raw output (before `output_handling`).
pub trait ExecuteAction {
    fn check(&self, ctx: &CheckCtx<'_>, path: &str)
    -> impl Future<Output = Vec<FieldError>> + Send;

    fn execute(
        &self,
        ctx: &mut ActionCtx<'_>,
    ) -> impl Future<Output = Result<Value, ActionError>> + Send;
}
